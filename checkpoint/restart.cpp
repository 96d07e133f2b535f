#include "checkpoint/restart.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <set>

#include <fmt/format.h>
#include <spdlog/logger.h>
#include <nlohmann/json.hpp>
#include <xxhash.h>

#include "checkpoint/durable_io.hpp"
#include "kairos/core/error.hpp"
#include "log/logging.hpp"
#include "plugin/registry.hpp"
#include "probe/probe_mode_bytes.hpp"
#include "transport/byte_buffer.hpp"

namespace kairos::checkpoint {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// Reads one copy of a shard and checks it against the manifest. Returns the
/// shard, or sets `problem`.
std::optional<shard_content> read_copy(const fs::path& path, const manifest& m, const shard_entry& e,
                                       std::string& problem) {
  try {
    const std::vector<std::byte> image = read_whole_file(path, e.size);
    if (image.size() != e.size) {
      problem = fmt::format("{}: {} bytes, the manifest says {} (truncated?)", path.string(), image.size(), e.size);
      return std::nullopt;
    }
    if (XXH3_64bits(image.data(), image.size()) != e.checksum) {
      problem = fmt::format("{}: checksum mismatch (corrupt)", path.string());
      return std::nullopt;
    }
    shard_content s = read_shard(image, path.string());
    if (s.shards != static_cast<std::uint32_t>(m.ranks)) {
      problem = fmt::format("{}: one of {} shard(s), the manifest says {}", path.string(), s.shards, m.ranks);
      return std::nullopt;
    }
    if (s.scenario_hash != m.scenario_hash || s.shard != e.shard || s.generation != m.generation ||
        s.position.resume_tick != m.tick) {
      problem = fmt::format("{}: belongs to another checkpoint or scenario than its manifest", path.string());
      return std::nullopt;
    }
    return s;
  } catch (const std::exception& ex) {
    problem = ex.what();
    return std::nullopt;
  }
}

/// Newest first: by tick, then generation.
bool newer(const std::string& a, const std::string& b) {
  tick_t ta, tb;
  std::uint64_t ga, gb;
  parse_checkpoint_name(a, ta, ga);
  parse_checkpoint_name(b, tb, gb);
  return std::tie(ta, ga) > std::tie(tb, gb);
}

/// Manifests are read with a bound: a manifest is a few hundred bytes per
/// shard plus the scenario text.
constexpr std::uint64_t max_manifest_bytes = std::uint64_t{256} << 20;

// Bytes read from disk (manifest texts, file names) travel between ranks as
// JSON; the dumps replace invalid UTF-8 instead of throwing, so a damaged
// manifest arrives as a text that fails its checksum, never as an error.

std::vector<std::byte> wire(const json& j) { return bytes_of(j.dump(-1, ' ', false, json::error_handler_t::replace)); }

/// What one rank finds in the manifest copies it sees, per checkpoint: each
/// distinct text with the paths holding it, and the copies it cannot read.
json read_manifest_copies(const catalogue& mine) {
  json out = json::object();
  for (const auto& [name, e] : mine.checkpoints) {
    std::map<std::string, std::vector<std::string>> paths_of_text;
    json unreadable = json::array();
    for (const fs::path& p : e.manifests) {
      try {
        paths_of_text[text_of(read_whole_file(p, max_manifest_bytes))].push_back(p.string());
      } catch (const std::exception& ex) {
        unreadable.push_back(ex.what());
      }
    }
    json texts = json::array();
    for (auto& [text, paths] : paths_of_text) texts.push_back({{"text", text}, {"paths", paths}});
    out[name] = {{"texts", texts}, {"unreadable", unreadable}};
  }
  return out;
}

/// One version of a checkpoint's manifest that passed its checks, and the
/// copies holding it.
struct manifest_version {
  std::string name, text;
  manifest parsed;
  std::set<std::string> paths;
};

/// Every checkpoint's manifest copies, as the ranks reported them (each
/// rank's read_manifest_copies), sorted into versions to try and problems.
/// Within a checkpoint, the version held by most copies comes first: a copy
/// that disagrees with the others is the damaged one.
struct manifest_census {
  std::vector<manifest_version> versions;  ///< newest checkpoint first
  std::map<std::string, std::vector<std::string>> problems;  ///< per checkpoint: damaged copies and why
  std::set<std::pair<std::string, std::string>> examined;    ///< (checkpoint, text) parsed already: each text once
  std::set<std::string> damaged_paths;                       ///< copies already named in `problems`

  void add(const json& report) {
    for (const auto& [name, found] : report.items()) {
      std::vector<std::string>& why = problems[name];
      const auto note = [&why](const std::string& problem) {  // ranks sharing a file system see the same copies
        if (std::find(why.begin(), why.end(), problem) == why.end()) why.push_back(problem);
      };
      for (const json& u : found.at("unreadable")) note(u.get<std::string>());
      for (const json& t : found.at("texts")) {
        const std::string text = t.at("text").get<std::string>();
        const auto paths = t.at("paths").get<std::vector<std::string>>();
        const auto same = std::find_if(versions.begin(), versions.end(),
                                       [&](const manifest_version& v) { return v.name == name && v.text == text; });
        if (same != versions.end()) {
          same->paths.insert(paths.begin(), paths.end());
          continue;
        }
        if (!examined.insert({name, text}).second) {  // found damaged when another rank reported it
          for (const std::string& p : paths)
            if (damaged_paths.insert(p).second) note(p + ": the same damage");
          continue;
        }
        damaged_paths.insert(paths.begin(), paths.end());  // reported below if this text is damaged
        try {
          manifest m = manifest_from_json(text, paths.front());
          if (m.name() != name)
            throw checkpoint_error(fmt::format("{}: describes checkpoint {}, not the one it is in", paths.front(),
                                               m.name()));
          versions.push_back({name, text, std::move(m), {paths.begin(), paths.end()}});
        } catch (const std::exception& e) {
          note(e.what());  // names paths.front()
          for (std::size_t i = 1; i < paths.size(); ++i) note(paths[i] + ": the same damage");
        }
      }
    }
  }

  void order() {
    std::stable_sort(versions.begin(), versions.end(), [](const manifest_version& a, const manifest_version& b) {
      if (a.name != b.name) return newer(a.name, b.name);
      return a.paths.size() > b.paths.size();
    });
  }
};

std::string dir_list(const std::vector<fs::path>& dirs) {
  std::string out;
  for (const fs::path& d : dirs) out += (out.empty() ? "" : ", ") + d.string();
  return out;
}

/// Rank 0's side of the search: proposes checkpoints newest first and, for
/// each, rounds of reads. Each round gives every shard not yet read to one
/// rank that sees a copy of it (preferring shard mod ranks, to spread the
/// reads); a shard whose copies all fail there goes to the next rank that
/// sees one, so a copy on any node's local storage counts.
class checkpoint_search {
 public:
  checkpoint_search(std::vector<catalogue> seen, manifest_census census, std::optional<std::uint64_t> expected_hash,
                    std::optional<std::string> only, std::string where)
      : seen_(std::move(seen)),
        census_(std::move(census)),
        expected_hash_(expected_hash),
        only_(std::move(only)),
        where_(std::move(where)) {
    catalogue all;
    for (const catalogue& c : seen_) all.merge(c);
    next_generation_ = static_cast<std::uint64_t>(all.highest_generation() + 1);
    census_.order();
    for (const auto& [name, e] : all.checkpoints)
      if (!e.manifests.empty() && (!only_ || name == *only_)) ++committed_seen_;
    // Checkpoints whose every manifest copy is damaged are rejected now.
    for (const auto& [name, problems] : census_.problems) {
      if (problems.empty() || (only_ && name != *only_)) continue;
      const bool has_version = std::any_of(census_.versions.begin(), census_.versions.end(),
                                           [&](const manifest_version& v) { return v.name == name; });
      std::string why;
      for (const std::string& p : problems) why += " [" + p + "]";
      if (has_version) logging::checkpoint().warn("{}: damaged manifest copies ignored:{}", name, why);
      else reject(fmt::format("{}: no intact manifest:{}", name, why));
    }
  }

  /// The first message: a round of reads, or the failure.
  json start() { return next_candidate(); }

  /// After a round: every reader's outcome, in rank order.
  json after(const std::vector<std::vector<std::byte>>& outcomes) {
    for (const auto& bytes : outcomes) {
      const json outcome = json::parse(text_of(bytes));
      for (const json& shard : outcome["ok"]) shards_[shard.get<std::size_t>()].resolved = true;
      for (const auto& [shard, problems] : outcome["failed"].items())
        for (const json& p : problems) shards_[std::stoul(shard)].problems.push_back(p.get<std::string>());
    }
    std::string problem;
    bool done = true;
    for (std::size_t shard = 0; shard < shards_.size(); ++shard) {
      const shard_search& s = shards_[shard];
      if (s.resolved) continue;
      done = false;
      if (!s.readers.empty()) continue;  // another rank sees a copy: next round
      problem += fmt::format("{}shard {} has no intact copy:", problem.empty() ? "" : "; ", shard);
      for (const std::string& p : s.problems) problem += " [" + p + "]";
    }
    if (done) {
      for (const std::string& why : rejected_) logging::checkpoint().info("passed over: {}", why);
      return {{"action", "use"}};
    }
    if (problem.empty()) return round(false);
    reject(fmt::format("{}: {}", current_, problem));
    return next_candidate();
  }

 private:
  struct shard_search {
    std::deque<int> readers;  ///< ranks that see a copy, not tried yet
    std::vector<std::string> problems;
    bool resolved = false;
  };

  json next_candidate() {
    while (next_ < census_.versions.size()) {
      const manifest_version& v = census_.versions[next_++];
      if (only_ && v.name != *only_) continue;
      current_ = v.name;
      try {
        if (start_candidate(v)) return round(true);
      } catch (const std::exception& e) {
        reject(e.what());
      }
    }
    std::string why;
    if (committed_seen_ == 0 && only_)
      why = fmt::format("no committed checkpoint {} under {} (looked for {}/{})", *only_, where_, *only_, manifest_file);
    else if (committed_seen_ == 0)
      why = fmt::format("no committed checkpoint under {} (looked for ckpt-*/{})", where_, manifest_file);
    else
      why = fmt::format("no usable checkpoint under {}", where_);
    for (const std::string& r : rejected_) why += "\n  " + r;
    return {{"action", "fail"}, {"message", why}};
  }

  /// Takes up one manifest version and finds who sees each shard; false
  /// (with the reason recorded) if some shard has no copy anywhere.
  bool start_candidate(const manifest_version& v) {
    manifest_text_ = v.text;
    manifest_ = v.parsed;
    if (expected_hash_ && manifest_.scenario_hash != *expected_hash_)
      throw checkpoint_error(
          fmt::format("{}: taken from another scenario (results hash {:016x}, the given scenario has {:016x})",
                      current_, manifest_.scenario_hash, *expected_hash_));
    shards_.assign(manifest_.shards.size(), {});
    std::vector<std::string> missing;
    const int ranks = static_cast<int>(seen_.size());
    for (const shard_entry& e : manifest_.shards) {
      for (int i = 0; i < ranks; ++i) {
        const int r = static_cast<int>((e.shard + static_cast<unsigned>(i)) % static_cast<unsigned>(ranks));
        if (!paths_seen_by(r, e).empty()) shards_[e.shard].readers.push_back(r);
      }
      if (shards_[e.shard].readers.empty()) {
        std::string copies;
        for (const shard_copy& c : e.copies)
          copies += fmt::format("{}{} (node {})", copies.empty() ? "" : ", ", c.file, c.node);
        missing.push_back(fmt::format("shard {}: no copy found (expected {})", e.shard, copies));
      }
    }
    if (missing.empty()) return true;
    std::string problem = fmt::format("{}: {} shard(s) without a usable copy: ", current_, missing.size());
    for (std::size_t i = 0; i < missing.size(); ++i) problem += (i ? "; " : "") + missing[i];
    reject(problem);
    return false;
  }

  /// Records why a checkpoint (or one version of its manifest) is not used:
  /// the final error lists them all, and a restart that goes on from an
  /// older one prints them first.
  void reject(const std::string& why) { rejected_.push_back(why); }

  std::vector<std::string> paths_seen_by(int rank, const shard_entry& e) const {
    std::vector<std::string> paths;
    const auto it = seen_[static_cast<std::size_t>(rank)].checkpoints.find(current_);
    if (it == seen_[static_cast<std::size_t>(rank)].checkpoints.end()) return paths;
    for (const shard_copy& c : e.copies)
      if (const auto f = it->second.files.find(c.file); f != it->second.files.end())
        for (const fs::path& p : f->second) paths.push_back(p.string());
    return paths;
  }

  json round(bool new_candidate) {
    json assignments = json::array();
    for (const shard_entry& e : manifest_.shards) {
      shard_search& s = shards_[e.shard];
      if (s.resolved) continue;
      const int reader = s.readers.front();
      s.readers.pop_front();
      assignments.push_back({{"shard", e.shard}, {"reader", reader}, {"paths", paths_seen_by(reader, e)}});
    }
    json message = {{"action", "read"}, {"assignments", assignments}, {"next_generation", next_generation_}};
    if (new_candidate) message["manifest"] = manifest_text_;
    return message;
  }

  std::vector<catalogue> seen_;
  manifest_census census_;
  std::optional<std::uint64_t> expected_hash_;
  std::optional<std::string> only_;
  std::string where_;
  std::size_t committed_seen_ = 0;
  std::uint64_t next_generation_ = 0;
  std::size_t next_ = 0;
  std::vector<std::string> rejected_;
  std::string current_, manifest_text_;
  manifest manifest_;
  std::vector<shard_search> shards_;
};

}  // namespace

found_checkpoint find_checkpoint(const std::vector<fs::path>& dirs, transport& net,
                                 std::optional<std::uint64_t> expected_hash, std::optional<std::string> only) {
  const int rank = net.rank();
  // What this rank sees, and the manifest copies it can read.
  const catalogue mine = catalogue::scan(dirs);
  const json report = {{"catalogue", mine.to_json()}, {"manifests", read_manifest_copies(mine)}};
  const std::vector<std::vector<std::byte>> reports = net.gather(wire(report));

  std::optional<checkpoint_search> search;
  json message;
  if (rank == 0) {
    std::vector<catalogue> seen;
    manifest_census census;
    for (const auto& bytes : reports) {
      const json j = json::parse(text_of(bytes));
      seen.emplace_back().merge(j["catalogue"]);
      census.add(j["manifests"]);
    }
    search.emplace(std::move(seen), std::move(census), expected_hash, std::move(only), dir_list(dirs));
    message = search->start();
  }

  // Every rank follows rank 0's messages: read what it is assigned, report,
  // until rank 0 says which checkpoint to use or that none is usable.
  found_checkpoint found;
  for (;;) {
    message = json::parse(text_of(net.broadcast(wire(message))));
    if (message["action"] == "fail") {
      if (rank == 0) throw checkpoint_error(message["message"].get<std::string>());
      throw failure_elsewhere(0, exit_code::checkpoint_error);
    }
    if (message["action"] == "use") return found;
    if (message.contains("manifest")) {  // a new candidate: forget the last one's shards
      found.chosen = manifest_from_json(message["manifest"].get<std::string>(), "manifest");
      found.next_generation = message["next_generation"];
      found.my_shards.clear();
    }
    json outcome = {{"ok", json::array()}, {"failed", json::object()}};
    for (const json& a : message["assignments"]) {
      if (a["reader"].get<int>() != rank) continue;
      const shard_entry& e = found.chosen.shards.at(a["shard"].get<std::size_t>());
      std::vector<std::string> problems;
      for (const json& p : a["paths"]) {
        std::string problem;
        if (auto s = read_copy(p.get<std::string>(), found.chosen, e, problem)) {
          found.my_shards.push_back(std::move(*s));
          problems.clear();
          break;
        }
        problems.push_back(problem);
      }
      if (problems.empty()) outcome["ok"].push_back(e.shard);
      else outcome["failed"][std::to_string(e.shard)] = problems;
    }
    const std::vector<std::vector<std::byte>> outcomes = net.gather(wire(outcome));
    if (rank == 0) message = search->after(outcomes);
  }
}

void accept_checkpoint_folders(std::vector<fs::path>& dirs, std::optional<std::string>& only) {
  for (fs::path& dir : dirs) {
    const fs::path absolute = fs::absolute(dir).lexically_normal();
    tick_t tick;
    std::uint64_t generation;
    const std::string name = (absolute.has_filename() ? absolute : absolute.parent_path()).filename().string();
    if (!parse_checkpoint_name(name, tick, generation)) continue;
    if (only && *only != name)
      throw error(exit_code::usage_error,
                  fmt::format("{} is checkpoint {}, but {} is asked for: name one checkpoint", dir.string(), name, *only));
    only = name;
    // NODE_DIR/ckpt-...: the other nodes' copies are beside NODE_DIR.
    dir = absolute.parent_path().parent_path();
  }
}

namespace {
/// Files a timed message of the checkpoint for its receiver on this rank.
void keep_timed(restored_state& out, timed_message m, const std::byte* payload) {
  m.offset = out.timed_payloads.size();
  out.timed_payloads.insert(out.timed_payloads.end(), payload, payload + m.size);
  out.timed.push_back(m);
}
}  // namespace

restored_state distribute(std::vector<shard_content>&& shards, const placement& where, transport& net) {
  const auto ranks = static_cast<std::size_t>(net.size());
  const auto me = static_cast<std::size_t>(net.rank());
  restored_state out;
  std::vector<std::vector<std::byte>> outgoing(ranks);
  std::vector<byte_writer> writers;
  for (auto& buffer : outgoing) writers.emplace_back(buffer);
  // Per destination: records of kind 'a' (actors), 's' (schedules), 'p'
  // (probe declaration), 'r' (run position). A shard's samples 'm',
  // counters 'c' and totals 't' stay with the rank that read it: the end of
  // the run sums and sorts them over all ranks, so no rank collects them.
  // Actors and schedules that stay on this rank are never serialised.
  byte_writer& reader = writers[me];
  for (shard_content& s : shards) {
    for (auto& w : writers) {
      w.put('r');
      w.put(s.position);
      for (const probe_declaration& d : s.probes) {
        w.put('p');
        w.put_string(d.name);
        w.put_strings(d.curves);
        put_probe_mode(w, d.mode);
      }
    }
    // Every actor's saved state stands alone (state archives carry no
    // preambles), so actors move as rows and byte ranges: none is built here.
    for (const std::string& name : s.classes)
      if (!registry::instance().find_class(name))
        throw checkpoint_error(fmt::format("shard {} holds actors of class '{}', which no loaded plugin defines",
                                           s.shard, name));
    const bool all_stay = std::all_of(s.aai.begin(), s.aai.end(),
                                      [&](aai_t aai) { return static_cast<std::size_t>(where.rank_of(aai)) == me; });
    if (all_stay) {  // the same rank count as the checkpoint's: the shard's columns as they are
      out.actors.push_back({s.classes, std::move(s.class_index), std::move(s.aai), std::move(s.rng_counter),
                            std::move(s.creations), std::move(s.state_size), std::move(s.states)});
    } else {
      std::vector<restored_state::actor_block> blocks(ranks);
      for (auto& b : blocks) b.classes = s.classes;
      std::size_t at = 0;
      for (std::size_t row = 0; row < s.aai.size(); ++row) {
        restored_state::actor_block& b = blocks[static_cast<std::size_t>(where.rank_of(s.aai[row]))];
        b.class_index.push_back(s.class_index[row]);
        b.aai.push_back(s.aai[row]);
        b.rng_counter.push_back(s.rng_counter[row]);
        b.creations.push_back(s.creations[row]);
        b.state_size.push_back(s.state_size[row]);
        b.archive.append(s.states, at, s.state_size[row]);
        at += s.state_size[row];
      }
      std::string().swap(s.states);
      for (std::size_t r = 0; r < ranks; ++r) {
        restored_state::actor_block& b = blocks[r];
        if (b.aai.empty()) continue;
        if (r == me) {
          out.actors.push_back(std::move(b));
          continue;
        }
        writers[r].put('a');
        writers[r].put_strings(b.classes);
        writers[r].put_vector(b.class_index);
        writers[r].put_vector(b.aai);
        writers[r].put_vector(b.rng_counter);
        writers[r].put_vector(b.creations);
        writers[r].put_vector(b.state_size);
        writers[r].put_string(b.archive);
      }
    }
    // Schedules, as two columns per other destination.
    std::vector<std::vector<std::uint64_t>> ticks(ranks), aais(ranks), periods(ranks);
    for (std::size_t i = 0; i < s.agenda_aai.size(); ++i) {
      const auto home = static_cast<std::size_t>(where.rank_of(s.agenda_aai[i]));
      if (home == me) {
        out.agenda.push_back({s.agenda_tick[i], s.agenda_aai[i], s.period_of(i)});
        continue;
      }
      ticks[home].push_back(s.agenda_tick[i]);
      aais[home].push_back(s.agenda_aai[i]);
      periods[home].push_back(s.period_of(i));
    }
    for (std::size_t r = 0; r < ranks; ++r) {
      if (aais[r].empty()) continue;
      writers[r].put('s');
      writers[r].put_vector(ticks[r]);
      writers[r].put_vector(aais[r]);
      writers[r].put_vector(periods[r]);
    }
    // Timed messages go where their receivers now live, one entry each.
    for (const timed_message& m : s.timed) {
      const auto home = static_cast<std::size_t>(where.rank_of(m.receiver));
      const std::byte* payload = s.timed_payloads.data() + m.offset;
      if (home == me) {
        keep_timed(out, m, payload);
        continue;
      }
      writers[home].put('T');
      writers[home].put(m);
      writers[home].put_bytes(payload, m.size);
    }
    reader.put('m');
    reader.put_string(std::string_view(reinterpret_cast<const char*>(s.samples.data()), s.samples.size()));
    for (std::size_t i = 0; i < s.counter_names.size(); ++i) {
      reader.put('c');
      reader.put_string(s.counter_names[i]);
      reader.put(s.counter_values[i]);
    }
    reader.put('t');
    reader.put(s.totals);
  }
  shards.clear();
  const std::vector<std::vector<std::byte>> received = net.all_to_all(outgoing);
  outgoing.clear();

  for (const auto& buffer : received) {
    byte_reader r(buffer);
    while (!r.done()) {
      switch (r.get<char>()) {
        case 'r': out.position = r.get<run_position>(); break;
        case 'p': {
          std::string name = r.get_string();
          std::vector<std::string> curves = r.get_strings();
          out.probes.push_back({std::move(name), std::move(curves), get_probe_mode(r)});
          break;
        }
        case 'a': {
          restored_state::actor_block b;
          b.classes = r.get_strings();
          b.class_index = r.get_vector<std::uint64_t>();
          b.aai = r.get_vector<aai_t>();
          b.rng_counter = r.get_vector<std::uint64_t>();
          b.creations = r.get_vector<std::uint64_t>();
          b.state_size = r.get_vector<std::uint64_t>();
          b.archive = r.get_string();
          std::uint64_t bytes = 0;
          for (std::uint64_t size : b.state_size) bytes += size;
          if (b.state_size.size() != b.aai.size() || bytes != b.archive.size())
            throw runtime_error("restart: actor rows and states disagree in the redistribution buffer");
          out.actors.push_back(std::move(b));
          break;
        }
        case 's': {
          const auto ticks = r.get_vector<std::uint64_t>();
          const auto aais = r.get_vector<std::uint64_t>();
          const auto periods = r.get_vector<std::uint64_t>();
          if (aais.size() != ticks.size() || periods.size() != ticks.size())
            throw runtime_error("restart: agenda columns disagree in the redistribution buffer");
          for (std::size_t i = 0; i < ticks.size(); ++i) out.agenda.push_back({ticks[i], aais[i], periods[i]});
          break;
        }
        case 'T': {
          const auto m = r.get<timed_message>();
          keep_timed(out, m, r.take(m.size));
          break;
        }
        case 'm': {
          const std::string blob = r.get_string();
          out.samples.emplace_back(reinterpret_cast<const std::byte*>(blob.data()),
                                   reinterpret_cast<const std::byte*>(blob.data() + blob.size()));
          break;
        }
        case 'c': {
          std::string name = r.get_string();
          out.counters[name] += r.get<std::uint64_t>();
          break;
        }
        case 't': {
          const auto t = r.get<rank_totals>();
          out.totals.activations += t.activations;
          out.totals.messages += t.messages;
          out.totals.remote_messages += t.remote_messages;
          out.totals.actors_created += t.actors_created;
          out.totals.actors_deleted += t.actors_deleted;
          break;
        }
        default: throw runtime_error("restart: malformed redistribution buffer");
      }
    }
  }
  return out;
}

bool is_shard_copy_name(const fs::path& path) {
  unsigned shard = 0, holder = 0;
  int consumed = 0;
  const std::string name = path.filename().string();
  return std::sscanf(name.c_str(), "shard-%u-on-%u.h5%n", &shard, &holder, &consumed) == 2 &&
         static_cast<std::size_t>(consumed) == name.size();
}

std::string verify_shard_copy(const fs::path& path) {
  const fs::path beside = path.parent_path().empty() ? fs::path(manifest_file) : path.parent_path() / manifest_file;
  const std::string file = path.filename().string();
  manifest m;
  try {
    m = manifest_from_json(text_of(read_whole_file(beside, max_manifest_bytes)), beside.string());
  } catch (const std::exception& e) {
    throw checkpoint_error(fmt::format("{}: cannot be verified, so it is not opened (HDF5 may crash on a damaged "
                                       "file): no intact manifest beside it ({})",
                                       path.string(), e.what()));
  }
  for (const shard_entry& e : m.shards)
    for (const shard_copy& c : e.copies) {
      if (c.file != file) continue;
      std::string problem;
      if (!read_copy(path, m, e, problem)) throw checkpoint_error(problem);
      return fmt::format("verified against {}: {} bytes, xxh3 {:016x}", beside.string(), e.size, e.checksum);
    }
  throw checkpoint_error(fmt::format("{}: cannot be verified, so it is not opened: {} does not list it", path.string(),
                                     beside.string()));
}

void describe_checkpoints(const std::vector<fs::path>& dirs, std::FILE* out) {
  const catalogue all = catalogue::scan(dirs);
  if (all.checkpoints.empty()) throw checkpoint_error(fmt::format("no checkpoint under {}", dir_list(dirs)));
  manifest_census census;
  census.add(read_manifest_copies(all));
  census.order();
  std::vector<std::string> names;
  for (const auto& [name, e] : all.checkpoints) names.push_back(name);
  std::sort(names.begin(), names.end(), newer);
  for (const std::string& name : names) {
    const catalogue::entry& e = all.checkpoints.at(name);
    if (e.manifests.empty()) {
      fmt::print(out, "{}: not committed (no manifest; an interrupted checkpoint)\n", name);
      continue;
    }
    std::vector<const manifest_version*> versions;
    for (const manifest_version& v : census.versions)
      if (v.name == name) versions.push_back(&v);
    for (const std::string& p : census.problems[name]) fmt::print(out, "{}: damaged manifest copy: {}\n", name, p);
    if (versions.empty()) {
      fmt::print(out, "{}: no intact manifest (NOT usable)\n", name);
      continue;
    }
    for (std::size_t i = 0; i < versions.size(); ++i) {
      const manifest& m = versions[i]->parsed;
      fmt::print(out,
                 "{}: {}resumes at tick {}, generation {}, {} shard(s) from {} rank(s) on {} node(s), {} replica(s), "
                 "written in {:.3f} s; manifest held by {} cop{}\n",
                 name, versions.size() > 1 ? fmt::format("manifest version {} of {}: ", i + 1, versions.size()) : "",
                 m.tick, m.generation, m.shards.size(), m.ranks, m.nodes, m.replicas, m.write_seconds,
                 versions[i]->paths.size(), versions[i]->paths.size() == 1 ? "y" : "ies");
      std::size_t usable_shards = 0;
      for (const shard_entry& s : m.shards) {
        std::string copies;
        bool usable = false;
        for (const shard_copy& c : s.copies) {
          const auto f = e.files.find(c.file);
          std::string state = "missing";
          if (f != e.files.end()) {
            state.clear();
            for (const fs::path& p : f->second) {
              std::string why;
              const bool ok = read_copy(p, m, s, why).has_value();
              usable = usable || ok;
              state += (state.empty() ? "" : ", ") + (ok ? "ok" : why);
            }
          }
          copies += fmt::format("\n      {} (node {}, rank {}): {}", c.file, c.node, c.holder, state);
        }
        usable_shards += usable ? 1 : 0;
        fmt::print(out, "    shard {}: {} bytes, xxh3 {:016x}, {}{}\n", s.shard, s.size, s.checksum,
                   usable ? "usable" : "NO INTACT COPY", copies);
      }
      fmt::print(out, "  => {}\n", usable_shards == m.shards.size() ? "usable" : "NOT usable");
    }
  }
}

}  // namespace kairos::checkpoint
