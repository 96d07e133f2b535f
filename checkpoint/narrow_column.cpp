#include "checkpoint/narrow_column.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos::checkpoint {

namespace {

hid_t stored_type(unsigned width, bool big_endian) {
  switch (width) {
    case 1: return big_endian ? H5T_STD_U8BE : H5T_STD_U8LE;
    case 2: return big_endian ? H5T_STD_U16BE : H5T_STD_U16LE;
    case 4: return big_endian ? H5T_STD_U32BE : H5T_STD_U32LE;
    default: return big_endian ? H5T_STD_U64BE : H5T_STD_U64LE;
  }
}

hid_t native_type(unsigned width) {
  switch (width) {
    case 1: return H5T_NATIVE_UINT8;
    case 2: return H5T_NATIVE_UINT16;
    case 4: return H5T_NATIVE_UINT32;
    default: return H5T_NATIVE_UINT64;
  }
}

/// Copies values into `out` as T; returns the largest, which the caller
/// checks against the bound before anything is written (one pass for both).
template <class T>
std::uint64_t narrow_into(std::span<const std::uint64_t> values, std::vector<std::byte>& out) {
  out.resize(values.size() * sizeof(T));
  T* to = reinterpret_cast<T*>(out.data());
  std::uint64_t largest = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    largest = std::max(largest, values[i]);
    to[i] = static_cast<T>(values[i]);
  }
  return largest;
}

}  // namespace

unsigned width_for(std::uint64_t bound) noexcept {
  if (bound <= UINT8_MAX) return 1;
  if (bound <= UINT16_MAX) return 2;
  if (bound <= UINT32_MAX) return 4;
  return 8;
}

narrow_column::narrow_column(const h5::file& f, hid_t parent, const std::string& name, std::string label,
                             std::uint64_t length, std::size_t chunk_elements, std::uint64_t bound, bool big_endian)
    : label_(std::move(label)), bound_(bound), width_(width_for(bound)) {
  set_ = f.create_column(parent, name, stored_type(width_, big_endian), length, chunk_elements, width_ > 1);
}

void narrow_column::write(const h5::file& f, std::uint64_t first, std::span<const std::uint64_t> values) {
  if (values.empty()) return;
  std::uint64_t largest = 0;
  switch (width_) {
    case 1: largest = narrow_into<std::uint8_t>(values, narrowed_); break;
    case 2: largest = narrow_into<std::uint16_t>(values, narrowed_); break;
    case 4: largest = narrow_into<std::uint32_t>(values, narrowed_); break;
    default: largest = *std::max_element(values.begin(), values.end());
  }
  if (largest > bound_)
    throw checkpoint_error(fmt::format("{}: value {} exceeds the column's declared bound {}", label_, largest, bound_));
  const void* data = width_ == 8 ? static_cast<const void*>(values.data()) : narrowed_.data();
  f.write_rows(set_.get(), label_, native_type(width_), first, values.size(), data);
}

}  // namespace kairos::checkpoint
