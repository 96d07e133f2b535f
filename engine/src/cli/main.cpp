// The `kairos` command: run a scenario, inspect a results file, list what the
// loaded plugins provide.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "checkpoint/checkpointer.hpp"
#include "checkpoint/node_map.hpp"
#include "checkpoint/restart.hpp"
#include "checkpoint/shard_file.hpp"
#include "cli/check_restart.hpp"
#include "cli/mpi_session.hpp"
#include "cli/plugin_info.hpp"
#include "cli/supervisor_link.hpp"
#include "log/logging.hpp"
#include "kairos/core/error.hpp"
#include "kairos/core/version.hpp"
#include "kairos/run/run.hpp"
#include "run/results_file.hpp"
#include "transport/launch_environment.hpp"

namespace {

using kairos::cli::mpi_session;
using kairos::cli::mpi_use;

// The plots are drawn by a matplotlib script shipped with the engine, run
// with the system interpreter that has Debian's h5py and matplotlib.
int plot_results(const std::string& results) {
  namespace fs = std::filesystem;
  const fs::path script = fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "share/kairos/plot_results.py";
  if (!fs::exists(script)) throw kairos::error(kairos::exit_code::runtime_failure, script.string() + ": plot script missing");
  if (!fs::exists(results)) throw kairos::error(kairos::exit_code::usage_error, results + ": no such results file");
  const pid_t child = fork();
  if (child == 0) {
    execl("/usr/bin/python3", "python3", script.c_str(), results.c_str(), static_cast<char*>(nullptr));
    std::perror("kairos: cannot run /usr/bin/python3");
    _exit(127);
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) < 0) throw kairos::runtime_error("cannot start the plot script");
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : static_cast<int>(kairos::exit_code::runtime_failure);
}

void print_outcome(const kairos::run_report& report) {
  if (report.rank != 0) return;
  if (report.nothing_saved) {
    std::printf("kairos: stopped by a signal before the first tick: nothing was simulated and nothing saved. Start "
                "again with:\n  %s\n",
                report.resume_hint.c_str());
    return;
  }
  if (report.interrupted) {
    std::printf("kairos: stopped after a checkpoint on a signal; no results written yet. Resume with:\n  %s\n",
                report.resume_hint.c_str());
    return;
  }
  std::printf("results: %s\n", (report.output_dir / "results.h5").c_str());
  std::printf("%s\n", report.summary_line().c_str());
}

/// --progress and --progress-every.
struct progress_flags {
  bool on = false;
  double seconds = 0;

  /// Seconds between progress lines: the flags', else 1 s when asked for or
  /// when stderr is a terminal (not with --quiet), else 0 (none).
  double interval(bool quiet) const {
    if (seconds > 0) return seconds;
    return on || (isatty(STDERR_FILENO) && !quiet) ? 1.0 : 0.0;
  }
};

/// How a rank runs, for `run` and `restart` alike.
void add_execution_flags(CLI::App& cmd, unsigned& threads, std::string& output, const char* output_help,
                         progress_flags& progress, kairos::coordination& agreement, int& fanout) {
  cmd.add_option("--threads,-t", threads, "Worker threads inside this rank (results do not depend on it)")
      ->check(CLI::Range(1u, 1024u))
      ->default_val(1);
  cmd.add_option("--output,-o", output, output_help);
  cmd.add_flag("--progress", progress.on, "Show progress on stderr even when it is not a terminal");
  // Taken last when repeated: a supervisor appends its own after the user's.
  cmd.add_option("--progress-every", progress.seconds,
                 "Seconds between progress lines (default 1; implies --progress). A supervisor reads them as the "
                 "run's heartbeat")
      ->check(CLI::Range(0.01, 86400.0))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  const std::map<std::string, kairos::coordination> agreements{{"node", kairos::coordination::node},
                                                                {"collective", kairos::coordination::collective},
                                                                {"tree", kairos::coordination::tree}};
  cmd.add_option("--coordination", agreement,
                 "How the ranks of an MPI run agree at each diasca's end: through memory shared on each node and "
                 "one MPI_Allreduce between nodes (node), one MPI_Allreduce of all ranks (collective), or a tree of "
                 "time managers (tree); results do not depend on it")
      ->transform(CLI::CheckedTransformer(agreements))
      ->default_str("node");
  cmd.add_option("--tm-fanout", fanout,
                 "Children per time manager with --coordination tree (tree depth is log_fanout ranks)")
      ->check(CLI::Range(2, 1024))
      ->default_val(4);
}

/// `--supervisor` and `--supervisor-beat`, for `run` and `restart`.
struct supervisor_flags {
  std::string address;
  double beat_seconds = 0.5;
};

void add_supervisor_flags(CLI::App& cmd, supervisor_flags& f) {
  const char* group = "Supervision (set by kairos-launch)";
  cmd.add_option("--supervisor", f.address,
                 "HOST:PORT of the supervisor watching this run: each rank connects, beats, and ends when told "
                 "that another rank was lost")
      ->group(group);
  cmd.add_option("--supervisor-beat", f.beat_seconds, "Seconds between a rank's beats to its supervisor")
      ->check(CLI::Range(0.01, 3600.0))
      ->default_val(0.5)
      ->group(group);
}

/// What a run writes on stderr, for `run` and `restart`.
void add_log_flags(CLI::App& cmd, kairos::logging::options& o) {
  cmd.add_option("--log-level", o.levels,
                 "LEVEL for every logger, or NAME=LEVEL for one (engine, time, transport, checkpoint, an actor class "
                 "such as soda.machine, or a prefix such as soda); levels trace, debug, info (default), warn, error, "
                 "off; repeatable, later ones win")
      ->take_all();
  cmd.add_flag("--quiet,-q", o.quiet, "Warnings and errors only, and no progress unless --progress");
  cmd.add_flag("--log-all-ranks", o.all_ranks, "Every rank logs, its lines prefixed with its rank (default: rank 0)");
}

/// `--final-state DIR`, for `run` and `restart`.
void add_final_state_flag(CLI::App& cmd, std::string& dir) {
  cmd.add_option("--final-state", dir,
                 "Also write every actor's final state into DIR, a shard file per rank (what kairos check-restart "
                 "compares; kairos inspect reads them)");
}

/// `kairos check-restart`: its options.
CLI::App* add_check_restart(CLI::App& app, kairos::cli::check_restart_options& o, std::string& work) {
  CLI::App* cmd = app.add_subcommand(
      "check-restart",
      "Check that a model restarts exactly: compare runs restarted from checkpoints with an uninterrupted run");
  cmd->add_option("scenario", o.scenario, "Scenario TOML file")->required();
  cmd->add_option("--at", o.at, "Checkpoint and restart at the first tick boundary reaching this tick (repeatable; "
                                "default: a third and two thirds of the run)")
      ->allow_extra_args(false);
  cmd->add_option("--ranks", o.ranks, "Ranks of the uninterrupted and the checkpointed runs")
      ->check(CLI::Range(1u, 4096u))
      ->default_val(1);
  cmd->add_option("--ranks-after", o.ranks_after, "Ranks of the restarted runs (default: --ranks)")
      ->check(CLI::Range(1u, 4096u));
  cmd->add_option("--threads,-t", o.threads, "Worker threads of every run")->check(CLI::Range(1u, 1024u))->default_val(1);
  cmd->add_option("--set", o.overrides, "Override a scenario key in every run (repeatable)")->take_all();
  cmd->add_option("--launcher", o.launcher,
                  "How to start a run on several ranks; {ranks} is replaced by the count")
      ->default_val(o.launcher);
  cmd->add_option("--work", work, "Directory for the runs (new or empty; default: a new one under $TMPDIR, removed "
                                  "when every check passes)");
  cmd->add_flag("--keep", o.keep, "Keep the default work directory even when every check passes");
  cmd->footer(
      "Runs the scenario uninterrupted, then with checkpoints at the --at ticks, then restarted from each\n"
      "checkpoint; compares every probe sample, every actor's final state and schedule, and the totals.\n"
      "Exit status 0 when every restart reproduces the uninterrupted run, 1 naming the first difference\n"
      "(actor, class, tick, probe, what part of the state), or the status of a run that failed.\n"
      "Examples:\n"
      "  kairos check-restart scenarios/life.toml\n"
      "  kairos check-restart my-model.toml --at 100 --at 2500 --ranks 2 --ranks-after 3 \\\n"
      "      --launcher \"mpirun --oversubscribe -n {ranks}\"");
  return cmd;
}

/// `--mpi`, for `run` and `restart`.
void add_mpi_flag(CLI::App& cmd, mpi_use& use) {
  const std::map<std::string, mpi_use> uses{{"auto", mpi_use::automatic}, {"on", mpi_use::always}, {"off", mpi_use::never}};
  cmd.add_option("--mpi", use,
                 "Start MPI: auto (when an MPI launcher started this process: Open MPI, MPICH/Hydra, Slurm PMI or "
                 "PMIx), on (always; for a launcher kairos does not recognise), off (never; refused under a "
                 "launcher of several processes)")
      ->transform(CLI::CheckedTransformer(uses))
      ->default_str("auto");
}

/// The checkpoint flags shared by `run` and `restart`.
void add_checkpoint_flags(CLI::App& cmd, kairos::checkpoint_flags& f) {
  const char* group = "Checkpoints (override the scenario's [checkpoint] table)";
  cmd.add_option("--checkpoint-every", f.every_ticks, "Checkpoint at each multiple of this many ticks")->group(group);
  cmd.add_option("--checkpoint-wall", f.every_seconds, "Checkpoint every this many seconds of wall-clock time")
      ->group(group);
  cmd.add_option("--checkpoint-at", f.at_ticks, "Checkpoint at the first tick boundary reaching this tick (repeatable)")
      ->allow_extra_args(false)  // one tick per flag: the scenario may follow
      ->group(group);
  cmd.add_option("--checkpoint-auto-mtbf", f.auto_mtbf_seconds,
                 "Mean time between failures in seconds: checkpoint at the Young/Daly interval")
      ->group(group);
  cmd.add_option("--replicas", f.replicas, "k: store each shard on k other nodes too")->group(group);
  cmd.add_option("--checkpoint-retention", f.retention, "Committed checkpoints to keep (at least 2)")
      ->check(CLI::Range(2u, 1000000u))
      ->group(group);
  cmd.add_option("--ranks-per-node", f.ranks_per_node,
                 "Group ranks into virtual nodes of this size (tests and demos on one machine)")
      ->check(CLI::PositiveNumber)
      ->group(group);
  cmd.add_option("--checkpoint-dir", f.dir,
                 "Checkpoint directory per rank; {node} (index), {host} (node name) and {rank} are replaced (default "
                 "OUTPUT/checkpoints/node{node})")
      ->group(group);
  cmd.add_option("--node-names", f.node_names,
                 "Names of the virtual nodes in rank order, comma-separated: their {host} in --checkpoint-dir "
                 "(for a supervisor that keeps each virtual node's storage across restarts)")
      ->delimiter(',')
      ->needs("--ranks-per-node")
      ->group(group);
}

/// `kairos inspect PATH`: a checkpoint directory, a checkpoint shard or a
/// results file. A shard copy is verified against its manifest before HDF5
/// reads it, unless `unverified`.
void inspect(const std::string& path, bool unverified) {
  namespace fs = std::filesystem;
  if (fs::is_directory(path)) {
    kairos::checkpoint::describe_checkpoints({path}, stdout);
    return;
  }
  if (!fs::exists(path)) throw kairos::error(kairos::exit_code::usage_error, path + ": no such file or directory");
  if (kairos::checkpoint::is_shard_copy_name(path)) {
    if (unverified) std::printf("%s: NOT verified (--unverified)\n", path.c_str());
    else std::printf("%s: %s\n", path.c_str(), kairos::checkpoint::verify_shard_copy(path).c_str());
    kairos::checkpoint::describe_shard(path, stdout);
    return;
  }
  if (kairos::checkpoint::is_shard_file(path)) {
    kairos::checkpoint::describe_shard(path, stdout);
    return;
  }
  kairos::inspect_results_file(path, stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Kairos: a distributed discrete-event simulation engine (tick/diasca time model).\n"
      "Models are C++ plugins; scenarios are TOML files; results land in results.h5 and summary.json.\n"
      "Exit status: 0 success, 1 model or runtime failure, 2 usage or scenario error,\n"
      "3 plugin or ABI mismatch, 4 no usable checkpoint, 7 ended by its supervisor after another rank was lost."};
  app.set_version_flag("--version", std::string("kairos ") + kairos::engine_version);
  app.require_subcommand(1);

  kairos::run_options options;
  progress_flags run_progress, restart_progress;
  std::string output;
  std::string scenario;
  CLI::App* run = app.add_subcommand("run", "Run a scenario");
  run->add_option("scenario", scenario, "Scenario TOML file")->required();
  add_execution_flags(*run, options.threads, output, "Output directory (default: simulation.output, else out/)",
                      run_progress, options.agreement, options.tm_fanout);
  run->add_option("--set", options.overrides, "Override a scenario key, e.g. --set simulation.seed=7 (repeatable)")
      ->take_all();
  add_checkpoint_flags(*run, options.checkpoint);
  kairos::logging::options log_options;
  add_log_flags(*run, log_options);
  std::string final_state;
  add_final_state_flag(*run, final_state);
  mpi_use run_mpi = mpi_use::automatic;
  add_mpi_flag(*run, run_mpi);
  supervisor_flags supervised;
  add_supervisor_flags(*run, supervised);
  run->footer(
      "Examples:\n"
      "  kairos run scenarios/soda-deterministic.toml --threads 2 --output out/soda\n"
      "  kairos run scenarios/phold.toml --set phold.lps=32768 --set phold.end=100\n"
      "  mpirun -n 4 kairos run scenarios/phold.toml     (same digest as one rank)");

  kairos::restart_options restart_options;
  std::vector<std::string> restart_dirs;
  std::string restart_output, restart_scenario;
  CLI::App* restart = app.add_subcommand("restart", "Resume a run from its newest usable checkpoint, on any rank count");
  restart->add_option("dirs", restart_dirs, "Checkpoint directories: each node's, or the directory holding them")
      ->required();
  add_execution_flags(*restart, restart_options.threads, restart_output,
                      "Output directory (default: the interrupted run's)", restart_progress,
                      restart_options.agreement, restart_options.tm_fanout);
  restart->add_option("--scenario", restart_scenario, "Refuse a checkpoint that was not taken from this scenario");
  add_log_flags(*restart, log_options);
  std::string restart_checkpoint;
  restart->add_option("--checkpoint", restart_checkpoint,
                      "Restart from this checkpoint (a name such as ckpt-000000001000-g0), not the newest usable one");
  restart->add_flag("--force", restart_options.force,
                    "Replace results already in the interrupted run's output directory (without --output)");
  add_checkpoint_flags(*restart, restart_options.checkpoint);
  std::string restart_final_state;
  add_final_state_flag(*restart, restart_final_state);
  mpi_use restart_mpi = mpi_use::automatic;
  add_mpi_flag(*restart, restart_mpi);
  add_supervisor_flags(*restart, supervised);
  restart->footer(
      "Example, after losing a node of a 4-rank run with --replicas 1:\n"
      "  mpirun -n 3 kairos restart out/checkpoints\n"
      "From an older checkpoint, its results beside the first run's:\n"
      "  mpirun -n 3 kairos restart out/checkpoints --checkpoint ckpt-000000001000-g0 --output out/again\n"
      "Exit status 4 when no checkpoint is usable; the message names the shards without an intact copy.");

  kairos::cli::check_restart_options check_options;
  std::string check_work;
  CLI::App* check = add_check_restart(app, check_options, check_work);

  std::string inspect_path;
  CLI::App* inspect_cmd = app.add_subcommand("inspect", "Describe a results file, a checkpoint directory or a shard");
  inspect_cmd->add_option("path", inspect_path, "results.h5, a checkpoint directory, or a shard-*.h5")->required();
  bool inspect_unverified = false;
  inspect_cmd->add_flag("--unverified", inspect_unverified,
                        "Open a shard copy even when no manifest beside it verifies it (a damaged file may crash HDF5)");
  std::string inspect_csv;
  inspect_cmd->add_option("--csv", inspect_csv,
                          "Write this probe's samples of a results file as CSV on stdout (tick,seconds,aai,curves...)");

  std::string plot_path;
  CLI::App* plot = app.add_subcommand("plot", "Plot every probe of a results file to PNGs (needs python3-matplotlib)");
  plot->add_option("path", plot_path, "results.h5")->required();

  std::vector<std::string> info_plugins;
  CLI::App* info = app.add_subcommand(
      "info", "List the plugins found; with plugin names, scenario keys, actor classes and their parameters");
  info->add_option("plugins", info_plugins, "Plugins to describe (e.g. soda phold); none: list those found");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Before MPI starts: let only the launcher's rank 0 print usage errors.
    const int code = kairos::detect_launch_environment().rank == 0 ? app.exit(e) : (e.get_exit_code() == 0 ? 0 : 1);
    return code == 0 ? 0 : static_cast<int>(kairos::exit_code::usage_error);
  }
  // Before MPI starts (half a second on some machines): a batch system's
  // SIGTERM in that time must ask for a clean stop, not end the process.
  if (*run || *restart) kairos::checkpoint::install_signal_handlers();
  if (*check && kairos::launched_by_mpi()) {
    if (kairos::detect_launch_environment().rank == 0)
      std::fprintf(stderr, "kairos: error: check-restart starts its runs itself (--ranks, --ranks-after, "
                           "--launcher): run it without mpirun\n");
    return static_cast<int>(kairos::exit_code::usage_error);
  }
  std::optional<mpi_session> session;
  try {
    session.emplace(*run ? options.threads : *restart ? restart_options.threads : 1,
                    *run ? run_mpi : *restart ? restart_mpi : mpi_use::never);
  } catch (const kairos::error& e) {
    if (kairos::detect_launch_environment().rank == 0) std::fprintf(stderr, "kairos: error: %s\n", e.what());
    return static_cast<int>(e.code());
  }
  const mpi_session& mpi = *session;
  std::optional<kairos::cli::supervisor_link> supervisor;
  // Every way out but a crash tells the supervisor how this rank ended.
  const auto ending = [&](int status) {
    if (supervisor) supervisor->end(status);
    return status;
  };

  try {
    if (!supervised.address.empty())
      supervisor.emplace(supervised.address, supervised.beat_seconds, mpi.rank(),
                         kairos::checkpoint::this_host_name());
    if (*run || *restart) kairos::logging::configure(log_options);
    if (*run) {
      options.scenario = scenario;
      if (!output.empty()) options.output = output;
      if (!final_state.empty()) options.final_state = final_state;
      options.progress_seconds = run_progress.interval(log_options.quiet);
      print_outcome(kairos::run_scenario(options));
    } else if (*restart) {
      for (const std::string& d : restart_dirs) restart_options.dirs.emplace_back(d);
      if (!restart_checkpoint.empty()) restart_options.from_checkpoint = restart_checkpoint;
      kairos::checkpoint::accept_checkpoint_folders(restart_options.dirs, restart_options.from_checkpoint);
      if (!restart_output.empty()) restart_options.output = restart_output;
      if (!restart_scenario.empty()) restart_options.scenario = restart_scenario;
      if (!restart_final_state.empty()) restart_options.final_state = restart_final_state;
      restart_options.progress_seconds = restart_progress.interval(log_options.quiet);
      print_outcome(kairos::restart_run(restart_options));
    } else if (*check) {
      if (!check_work.empty()) check_options.work = check_work;
      return kairos::cli::check_restart(check_options);
    } else if (*inspect_cmd) {
      if (!inspect_csv.empty()) kairos::write_probe_csv(inspect_path, inspect_csv, stdout);
      else inspect(inspect_path, inspect_unverified);
    } else if (*plot) {
      return plot_results(plot_path);
    } else if (*info) {
      kairos::cli::print_info(info_plugins);
    }
  } catch (const kairos::error& e) {
    ending(static_cast<int>(e.code()));
    return mpi.fail(e);
  } catch (const std::exception& e) {
    ending(static_cast<int>(kairos::exit_code::runtime_failure));
    return mpi.fail(kairos::runtime_error(e.what()));
  }
  return ending(0);
}
