#pragma once

// Takes checkpoints during a run (docs/design.md §5): decides when, writes this
// rank's shard and the replicas it holds for others, and commits the
// checkpoint with manifests once every copy is written and verified.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "checkpoint/node_map.hpp"
#include "checkpoint/shard_file.hpp"
#include "checkpoint/settings.hpp"
#include "run/simulation.hpp"

namespace kairos::checkpoint {

/// SIGTERM and SIGUSR1 ask for a checkpoint at the next tick boundary and a
/// clean exit (batch-system preemption); so does a first Ctrl-C (SIGINT),
/// and a second one ends the process. Installed by `run` and `restart`.
void install_signal_handlers();
/// True once SIGTERM, SIGUSR1 or SIGINT reached this process.
bool stop_signal_seen() noexcept;

class checkpointer final : public tick_boundary_hook {
 public:
  /// Collective. `first_generation`: the lowest generation to use (a restart
  /// passes its checkpoint's + 1); directories already holding a generation
  /// push it higher, so a run never overwrites another run's checkpoints.
  checkpointer(const scenario& s, settings config, std::filesystem::path output, transport& net,
               std::uint64_t first_generation);

  bool checkpoint_wanted() override;
  bool at_tick_boundary(simulation& sim, tick_t done, const diasca_decision& decision) override;

  /// The pattern of the checkpoint directories, placeholders resolved where
  /// the user gave none: what `kairos restart` needs to be told.
  const std::string& directory_pattern() const noexcept { return config_.dir; }
  /// Name of the last checkpoint this run committed, if any.
  const std::optional<std::string>& last_committed() const noexcept { return last_committed_; }
  std::uint64_t checkpoints_committed() const noexcept { return committed_; }

  /// Every actor of this rank at the end of the run, in the shard format
  /// (`dir`/final-state-<rank>.h5, readable by `kairos inspect`): what
  /// `kairos check-restart` compares between an uninterrupted and a
  /// restarted run. Not a checkpoint: no replicas, no manifest.
  void save_final_state(const simulation& sim, const std::filesystem::path& dir) const;

 private:
  /// A shard's identity fields: the run, the engine, this rank.
  shard_content identity() const;
  bool due_by_ticks(tick_t done, tick_t next) const;
  /// Writes and commits one checkpoint; false if it was abandoned (an I/O
  /// error on some rank, reported by rank 0; the run goes on).
  bool take(simulation& sim, tick_t resume_tick);
  /// Removes what this rank wrote of checkpoint `name` (manifest first) and
  /// warns on rank 0; returns false.
  bool abandon(const std::string& name, const std::filesystem::path& dir,
               const std::vector<std::filesystem::path>& written, const std::string& problem);
  void prune(const std::filesystem::path& dir, tick_t just_committed) const;
  std::filesystem::path my_directory() const;
  bool writes_manifest() const;

  const scenario& scenario_;
  settings config_;
  std::filesystem::path output_;
  transport& net_;
  node_map nodes_;
  std::uint64_t generation_ = 0;
  std::string scenario_text_;
  std::uint64_t scenario_hash_ = 0;

  std::chrono::steady_clock::time_point last_wall_;  ///< rank 0: the last checkpoint or the start
  double measured_cost_ = 1.0;  ///< seconds; the first guess before a checkpoint is measured
  unsigned polls_ = 0;
  bool wall_due_ = false;
  std::optional<std::string> last_committed_;
  std::string phases_;  ///< where the last checkpoint's time went on this rank
  std::uint64_t committed_ = 0;
};

}  // namespace kairos::checkpoint
