// Timed messages (send_in) and the lookahead's rules, docs/design.md §2.4.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "harness.hpp"
#include "split_every_diasca.hpp"

using kairos_test::run_error;
using kairos_test::run_text;

namespace {

/// {kind, sender, index, diasca} of each sample of the receiver's probe.
std::vector<std::vector<double>> receiver_rows(const kairos_test::outcome& out, kairos::tick_t tick) {
  std::vector<std::vector<double>> rows;
  for (const auto& s : out.probes.at("timed_receiver"))
    if (s.tick == tick) rows.push_back(s.values);
  return rows;
}

/// Actor 0: a timed receiver named "receiver" (with `params`), then one
/// timed sender at it per entry of `senders` (its params' keys besides peer).
std::string receiver_and_senders(const std::vector<std::string>& senders, const std::string& params = "{}",
                                 const std::string& simulation = "[simulation]\n") {
  std::string toml = simulation + "[[actors]]\nclass = \"test.timed_receiver\"\nname = \"receiver\"\nparams = " +
                     params + "\n";
  for (const std::string& keys : senders)
    toml += "[[actors]]\nclass = \"test.timed_sender\"\nparams = { peer = \"receiver\", " + keys + " }\n";
  return toml;
}

TEST(TimedMessages, ArriveAtDiascaZeroOfTheirTickAfterTheReceiversOwnActivation) {
  const auto out = run_text(receiver_and_senders({"at = 3, delay = 4, count = 3"}, "{ wake = 7 }"));
  const std::vector<std::vector<double>> expected{{0, 0, 0, 0}, {1, 1, 0, 0}, {1, 1, 1, 0}, {1, 1, 2, 0}};
  EXPECT_EQ(receiver_rows(out, 7), expected);
  EXPECT_EQ(out.probes.at("timed_receiver").size(), 4u);  // nothing at any other tick
}

TEST(TimedMessages, ComeInSenderOrderWhateverWhenTheyWereSent) {
  // Actor 1 sends at tick 6 with delay 1, actor 2 at tick 2 with delay 5:
  // both are due at 7, and actor 1's come first.
  const auto out = run_text(receiver_and_senders({"at = 6, delay = 1, count = 2", "at = 2, delay = 5, count = 2"}));
  const std::vector<std::vector<double>> expected{{1, 1, 0, 0}, {1, 1, 1, 0}, {1, 2, 0, 0}, {1, 2, 1, 0}};
  EXPECT_EQ(receiver_rows(out, 7), expected);
}

TEST(TimedMessages, ReachEachReceiverInOneActivationBesideTheDueActorsWhateverTheThreads) {
  // At tick 7: 300 receivers due themselves ("awake"), 300 not ("asleep"),
  // and 300 actors due with no message; two senders ping every receiver
  // twice. Every diasca is split one actor per chunk, so the due actors run
  // from several workers' lanes while the receivers wait for their turn.
  const kairos_test::split_every_diasca split;
  std::string toml = "[simulation]\n";
  for (const char* group : {"awake", "asleep"})
    toml += std::string("[[actors]]\nclass = \"test.timed_receiver\"\ngroup = \"") + group +
            "\"\ncount = 300\nparams = { wake = " + (group == std::string("awake") ? "7" : "0") + " }\n";
  toml += "[[actors]]\nclass = \"test.scheduler\"\ncount = 300\nparams = { a = 7, b = 9 }\n";
  for (const char* group : {"awake", "asleep"})
    toml += std::string("[[actors]]\nclass = \"test.timed_sender\"\ncount = 2\nparams = { peer = \"") + group +
            "\", whole_group = true, at = 3, delay = 4, count = 2 }\n";

  for (unsigned threads : {1u, 2u, 4u}) {
    const auto out = run_text(toml, threads);
    // Each receiver's rows at tick 7, in the order it recorded them.
    std::map<kairos::aai_t, std::vector<std::vector<double>>> rows;
    for (const auto& s : out.probes.at("timed_receiver")) {
      ASSERT_EQ(s.tick, 7u);
      rows[s.aai].push_back(s.values);
    }
    ASSERT_EQ(rows.size(), 600u) << threads << " threads";
    for (const auto& [aai, got] : rows) {
      std::vector<std::vector<double>> expected;
      if (aai < 300) expected.push_back({0, 0, 0, 0});  // "awake": act_spontaneous first, once
      const double first_sender = aai < 300 ? 900 : 902;
      for (double sender : {first_sender, first_sender + 1})
        for (double index : {0.0, 1.0}) expected.push_back({1, sender, index, 0});
      EXPECT_EQ(got, expected) << "receiver " << aai << ", " << threads << " threads";
    }
    std::size_t scheduled_at_7 = 0;
    for (const auto& s : out.probes.at("scheduler")) scheduled_at_7 += s.tick == 7;
    EXPECT_EQ(scheduled_at_7, 300u) << threads << " threads";
    // First diascas (904 actors), tick 3 (the senders), tick 7 (each
    // receiver and scheduler once) and tick 9 (the schedulers).
    EXPECT_EQ(out.stats.activations, 904u + 4 + 900 + 300) << threads << " threads";
  }
}

TEST(TimedMessages, IdleTicksBeforeThemAreSkipped) {
  const auto out = run_text(receiver_and_senders({"at = 5, delay = 1000000000000"}));
  ASSERT_EQ(out.probes.at("timed_receiver").size(), 1u);
  EXPECT_EQ(out.probes.at("timed_receiver")[0].tick, 1000000000005u);
  EXPECT_EQ(out.stats.ticks_simulated, 3u);  // 0, 5 and the delivery
  EXPECT_EQ(out.stats.end_reason, "nothing left to do");
}

TEST(TimedMessages, SendKeepsItsMeaningBesideThem) {
  const auto out = run_text(receiver_and_senders({"at = 5, delay = 1, instant = true"}));
  const std::vector<std::vector<double>> at5{{1, 1, 100, 1}}, at6{{1, 1, 0, 0}};
  EXPECT_EQ(receiver_rows(out, 5), at5);
  EXPECT_EQ(receiver_rows(out, 6), at6);
}

TEST(TimedMessages, ToAnActorDeletedMeanwhileIsAnError) {
  EXPECT_EQ(run_error(R"(
[simulation]
[[actors]]
class = "test.deleter"
name = "doomed"
params = { at = 4 }
[[actors]]
class = "test.timed_sender"
params = { peer = "doomed", at = 3, delay = 2 }
)"),
            "timed message 'test.ping' sent by actor 1 at tick 3 diasca 0 to actor 0, due at tick 5: the receiver "
            "does not exist (deleted or never created)");
}

TEST(TimedMessages, NeedADelayOfAtLeastOneTick) {
  EXPECT_EQ(run_error(receiver_and_senders({"at = 3, delay = 0"})),
            "actor 1 (class 'test.timed_sender') failed at tick 3 diasca 0: send_in at tick 3: the delay must be at "
            "least 1 tick (send delivers within the tick)");
}

// --- The lookahead's rules: tick 1 s, lookahead 5 ticks -------------------

const std::string with_lookahead = R"(
[simulation]
tick = "1s"
lookahead = "5s"
)";

TEST(Lookahead, AnInstantaneousSendToAnotherGroupIsAnError) {
  EXPECT_EQ(run_error(with_lookahead + R"(
[[actors]]
class = "test.ponger"
name = "ponger"
[[actors]]
class = "test.pinger"
params = { peer = "ponger", at = 3 }
)"),
            "actor 1 (class 'test.pinger') at tick 3 diasca 0 sent message 'test.ping' to actor 0, in another "
            "placement group: with a lookahead (simulation.lookahead = 5 ticks), send reaches only the sender's own "
            "placement group; use send_in with a delay of at least 5 ticks, or give both actors one placement hint");
}

TEST(Lookahead, AnInstantaneousSendInsideAGroupIsAllowedAndChangesNothing) {
  const std::string model = R"(
[[actors]]
class = "test.ponger"
name = "ponger"
placement = "pair"
[[actors]]
class = "test.pinger"
params = { peer = "ponger", at = 3, count = 2 }
placement = "pair"
)";
  const auto windowed = run_text(with_lookahead + model);
  const auto per_diasca = run_text("[simulation]\ntick = \"1s\"\n" + model);
  EXPECT_EQ(windowed.digest, per_diasca.digest);
  EXPECT_EQ(windowed.probes.at("ponger").size(), 2u);
}

TEST(Lookahead, ATimedMessageToAnotherGroupNeedsTheLookahead) {
  EXPECT_EQ(run_error(receiver_and_senders({"at = 3, delay = 4"}, "{}", with_lookahead)),
            "actor 1 (class 'test.timed_sender') at tick 3 diasca 0 sent message 'test.ping' to actor 0, in another "
            "placement group, with a delay of 4 tick(s): a timed message between placement groups needs a delay of "
            "at least the lookahead (simulation.lookahead = 5 ticks)");
  EXPECT_EQ(run_text(receiver_and_senders({"at = 3, delay = 5"}, "{}", with_lookahead))
                .probes.at("timed_receiver")
                .size(),
            1u);
}

TEST(Lookahead, ActorsCreatedAtRunTimeStayInTheirCreatorsGroup) {
  EXPECT_EQ(run_error(with_lookahead + R"(
[[actors]]
class = "test.creator"
params = { at = 2, children = 1 }
)"),
            "actor 0 (class 'test.creator') at tick 2 diasca 0 created actor 11199804218902014890 in another placement "
            "group: with a lookahead (simulation.lookahead = 5 ticks), actors created at run time stay in their "
            "creator's group; give the creator a placement hint and create with create_placed and that hint");
}

TEST(Lookahead, WindowsGiveThePerDiascaResultsAndSkipIdleTime) {
  // Timed messages within a group at short delays, between groups at the
  // lookahead or more, an instantaneous exchange inside a group, and a
  // spontaneous activation that meets timed messages.
  const std::string model = R"(
[[actors]]
class = "test.timed_receiver"
name = "receiver"
params = { wake = 16 }
placement = "home"
[[actors]]
class = "test.timed_sender"
params = { peer = "receiver", at = 3, delay = 1, count = 3 }
placement = "home"
[[actors]]
class = "test.timed_sender"
params = { peer = "receiver", at = 11, delay = 5, count = 2 }
[[actors]]
class = "test.timed_sender"
params = { peer = "receiver", at = 1000, delay = 9 }
[[actors]]
class = "test.ponger"
name = "ponger"
placement = "pair"
[[actors]]
class = "test.pinger"
params = { peer = "ponger", at = 16 }
placement = "pair"
)";
  const auto windowed = run_text(with_lookahead + model);
  const auto per_diasca = run_text("[simulation]\ntick = \"1s\"\nlookahead = 0\n" + model);
  EXPECT_EQ(windowed.digest, per_diasca.digest);
  EXPECT_EQ(windowed.probes.at("timed_receiver").size(), 7u);
  // Windows [0, 5) (the first diascas and the sends at 3 and 4), [11, 16)
  // (nothing before 11 is due), [16, 21), and [1000, 1005), [1009, 1014):
  // the idle time between them is skipped.
  EXPECT_EQ(windowed.stats.windows, 5u);
  EXPECT_EQ(per_diasca.stats.windows, 0u);
}

}  // namespace
