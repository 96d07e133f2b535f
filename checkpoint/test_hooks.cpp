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

namespace {
/// The commit phase a checkpoint file belongs to, from its name.
std::string phase_of(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  if (name == "manifest.json") return "manifest";
  if (name == "LATEST") return "latest";
  unsigned shard = 0, holder = 0;
  if (std::sscanf(name.c_str(), "shard-%u-on-%u.h5", &shard, &holder) == 2) return shard == holder ? "shard" : "replica";
  return "other";
}
}  // namespace

bool write_must_fail(const std::filesystem::path& path) {
  const char* spec = std::getenv("KAIROS_TEST_WRITE_ERROR");
  if (!spec) return false;
  const std::string s(spec), tag = now_tag();
  return s == tag || s == tag + ":" + phase_of(path);
}

}  // namespace kairos::checkpoint::test_hooks
