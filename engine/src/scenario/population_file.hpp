#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace kairos {

class population_file;

/// Some rows of a population file, as one rank reads them: file rows
/// first, first + step, first + 2 step, ... (the rank's own actors of the
/// block), one column per parameter of the file. A cell is a TOML value, or
/// null where a CSV cell is empty (the actor then takes the block's shared
/// value or the class's default). The file must outlive its rows.
class population_rows {
 public:
  population_rows(const population_file& file, std::uint64_t first, std::uint64_t step, std::uint64_t count);

  const population_file& file() const noexcept { return *file_; }
  std::uint64_t count() const noexcept { return count_; }
  /// The column called `name`, or -1.
  int column_of(std::string_view name) const noexcept;
  /// The cell of local row `row` (0 .. count-1) in `column`, or null.
  const toml::node* cell(std::uint64_t row, int column) const noexcept {
    return cells_[static_cast<std::size_t>(row * width_) + static_cast<std::size_t>(column)].get();
  }
  /// The file row (0: the first row of data) that local row `row` is.
  std::uint64_t file_row(std::uint64_t row) const noexcept { return first_ + row * step_; }
  /// Local row `row` as the file's users count it (population_file::describe_row).
  std::string describe_row(std::uint64_t row) const;
  /// Sets a cell of local row `row` (readers).
  void set(std::uint64_t row, int column, std::unique_ptr<toml::node> value);

 private:
  const population_file* file_;
  std::size_t width_;  ///< the file's column count
  std::uint64_t first_, step_, count_;
  std::vector<std::unique_ptr<toml::node>> cells_;  ///< row-major
};

/// The file an [[actors]] block reads its actors from (`from = "people.csv"`
/// or `"people.h5"`): one actor per row, one parameter per column.
///
/// - CSV (RFC 4180): a header row of parameter names, then one row per
///   actor. A cell is read as a TOML value (`12`, `1.5`, `true`, `[1, 2]`,
///   `{ law = "gaussian", mean = 80, stddev = 5 }`); text that is not one is
///   a string. An empty cell gives no value. Every rank reads the whole
///   file and keeps its own rows.
/// - HDF5: one 1-D dataset per parameter at the file's root, all of one
///   length; integers, floating-point numbers, strings and h5py's booleans.
///   Each rank reads only its own rows (a strided selection).
class population_file {
 public:
  /// Opens `path` and reads its header and row count. `field` names the
  /// scenario key in messages ("actors[2].from"). Throws scenario_error
  /// naming the file for a missing, malformed or unsupported file.
  static std::shared_ptr<const population_file> open(const std::filesystem::path& path, std::string field);
  virtual ~population_file() = default;

  const std::filesystem::path& path() const noexcept { return path_; }
  const std::string& field() const noexcept { return field_; }
  std::uint64_t rows() const noexcept { return rows_; }
  const std::vector<std::string>& columns() const noexcept { return columns_; }

  /// Reads rows first, first + step, ..., `count` of them.
  virtual population_rows read(std::uint64_t first, std::uint64_t step, std::uint64_t count) const = 0;
  /// File row `row` (0: the first row of data) as the file's users count
  /// it: "data row 12" of a CSV file (from 1, after the header), "index 11"
  /// of HDF5 datasets (from 0).
  virtual std::string describe_row(std::uint64_t row) const = 0;

 protected:
  population_file(std::filesystem::path path, std::string field) : path_(std::move(path)), field_(std::move(field)) {}
  /// A scenario_error naming the file and the block's key.
  [[noreturn]] void fail(std::string_view why) const;

  std::filesystem::path path_;
  std::string field_;
  std::uint64_t rows_ = 0;
  std::vector<std::string> columns_;
};

/// The readers behind population_file::open.
std::shared_ptr<const population_file> open_population_csv(const std::filesystem::path& path, std::string field);
std::shared_ptr<const population_file> open_population_h5(const std::filesystem::path& path, std::string field);

}  // namespace kairos
