#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kairos/core/types.hpp"

namespace kairos {

/// Spontaneous activations to come: for each future tick, the actors that
/// asked for it. The buckets of the next near_ticks ticks or so sit in a
/// ring indexed by the tick's low bits, found with no hashing (hashing the
/// tick at each schedule and take was a fifth of an empty diasca:
/// bench/RESULTS.md); a tick whose ring slot holds another tick goes to a
/// hash map instead. The distinct ticks sit in a min-heap, so jumping to the
/// next tick costs O(log ticks) however many idle ticks lie between. Entries
/// of deleted actors are left in place and skipped when their tick comes (drop_gone
/// clears them from the next tick, so that it is not visited for them). A bucket
/// that withdraw empties is dropped with its tick, so that a tick with
/// nothing left due is not visited (nor would it be after a restart, whose
/// checkpoint holds no such tick).
///
/// Periodic activations (schedule_every) are kept apart: a table of each
/// periodic actor's period and next tick, and buckets of those next ticks.
/// Taking a tick files each periodic actor due then for its next period, so
/// a periodic actor costs one entry whatever the run's length. Stopping or
/// changing a period withdraws the old next-tick entry.
///
/// One-off activations are kept in lanes, one per worker thread: a worker
/// files the schedule and withdraw calls of the activations it ran in its
/// own lane, on its own thread, while the others run theirs, so the end of
/// a diasca has none left to apply (it was the largest serial part of a
/// diasca). Taking a tick leaves each lane's entries in that lane, for the
/// workers to run in parallel, each its own lane first: those are the
/// actors it ran when they asked, likely still in its caches. An actor asks
/// from one worker in a diasca but from any over a run, so its entries may
/// lie in several lanes: whoever runs the entries of a tick runs each actor
/// once (actor_table::claim), and a withdraw reaches the other lanes at the
/// end of the diasca (spread_withdrawals). The order of the entries of a tick depends on the
/// lanes; no result does (the due actors of a tick run in no particular
/// order).
///
/// Calls on different lanes (schedule, withdraw) may run concurrently;
/// everything else is for one thread at a time.
class agenda {
 public:
  /// Ring slots per lane by default: a power of two.
  static constexpr std::size_t default_near_ticks = 1024;

  /// `lanes` lanes (at least one), each with a ring of `near_ticks` slots
  /// (a power of two; tests make it small to crowd the ring).
  explicit agenda(unsigned lanes = 1, std::size_t near_ticks = default_near_ticks);

  unsigned lane_count() const noexcept { return static_cast<unsigned>(lanes_.size()); }

  void schedule(unsigned lane, tick_t tick, aai_t aai) { lanes_[lane].schedule(tick, aai); }
  /// Removes every entry of `aai` at `tick` from `lane` now, and from the
  /// other lanes at the next spread_withdrawals.
  void withdraw(unsigned lane, tick_t tick, aai_t aai);
  /// The withdraws since the last call, from every lane but their own: at
  /// the end of a diasca, once no lane is being written.
  void spread_withdrawals();
  /// `aai` acts at `first`, then every `period` (>= 1) ticks after, until
  /// stop_every; a later call replaces the earlier. For one thread at a time.
  void schedule_every(aai_t aai, tick_t first, tick_t period);
  /// Ends `aai`'s periodic activation, if it has one.
  void stop_every(aai_t aai);

  /// A periodic activation: the period and the next tick it falls on.
  struct periodic {
    tick_t period;
    tick_t next;
  };
  /// Each periodic actor's activation, in no particular order.
  const std::unordered_map<aai_t, periodic>& periodic_activations() const noexcept { return every_; }

  /// Smallest tick with something due, or no_tick.
  tick_t next_tick() const noexcept;
  /// After deletions: drops the entries of actors that are gone from the
  /// front of the next one-off tick's bucket, and that tick once nothing is
  /// left in it, until the next bucket starts with a live actor. A tick
  /// whose actors are all gone is then not visited, as after a restart
  /// (whose checkpoint holds only live actors' entries). Each gone entry is
  /// looked at once: it is dropped as it is seen.
  template <class IsAlive>
  void drop_gone(const IsAlive& is_alive);
  /// Takes the entries of `tick` out of the agenda: lane by lane into
  /// taken(lane), in the order each lane got them, and the periodic actors
  /// due then into taken_periodic(), filing their next activations. An
  /// actor may be there more than once. `tick` must be next_tick() or
  /// earlier; the entries taken before are dropped.
  void take(tick_t tick);
  std::span<const aai_t> taken(unsigned lane) const noexcept { return lanes_[lane].taken; }
  /// Sorts by AAI the taken entries of each lane that has at least `from`,
  /// so that whoever runs them walks the actors in the order they lie in
  /// memory.
  void sort_taken(std::size_t from);
  std::span<const aai_t> taken_periodic() const noexcept { return every_buckets_.taken; }
  /// The ticks to come of one-off activations, in increasing order, each
  /// once.
  std::vector<tick_t> ticks() const;
  /// How many one-off entries `tick` has, over all lanes.
  std::size_t bucket_size(tick_t tick) const;
  /// The actors that asked for a one-off activation at `tick`, lane by lane,
  /// duplicates and entries of deleted actors included, into `out` (cleared
  /// first; empty if none).
  void bucket(tick_t tick, std::vector<aai_t>& out) const;
  /// The largest AAI with a one-off entry (0 if none).
  aai_t largest_aai() const;

 private:
  /// The buckets of the ticks of one lane: each tick's in one place, its
  /// ring slot or (when that slot holds another tick) the far map.
  struct lane {
    explicit lane(std::size_t near_ticks);

    void schedule(tick_t tick, aai_t aai);
    /// Removes `aai`'s entries at `tick`, and the bucket if none is left.
    void withdraw(tick_t tick, aai_t aai);
    tick_t next_tick() const noexcept { return heap.empty() ? no_tick : heap.front(); }
    /// The bucket of `tick`, or null.
    std::vector<aai_t>* find(tick_t tick) noexcept;
    const std::vector<aai_t>* find(tick_t tick) const noexcept { return const_cast<lane*>(this)->find(tick); }
    /// Calls f(tick, bucket) for every bucket, in no particular order.
    template <class F>
    void for_each_bucket(const F& f) const;
    /// Pops heap ticks whose buckets are gone (dropped by withdraw, or
    /// repeated: a tick withdrawn and scheduled again is pushed twice), so
    /// that the heap's top has a bucket.
    void prune();
    /// Empties the bucket of `tick` into `into` (whose entries go; its
    /// memory serves the next bucket), drops the tick and prunes the heap.
    void take(tick_t tick, std::vector<aai_t>& into);
    /// Frees the bucket of `tick`, which must exist and be empty, drops the
    /// tick and prunes the heap.
    void release(tick_t tick);
    /// Moves the bucket of `tick` into `taken`, whose previous entries go.
    void take_into_taken(tick_t tick) { take(tick, taken); }

    struct slot {
      tick_t tick = no_tick;  ///< no_tick: free
      std::vector<aai_t> entries;
    };
    std::vector<slot> near;                               // indexed by tick & near_mask
    tick_t near_mask;
    std::unordered_map<tick_t, std::vector<aai_t>> far;   // ticks whose slot was taken
    std::vector<tick_t> heap;                // ticks of buckets, min-heap (stale ones below the top)
    std::vector<std::vector<aai_t>> spare;   // emptied far buckets, reused to avoid allocation
    std::vector<aai_t> taken;                // the entries of the tick taken last
    std::vector<aai_t> sort_scratch;         // sort_taken's, reused
    std::vector<std::pair<tick_t, aai_t>> withdrawn;  // withdraws not yet spread to the other lanes
  };

  /// Smallest tick of a one-off entry, or no_tick.
  tick_t next_one_off_tick() const noexcept;
  /// Each on its own cache lines: lanes are written by different threads.
  struct alignas(128) padded_lane : lane {
    using lane::lane;
  };
  std::vector<padded_lane> lanes_;
  std::unordered_map<aai_t, periodic> every_;
  lane every_buckets_;  ///< the periodic actors' next ticks
};

template <class IsAlive>
void agenda::drop_gone(const IsAlive& is_alive) {
  for (;;) {
    const tick_t tick = next_one_off_tick();
    if (tick == no_tick) return;
    bool live_left = false;
    for (lane& l : lanes_) {
      if (l.next_tick() != tick) continue;
      std::vector<aai_t>& bucket = *l.find(tick);  // the heap's top always has one
      bucket.erase(bucket.begin(), std::find_if(bucket.begin(), bucket.end(), is_alive));
      if (bucket.empty()) l.release(tick);
      else live_left = true;
    }
    if (live_left) return;
  }
}

template <class F>
void agenda::lane::for_each_bucket(const F& f) const {
  for (const slot& s : near)
    if (s.tick != no_tick) f(s.tick, s.entries);
  for (const auto& [tick, bucket] : far) f(tick, bucket);
}

}  // namespace kairos
