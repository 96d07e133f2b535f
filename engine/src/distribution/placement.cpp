#include "distribution/placement.hpp"

#include "scenario/scenario.hpp"

namespace kairos {

placement::placement(const scenario& s, int ranks) : ranks_(ranks) {
  for (const actor_block& b : s.blocks)
    if (!b.placement_hint.empty() && b.count > 0) {
      hinted_.push_back({b.first_aai, b.first_aai + b.count, rank_of_group(detail::placement_group(b.placement_hint), ranks)});
      hinted_end_ = b.first_aai + b.count;
    }
}

}  // namespace kairos
