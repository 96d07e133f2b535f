// on_end_of_tick: once per tick for each actor of a class that hides it and
// was activated in the tick, after the tick's last diasca; it may schedule
// and send timed messages, which decide the next tick, but not send, create
// or delete.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include <kairos/actor/registration.hpp>

#include "harness.hpp"

namespace {

struct volley {
  KAIROS_MESSAGE("test.volley");
  int left;
};
struct note {
  KAIROS_MESSAGE("test.note");
};

/// A rally between a server and its peer: at each of its ticks the server
/// sends a volley of `strokes`, returned until none is left, so the tick
/// takes `strokes` + 1 diascas. At the end of each tick both record {volleys
/// received, last diasca they saw}; the server then schedules its next tick
/// from the hook (`gap` ticks later, up to `rallies` ticks) and, with
/// `note_delay`, sends its peer a timed note. `misbehave` sends an instant
/// message from the hook.
class rally final : public kairos::actor {
 public:
  using handles = kairos::handles<volley, note>;
  rally() = default;
  explicit rally(kairos::actor_init& init)
      : peer_(init.actors("peer").first),
        server_(init.get_or("server", false)),
        misbehave_(init.get_or("misbehave", false)),
        strokes_(init.get_or("strokes", 3)),
        rallies_(init.get_or("rallies", 3)),
        gap_(init.get_or<kairos::tick_t>("gap", 2)),
        note_delay_(init.get_or<kairos::tick_t>("note_delay", 0)),
        probe_(init.probe("rally", {"received", "last_diasca"})) {}
  void on_first_diasca(kairos::context& ctx) {
    if (server_) ctx.schedule_at(1);
  }
  void act_spontaneous(kairos::context& ctx) {
    ++rallies_played_;
    ctx.send(peer_, volley{strokes_ - 1});
  }
  void on(const volley& v, kairos::context& ctx) {
    ++received_;
    last_diasca_ = ctx.diasca();
    if (v.left > 0) ctx.send(ctx.sender(), volley{v.left - 1});
  }
  void on(const note&, kairos::context& ctx) { last_diasca_ = ctx.diasca(); }
  void on_end_of_tick(kairos::context& ctx) {
    EXPECT_EQ(ctx.diasca(), kairos::end_of_tick_diasca);
    ctx.record(probe_, {static_cast<double>(received_), static_cast<double>(last_diasca_)});
    received_ = 0;
    last_diasca_ = 0;
    if (misbehave_) ctx.send(peer_, volley{0});
    if (!server_ || ctx.now() == 0) return;
    if (rallies_played_ < rallies_) ctx.schedule_in(gap_);
    if (note_delay_ > 0) ctx.send_in(peer_, note_delay_, note{});
  }
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & peer_ & server_ & misbehave_ & strokes_ & rallies_ & gap_ & note_delay_ & rallies_played_ & received_ &
        last_diasca_ & probe_;
  }

 private:
  kairos::aai_t peer_ = 0;
  bool server_ = false, misbehave_ = false;
  int strokes_ = 3, rallies_ = 3;
  kairos::tick_t gap_ = 2, note_delay_ = 0;
  int rallies_played_ = 0, received_ = 0;
  kairos::diasca_t last_diasca_ = 0;
  kairos::probe_id probe_;
};
KAIROS_REGISTER_ACTOR(rally, "test.rally", {"peer", "the other player", "actor name"},
                      {"server", "serves, and schedules the rallies", "boolean", "false"},
                      {"misbehave", "sends an instant message at the end of a tick", "boolean", "false"},
                      {"strokes", "volleys per rally", "integer", "3"},
                      {"rallies", "rallies to play", "integer", "3"},
                      {"gap", "ticks between rallies", "integer", "2"},
                      {"note_delay", "delay of a timed note to the peer after each rally (0: none)", "integer", "0"});

std::string rally_pair(const std::string& server_params, int pairs = 1) {
  std::string toml = "[simulation]\nstop_tick = 100\n";
  for (int p = 0; p < pairs; ++p)
    toml += fmt::format(
        "[[actors]]\nclass = \"test.rally\"\nname = \"s{0}\"\nparams = {{ server = true, peer = \"r{0}\", {1} }}\n"
        "[[actors]]\nclass = \"test.rally\"\nname = \"r{0}\"\nparams = {{ peer = \"s{0}\" }}\n",
        p, server_params);
  return toml;
}

/// {tick, aai, received, last diasca} of each sample.
std::vector<std::vector<double>> rows(const kairos_test::outcome& out) {
  std::vector<std::vector<double>> r;
  for (const auto& s : out.probes.at("rally")) {
    EXPECT_EQ(s.diasca, kairos::end_of_tick_diasca);
    r.push_back({static_cast<double>(s.tick), static_cast<double>(s.aai), s.values[0], s.values[1]});
  }
  return r;
}

TEST(EndOfTick, RunsOncePerActivatedActorAfterTheTicksLastDiasca) {
  // Four strokes: the server gets volleys at diascas 2 and 4, its peer at 1
  // and 3. Ticks 0 (first diascas), then 1, 3 and 5 scheduled from the hook.
  const auto out = kairos_test::run_text(rally_pair("strokes = 4"));
  const std::vector<std::vector<double>> expected{{0, 0, 0, 0}, {0, 1, 0, 0}, {1, 0, 2, 4}, {1, 1, 2, 3},
                                                  {3, 0, 2, 4}, {3, 1, 2, 3}, {5, 0, 2, 4}, {5, 1, 2, 3}};
  EXPECT_EQ(rows(out), expected);
  EXPECT_EQ(out.stats.end_reason, "nothing left to do");
  EXPECT_EQ(out.stats.last_tick, 5u);
}

TEST(EndOfTick, ItsTimedMessagesActivateTheirReceiverAtTheirTick) {
  // The note reaches the peer alone at tick 2, 4, 6: only the peer's hook runs then.
  const auto out = kairos_test::run_text(rally_pair("strokes = 1, note_delay = 1"));
  const std::vector<std::vector<double>> expected{{0, 0, 0, 0}, {0, 1, 0, 0}, {1, 0, 0, 0}, {1, 1, 1, 1},
                                                  {2, 1, 0, 0}, {3, 0, 0, 0}, {3, 1, 1, 1}, {4, 1, 0, 0},
                                                  {5, 0, 0, 0}, {5, 1, 1, 1}, {6, 1, 0, 0}};
  EXPECT_EQ(rows(out), expected);
  EXPECT_EQ(out.stats.last_tick, 6u);
}

TEST(EndOfTick, TheSameOnAnyThreadCount) {
  const std::string toml = rally_pair("strokes = 5, rallies = 20, gap = 3, note_delay = 2", 3000);
  const auto one = kairos_test::run_text(toml, 1);
  EXPECT_EQ(one.probes.at("rally").size(), 3000u * (2 + 2 * 20 + 20));
  EXPECT_EQ(one.digest, kairos_test::run_text(toml, 3).digest);
}

TEST(EndOfTick, SendingIsAModelFailureNamingTheActor) {
  const std::string error = kairos_test::run_error(rally_pair("misbehave = true"));
  EXPECT_NE(error.find("actor 0 (class 'test.rally') failed at the end of tick 0 (on_end_of_tick): on_end_of_tick "
                       "may record"),
            std::string::npos)
      << error;
}

}  // namespace
