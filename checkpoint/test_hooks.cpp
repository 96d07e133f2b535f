#include "checkpoint/test_hooks.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

namespace kairos::checkpoint::test_hooks {

namespace {
int current_rank = 0;
int checkpoints_begun = 0;

std::string now_tag() { return fmt::format("{}:{}", current_rank, checkpoints_begun); }
}  // namespace

void begin_checkpoint(int rank) {
  current_rank = rank;
  ++checkpoints_begun;
}

void crash_point(std::string_view point) {
  const char* spec = std::getenv("KAIROS_TEST_CRASH");
  if (!spec || std::string(spec) != fmt::format("{}:{}", point, now_tag())) return;
  std::fprintf(stderr, "kairos: test hook: killing rank %d at '%.*s' of checkpoint %d\n", current_rank,
               static_cast<int>(point.size()), point.data(), checkpoints_begun);
  std::fflush(stderr);
  std::raise(SIGKILL);
}

bool write_must_fail() {
  const char* spec = std::getenv("KAIROS_TEST_WRITE_ERROR");
  return spec && std::string(spec) == now_tag();
}

}  // namespace kairos::checkpoint::test_hooks
