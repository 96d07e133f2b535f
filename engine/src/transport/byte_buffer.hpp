#pragma once

// Minimal writer and reader of trivially copyable values and strings in a
// byte vector: the encoding of what ranks send each other. put/get copy a
// value's bytes as they are (same machine architecture on both ends); the
// _le forms and every length prefix use little-endian on every machine, for
// bytes that also outlive the run (a checkpoint's probe samples), which then
// read the same on a machine of the other byte order.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kairos/core/byte_order.hpp"

namespace kairos {

class byte_writer {
 public:
  explicit byte_writer(std::vector<std::byte>& out) : out_(out) {}
  template <class T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    put_bytes(&value, sizeof value);
  }
  /// A number, little-endian.
  template <class T>
  void put_le(T value) {
    static_assert(std::is_arithmetic_v<T>);
    std::byte bytes[sizeof(T)];
    detail::to_little_endian(value, bytes);
    put_bytes(bytes, sizeof bytes);
  }
  void put_bytes(const void* data, std::size_t size) {
    const std::size_t at = out_.size();
    out_.resize(at + size);
    if (size) std::memcpy(out_.data() + at, data, size);
  }
  void put_string(std::string_view s) {
    put_le(static_cast<std::uint64_t>(s.size()));
    put_bytes(s.data(), s.size());
  }
  void put_strings(const std::vector<std::string>& strings) {
    put_le(static_cast<std::uint64_t>(strings.size()));
    for (const std::string& s : strings) put_string(s);
  }
  /// A count, then the elements' bytes in one piece.
  template <class T>
  void put_vector(const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    put_le(static_cast<std::uint64_t>(values.size()));
    put_bytes(values.data(), values.size() * sizeof(T));
  }

 private:
  std::vector<std::byte>& out_;
};

class byte_reader {
 public:
  byte_reader(const std::byte* data, std::size_t size) : data_(data), size_(size) {}
  explicit byte_reader(const std::vector<std::byte>& in) : byte_reader(in.data(), in.size()) {}
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    std::memcpy(&value, take(sizeof value), sizeof value);
    return value;
  }
  /// A number written by put_le.
  template <class T>
  T get_le() {
    static_assert(std::is_arithmetic_v<T>);
    return detail::from_little_endian<T>(take(sizeof(T)));
  }
  const std::byte* take(std::size_t size) {
    if (size > size_ - at_) throw std::runtime_error("truncated buffer from another rank");
    const std::byte* p = data_ + at_;
    at_ += size;
    return p;
  }
  std::string get_string() {
    const auto size = get_le<std::uint64_t>();
    const std::byte* p = take(size);
    return std::string(reinterpret_cast<const char*>(p), size);
  }
  std::vector<std::string> get_strings() {
    std::vector<std::string> out(get_le<std::uint64_t>());
    for (std::string& s : out) s = get_string();
    return out;
  }
  template <class T>
  std::vector<T> get_vector() {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto n = get_le<std::uint64_t>();
    if (n > (size_ - at_) / sizeof(T)) throw std::runtime_error("truncated buffer from another rank");
    std::vector<T> out(n);
    if (n) std::memcpy(out.data(), take(n * sizeof(T)), n * sizeof(T));
    return out;
  }
  bool done() const noexcept { return at_ == size_; }

 private:
  const std::byte* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

/// Text as bytes and back, for JSON and names sent through the transport.
inline std::vector<std::byte> bytes_of(std::string_view text) {
  const auto* p = reinterpret_cast<const std::byte*>(text.data());
  return {p, p + text.size()};
}
inline std::string text_of(const std::vector<std::byte>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace kairos
