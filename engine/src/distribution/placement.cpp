#include "distribution/placement.hpp"

#include "scenario/scenario.hpp"

namespace kairos {

int placement::rank_of_hint(std::string_view hint, int ranks) noexcept {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a, then mixed
  for (char c : hint) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return static_cast<int>(mix(h) % static_cast<std::uint64_t>(ranks));
}

placement::placement(const scenario& s, int ranks) : ranks_(ranks) {
  for (const actor_block& b : s.blocks)
    if (!b.placement_hint.empty() && b.count > 0) {
      hinted_.push_back({b.first_aai, b.first_aai + b.count, rank_of_hint(b.placement_hint, ranks)});
      hinted_end_ = b.first_aai + b.count;
    }
}

}  // namespace kairos
