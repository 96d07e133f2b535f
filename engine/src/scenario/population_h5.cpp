// Population files in HDF5: one 1-D dataset per parameter at the root. Each
// rank reads only its own rows, through a strided selection.

#include <cstring>

#include <fmt/format.h>

#include "h5/h5.hpp"
#include "kairos/core/error.hpp"
#include "h5/zstd_filter.hpp"
#include "scenario/population_file.hpp"

namespace kairos {

namespace {

/// h5py stores numpy's booleans as a one-byte enum, FALSE = 0 and TRUE = 1.
bool is_h5py_boolean(hid_t type) {
  if (H5Tget_size(type) != 1 || H5Tget_nmembers(type) != 2) return false;
  for (unsigned i = 0; i < 2; ++i) {
    char* name = H5Tget_member_name(type, i);
    std::uint8_t value = 0xFF;
    const bool expected = name && H5Tget_member_value(type, i, &value) >= 0 &&
                          std::strcmp(name, value == 0 ? "FALSE" : "TRUE") == 0 && value <= 1;
    H5free_memory(name);
    if (!expected) return false;
  }
  return true;
}

/// What a column holds in memory.
enum class column_kind { integer, unsigned_integer, real, boolean, text };

class h5_population final : public population_file {
 public:
  h5_population(const std::filesystem::path& path, std::string field);
  population_rows read(std::uint64_t first, std::uint64_t step, std::uint64_t count) const override;
  std::string describe_row(std::uint64_t row) const override { return fmt::format("index {}", row); }

 private:
  /// The file, opened read-only; a scenario error if it is not HDF5.
  h5::file open_file() const;
  h5::handle open_column(hid_t file, const std::string& name) const;
  /// How column `name` (of file type `type`) is read, or an error.
  column_kind kind_of(hid_t type, const std::string& name) const;
  /// Reads the selected rows of one column into `rows`.
  void read_column(hid_t set, int column, hid_t file_space, hid_t memory_space, population_rows& rows) const;
};

h5_population::h5_population(const std::filesystem::path& path, std::string field)
    : population_file(path, std::move(field)) {
  const h5::file file = open_file();
  columns_ = file.children(file.open_group(file.id(), "/").get());
  if (columns_.empty()) fail("the file holds no dataset (one 1-D dataset per parameter, at the root)");
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const h5::handle set = open_column(file.id(), columns_[c]);
    h5::handle space(H5Dget_space(set.get()), H5Sclose);
    hsize_t extent = 0;
    if (H5Sget_simple_extent_ndims(space.get()) != 1 || H5Sget_simple_extent_dims(space.get(), &extent, nullptr) != 1)
      fail(fmt::format("dataset '{}' is not one-dimensional (one value per actor)", columns_[c]));
    h5::handle type(H5Dget_type(set.get()), H5Tclose);
    kind_of(type.get(), columns_[c]);
    if (c == 0) rows_ = extent;
    else if (extent != rows_)
      fail(fmt::format("dataset '{}' has {} rows and '{}' {}: every parameter needs one value per actor", columns_[c],
                       extent, columns_[0], rows_));
  }
}

h5::file h5_population::open_file() const {
  h5::register_zstd_filter();  // compressed columns need it to read
  try {
    return h5::file::open_read(path_);
  } catch (const error&) {
    // A run-time failure there; a bad input file here (exit 2).
    fail("cannot open the population file as HDF5 (missing, truncated or not HDF5)");
  }
}

h5::handle h5_population::open_column(hid_t file, const std::string& name) const {
  H5O_info_t info;
  if (H5Oget_info_by_name(file, name.c_str(), &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET)
    fail(fmt::format("'{}' is not a dataset (one 1-D dataset per parameter, at the root)", name));
  h5::handle set(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!set) fail(fmt::format("cannot open dataset '{}'", name));
  return set;
}

column_kind h5_population::kind_of(hid_t type, const std::string& name) const {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      return H5Tget_sign(type) == H5T_SGN_NONE && H5Tget_size(type) == 8 ? column_kind::unsigned_integer
                                                                          : column_kind::integer;
    case H5T_FLOAT: return column_kind::real;
    case H5T_STRING: return column_kind::text;
    case H5T_ENUM:
      if (is_h5py_boolean(type)) return column_kind::boolean;
      break;
    default: break;
  }
  fail(fmt::format("dataset '{}' has a type a parameter cannot take (integers, floating-point numbers, strings or "
                   "booleans)",
                   name));
}

void h5_population::read_column(hid_t set, int column, hid_t file_space, hid_t memory_space,
                                population_rows& rows) const {
  const std::string& name = columns_[static_cast<std::size_t>(column)];
  h5::handle type(H5Dget_type(set), H5Tclose);
  const std::size_t n = rows.count();
  const auto read = [&](hid_t memory_type, void* into) {
    if (H5Dread(set, memory_type, memory_space, file_space, H5P_DEFAULT, into) < 0)
      fail(fmt::format("cannot read dataset '{}' (corrupt, or compressed with a filter HDF5 does not have)", name));
  };
  switch (kind_of(type.get(), name)) {
    case column_kind::integer: {
      std::vector<std::int64_t> values(n);
      read(H5T_NATIVE_INT64, values.data());
      for (std::size_t r = 0; r < n; ++r) rows.set(r, column, std::make_unique<toml::value<std::int64_t>>(values[r]));
      break;
    }
    case column_kind::unsigned_integer: {
      std::vector<std::uint64_t> values(n);
      read(H5T_NATIVE_UINT64, values.data());
      for (std::size_t r = 0; r < n; ++r) {
        if (values[r] > static_cast<std::uint64_t>(INT64_MAX))
          fail(fmt::format("dataset '{}', {}: {} is beyond a parameter's integers (2^63 - 1)", name,
                           rows.describe_row(r), values[r]));
        rows.set(r, column, std::make_unique<toml::value<std::int64_t>>(static_cast<std::int64_t>(values[r])));
      }
      break;
    }
    case column_kind::real: {
      std::vector<double> values(n);
      read(H5T_NATIVE_DOUBLE, values.data());
      for (std::size_t r = 0; r < n; ++r) rows.set(r, column, std::make_unique<toml::value<double>>(values[r]));
      break;
    }
    case column_kind::boolean: {
      // HDF5 converts no enum to an integer: read the enum's own bytes.
      h5::handle memory_type(H5Tget_native_type(type.get(), H5T_DIR_ASCEND), H5Tclose);
      std::vector<std::uint8_t> values(n);
      read(memory_type.get(), values.data());
      for (std::size_t r = 0; r < n; ++r) rows.set(r, column, std::make_unique<toml::value<bool>>(values[r] != 0));
      break;
    }
    case column_kind::text: {
      h5::handle memory_type(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_cset(memory_type.get(), H5Tget_cset(type.get()));
      if (H5Tis_variable_str(type.get()) > 0) {
        H5Tset_size(memory_type.get(), H5T_VARIABLE);
        std::vector<char*> values(n);
        read(memory_type.get(), values.data());
        for (std::size_t r = 0; r < n; ++r)
          rows.set(r, column, std::make_unique<toml::value<std::string>>(values[r] ? values[r] : ""));
        H5Dvlen_reclaim(memory_type.get(), memory_space, H5P_DEFAULT, values.data());
      } else {
        const std::size_t width = H5Tget_size(type.get());
        H5Tset_size(memory_type.get(), width);
        H5Tset_strpad(memory_type.get(), H5T_STR_NULLPAD);
        std::vector<char> values(n * width);
        read(memory_type.get(), values.data());
        for (std::size_t r = 0; r < n; ++r) {
          const char* text = values.data() + r * width;
          rows.set(r, column, std::make_unique<toml::value<std::string>>(std::string(text, strnlen(text, width))));
        }
      }
      break;
    }
  }
}

population_rows h5_population::read(std::uint64_t first, std::uint64_t step, std::uint64_t count) const {
  population_rows rows(*this, first, step, count);
  if (count == 0) return rows;
  const h5::file file = open_file();
  const hsize_t start = first, stride = step, n = count;
  h5::handle memory_space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const h5::handle set = open_column(file.id(), columns_[c]);
    h5::handle file_space(H5Dget_space(set.get()), H5Sclose);
    hsize_t extent = 0;
    H5Sget_simple_extent_dims(file_space.get(), &extent, nullptr);
    if (extent != rows_) fail("the file changed while the run was reading it");
    if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, &stride, &n, nullptr) < 0)
      fail(fmt::format("cannot select rows of dataset '{}'", columns_[c]));
    read_column(set.get(), static_cast<int>(c), file_space.get(), memory_space.get(), rows);
  }
  return rows;
}

}  // namespace

std::shared_ptr<const population_file> open_population_h5(const std::filesystem::path& path, std::string field) {
  return std::make_shared<h5_population>(path, std::move(field));
}

}  // namespace kairos
