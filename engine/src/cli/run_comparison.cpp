#include "cli/run_comparison.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "checkpoint/durable_io.hpp"
#include "checkpoint/shard_file.hpp"
#include "h5/h5.hpp"
#include "kairos/core/error.hpp"
#include "kairos/core/types.hpp"

namespace kairos::cli {

namespace fs = std::filesystem;

namespace {

/// One actor as a run left it.
struct actor_record {
  std::string cls;
  std::uint64_t rng_counter = 0, creations = 0;
  std::string state;              ///< its saved state (the bytes serialize() wrote)
  std::vector<tick_t> scheduled;  ///< ticks it is due at, ascending
  tick_t period = 0, period_next = 0;  ///< its periodic activation, if any (period 0: none)
};

/// Every actor a run left, by AAI, from all of its ranks' final-state files.
std::map<aai_t, actor_record> load_final_states(const fs::path& dir) {
  std::map<aai_t, actor_record> actors;
  bool any = false;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with("final-state-") || !name.ends_with(".h5")) continue;
    any = true;
    const checkpoint::shard_content shard =
        checkpoint::read_shard(checkpoint::read_whole_file(e.path()), e.path().string());
    std::size_t offset = 0;
    for (std::size_t row = 0; row < shard.aai.size(); ++row) {
      actor_record& a = actors[shard.aai[row]];
      a.cls = shard.classes.at(shard.class_index[row]);
      a.rng_counter = shard.rng_counter[row];
      a.creations = shard.creations[row];
      a.state = shard.states.substr(offset, shard.state_size[row]);
      offset += shard.state_size[row];
    }
    for (std::size_t i = 0; i < shard.agenda_aai.size(); ++i) {
      actor_record& a = actors[shard.agenda_aai[i]];
      if (shard.period_of(i) == 0) {
        a.scheduled.push_back(shard.agenda_tick[i]);
      } else {
        a.period = shard.period_of(i);
        a.period_next = shard.agenda_tick[i];
      }
    }
  }
  if (ec || !any)
    throw runtime_error(fmt::format("{}: no final-state-*.h5 there (the run did not save its final state)", dir.string()));
  for (auto& [aai, a] : actors) std::sort(a.scheduled.begin(), a.scheduled.end());
  return actors;
}

std::string hex_bytes(const std::string& bytes, std::size_t from, std::size_t count) {
  std::string text;
  for (std::size_t i = from; i < std::min(bytes.size(), from + count); ++i)
    text += fmt::format("{:02x}", static_cast<unsigned char>(bytes[i]));
  return text.empty() ? "(end)" : text;
}

/// What differs between two records of one actor, or nothing.
std::optional<std::string> actor_difference(const actor_record& a, const actor_record& b, const std::string& b_label) {
  if (a.cls != b.cls) return fmt::format("its class is {} uninterrupted, {} {}", a.cls, b.cls, b_label);
  if (a.state != b.state) {
    const auto [ia, ib] = std::mismatch(a.state.begin(), a.state.end(), b.state.begin(), b.state.end());
    const auto at = static_cast<std::size_t>(ia - a.state.begin());
    return fmt::format("its saved state differs from byte {} (of {} uninterrupted, {} {}): {}... uninterrupted, "
                       "{}... {}",
                       at, a.state.size(), b.state.size(), b_label, hex_bytes(a.state, at, 8),
                       hex_bytes(b.state, at, 8), b_label);
  }
  if (a.rng_counter != b.rng_counter)
    return fmt::format("its random stream is at draw {} uninterrupted, {} {}", a.rng_counter, b.rng_counter, b_label);
  if (a.creations != b.creations)
    return fmt::format("it created {} actor(s) uninterrupted, {} {}", a.creations, b.creations, b_label);
  if (a.scheduled != b.scheduled) {
    const auto next = [](const actor_record& r) {
      return r.scheduled.empty() ? std::string("none") : fmt::format("tick {}", r.scheduled.front());
    };
    return fmt::format("its schedule differs ({} spontaneous activation(s) to come, next {}, uninterrupted; {}, next "
                       "{}, {})",
                       a.scheduled.size(), next(a), b.scheduled.size(), next(b), b_label);
  }
  if (a.period != b.period || a.period_next != b.period_next) {
    const auto every = [](const actor_record& r) {
      return r.period == 0 ? std::string("none")
                           : fmt::format("every {} tick(s), next at tick {}", r.period, r.period_next);
    };
    return fmt::format("its periodic activation differs ({} uninterrupted; {} {})", every(a), every(b), b_label);
  }
  return std::nullopt;
}

/// The final states: the first differing actor in AAI order, and how many
/// differ per class.
std::vector<std::string> compare_states(const std::map<aai_t, actor_record>& a,
                                        const std::map<aai_t, actor_record>& b, const std::string& b_label) {
  std::optional<std::string> first;
  std::map<std::string, std::size_t> per_class;
  std::size_t differing = 0;
  const auto note = [&](aai_t aai, const std::string& cls, const std::string& what) {
    ++differing;
    ++per_class[cls];
    if (!first) first = fmt::format("actor {} (class {}) at the end of the run: {}", aai, cls, what);
  };
  auto ia = a.begin();
  auto ib = b.begin();
  while (ia != a.end() || ib != b.end()) {
    if (ib == b.end() || (ia != a.end() && ia->first < ib->first)) {
      note(ia->first, ia->second.cls, fmt::format("exists uninterrupted, not {}", b_label));
      ++ia;
    } else if (ia == a.end() || ib->first < ia->first) {
      note(ib->first, ib->second.cls, fmt::format("exists {}, not uninterrupted", b_label));
      ++ib;
    } else {
      if (auto what = actor_difference(ia->second, ib->second, b_label)) note(ia->first, ia->second.cls, *what);
      ++ia;
      ++ib;
    }
  }
  if (!first) return {};
  std::string classes;
  for (const auto& [cls, n] : per_class) classes += fmt::format("{}{} {}", classes.empty() ? "" : ", ", cls, n);
  return {fmt::format("final states: {} of {} actor(s) differ ({}); the first: {}", differing,
                      std::max(a.size(), b.size()), classes, *first)};
}

/// One probe as stored in results.h5.
struct probe_samples {
  std::vector<std::uint64_t> tick, aai;
  std::vector<double> value;
  std::size_t columns = 0;
  std::vector<std::string> curves;
};

std::map<std::string, probe_samples> load_probes(const fs::path& results) {
  const h5::file f = h5::file::open_read(results);
  const h5::handle group = f.open_group(f.id(), "probes");
  std::map<std::string, probe_samples> probes;
  for (const std::string& name : f.children(group.get())) {
    const h5::handle g = f.open_group(group.get(), name);
    probe_samples& p = probes[name];
    p.tick = f.read_u64(g.get(), "tick");
    // An aggregate probe's rows belong to every recording actor: no aai.
    p.aai = f.has_child(g.get(), "aai") ? f.read_u64(g.get(), "aai") : std::vector<std::uint64_t>(p.tick.size(), no_aai);
    p.value = f.read_f64(g.get(), "value", p.columns);
    p.curves = f.read_attr_strings(g.get(), "curves");
  }
  return probes;
}

bool same_bits(double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; }

struct sample_difference {
  tick_t tick;
  std::string text;
};

/// The first row where one probe's samples differ, or nothing.
std::optional<sample_difference> first_difference(const std::string& name, const probe_samples& a,
                                                  const probe_samples& b, const std::string& b_label,
                                                  const std::map<aai_t, actor_record>& classes_of) {
  const auto who = [&](aai_t aai) {
    if (aai == no_aai) return std::string("all recording actors");
    const auto it = classes_of.find(aai);
    return it == classes_of.end() ? fmt::format("actor {}", aai) : fmt::format("actor {} (class {})", aai, it->second.cls);
  };
  if (a.curves != b.curves)
    return sample_difference{0, fmt::format("probe {}: its curves differ ({} uninterrupted, {} {})", name,
                                            fmt::join(a.curves, ","), fmt::join(b.curves, ","), b_label)};
  const std::size_t rows = std::min(a.tick.size(), b.tick.size());
  for (std::size_t i = 0; i < rows; ++i) {
    if (a.tick[i] != b.tick[i] || a.aai[i] != b.aai[i])
      return sample_difference{std::min(a.tick[i], b.tick[i]),
                               fmt::format("probe {}: sample {} is at tick {} from {} uninterrupted, at tick {} from {} "
                                           "{}",
                                           name, i, a.tick[i], who(a.aai[i]), b.tick[i], who(b.aai[i]), b_label)};
    for (std::size_t c = 0; c < a.columns; ++c)
      if (!same_bits(a.value[i * a.columns + c], b.value[i * a.columns + c]))
        return sample_difference{
            a.tick[i], fmt::format("probe {}, tick {}, {}: curve {} is {} uninterrupted, {} {}", name, a.tick[i],
                                   who(a.aai[i]), c < a.curves.size() ? a.curves[c] : std::to_string(c),
                                   a.value[i * a.columns + c], b.value[i * a.columns + c], b_label)};
  }
  if (a.tick.size() == b.tick.size()) return std::nullopt;
  const probe_samples& longer = a.tick.size() > b.tick.size() ? a : b;
  return sample_difference{longer.tick[rows],
                           fmt::format("probe {}: {} sample(s) uninterrupted, {} {}; the first extra one is at tick {} "
                                       "from {}",
                                       name, a.tick.size(), b.tick.size(), b_label, longer.tick[rows],
                                       who(longer.aai[rows]))};
}

/// The earliest differing sample over all probes, and which probes differ.
std::vector<std::string> compare_samples(const std::map<std::string, probe_samples>& a,
                                         const std::map<std::string, probe_samples>& b, const std::string& b_label,
                                         const std::map<aai_t, actor_record>& classes_of) {
  std::optional<sample_difference> earliest;
  std::vector<std::string> differing;
  for (const auto& [name, samples] : a) {
    const auto other = b.find(name);
    std::optional<sample_difference> d =
        other == b.end() ? sample_difference{0, fmt::format("probe {} exists uninterrupted, not {}", name, b_label)}
                         : first_difference(name, samples, other->second, b_label, classes_of);
    if (!d) continue;
    differing.push_back(name);
    if (!earliest || d->tick < earliest->tick) earliest = std::move(d);
  }
  for (const auto& [name, samples] : b)
    if (!a.contains(name)) {
      differing.push_back(name);
      if (!earliest) earliest = sample_difference{0, fmt::format("probe {} exists {}, not uninterrupted", name, b_label)};
    }
  if (!earliest) return {};
  return {fmt::format("probe samples: {} of {} probe(s) differ; the earliest difference: {}", differing.size(),
                      std::max(a.size(), b.size()), earliest->text)};
}

/// The totals of summary.json that an exact restart reproduces.
std::vector<std::string> compare_totals(const nlohmann::json& a, const nlohmann::json& b, const std::string& b_label) {
  std::vector<std::string> lines;
  for (const char* key : {"end_reason", "last_tick", "ticks_simulated", "diascas", "windows", "activations", "messages",
                          "actors_final", "actors_created", "actors_deleted", "counters", "digest"})
    if (a.value(key, nlohmann::json()) != b.value(key, nlohmann::json()))
      lines.push_back(fmt::format("summary: {} is {} uninterrupted, {} {}", key, a.value(key, nlohmann::json()).dump(),
                                  b.value(key, nlohmann::json()).dump(), b_label));
  return lines;
}

}  // namespace

nlohmann::json read_summary(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw runtime_error(fmt::format("{}: cannot be read", file.string()));
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw runtime_error(fmt::format("{}: not valid JSON: {}", file.string(), e.what()));
  }
}

struct finished_run::contents {
  std::map<std::string, probe_samples> probes;
  std::map<aai_t, actor_record> actors;
  nlohmann::json summary;
};

finished_run::finished_run(const fs::path& output, const fs::path& final_state)
    : contents_(std::make_unique<contents>(
          contents{load_probes(output / "results.h5"), load_final_states(final_state), read_summary(output / "summary.json")})) {}
finished_run::~finished_run() = default;
finished_run::finished_run(finished_run&&) noexcept = default;

std::vector<std::string> compare_runs(const finished_run& reference, const finished_run& other,
                                      const std::string& other_label) {
  const finished_run::contents& a = reference.loaded();
  const finished_run::contents& b = other.loaded();
  std::vector<std::string> lines = compare_samples(a.probes, b.probes, other_label, a.actors.empty() ? b.actors : a.actors);
  for (std::string& line : compare_states(a.actors, b.actors, other_label)) lines.push_back(std::move(line));
  for (std::string& line : compare_totals(a.summary, b.summary, other_label)) lines.push_back(std::move(line));
  return lines;
}

}  // namespace kairos::cli
