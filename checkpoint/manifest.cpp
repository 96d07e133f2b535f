#include "checkpoint/manifest.hpp"

#include <algorithm>
#include <limits>
#include <type_traits>

#include <fmt/format.h>
#include <xxhash.h>

#include "checkpoint/shard_file.hpp"
#include "kairos/core/error.hpp"
#include "scenario/scenario.hpp"

namespace kairos::checkpoint {

namespace fs = std::filesystem;
using nlohmann::json;

std::string checkpoint_name(tick_t tick, std::uint64_t generation) {
  return fmt::format("ckpt-{:012}-g{}", tick, generation);
}

std::string shard_file_name(std::uint32_t shard, int holder) { return fmt::format("shard-{:05}-on-{:05}.h5", shard, holder); }

bool parse_checkpoint_name(const std::string& name, tick_t& tick, std::uint64_t& generation) {
  unsigned long long t = 0, g = 0;
  int consumed = 0;
  if (std::sscanf(name.c_str(), "ckpt-%llu-g%llu%n", &t, &g, &consumed) != 2 ||
      static_cast<std::size_t>(consumed) != name.size())
    return false;
  tick = t;
  generation = g;
  return true;
}

namespace {

/// An integer field, range-checked for T: a manifest is input, and a float
/// or an out-of-range number converted blindly would be undefined behaviour.
template <class T>
T whole_value(const json& v, std::string_view key) {
  const auto out_of_range = [&] { return checkpoint_error(fmt::format("field '{}' out of range: {}", key, v.dump())); };
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) throw out_of_range();
    return static_cast<T>(u);
  }
  if (!v.is_number_integer()) throw checkpoint_error(fmt::format("field '{}' is not an integer: {}", key, v.dump()));
  const auto i = v.get<std::int64_t>();
  if (i < 0 && !std::is_signed_v<T>) throw out_of_range();
  if (i < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
      (i > 0 && static_cast<std::uint64_t>(i) > static_cast<std::uint64_t>(std::numeric_limits<T>::max())))
    throw out_of_range();
  return static_cast<T>(i);
}

template <class T>
T whole(const json& j, const char* key) {
  return whole_value<T>(j.at(key), key);
}

}  // namespace

// JSON field names are the member names.
void to_json(json& j, const settings& c) {
  j = {{"every_ticks", c.every_ticks}, {"every_seconds", c.every_seconds},
       {"at_ticks", c.at_ticks},       {"auto_mtbf_seconds", c.auto_mtbf_seconds},
       {"replicas", c.replicas},       {"retention", c.retention},
       {"ranks_per_node", c.ranks_per_node}, {"dir", c.dir}};
}

void from_json(const json& j, settings& c) {
  c.every_ticks = whole<std::uint64_t>(j, "every_ticks");
  c.every_seconds = j.at("every_seconds").get<double>();
  c.at_ticks.clear();
  for (const json& t : j.at("at_ticks")) c.at_ticks.push_back(whole_value<tick_t>(t, "at_ticks"));
  c.auto_mtbf_seconds = j.at("auto_mtbf_seconds").get<double>();
  c.replicas = whole<unsigned>(j, "replicas");
  c.retention = whole<unsigned>(j, "retention");
  c.ranks_per_node = whole<int>(j, "ranks_per_node");
  c.dir = j.at("dir").get<std::string>();
}

void to_json(json& j, const shard_copy& c) { j = {{"holder", c.holder}, {"node", c.node}, {"file", c.file}}; }

void from_json(const json& j, shard_copy& c) {
  c.holder = whole<int>(j, "holder");
  c.node = whole<int>(j, "node");
  c.file = j.at("file").get<std::string>();
}

std::string manifest::name() const { return checkpoint_name(tick, generation); }

namespace {

/// The manifest's own checksum: XXH3-64 of the compact dump of every field
/// but itself. nlohmann::json keeps keys sorted and prints numbers so that
/// they read back exactly, so the reader recomputes it from what it parsed,
/// whatever the file's layout.
std::uint64_t body_checksum(const json& body) {
  const std::string text = body.dump();
  return XXH3_64bits(text.data(), text.size());
}

constexpr const char* checksum_field = "manifest_xxh3";

/// Throws checkpoint_error naming `where` unless the manifest describes a
/// complete, well-formed checkpoint: one entry per rank, indices 0..ranks-1
/// each once, every copy on a rank and node of that run under the file name
/// its shard and holder give, and a scenario text that has its hash.
void validate(const manifest& m, const std::string& where) {
  const auto bad = [&](const std::string& what) { throw checkpoint_error(fmt::format("{}: {}", where, what)); };
  if (m.ranks < 1 || m.nodes < 1 || m.nodes > m.ranks)
    bad(fmt::format("{} rank(s) on {} node(s) is not a run", m.ranks, m.nodes));
  if (m.shards.size() != static_cast<std::size_t>(m.ranks))
    bad(fmt::format("lists {} shard(s) for a run of {} rank(s): incomplete", m.shards.size(), m.ranks));
  std::vector<bool> seen(m.shards.size());
  for (const shard_entry& e : m.shards) {
    if (e.shard >= m.shards.size()) bad(fmt::format("shard index {} out of range (0..{})", e.shard, m.ranks - 1));
    if (seen[e.shard]) bad(fmt::format("shard {} listed twice", e.shard));
    seen[e.shard] = true;
    if (e.copies.empty()) bad(fmt::format("shard {} has no copy", e.shard));
    for (const shard_copy& c : e.copies) {
      if (c.holder < 0 || c.holder >= m.ranks || c.node < 0 || c.node >= m.nodes ||
          c.file != shard_file_name(e.shard, c.holder))
        bad(fmt::format("shard {}: malformed copy '{}' (rank {}, node {})", e.shard, c.file, c.holder, c.node));
    }
  }
  std::uint64_t text_hash = 0;
  try {
    text_hash = results_hash_of_text(m.scenario_text);
  } catch (const std::exception& e) {
    bad(fmt::format("stored scenario does not parse: {}", e.what()));
  }
  if (text_hash != m.scenario_hash)
    bad(fmt::format("stored scenario hashes to {:016x}, the manifest says {:016x}", text_hash, m.scenario_hash));
}

}  // namespace

json to_json(const manifest& m) {
  json shards = json::array();
  for (const shard_entry& s : m.shards) {
    shards.push_back(
        {{"shard", s.shard}, {"size", s.size}, {"xxh3", fmt::format("{:016x}", s.checksum)}, {"copies", s.copies}});
  }
  json body = {{"format", "kairos-checkpoint-manifest"},
               {"format_version", m.format_version},
               {"generation", m.generation},
               {"tick", m.tick},
               {"ranks", m.ranks},
               {"nodes", m.nodes},
               {"replicas", m.replicas},
               {"scenario_hash", fmt::format("{:016x}", m.scenario_hash)},
               {"engine_version", m.engine_version},
               {"scenario_file", m.scenario_file},
               {"output", m.output},
               {"write_seconds", m.write_seconds},
               {"checkpointing", m.checkpointing},
               {"shards", shards},
               {"scenario", m.scenario_text}};
  body[checksum_field] = fmt::format("{:016x}", body_checksum(body));
  return body;
}

std::string manifest_text(const manifest& m) { return to_json(m).dump(1) + "\n"; }

manifest manifest_from_json(const std::string& text, const std::string& where) {
  try {
    json j = json::parse(text);
    if (!j.is_object() || !j.contains("format") || j["format"] != "kairos-checkpoint-manifest")
      throw checkpoint_error(where + ": not a Kairos checkpoint manifest");
    // The version first: another version may protect itself differently.
    manifest m;
    m.format_version = whole<std::uint64_t>(j, "format_version");
    if (m.format_version != format_version)
      throw checkpoint_error(fmt::format("{}: checkpoint format version {} (this kairos reads version {})", where,
                                         m.format_version, format_version));
    if (!j.contains(checksum_field) || !j[checksum_field].is_string())
      throw checkpoint_error(where + ": the manifest has no checksum (damaged, or written by an older kairos)");
    const std::string stored = j[checksum_field].get<std::string>();
    j.erase(checksum_field);
    if (stored != fmt::format("{:016x}", body_checksum(j)))
      throw checkpoint_error(where + ": manifest checksum mismatch (damaged)");
    m.generation = whole<std::uint64_t>(j, "generation");
    m.tick = whole<tick_t>(j, "tick");
    m.ranks = whole<int>(j, "ranks");
    m.nodes = whole<int>(j, "nodes");
    m.replicas = whole<unsigned>(j, "replicas");
    m.scenario_hash = std::stoull(j.at("scenario_hash").get<std::string>(), nullptr, 16);
    m.engine_version = j.at("engine_version");
    m.scenario_file = j.at("scenario_file");
    m.output = j.at("output");
    m.write_seconds = j.at("write_seconds");
    m.checkpointing = j.at("checkpointing").get<settings>();
    for (const json& s : j.at("shards")) {
      shard_entry e;
      e.shard = whole<std::uint32_t>(s, "shard");
      e.size = whole<std::uint64_t>(s, "size");
      e.checksum = std::stoull(s.at("xxh3").get<std::string>(), nullptr, 16);
      e.copies = s.at("copies").get<std::vector<shard_copy>>();
      m.shards.push_back(std::move(e));
    }
    m.scenario_text = j.at("scenario");
    validate(m, where);
    // In shard order, so that shards[i] is shard i for every reader.
    std::sort(m.shards.begin(), m.shards.end(),
              [](const shard_entry& a, const shard_entry& b) { return a.shard < b.shard; });
    return m;
  } catch (const checkpoint_error&) {
    throw;
  } catch (const std::exception& e) {
    throw checkpoint_error(fmt::format("{}: unreadable manifest: {}", where, e.what()));
  }
}

namespace {
void scan_node_directory(const fs::path& dir, catalogue& out) {
  std::error_code ec;
  for (const fs::directory_entry& d : fs::directory_iterator(dir, ec)) {
    tick_t tick;
    std::uint64_t generation;
    const std::string name = d.path().filename().string();
    if (!d.is_directory(ec) || !parse_checkpoint_name(name, tick, generation)) continue;
    catalogue::entry& e = out.checkpoints[name];
    for (const fs::directory_entry& f : fs::directory_iterator(d.path(), ec)) {
      const std::string file = f.path().filename().string();
      if (file == manifest_file) e.manifests.push_back(f.path());
      else if (file.starts_with("shard-") && file.ends_with(".h5")) e.files[file].push_back(f.path());
    }
  }
}

bool holds_checkpoints(const fs::path& dir) {
  std::error_code ec;
  for (const fs::directory_entry& d : fs::directory_iterator(dir, ec))
    if (d.path().filename().string().starts_with("ckpt-")) return true;
  return false;
}
}  // namespace

catalogue catalogue::scan(const std::vector<fs::path>& dirs) {
  catalogue out;
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    if (holds_checkpoints(dir)) {
      scan_node_directory(dir, out);
      continue;
    }
    for (const fs::directory_entry& sub : fs::directory_iterator(dir, ec))
      if (sub.is_directory(ec)) scan_node_directory(sub.path(), out);
  }
  return out;
}

std::int64_t catalogue::highest_generation() const {
  std::int64_t highest = -1;
  for (const auto& [name, e] : checkpoints) {
    tick_t tick;
    std::uint64_t generation;
    if (parse_checkpoint_name(name, tick, generation)) highest = std::max(highest, static_cast<std::int64_t>(generation));
  }
  return highest;
}

json catalogue::to_json() const {
  json j = json::object();
  for (const auto& [name, e] : checkpoints) {
    json files = json::object();
    for (const auto& [file, paths] : e.files) {
      json p = json::array();
      for (const fs::path& path : paths) p.push_back(path.string());
      files[file] = p;
    }
    json manifests = json::array();
    for (const fs::path& m : e.manifests) manifests.push_back(m.string());
    j[name] = {{"manifests", manifests}, {"files", files}};
  }
  return j;
}

namespace {
void add_unique(std::vector<fs::path>& into, const fs::path& p) {
  if (std::find(into.begin(), into.end(), p) == into.end()) into.push_back(p);
}
}  // namespace

void catalogue::merge(const json& other) {
  for (const auto& [name, e] : other.items()) {
    entry& mine = checkpoints[name];
    for (const json& m : e.at("manifests")) add_unique(mine.manifests, m.get<std::string>());
    for (const auto& [file, paths] : e.at("files").items())
      for (const json& p : paths) add_unique(mine.files[file], p.get<std::string>());
  }
}

void catalogue::merge(const catalogue& other) {
  for (const auto& [name, e] : other.checkpoints) {
    entry& mine = checkpoints[name];
    for (const fs::path& m : e.manifests) add_unique(mine.manifests, m);
    for (const auto& [file, paths] : e.files)
      for (const fs::path& p : paths) add_unique(mine.files[file], p);
  }
}

}  // namespace kairos::checkpoint
