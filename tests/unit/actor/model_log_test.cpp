// context::log costs nothing below its class's level: its arguments are not
// formatted. At or above it, the line is stamped with tick, diasca, actor
// and class.
#include <gtest/gtest.h>

#include <string>

#include <fmt/format.h>
#include <kairos/actor/registration.hpp>

#include "harness.hpp"
#include "log/logging.hpp"

namespace {

int formatted = 0;  ///< how many times a `costly` value was formatted

/// A log argument that counts its formatting.
struct costly {
  int value;
};

}  // namespace

template <>
struct fmt::formatter<costly> : fmt::formatter<int> {
  auto format(const costly& c, fmt::format_context& ctx) const {
    ++formatted;
    return fmt::formatter<int>::format(c.value, ctx);
  }
};

namespace {

/// Logs at debug at each of its first three ticks.
class chatty final : public kairos::actor {
 public:
  chatty() = default;
  explicit chatty(kairos::actor_init&) {}
  void on_first_diasca(kairos::context& ctx) { ctx.schedule_in(1); }
  void act_spontaneous(kairos::context& ctx) {
    ctx.log(kairos::log_level::debug, "level {}", costly{static_cast<int>(ctx.now())});
    if (ctx.now() < 3) ctx.schedule_in(1);
  }
  template <class Archive>
  void serialize(Archive&, unsigned) {}
};
KAIROS_REGISTER_ACTOR(chatty, "test.chatty");

constexpr const char* scenario = "[simulation]\nstop_tick = 10\n[[actors]]\nclass = \"test.chatty\"\n";

class ModelLog : public ::testing::Test {
 protected:
  void TearDown() override { kairos::logging::configure({}); }
};

TEST_F(ModelLog, BelowTheClassLevelNothingIsFormatted) {
  formatted = 0;
  testing::internal::CaptureStderr();
  kairos_test::run_text(scenario);
  const std::string written = testing::internal::GetCapturedStderr();
  EXPECT_EQ(formatted, 0);
  EXPECT_EQ(written.find("test.chatty"), std::string::npos) << written;
}

TEST_F(ModelLog, AtTheClassLevelLinesAreStamped) {
  kairos::logging::configure({.levels = {"test=debug"}, .quiet = false});
  formatted = 0;
  testing::internal::CaptureStderr();
  kairos_test::run_text(scenario);
  const std::string written = testing::internal::GetCapturedStderr();
  EXPECT_EQ(formatted, 3);
  EXPECT_NE(written.find("kairos: debug: [test.chatty] tick 1 diasca 0 actor 0: level 1\n"), std::string::npos)
      << written;
  EXPECT_NE(written.find("kairos: debug: [test.chatty] tick 3 diasca 0 actor 0: level 3\n"), std::string::npos)
      << written;
}

TEST_F(ModelLog, QuietLeavesWarningsOnly) {
  kairos::logging::configure({.levels = {"test.chatty=debug"}, .quiet = true});
  formatted = 0;
  kairos_test::run_text(scenario);
  EXPECT_EQ(formatted, 3) << "a NAME=LEVEL after --quiet still lowers that logger";
  kairos::logging::configure({.levels = {}, .quiet = true});
  formatted = 0;
  kairos_test::run_text(scenario);
  EXPECT_EQ(formatted, 0);
}

}  // namespace
