#pragma once

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "kairos/core/types.hpp"

namespace kairos {

/// Spontaneous activations to come: for each future tick, the actors that
/// asked for it. Buckets are found by hash (O(1) per schedule) and the
/// distinct ticks sit in a min-heap, so jumping to the next tick costs
/// O(log ticks) however many idle ticks lie between. Entries of deleted
/// actors are left in place and skipped when their tick comes (drop_gone
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
/// Ticks are spread over shards (tick modulo the shard count), so that the
/// end of a diasca can apply its schedules on several threads at once: calls
/// for ticks of different shards may run concurrently; everything else is
/// for one thread at a time.
class agenda {
 public:
  /// At least `shards` shards: the next power of two, so that finding a
  /// tick's shard is a mask, not a division.
  explicit agenda(unsigned shards = 1);

  unsigned shard_count() const noexcept { return static_cast<unsigned>(shards_.size()); }
  unsigned shard_of(tick_t tick) const noexcept { return static_cast<unsigned>(tick & shard_mask_); }

  void schedule(tick_t tick, aai_t aai) { shards_[shard_of(tick)].schedule(tick, aai); }
  /// Removes every entry of `aai` at `tick`.
  void withdraw(tick_t tick, aai_t aai) { shards_[shard_of(tick)].withdraw(tick, aai); }
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
  /// Takes the actors scheduled at `tick` into `out` (cleared first), each
  /// once, in the order they asked, then the periodic actors due then, whose
  /// next activations it files. `tick` must be next_tick() or earlier.
  void take(tick_t tick, std::vector<aai_t>& out);
  /// The ticks to come of one-off activations, in increasing order.
  std::vector<tick_t> ticks() const;
  /// The actors that asked for a one-off activation at `tick`, in the order
  /// they asked, duplicates and entries of deleted actors included (empty if
  /// none).
  const std::vector<aai_t>& bucket(tick_t tick) const;

 private:
  /// The buckets of the ticks of one shard.
  struct shard {
    void schedule(tick_t tick, aai_t aai);
    /// Removes `aai`'s entries at `tick`, and the bucket if none is left.
    void withdraw(tick_t tick, aai_t aai);
    tick_t next_tick() const noexcept { return heap.empty() ? no_tick : heap.front(); }
    /// Moves the bucket of `tick` out (empty if none) and drops its tick.
    std::vector<aai_t> take(tick_t tick);
    /// Pops heap ticks whose buckets are gone (dropped by withdraw, or
    /// repeated: a tick withdrawn and scheduled again is pushed twice), so
    /// that the heap's top has a bucket.
    void prune();
    /// Drops the bucket of `tick` and the tick.
    void drop(tick_t tick) { recycle(take(tick)); }
    /// Gives an emptied bucket back for reuse.
    void recycle(std::vector<aai_t>&& bucket);

    std::unordered_map<tick_t, std::vector<aai_t>> buckets;
    std::vector<tick_t> heap;                // ticks of buckets, min-heap (stale ones below the top)
    std::vector<std::vector<aai_t>> spare;   // emptied buckets, reused to avoid allocation
  };

  /// Marks AAIs already taken: a bitmap for the dense scenario range, a hash
  /// set beyond. Cleared after each take, touching only what was set.
  bool first_sighting(aai_t aai);

  std::vector<shard> shards_;
  tick_t shard_mask_;
  std::unordered_map<aai_t, periodic> every_;
  shard every_buckets_;  ///< the periodic actors' next ticks
  std::vector<std::uint64_t> seen_bits_;
  std::unordered_set<aai_t> seen_sparse_;
};

template <class IsAlive>
void agenda::drop_gone(const IsAlive& is_alive) {
  for (;;) {
    shard* first = nullptr;
    for (shard& s : shards_)
      if (s.next_tick() != no_tick && (first == nullptr || s.next_tick() < first->next_tick())) first = &s;
    if (first == nullptr) return;
    const tick_t tick = first->next_tick();
    std::vector<aai_t>& bucket = first->buckets.at(tick);  // the heap's top always has one
    bucket.erase(bucket.begin(), std::find_if(bucket.begin(), bucket.end(), is_alive));
    if (!bucket.empty()) return;
    first->drop(tick);
  }
}

}  // namespace kairos
