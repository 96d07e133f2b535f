// The time model of docs/design.md §2, one rule per test.
#include <gtest/gtest.h>

#include <map>

#include "harness.hpp"
#include "kairos/actor/actor.hpp"
#include "split_every_diasca.hpp"

using kairos_test::run_error;
using kairos_test::run_text;

namespace {

const std::string ping_pong = R"(
[simulation]
tick = "1s"
[[actors]]
class = "test.ponger"
name = "ponger"
[[actors]]
class = "test.pinger"
params = { peer = "ponger", at = 5 }
)";

TEST(TimeModel, MessageIsProcessedAtTheNextDiascaAndTheReplyOneLater) {
  const auto out = run_text(ping_pong);
  ASSERT_EQ(out.probes.at("ponger").size(), 1u);
  EXPECT_EQ(out.probes.at("ponger")[0].tick, 5u);
  EXPECT_EQ(out.probes.at("ponger")[0].diasca, 1u);  // sent at (5, 0)
  ASSERT_EQ(out.probes.at("pinger").size(), 1u);
  EXPECT_EQ(out.probes.at("pinger")[0].tick, 5u);
  EXPECT_EQ(out.probes.at("pinger")[0].diasca, 2u);  // reply sent at (5, 1)
}

TEST(TimeModel, TickEndsOnTheFirstQuietDiasca) {
  const auto out = run_text(ping_pong);
  // Tick 0: one diasca (first diascas, nothing sent). Tick 5: diasca 0 sends
  // a ping, 1 replies, 2 is quiet and closes the tick.
  EXPECT_EQ(out.stats.ticks_simulated, 2u);
  EXPECT_EQ(out.stats.diascas, 1u + 3u);
  EXPECT_EQ(out.stats.messages, 2u);
}

TEST(TimeModel, IdleTicksAreSkipped) {
  const auto out = run_text(R"(
[simulation]
[[actors]]
class = "test.scheduler"
params = { a = 10, b = 1000000000000 }
)");
  ASSERT_EQ(out.probes.at("scheduler").size(), 2u);
  EXPECT_EQ(out.probes.at("scheduler")[0].tick, 10u);
  EXPECT_EQ(out.probes.at("scheduler")[1].tick, 1000000000000u);
  EXPECT_EQ(out.stats.ticks_simulated, 3u);  // 0 (first diasca), 10 and 10^12 only
  EXPECT_EQ(out.stats.last_tick, 1000000000000u);
  EXPECT_EQ(out.stats.end_reason, "nothing left to do");
}

TEST(TimeModel, WithdrawnTickIsNotActivated) {
  const auto out = run_text(R"(
[simulation]
[[actors]]
class = "test.scheduler"
params = { a = 5, b = 7, withdraw_a = true }
)");
  ASSERT_EQ(out.probes.at("scheduler").size(), 1u);
  EXPECT_EQ(out.probes.at("scheduler")[0].tick, 7u);
}

TEST(TimeModel, AWithdrawnTickWithNothingElseDueIsNotVisited) {
  // A checkpoint holds no such tick, so a restarted run would not visit it
  // either: the run's last tick must not depend on that.
  const auto out = run_text(R"(
[simulation]
[[actors]]
class = "test.scheduler"
params = { a = 9, b = 7, withdraw_a = true }
)");
  EXPECT_EQ(out.stats.end_reason, "nothing left to do");
  EXPECT_EQ(out.stats.last_tick, 7u);
  EXPECT_EQ(out.stats.ticks_simulated, 2u);  // 0 and 7
}

// Each worker files its actors' schedule calls in its own agenda lane. 300
// actors ask for ticks 4 and 9 at tick 0 and do `at_4` at tick 4, most
// likely on another worker than at tick 0 for some of them (every diasca
// is split one actor per chunk): run on `threads` threads, how many ran at
// each tick.
std::map<kairos::tick_t, int> runs_per_tick(const std::string& at_4, unsigned threads) {
  const auto out = run_text(R"(
[simulation]
[[actors]]
class = "test.scheduler"
count = 300
params = { a = 9, b = 4, )" + at_4 + R"( = true }
)",
                            threads);
  std::map<kairos::tick_t, int> runs;
  for (const auto& sample : out.probes.at("scheduler")) ++runs[sample.tick];
  return runs;
}

TEST(TimeModel, AWithdrawAtALaterTickReachesTheEntryWhicheverWorkerFiledIt) {
  const kairos_test::split_every_diasca split;
  for (unsigned threads : {1u, 2u, 4u})
    EXPECT_EQ(runs_per_tick("withdraw_a_at_b", threads), (std::map<kairos::tick_t, int>{{4, 300}}))
        << threads << " threads";
}

TEST(TimeModel, AnActorThatAskedForATickFromSeveralWorkersRunsThereOnce) {
  const kairos_test::split_every_diasca split;
  for (unsigned threads : {1u, 2u, 4u})
    EXPECT_EQ(runs_per_tick("ask_a_at_b", threads), (std::map<kairos::tick_t, int>{{4, 300}, {9, 300}}))
        << threads << " threads";
}

TEST(TimeModel, ATickOnlyDeletedActorsAskedForIsNotVisited) {
  // The deleter asks for ticks 5 and 40 and is gone at 5. A checkpoint
  // after tick 5 holds no entry at 40, so a restarted run would end at 20:
  // the uninterrupted run must too.
  const auto out = run_text(R"(
[simulation]
[[actors]]
class = "test.deleter"
params = { at = 5, also = 40 }
[[actors]]
class = "test.scheduler"
params = { a = 20, b = 10 }
)");
  EXPECT_EQ(out.stats.end_reason, "nothing left to do");
  EXPECT_EQ(out.stats.last_tick, 20u);
  EXPECT_EQ(out.stats.ticks_simulated, 4u);  // 0, 5, 10 and 20
}

TEST(TimeModel, AnActorKnowsItsAaiInsideItsConstructor) {
  const auto out = run_text(R"(
[simulation]
[[actors]]
class = "test.self_aware"
count = 2
)");
  const auto& self = out.probes.at("self");
  ASSERT_EQ(self.size(), 4u);  // two scenario actors, two created at tick 1
  for (const auto& s : self) EXPECT_EQ(s.values.at(0), 1.0) << "actor " << s.aai << " at tick " << s.tick;
}

TEST(TimeModel, CreatedActorGetsItsIdAtOnceAndRunsFirstDiascaBeforeMessages) {
  const auto out = run_text(R"(
[simulation]
[[actors]]
class = "test.creator"
params = { at = 3, children = 2 }
)");
  const auto& child = out.probes.at("child");
  ASSERT_EQ(child.size(), 4u);
  // Samples are in (tick, diasca, AAI, order) order: per child, its first
  // diasca (event 0) then the hello sent in its creation diasca (event 1).
  std::vector<kairos::aai_t> expected{kairos::detail::child_aai(0, 0), kairos::detail::child_aai(0, 1)};
  std::sort(expected.begin(), expected.end());
  for (std::size_t i = 0; i < child.size(); ++i) {
    EXPECT_EQ(child[i].tick, 3u);
    EXPECT_EQ(child[i].diasca, 1u);
    EXPECT_EQ(child[i].aai, expected[i / 2]);
    EXPECT_EQ(child[i].values[1], static_cast<double>(i % 2));
  }
  EXPECT_EQ(out.stats.actors_created, 2u);
}

TEST(TimeModel, ChildIdentifiersDependOnlyOnCreatorAndCount) {
  EXPECT_EQ(kairos::detail::child_aai(42, 7), kairos::detail::child_aai(42, 7));
  EXPECT_NE(kairos::detail::child_aai(42, 7), kairos::detail::child_aai(42, 8));
  EXPECT_NE(kairos::detail::child_aai(42, 7), kairos::detail::child_aai(43, 7));
  EXPECT_GE(kairos::detail::child_aai(0, 0), kairos::aai_t{1} << 63);  // never a scenario AAI
}

TEST(TimeModel, DeletedActorIsGoneAtTheNextDiascaAndMessagesToItAreErrors) {
  const std::string what = run_error(R"(
[simulation]
[[actors]]
class = "test.deleter"
name = "doomed"
params = { at = 4 }
[[actors]]
class = "test.pinger"
params = { peer = "doomed", at = 4 }
)");
  EXPECT_NE(what.find("'test.ping' sent by actor 1 at tick 4 diasca 0 to actor 0"), std::string::npos) << what;
  EXPECT_NE(what.find("does not exist"), std::string::npos) << what;
}

// Messages to two deleted actors, from senders the workers share out: the
// error names the first in canonical order (receiver 0, its first sender),
// also when the end of every diasca runs on the workers.
TEST(TimeModel, MessageToAMissingActorIsReportedInCanonicalOrderAtAnyThreadCount) {
  const std::string scenario = R"(
[simulation]
[[actors]]
class = "test.deleter"
name = "first"
params = { at = 4 }
[[actors]]
class = "test.deleter"
name = "second"
params = { at = 4 }
[[actors]]
class = "test.pinger"
count = 6
params = { peer = "second", at = 4, count = 3 }
[[actors]]
class = "test.pinger"
count = 6
params = { peer = "first", at = 4, count = 3 }
)";
  const std::string expected = "'test.ping' sent by actor 8 at tick 4 diasca 0 to actor 0, which does not exist";
  EXPECT_NE(run_error(scenario).find(expected), std::string::npos) << run_error(scenario);
  const kairos_test::split_every_diasca split;
  for (unsigned threads : {2u, 3u, 8u}) {
    const std::string what = run_error(scenario, threads);
    EXPECT_NE(what.find(expected), std::string::npos) << threads << " threads: " << what;
  }
}

TEST(TimeModel, RunEndsAtTheStopTick) {
  const auto out = run_text(R"(
[simulation]
stop_tick = 8
[[actors]]
class = "test.scheduler"
params = { a = 7, b = 8 }
)");
  ASSERT_EQ(out.probes.at("scheduler").size(), 1u);  // tick 8 is not simulated
  EXPECT_EQ(out.stats.end_reason, "stop tick reached");
  EXPECT_EQ(out.stats.last_tick, 7u);
}

TEST(TimeModel, StopRequestTakesEffectAtTheEndOfTheTick) {
  const auto out = run_text(R"(
[simulation]
[[actors]]
class = "test.ponger"
name = "ponger"
[[actors]]
class = "test.stopper"
params = { at = 6, peer = "ponger" }
)");
  EXPECT_EQ(out.stats.end_reason, "stop requested by an actor");
  EXPECT_EQ(out.stats.last_tick, 6u);  // tick 7, scheduled, never runs
  ASSERT_EQ(out.probes.at("stopper").size(), 1u);  // but the reply within tick 6 is processed
  EXPECT_EQ(out.probes.at("stopper")[0].diasca, 2u);
}

TEST(TimeModel, RunEndsWhenNothingIsLeftToDo) {
  const auto out = run_text(ping_pong);
  EXPECT_EQ(out.stats.end_reason, "nothing left to do");
  EXPECT_EQ(out.stats.last_tick, 5u);
}

TEST(TimeModel, ModelExceptionNamesActorClassAndTime) {
  EXPECT_EQ(run_error(R"(
[simulation]
[[actors]]
class = "test.thrower"
params = { at = 9 }
)"),
            "actor 0 (class 'test.thrower') failed at tick 9 diasca 0: model invariant broken");
}

}  // namespace
