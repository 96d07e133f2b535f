#include "run/results_file.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "h5/h5.hpp"
#include "kairos/core/error.hpp"
#include "kairos/core/version.hpp"
#include "plugin/registry.hpp"

namespace kairos {

namespace {

void replace_file(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec) throw error(exit_code::runtime_failure, fmt::format("{}: cannot move results into place: {}", to.string(), ec.message()));
}

/// Writes `text` under a temporary name, then renames it into place: a
/// failed write (disk full) never leaves a half file under the real name.
void write_text_file(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path partial = path.string() + ".partial";
  {
    std::ofstream out(partial);
    out << text;
    out.flush();
    if (!out) throw error(exit_code::runtime_failure, fmt::format("{}: cannot write (disk full?)", partial.string()));
  }
  replace_file(partial, path);
}

}  // namespace

struct results_writer::open_file {
  struct probe_tables {
    h5::handle group, tick, aai, value;
  };
  h5::file file;
  std::vector<probe_tables> tables;
};

results_writer::results_writer(const std::filesystem::path& path, const scenario& s,
                               const std::vector<probe_schema>& probes, const std::vector<probe_rows>& rows,
                               const run_report& report, bool parallel)
    : path_(path),
      partial_(path.string() + ".partial"),
      probes_(probes),
      rows_(rows),
      open_(std::make_unique<open_file>(
          open_file{parallel ? h5::file::create_parallel(partial_) : h5::file::create(partial_), {}})) {
  h5::file& f = open_->file;
  h5::handle run = f.create_group(f.id(), "run");
  f.attr_string(run.get(), "scenario", s.file.string());
  f.attr_string(run.get(), "scenario_text", s.text);
  f.attr_u64(run.get(), "seed", s.seed);
  if (report.windowed) f.attr_u64(run.get(), "windows", report.windows);
  else f.attr_u64(run.get(), "ticks", report.ticks_simulated);
  f.attr_u64(run.get(), "last_tick", report.last_tick);
  f.attr_f64(run.get(), "tick_duration_seconds", s.tick_seconds);
  f.attr_u64(run.get(), "ranks", static_cast<std::uint64_t>(report.ranks));
  f.attr_u64(run.get(), "threads", report.threads);
  f.attr_string(run.get(), "engine_version", engine_version);
  f.attr_string(run.get(), "mode", s.mode == run_mode::ergodic ? "ergodic" : "reproducible");
  f.attr_string(run.get(), "digest", report.digest_hex);
  f.attr_strings(run.get(), "plugins", s.plugins);

  h5::handle group = f.create_group(f.id(), "probes");
  for (std::size_t p = 0; p < probes.size(); ++p) {
    open_file::probe_tables t;
    t.group = f.create_group(group.get(), probes[p].name);
    f.attr_strings(t.group.get(), "curves", probes[p].curves);
    const bool aggregate = probes[p].mode.kind == probe_kind::aggregate;
    f.attr_string(t.group.get(), "kind", aggregate ? "aggregate" : "samples");
    if (aggregate) f.attr_u64(t.group.get(), "period_ticks", probes[p].mode.period);
    const std::uint64_t total = rows[p].total;
    t.tick = f.create_table(t.group.get(), "tick", H5T_STD_U64LE, {total});
    // An aggregate's row is every recording actor's: it has no aai.
    if (!aggregate) t.aai = f.create_table(t.group.get(), "aai", H5T_STD_U64LE, {total});
    t.value = f.create_table(t.group.get(), "value", H5T_IEEE_F64LE, {total, probes[p].curves.size()});
    open_->tables.push_back(std::move(t));
  }
}

results_writer::~results_writer() = default;

void results_writer::write_rows() {
  const h5::file& f = open_->file;
  for (std::size_t p = 0; p < probes_.size(); ++p) {
    const probe_rows& r = rows_[p];
    const open_file::probe_tables& t = open_->tables[p];
    const std::uint64_t n = r.tick.size();
    f.write_rows(t.tick.get(), probes_[p].name + "/tick", H5T_NATIVE_UINT64, r.first, n, r.tick.data());
    if (t.aai) f.write_rows(t.aai.get(), probes_[p].name + "/aai", H5T_NATIVE_UINT64, r.first, n, r.aai.data());
    f.write_rows(t.value.get(), probes_[p].name + "/value", H5T_NATIVE_DOUBLE, r.first, n, r.values.data());
  }
}

void results_writer::close() {
  open_->tables.clear();  // every object closed before the file
  open_->file.close();
}

void results_writer::commit() const { replace_file(partial_, path_); }

void write_summary_json(const std::filesystem::path& path, const scenario& s, const run_report& r) {
  nlohmann::ordered_json j;
  j["scenario"] = s.file.string();
  j["seed"] = s.seed;
  j["ranks"] = r.ranks;
  j["remote_messages"] = r.remote_messages;
  j["exchange_bytes"] = r.exchange_bytes;
  j["coordination_messages_busiest_rank"] = r.coordination_messages;
  j["threads"] = r.threads;
  if (r.windowed) {
    j["windows"] = r.windows;
  } else {
    j["ticks_simulated"] = r.ticks_simulated;
    j["diascas"] = r.diascas;
  }
  j["last_tick"] = r.last_tick;
  j["activations"] = r.activations;
  j["messages"] = r.messages;
  j["actors_final"] = r.actors_final;
  j["actors_created"] = r.actors_created;
  j["actors_deleted"] = r.actors_deleted;
  j["wall_seconds"] = r.wall_seconds;
  j["setup_seconds"] = r.setup_seconds;
  j["activations_per_second"] = r.activations_per_second();
  j["end_seconds"] = r.end_seconds;
  j["peak_rss_bytes"] = r.peak_rss_bytes;
  j["peak_rss_bytes_per_rank"] = r.peak_rss_per_rank;
  j["end_reason"] = r.end_reason;
  j["counters"] = r.counters;
  j["digest"] = r.digest_hex;
  j["engine_version"] = engine_version;
  j["checkpoints_committed"] = r.checkpoints_committed;
  // A restarted run's wall, set-up and rate cover the resumed part only; the
  // totals above include what was done before the checkpoint.
  if (!r.restarted_from.empty()) {
    j["restarted_from"] = r.restarted_from;
    j["activations_carried_over"] = r.activations_carried;
  }
  write_text_file(path, j.dump(2) + '\n');
}

void write_effective_scenario(const std::filesystem::path& path, const scenario& s) {
  // The output recorded is where this run wrote, whatever --output said.
  toml::table effective = *s.root;
  if (!effective.contains("simulation")) effective.insert("simulation", toml::table{});
  if (toml::table* simulation = effective["simulation"].as_table())
    simulation->insert_or_assign("output", s.output.string());
  std::ostringstream text;
  text << "# Effective scenario of this run: " << s.file.string()
       << " with --set overrides and the output directory applied.\n"
       << effective << '\n';
  write_text_file(path, std::move(text).str());
}

void inspect_results_file(const std::filesystem::path& path, std::FILE* out) {
  const h5::file f = h5::file::open_read(path);
  fmt::print(out, "{}: Kairos results\n", path.string());
  const h5::handle run = f.open_group(f.id(), "run");
  for (const std::string& a : f.attr_names(run.get())) {
    if (a == "scenario_text") continue;
    fmt::print(out, "  run.{} = {}\n", a, f.attr_as_text(run.get(), a));
  }
  const h5::handle probes = f.open_group(f.id(), "probes");
  const std::vector<std::string> names = f.children(probes.get());
  fmt::print(out, "  {} probe(s):\n", names.size());
  for (const std::string& name : names) {
    const h5::handle g = f.open_group(probes.get(), name);
    const auto ticks = f.read_u64(g.get(), "tick");
    std::size_t cols = 0;
    const auto values = f.read_f64(g.get(), "value", cols);
    const auto curves = f.read_attr_strings(g.get(), "curves");
    std::string last;
    if (!ticks.empty())
      for (std::size_t c = 0; c < cols; ++c)
        // Ten significant digits: 72.4, not the 72.39999999999998 a sum of
        // decimal prices leaves in binary floating point.
        last += fmt::format("{}{}={:.10g}", c ? " " : "", c < curves.size() ? curves[c] : "?",
                            values[(ticks.size() - 1) * cols + c]);
    fmt::print(out, "    {}: {} sample(s), ticks {}..{}, last: {}\n", name, ticks.size(),
               ticks.empty() ? 0 : ticks.front(), ticks.empty() ? 0 : ticks.back(), ticks.empty() ? "-" : last);
  }
}

void write_probe_csv(const std::filesystem::path& path, const std::string& probe, std::FILE* out) {
  const h5::file f = h5::file::open_read(path);
  const h5::handle run = f.open_group(f.id(), "run");
  const double tick_seconds = std::stod(f.attr_as_text(run.get(), "tick_duration_seconds"));
  const h5::handle probes = f.open_group(f.id(), "probes");
  const std::vector<std::string> names = f.children(probes.get());
  if (std::find(names.begin(), names.end(), probe) == names.end()) {
    std::string known;
    for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
    throw error(exit_code::usage_error, fmt::format("{}: no probe '{}'; its probes: {}", path.string(), probe,
                                                    known.empty() ? "none" : known));
  }
  const h5::handle g = f.open_group(probes.get(), probe);
  const auto ticks = f.read_u64(g.get(), "tick");
  // An aggregate probe's rows belong to no single actor: no aai column.
  const bool per_actor = f.has_child(g.get(), "aai");
  const auto aais = per_actor ? f.read_u64(g.get(), "aai") : std::vector<std::uint64_t>{};
  std::size_t cols = 0;
  const auto values = f.read_f64(g.get(), "value", cols);
  const auto curves = f.read_attr_strings(g.get(), "curves");
  std::string line = per_actor ? "tick,seconds,aai" : "tick,seconds";
  for (const std::string& c : curves) line += "," + c;
  fmt::print(out, "{}\n", line);
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    line = fmt::format("{},{}", ticks[i], static_cast<double>(ticks[i]) * tick_seconds);
    if (per_actor) line += fmt::format(",{}", aais.at(i));
    for (std::size_t c = 0; c < cols; ++c) line += fmt::format(",{}", values[i * cols + c]);
    fmt::print(out, "{}\n", line);
  }
}

}  // namespace kairos
