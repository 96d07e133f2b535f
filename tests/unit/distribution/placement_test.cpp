// Placement depends only on (AAI or hint, rank count).
#include <gtest/gtest.h>

#include <set>

#include "distribution/placement.hpp"
#include "kairos/actor/actor.hpp"
#include "scenario/scenario.hpp"

namespace {

std::unique_ptr<kairos::scenario> two_blocks() {
  auto s = kairos::parse_scenario(R"(
[simulation]
[[actors]]
class = "test.ponger"
count = 50
placement = "shop"
[[actors]]
class = "test.ponger"
count = 50
)",
                                  "placement.toml", {});
  kairos::resolve_actors(*s);
  return s;
}

TEST(Placement, BlockWithAHintSharesOneRankAndCreationsWithTheSameHintJoinIt) {
  const auto s = two_blocks();
  for (int ranks : {2, 3, 4, 8, 16}) {
    const kairos::placement p(*s, ranks);
    const int shop = p.rank_of(0);
    for (kairos::aai_t aai = 0; aai < 50; ++aai) EXPECT_EQ(p.rank_of(aai), shop);
    const kairos::aai_t child = kairos::detail::hinted_child_aai(77, 3, kairos::detail::placement_group("shop"));
    EXPECT_TRUE(kairos::detail::is_hinted(child));
    EXPECT_EQ(p.rank_of(child), shop) << ranks << " ranks";
  }
}

TEST(Placement, ActorsWithoutHintSpreadOverAllRanks) {
  const auto s = two_blocks();
  const kairos::placement p(*s, 4);
  std::set<int> used;
  for (kairos::aai_t aai = 50; aai < 100; ++aai) used.insert(p.rank_of(aai));
  for (std::uint32_t n = 0; n < 50; ++n) used.insert(p.rank_of(kairos::detail::child_aai(60, n)));
  EXPECT_EQ(used, (std::set<int>{0, 1, 2, 3}));
}

TEST(Placement, CreatedIdentifiersKeepTheirKind) {
  for (std::uint32_t n = 0; n < 1000; ++n) {
    EXPECT_FALSE(kairos::detail::is_hinted(kairos::detail::child_aai(5, n)));
    EXPECT_GE(kairos::detail::child_aai(5, n), kairos::aai_t{1} << 63);
    const kairos::aai_t hinted = kairos::detail::hinted_child_aai(5, n, 1234);
    EXPECT_EQ(kairos::detail::hinted_group(hinted), 1234u);
  }
}

}  // namespace
