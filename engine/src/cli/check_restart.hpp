#pragma once

// `kairos check-restart`: does a model restart exactly? Runs a scenario
// uninterrupted, runs it again with checkpoints, restarts from each of them
// (on another rank count if asked) and compares every probe sample, every
// actor's final state and every total with the uninterrupted run. A member
// left out of serialize() passes every uninterrupted test and silently
// changes a restarted run; this is the check that catches it.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kairos/core/types.hpp"

namespace kairos::cli {

struct check_restart_options {
  std::filesystem::path scenario;
  std::vector<tick_t> at;              ///< checkpoint ticks; empty: a third and two thirds of the run
  unsigned ranks = 1;                  ///< ranks of the uninterrupted and checkpointed runs
  unsigned ranks_after = 0;            ///< ranks of the restarts; 0: `ranks`
  unsigned threads = 1;                ///< worker threads of every run
  std::vector<std::string> overrides;  ///< --set, for every run
  /// How to start a run on several ranks; {ranks} is replaced by the count.
  std::string launcher = "mpiexec -n {ranks}";
  /// Where the runs write; default: a new directory under $TMPDIR, removed
  /// when every check passes.
  std::optional<std::filesystem::path> work;
  bool keep = false;                   ///< keep the default work directory even when every check passes
};

/// Runs the check and prints what it finds on stdout. Returns 0 when every
/// restart reproduces the uninterrupted run, 1 when one does not (the first
/// difference named), or the exit status of a run that failed.
int check_restart(const check_restart_options& options);

}  // namespace kairos::cli
