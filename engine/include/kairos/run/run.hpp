#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kairos {

/// How the ranks of an MPI run agree at the end of each diasca (results never
/// depend on it): through the memory the ranks of a node share, with one
/// MPI_Allreduce between nodes (node); one MPI_Allreduce of all ranks
/// (collective); or a tree of time managers exchanging messages (tree).
enum class coordination { node, collective, tree };

/// Checkpoint settings given on the command line; each one set overrides the
/// scenario's [checkpoint] table (or, on restart, the interrupted run's).
struct checkpoint_flags {
  std::optional<std::uint64_t> every_ticks;
  std::optional<double> every_seconds;
  std::vector<std::uint64_t> at_ticks;
  std::optional<double> auto_mtbf_seconds;
  std::optional<unsigned> replicas;
  std::optional<unsigned> retention;
  std::optional<int> ranks_per_node;
  std::optional<std::string> dir;
  std::vector<std::string> node_names;  ///< virtual nodes' names, this launch only
};

/// What `kairos run` is asked to do.
struct run_options {
  std::filesystem::path scenario;                ///< the TOML file
  std::optional<std::string> scenario_text;      ///< use this text instead of reading the file (tests)
  unsigned threads = 1;
  std::optional<std::filesystem::path> output;   ///< overrides simulation.output
  std::vector<std::string> overrides;            ///< "key=value", as --set
  /// Seconds between progress lines on rank 0's stderr; 0: none. A
  /// supervisor reads them as the run's heartbeat.
  double progress_seconds = 0;
  coordination agreement = coordination::node;  ///< how ranks agree on each diasca (MPI runs)
  int tm_fanout = 4;                             ///< children per time manager, with coordination::tree
  bool write_results = true;                     ///< results.h5 + summary.json
  checkpoint_flags checkpoint;
  /// Also write every actor's final state there (a shard file per rank).
  std::optional<std::filesystem::path> final_state;
};

/// What `kairos restart` is asked to do.
struct restart_options {
  std::vector<std::filesystem::path> dirs;       ///< checkpoint directories (node directories or their parent)
  std::optional<std::filesystem::path> scenario; ///< if given, the checkpoint must be of this scenario
  unsigned threads = 1;
  std::optional<std::filesystem::path> output;   ///< default: the interrupted run's
  std::optional<std::string> from_checkpoint;    ///< restart from this checkpoint (name), not the newest usable
  bool force = false;                            ///< may replace results already in the interrupted run's output
  double progress_seconds = 0;                   ///< as in run_options
  coordination agreement = coordination::node;
  int tm_fanout = 4;
  checkpoint_flags checkpoint;
  std::optional<std::filesystem::path> final_state;  ///< as in run_options
};

/// What a finished run reports (also the content of summary.json).
struct run_report {
  std::uint64_t digest = 0;
  std::string digest_hex;
  std::uint64_t ticks_simulated = 0;  ///< per-diasca runs only (see windows)
  std::uint64_t last_tick = 0;
  std::uint64_t diascas = 0;  ///< per-diasca runs only (see windows)
  /// Lookahead windows, the synchronisations of a windowed run (0 in a
  /// per-diasca run). Ranks decide ticks and diascas on their own inside a
  /// window, so a windowed run counts neither: they would depend on the
  /// rank count.
  std::uint64_t windows = 0;
  bool windowed = false;
  std::uint64_t activations = 0;
  std::uint64_t activations_carried = 0;        ///< of those, done before the checkpoint a restart resumed from
  std::uint64_t messages = 0;
  std::uint64_t actors_final = 0;
  std::uint64_t actors_created = 0;
  std::uint64_t actors_deleted = 0;
  double wall_seconds = 0;
  double setup_seconds = 0;
  double end_seconds = 0;                        ///< from the loop's end: digest and results written
  std::uint64_t peak_rss_bytes = 0;              ///< of the rank that used most
  std::vector<std::uint64_t> peak_rss_per_rank;  ///< rank 0 only: every rank's, in rank order
  unsigned threads = 1;
  int ranks = 1;
  int rank = 0;                                  ///< of this process; every rank holds the digest and figures
  std::uint64_t coordination_messages = 0;       ///< sent and received by the busiest time manager
  std::uint64_t remote_messages = 0;             ///< messages that crossed ranks
  std::uint64_t exchange_bytes = 0;              ///< bytes those took (with shipped actors)
  std::string end_reason;
  std::map<std::string, std::uint64_t> counters;
  std::filesystem::path output_dir;
  /// The run stopped at a checkpoint on a signal; results are not written.
  bool interrupted = false;
  bool nothing_saved = false;                    ///< interrupted before the first tick: no checkpoint needed
  std::string resume_hint;                       ///< how to go on, when interrupted
  std::string restarted_from;                    ///< checkpoint name, for a restarted run
  std::uint64_t checkpoints_committed = 0;

  /// The one-line summary `kairos run` prints last.
  std::string summary_line() const;
  /// Activations per second of this run's own loop: a restarted run's wall
  /// time covers the resumed part only, and so do its activations here.
  double activations_per_second() const noexcept;
};

/// Loads the scenario and its plugins, runs it, writes results.h5 and
/// summary.json. Throws kairos::error (with its exit code) on failure.
run_report run_scenario(const run_options& options);

/// Resumes a run from its newest usable checkpoint, on any rank count, and
/// finishes it as run_scenario would. Throws kairos::error; exit status 4
/// when no checkpoint is usable.
run_report restart_run(const restart_options& options);

}  // namespace kairos
