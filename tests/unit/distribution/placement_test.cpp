// Placement depends only on (AAI or hint, rank count).
#include <gtest/gtest.h>

#include <set>
#include <vector>

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

TEST(Placement, EveryScenarioActorHasExactlyOneSlotOnItsRankAndSlotsAreDense) {
  const auto s = two_blocks();
  for (int ranks : {1, 2, 3, 4, 7}) {
    const kairos::placement p(*s, ranks);
    std::vector<std::set<std::uint64_t>> used(static_cast<std::size_t>(ranks));
    std::vector<kairos::scenario_slots> slots;
    for (int r = 0; r < ranks; ++r) slots.emplace_back(p, r);
    for (kairos::aai_t aai = 0; aai < 100; ++aai) {
      for (int r = 0; r < ranks; ++r) {
        const std::uint64_t slot = slots[static_cast<std::size_t>(r)].slot_of(aai);
        if (r != p.rank_of(aai)) {
          EXPECT_EQ(slot, kairos::scenario_slots::none) << aai << " on rank " << r << " of " << ranks;
          continue;
        }
        ASSERT_LT(slot, slots[static_cast<std::size_t>(r)].count()) << aai;
        EXPECT_TRUE(used[static_cast<std::size_t>(r)].insert(slot).second) << "slot reused: " << aai;
      }
    }
    // No rank indexes more than its cyclic share plus the hinted block it hosts.
    for (int r = 0; r < ranks; ++r) EXPECT_LE(slots[static_cast<std::size_t>(r)].count(), (100 + ranks - 1) / ranks + 50u);
    EXPECT_EQ(slots[0].slot_of(100), kairos::scenario_slots::none) << "beyond the scenario";
    EXPECT_EQ(slots[0].slot_of(kairos::detail::child_aai(3, 1)), kairos::scenario_slots::none);
  }
}

TEST(Placement, HostedInBlockIsExactlyTheActorsOfARank) {
  const auto s = two_blocks();
  for (int ranks : {1, 2, 3, 5}) {
    const kairos::placement p(*s, ranks);
    for (int r = 0; r < ranks; ++r)
      for (const kairos::actor_block& b : s->blocks) {
        std::vector<std::uint64_t> visited, expected;
        const auto hosted = p.hosted_in_block(b.first_aai, b.count, r);
        for (std::uint64_t k = 0; k < hosted.hosted; ++k) visited.push_back(hosted.at(k));
        for (std::uint64_t i = 0; i < b.count; ++i)
          if (p.rank_of(b.first_aai + i) == r) expected.push_back(i);
        // What a rank builds, and the rows it reads of a population file.
        EXPECT_EQ(visited, expected) << "rank " << r << " of " << ranks << ", block at " << b.first_aai;
      }
  }
}

}  // namespace
