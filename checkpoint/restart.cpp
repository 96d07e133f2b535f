#include "checkpoint/restart.hpp"

#include <algorithm>
#include <memory>
#include <new>
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <xxhash.h>

#include "checkpoint/durable_io.hpp"
#include "kairos/core/error.hpp"
#include "plugin/registry.hpp"
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
    const std::vector<std::byte> image = read_whole_file(path);
    if (image.size() != e.size) {
      problem = fmt::format("{}: {} bytes, the manifest says {} (truncated?)", path.string(), image.size(), e.size);
      return std::nullopt;
    }
    if (XXH3_64bits(image.data(), image.size()) != e.checksum) {
      problem = fmt::format("{}: checksum mismatch (corrupt)", path.string());
      return std::nullopt;
    }
    shard_content s = read_shard(image, path.string());
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
std::vector<std::string> candidates_newest_first(const catalogue& all) {
  std::vector<std::string> names;
  for (const auto& [name, e] : all.checkpoints)
    if (!e.manifests.empty()) names.push_back(name);
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    tick_t ta, tb;
    std::uint64_t ga, gb;
    parse_checkpoint_name(a, ta, ga);
    parse_checkpoint_name(b, tb, gb);
    return std::tie(ta, ga) > std::tie(tb, gb);
  });
  return names;
}

/// The first manifest of `name` that reads, among those `c` sees.
std::optional<std::string> readable_manifest(const catalogue::entry& e, std::string& problem) {
  for (const fs::path& p : e.manifests) {
    try {
      const std::vector<std::byte> bytes = read_whole_file(p);
      const std::string text = text_of(bytes);
      manifest_from_json(text, p.string());
      return text;
    } catch (const std::exception& ex) {
      problem = ex.what();
    }
  }
  return std::nullopt;
}

std::string dir_list(const std::vector<fs::path>& dirs) {
  std::string out;
  for (const fs::path& d : dirs) out += (out.empty() ? "" : ", ") + d.string();
  return out;
}

/// Rank 0: the plan for trying one checkpoint, or why it cannot be tried.
json plan_for(const std::string& name, const std::string& manifest_text, const std::vector<catalogue>& seen,
              std::string& problem) {
  const manifest m = manifest_from_json(manifest_text, name + "/" + manifest_file);
  json assignments = json::array();
  std::vector<std::string> missing;
  const int ranks = static_cast<int>(seen.size());
  for (const shard_entry& e : m.shards) {
    // A reader that sees a copy, preferring shard mod ranks to spread reads.
    int reader = -1;
    std::vector<std::string> paths;
    for (int i = 0; i < ranks && reader < 0; ++i) {
      const int r = (static_cast<int>(e.shard) + i) % ranks;
      const auto it = seen[static_cast<std::size_t>(r)].checkpoints.find(name);
      if (it == seen[static_cast<std::size_t>(r)].checkpoints.end()) continue;
      for (const shard_copy& c : e.copies) {
        const auto f = it->second.files.find(c.file);
        if (f == it->second.files.end()) continue;
        for (const fs::path& p : f->second) paths.push_back(p.string());
      }
      if (!paths.empty()) reader = r;
    }
    if (reader < 0) {
      std::string copies;
      for (const shard_copy& c : e.copies) copies += fmt::format("{}{} (node {})", copies.empty() ? "" : ", ", c.file, c.node);
      missing.push_back(fmt::format("shard {}: no copy found (expected {})", e.shard, copies));
      continue;
    }
    assignments.push_back({{"shard", e.shard}, {"reader", reader}, {"paths", paths}});
  }
  if (!missing.empty()) {
    problem = fmt::format("{} shard(s) without a usable copy: ", missing.size());
    for (std::size_t i = 0; i < missing.size(); ++i) problem += (i ? "; " : "") + missing[i];
    return nullptr;
  }
  return {{"action", "try"}, {"name", name}, {"manifest", manifest_text}, {"assignments", assignments}};
}

}  // namespace

found_checkpoint find_checkpoint(const std::vector<fs::path>& dirs, transport& net,
                                 std::optional<std::uint64_t> expected_hash) {
  const int rank = net.rank();
  // What this rank sees, and the manifests it can read.
  const catalogue mine = catalogue::scan(dirs);
  json report = {{"catalogue", mine.to_json()}, {"manifests", json::object()}};
  for (const auto& [name, e] : mine.checkpoints) {
    std::string problem;
    if (const auto text = readable_manifest(e, problem)) report["manifests"][name] = *text;
  }
  const std::vector<std::vector<std::byte>> reports = net.gather(bytes_of(report.dump()));

  // Rank 0 proposes candidates newest first; every rank reads what it is
  // assigned; rank 0 decides from the outcomes.
  std::vector<catalogue> seen;
  catalogue all;
  std::map<std::string, std::string> manifests;
  std::vector<std::string> candidates;
  std::vector<std::string> rejected;
  std::uint64_t next_generation = 0;
  if (rank == 0) {
    for (const auto& bytes : reports) {
      const json j = json::parse(text_of(bytes));
      catalogue c;
      c.merge(j["catalogue"]);
      all.merge(j["catalogue"]);
      seen.push_back(std::move(c));
      for (const auto& [name, text] : j["manifests"].items()) manifests.emplace(name, text.get<std::string>());
    }
    candidates = candidates_newest_first(all);
    next_generation = static_cast<std::uint64_t>(all.highest_generation() + 1);
  }

  std::size_t next_candidate = 0;  // rank 0's
  for (;;) {
    json plan;
    if (rank == 0) {
      while (next_candidate < candidates.size() && plan.is_null()) {
        const std::string& name = candidates[next_candidate++];
        std::string problem;
        const auto text = manifests.find(name);
        if (text == manifests.end()) {
          rejected.push_back(fmt::format("{}: no readable manifest", name));
          continue;
        }
        try {
          const manifest m = manifest_from_json(text->second, name);
          if (m.format_version != format_version)
            throw checkpoint_error(fmt::format("{}: checkpoint format version {} (this kairos reads version {})", name,
                                               m.format_version, format_version));
          if (expected_hash && m.scenario_hash != *expected_hash)
            throw checkpoint_error(fmt::format(
                "{}: taken from another scenario (results hash {:016x}, the given scenario has {:016x})", name,
                m.scenario_hash, *expected_hash));
          plan = plan_for(name, text->second, seen, problem);
        } catch (const std::exception& e) {
          problem = e.what();
        }
        if (plan.is_null()) rejected.push_back(fmt::format("{}: {}", name, problem));
      }
      if (plan.is_null()) {
        std::string why = candidates.empty()
                              ? fmt::format("no committed checkpoint under {} (looked for ckpt-*/{})", dir_list(dirs),
                                            manifest_file)
                              : fmt::format("no usable checkpoint under {}", dir_list(dirs));
        for (const std::string& r : rejected) why += "\n  " + r;
        plan = {{"action", "fail"}, {"message", why}};
      }
      plan["next_generation"] = next_generation;
    }
    plan = json::parse(text_of(net.broadcast(bytes_of(plan.dump()))));
    if (plan["action"] == "fail") {
      if (rank == 0) throw checkpoint_error(plan["message"].get<std::string>());
      throw failure_elsewhere(0, exit_code::checkpoint_error);
    }

    found_checkpoint found;
    found.chosen = manifest_from_json(plan["manifest"].get<std::string>(), plan["name"].get<std::string>());
    found.next_generation = plan["next_generation"];
    json outcome = json::object();
    for (const json& a : plan["assignments"]) {
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
      if (!problems.empty()) outcome[std::to_string(e.shard)] = problems;
    }
    const std::vector<std::vector<std::byte>> outcomes = net.gather(bytes_of(outcome.dump()));
    json verdict = {{"use", true}};
    if (rank == 0) {
      std::string problem;
      for (const auto& bytes : outcomes) {
        const json failed = json::parse(text_of(bytes));
        for (const auto& [shard, problems] : failed.items()) {
          problem += fmt::format("{}shard {} has no intact copy:", problem.empty() ? "" : "; ", shard);
          for (const json& p : problems) problem += " [" + p.get<std::string>() + "]";
        }
      }
      if (!problem.empty()) {
        rejected.push_back(fmt::format("{}: {}", found.chosen.name(), problem));
        std::fprintf(stderr, "kairos: %s is not usable (%s); trying an older checkpoint\n", found.chosen.name().c_str(),
                     problem.c_str());
        verdict = {{"use", false}};
      }
    }
    verdict = json::parse(text_of(net.broadcast(bytes_of(verdict.dump()))));
    if (verdict["use"].get<bool>()) return found;
  }
}

restored_state distribute(std::vector<shard_content>&& shards, const placement& where, transport& net) {
  const auto ranks = static_cast<std::size_t>(net.size());
  std::vector<std::vector<std::byte>> outgoing(ranks);
  std::vector<byte_writer> writers;
  for (auto& buffer : outgoing) writers.emplace_back(buffer);
  // Per destination: records of kind 'a' (actor), 's' (schedule), 'p'
  // (probe declaration), 'r' (run position); to rank 0 also 'm' (samples),
  // 'c' (counter), 't' (totals).
  for (shard_content& s : shards) {
    for (auto& w : writers) {
      w.put('r');
      w.put(s.position);
      for (const probe_declaration& d : s.probes) {
        w.put('p');
        w.put_string(d.name);
        w.put(static_cast<std::uint64_t>(d.curves.size()));
        for (const std::string& c : d.curves) w.put_string(c);
      }
    }
    // Each slice's archive is read in order; every actor is built, then
    // saved again into the archive of its new rank, one per destination:
    // no per-actor archive on either side.
    std::vector<const class_info*> classes;
    for (const std::string& name : s.classes) {
      const class_info* cls = registry::instance().find_class(name);
      if (!cls)
        throw checkpoint_error(fmt::format("shard {} holds actors of class '{}', which no loaded plugin defines",
                                           s.shard, name));
      classes.push_back(cls);
    }
    std::vector<restored_state::actor_block> blocks(ranks);
    {
      std::vector<std::unique_ptr<state_archive_writer>> archives;
      for (auto& b : blocks) archives.push_back(std::make_unique<state_archive_writer>(b.archive));
      std::size_t row = 0, at = 0;
      for (std::size_t slice = 0; slice < s.slice_rows.size(); ++slice) {
        state_archive_reader reader(std::string_view(s.states).substr(at, s.slice_bytes[slice]));
        for (const std::size_t end = row + s.slice_rows[slice]; row < end; ++row) {
          const class_info& cls = *classes[s.class_index[row]];
          const archived_actor fields{&cls, s.aai[row], s.rng_counter[row], static_cast<std::uint32_t>(s.creations[row])};
          // The actor lives here just long enough to be saved again.
          struct scratch {
            const class_info& cls;
            void* storage = ::operator new(cls.size, std::align_val_t(cls.align));
            actor* built = nullptr;
            ~scratch() {
              if (built) cls.destroy(*built);
              ::operator delete(storage, std::align_val_t(cls.align));
            }
          } object{cls};
          object.built = &reader.next(fields, object.storage);
          const auto home = static_cast<std::size_t>(where.rank_of(fields.aai));
          archives[home]->append(cls, *object.built);
          blocks[home].class_names.emplace_back(cls.name);
          blocks[home].aai.push_back(fields.aai);
          blocks[home].rng_counter.push_back(fields.rng_counter);
          blocks[home].creations.push_back(fields.creations);
        }
        at += s.slice_bytes[slice];
      }
    }
    for (std::size_t r = 0; r < ranks; ++r) {
      const restored_state::actor_block& b = blocks[r];
      if (b.aai.empty()) continue;
      writers[r].put('a');
      writers[r].put(static_cast<std::uint64_t>(b.aai.size()));
      for (std::size_t i = 0; i < b.aai.size(); ++i) {
        writers[r].put_string(b.class_names[i]);
        writers[r].put(b.aai[i]);
        writers[r].put(b.rng_counter[i]);
        writers[r].put(b.creations[i]);
      }
      writers[r].put_string(b.archive);
    }
    std::string().swap(s.states);
    for (std::size_t i = 0; i < s.agenda_aai.size(); ++i) {
      byte_writer& w = writers[static_cast<std::size_t>(where.rank_of(s.agenda_aai[i]))];
      w.put('s');
      w.put(s.agenda_tick[i]);
      w.put(s.agenda_aai[i]);
    }
    writers[0].put('m');
    writers[0].put_string(std::string_view(reinterpret_cast<const char*>(s.samples.data()), s.samples.size()));
    for (std::size_t i = 0; i < s.counter_names.size(); ++i) {
      writers[0].put('c');
      writers[0].put_string(s.counter_names[i]);
      writers[0].put(s.counter_values[i]);
    }
    writers[0].put('t');
    writers[0].put(s.totals);
  }
  shards.clear();
  const std::vector<std::vector<std::byte>> received = net.all_to_all(outgoing);
  outgoing.clear();

  restored_state out;
  for (const auto& buffer : received) {
    byte_reader r(buffer);
    while (!r.done()) {
      switch (r.get<char>()) {
        case 'r': out.position = r.get<run_position>(); break;
        case 'p': {
          probe_declaration d{r.get_string(), {}};
          d.curves.resize(r.get<std::uint64_t>());
          for (std::string& c : d.curves) c = r.get_string();
          out.probes.push_back(std::move(d));
          break;
        }
        case 'a': {
          restored_state::actor_block b;
          const auto rows = r.get<std::uint64_t>();
          for (std::uint64_t i = 0; i < rows; ++i) {
            b.class_names.push_back(r.get_string());
            b.aai.push_back(r.get<aai_t>());
            b.rng_counter.push_back(r.get<std::uint64_t>());
            b.creations.push_back(r.get<std::uint32_t>());
          }
          b.archive = r.get_string();
          out.actors.push_back(std::move(b));
          break;
        }
        case 's': {
          const auto tick = r.get<std::uint64_t>();
          out.agenda.emplace_back(tick, r.get<std::uint64_t>());
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

void describe_checkpoints(const std::vector<fs::path>& dirs, std::FILE* out) {
  const catalogue all = catalogue::scan(dirs);
  if (all.checkpoints.empty()) throw checkpoint_error(fmt::format("no checkpoint under {}", dir_list(dirs)));
  for (const std::string& name : candidates_newest_first(all)) {
    const catalogue::entry& e = all.checkpoints.at(name);
    std::string problem;
    const auto text = readable_manifest(e, problem);
    if (!text) {
      fmt::print(out, "{}: manifest unreadable: {}\n", name, problem);
      continue;
    }
    const manifest m = manifest_from_json(*text, name);
    fmt::print(out, "{}: committed, resumes at tick {}, generation {}, {} shard(s) from {} rank(s) on {} node(s), {} "
                    "replica(s), written in {:.3f} s\n",
               name, m.tick, m.generation, m.shards.size(), m.ranks, m.nodes, m.replicas, m.write_seconds);
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
  for (const auto& [name, e] : all.checkpoints)
    if (e.manifests.empty()) fmt::print(out, "{}: not committed (no manifest; an interrupted checkpoint)\n", name);
}

}  // namespace kairos::checkpoint
