#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>

#include "kairos/actor/message.hpp"
#include "kairos/actor/state_archive.hpp"
#include "kairos/probe/probe_id.hpp"

namespace kairos {

class actor;
class actor_init;
class context;

/// A documented parameter of an actor class or scenario section, as
/// `kairos info` shows it: {"cans", "initial stock", "number or random law",
/// "10"}. An empty `fallback` with a `type` means the scenario must give it;
/// a bare {name, doc} documents neither.
struct param_doc {
  std::string_view name;
  std::string_view doc;
  std::string_view type = {};      ///< e.g. "number", "string", "actor or group name"
  std::string_view fallback = {};  ///< the value used when absent, as a scenario would write it
};

/// A probe an actor class records to, declared in the class as
///   static constexpr kairos::probe_doc documented_probes[] = {...};
/// or, for a class that records none,
///   static constexpr const auto& documented_probes = kairos::no_probes;
/// `<...>` in a name stands for any text (e.g. "soda.machine.<name>"). A
/// class that documents its probes may declare no other: init.probe and
/// init.aggregate_probe check, the kind included.
struct probe_doc {
  std::string_view name;
  std::string_view curves;  ///< the curve names, comma-separated
  std::string_view doc;
  probe_kind kind = probe_kind::samples;
};
inline constexpr std::array<probe_doc, 0> no_probes{};

/// Whether `name` is one that `pattern` (a probe_doc name) stands for.
bool probe_name_matches(std::string_view pattern, std::string_view name) noexcept;

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
  std::span<const probe_doc> probes;
  bool probes_documented = false;  ///< false: any probe may be declared
  std::size_t size;
  std::size_t align;
  actor* (*construct)(void* storage, actor_init&);
  actor* (*construct_blank)(void* storage);  ///< to load a serialised state into
  void (*destroy)(actor&) noexcept;
  void (*first_diasca)(actor&, context&);
  void (*spontaneous)(actor&, context&);
  void (*end_of_tick)(actor&, context&);  ///< null: the class does not hide on_end_of_tick
  void (*end_of_run)(actor&, context&);  ///< null: the class does not hide on_end_of_run
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
