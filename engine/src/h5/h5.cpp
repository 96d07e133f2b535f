#include "h5/h5.hpp"

#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos::h5 {

namespace {

// HDF5 prints its own error stack by default; we report errors ourselves.
struct quiet_errors {
  quiet_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
};
const quiet_errors silence;

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

file file::open_read(const std::filesystem::path& path) {
  file f;
  f.path_ = path;
  f.file_ = handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.file_) f.fail("cannot open the file as HDF5 (missing, truncated or not HDF5)");
  return f;
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

void file::write_u64(hid_t parent, const std::string& name, const std::vector<std::uint64_t>& data) const {
  const hsize_t dims[1] = {data.size()};
  handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  handle set(H5Dcreate2(parent, name.c_str(), H5T_STD_U64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
  if (!set) fail(fmt::format("cannot create dataset '{}'", name));
  if (!data.empty() && H5Dwrite(set.get(), H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
    fail(fmt::format("cannot write dataset '{}' (disk full?)", name));
}

void file::write_f64(hid_t parent, const std::string& name, const std::vector<double>& data, std::size_t rows,
                     std::size_t cols) const {
  const hsize_t dims[2] = {rows, cols};
  handle space(H5Screate_simple(2, dims, nullptr), H5Sclose);
  handle set(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
  if (!set) fail(fmt::format("cannot create dataset '{}'", name));
  if (!data.empty() && H5Dwrite(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
    fail(fmt::format("cannot write dataset '{}' (disk full?)", name));
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
  handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  handle attr(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr || H5Awrite(attr.get(), type.get(), buffer.data()) < 0) fail(fmt::format("cannot write attribute '{}'", name));
}

void file::attr_u64(hid_t object, const std::string& name, std::uint64_t value) const {
  handle space = scalar_space();
  handle attr(H5Acreate2(object, name.c_str(), H5T_STD_U64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr || H5Awrite(attr.get(), H5T_NATIVE_UINT64, &value) < 0) fail(fmt::format("cannot write attribute '{}'", name));
}

void file::attr_f64(hid_t object, const std::string& name, double value) const {
  handle space = scalar_space();
  handle attr(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr || H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value) < 0) fail(fmt::format("cannot write attribute '{}'", name));
}

std::vector<std::uint64_t> file::read_u64(hid_t parent, const std::string& name) const {
  handle set(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!set) fail(fmt::format("no dataset '{}'", name));
  handle space(H5Dget_space(set.get()), H5Sclose);
  std::vector<std::uint64_t> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  if (!out.empty() && H5Dread(set.get(), H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    fail(fmt::format("cannot read dataset '{}'", name));
  return out;
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
  if (H5Aread(attr.get(), mem.get(), buffer.data()) < 0) fail(fmt::format("cannot read attribute '{}'", name));
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

void file::flush() const {
  if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) fail("cannot flush (disk full?)");
}

}  // namespace kairos::h5
