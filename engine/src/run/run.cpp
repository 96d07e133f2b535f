#include "kairos/run/run.hpp"

#include <sys/resource.h>

#include <chrono>

#include <fmt/format.h>

#include "kairos/core/error.hpp"
#include "plugin/registry.hpp"
#include "run/digest.hpp"
#include "run/results_file.hpp"
#include "run/simulation.hpp"
#include "scenario/scenario.hpp"

namespace kairos {

namespace {

std::uint64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace

std::string run_report::summary_line() const {
  return fmt::format(
      "kairos: done ({}) ticks={} last_tick={} diascas={} activations={} messages={} actors={} wall={:.3f}s "
      "act/s={:.3e} peak_rss={}MiB digest={}",
      end_reason, ticks_simulated, last_tick, diascas, activations, messages, actors_final, wall_seconds,
      wall_seconds > 0 ? static_cast<double>(activations) / wall_seconds : 0.0, peak_rss_bytes >> 20, digest_hex);
}

run_report run_scenario(const run_options& options) {
  const auto setup_start = std::chrono::steady_clock::now();
  std::unique_ptr<scenario> s = options.scenario_text
                                    ? parse_scenario(*options.scenario_text, options.scenario, options.overrides)
                                    : load_scenario(options.scenario, options.overrides);
  const auto search = plugin_search_path(s->file.has_parent_path() ? s->file.parent_path() : ".");
  for (const std::string& plugin : s->plugins) registry::instance().load_plugin(plugin, search);
  resolve_actors(*s);
  if (options.output) s->output = *options.output;

  simulation sim(*s, options.threads);
  sim.show_progress(options.progress);
  const auto setup_end = std::chrono::steady_clock::now();
  sim.run();

  run_report r;
  const run_statistics& st = sim.statistics();
  r.digest = results_digest(sim.probes(), sim.actors());
  r.digest_hex = digest_hex(r.digest);
  r.ticks_simulated = st.ticks_simulated;
  r.last_tick = st.last_tick;
  r.diascas = st.diascas;
  r.activations = st.activations;
  r.messages = st.messages;
  r.actors_final = sim.actors().size();
  r.actors_created = st.actors_created;
  r.actors_deleted = st.actors_deleted;
  r.wall_seconds = st.wall_seconds;
  r.setup_seconds = std::chrono::duration<double>(setup_end - setup_start).count();
  r.peak_rss_bytes = peak_rss_bytes();
  r.threads = sim.threads();
  r.end_reason = st.end_reason;
  r.counters = sim.counters();
  r.output_dir = s->output;

  if (options.write_results) {
    std::error_code ec;
    std::filesystem::create_directories(s->output, ec);
    if (ec)
      throw error(exit_code::runtime_failure, fmt::format("{}: cannot create output directory: {}", s->output.string(), ec.message()));
    write_results_file(s->output / "results.h5", *s, sim.probes(), r);
    write_summary_json(s->output / "summary.json", *s, r);
    write_effective_scenario(s->output / "scenario.toml", *s);
  }
  return r;
}

}  // namespace kairos
