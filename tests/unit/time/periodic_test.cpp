// Periodic activations (context::schedule_every): the engine keeps the
// period; stop_every, deletion and a new period end or replace it; a tick
// with nothing left due is not visited.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <kairos/actor/registration.hpp>

#include "harness.hpp"

namespace {

/// Periodic from its first diasca (every `period`, first at `first` if set);
/// records {tick} at each activation. After `stop_after` activations it
/// stops (stop_every), deletes itself (`delete_after`) or switches to
/// `new_period` (`switch_after`); `also_at` is an extra one-off schedule.
class ticker final : public kairos::actor {
 public:
  ticker() = default;
  explicit ticker(kairos::actor_init& init)
      : period_(init.get<kairos::tick_t>("period")),
        first_(init.get_or<kairos::tick_t>("first", 0)),
        also_at_(init.get_or<kairos::tick_t>("also_at", 0)),
        stop_after_(init.get_or("stop_after", 0)),
        delete_after_(init.get_or("delete_after", 0)),
        switch_after_(init.get_or("switch_after", 0)),
        new_period_(init.get_or<kairos::tick_t>("new_period", 1)),
        probe_(init.probe("ticker", {"tick"})) {}
  void on_first_diasca(kairos::context& ctx) {
    if (first_ > 0) ctx.schedule_every(period_, first_);
    else ctx.schedule_every(period_);
    if (also_at_ > 0) ctx.schedule_at(also_at_);
  }
  void act_spontaneous(kairos::context& ctx) {
    ctx.record(probe_, static_cast<double>(ctx.now()));
    ++acts_;
    if (acts_ == stop_after_) ctx.stop_every();
    if (acts_ == delete_after_) ctx.delete_self();
    if (acts_ == switch_after_) ctx.schedule_every(new_period_);
  }
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & period_ & first_ & also_at_ & stop_after_ & delete_after_ & switch_after_ & new_period_ & acts_ & probe_;
  }

 private:
  kairos::tick_t period_ = 1, first_ = 0, also_at_ = 0;
  int stop_after_ = 0, delete_after_ = 0, switch_after_ = 0;
  kairos::tick_t new_period_ = 1;
  int acts_ = 0;
  kairos::probe_id probe_;
};
KAIROS_REGISTER_ACTOR(ticker, "test.ticker", {"period", "ticks between activations", "integer"},
                      {"first", "tick of the first activation (0: one period from tick 0)", "integer", "0"},
                      {"also_at", "an extra one-off activation (0: none)", "integer", "0"},
                      {"stop_after", "activations before stop_every (0: never)", "integer", "0"},
                      {"delete_after", "activations before deleting itself (0: never)", "integer", "0"},
                      {"switch_after", "activations before a new period (0: never)", "integer", "0"},
                      {"new_period", "the new period", "integer", "1"});

std::string tickers(const std::string& params, const std::string& stop = "stop_tick = 20", int count = 1) {
  return "[simulation]\n" + stop + "\n[[actors]]\nclass = \"test.ticker\"\ncount = " + std::to_string(count) +
         "\nparams = { " + params + " }\n";
}

/// The ticks actor `aai` recorded.
std::vector<kairos::tick_t> ticks_of(const kairos_test::outcome& out, kairos::aai_t aai = 0) {
  std::vector<kairos::tick_t> ticks;
  for (const auto& s : out.probes.at("ticker"))
    if (s.aai == aai) ticks.push_back(s.tick);
  return ticks;
}

TEST(Periodic, EveryPeriodFromNowUntilTheStopTick) {
  const auto out = kairos_test::run_text(tickers("period = 3"));
  EXPECT_EQ(ticks_of(out), (std::vector<kairos::tick_t>{3, 6, 9, 12, 15, 18}));
  EXPECT_EQ(out.stats.end_reason, "stop tick reached");
}

TEST(Periodic, FromAFirstTickThenEveryPeriod) {
  const auto out = kairos_test::run_text(tickers("period = 5, first = 2"));
  EXPECT_EQ(ticks_of(out), (std::vector<kairos::tick_t>{2, 7, 12, 17}));
}

TEST(Periodic, StopEveryEndsItAndNoLaterTickIsVisited) {
  const auto out = kairos_test::run_text(tickers("period = 4, stop_after = 3"));
  EXPECT_EQ(ticks_of(out), (std::vector<kairos::tick_t>{4, 8, 12}));
  EXPECT_EQ(out.stats.end_reason, "nothing left to do");
  EXPECT_EQ(out.stats.last_tick, 12u) << "the withdrawn tick 16 must not be visited";
}

TEST(Periodic, DeletionEndsIt) {
  const auto out = kairos_test::run_text(tickers("period = 4, delete_after = 2"));
  EXPECT_EQ(ticks_of(out), (std::vector<kairos::tick_t>{4, 8}));
  EXPECT_EQ(out.stats.end_reason, "nothing left to do");
  EXPECT_EQ(out.stats.last_tick, 8u);
}

TEST(Periodic, ANewPeriodReplacesTheOldFromNow) {
  const auto out = kairos_test::run_text(tickers("period = 3, switch_after = 2, new_period = 7"));
  EXPECT_EQ(ticks_of(out), (std::vector<kairos::tick_t>{3, 6, 13}));
}

TEST(Periodic, AOneOffActivationOnAPeriodicTickRunsOnce) {
  const auto out = kairos_test::run_text(tickers("period = 3, also_at = 6"));
  EXPECT_EQ(ticks_of(out), (std::vector<kairos::tick_t>{3, 6, 9, 12, 15, 18}));
  const auto off_period = kairos_test::run_text(tickers("period = 3, also_at = 7"));
  EXPECT_EQ(ticks_of(off_period), (std::vector<kairos::tick_t>{3, 6, 7, 9, 12, 15, 18}));
}

TEST(Periodic, ActorsStillRunOnceAfterTheClaimStampsWrapAround) {
  // Each tick's due actors are claimed in a new round of a 16-bit stamp,
  // which starts again from 1 after 65535 ticks that had actors due (here
  // actor 0's, every tick). Actor 1 is claimed in round 5 (tick 5), and is
  // next due when round 5 comes again (tick 65540): it must still run.
  const auto out = kairos_test::run_text(R"(
[simulation]
stop_tick = 70001
[[actors]]
class = "test.ticker"
params = { period = 1, also_at = 65537 }
[[actors]]
class = "test.ticker"
params = { period = 65535, first = 5 }
)");
  const std::vector<kairos::tick_t> every_tick = ticks_of(out, 0);
  ASSERT_EQ(every_tick.size(), 70000u);  // once each, the one-off at 65537 included
  for (std::size_t k = 0; k < every_tick.size(); ++k) ASSERT_EQ(every_tick[k], k + 1) << "activation " << k;
  EXPECT_EQ(ticks_of(out, 1), (std::vector<kairos::tick_t>{5, 65540}));
}

TEST(Periodic, TheSameOnAnyThreadCount) {
  const std::string toml = tickers("period = 3, first = 2, switch_after = 4, new_period = 5", "stop_tick = 200", 5000);
  EXPECT_EQ(kairos_test::run_text(toml, 1).digest, kairos_test::run_text(toml, 3).digest);
}

TEST(Periodic, APeriodOfZeroIsAModelFailure) {
  const std::string error = kairos_test::run_error(tickers("period = 0"));
  EXPECT_NE(error.find("schedule_every(0) at tick 0: the period must be at least 1 tick"), std::string::npos) << error;
  const std::string later = kairos_test::run_error(tickers("period = 2, switch_after = 1, new_period = 0"));
  EXPECT_NE(later.find("schedule_every(0) at tick 2"), std::string::npos) << later;
}

}  // namespace
