#include "checkpoint/narrow_column.hpp"

#include <algorithm>
#include <bit>
#include <utility>

#include <fmt/format.h>

#include "h5/chunk_codec.hpp"
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

/// Copies values into `out` as T, in the file's byte order; returns the
/// largest, which the caller checks against the bound (one pass for both).
template <class T>
std::uint64_t narrow_into(std::span<const std::uint64_t> values, bool swap_bytes, std::byte* out) {
  T* to = reinterpret_cast<T*>(out);
  std::uint64_t largest = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    largest = std::max(largest, values[i]);
    T v = static_cast<T>(values[i]);
    if (swap_bytes) {
      if constexpr (sizeof(T) == 2) v = __builtin_bswap16(v);
      else if constexpr (sizeof(T) == 4) v = __builtin_bswap32(v);
      else if constexpr (sizeof(T) == 8) v = __builtin_bswap64(v);
    }
    to[i] = v;
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
    : label_(std::move(label)),
      bound_(bound),
      width_(width_for(bound)),
      // A column shorter than a chunk is one chunk of its length (h5::file::layout).
      chunk_(length == h5::file::growing ? chunk_elements : static_cast<std::size_t>(std::min<std::uint64_t>(
                                                                length, chunk_elements))),
      swap_bytes_(big_endian != (std::endian::native == std::endian::big)) {
  set_ = f.create_column(parent, name, stored_type(width_, big_endian), length, chunk_elements, width_ > 1);
}

std::vector<std::byte> narrow_column::encode(std::span<const std::uint64_t> values) const {
  if (values.size() > chunk_)
    throw checkpoint_error(fmt::format("{}: {} values for a chunk of {}", label_, values.size(), chunk_));
  // Scratch per thread, reused: the chunk's raw bytes, zero past the values
  // (only the last chunk of a column has bytes past them).
  thread_local std::vector<std::byte> raw;
  raw.resize(chunk_ * width_);
  std::fill(raw.begin() + static_cast<std::ptrdiff_t>(values.size() * width_), raw.end(), std::byte{0});
  std::uint64_t largest = 0;
  switch (width_) {
    case 1: largest = narrow_into<std::uint8_t>(values, swap_bytes_, raw.data()); break;
    case 2: largest = narrow_into<std::uint16_t>(values, swap_bytes_, raw.data()); break;
    case 4: largest = narrow_into<std::uint32_t>(values, swap_bytes_, raw.data()); break;
    default: largest = narrow_into<std::uint64_t>(values, swap_bytes_, raw.data());
  }
  if (largest > bound_)
    throw checkpoint_error(fmt::format("{}: value {} exceeds the column's declared bound {}", label_, largest, bound_));
  return h5::encode_chunk(raw, width_);
}

void narrow_column::store(const h5::file& f, std::uint64_t first, std::span<const std::byte> encoded) const {
  if (chunk_ == 0 || first % chunk_ != 0)
    throw checkpoint_error(fmt::format("{}: rows from {} do not start a chunk of {}", label_, first, chunk_));
  f.write_chunk(set_.get(), label_, first, encoded);
}

}  // namespace kairos::checkpoint
