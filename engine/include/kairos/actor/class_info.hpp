#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>

#include "kairos/actor/message.hpp"
#include "kairos/actor/state_archive.hpp"

namespace kairos {

class actor;
class actor_init;
class context;

/// A documented parameter of an actor class or scenario section.
struct param_doc {
  std::string_view name;
  std::string_view doc;
};

/// One entry of a class's message dispatch table.
struct handler_entry {
  message_type_id type;
  std::string_view message_name;
  void (*invoke)(actor&, const void* payload, context&);
  std::string_view cpp_type;  ///< names the C++ type (detail::type_signature)
};

/// Everything the engine knows about an actor class: built once per class by
/// KAIROS_REGISTER_ACTOR in the plugin that defines it. The function pointers
/// are the class's dispatch table (no virtual calls on the hot path).
struct class_info {
  std::uint32_t abi;  ///< kairos::abi_version the plugin was compiled with
  std::string_view name;
  std::string_view plugin;
  std::span<const param_doc> params;
  std::size_t size;
  std::size_t align;
  actor* (*construct)(void* storage, actor_init&);
  actor* (*construct_blank)(void* storage);  ///< to load a serialised state into
  void (*destroy)(actor&) noexcept;
  void (*first_diasca)(actor&, context&);
  void (*spontaneous)(actor&, context&);
  std::span<const handler_entry> handlers;
  void (*save)(const actor&, state_oarchive&);
  void (*load)(actor&, state_iarchive&);
  std::uint32_t id = 0;  ///< assigned by the registry when committed

  const handler_entry* handler_for(message_type_id type) const noexcept {
    for (const handler_entry& h : handlers)
      if (h.type == type) return &h;
    return nullptr;
  }
};

namespace detail {

/// A type's name as written in C++, for messages.
std::string demangled(const char* mangled);

template <class T>
inline const class_info* registered_class = nullptr;

template <class T>
const class_info& registered_class_of() {
  if (registered_class<T> == nullptr)
    throw std::logic_error(std::string("actor class ") + demangled(typeid(T).name()) +
                           " created before registration (missing KAIROS_REGISTER_ACTOR?)");
  return *registered_class<T>;
}

}  // namespace detail
}  // namespace kairos
