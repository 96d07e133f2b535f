#pragma once

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
/// actors are left in place and skipped when their tick comes.
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
  /// Smallest tick with a bucket, or no_tick. (A bucket emptied by withdraw
  /// stays until its tick and then yields no actor.)
  tick_t next_tick() const noexcept;
  /// Takes the actors scheduled at `tick` into `out` (cleared first), each
  /// once, in the order they asked. `tick` must be next_tick() or earlier.
  void take(tick_t tick, std::vector<aai_t>& out);
  /// The ticks to come, in increasing order.
  std::vector<tick_t> ticks() const;
  /// The actors that asked for `tick`, in the order they asked, duplicates
  /// and entries of deleted actors included (empty if none).
  const std::vector<aai_t>& bucket(tick_t tick) const;

 private:
  /// The buckets of the ticks of one shard.
  struct shard {
    void schedule(tick_t tick, aai_t aai);
    void withdraw(tick_t tick, aai_t aai);
    tick_t next_tick() const noexcept { return heap.empty() ? no_tick : heap.front(); }

    std::unordered_map<tick_t, std::vector<aai_t>> buckets;
    std::vector<tick_t> heap;                // distinct ticks of buckets, min-heap
    std::vector<std::vector<aai_t>> spare;   // emptied buckets, reused to avoid allocation
  };

  /// Marks AAIs already taken: a bitmap for the dense scenario range, a hash
  /// set beyond. Cleared after each take, touching only what was set.
  bool first_sighting(aai_t aai);

  std::vector<shard> shards_;
  tick_t shard_mask_;
  std::vector<std::uint64_t> seen_bits_;
  std::unordered_set<aai_t> seen_sparse_;
};

}  // namespace kairos
