#pragma once

// The archives actor states are saved to and loaded from: checkpoints,
// actors shipped between ranks, and the results digest.
//
// A model writes the usual Boost.Serialization member
//
//   template <class Archive> void serialize(Archive& ar, unsigned version) { ar & cans_ & cost_; }
//
// and includes Boost's headers for the standard types it holds
// (<boost/serialization/vector.hpp>, string.hpp, map.hpp, array.hpp, ...):
// those serialisers, nvp, split save/load members and base_object all work
// through these archives. What differs from boost::archive::binary_*archive:
//
// - No set-up cost. Boost's binary archive builds a std::locale and tables
//   of the classes it met, which costs more than most actor states and
//   contends between threads; these archives are a byte cursor.
// - Fixed byte order. Numbers are stored little-endian on every machine, so
//   a state saved on one architecture loads on another and hashes the same.
// - Sizes (of strings and collections) and item versions are unsigned
//   LEB128 varints: an empty container costs 1 or 2 bytes, not 8 or 12,
//   which for models of many small actors is much of the state (and of the
//   time spent compressing a checkpoint).
// - No class preambles and no object tracking. Every object is stored by
//   value, each time it is reached, and the bytes of a state do not depend
//   on what the archive held before it. Pointers are refused at compile
//   time: an actor's state is values (hold AAIs, not pointers to actors).
// - `version` is the class's current BOOST_CLASS_VERSION (none is stored):
//   a class whose state layout changes must bump the plugin, as checkpoints
//   of the old layout will not load into it.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "kairos/core/byte_order.hpp"

#include <boost/mpl/bool.hpp>
#include <boost/serialization/array_optimization.hpp>
#include <boost/serialization/array_wrapper.hpp>
#include <boost/serialization/collection_size_type.hpp>
#include <boost/serialization/item_version_type.hpp>
#include <boost/serialization/library_version_type.hpp>
#include <boost/serialization/nvp.hpp>
#include <boost/serialization/serialization.hpp>
#include <boost/serialization/version.hpp>

namespace kairos {

namespace detail {

/// What Boost's standard-type serialisers test against: a library version
/// above every threshold they know (the highest is 7), fixed so that the
/// bytes do not change with the installed Boost.
inline constexpr unsigned state_library_version = 8;

template <class T>
inline constexpr bool is_state_primitive = std::is_arithmetic_v<T> || std::is_enum_v<T>;


template <class T>
constexpr void refuse_pointers() {
  static_assert(!std::is_pointer_v<T> && !std::is_member_pointer_v<T>,
                "an actor's state cannot hold pointers: they mean nothing on another rank or after a restart "
                "(store the AAI of an actor, or the value itself)");
}

}  // namespace detail

/// Saves actor states into a string (appending). See the top of this file.
class state_oarchive {
 public:
  using is_saving = boost::mpl::true_;
  using is_loading = boost::mpl::false_;
  /// Arrays of numbers are copied in one piece on little-endian machines.
  struct use_array_optimization {
    template <class T>
    struct apply {
      using type = boost::mpl::bool_<std::is_arithmetic_v<T>>;
    };
  };

  explicit state_oarchive(std::string& out) noexcept : out_(out) {}

  template <class T>
  state_oarchive& operator<<(const T& value) {
    save(value);
    return *this;
  }
  template <class T>
  state_oarchive& operator&(const T& value) {
    return *this << value;
  }

  void save_binary(const void* data, std::size_t size) { out_.append(static_cast<const char*>(data), size); }
  template <class T>
  void save_array(const boost::serialization::array_wrapper<T>& array, unsigned) {
    using value_type = std::remove_const_t<T>;
    if constexpr (std::endian::native == std::endian::little) {
      save_binary(array.address(), array.count() * sizeof(value_type));
    } else {
      for (std::size_t i = 0; i < array.count(); ++i) save(array.address()[i]);
    }
  }

  boost::serialization::library_version_type get_library_version() const noexcept {
    return boost::serialization::library_version_type(detail::state_library_version);
  }
  template <class T>
  void register_type(const T* = nullptr) noexcept {}
  std::size_t size() const noexcept { return out_.size(); }

 private:
  template <class T>
  void put(const T& value) {
    std::byte bytes[sizeof(T)];
    detail::to_little_endian(value, bytes);
    save_binary(bytes, sizeof bytes);
  }
  /// Unsigned LEB128: 7 bits a byte, low bits first, the high bit set on
  /// every byte but the last.
  void put_varint(std::uint64_t value) {
    char bytes[10];
    std::size_t n = 0;
    for (; value >= 0x80; value >>= 7) bytes[n++] = static_cast<char>((value & 0x7f) | 0x80);
    bytes[n++] = static_cast<char>(value);
    out_.append(bytes, n);
  }

  template <class T>
  void save(const T& value) {
    detail::refuse_pointers<T>();
    if constexpr (std::is_enum_v<T>) {
      put(static_cast<std::underlying_type_t<T>>(value));
    } else if constexpr (std::is_arithmetic_v<T>) {
      put(value);
    } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
      put_varint(value.size());
      save_binary(value.data(), value.size());
    } else if constexpr (std::is_same_v<T, boost::serialization::collection_size_type>) {
      put_varint(static_cast<std::size_t>(value));
    } else if constexpr (std::is_same_v<T, boost::serialization::item_version_type>) {
      put_varint(static_cast<unsigned>(value));
    } else if constexpr (std::is_array_v<T>) {
      *this << boost::serialization::make_array(&value[0], std::extent_v<T>);
    } else {
      boost::serialization::serialize_adl(*this, const_cast<T&>(value), boost::serialization::version<T>::value);
    }
  }

  std::string& out_;
};

/// Loads what state_oarchive saved, from bytes held elsewhere. Reading past
/// the end throws std::out_of_range (a truncated or foreign state).
class state_iarchive {
 public:
  using is_saving = boost::mpl::false_;
  using is_loading = boost::mpl::true_;
  using use_array_optimization = state_oarchive::use_array_optimization;

  explicit state_iarchive(std::string_view in) noexcept : in_(in) {}

  template <class T>
  state_iarchive& operator>>(T& value) {
    load(value);
    return *this;
  }
  template <class T>
  state_iarchive& operator&(T& value) {
    return *this >> value;
  }

  void load_binary(void* data, std::size_t size) { std::memcpy(data, take(size), size); }
  template <class T>
  void load_array(boost::serialization::array_wrapper<T>& array, unsigned) {
    if constexpr (std::endian::native == std::endian::little) {
      load_binary(array.address(), array.count() * sizeof(T));
    } else {
      for (std::size_t i = 0; i < array.count(); ++i) load(array.address()[i]);
    }
  }

  boost::serialization::library_version_type get_library_version() const noexcept {
    return boost::serialization::library_version_type(detail::state_library_version);
  }
  template <class T>
  void register_type(const T* = nullptr) noexcept {}
  void reset_object_address(const void*, const void*) noexcept {}  // no tracking: nothing refers to addresses
  void delete_created_pointers() noexcept {}
  /// Bytes not read yet.
  std::size_t remaining() const noexcept { return in_.size() - at_; }

 private:
  const std::byte* take(std::size_t size) {
    if (size > remaining()) throw std::out_of_range("the saved state ends too early (truncated, or saved by other code)");
    const auto* p = reinterpret_cast<const std::byte*>(in_.data()) + at_;
    at_ += size;
    return p;
  }
  template <class T>
  T get() {
    return detail::from_little_endian<T>(take(sizeof(T)));
  }
  std::uint64_t get_varint() {
    std::uint64_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
      const auto byte = static_cast<std::uint8_t>(*take(1));
      // The tenth byte holds the top bit of 64 and nothing more.
      if (shift == 63 && byte > 1) throw std::out_of_range("a saved size does not fit in 64 bits (damaged state)");
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
    }
  }

  template <class T>
  void load(T& value) {
    using plain = std::remove_const_t<T>;
    detail::refuse_pointers<plain>();
    plain& target = const_cast<plain&>(value);  // nvp and array wrappers arrive as const temporaries
    if constexpr (std::is_enum_v<plain>) {
      target = static_cast<plain>(get<std::underlying_type_t<plain>>());
    } else if constexpr (std::is_arithmetic_v<plain>) {
      target = get<plain>();
    } else if constexpr (std::is_same_v<plain, std::string>) {
      const auto size = get_varint();
      if (size > remaining()) throw std::out_of_range("a saved string is longer than the state");
      const std::byte* p = take(static_cast<std::size_t>(size));
      target.assign(reinterpret_cast<const char*>(p), static_cast<std::size_t>(size));
    } else if constexpr (std::is_same_v<plain, boost::serialization::collection_size_type>) {
      // A damaged count must not size a huge allocation: every element of a
      // saved collection takes at least one byte, except elements that save
      // nothing, which no actor state has a use for.
      const auto count = get_varint();
      if (count > remaining()) throw std::out_of_range("a saved collection has more elements than the state has bytes");
      target = boost::serialization::collection_size_type(static_cast<std::size_t>(count));
    } else if constexpr (std::is_same_v<plain, boost::serialization::item_version_type>) {
      const auto version = get_varint();
      if (version > 0xffffffffu)
        throw std::out_of_range("a saved item version does not fit in 32 bits (damaged state)");
      target = boost::serialization::item_version_type(static_cast<unsigned>(version));
    } else if constexpr (std::is_array_v<plain>) {
      auto array = boost::serialization::make_array(&target[0], std::extent_v<plain>);
      load(array);
    } else {
      boost::serialization::serialize_adl(*this, target, boost::serialization::version<plain>::value);
    }
  }

  std::string_view in_;
  std::size_t at_ = 0;
};

}  // namespace kairos

BOOST_SERIALIZATION_USE_ARRAY_OPTIMIZATION(kairos::state_oarchive)
BOOST_SERIALIZATION_USE_ARRAY_OPTIMIZATION(kairos::state_iarchive)
