// The deterministic soda case (scenarios/soda-deterministic.toml) must end as
// its rules dictate, read back from results.h5.
//
// 100 Hz, ticks 0..49999. Every customer asks the cost at tick 1 and learns
// it at (1, 2); it is then thirsty every repletion delay from tick 1 on and
// gets its can at (T, 2) of each thirsty tick T:
//   John,    SVM-1 at 1.00, every 6000 ticks:  6001..48001 -> 8 cans, 35 - 8 = 27
//   Terry,   SVM-1 at 1.00, every 42000 ticks: 42001       -> 1 can,  40 - 1 = 39
//   Michael, SVM-2 at 1.15, every 12000 ticks: 12001..48001 -> 4 cans, 77 - 4*1.15
//   SVM-1: 100 - 9 = 91 cans; SVM-2: 8 - 4 = 4 cans.
#include <gtest/gtest.h>

#include <filesystem>

#include "h5/h5.hpp"
#include "kairos/run/run.hpp"

namespace {

struct series {
  std::vector<std::uint64_t> ticks;
  std::vector<double> values;
};

series read_probe(const kairos::h5::file& f, const std::string& name) {
  const auto probes = f.open_group(f.id(), "probes");
  const auto g = f.open_group(probes.get(), name);
  std::size_t cols = 0;
  return {f.read_u64(g.get(), "tick"), f.read_f64(g.get(), "value", cols)};
}

TEST(SodaDeterministic, FinalStocksAndBudgetsFollowTheRules) {
  const auto dir = std::filesystem::temp_directory_path() / "kairos-soda-results-test";
  std::filesystem::remove_all(dir);
  kairos::run_options o;
  o.scenario = std::string(KAIROS_SOURCE_DIR) + "/scenarios/soda-deterministic.toml";
  o.output = dir;
  o.threads = 2;
  kairos::run_scenario(o);

  const auto f = kairos::h5::file::open_read(dir / "results.h5");
  const series john = read_probe(f, "soda.customer.John");
  const series terry = read_probe(f, "soda.customer.Terry");
  const series michael = read_probe(f, "soda.customer.Michael");
  const series svm1 = read_probe(f, "soda.machine.SVM-1");
  const series svm2 = read_probe(f, "soda.machine.SVM-2");

  EXPECT_EQ(john.ticks, (std::vector<std::uint64_t>{6001, 12001, 18001, 24001, 30001, 36001, 42001, 48001}));
  EXPECT_DOUBLE_EQ(john.values.back(), 27.0);
  EXPECT_EQ(terry.ticks, (std::vector<std::uint64_t>{42001}));
  EXPECT_DOUBLE_EQ(terry.values.back(), 39.0);
  EXPECT_EQ(michael.ticks, (std::vector<std::uint64_t>{12001, 24001, 36001, 48001}));
  EXPECT_NEAR(michael.values.back(), 77.0 - 4 * 1.15, 1e-9);
  EXPECT_EQ(svm1.values.size(), 9u);
  EXPECT_DOUBLE_EQ(svm1.values.back(), 91.0);
  EXPECT_DOUBLE_EQ(svm2.values.back(), 4.0);
  EXPECT_TRUE(std::filesystem::exists(dir / "summary.json"));
  std::filesystem::remove_all(dir);
}

}  // namespace
