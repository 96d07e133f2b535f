// on_end_of_run: once per actor of a class that hides it, when the run is
// over, at (last tick, end_of_run_diasca); it may record but not act.
#include <gtest/gtest.h>

#include <string>

#include <kairos/actor/registration.hpp>

#include "harness.hpp"

namespace {

/// Acts at ticks 1 and 2 (or until `until`), then at the end records how
/// many times it acted; with `misbehave`, it also schedules itself then.
class closer final : public kairos::actor {
 public:
  closer() = default;
  explicit closer(kairos::actor_init& init)
      : until_(init.get_or<kairos::tick_t>("until", 2)),
        misbehave_(init.get_or("misbehave", false)),
        probe_(init.probe("closer", {"acts"})) {}
  void on_first_diasca(kairos::context& ctx) { ctx.schedule_in(1); }
  void act_spontaneous(kairos::context& ctx) {
    ++acts_;
    if (ctx.now() < until_) ctx.schedule_in(1);
  }
  void on_end_of_run(kairos::context& ctx) {
    ctx.record(probe_, static_cast<double>(acts_));
    if (misbehave_) ctx.schedule_in(1);
  }
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & until_ & misbehave_ & acts_ & probe_;
  }

 private:
  kairos::tick_t until_ = 0;
  bool misbehave_ = false;
  int acts_ = 0;
  kairos::probe_id probe_;
};
KAIROS_REGISTER_ACTOR(closer, "test.closer", {"until", "last tick it acts at", "integer", "2"},
                      {"misbehave", "schedules itself at the end", "boolean", "false"});

std::string closers(const std::string& params, const std::string& stop = "stop_tick = 100") {
  return "[simulation]\n" + stop + "\n[[actors]]\nclass = \"test.closer\"\ncount = 3\nparams = { " + params + " }\n";
}

TEST(EndOfRun, EachActorRecordsOnceAtTheLastTickAfterEveryDiasca) {
  const auto out = kairos_test::run_text(closers("until = 4"));
  const auto& samples = out.probes.at("closer");
  ASSERT_EQ(samples.size(), 3u);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(samples[i].aai, i);
    EXPECT_EQ(samples[i].tick, 4u) << "the run's last tick";
    EXPECT_EQ(samples[i].diasca, kairos::end_of_run_diasca);
    EXPECT_EQ(samples[i].values, std::vector<double>{4.0});
  }
}

TEST(EndOfRun, AtTheStopTickTheLastTickRun) {
  const auto out = kairos_test::run_text(closers("until = 50", "stop_tick = 10"));
  const auto& samples = out.probes.at("closer");
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(samples[0].tick, 9u);
  EXPECT_EQ(samples[0].values, std::vector<double>{9.0});
}

TEST(EndOfRun, TheSameOnAnyThreadCount) {
  EXPECT_EQ(kairos_test::run_text(closers("until = 7"), 1).digest, kairos_test::run_text(closers("until = 7"), 3).digest);
}

TEST(EndOfRun, ActingIsAModelFailureNamingTheActor) {
  const std::string error = kairos_test::run_error(closers("misbehave = true"));
  EXPECT_NE(error.find("actor 0 (class 'test.closer') failed at the end of the run (tick 2, on_end_of_run): "
                       "on_end_of_run may record"),
            std::string::npos)
      << error;
}

}  // namespace
