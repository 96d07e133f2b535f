#include "cli/check_restart.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checkpoint/manifest.hpp"
#include "cli/child_process.hpp"
#include "cli/run_comparison.hpp"
#include "kairos/core/error.hpp"

namespace kairos::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* tool = "kairos check-restart";

/// Builds and runs the commands of one check.
class runner {
 public:
  explicit runner(const check_restart_options& o, fs::path work)
      : options_(o), work_(std::move(work)), kairos_(fs::read_symlink("/proc/self/exe")) {}

  const fs::path& work() const noexcept { return work_; }

  /// `kairos ARGS` on `ranks` ranks, its output in WORK/NAME.log. Returns
  /// its exit status, having printed the command and its last lines when
  /// it failed.
  int run(const std::string& name, unsigned ranks, std::vector<std::string> args) const {
    args.insert(args.begin(), kairos_.string());
    if (ranks > 1) {
      std::vector<std::string> launch;
      std::istringstream words(options_.launcher);
      for (std::string w; words >> w;) {
        if (const auto at = w.find("{ranks}"); at != std::string::npos) w.replace(at, 7, std::to_string(ranks));
        launch.push_back(std::move(w));
      }
      args.insert(args.begin(), launch.begin(), launch.end());
    }
    const fs::path log = work_ / (name + ".log");
    const int status = run_logged(args, log);
    if (status != 0)
      fmt::print("{}: the {} run failed (exit status {}):\n  {}\n  its last lines ({}):\n{}", tool, name, status,
                 shell_line(args), log.string(), tail_of(log, 15));
    return status;
  }

  /// The options every run shares: threads, output, final state, --set.
  std::vector<std::string> common(const std::string& name) const {
    std::vector<std::string> args{"--threads", std::to_string(options_.threads), "--output", (work_ / name).string(),
                                  "--final-state", (work_ / name / "final-state").string()};
    return args;
  }

  /// `run SCENARIO` with only the checkpoints asked for here, written under
  /// the run's own output (the scenario's own checkpoint settings are
  /// switched off, so no directory of the user's is touched).
  std::vector<std::string> run_args(const std::string& name, const std::vector<tick_t>& checkpoint_ticks) const {
    std::vector<std::string> args{"run", options_.scenario.string()};
    for (std::string& a : common(name)) args.push_back(std::move(a));
    for (const char* off : {"--checkpoint-every", "--checkpoint-wall", "--checkpoint-auto-mtbf"})
      args.insert(args.end(), {off, "0"});
    args.insert(args.end(), {"--checkpoint-dir", (work_ / name / "checkpoints" / "node{node}").string(),
                             "--checkpoint-retention", "1000000"});
    for (const tick_t t : checkpoint_ticks) args.insert(args.end(), {"--checkpoint-at", std::to_string(t)});
    for (const std::string& o : options_.overrides) args.insert(args.end(), {"--set", o});
    return args;
  }

  /// What run `name` left, read from its output.
  finished_run finished(const std::string& name) const { return {work_ / name, work_ / name / "final-state"}; }

 private:
  const check_restart_options& options_;
  fs::path work_;
  fs::path kairos_;
};

tick_t last_tick_of(const fs::path& summary) {
  try {
    return read_summary(summary).at("last_tick").get<tick_t>();
  } catch (const nlohmann::json::exception& e) {
    throw runtime_error(fmt::format("{}: no last_tick: {}", summary.string(), e.what()));
  }
}

/// The committed checkpoints under a run's checkpoint directories, by tick.
std::map<tick_t, std::string> committed_checkpoints(const fs::path& dir) {
  std::map<tick_t, std::string> found;
  std::error_code ec;
  for (const fs::directory_entry& node : fs::directory_iterator(dir, ec))
    for (const fs::directory_entry& c : fs::directory_iterator(node.path(), ec)) {
      tick_t tick = 0;
      std::uint64_t generation = 0;
      const std::string name = c.path().filename().string();
      if (checkpoint::parse_checkpoint_name(name, tick, generation) && fs::exists(c.path() / checkpoint::manifest_file))
        found.emplace(tick, name);
    }
  return found;
}

/// Prints the findings of one comparison; true when there were none.
bool report(const std::string& what, const std::vector<std::string>& differences) {
  if (differences.empty()) {
    fmt::print("{}: {}: identical to the uninterrupted run\n", tool, what);
    return true;
  }
  fmt::print("{}: {}: DIFFERS from the uninterrupted run\n", tool, what);
  for (const std::string& line : differences) fmt::print("  {}\n", line);
  return false;
}

fs::path make_work_directory(const check_restart_options& o) {
  if (o.work) {
    std::error_code ec;
    if (fs::exists(*o.work) && !fs::is_empty(*o.work, ec))
      throw error(exit_code::usage_error, fmt::format("{}: --work must name a new or empty directory (the check "
                                                      "writes several runs there)",
                                                      o.work->string()));
    fs::create_directories(*o.work, ec);
    if (ec) throw error(exit_code::usage_error, fmt::format("{}: cannot create: {}", o.work->string(), ec.message()));
    return *o.work;
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = (fs::path(tmp && *tmp ? tmp : "/tmp") / "kairos-check-restart-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw runtime_error(fmt::format("cannot create a directory {}", pattern));
  return pattern;
}

int run_checks(const check_restart_options& o, const runner& r) {
  const unsigned ranks_after = o.ranks_after ? o.ranks_after : o.ranks;

  // 1. The reference: the scenario run once, start to end.
  if (const int s = r.run("uninterrupted", o.ranks, r.run_args("uninterrupted", {}))) return s;
  const tick_t last = last_tick_of(r.work() / "uninterrupted" / "summary.json");
  std::vector<tick_t> ticks = o.at;
  if (ticks.empty()) {
    if (last < 3)
      throw error(exit_code::usage_error,
                  fmt::format("{}: the run ends at tick {}, too early to pick checkpoint ticks; give --at TICK",
                              o.scenario.string(), last));
    ticks = {last / 3, 2 * last / 3};
  }
  std::sort(ticks.begin(), ticks.end());
  ticks.erase(std::unique(ticks.begin(), ticks.end()), ticks.end());
  fmt::print("{}: uninterrupted run on {} rank(s): last tick {}\n", tool, o.ranks, last);

  // 2. The same run, checkpointing on the way: saving must not change it.
  if (const int s = r.run("checkpointed", o.ranks, r.run_args("checkpointed", ticks))) return s;
  const finished_run uninterrupted = r.finished("uninterrupted");
  bool same = report(fmt::format("run with checkpoints at tick(s) {}", fmt::join(ticks, ", ")),
                     compare_runs(uninterrupted, r.finished("checkpointed"), "with checkpoints"));

  // 3. A restart from each checkpoint, to the end.
  const std::map<tick_t, std::string> committed = committed_checkpoints(r.work() / "checkpointed" / "checkpoints");
  std::set<std::string> chosen;
  for (const tick_t t : ticks) {
    const auto it = committed.lower_bound(t);
    if (it == committed.end()) {
      fmt::print("{}: no checkpoint for --at {}: the run reached no tick boundary at or after it (its last tick is "
                 "{})\n",
                 tool, t, last);
      continue;
    }
    chosen.insert(it->second);
  }
  if (chosen.empty())
    throw error(exit_code::usage_error,
                fmt::format("{}: none of the --at ticks ({}) leads to a checkpoint before the run ends at tick {}",
                            o.scenario.string(), fmt::join(ticks, ", "), last));
  for (const std::string& name : chosen) {
    const std::string run_name = "restart-" + name;
    std::vector<std::string> args{"restart", (r.work() / "checkpointed" / "checkpoints").string(), "--checkpoint", name};
    for (std::string& a : r.common(run_name)) args.push_back(std::move(a));
    if (const int s = r.run(run_name, ranks_after, args)) return s;
    same = report(fmt::format("restart from {} on {} rank(s)", name, ranks_after),
                  compare_runs(uninterrupted, r.finished(run_name), "after the restart")) &&
           same;
  }
  if (same) {
    fmt::print("{}: PASS: every restart reproduces the uninterrupted run exactly ({} checkpoint(s))\n", tool,
               chosen.size());
    return 0;
  }
  fmt::print(
      "{}: FAIL. The usual cause is a member left out of serialize(): a restarted actor is built blank and loads "
      "only what serialize() saved, so that member restarts from its blank value. Check serialize() of the class "
      "named above against its members (probe handles and random draws kept as state included).\n",
      tool);
  return static_cast<int>(exit_code::runtime_failure);
}

}  // namespace

int check_restart(const check_restart_options& options) {
  if (options.ranks == 0 || options.ranks_after > 4096)
    throw error(exit_code::usage_error, "--ranks and --ranks-after take 1 to 4096");
  if (options.launcher.find("{ranks}") == std::string::npos)
    throw error(exit_code::usage_error,
                fmt::format("--launcher '{}' has no {{ranks}} for the rank count (e.g. \"mpiexec -n {{ranks}}\")",
                            options.launcher));
  const runner r(options, make_work_directory(options));
  fmt::print("{}: runs in {}\n", tool, r.work().string());
  std::fflush(stdout);
  int status = 0;
  try {
    status = run_checks(options, r);
  } catch (...) {
    fmt::print("{}: the runs and their logs are kept in {}\n", tool, r.work().string());
    throw;
  }
  if (status == 0 && !options.work && !options.keep) {
    std::error_code ec;
    fs::remove_all(r.work(), ec);
  } else {
    fmt::print("{}: the runs and their logs are kept in {}\n", tool, r.work().string());
  }
  return status;
}

}  // namespace kairos::cli
