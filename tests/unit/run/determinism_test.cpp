// Same scenario + seed => same digest, whatever the thread count; another
// seed => another digest. Runs the shipped models through their plugins.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kairos/run/run.hpp"
#include "tests/support/split_every_diasca.hpp"

namespace {

struct model_case {
  const char* name;
  const char* scenario;
  std::vector<std::string> overrides;  // keep each run to a fraction of a second
};

std::uint64_t digest_of(const model_case& c, unsigned threads, std::vector<std::string> extra = {}) {
  kairos::run_options o;
  o.scenario = std::string(KAIROS_SOURCE_DIR) + "/scenarios/" + c.scenario;
  o.threads = threads;
  o.overrides = c.overrides;
  o.overrides.insert(o.overrides.end(), extra.begin(), extra.end());
  o.write_results = false;
  return kairos::run_scenario(o).digest;
}

void PrintTo(const model_case& c, std::ostream* os) { *os << c.name; }

class Determinism : public ::testing::TestWithParam<model_case> {};

TEST_P(Determinism, DigestIsIndependentOfThreadCount) {
  const std::uint64_t one = digest_of(GetParam(), 1);
  EXPECT_EQ(digest_of(GetParam(), 2), one);
  EXPECT_EQ(digest_of(GetParam(), 4), one);
}

TEST_P(Determinism, DigestIsIndependentOfThreadCountWhenEveryDiascaIsSplit) {
  const std::uint64_t one = digest_of(GetParam(), 1);
  const kairos_test::split_every_diasca split;
  for (unsigned threads : {2u, 3u, 8u, 16u}) EXPECT_EQ(digest_of(GetParam(), threads), one) << threads << " threads";
}

TEST_P(Determinism, RepeatedRunsGiveTheSameDigest) {
  EXPECT_EQ(digest_of(GetParam(), 2), digest_of(GetParam(), 2));
}

TEST_P(Determinism, DigestChangesWithTheSeed) {
  EXPECT_NE(digest_of(GetParam(), 1, {"simulation.seed=12345"}), digest_of(GetParam(), 1));
}

INSTANTIATE_TEST_SUITE_P(
    Models, Determinism,
    ::testing::Values(
        model_case{"soda", "soda-benchmark.toml",
                   {"simulation.stop_tick=3000", "actors.2.count=40", "actors.3.count=80", "actors.4.count=160"}},
        model_case{"phold", "phold.toml", {"phold.end=100", "phold.remote=0.5"}},
        model_case{"phold_windows", "phold.toml",
                   {"phold.end=100", "phold.remote=0.5", "phold.mapping=timed", "simulation.lookahead=\"100ms\""}},
        model_case{"life", "life.toml", {"simulation.stop_tick=600"}},
        model_case{"grid", "grid.toml", {"simulation.stop=\"3h\"", "actors.1.count=5", "actors.2.count=300"}}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
