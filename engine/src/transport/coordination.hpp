#pragma once

#include <array>
#include <climits>
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

/// What one MPI_Allreduce agrees on at the end of a diasca: the part of a
/// report that decide() reads, plus the exchange's termination count. Every
/// word combines by maximum except `in_flight`, which sums (modulo 2^64) each
/// rank's buffers sent minus buffers received this diasca: zero over all
/// ranks means every buffer has arrived. Minima are stored complemented (~x
/// is largest where x is smallest). The message, creation and deletion counts
/// shrink to one "any activity" flag: decide() needs no more, and the run's
/// totals are summed at its end.
struct agreement_words {
  enum : std::size_t {
    in_flight,
    activity,
    stop,
    checkpoint,
    end_of_tick,
    next_tick_complement,
    failed_rank_complement,
    count
  };
  std::array<std::uint64_t, count> words{};

  static agreement_words of(const diasca_report& r, std::uint64_t sent, std::uint64_t received) noexcept {
    agreement_words a;
    a.words[in_flight] = sent - received;
    a.words[activity] = r.activity() ? 1 : 0;
    a.words[stop] = r.stop_requested ? 1 : 0;
    a.words[checkpoint] = r.checkpoint_wanted ? 1 : 0;
    a.words[end_of_tick] = r.end_of_tick_pending ? 1 : 0;
    a.words[next_tick_complement] = ~static_cast<std::uint64_t>(r.next_tick);
    // No failure reads as INT_MAX, above every rank.
    a.words[failed_rank_complement] = ~static_cast<std::uint64_t>(r.failed_rank >= 0 ? r.failed_rank : INT_MAX);
    return a;
  }
  void combine(const agreement_words& o) noexcept { combine_element(o.words.data(), words.data(), count); }
  /// Combines one reduction element of `length` words: these agreement
  /// words, then (beyond them) counts that sum, such as the buffers sent to
  /// each rank. MPI's reduction function calls it.
  static void combine_element(const std::uint64_t* from, std::uint64_t* into, std::size_t length) noexcept {
    into[in_flight] += from[in_flight];
    for (std::size_t i = in_flight + 1; i < count; ++i) into[i] = into[i] > from[i] ? into[i] : from[i];
    for (std::size_t i = count; i < length; ++i) into[i] += from[i];
  }
  /// True when every buffer sent in the diasca has been received.
  bool exchange_complete() const noexcept { return words[in_flight] == 0; }
  /// A report that decide() treats exactly as the combined reports.
  diasca_report report() const noexcept {
    diasca_report r;
    r.messages_sent = words[activity];
    r.stop_requested = static_cast<std::uint32_t>(words[stop]);
    r.checkpoint_wanted = static_cast<std::uint32_t>(words[checkpoint]);
    r.end_of_tick_pending = static_cast<std::uint32_t>(words[end_of_tick]);
    r.next_tick = static_cast<tick_t>(~words[next_tick_complement]);
    const auto failed = static_cast<std::int64_t>(~words[failed_rank_complement]);
    r.failed_rank = failed == INT_MAX ? -1 : static_cast<std::int32_t>(failed);
    return r;
  }
};

}  // namespace kairos
