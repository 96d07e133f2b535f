// A class's documented probes are what `kairos info` shows; a class that
// documents them cannot declare another one unnoticed.
#include <gtest/gtest.h>

#include <string>

#include <kairos/actor/registration.hpp>

#include "harness.hpp"

namespace {

/// Declares the probe named by its parameter `probe`.
class recorder final : public kairos::actor {
 public:
  static constexpr kairos::probe_doc documented_probes[] = {{"test.level.<name>", "value", "a level"},
                                                            {"test.total", "value", "a total"}};
  recorder() = default;
  explicit recorder(kairos::actor_init& init) : probe_(init.probe(init.get<std::string>("probe"), {"value"})) {}
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & probe_;
  }

 private:
  kairos::probe_id probe_;
};
KAIROS_REGISTER_ACTOR(recorder, "test.recorder", {"probe", "name of the probe to declare", "string"});

std::string scenario_declaring(const std::string& probe) {
  return "[simulation]\nstop_tick = 3\n[[actors]]\nclass = \"test.recorder\"\nparams = { probe = \"" + probe + "\" }\n";
}

TEST(DocumentedProbes, PlaceholdersStandForAnyNonEmptyText) {
  EXPECT_TRUE(kairos::probe_name_matches("soda.machine.<name>", "soda.machine.m1"));
  EXPECT_TRUE(kairos::probe_name_matches("soda.machine.<name>", "soda.machine.a.b"));
  EXPECT_FALSE(kairos::probe_name_matches("soda.machine.<name>", "soda.machine."));
  EXPECT_FALSE(kairos::probe_name_matches("soda.machine.<name>", "soda.customer.m1"));
  EXPECT_TRUE(kairos::probe_name_matches("net.<from>.to.<to>", "net.a.to.b"));
  EXPECT_FALSE(kairos::probe_name_matches("net.<from>.to.<to>", "net.a.from.b"));
  EXPECT_TRUE(kairos::probe_name_matches("grid.load", "grid.load"));
  EXPECT_FALSE(kairos::probe_name_matches("grid.load", "grid.load2"));
}

TEST(DocumentedProbes, DocumentedNamesAreDeclared) {
  EXPECT_EQ(kairos_test::run_error(scenario_declaring("test.level.north")), "(the run succeeded)");
  EXPECT_EQ(kairos_test::run_error(scenario_declaring("test.total")), "(the run succeeded)");
}

TEST(DocumentedProbes, AnUndocumentedProbeIsAModelErrorNamingClassAndProbe) {
  const std::string error = kairos_test::run_error(scenario_declaring("test.other"));
  EXPECT_NE(error.find("class 'test.recorder' declares probe 'test.other'"), std::string::npos) << error;
  EXPECT_NE(error.find("'test.level.<name>', 'test.total'"), std::string::npos) << error;
}

}  // namespace
