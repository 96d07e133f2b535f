// Canonical and ergodic message order (docs/design.md §3).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "harness.hpp"
#include "split_every_diasca.hpp"

using kairos_test::run_text;

namespace {

// Ten pingers (AAIs 1..10) each send three pings to the ponger (AAI 0) in the
// same diasca.
std::string fan_in(const char* mode) {
  return fmt::format(R"(
[simulation]
mode = "{}"
seed = 3
[[actors]]
class = "test.ponger"
name = "ponger"
[[actors]]
class = "test.pinger"
count = 10
params = {{ peer = "ponger", at = 2, count = 3 }}
)",
                     mode);
}

std::vector<std::pair<double, double>> arrival_order(const kairos_test::outcome& out) {
  std::vector<std::pair<double, double>> order;
  for (const auto& s : out.probes.at("ponger")) order.emplace_back(s.values[0], s.values[1]);
  return order;
}

TEST(MessageOrder, ReceiverSeesMessagesBySenderThenSendOrder) {
  for (unsigned threads : {1u, 2u, 4u}) {
    const auto order = arrival_order(run_text(fan_in("reproducible"), threads));
    ASSERT_EQ(order.size(), 30u);
    for (std::size_t i = 0; i < order.size(); ++i) {
      EXPECT_EQ(order[i].first, static_cast<double>(1 + i / 3)) << "threads=" << threads;
      EXPECT_EQ(order[i].second, static_cast<double>(i % 3)) << "threads=" << threads;
    }
  }
}

// With the chunk pinned to one activation, every diasca's end (routing,
// sorting, activations) runs on the workers, whatever its size.
TEST(MessageOrder, SameOrderWhenTheEndOfEveryDiascaRunsOnTheWorkers) {
  const auto canonical = arrival_order(run_text(fan_in("reproducible"), 1));
  const kairos_test::split_every_diasca split;
  for (unsigned threads : {2u, 3u, 8u})
    EXPECT_EQ(arrival_order(run_text(fan_in("reproducible"), threads)), canonical) << threads << " threads";
}

TEST(MessageOrder, ErgodicModePermutesReproduciblyWithTheReceiversStream) {
  const auto canonical = arrival_order(run_text(fan_in("reproducible")));
  const auto ergodic = arrival_order(run_text(fan_in("ergodic"), 1));
  EXPECT_NE(ergodic, canonical);
  EXPECT_TRUE(std::is_permutation(ergodic.begin(), ergodic.end(), canonical.begin()));
  EXPECT_EQ(arrival_order(run_text(fan_in("ergodic"), 1)), ergodic);
  EXPECT_EQ(arrival_order(run_text(fan_in("ergodic"), 4)), ergodic);
}

}  // namespace
