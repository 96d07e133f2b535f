#pragma once

#include <cstdint>
#include <string_view>

#include "kairos/actor/message.hpp"
#include "kairos/core/hash.hpp"
#include "kairos/core/types.hpp"

namespace kairos {

class context;
namespace detail {
struct actor_access;

/// The AAI of the actor whose constructor runs on this thread: the engine
/// sets it around every construction (see aai_scope), so that aai() already
/// answers inside a model's constructor. Initial-exec: the engine library is
/// loaded with the program, so plugins reach the variable at a fixed offset
/// instead of through __tls_get_addr on every construction; constinit spares
/// them the check for a thread-local initialiser.
[[gnu::tls_model("initial-exec")]] extern thread_local constinit aai_t aai_under_construction;

/// Sets aai_under_construction for one construction.
class aai_scope {
 public:
  explicit aai_scope(aai_t aai) noexcept : saved_(aai_under_construction) { aai_under_construction = aai; }
  ~aai_scope() { aai_under_construction = saved_; }
  aai_scope(const aai_scope&) = delete;
  aai_scope& operator=(const aai_scope&) = delete;

 private:
  aai_t saved_;
};
}  // namespace detail

/// Base class of every model actor.
///
/// A model class derives from it, declares the messages it handles with
/// `using handles = kairos::handles<...>;` and one `void on(const M&, context&)`
/// per message, and may hide the lifecycle hooks below. Dispatch goes
/// through a per-class table built at registration, so there are no virtual
/// functions here and the engine's share of an actor is 24 bytes.
class actor {
 public:
  /// This actor's placement-independent identifier, already inside its
  /// constructor.
  aai_t aai() const noexcept { return aai_; }

  /// Runs on the first diasca after creation (diasca 0 of tick 0 for the
  /// actors of the scenario), before any message. Hide it to use it.
  void on_first_diasca(context&) {}

  /// Runs at diasca 0 of each tick the actor scheduled. Hide it to use it.
  void act_spontaneous(context&) {}

  /// Runs once at the end of every tick in which the actor was activated
  /// (spontaneously, by a message or by its creation), for every actor of a
  /// class that hides it: after the tick's last diasca, when every message
  /// of the tick has been handled, at now() = that tick and diasca() =
  /// end_of_tick_diasca. It may record, count, log, draw, schedule, send
  /// timed messages (send_in) and ask to stop; not send, create or delete,
  /// which would need another diasca of a tick that is over.
  void on_end_of_tick(context&) {}

  /// Runs once when the run is over (its stop tick reached, nothing left to
  /// do, or a stop requested), for every actor of a class that hides it: at
  /// now() = the run's last tick and diasca() = end_of_run_diasca. It may
  /// record probe samples, count, log and draw, nothing else (no message,
  /// schedule, creation or deletion: nothing runs after it). A run stopped
  /// for a checkpoint on a signal is not over: its restart calls it.
  void on_end_of_run(context&) {}

  /// Messages this class handles; override in the derived class.
  using handles = kairos::handles<>;

 protected:
  actor() noexcept : aai_(detail::aai_under_construction) {}
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

// The AAI space:
//   0xxx...  scenario actors, numbered 0, 1, 2, ... in file order
//   10xx...  actors created at run time: 62 bits of hash(creator, n)
//   11gg...  actors created with a placement hint: 16 bits of the hint's
//            group, then 46 bits of hash(creator, n)
// so any rank finds an actor's placement from its AAI alone. Hash collisions
// are detected when the actor is inserted and stop the run with an error.

constexpr std::uint64_t creation_hash(aai_t creator, std::uint32_t n) noexcept {
  return mix64(creator * 0x9e3779b97f4a7c15ull + n + 0x632be59bd9b4e019ull);
}

/// AAI of the n-th actor created by `creator`: a function of those two values
/// only, so any rank computes the same identifier without asking anyone.
constexpr aai_t child_aai(aai_t creator, std::uint32_t n) noexcept {
  return (creation_hash(creator, n) >> 2) | (aai_t{1} << 63);
}

/// The 16-bit placement group of a hint: actors whose hints share a group
/// share a rank (scenario blocks and run-time creations alike).
constexpr std::uint64_t placement_group(std::string_view hint) noexcept {
  const std::uint64_t h = fnv1a(hint);
  return (h ^ (h >> 16) ^ (h >> 32) ^ (h >> 48)) & 0xffff;
}

/// AAI of the n-th actor created by `creator` with a placement hint.
constexpr aai_t hinted_child_aai(aai_t creator, std::uint32_t n, std::uint64_t group) noexcept {
  const aai_t z = (aai_t{3} << 62) | (group << 46) | (creation_hash(creator, n) & ((aai_t{1} << 46) - 1));
  return z == no_aai ? z - 1 : z;  // no_aai is reserved
}

constexpr bool is_hinted(aai_t aai) noexcept { return (aai >> 62) == 3; }
constexpr std::uint64_t hinted_group(aai_t aai) noexcept { return (aai >> 46) & 0xffff; }
}  // namespace detail

}  // namespace kairos
