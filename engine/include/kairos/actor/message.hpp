#pragma once

#include <concepts>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "kairos/core/hash.hpp"

namespace kairos {

/// Stable identifier of a message type: a hash of its declared name, so it is
/// the same in every plugin, rank and run.
using message_type_id = std::uint64_t;

constexpr message_type_id message_type_of(std::string_view name) { return fnv1a(name); }

/// A message is a trivially copyable struct that names itself with
/// KAIROS_MESSAGE. Being trivially copyable lets the engine store it inline
/// in per-diasca buffers (no allocation per message) and ship it between
/// ranks as bytes.
template <class M>
concept message = std::is_trivially_copyable_v<M> && requires {
  { M::kairos_message_type } -> std::convertible_to<message_type_id>;
  { M::kairos_message_name } -> std::convertible_to<std::string_view>;
};

/// The list of message types an actor class handles, one `on` overload each:
/// `using handles = kairos::handles<ask_cost, order_soda>;`
template <message... Ms>
struct handles {};

}  // namespace kairos

/// Declares a message type's stable name inside its struct.
#define KAIROS_MESSAGE(NAME)                                                           \
  static constexpr std::string_view kairos_message_name = NAME;                        \
  static constexpr ::kairos::message_type_id kairos_message_type =                     \
      ::kairos::message_type_of(NAME)
