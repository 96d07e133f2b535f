#include "kairos/run/run.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/logger.h>
#include <xxhash.h>

#include "kairos/core/error.hpp"
#include "kairos/core/version.hpp"
#include "log/logging.hpp"
#include "plugin/registry.hpp"
#include "probe/aggregate_reduction.hpp"
#include "probe/result_rows.hpp"
#include "run/digest.hpp"
#include "run/output_lock.hpp"
#include "run/results_file.hpp"
#include "checkpoint/checkpointer.hpp"
#include "checkpoint/restart.hpp"
#include "run/simulation.hpp"
#include "scenario/scenario.hpp"
#include "transport/byte_buffer.hpp"
#include "transport/collective.hpp"
#include "transport/transport.hpp"

namespace kairos {

namespace {

std::uint64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

std::uint64_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page)
                               : ~std::uint64_t{0};
}

/// What every rank must agree on before running together.
std::uint64_t setup_fingerprint(const scenario& s) {
  std::ostringstream text;
  text << *s.root << '\n' << engine_version << '\n' << abi_version << '\n';
  for (const std::string& p : registry::instance().plugin_names()) text << p << '\n';
  // A population file's rows number the actors: every rank must count the same.
  for (const actor_block& b : s.blocks)
    if (b.from) text << b.field << ' ' << b.count << ' ' << fmt::format("{}", fmt::join(b.from->columns(), ",")) << '\n';
  const std::string all = std::move(text).str();
  return XXH3_64bits(all.data(), all.size());
}

std::vector<std::byte> encode_counters(const std::map<std::string, std::uint64_t>& counters) {
  std::vector<std::byte> out;
  byte_writer w(out);
  for (const auto& [name, value] : counters) {
    w.put_string(name);
    w.put(value);
  }
  return out;
}

void add_counters(std::map<std::string, std::uint64_t>& into, const std::vector<std::byte>& in) {
  byte_reader r(in);
  while (!r.done()) {
    const std::string name = r.get_string();
    into[name] += r.get<std::uint64_t>();
  }
}

/// Loads the scenario and its plugins on every rank; the lowest rank that
/// fails reports, and all ranks must agree on what they loaded.
std::unique_ptr<scenario> set_up(const run_options& options, transport& net) {
  std::unique_ptr<scenario> s;
  collectively(net, [&] {
    s = options.scenario_text ? parse_scenario(*options.scenario_text, options.scenario, options.overrides)
                              : load_scenario(options.scenario, options.overrides);
    const auto search = plugin_search_path(s->file.has_parent_path() ? s->file.parent_path() : ".");
    for (const std::string& plugin : s->plugins) registry::instance().load_plugin(plugin, search);
    resolve_actors(*s);
    check_population_fits(*s, net.size(), physical_memory_bytes());
    if (options.output) s->output = *options.output;
  });
  if (!net.all_equal(setup_fingerprint(*s))) {
    if (net.rank() != 0) throw failure_elsewhere(0);
    throw plugin_error(
        "ranks disagree on the scenario, its population files, the engine version or the plugins loaded: every rank "
        "must run the same files (check that all nodes see the same scenario, population files and plugin builds)");
  }
  return s;
}

/// The output directory, for this run alone: rank 0 holds its lock until
/// the process ends.
std::unique_ptr<output_lock> lock_output(const scenario& s, transport& net) {
  std::unique_ptr<output_lock> lock;
  collectively(net, [&] {
    if (net.rank() == 0) lock = std::make_unique<output_lock>(s.output);
  });
  return lock;
}

/// The run's figures, on every rank: sums and maxima over ranks; rank 0
/// also gets the model counters and each rank's peak memory (a few numbers
/// per rank, for summary.json).
void total_up(simulation& sim, transport& net, run_report& r) {
  const run_statistics& st = sim.statistics();
  const std::vector<std::uint64_t> totals =
      net.sum({st.activations, st.messages, st.actors_created, st.actors_deleted, sim.actors().size(),
               st.remote_messages, net.exchange_bytes_sent(), st.activations_carried});
  r.activations = totals[0];
  r.messages = totals[1];
  r.actors_created = totals[2];
  r.actors_deleted = totals[3];
  r.actors_final = totals[4];
  r.remote_messages = totals[5];
  r.exchange_bytes = totals[6];
  r.activations_carried = totals[7];
  r.coordination_messages = net.max(net.coordination_messages());
  for (const auto& bytes : net.gather(encode_counters(sim.counters()))) add_counters(r.counters, bytes);
}

/// Each rank's peak memory so far: the maximum on every rank, the list on rank 0.
void measure_memory(transport& net, run_report& r) {
  const std::uint64_t mine = peak_rss_bytes();
  r.peak_rss_bytes = net.max(mine);
  for (const auto& bytes : net.gather(std::vector<std::byte>(reinterpret_cast<const std::byte*>(&mine),
                                                             reinterpret_cast<const std::byte*>(&mine + 1)))) {
    std::uint64_t v;
    std::memcpy(&v, bytes.data(), sizeof v);
    r.peak_rss_per_rank.push_back(v);
  }
}

/// Writes results.h5 (every rank its own rows), then, on rank 0,
/// summary.json and the effective scenario.
void write_outputs(const scenario& s, const std::vector<probe_schema>& probes, const std::vector<probe_rows>& rows,
                   run_report& r, transport& net, std::chrono::steady_clock::time_point end_start) {
  collectively(net, [&] {
    if (net.rank() != 0) return;
    std::error_code ec;
    std::filesystem::create_directories(s.output, ec);
    if (ec)
      throw error(exit_code::runtime_failure,
                  fmt::format("{}: cannot create output directory: {}", s.output.string(), ec.message()));
  });
  std::unique_ptr<results_writer> results;
  collectively(net, [&] {
    results = std::make_unique<results_writer>(s.output / "results.h5", s, probes, rows, r, net.size() > 1);
  });
  collectively(net, [&] { results->write_rows(); });
  collectively(net, [&] { results->close(); });
  r.end_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - end_start).count();
  measure_memory(net, r);
  if (net.rank() != 0) return;
  results->commit();
  write_summary_json(s.output / "summary.json", s, r);
  write_effective_scenario(s.output / "scenario.toml", s);
}

}  // namespace

double run_report::activations_per_second() const noexcept {
  return wall_seconds > 0 ? static_cast<double>(activations - activations_carried) / wall_seconds : 0.0;
}

std::string run_report::summary_line() const {
  // A restarted run's totals include what was done before its checkpoint;
  // its wall time and rate are the resumed part's alone, and say so.
  const std::string resumed =
      restarted_from.empty()
          ? ""
          : fmt::format(" (resumed from {}: {} activations carried over; wall and act/s are the resumed part's)",
                        restarted_from, activations_carried);
  const std::string synchronisations = windowed ? fmt::format("windows={} last_tick={}", windows, last_tick)
                                                : fmt::format("ticks={} last_tick={} diascas={}", ticks_simulated,
                                                              last_tick, diascas);
  return fmt::format(
      "kairos: done ({}) ranks={} threads={} {} activations={} messages={} actors={} wall={:.3f}s act/s={:.3e} "
      "peak_rss={}MiB digest={}{}",
      end_reason, ranks, threads, synchronisations, activations, messages, actors_final, wall_seconds,
      activations_per_second(), peak_rss_bytes >> 20, digest_hex, resumed);
}

namespace {

checkpoint::settings with_flags(checkpoint::settings c, const checkpoint_flags& f) {
  if (f.every_ticks) c.every_ticks = *f.every_ticks;
  if (f.every_seconds) c.every_seconds = *f.every_seconds;
  if (!f.at_ticks.empty()) {
    c.at_ticks = f.at_ticks;
    std::sort(c.at_ticks.begin(), c.at_ticks.end());
  }
  if (f.auto_mtbf_seconds) c.auto_mtbf_seconds = *f.auto_mtbf_seconds;
  if (f.replicas) c.replicas = *f.replicas;
  if (f.retention) c.retention = *f.retention;
  if (f.ranks_per_node) c.ranks_per_node = *f.ranks_per_node;
  if (f.dir) c.dir = *f.dir;
  c.node_names = f.node_names;
  return c;
}

/// What run and restart share once the simulation is built: checkpoints
/// during the run, then results.
run_report run_to_end(simulation& sim, const scenario& s, transport& net, checkpoint::checkpointer& checkpoints,
                      double progress_seconds, std::chrono::steady_clock::time_point setup_start, bool write_results,
                      const std::string& restarted_from, const std::optional<std::filesystem::path>& final_state) {
  sim.set_tick_boundary_hook(&checkpoints);
  sim.show_progress(net.rank() == 0 ? progress_seconds : 0);
  const auto setup_end = std::chrono::steady_clock::now();
  run_report r;
  r.ranks = net.size();
  r.rank = net.rank();
  r.output_dir = s.output;
  r.restarted_from = restarted_from;

  // A stop signal during set-up: nothing was simulated, so there is nothing
  // to save; every rank stops before the first tick.
  if (net.sum({checkpoint::stop_signal_seen() ? 1u : 0u})[0] > 0) {
    r.interrupted = r.nothing_saved = true;
    r.end_reason = "signal before the first tick";
    r.resume_hint = restarted_from.empty()
                        ? fmt::format("kairos run {}   (from the start)", s.file.string())
                        : fmt::format("the same kairos restart command (checkpoint {} is untouched)", restarted_from);
    return r;
  }
  // Every rank has passed the agreement above: the resumed run's first tick
  // is next. A supervisor reads this line to time a recovery to that tick.
  if (!restarted_from.empty() && net.rank() == 0)
    logging::checkpoint().info("resumed from {} after {:.3f} s of set-up", restarted_from,
                               std::chrono::duration<double>(setup_end - setup_start).count());
  sim.run();
  r.checkpoints_committed = checkpoints.checkpoints_committed();
  if (sim.interrupted()) {
    r.interrupted = true;
    r.end_reason = sim.statistics().end_reason;
    // The directory to give restart: the pattern up to its first
    // component with a placeholder (restart searches one level down).
    std::filesystem::path dir;
    for (const auto& part : std::filesystem::path(checkpoints.directory_pattern())) {
      if (part.string().find('{') != std::string::npos) break;
      dir /= part;
    }
    r.resume_hint = fmt::format("mpirun -n N kairos restart {}   (any N >= 1; checkpoint {})", dir.empty() ? "." : dir.string(),
                                checkpoints.last_committed().value_or("?"));
    return r;
  }
  const run_statistics& st = sim.statistics();
  r.windowed = s.lookahead_ticks > 0;
  r.last_tick = sim.final_tick();
  if (r.windowed) {
    r.windows = st.windows;
  } else {
    r.ticks_simulated = st.ticks_simulated;
    r.diascas = st.diascas;
  }
  if (final_state) collectively(net, [&] { checkpoints.save_final_state(sim, *final_state); });
  r.wall_seconds = st.wall_seconds;
  r.setup_seconds = std::chrono::duration<double>(setup_end - setup_start).count();
  r.threads = sim.threads();
  r.end_reason = st.end_reason;

  // The end of the run, with no funnel through rank 0: figures and the
  // digest are sums over ranks, and every rank writes its own share of the
  // results.
  const auto end_start = std::chrono::steady_clock::now();
  total_up(sim, net, r);
  reduce_aggregates(sim.probes(), net);
  const std::vector<probe_schema> probes = agree_on_probes(sim.probes(), net);
  const digest_sums mine = local_digest_sums(sim.probes(), sim.actors(), sim.workers());
  r.digest = results_digest(digest_sums::from_words(net.sum(mine.words())), probes);
  r.digest_hex = digest_hex(r.digest);
  if (write_results) {
    const std::vector<probe_rows> rows = sort_samples(sim.probes(), probes, net);
    write_outputs(s, probes, rows, r, net, end_start);
  } else {
    r.end_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - end_start).count();
    measure_memory(net, r);
  }
  return r;
}

}  // namespace

namespace {
std::string describe_agreement(coordination agreement, int fanout) {
  switch (agreement) {
    case coordination::node:
      return "agreement and exchange through each node's shared memory, one MPI_Allreduce between nodes, per step";
    case coordination::collective:
      return "agreement through one MPI_Allreduce per step";
    case coordination::tree:
      return fmt::format("agreement through a tree of time managers, {} children each", fanout);
  }
  return {};
}

/// Only now is the rank known: other ranks fall silent unless asked.
void start_logging(const transport& net, coordination agreement, int fanout) {
  logging::set_rank(net.rank());
  logging::transport().debug("{} rank(s), {}", net.size(),
                             net.size() == 1 ? "no MPI exchange" : describe_agreement(agreement, fanout));
}
}  // namespace

run_report run_scenario(const run_options& options) {
  const auto setup_start = std::chrono::steady_clock::now();
  std::unique_ptr<transport> net = make_world_transport(options.agreement, options.tm_fanout);
  start_logging(*net, options.agreement, options.tm_fanout);
  const std::unique_ptr<scenario> s = set_up(options, *net);
  // A run that writes no results (an embedding program, the tests) does not
  // take the output directory for itself.
  const std::unique_ptr<output_lock> lock = options.write_results ? lock_output(*s, *net) : nullptr;

  std::unique_ptr<simulation> sim;
  collectively(*net, [&] { sim = std::make_unique<simulation>(*s, options.threads, *net); });
  std::unique_ptr<checkpoint::checkpointer> checkpoints;
  collectively(*net, [&] {
    checkpoints = std::make_unique<checkpoint::checkpointer>(*s, with_flags(s->checkpoint, options.checkpoint), s->output,
                                                             *net, 0);
  });
  return run_to_end(*sim, *s, *net, *checkpoints, options.progress_seconds, setup_start, options.write_results, "",
                    options.final_state);
}

run_report restart_run(const restart_options& options) {
  const auto setup_start = std::chrono::steady_clock::now();
  std::unique_ptr<transport> net = make_world_transport(options.agreement, options.tm_fanout);
  start_logging(*net, options.agreement, options.tm_fanout);

  // The scenario to check against, if one is named.
  std::optional<std::uint64_t> expected_hash;
  if (options.scenario) {
    std::unique_ptr<scenario> given;
    collectively(*net, [&] { given = load_scenario(*options.scenario, {}); });
    expected_hash = results_hash(*given);
  }
  checkpoint::found_checkpoint found =
      checkpoint::find_checkpoint(options.dirs, *net, expected_hash, options.from_checkpoint);
  const checkpoint::manifest& m = found.chosen;
  if (net->rank() == 0)
    logging::checkpoint().info("restarting from {} (tick {}, taken on {} rank(s)) on {} rank(s)", m.name(), m.tick,
                               m.ranks, net->size());

  // The run's own scenario, as the checkpoint recorded it, and its output
  // directory unless another is named. Results already there (the run
  // finished, or another restart did) are never replaced silently.
  run_options again;
  again.scenario = m.scenario_file;
  again.scenario_text = m.scenario_text;
  again.output = options.output ? *options.output : std::filesystem::path(m.output);
  if (!options.output && !options.force)
    collectively(*net, [&] {
      if (net->rank() != 0) return;
      for (const char* file : {"results.h5", "summary.json"})
        if (std::filesystem::exists(*again.output / file))
          throw error(exit_code::usage_error, fmt::format(
              "{}: already holds the results of a run; restarting would replace them. Pass --output DIR for the "
              "restarted run's results, or --force to replace them",
              (*again.output / file).string()));
    });
  const std::unique_ptr<scenario> s = set_up(again, *net);
  if (results_hash(*s) != m.scenario_hash) {
    if (net->rank() != 0) throw failure_elsewhere(0, exit_code::checkpoint_error);
    throw checkpoint_error(fmt::format("{}: the scenario stored in the manifest does not match its hash", m.name()));
  }
  const std::unique_ptr<output_lock> lock = lock_output(*s, *net);

  std::unique_ptr<simulation> sim;
  collectively(*net, [&] {
    const placement where(*s, net->size());
    restored_state restored = checkpoint::distribute(std::move(found.my_shards), where, *net);
    sim = std::make_unique<simulation>(*s, options.threads, *net, std::move(restored));
  });
  std::unique_ptr<checkpoint::checkpointer> checkpoints;
  collectively(*net, [&] {
    checkpoints = std::make_unique<checkpoint::checkpointer>(*s, with_flags(m.checkpointing, options.checkpoint),
                                                             s->output, *net, found.next_generation);
  });
  return run_to_end(*sim, *s, *net, *checkpoints, options.progress_seconds, setup_start, true, m.name(),
                    options.final_state);
}

}  // namespace kairos
