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
class agenda {
 public:
  void schedule(tick_t tick, aai_t aai);
  /// Removes every entry of `aai` at `tick`.
  void withdraw(tick_t tick, aai_t aai);
  /// Smallest tick with a bucket, or no_tick. (A bucket emptied by withdraw
  /// stays until its tick and then yields no actor.)
  tick_t next_tick() const noexcept { return heap_.empty() ? no_tick : heap_.front(); }
  /// Takes the actors scheduled at `tick` into `out` (cleared first), each
  /// once, in the order they asked. `tick` must be next_tick() or earlier.
  void take(tick_t tick, std::vector<aai_t>& out);
  /// The ticks to come, in increasing order.
  std::vector<tick_t> ticks() const;
  /// The actors that asked for `tick`, in the order they asked, duplicates
  /// and entries of deleted actors included (empty if none).
  const std::vector<aai_t>& bucket(tick_t tick) const;

 private:
  /// Marks AAIs already taken: a bitmap for the dense scenario range, a hash
  /// set beyond. Cleared after each take, touching only what was set.
  bool first_sighting(aai_t aai);

  std::unordered_map<tick_t, std::vector<aai_t>> buckets_;
  std::vector<tick_t> heap_;                // distinct ticks of buckets_, min-heap
  std::vector<std::vector<aai_t>> spare_;   // emptied buckets, reused to avoid allocation
  std::vector<std::uint64_t> seen_bits_;
  std::unordered_set<aai_t> seen_sparse_;
};

}  // namespace kairos
