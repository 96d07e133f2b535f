#include "kairos/run/run.hpp"

#include <mpi.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include <fmt/format.h>
#include <xxhash.h>

#include "kairos/core/error.hpp"
#include "kairos/core/version.hpp"
#include "plugin/registry.hpp"
#include "run/digest.hpp"
#include "run/results_file.hpp"
#include "checkpoint/checkpointer.hpp"
#include "checkpoint/restart.hpp"
#include "run/simulation.hpp"
#include "scenario/scenario.hpp"
#include "transport/byte_buffer.hpp"
#include "transport/mpi_transport.hpp"

namespace kairos {

namespace {

std::uint64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

std::unique_ptr<transport> make_transport(int fanout) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  int size = 1;
  if (initialised) MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size > 1) return std::make_unique<mpi_transport>(MPI_COMM_WORLD, fanout);
  return std::make_unique<single_rank_transport>();
}

/// After a step every rank performs: if any rank failed, the lowest failing
/// rank reports its own error and the others stop quietly.
void settle(transport& net, const std::exception_ptr& failure) {
  const int lowest = net.lowest_failing_rank(failure != nullptr);
  if (lowest < 0) return;
  if (lowest == net.rank()) std::rethrow_exception(failure);
  throw failure_elsewhere(lowest);
}

/// Settles a collective step that may throw on some ranks.
template <class F>
void collectively(transport& net, F&& step) {
  std::exception_ptr failure;
  try {
    step();
  } catch (...) {
    failure = std::current_exception();
  }
  settle(net, failure);
}

/// What every rank must agree on before running together.
std::uint64_t setup_fingerprint(const scenario& s) {
  std::ostringstream text;
  text << *s.root << '\n' << engine_version << '\n' << abi_version << '\n';
  for (const std::string& p : registry::instance().plugin_names()) text << p << '\n';
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
    if (options.output) s->output = *options.output;
  });
  if (!net.all_equal(setup_fingerprint(*s))) {
    if (net.rank() != 0) throw failure_elsewhere(0);
    throw plugin_error(
        "ranks disagree on the scenario, the engine version or the plugins loaded: every rank must run the same "
        "files (check that all nodes see the same scenario and plugin builds)");
  }
  return s;
}

/// What every rank sends rank 0 once the run is over.
struct gathered {
  std::vector<std::uint64_t> totals;  ///< summed: see the order in gather_results
  std::vector<std::vector<std::byte>> counters, probes, digests, per_rank;
};

gathered gather_results(simulation& sim, transport& net) {
  const run_statistics& st = sim.statistics();
  gathered g;
  g.totals = net.sum({st.activations, st.messages, st.actors_created, st.actors_deleted, sim.actors().size(),
                      st.remote_messages, net.exchange_bytes_sent()});
  g.counters = net.gather(encode_counters(sim.counters()));
  std::vector<std::byte> mine;
  sim.probes().encode(mine);
  g.probes = net.gather(mine);
  // Other ranks send their actors' digests; rank 0 hashes its own on the
  // fly (at 10^7 actors a stored copy costs 160 MB).
  mine.clear();
  if (net.rank() != 0) {
    const std::vector<actor_digest> digests = actor_digests(sim.actors());
    mine.assign(reinterpret_cast<const std::byte*>(digests.data()),
                reinterpret_cast<const std::byte*>(digests.data() + digests.size()));
  }
  g.digests = net.gather(mine);
  // Per-rank figures where the maximum matters, not the sum.
  const std::uint64_t per_rank[] = {peak_rss_bytes(), net.coordination_messages()};
  g.per_rank = net.gather(std::vector<std::byte>(reinterpret_cast<const std::byte*>(per_rank),
                                                 reinterpret_cast<const std::byte*>(per_rank + 2)));
  return g;
}

/// Rank 0: merges what the ranks sent into the report, the probe store and
/// the digest.
void combine_on_root(const gathered& g, simulation& sim, run_report& r) {
  for (const auto& bytes : g.per_rank) {
    std::uint64_t v[2];
    std::memcpy(v, bytes.data(), sizeof v);
    r.peak_rss_bytes = std::max(r.peak_rss_bytes, v[0]);
    r.coordination_messages = std::max(r.coordination_messages, v[1]);
  }
  for (const auto& bytes : g.counters) add_counters(r.counters, bytes);
  for (std::size_t rank = 1; rank < g.probes.size(); ++rank) sim.probes().merge(g.probes[rank]);
  sim.probes().finish();
  std::vector<actor_digest> others;
  for (const auto& bytes : g.digests) {
    const std::size_t n = bytes.size() / sizeof(actor_digest);
    if (n == 0) continue;  // rank 0's own part, or a rank without actors
    const std::size_t at = others.size();
    others.resize(at + n);
    std::memcpy(others.data() + at, bytes.data(), n * sizeof(actor_digest));
  }
  std::sort(others.begin(), others.end(), [](const actor_digest& a, const actor_digest& b) { return a.aai < b.aai; });
  r.digest = results_digest(sim.probes(), sim.actors(), others);
  r.digest_hex = digest_hex(r.digest);
}

void write_outputs(const scenario& s, simulation& sim, const run_report& r) {
  std::error_code ec;
  std::filesystem::create_directories(s.output, ec);
  if (ec)
    throw error(exit_code::runtime_failure,
                fmt::format("{}: cannot create output directory: {}", s.output.string(), ec.message()));
  write_results_file(s.output / "results.h5", s, sim.probes(), r);
  write_summary_json(s.output / "summary.json", s, r);
  write_effective_scenario(s.output / "scenario.toml", s);
}

}  // namespace

std::string run_report::summary_line() const {
  return fmt::format(
      "kairos: done ({}) ranks={} threads={} ticks={} last_tick={} diascas={} activations={} messages={} actors={} "
      "wall={:.3f}s act/s={:.3e} peak_rss={}MiB digest={}",
      end_reason, ranks, threads, ticks_simulated, last_tick, diascas, activations, messages, actors_final,
      wall_seconds, wall_seconds > 0 ? static_cast<double>(activations) / wall_seconds : 0.0, peak_rss_bytes >> 20,
      digest_hex);
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
  return c;
}

/// What run and restart share once the simulation is built: checkpoints
/// during the run, then results.
run_report run_to_end(simulation& sim, const scenario& s, transport& net, checkpoint::checkpointer& checkpoints,
                      bool progress, std::chrono::steady_clock::time_point setup_start, bool write_results,
                      const std::string& restarted_from) {
  sim.set_tick_boundary_hook(&checkpoints);
  sim.show_progress(progress && net.rank() == 0);
  const auto setup_end = std::chrono::steady_clock::now();
  sim.run();

  run_report r;
  r.ranks = net.size();
  r.rank = net.rank();
  r.output_dir = s.output;
  r.restarted_from = restarted_from;
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
  const gathered g = gather_results(sim, net);
  const run_statistics& st = sim.statistics();
  r.ticks_simulated = st.ticks_simulated;
  r.last_tick = st.last_tick;
  r.diascas = st.diascas;
  r.activations = g.totals[0];
  r.messages = g.totals[1];
  r.actors_created = g.totals[2];
  r.actors_deleted = g.totals[3];
  r.actors_final = g.totals[4];
  r.remote_messages = g.totals[5];
  r.exchange_bytes = g.totals[6];
  r.wall_seconds = st.wall_seconds;
  r.setup_seconds = std::chrono::duration<double>(setup_end - setup_start).count();
  r.threads = sim.threads();
  r.end_reason = st.end_reason;
  if (net.rank() != 0) return r;  // results and digest live on rank 0

  combine_on_root(g, sim, r);
  if (write_results) write_outputs(s, sim, r);
  return r;
}

}  // namespace

run_report run_scenario(const run_options& options) {
  const auto setup_start = std::chrono::steady_clock::now();
  std::unique_ptr<transport> net = make_transport(options.tm_fanout);
  const std::unique_ptr<scenario> s = set_up(options, *net);

  std::unique_ptr<simulation> sim;
  collectively(*net, [&] { sim = std::make_unique<simulation>(*s, options.threads, *net); });
  std::unique_ptr<checkpoint::checkpointer> checkpoints;
  collectively(*net, [&] {
    checkpoints = std::make_unique<checkpoint::checkpointer>(*s, with_flags(s->checkpoint, options.checkpoint), s->output,
                                                             *net, 0);
  });
  return run_to_end(*sim, *s, *net, *checkpoints, options.progress, setup_start, options.write_results, "");
}

run_report restart_run(const restart_options& options) {
  const auto setup_start = std::chrono::steady_clock::now();
  std::unique_ptr<transport> net = make_transport(options.tm_fanout);

  // The scenario to check against, if one is named.
  std::optional<std::uint64_t> expected_hash;
  if (options.scenario) {
    std::unique_ptr<scenario> given;
    collectively(*net, [&] { given = load_scenario(*options.scenario, {}); });
    expected_hash = results_hash(*given);
  }
  checkpoint::found_checkpoint found = checkpoint::find_checkpoint(options.dirs, *net, expected_hash);
  const checkpoint::manifest& m = found.chosen;
  if (net->rank() == 0)
    std::fprintf(stderr, "kairos: restarting from %s (tick %llu, taken on %d rank(s)) on %d rank(s)\n",
                 m.name().c_str(), static_cast<unsigned long long>(m.tick), m.ranks, net->size());

  // The run's own scenario, as the checkpoint recorded it.
  run_options again;
  again.scenario = m.scenario_file;
  again.scenario_text = m.scenario_text;
  again.output = options.output ? *options.output : std::filesystem::path(m.output);
  const std::unique_ptr<scenario> s = set_up(again, *net);
  if (results_hash(*s) != m.scenario_hash) {
    if (net->rank() != 0) throw failure_elsewhere(0, exit_code::checkpoint_error);
    throw checkpoint_error(fmt::format("{}: the scenario stored in the manifest does not match its hash", m.name()));
  }

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
  return run_to_end(*sim, *s, *net, *checkpoints, options.progress, setup_start, true, m.name());
}

}  // namespace kairos
