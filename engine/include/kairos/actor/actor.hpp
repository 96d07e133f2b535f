#pragma once

#include <cstdint>

#include "kairos/actor/message.hpp"
#include "kairos/core/types.hpp"

namespace kairos {

class context;
namespace detail { struct actor_access; }

/// Base class of every model actor.
///
/// A model class derives from it, declares the messages it handles with
/// `using handles = kairos::handles<...>;` and one `void on(const M&, context&)`
/// per message, and may hide the two lifecycle hooks below. Dispatch goes
/// through a per-class table built at registration, so there are no virtual
/// functions here and the engine's share of an actor is 24 bytes.
class actor {
 public:
  /// This actor's placement-independent identifier.
  aai_t aai() const noexcept { return aai_; }

  /// Runs on the first diasca after creation (diasca 0 of tick 0 for the
  /// actors of the scenario), before any message. Hide it to use it.
  void on_first_diasca(context&) {}

  /// Runs at diasca 0 of each tick the actor scheduled. Hide it to use it.
  void act_spontaneous(context&) {}

  /// Messages this class handles; override in the derived class.
  using handles = kairos::handles<>;

 protected:
  actor() = default;
  ~actor() = default;

 private:
  friend struct detail::actor_access;
  aai_t aai_ = no_aai;
  std::uint64_t rng_counter_ = 0;   ///< draws taken from the actor's stream
  std::uint32_t creations_ = 0;     ///< actors created so far (child AAI rule)
  std::uint32_t class_id_ = 0;      ///< index in the class registry
};

namespace detail {
/// The engine's door to the private bookkeeping of an actor.
struct actor_access {
  static aai_t& aai(actor& a) noexcept { return a.aai_; }
  static std::uint64_t& rng_counter(actor& a) noexcept { return a.rng_counter_; }
  static const std::uint64_t& rng_counter(const actor& a) noexcept { return a.rng_counter_; }
  static std::uint32_t& creations(actor& a) noexcept { return a.creations_; }
  static const std::uint32_t& creations(const actor& a) noexcept { return a.creations_; }
  static std::uint32_t& class_id(actor& a) noexcept { return a.class_id_; }
  static std::uint32_t class_id(const actor& a) noexcept { return a.class_id_; }
};

/// AAI of the n-th actor created by `creator`: a function of those two values
/// only, so any rank computes the same identifier without asking anyone.
/// Created actors live in the upper half of the AAI space; scenario actors are
/// numbered 0, 1, 2, ... in the lower half.
constexpr aai_t child_aai(aai_t creator, std::uint32_t n) noexcept {
  std::uint64_t z = creator * 0x9e3779b97f4a7c15ull + n + 0x632be59bd9b4e019ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z = (z ^ (z >> 31)) | (aai_t{1} << 63);
  return z == no_aai ? z - 1 : z;  // no_aai is reserved
}
}  // namespace detail

}  // namespace kairos
