#include "checkpoint/manifest.hpp"

#include <fmt/format.h>

#include "kairos/core/error.hpp"

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

// JSON field names are the member names.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(settings, every_ticks, every_seconds, at_ticks, auto_mtbf_seconds, replicas,
                                   retention, ranks_per_node, dir)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(shard_copy, holder, node, file)

std::string manifest::name() const { return checkpoint_name(tick, generation); }

json to_json(const manifest& m) {
  json shards = json::array();
  for (const shard_entry& s : m.shards) {
    shards.push_back(
        {{"shard", s.shard}, {"size", s.size}, {"xxh3", fmt::format("{:016x}", s.checksum)}, {"copies", s.copies}});
  }
  return {{"format", "kairos-checkpoint-manifest"},
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
}

manifest manifest_from_json(const std::string& text, const std::string& where) {
  try {
    const json j = json::parse(text);
    if (j.at("format") != "kairos-checkpoint-manifest") throw checkpoint_error(where + ": not a Kairos checkpoint manifest");
    manifest m;
    m.format_version = j.at("format_version");
    m.generation = j.at("generation");
    m.tick = j.at("tick");
    m.ranks = j.at("ranks");
    m.nodes = j.at("nodes");
    m.replicas = j.at("replicas");
    m.scenario_hash = std::stoull(j.at("scenario_hash").get<std::string>(), nullptr, 16);
    m.engine_version = j.at("engine_version");
    m.scenario_file = j.at("scenario_file");
    m.output = j.at("output");
    m.write_seconds = j.at("write_seconds");
    m.checkpointing = j.at("checkpointing").get<settings>();
    for (const json& s : j.at("shards")) {
      shard_entry e;
      e.shard = s.at("shard");
      e.size = s.at("size");
      e.checksum = std::stoull(s.at("xxh3").get<std::string>(), nullptr, 16);
      e.copies = s.at("copies").get<std::vector<shard_copy>>();
      m.shards.push_back(std::move(e));
    }
    m.scenario_text = j.at("scenario");
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
