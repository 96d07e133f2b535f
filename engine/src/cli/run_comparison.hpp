#pragma once

// Comparing two finished runs of one scenario, sample by sample and actor by
// actor: how `kairos check-restart` names the first place where a restarted
// run left the uninterrupted one.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kairos::cli {

/// What a finished run left behind, read once: its probe samples
/// (results.h5), its totals (summary.json) and every actor's final state
/// (final-state-<rank>.h5 from `--final-state`). A check compares one
/// reference with several runs, so the reference is loaded only once.
class finished_run {
 public:
  /// Throws error (exit 1) naming the file when one is missing or unreadable.
  finished_run(const std::filesystem::path& output, const std::filesystem::path& final_state);
  ~finished_run();
  finished_run(finished_run&&) noexcept;

  struct contents;  // the samples, states and totals (run_comparison.cpp)
  const contents& loaded() const noexcept { return *contents_; }

 private:
  std::unique_ptr<contents> contents_;
};

/// How `other` differs from the uninterrupted `reference`, one finding per
/// line, the most telling first: the earliest differing probe sample, then
/// the first actor whose final state differs and which part of it, then the
/// run's totals. `other_label` ("after the restart") names `other` in them.
/// Empty when the two runs are identical in every sample, every actor's
/// final state and schedule, and every total.
std::vector<std::string> compare_runs(const finished_run& reference, const finished_run& other,
                                      const std::string& other_label);

/// A run's summary.json. Throws error (exit 1) naming the file when it
/// cannot be read or parsed.
nlohmann::json read_summary(const std::filesystem::path& file);

}  // namespace kairos::cli
