#include "scenario/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <xxhash.h>

#include "kairos/core/error.hpp"
#include "plugin/registry.hpp"
#include "scenario/keys.hpp"
#include "scenario/param_source.hpp"

namespace kairos {

namespace {

std::string_view type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date or time";
  }
}

[[noreturn]] void fail(const scenario& s, const toml::node* node, std::string_view field, std::string_view why) {
  throw scenario_error(fmt::format("{}: {}: {}", s.where(node), field, why));
}

const toml::table& expect_table(const scenario& s, const toml::node& n, std::string_view field) {
  if (!n.is_table()) fail(s, &n, field, fmt::format("expected a table, got {}", type_name(n)));
  return *n.as_table();
}

std::string expect_string(const scenario& s, const toml::node& n, std::string_view field) {
  if (!n.is_string()) fail(s, &n, field, fmt::format("expected a string, got {}", type_name(n)));
  return n.as_string()->get();
}

std::int64_t expect_integer(const scenario& s, const toml::node& n, std::string_view field) {
  if (!n.is_integer()) fail(s, &n, field, fmt::format("expected an integer, got {}", type_name(n)));
  return n.as_integer()->get();
}

std::vector<std::string> expect_strings(const scenario& s, const toml::node& n, std::string_view field) {
  if (!n.is_array()) fail(s, &n, field, fmt::format("expected an array of strings, got {}", type_name(n)));
  std::vector<std::string> out;
  std::size_t i = 0;
  for (const toml::node& e : *n.as_array()) out.push_back(expect_string(s, e, fmt::format("{}[{}]", field, i++)));
  return out;
}

void check_keys(const scenario& s, const toml::table& t, std::string_view table, std::string_view field) {
  for (auto&& [key, value] : t)
    if (!is_engine_key(table, key.str()))
      fail(s, &value, fmt::format("{}.{}", field, key.str()), "unknown field");
}

constexpr std::ptrdiff_t max_key_depth = 256;

// "a.b.c=value": walks (creating) tables down to c and sets it. The value is
// parsed as a TOML value; anything that does not parse is taken as a string.
void apply_override(scenario& s, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw scenario_error(fmt::format("--set {}: expected key=value", assignment));
  const std::string path = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);

  toml::table value_holder;
  try {
    value_holder = toml::parse("v = " + text, "--set " + path);
  } catch (const toml::parse_error&) {
    value_holder.insert_or_assign("v", text);
  }

  // Components name table keys, or array indices: actors.2.count. As deep
  // as a scenario file may nest (the TOML parser's limit), no deeper.
  if (std::count(path.begin(), path.end(), '.') >= max_key_depth)
    throw scenario_error(fmt::format("--set {}...: more than {} key components", path.substr(0, 40), max_key_depth));
  toml::node* node = s.root.get();
  std::string_view rest = path;
  for (;;) {
    const auto dot = rest.find('.');
    const std::string part(rest.substr(0, dot));
    if (part.empty()) throw scenario_error(fmt::format("--set {}: empty key component", path));
    const bool last = dot == std::string_view::npos;
    if (toml::array* array = node->as_array()) {
      std::size_t index = 0;
      const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec != std::errc{} || end != part.data() + part.size() || index >= array->size())
        throw scenario_error(fmt::format("--set {}: '{}' is not an index of an array of {}", path, part, array->size()));
      if (last) {
        array->replace(array->begin() + static_cast<std::ptrdiff_t>(index), *value_holder.get("v"));
        return;
      }
      node = array->get(index);
      rest.remove_prefix(dot + 1);
      continue;
    }
    toml::table* t = node->as_table();
    if (!t) throw scenario_error(fmt::format("--set {}: '{}' is inside {}, not a table", path, part, type_name(*node)));
    if (last) {
      t->insert_or_assign(part, *value_holder.get("v"));
      return;
    }
    toml::node* next = t->get(part);
    if (!next) next = &t->insert_or_assign(part, toml::table{}).first->second;
    node = next;
    rest.remove_prefix(dot + 1);
  }
}

/// simulation.lookahead: a duration that is a whole number of ticks, or 0
/// (none: every diasca is agreed between ranks).
tick_t read_lookahead(const scenario& s, const toml::node& node) {
  const char* field = "simulation.lookahead";
  if (const auto* i = node.as_integer()) {
    if (i->get() != 0) fail(s, &node, field, "give a duration such as \"100ms\", or 0 for none");
    return 0;
  }
  const double ticks = parse_seconds(s, node, field, false) / s.tick_seconds;
  const double whole = std::round(ticks);
  if (whole < 1 || std::abs(ticks - whole) > 1e-9 * whole)
    fail(s, &node, field,
         fmt::format("is {:g} ticks of {:g} s; give a whole number of ticks (at least one)", ticks, s.tick_seconds));
  if (!(whole < 0x1.0p62)) fail(s, &node, field, "beyond the last tick a run can reach (2^62 ticks)");
  return static_cast<tick_t>(whole);
}

void read_simulation(scenario& s) {
  const toml::node* node = s.root->get("simulation");
  if (!node) throw scenario_error(fmt::format("{}: missing [simulation] table", s.file.string()));
  const toml::table& sim = expect_table(s, *node, "simulation");
  check_keys(s, sim, "simulation", "simulation");

  if (const toml::node* n = sim.get("tick")) s.tick_seconds = parse_seconds(s, *n, "simulation.tick", true);
  if (const toml::node* n = sim.get("seed")) {
    const std::int64_t seed = expect_integer(s, *n, "simulation.seed");
    if (seed < 0) fail(s, n, "simulation.seed", "must be >= 0");
    s.seed = static_cast<std::uint64_t>(seed);
  }
  const toml::node* stop = sim.get("stop");
  const toml::node* stop_tick = sim.get("stop_tick");
  if (stop && stop_tick) fail(s, stop_tick, "simulation.stop_tick", "give either stop or stop_tick, not both");
  if (stop) {
    const double seconds = parse_seconds(s, *stop, "simulation.stop", false);
    const double ticks = std::round(seconds / s.tick_seconds);
    if (!(ticks < 0x1.0p62)) fail(s, stop, "simulation.stop", "beyond the last tick a run can reach (2^62 ticks)");
    s.stop_tick = static_cast<tick_t>(ticks);
  }
  if (stop_tick) {
    const std::int64_t t = expect_integer(s, *stop_tick, "simulation.stop_tick");
    if (t < 0) fail(s, stop_tick, "simulation.stop_tick", "must be >= 0");
    s.stop_tick = static_cast<tick_t>(t);
  }
  if (const toml::node* n = sim.get("lookahead")) s.lookahead_ticks = read_lookahead(s, *n);
  if (const toml::node* n = sim.get("mode")) {
    const std::string mode = expect_string(s, *n, "simulation.mode");
    if (mode == "reproducible") s.mode = run_mode::reproducible;
    else if (mode == "ergodic") s.mode = run_mode::ergodic;
    else fail(s, n, "simulation.mode", fmt::format("'{}' is not \"reproducible\" or \"ergodic\"", mode));
  }
  if (const toml::node* n = sim.get("plugins")) s.plugins = expect_strings(s, *n, "simulation.plugins");
  if (const toml::node* n = sim.get("output")) s.output = expect_string(s, *n, "simulation.output");
}

void read_probes(scenario& s) {
  const toml::node* node = s.root->get("probes");
  if (!node) return;
  const toml::table& probes = expect_table(s, *node, "probes");
  check_keys(s, probes, "probes", "probes");
  if (const toml::node* n = probes.get("select")) s.probe_patterns = expect_strings(s, *n, "probes.select");
}

void read_checkpoint(scenario& s) {
  const toml::node* node = s.root->get("checkpoint");
  if (!node) return;
  const toml::table& t = expect_table(s, *node, "checkpoint");
  check_keys(s, t, "checkpoint", "checkpoint");
  checkpoint::settings& c = s.checkpoint;
  const auto non_negative = [&](const char* key, std::int64_t minimum) -> std::uint64_t {
    const toml::node* n = t.get(key);
    const std::string field = fmt::format("checkpoint.{}", key);
    const std::int64_t v = expect_integer(s, *n, field);
    if (v < minimum) fail(s, n, field, fmt::format("must be >= {}, got {}", minimum, v));
    return static_cast<std::uint64_t>(v);
  };
  if (t.get("every_ticks")) c.every_ticks = non_negative("every_ticks", 0);
  if (t.get("replicas")) c.replicas = static_cast<unsigned>(non_negative("replicas", 0));
  if (t.get("retention")) c.retention = static_cast<unsigned>(non_negative("retention", 2));
  if (t.get("ranks_per_node")) c.ranks_per_node = static_cast<int>(non_negative("ranks_per_node", 1));
  if (const toml::node* n = t.get("every_wall")) c.every_seconds = parse_seconds(s, *n, "checkpoint.every_wall", false);
  if (const toml::node* n = t.get("auto_mtbf")) c.auto_mtbf_seconds = parse_seconds(s, *n, "checkpoint.auto_mtbf", false);
  if (const toml::node* n = t.get("dir")) c.dir = expect_string(s, *n, "checkpoint.dir");
  if (const toml::node* n = t.get("at_ticks")) {
    if (!n->is_array()) fail(s, n, "checkpoint.at_ticks", fmt::format("expected an array of integers, got {}", type_name(*n)));
    std::size_t i = 0;
    for (const toml::node& e : *n->as_array()) {
      const std::string field = fmt::format("checkpoint.at_ticks[{}]", i++);
      const std::int64_t v = expect_integer(s, e, field);
      if (v < 1) fail(s, &e, field, fmt::format("must be >= 1, got {}", v));
      c.at_ticks.push_back(static_cast<tick_t>(v));
    }
    std::sort(c.at_ticks.begin(), c.at_ticks.end());
  }
}

void add_name(scenario& s, const std::string& name, actor_range range, const toml::node* node, std::string_view field) {
  // Names become parts of probe names, which are paths in results.h5.
  if (name.empty() || name.find('/') != std::string::npos || name.find('\0') != std::string::npos)
    fail(s, node, field, fmt::format("name '{}' is empty or contains '/' (names become parts of probe names)", name));
  if (!s.named.emplace(name, range).second) fail(s, node, field, fmt::format("name '{}' is used twice", name));
}

/// A sparse per_actor table names actors by their index in the block: each
/// key must be a decimal index below the block's count, written canonically
/// ("7", not "07"), since lookups spell the index that way.
void check_sparse_indices(const scenario& s, const toml::table& sparse, const std::string& field,
                          std::uint64_t count) {
  for (auto&& [key, value] : sparse) {
    const std::string_view k = key.str();
    std::uint64_t i = 0;
    const auto [end, ec] = std::from_chars(k.data(), k.data() + k.size(), i);
    if (ec != std::errc{} || end != k.data() + k.size() || std::to_string(i) != k)
      fail(s, &value, fmt::format("{}.{}", field, k), "a sparse per_actor key must be an actor's index in the block");
    if (i >= count)
      fail(s, &value, fmt::format("{}.{}", field, k), fmt::format("index {} is beyond the block's count {}", i, count));
  }
}

/// The population file a block names, relative to the scenario's directory.
std::shared_ptr<const population_file> open_population(const scenario& s, const toml::node& n,
                                                       const std::string& field) {
  const std::filesystem::path named = expect_string(s, n, field);
  if (named.empty()) fail(s, &n, field, "names no file");
  const std::filesystem::path path = named.is_absolute() ? named : s.file.parent_path() / named;
  try {
    return population_file::open(path, field);
  } catch (const scenario_error& e) {
    throw scenario_error(fmt::format("{}: {}", s.where(&n), e.what()));
  }
}

/// Empty if class `cls` declares parameter `key`, else why not, with the
/// parameters it does declare.
std::string undeclared(const class_info& cls, std::string_view key) {
  std::string known;
  for (const param_doc& p : cls.params) {
    if (p.name == key) return {};
    known += (known.empty() ? "" : ", ") + std::string(p.name);
  }
  return fmt::format("class '{}' has no parameter '{}' (parameters: {})", cls.name, key, known.empty() ? "none" : known);
}

/// Every column of a block's population file must be a parameter of its
/// class, and not also given per actor in the scenario.
void check_columns(const scenario& s, const actor_block& b, const toml::node& from) {
  for (const std::string& column : b.from->columns()) {
    if (const std::string why = undeclared(*b.cls, column); !why.empty())
      throw scenario_error(fmt::format("{}: {} ({}.from): column '{}': {}", s.where(&from), b.from->path().string(),
                                       b.field, column, why));
    if (b.per_actor && b.per_actor->get(column))
      fail(s, b.per_actor->get(column), fmt::format("{}.per_actor.{}", b.field, column),
           fmt::format("is also a column of {}: give each actor's value in one place", b.from->path().string()));
  }
}

void read_actor_block(scenario& s, const toml::node& node, std::size_t index) {
  const std::string field = fmt::format("actors[{}]", index);
  const toml::table& t = expect_table(s, node, field);
  check_keys(s, t, "actors", field);

  actor_block b;
  b.field = field;
  b.params_field = field + ".params";
  const toml::node* cls = t.get("class");
  if (!cls) fail(s, &node, field, "missing field 'class'");
  const std::string class_name = expect_string(s, *cls, field + ".class");
  b.cls = registry::instance().find_class(class_name);
  if (!b.cls) {
    std::string known;
    for (const class_info* c : registry::instance().classes()) known += (known.empty() ? "" : ", ") + std::string(c->name);
    fail(s, cls, field + ".class",
         fmt::format("unknown actor class '{}' (known: {}; is its plugin listed in simulation.plugins?)", class_name,
                     known.empty() ? "none" : known));
  }
  b.count = 1;
  if (const toml::node* n = t.get("from")) b.from = open_population(s, *n, field + ".from");
  if (b.from) b.count = b.from->rows();
  if (const toml::node* n = t.get("count")) {
    const std::int64_t count = expect_integer(s, *n, field + ".count");
    if (count < 0) fail(s, n, field + ".count", fmt::format("must be >= 0, got {}", count));
    if (b.from && static_cast<std::uint64_t>(count) != b.from->rows())
      fail(s, n, field + ".count",
           fmt::format("is {} but {} has {} rows (leave count out to take them all)", count,
                       b.from->path().string(), b.from->rows()));
    b.count = static_cast<std::uint64_t>(count);
  }
  b.first_aai = s.actor_count;
  if (const toml::node* n = t.get("params")) b.params = &expect_table(s, *n, field + ".params");
  if (const toml::node* n = t.get("per_actor")) {
    b.per_actor = &expect_table(s, *n, field + ".per_actor");
    for (auto&& [key, value] : *b.per_actor) {
      const std::string f = fmt::format("{}.per_actor.{}", field, key.str());
      if (const toml::table* sparse = value.as_table()) {
        check_sparse_indices(s, *sparse, f, b.count);
        continue;
      }
      if (!value.is_array())
        fail(s, &value, f,
             fmt::format("expected an array of {} values, or a table {{ index = value, ... }}, got {}", b.count,
                         type_name(value)));
      if (value.as_array()->size() != b.count)
        fail(s, &value, f, fmt::format("has {} values but count is {}", value.as_array()->size(), b.count));
    }
  }
  if (const toml::node* n = t.get("name")) {
    if (b.count != 1) fail(s, n, field + ".name", "a single name needs count = 1 (use names or group)");
    add_name(s, expect_string(s, *n, field + ".name"), {b.first_aai, 1}, n, field + ".name");
  }
  if (const toml::node* n = t.get("names")) {
    const std::vector<std::string> names = expect_strings(s, *n, field + ".names");
    if (names.size() != b.count)
      fail(s, n, field + ".names", fmt::format("has {} names but count is {}", names.size(), b.count));
    b.names = n->as_array();
    for (std::size_t i = 0; i < names.size(); ++i) add_name(s, names[i], {b.first_aai + i, 1}, n, field + ".names");
  }
  if (const toml::node* n = t.get("placement")) b.placement_hint = expect_string(s, *n, field + ".placement");
  if (const toml::node* n = t.get("group"))
    add_name(s, expect_string(s, *n, field + ".group"), {b.first_aai, b.count}, n, field + ".group");

  // Every parameter must be one the class declares.
  auto check_param = [&](std::string_view key, const toml::node& value, std::string_view where) {
    if (const std::string why = undeclared(*b.cls, key); !why.empty())
      fail(s, &value, fmt::format("{}.{}", where, key), why);
  };
  if (b.params)
    for (auto&& [key, value] : *b.params) check_param(key.str(), value, field + ".params");
  if (b.per_actor)
    for (auto&& [key, value] : *b.per_actor) check_param(key.str(), value, field + ".per_actor");
  if (b.from) check_columns(s, b, *t.get("from"));

  s.actor_count += b.count;
  s.blocks.push_back(b);
}

// Adapter through which a model section adds its actors.
class section_population final : public population {
 public:
  section_population(scenario& s, std::string field) : s_(s), field_(std::move(field)) {}
  void add(std::string_view class_name, std::uint64_t count, const section& params) override {
    actor_block b;
    b.cls = registry::instance().find_class(class_name);
    if (!b.cls) throw plugin_error(fmt::format("{}: section needs actor class '{}', which no loaded plugin defines", field_, class_name));
    b.count = count;
    b.first_aai = s_.actor_count;
    b.params = params.source().shared();
    b.field = field_;
    b.params_field = field_;
    s_.actor_count += count;
    s_.blocks.push_back(b);
  }

 private:
  scenario& s_;
  std::string field_;
};

}  // namespace

std::string scenario::where(const toml::node* node) const {
  if (node) {
    const toml::source_region& src = node->source();
    if (src.begin.line != 0) return fmt::format("{}:{}:{}", file.string(), src.begin.line, src.begin.column);
    return fmt::format("{} (value from --set)", file.string());
  }
  return file.string();
}

double parse_seconds(const scenario& s, const toml::node& node, std::string_view field, bool allow_frequency) {
  double value = 0;
  std::string unit = "s";
  if (node.is_number()) {
    const std::optional<double> exact = node.value<double>();
    if (!exact) fail(s, &node, field, "too large to be exact as a floating-point number (beyond 2^53)");
    value = *exact;
  } else if (node.is_string()) {
    const std::string& text = node.as_string()->get();
    std::size_t used = 0;
    try {
      value = std::stod(text, &used);
    } catch (const std::exception&) {
      fail(s, &node, field, fmt::format("'{}' is not a duration such as \"20ms\" or \"500s\"", text));
    }
    unit = text.substr(used);
    while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  } else {
    fail(s, &node, field, fmt::format("expected a duration string such as \"20ms\", got {}", type_name(node)));
  }
  static const std::pair<std::string_view, double> units[] = {
      {"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}, {"min", 60.0}, {"h", 3600.0}, {"d", 86400.0}};
  double seconds = 0;
  bool known_unit = false;
  for (auto [name, factor] : units)
    if (unit == name) {
      seconds = value * factor;
      known_unit = true;
    }
  if (allow_frequency && unit == "Hz") {
    seconds = 1.0 / value;
    known_unit = true;
  }
  if (!known_unit)
    fail(s, &node, field, fmt::format("unknown unit '{}' (use ns, us, ms, s, min, h, d{})", unit, allow_frequency ? " or Hz" : ""));
  if (!(seconds > 0) || !std::isfinite(seconds)) fail(s, &node, field, "must be a positive duration");
  return seconds;
}

std::unique_ptr<scenario> parse_scenario(std::string text, const std::filesystem::path& file,
                                         const std::vector<std::string>& overrides) {
  auto s = std::make_unique<scenario>();
  s->file = file;
  s->text = std::move(text);
  try {
    s->root = std::make_unique<toml::table>(toml::parse(s->text, file.string()));
  } catch (const toml::parse_error& e) {
    throw scenario_error(fmt::format("{}:{}:{}: syntax error: {}", file.string(), e.source().begin.line,
                                     e.source().begin.column, e.description()));
  }
  for (const std::string& o : overrides) apply_override(*s, o);
  read_simulation(*s);
  read_probes(*s);
  read_checkpoint(*s);
  return s;
}

std::unique_ptr<scenario> load_scenario(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw scenario_error(fmt::format("{}: cannot open scenario file", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), file, overrides);
}

void resolve_actors(scenario& s) {
  // [[actors]] blocks first, in file order: they get the lowest AAIs. Model
  // sections follow in name order (TOML tables are unordered).
  if (const toml::node* actors = s.root->get("actors")) {
    if (!actors->is_array_of_tables()) fail(s, actors, "actors", "expected [[actors]] blocks (an array of tables)");
    std::size_t i = 0;
    for (const toml::node& block : *actors->as_array()) read_actor_block(s, block, i++);
  }
  for (auto&& [key, value] : *s.root) {
    const std::string name(key.str());
    if (name == "simulation" || name == "probes" || name == "actors" || name == "checkpoint") continue;
    const section_info* info = registry::instance().find_section(name);
    if (!info)
      fail(s, &value, name,
           "unknown section (engine sections: simulation, probes, actors, checkpoint; model sections come from the plugins in "
           "simulation.plugins)");
    const toml::table& table = expect_table(s, value, name);
    for (auto&& [k, v] : table) {
      bool known = false;
      for (const param_doc& p : info->keys) known = known || p.name == k.str();
      if (!known) fail(s, &v, fmt::format("{}.{}", name, k.str()), "unknown field");
    }
    detail::param_source source(s, &table, name, nullptr, "", 0, nullptr);
    section_population pop(s, name);
    info->populate(section(source), pop);
  }
}

void check_population_fits(const scenario& s, int ranks, std::uint64_t memory_bytes) {
  const double per_rank = static_cast<double>(s.actor_count) / std::max(ranks, 1) * min_bytes_per_actor;
  if (s.blocks.empty() || per_rank <= static_cast<double>(memory_bytes)) return;
  const actor_block& largest = *std::max_element(
      s.blocks.begin(), s.blocks.end(), [](const actor_block& a, const actor_block& b) { return a.count < b.count; });
  const bool listed = largest.field.starts_with("actors[");
  throw scenario_error(fmt::format(
      "{}: {}{} actors of class {} (of {} in all) cannot fit: at least {} bytes each makes {:.3g} GiB per rank over {} "
      "rank(s), and this machine has {:.3g} GiB",
      s.file.string(), listed ? largest.field + ".count = " : largest.field + ": ", largest.count, largest.cls->name,
      s.actor_count, min_bytes_per_actor, per_rank / (1 << 30), ranks, static_cast<double>(memory_bytes) / (1 << 30)));
}

namespace {
std::uint64_t results_hash_of_table(toml::table relevant) {
  relevant.erase("checkpoint");
  if (toml::table* sim = relevant["simulation"].as_table()) sim->erase("output");
  std::ostringstream text;
  text << relevant;
  const std::string all = std::move(text).str();
  return XXH3_64bits(all.data(), all.size());
}
}  // namespace

std::uint64_t results_hash(const scenario& s) { return results_hash_of_table(*s.root); }

std::uint64_t results_hash_of_text(const std::string& text) {
  try {
    return results_hash_of_table(toml::parse(text));
  } catch (const toml::parse_error& e) {
    throw scenario_error(fmt::format("effective scenario text: {}", e.description()));
  }
}

}  // namespace kairos
