#include "h5/h5.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "h5/zstd_filter.hpp"
#include "kairos/core/error.hpp"

namespace kairos::h5 {

namespace {

// HDF5 prints its own error stack by default; we report errors ourselves.
struct quiet_errors {
  quiet_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
};
const quiet_errors silence;

// The core driver refuses a name that exists on disk when given an image,
// so in-memory files get one that cannot exist; messages use the real name.
std::string memory_name(const std::filesystem::path& name) {
  return "/nonexistent-kairos-in-memory/" + name.filename().string();
}

handle scalar_space() { return {H5Screate(H5S_SCALAR), H5Sclose}; }

handle string_type(std::size_t size) {
  handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.get(), std::max<std::size_t>(size, 1));
  H5Tset_strpad(t.get(), H5T_STR_NULLTERM);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

}  // namespace

void file::fail(std::string_view what) const {
  throw error(exit_code::runtime_failure, fmt::format("{}: HDF5 error: {}", path_.string(), what));
}

file file::create(const std::filesystem::path& path) {
  file f;
  f.path_ = path;
  f.file_ = handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!f.file_) f.fail("cannot create the file (directory missing, permission or disk full?)");
  return f;
}

file file::create_parallel(const std::filesystem::path& path) {
  file f;
  f.path_ = path;
  handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
#if KAIROS_HAVE_MPI
  if (!access || H5Pset_fapl_mpio(access.get(), MPI_COMM_WORLD, MPI_INFO_NULL) < 0)
    f.fail("cannot set up parallel (MPI-IO) access");
#else
  f.fail("a file shared by several ranks needs a kairos built with MPI");
#endif
  f.file_ = handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), H5Fclose);
  if (!f.file_) f.fail("cannot create the file on every rank (directory missing or not shared, permission or disk full?)");
  return f;
}

file file::open_read(const std::filesystem::path& path) {
  file f;
  f.path_ = path;
  f.file_ = handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.file_) f.fail("cannot open the file as HDF5 (missing, truncated or not HDF5)");
  return f;
}

file file::create_in_memory(const std::filesystem::path& name, std::size_t expected_size) {
  file f;
  f.path_ = name;
  handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // Nothing is written to disk (backing store off). The driver zero-fills
  // each step it grows by, so an overestimate costs a page fault per 4 KiB
  // never used (0.2 s for 100 MB): steps of an eighth of the expected size,
  // 1 to 16 MiB, over-allocate little (realloc grows large blocks in place).
  const std::size_t step = std::clamp(expected_size / 8, std::size_t{1} << 20, std::size_t{16} << 20);
  if (!access || H5Pset_fapl_core(access.get(), step, 0) < 0) f.fail("cannot set up an in-memory file");
  f.file_ = handle(H5Fcreate(memory_name(name).c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), H5Fclose);
  if (!f.file_) f.fail("cannot create the in-memory file");
  return f;
}

file file::open_image(const std::vector<std::byte>& image, const std::filesystem::path& name) {
  file f;
  f.path_ = name;
  handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!access || H5Pset_fapl_core(access.get(), std::size_t{64} << 20, 0) < 0 ||
      H5Pset_file_image(access.get(), const_cast<std::byte*>(image.data()), image.size()) < 0)
    f.fail("cannot set up an in-memory file");
  f.file_ = handle(H5Fopen(memory_name(name).c_str(), H5F_ACC_RDONLY, access.get()), H5Fclose);
  if (!f.file_) f.fail("not a readable HDF5 file (truncated or corrupt)");
  return f;
}

std::vector<std::byte> file::image() const {
  flush();
  const ssize_t size = H5Fget_file_image(file_.get(), nullptr, 0);
  if (size < 0) fail("cannot take the file image");
  std::vector<std::byte> out(static_cast<std::size_t>(size));
  if (H5Fget_file_image(file_.get(), out.data(), out.size()) != size) fail("cannot take the file image");
  return out;
}

handle file::create_group(hid_t parent, const std::string& name) const {
  handle g(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (!g) fail(fmt::format("cannot create group '{}'", name));
  return g;
}

handle file::open_group(hid_t parent, const std::string& name) const {
  handle g(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose);
  if (!g) fail(fmt::format("no group '{}'", name));
  return g;
}

void file::write_u64(hid_t parent, const std::string& name, const std::vector<std::uint64_t>& data,
                     hid_t stored_as, bool compress) const {
  const hsize_t dims[1] = {data.size()};
  handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  const handle create = layout(data.size(), compress, std::size_t{1} << 17, true, name);  // 1 MiB chunks
  handle set(H5Dcreate2(parent, name.c_str(), stored_as, space.get(), H5P_DEFAULT, create.get(), H5P_DEFAULT),
             H5Dclose);
  if (!set) fail(fmt::format("cannot create dataset '{}'", name));
  if (!data.empty() && H5Dwrite(set.get(), H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
    fail(fmt::format("cannot write dataset '{}' (disk full?)", name));
}

void file::write_u64_tail(hid_t parent, const std::string& name, std::uint64_t length,
                          const std::vector<std::uint64_t>& tail, hid_t stored_as) const {
  if (tail.size() > length) fail(fmt::format("dataset '{}': a tail longer than the column", name));
  // Unwritten elements read as HDF5's default fill value, 0.
  const handle set = create_column(parent, name, stored_as, length, std::size_t{1} << 17, true);
  write_rows(set.get(), name, H5T_NATIVE_UINT64, length - tail.size(), tail.size(), tail.data());
}

void file::write_bytes(hid_t parent, const std::string& name, const void* data, std::size_t size,
                       bool compress) const {
  const hsize_t dims[1] = {size};
  handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  const handle create = layout(size, compress, std::size_t{1} << 20, false, name);
  handle set(H5Dcreate2(parent, name.c_str(), H5T_STD_U8LE, space.get(), H5P_DEFAULT, create.get(), H5P_DEFAULT),
             H5Dclose);
  if (!set) fail(fmt::format("cannot create dataset '{}'", name));
  if (size > 0 && H5Dwrite(set.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    fail(fmt::format("cannot write dataset '{}' (disk full?)", name));
}

handle file::create_column(hid_t parent, const std::string& name, hid_t stored_as, std::uint64_t length,
                           std::size_t chunk_elements, bool shuffle) const {
  const bool grows = length == growing;
  const hsize_t dims[1] = {grows ? 0 : length}, most[1] = {grows ? H5S_UNLIMITED : length};
  handle space(H5Screate_simple(1, dims, most), H5Sclose);
  // A growing column is chunked from the start (its length says nothing yet).
  const handle create = layout(grows ? chunk_elements : length, true, chunk_elements, shuffle, name);
  handle set(H5Dcreate2(parent, name.c_str(), stored_as, space.get(), H5P_DEFAULT, create.get(), H5P_DEFAULT),
             H5Dclose);
  if (!space || !set) fail(fmt::format("cannot create dataset '{}'", name));
  return set;
}

void file::extend(hid_t column, const std::string& name, std::uint64_t length) const {
  const hsize_t dims[1] = {length};
  if (H5Dset_extent(column, dims) < 0) fail(fmt::format("cannot extend dataset '{}' to {} elements", name, length));
}

void file::write_chunk(hid_t column, const std::string& name, std::uint64_t first,
                       std::span<const std::byte> filtered) const {
  const hsize_t offset[1] = {first};
  if (H5Dwrite_chunk(column, H5P_DEFAULT, 0, offset, filtered.size(), filtered.data()) < 0)
    fail(fmt::format("cannot write the chunk at element {} of dataset '{}' (disk full?)", first, name));
}

handle file::layout(std::size_t elements, bool compress, std::size_t chunk_elements, bool shuffle,
                    const std::string& name) const {
  handle create(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (!compress || elements == 0) return create;
  register_zstd_filter();
  const hsize_t chunk[1] = {std::min<hsize_t>(elements, chunk_elements)};
  const unsigned level[1] = {zstd_default_level};
  if (H5Pset_chunk(create.get(), 1, chunk) < 0 || (shuffle && H5Pset_shuffle(create.get()) < 0) ||
      H5Pset_filter(create.get(), zstd_filter_id, H5Z_FLAG_MANDATORY, 1, level) < 0)
    fail(fmt::format("cannot set up Zstd compression for '{}'", name));
  return create;
}

template <class T>
std::vector<T> file::read_all(hid_t parent, const std::string& name, hid_t memory_type) const {
  register_zstd_filter();  // compressed datasets need it to read
  handle set(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!set) fail(fmt::format("no dataset '{}'", name));
  handle space(H5Dget_space(set.get()), H5Sclose);
  std::vector<T> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  if (!out.empty() && H5Dread(set.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    fail(fmt::format("cannot read dataset '{}' (corrupt, or compressed with a filter HDF5 does not have)", name));
  return out;
}

std::vector<std::byte> file::read_bytes(hid_t parent, const std::string& name) const {
  return read_all<std::byte>(parent, name, H5T_NATIVE_UINT8);
}

handle file::create_table(hid_t parent, const std::string& name, hid_t stored_as,
                          std::initializer_list<std::uint64_t> dims) const {
  const std::vector<hsize_t> extent(dims.begin(), dims.end());
  handle space(H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr), H5Sclose);
  handle set(H5Dcreate2(parent, name.c_str(), stored_as, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  if (!set) fail(fmt::format("cannot create dataset '{}'", name));
  return set;
}

void file::write_rows(hid_t table, const std::string& name, hid_t memory_type, std::uint64_t first, std::uint64_t rows,
                      const void* data) const {
  handle file_space(H5Dget_space(table), H5Sclose);
  hsize_t extent[2] = {0, 0};
  const int rank = file_space ? H5Sget_simple_extent_dims(file_space.get(), extent, nullptr) : -1;
  if (rank < 1 || rank > 2) fail(fmt::format("dataset '{}' is not a table", name));
  const hsize_t start[2] = {first, 0}, count[2] = {rows, extent[1]};
  if (rows == 0 || (rank == 2 && extent[1] == 0)) return;  // nothing to write
  handle memory_space(H5Screate_simple(rank, count, nullptr), H5Sclose);
  if (!memory_space ||
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
      H5Dwrite(table, memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, data) < 0)
    fail(fmt::format("cannot write rows {}..{} of dataset '{}' (disk full?)", first, first + rows, name));
}

void file::attr_string(hid_t object, const std::string& name, std::string_view value) const {
  handle type = string_type(value.size() + 1);
  handle space = scalar_space();
  handle attr(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  const std::string copy(value);
  if (!attr || H5Awrite(attr.get(), type.get(), copy.c_str()) < 0) fail(fmt::format("cannot write attribute '{}'", name));
}

void file::attr_strings(hid_t object, const std::string& name, const std::vector<std::string>& values) const {
  std::size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size() + 1);
  std::vector<char> buffer(width * values.size(), '\0');
  for (std::size_t i = 0; i < values.size(); ++i) values[i].copy(buffer.data() + i * width, values[i].size());
  handle type = string_type(width);
  const hsize_t dims[1] = {values.size()};
  // An empty list is an attribute with a null dataspace (no elements).
  handle space(values.empty() ? H5Screate(H5S_NULL) : H5Screate_simple(1, dims, nullptr), H5Sclose);
  handle attr(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr || (!values.empty() && H5Awrite(attr.get(), type.get(), buffer.data()) < 0))
    fail(fmt::format("cannot write attribute '{}'", name));
}

void file::attr_u64(hid_t object, const std::string& name, std::uint64_t value, hid_t stored_as) const {
  handle space = scalar_space();
  handle attr(H5Acreate2(object, name.c_str(), stored_as, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr || H5Awrite(attr.get(), H5T_NATIVE_UINT64, &value) < 0) fail(fmt::format("cannot write attribute '{}'", name));
}

std::uint64_t file::read_attr_u64(hid_t object, const std::string& name) const {
  handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!attr) fail(fmt::format("no attribute '{}'", name));
  handle type(H5Aget_type(attr.get()), H5Tclose);
  std::uint64_t value = 0;
  if (H5Tget_class(type.get()) != H5T_INTEGER || H5Aread(attr.get(), H5T_NATIVE_UINT64, &value) < 0)
    fail(fmt::format("attribute '{}' is not an unsigned integer", name));
  return value;
}

std::string file::read_attr_string(hid_t object, const std::string& name) const {
  const std::vector<std::string> values = read_attr_strings(object, name);
  if (values.size() != 1) fail(fmt::format("attribute '{}' is not a single string", name));
  return values.front();
}

void file::attr_f64(hid_t object, const std::string& name, double value) const {
  handle space = scalar_space();
  handle attr(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr || H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value) < 0) fail(fmt::format("cannot write attribute '{}'", name));
}

std::vector<std::uint64_t> file::read_u64(hid_t parent, const std::string& name) const {
  return read_all<std::uint64_t>(parent, name, H5T_NATIVE_UINT64);
}

std::vector<double> file::read_f64(hid_t parent, const std::string& name, std::size_t& cols) const {
  handle set(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!set) fail(fmt::format("no dataset '{}'", name));
  handle space(H5Dget_space(set.get()), H5Sclose);
  hsize_t dims[2] = {0, 1};
  const int rank = H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  cols = rank == 2 ? dims[1] : 1;
  std::vector<double> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  if (!out.empty() && H5Dread(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    fail(fmt::format("cannot read dataset '{}'", name));
  return out;
}

std::vector<std::string> file::attr_names(hid_t object) const {
  std::vector<std::string> names;
  H5Aiterate2(
      object, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
      },
      &names);
  return names;
}

std::vector<std::string> file::read_attr_strings(hid_t object, const std::string& name) const {
  handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!attr) fail(fmt::format("no attribute '{}'", name));
  handle type(H5Aget_type(attr.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) fail(fmt::format("attribute '{}' is not a string", name));
  handle space(H5Aget_space(attr.get()), H5Sclose);
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  const std::size_t width = H5Tget_size(type.get());
  std::vector<char> buffer(n * width + 1, '\0');
  handle mem = string_type(width);
  if (n > 0 && H5Aread(attr.get(), mem.get(), buffer.data()) < 0) fail(fmt::format("cannot read attribute '{}'", name));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.emplace_back(buffer.data() + i * width, strnlen(buffer.data() + i * width, width));
  return out;
}

std::string file::attr_as_text(hid_t object, const std::string& name) const {
  handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!attr) fail(fmt::format("no attribute '{}'", name));
  handle type(H5Aget_type(attr.get()), H5Tclose);
  switch (H5Tget_class(type.get())) {
    case H5T_STRING: {
      std::string joined;
      for (const std::string& s : read_attr_strings(object, name)) joined += (joined.empty() ? "" : ", ") + s;
      return joined;
    }
    case H5T_INTEGER: {
      std::uint64_t v = 0;
      H5Aread(attr.get(), H5T_NATIVE_UINT64, &v);
      return std::to_string(v);
    }
    case H5T_FLOAT: {
      double v = 0;
      H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v);
      return fmt::format("{}", v);
    }
    default: return "(unprintable)";
  }
}

std::vector<std::string> file::children(hid_t group) const {
  std::vector<std::string> names;
  H5Literate(
      group, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
      },
      &names);
  return names;
}

bool file::has_child(hid_t group, const std::string& name) const {
  return H5Lexists(group, name.c_str(), H5P_DEFAULT) > 0;
}

void file::flush() const {
  if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) fail("cannot flush (disk full?)");
}

void file::close() {
  if (!file_) return;
  if (H5Fclose(file_.release()) < 0) fail("cannot finish writing the file (disk full?)");
}

}  // namespace kairos::h5
