// Every scenario mistake is reported with file:line:col and the field.
#include <gtest/gtest.h>

#include "kairos/core/error.hpp"
#include "scenario/param_source.hpp"
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

TEST(Scenario, SparsePerActorKeysAreIndicesInTheBlock) {
  const std::string block = "[simulation]\n[[actors]]\nclass = \"test.deleter\"\ncount = 3\n";
  EXPECT_NE(error_of(block + "per_actor = { at = { 3 = 7 } }\n").find("actors[0].per_actor.at.3: index 3 is beyond the "
                                                                         "block's count 3"),
            std::string::npos);
  for (const char* key : {"x", "-1", "01", "\"1.0\""})
    EXPECT_NE(error_of(block + "per_actor = { at = { " + key + " = 7 } }\n")
                  .find("a sparse per_actor key must be an actor's index in the block"),
              std::string::npos)
        << key;
  EXPECT_NE(error_of(block + "per_actor = { at = 7 }\n").find("expected an array of 3 values, or a table"),
            std::string::npos);
}

// The actors a sparse table lists get their own value; the others the
// block's shared one, or none (the class's default applies).
TEST(Scenario, SparsePerActorValuesReachTheirActors) {
  auto s = kairos::parse_scenario(
      "[simulation]\n[[actors]]\nclass = \"test.deleter\"\ncount = 4\nparams = { at = 5 }\n"
      "per_actor = { at = { 1 = 10, 3 = 30 } }\n",
      "sparse.toml", {});
  kairos::resolve_actors(*s);
  const kairos::actor_block& b = s->blocks.at(0);
  std::vector<std::int64_t> at;
  for (std::uint64_t i = 0; i < b.count; ++i)
    at.push_back(kairos::detail::param_source(*s, b.params, b.params_field, b.per_actor, "actors[0].per_actor", i,
                                              nullptr)
                     .get_int("at"));
  EXPECT_EQ(at, (std::vector<std::int64_t>{5, 10, 5, 30}));

  auto unshared = kairos::parse_scenario(
      "[simulation]\n[[actors]]\nclass = \"test.deleter\"\ncount = 2\nper_actor = { at = { 1 = 10 } }\n",
      "sparse.toml", {});
  kairos::resolve_actors(*unshared);
  const kairos::actor_block& u = unshared->blocks.at(0);
  const auto source = [&](std::uint64_t i) {
    return kairos::detail::param_source(*unshared, u.params, u.params_field, u.per_actor, "actors[0].per_actor", i,
                                        nullptr);
  };
  EXPECT_EQ(source(0).find("at"), nullptr);
  EXPECT_EQ(source(1).get_int("at"), 10);
  try {
    source(1).fail(source(1).find("at"), "at", "wrong");
    FAIL();
  } catch (const kairos::scenario_error& e) {
    EXPECT_NE(std::string(e.what()).find("actors[0].per_actor.at: wrong"), std::string::npos) << e.what();
  }
}

}  // namespace

#include "harness.hpp"

namespace {

// Array parameters: shared by a block, or one array per actor.
TEST(Scenario, ArrayParametersReachTheConstructor) {
  const auto out = kairos_test::run_text(
      "[simulation]\nplugins = []\nstop_tick = 1\n[[actors]]\nclass = \"test.weighted\"\ncount = 2\n"
      "params = { weights = [0.5, 1, 2.25], labels = [\"a\", \"b\"] }\n"
      "per_actor = { sizes = [[1, 2, 255], []] }\n");
  const auto& rows = out.probes.at("weighted");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].values, (std::vector<double>{3.75, 2, 258}));
  EXPECT_EQ(rows[1].values, (std::vector<double>{3.75, 2, 0}));
}

TEST(ScenarioErrors, ArrayElementOfAnotherTypeIsNamed) {
  const std::string head = "[simulation]\nstop_tick = 1\n[[actors]]\nclass = \"test.weighted\"\n";
  const auto error = [&](const std::string& params) {
    try {
      kairos_test::run_text(head + params);
    } catch (const kairos::scenario_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error("params = { weights = [1.0, \"x\"] }\n")
                .find("test.toml:5:28: actors[0].params.weights: element 1 (counting from 0): expected an array of numbers"),
            std::string::npos)
      << error("params = { weights = [1.0, \"x\"] }\n");
  EXPECT_NE(error("params = { weights = 1.0 }\n").find("actors[0].params.weights: expected an array of numbers"),
            std::string::npos);
  EXPECT_NE(error("params = { weights = [], sizes = [256] }\n").find("actors[0].params.sizes"), std::string::npos)
      << error("params = { weights = [], sizes = [256] }\n");
}

}  // namespace
