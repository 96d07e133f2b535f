#include "distribution/placement.hpp"

#include "scenario/scenario.hpp"

namespace kairos {

placement::placement(const scenario& s, int ranks) : ranks_(ranks), scenario_actors_(s.actor_count) {
  for (const actor_block& b : s.blocks)
    if (!b.placement_hint.empty() && b.count > 0) {
      const std::uint64_t group = detail::placement_group(b.placement_hint);
      hinted_.push_back({b.first_aai, b.first_aai + b.count, group, rank_of_group(group, ranks)});
      hinted_end_ = b.first_aai + b.count;
    }
}

scenario_slots::scenario_slots(const placement& where, int rank)
    : where_(where), ranks_(static_cast<std::uint64_t>(where.ranks_)), rank_(static_cast<std::uint64_t>(rank)) {
  const std::uint64_t n = where.scenario_actors_;
  if (ranks_ == 1) {
    cyclic_count_ = count_ = n;
    return;
  }
  // AAIs rank, rank + P, rank + 2P, ... below n (slots for AAIs of hinted
  // blocks among them stay empty: they live where their hint says).
  cyclic_count_ = n > rank_ ? (n - rank_ + ranks_ - 1) / ranks_ : 0;
  count_ = cyclic_count_;
  for (const placement::hinted_block& b : where.hinted_) {
    if (b.rank == rank) {
      hinted_base_.push_back(count_);
      count_ += b.end - b.first;
    } else {
      hinted_base_.push_back(none);
    }
  }
}

}  // namespace kairos
