#pragma once

#include <cstdint>

#include "kairos/core/types.hpp"

namespace kairos {

/// What each rank's time manager reports up the tree at the end of a
/// diasca; reports of a subtree combine into one of the same shape.
struct diasca_report {
  std::uint64_t messages_sent = 0;    ///< this diasca, local and remote
  std::uint64_t actors_created = 0;
  std::uint64_t actors_deleted = 0;
  tick_t next_tick = no_tick;         ///< earliest tick in the subtree's agendas
  /// A tick every rank reports alike and no later than its next_tick (the
  /// current tick, or a window's last): the collective agreement sends the
  /// next tick as its distance from it (packed_agreement.hpp).
  tick_t base_tick = 0;
  std::uint32_t stop_requested = 0;   ///< an actor asked to stop
  std::int32_t failed_rank = -1;      ///< lowest rank whose diasca failed, or -1
  /// A checkpoint is wanted at the end of this tick: a signal reached some
  /// rank, or rank 0's wall-clock trigger fired (only rank 0 sets that one,
  /// so all ranks follow one clock).
  std::uint32_t checkpoint_wanted = 0;
  /// Actors activated this tick wait for their on_end_of_tick.
  std::uint32_t end_of_tick_pending = 0;

  void combine(const diasca_report& o) noexcept {
    messages_sent += o.messages_sent;
    actors_created += o.actors_created;
    actors_deleted += o.actors_deleted;
    next_tick = next_tick < o.next_tick ? next_tick : o.next_tick;
    stop_requested |= o.stop_requested;
    checkpoint_wanted |= o.checkpoint_wanted;
    end_of_tick_pending |= o.end_of_tick_pending;
    if (o.failed_rank >= 0 && (failed_rank < 0 || o.failed_rank < failed_rank)) failed_rank = o.failed_rank;
  }
  bool activity() const noexcept { return messages_sent + actors_created + actors_deleted > 0; }
};

/// What the root decides from the combined report and sends down the tree.
struct diasca_decision {
  /// end_of_tick: the tick is quiet; run the on_end_of_tick hooks, then
  /// agree again on what comes next.
  enum class kind : std::uint32_t { next_diasca, next_tick, stop, fail, end_of_tick };
  kind what = kind::stop;
  std::int32_t failed_rank = -1;
  std::uint32_t stop_requested = 0;
  tick_t next_tick = no_tick;
  std::uint32_t checkpoint_wanted = 0;  ///< with next_tick: checkpoint before it
};

/// The root's rule (docs/design.md §2): go on while the diasca had activity; at a
/// quiet diasca end the tick (after its end-of-tick hooks, if any are
/// pending) and jump to the earliest scheduled tick, unless an actor asked to
/// stop or nothing is left.
inline diasca_decision decide(const diasca_report& r) noexcept {
  using k = diasca_decision::kind;
  if (r.failed_rank >= 0) return {k::fail, r.failed_rank, 0, no_tick, 0};
  if (r.activity()) return {k::next_diasca, -1, 0, no_tick, 0};
  if (r.end_of_tick_pending) return {k::end_of_tick, -1, 0, no_tick, 0};
  if (r.stop_requested || r.next_tick == no_tick) return {k::stop, -1, r.stop_requested, r.next_tick, 0};
  return {k::next_tick, -1, 0, r.next_tick, r.checkpoint_wanted};
}

}  // namespace kairos
