#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <vector>

#include "kairos/actor/actor.hpp"
#include "kairos/core/hash.hpp"
#include "kairos/core/types.hpp"

namespace kairos {

struct scenario;

/// Which rank hosts an actor: a function of (AAI or placement hint, rank
/// count) only, so every rank computes it without asking anyone and a
/// restart on another rank count can recompute it.
///
/// Scenario actors of a block with `placement = "hint"`, and actors created
/// with that hint (their AAI carries its group), share the hint's rank; other
/// actors go by a hash of their AAI.
class placement {
 public:
  placement(const scenario& s, int ranks);

  int rank_of(aai_t aai) const noexcept {
    if (ranks_ == 1) return 0;
    if (detail::is_hinted(aai)) return rank_of_group(detail::hinted_group(aai), ranks_);
    if (aai < hinted_end_) {
      // This runs per message: find the hinted block holding aai by binary
      // search (blocks are in scenario order, so sorted by first AAI).
      const auto after = std::upper_bound(hinted_.begin(), hinted_.end(), aai,
                                          [](aai_t a, const hinted_block& b) { return a < b.first; });
      if (after != hinted_.begin() && aai < std::prev(after)->end) return std::prev(after)->rank;
    }
    return static_cast<int>(mix64(aai) % static_cast<std::uint64_t>(ranks_));
  }
  int ranks() const noexcept { return ranks_; }

  static int rank_of_group(std::uint64_t group, int ranks) noexcept {
    return static_cast<int>(mix64(group + 0x9e3779b97f4a7c15ull) % static_cast<std::uint64_t>(ranks));
  }

 private:
  struct hinted_block {
    aai_t first, end;
    int rank;
  };
  int ranks_;
  std::vector<hinted_block> hinted_;
  aai_t hinted_end_ = 0;
};

}  // namespace kairos
