// How waiting threads pass the time: they keep their cores only where every
// thread of every rank on the node has one, KAIROS_WAIT overrides the
// choice, and a value it does not know is an error naming the variable.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "exec/wait_policy.hpp"
#include "kairos/core/error.hpp"

namespace {

using kairos::choose_wait_policy;
using kairos::wait_policy;

/// Sets KAIROS_WAIT (or unsets it) for one test, restoring it afterwards.
class wait_variable {
 public:
  explicit wait_variable(const char* value) {
    if (const char* old = std::getenv("KAIROS_WAIT")) saved_ = old;
    if (value) setenv("KAIROS_WAIT", value, 1);
    else unsetenv("KAIROS_WAIT");
  }
  ~wait_variable() {
    if (saved_) setenv("KAIROS_WAIT", saved_->c_str(), 1);
    else unsetenv("KAIROS_WAIT");
  }

 private:
  std::optional<std::string> saved_;
};

unsigned online_processors() { return static_cast<unsigned>(sysconf(_SC_NPROCESSORS_ONLN)); }

TEST(WaitPolicy, SpinsOnlyWhereEveryThreadHasACore) {
  const wait_variable unset(nullptr);
  EXPECT_EQ(choose_wait_policy(1, 1), wait_policy::spin);
  // More threads, or more ranks of this node, than it has processors.
  EXPECT_EQ(choose_wait_policy(online_processors() + 1, 1), wait_policy::yield);
  EXPECT_EQ(choose_wait_policy(1, static_cast<int>(online_processors()) + 1), wait_policy::yield);
  EXPECT_EQ(choose_wait_policy(2, static_cast<int>(online_processors())), wait_policy::yield);
}

TEST(WaitPolicy, TheEnvironmentOverridesTheChoice) {
  {
    const wait_variable spin("spin");
    EXPECT_EQ(choose_wait_policy(online_processors() * 4, 8), wait_policy::spin);
  }
  const wait_variable yield("yield");
  EXPECT_EQ(choose_wait_policy(1, 1), wait_policy::yield);
}

TEST(WaitPolicy, AnUnknownValueIsAnErrorNamingTheVariable) {
  const wait_variable odd("busy");
  try {
    choose_wait_policy(1, 1);
    FAIL() << "KAIROS_WAIT=busy was accepted";
  } catch (const kairos::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("KAIROS_WAIT='busy'"), std::string::npos) << e.what();
  }
}

TEST(WaitPolicy, ABackoffMeasuresItsWaitFromTheFirstPause) {
  // The hot pool parks, and a spinning wait starts yielding, by waited():
  // it grows with the pauses and never runs ahead of the clock.
  kairos::backoff wait(wait_policy::spin);
  EXPECT_EQ(wait.waited().count(), 0);
  const auto start = std::chrono::steady_clock::now();
  while (wait.waited() < std::chrono::milliseconds(1)) {
    wait.pause();
    ASSERT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10)) << "waited() does not grow";
  }
  EXPECT_LE(wait.waited(), std::chrono::steady_clock::now() - start);
  wait.restart();
  EXPECT_EQ(wait.waited().count(), 0);
}

}  // namespace
