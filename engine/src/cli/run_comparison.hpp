#pragma once

// Comparing two finished runs of one scenario, sample by sample and actor by
// actor: how `kairos check-restart` names the first place where a restarted
// run left the uninterrupted one.

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kairos::cli {

/// What a finished run left behind.
struct finished_run {
  std::string label;                  ///< "uninterrupted", "restarted from ckpt-...", for messages
  std::filesystem::path output;       ///< holds results.h5 and summary.json
  std::filesystem::path final_state;  ///< holds final-state-<rank>.h5 (`--final-state`)
};

/// How `other` differs from `reference`, one finding per line, the most
/// telling first: the earliest differing probe sample, then the first actor
/// whose final state differs and which part of it, then the run's totals.
/// Empty when the two runs are identical in every sample, every actor's
/// final state and schedule, and every total. Throws error (exit 1) when a
/// file of either run is missing or unreadable.
std::vector<std::string> compare_runs(const finished_run& reference, const finished_run& other);

/// A run's summary.json. Throws error (exit 1) naming the file when it
/// cannot be read or parsed.
nlohmann::json read_summary(const std::filesystem::path& file);

}  // namespace kairos::cli
