// The soda model linked statically into this executable (the path for
// machines without dlopen): the scenario's `plugins = ["soda"]` is satisfied
// without loading any library, and the run gives the same digest as the
// dlopen path (the plugin-path digest is recorded by the CLI test of the same
// scenario; here we check the classes and the rules).
#include <gtest/gtest.h>

#include "kairos/run/run.hpp"
#include "plugin/registry.hpp"

namespace {

TEST(StaticModels, StaticallyLinkedClassesAreRegisteredWithoutDlopen) {
  auto& reg = kairos::registry::instance();
  EXPECT_TRUE(reg.has_plugin("soda"));
  ASSERT_NE(reg.find_class("soda.machine"), nullptr);
  // load_plugin finds it already there, so an empty search path is enough.
  EXPECT_NO_THROW(reg.load_plugin("soda", {}));
}

TEST(StaticModels, RunsTheDeterministicSodaCase) {
  kairos::run_options o;
  o.scenario = std::string(KAIROS_SOURCE_DIR) + "/scenarios/soda-deterministic.toml";
  o.write_results = false;
  const kairos::run_report r = kairos::run_scenario(o);
  EXPECT_EQ(r.ticks_simulated, 50000u);
  EXPECT_EQ(r.messages, 32u);  // 3 cost questions and 13 orders, each answered
}

}  // namespace
