#pragma once

// KAIROS_REGISTER_ACTOR and KAIROS_REGISTER_SECTION: the one line a model
// writes per class (in its .cpp) to make it known to scenarios by name.

#include <array>
#include <initializer_list>
#include <new>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kairos/actor/access.hpp"
#include "kairos/actor/actor.hpp"
#include "kairos/actor/actor_init.hpp"
#include "kairos/actor/class_info.hpp"
#include "kairos/actor/context.hpp"
#include "kairos/core/version.hpp"
#include "kairos/scenario/section.hpp"

namespace kairos::detail {

/// Hands a descriptor to the engine. The ABI version travels first and is
/// checked before the descriptor is looked at, so a plugin built against
/// another engine is refused instead of misread.
void submit_class(std::uint32_t abi, const class_info* info) noexcept;
void submit_section(std::uint32_t abi, const section_info* info) noexcept;

template <class T, class M>
void invoke_handler(actor& a, const void* payload, context& ctx) {
  static_cast<T&>(a).on(*static_cast<const M*>(payload), ctx);
}

template <class T, class Handles>
struct handler_table;

/// A compile-time text naming M (the compiler's signature of this function,
/// which spells out M): lets the registry tell apart two C++ types that
/// were given the same message name.
template <class M>
constexpr std::string_view type_signature() noexcept {
  return __PRETTY_FUNCTION__;
}

template <class T, class... Ms>
struct handler_table<T, handles<Ms...>> {
  static constexpr std::array<handler_entry, sizeof...(Ms)> entries{handler_entry{
      Ms::kairos_message_type, Ms::kairos_message_name, &invoke_handler<T, Ms>, type_signature<Ms>()}...};
};

template <class T>
class actor_registrar {
  static_assert(std::is_base_of_v<actor, T>, "an actor class derives from kairos::actor");
  static_assert(std::is_constructible_v<T, actor_init&>, "an actor class is constructible from kairos::actor_init&");
  static_assert(access::can_construct_blank<T>,
                "an actor class has a default constructor (it may be private with `friend kairos::access;`): "
                "checkpoints and migration build it blank, then load its serialised state");

 public:
  actor_registrar(std::string_view name, std::string_view plugin, std::initializer_list<param_doc> params)
      : params_(params) {
    info_.abi = abi_version;
    info_.name = name;
    info_.plugin = plugin;
    info_.params = params_;
    if constexpr (requires { std::span<const probe_doc>(T::documented_probes); }) {
      info_.probes = std::span<const probe_doc>(T::documented_probes);
      info_.probes_documented = true;
    }
    info_.size = sizeof(T);
    info_.align = alignof(T);
    info_.construct = [](void* storage, actor_init& init) -> actor* { return ::new (storage) T(init); };
    info_.construct_blank = [](void* storage) -> actor* { return access::construct_blank<T>(storage); };
    info_.destroy = [](actor& a) noexcept { static_cast<T&>(a).~T(); };
    info_.first_diasca = [](actor& a, context& ctx) { static_cast<T&>(a).on_first_diasca(ctx); };
    info_.spontaneous = [](actor& a, context& ctx) { static_cast<T&>(a).act_spontaneous(ctx); };
    // Only classes that hide them get hooks: the others cost nothing.
    if constexpr (!std::is_same_v<decltype(&T::on_end_of_tick), void (actor::*)(context&)>)
      info_.end_of_tick = [](actor& a, context& ctx) { static_cast<T&>(a).on_end_of_tick(ctx); };
    if constexpr (!std::is_same_v<decltype(&T::on_end_of_run), void (actor::*)(context&)>)
      info_.end_of_run = [](actor& a, context& ctx) { static_cast<T&>(a).on_end_of_run(ctx); };
    info_.handlers = handler_table<T, typename T::handles>::entries;
    info_.save = [](const actor& a, state_oarchive& ar) { ar << static_cast<const T&>(a); };
    info_.load = [](actor& a, state_iarchive& ar) { ar >> static_cast<T&>(a); };
    registered_class<T> = &info_;
    submit_class(abi_version, &info_);
  }

 private:
  std::vector<param_doc> params_;
  class_info info_{};
};

class section_registrar {
 public:
  section_registrar(std::string_view name, std::string_view plugin, section_info::populate_fn populate,
                    std::initializer_list<param_doc> keys)
      : keys_(keys) {
    info_.abi = abi_version;
    info_.name = name;
    info_.plugin = plugin;
    info_.keys = keys_;
    info_.populate = populate;
    submit_section(abi_version, &info_);
  }

 private:
  std::vector<param_doc> keys_;
  section_info info_{};
};

}  // namespace kairos::detail

#ifdef KAIROS_PLUGIN_NAME
#define KAIROS_DETAIL_PLUGIN_NAME KAIROS_PLUGIN_NAME
#else
#define KAIROS_DETAIL_PLUGIN_NAME "builtin"
#endif
#define KAIROS_DETAIL_CAT2(a, b) a##b
#define KAIROS_DETAIL_CAT(a, b) KAIROS_DETAIL_CAT2(a, b)

/// Registers actor class TYPE under NAME, with its documented parameters:
/// KAIROS_REGISTER_ACTOR(soda_machine, "soda.machine",
///                       {"cans", "initial stock"}, {"cost", "price of a can"});
#define KAIROS_REGISTER_ACTOR(TYPE, NAME, ...)                                                 \
  static ::kairos::detail::actor_registrar<TYPE> KAIROS_DETAIL_CAT(kairos_registrar_,   \
                                                                         __COUNTER__) {        \
    NAME, KAIROS_DETAIL_PLUGIN_NAME, { __VA_ARGS__ }                                           \
  }

/// Registers a scenario section `[NAME]` whose keys are documented and whose
/// populate function turns it into actors.
#define KAIROS_REGISTER_SECTION(NAME, POPULATE, ...)                                             \
  static ::kairos::detail::section_registrar KAIROS_DETAIL_CAT(kairos_section_registrar_, \
                                                                     __COUNTER__) {              \
    NAME, KAIROS_DETAIL_PLUGIN_NAME, POPULATE, { __VA_ARGS__ }                                   \
  }
