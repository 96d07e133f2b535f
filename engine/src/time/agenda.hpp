#pragma once

#include <map>
#include <vector>

#include "kairos/core/types.hpp"

namespace kairos {

/// Spontaneous activations to come: for each future tick, the actors that
/// asked for it. Jumping to the next tick is a lookup of the smallest key,
/// so idle ticks cost nothing. Entries of deleted actors are left in place
/// and skipped when their tick comes.
class agenda {
 public:
  void schedule(tick_t tick, aai_t aai);
  /// Removes every entry of `aai` at `tick`.
  void withdraw(tick_t tick, aai_t aai);
  /// Smallest scheduled tick, or no_tick.
  tick_t next_tick() const noexcept { return ticks_.empty() ? no_tick : ticks_.begin()->first; }
  /// Takes the actors scheduled at `tick` (sorted, without duplicates) into
  /// `out`, which is cleared first.
  void take(tick_t tick, std::vector<aai_t>& out);
  bool empty() const noexcept { return ticks_.empty(); }
  /// Every (tick, aai) entry, for checkpoints and inspection.
  const std::map<tick_t, std::vector<aai_t>>& entries() const noexcept { return ticks_; }

 private:
  std::map<tick_t, std::vector<aai_t>> ticks_;
  std::vector<std::vector<aai_t>> spare_;  // emptied buckets, reused to avoid allocation
};

}  // namespace kairos
