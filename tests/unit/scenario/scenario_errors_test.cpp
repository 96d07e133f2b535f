// Every scenario mistake is reported with file:line:col and the field.
#include <gtest/gtest.h>

#include "kairos/core/error.hpp"
#include "scenario/scenario.hpp"

namespace {

std::string error_of(const std::string& toml, std::vector<std::string> overrides = {}) {
  try {
    auto s = kairos::parse_scenario(toml, "bad.toml", overrides);
    kairos::resolve_actors(*s);
  } catch (const kairos::scenario_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(ScenarioErrors, SyntaxErrorGivesLineAndColumn) {
  EXPECT_EQ(error_of("[simulation]\nseed = = 3\n").rfind("bad.toml:2:8: syntax error:", 0), 0u)
      << error_of("[simulation]\nseed = = 3\n");
}

TEST(ScenarioErrors, UnknownFieldIsNamed) {
  EXPECT_EQ(error_of("[simulation]\nsed = 3\n"), "bad.toml:2:7: simulation.sed: unknown field");
}

TEST(ScenarioErrors, WrongTypeIsNamed) {
  EXPECT_EQ(error_of("[simulation]\nseed = \"three\"\n"),
            "bad.toml:2:8: simulation.seed: expected an integer, got a string");
}

TEST(ScenarioErrors, NegativeCountIsRefused) {
  EXPECT_EQ(error_of("[simulation]\n[[actors]]\nclass = \"test.ponger\"\ncount = -5\n"),
            "bad.toml:4:9: actors[0].count: must be >= 0, got -5");
}

TEST(ScenarioErrors, UnknownClassIsNamed) {
  EXPECT_NE(error_of("[simulation]\n[[actors]]\nclass = \"test.nope\"\n")
                .find("bad.toml:3:9: actors[0].class: unknown actor class 'test.nope'"),
            std::string::npos);
}

TEST(ScenarioErrors, UnknownActorParameterIsNamed) {
  EXPECT_NE(error_of("[simulation]\n[[actors]]\nclass = \"test.deleter\"\nparams = { at = 1, when = 2 }\n")
                .find("bad.toml:4:27: actors[0].params.when: class 'test.deleter' has no parameter 'when'"),
            std::string::npos);
}

TEST(ScenarioErrors, UnknownSectionIsNamed) {
  EXPECT_NE(error_of("[simulation]\n[wolves]\nn = 1\n").find("bad.toml:2:1: wolves: unknown section"), std::string::npos);
}

TEST(ScenarioErrors, BadDurationUnitIsNamed) {
  EXPECT_EQ(error_of("[simulation]\ntick = \"20 parsecs\"\n"),
            "bad.toml:2:8: simulation.tick: unknown unit 'parsecs' (use ns, us, ms, s, min, h, d or Hz)");
}

TEST(ScenarioErrors, OverrideOfAWrongTypeSaysItCameFromSet) {
  EXPECT_EQ(error_of("[simulation]\nseed = 1\n", {"simulation.seed=abc"}),
            "bad.toml (value from --set): simulation.seed: expected an integer, got a string");
}

TEST(Scenario, DurationsAndOverridesAreApplied) {
  auto s = kairos::parse_scenario("[simulation]\ntick = \"20ms\"\nstop = \"1min\"\n", "ok.toml",
                                  {"simulation.seed=42", "simulation.mode=ergodic"});
  EXPECT_DOUBLE_EQ(s->tick_seconds, 0.02);
  EXPECT_EQ(s->stop_tick, 3000u);
  EXPECT_EQ(s->seed, 42u);
  EXPECT_EQ(s->mode, kairos::run_mode::ergodic);
}

TEST(Scenario, PerActorListsMustMatchTheCount) {
  EXPECT_NE(error_of("[simulation]\n[[actors]]\nclass = \"test.deleter\"\ncount = 3\nper_actor = { at = [1, 2] }\n")
                .find("actors[0].per_actor.at: has 2 values but count is 3"),
            std::string::npos);
}

}  // namespace
