#pragma once

// Fault injection for the checkpoint tests, driven by environment variables
// so that real runs under mpirun can be made to fail at precise points:
//
//   KAIROS_TEST_CRASH=POINT:RANK:N     SIGKILL rank RANK at POINT of its N-th checkpoint
//   KAIROS_TEST_WRITE_ERROR=RANK:N[:PHASE]   rank RANK's writes in its N-th checkpoint fail with
//                                      ENOSPC: all of them, or only those of PHASE (shard,
//                                      replica, manifest, latest)
//
// Unset (the normal case) they cost one branch per checkpoint step.

#include <filesystem>
#include <string_view>

namespace kairos::checkpoint::test_hooks {

/// Where a crash can be injected, in the order a checkpoint passes them.
inline constexpr std::string_view crash_points[] = {
    "after-shard",     // own shard written and renamed, replicas not yet sent
    "after-replicas",  // every copy on this rank written, nothing committed
    "mid-manifest",    // manifest temporary written, not renamed
    "after-manifest",  // manifest in place on this rank's node, LATEST not updated
};

/// Called at each checkpoint start on every rank (counts checkpoints).
void begin_checkpoint(int rank);
/// Kills this process with SIGKILL if KAIROS_TEST_CRASH names this point now.
void crash_point(std::string_view point);
/// True if this rank's write of `path` in the current checkpoint must fail.
bool write_must_fail(const std::filesystem::path& path);

}  // namespace kairos::checkpoint::test_hooks
