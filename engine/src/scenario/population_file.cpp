#include "scenario/population_file.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos {

namespace {
/// ".csv" for "people.CSV": formats are told apart by extension, in any case.
std::string lower_extension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}
}  // namespace

population_rows::population_rows(const population_file& file, std::uint64_t first, std::uint64_t step,
                                 std::uint64_t count)
    : file_(&file), width_(file.columns().size()), first_(first), step_(step), count_(count),
      cells_(static_cast<std::size_t>(count * width_)) {}

int population_rows::column_of(std::string_view name) const noexcept {
  const std::vector<std::string>& columns = file_->columns();
  const auto it = std::find(columns.begin(), columns.end(), name);
  return it == columns.end() ? -1 : static_cast<int>(it - columns.begin());
}

std::string population_rows::describe_row(std::uint64_t row) const { return file_->describe_row(file_row(row)); }

void population_rows::set(std::uint64_t row, int column, std::unique_ptr<toml::node> value) {
  cells_[static_cast<std::size_t>(row * width_) + static_cast<std::size_t>(column)] = std::move(value);
}

void population_file::fail(std::string_view why) const {
  throw scenario_error(fmt::format("{} ({}): {}", path_.string(), field_, why));
}

std::shared_ptr<const population_file> population_file::open(const std::filesystem::path& path, std::string field) {
  const std::string extension = lower_extension(path);
  if (extension == ".csv") return open_population_csv(path, std::move(field));
  if (extension == ".h5" || extension == ".hdf5") return open_population_h5(path, std::move(field));
  throw scenario_error(fmt::format("{} ({}): a population file must be CSV (.csv) or HDF5 (.h5, .hdf5)", path.string(),
                                   field));
}

}  // namespace kairos
