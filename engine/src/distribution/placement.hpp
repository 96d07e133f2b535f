#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "kairos/actor/actor.hpp"
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
      // Hinted blocks are few; find the block holding aai (sorted by first AAI).
      for (const hinted_block& b : hinted_)
        if (aai >= b.first && aai < b.end) return b.rank;
    }
    return static_cast<int>(mix(aai) % static_cast<std::uint64_t>(ranks_));
  }
  int ranks() const noexcept { return ranks_; }

  static std::uint64_t mix(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  static int rank_of_group(std::uint64_t group, int ranks) noexcept {
    return static_cast<int>(mix(group + 0x9e3779b97f4a7c15ull) % static_cast<std::uint64_t>(ranks));
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
