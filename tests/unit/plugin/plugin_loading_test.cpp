// Loading model plugins with dlopen, and the errors a user can meet.
#include <gtest/gtest.h>

#include <filesystem>

#include "kairos/core/error.hpp"
#include "kairos/run/run.hpp"
#include "plugin/registry.hpp"

namespace {

const std::filesystem::path plugin_dir = KAIROS_PLUGIN_DIR;

kairos::run_report run_inline(const std::string& toml) {
  kairos::run_options o;
  o.scenario = "inline.toml";
  o.scenario_text = toml;
  o.write_results = false;
  return kairos::run_scenario(o);
}

TEST(PluginLoading, LoadsAPluginByNameAndFindsItsClasses) {
  kairos::registry::instance().load_plugin("life", {plugin_dir});
  const kairos::class_info* rabbit = kairos::registry::instance().find_class("life.rabbit");
  ASSERT_NE(rabbit, nullptr);
  EXPECT_EQ(rabbit->plugin, "life");
  EXPECT_NE(rabbit->handler_for(kairos::message_type_of("life.welcome")), nullptr);
}

TEST(PluginLoading, MissingLibraryNamesWhereItLooked) {
  try {
    kairos::registry::instance().load_plugin("nosuchmodel", {plugin_dir});
    FAIL();
  } catch (const kairos::plugin_error& e) {
    EXPECT_NE(std::string(e.what()).find("plugin 'nosuchmodel' not found"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("kairos_nosuchmodel.so"), std::string::npos) << e.what();
    EXPECT_EQ(e.code(), kairos::exit_code::plugin_error);
  }
}

TEST(PluginLoading, MissingClassIsAScenarioErrorListingKnownClasses) {
  try {
    run_inline("[simulation]\nplugins = [\"life\"]\n[[actors]]\nclass = \"life.wolf\"\n");
    FAIL();
  } catch (const kairos::scenario_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("inline.toml:4:9: actors[0].class: unknown actor class 'life.wolf'"), std::string::npos) << what;
    EXPECT_NE(what.find("life.rabbit"), std::string::npos) << what;
  }
}

TEST(PluginLoading, PluginBuiltAgainstAnotherAbiIsRefused) {
  try {
    kairos::registry::instance().load_plugin("badabi", {plugin_dir});
    FAIL();
  } catch (const kairos::plugin_error& e) {
    EXPECT_NE(std::string(e.what()).find("built against Kairos ABI 999"), std::string::npos) << e.what();
  }
  // Its classes were not registered.
  EXPECT_EQ(kairos::registry::instance().find_class("badabi.actor"), nullptr);
}

TEST(PluginLoading, SharedLibraryWithoutDescriptorIsNotAPlugin) {
  try {
    kairos::registry::instance().load_plugin((plugin_dir / "notaplugin.so").string(), {});
    FAIL();
  } catch (const kairos::plugin_error& e) {
    EXPECT_NE(std::string(e.what()).find("is not a Kairos plugin"), std::string::npos) << e.what();
  }
}

}  // namespace
