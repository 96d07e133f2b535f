#pragma once

// Numbers as little-endian bytes on every machine: the one byte order of
// everything Kairos keeps beyond a run (actor states, checkpoint samples)
// and of what the digest hashes, so that a big-endian machine reads and
// hashes the same bytes as a little-endian one.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>

namespace kairos::detail {

/// The bytes of an arithmetic value, little-endian.
template <class T>
void to_little_endian(const T& value, std::byte* out) noexcept {
  std::memcpy(out, &value, sizeof value);
  if constexpr (std::endian::native == std::endian::big) std::reverse(out, out + sizeof value);
}

/// The value whose little-endian bytes start at `in`.
template <class T>
T from_little_endian(const std::byte* in) noexcept {
  std::byte bytes[sizeof(T)];
  std::memcpy(bytes, in, sizeof bytes);
  if constexpr (std::endian::native == std::endian::big) std::reverse(bytes, bytes + sizeof bytes);
  T value;
  std::memcpy(&value, bytes, sizeof value);
  return value;
}

}  // namespace kairos::detail
