#include "checkpoint/checkpointer.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/logger.h>
#include <nlohmann/json.hpp>
#include <xxhash.h>

#include "checkpoint/durable_io.hpp"
#include "checkpoint/manifest.hpp"
#include "checkpoint/shard_file.hpp"
#include "checkpoint/test_hooks.hpp"
#include "kairos/core/error.hpp"
#include "kairos/core/version.hpp"
#include "log/logging.hpp"
#include "plugin/registry.hpp"
#include "transport/byte_buffer.hpp"

namespace kairos::checkpoint {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

volatile std::sig_atomic_t signal_seen = 0;
volatile std::sig_atomic_t interrupts_seen = 0;
extern "C" void on_checkpoint_signal(int) { signal_seen = 1; }

// Ctrl-C: the first asks for a checkpoint and a clean stop, like SIGTERM;
// the second ends the process at once. Only async-signal-safe calls here.
extern "C" void on_interrupt(int) {
  const std::sig_atomic_t before = interrupts_seen;
  interrupts_seen = before + 1;
  if (before > 0) {
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
    return;
  }
  signal_seen = 1;
  static const char note[] =
      "\nkairos: interrupted: checkpointing at the next tick boundary, then stopping (Ctrl-C again to abort)\n";
  [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, note, sizeof note - 1);
}

/// Every rank's node name (this_host_name()), on every rank.
std::vector<std::string> host_names(transport& net) {
  const std::vector<std::vector<std::byte>> all = net.gather(bytes_of(this_host_name()));
  json j = json::array();
  for (const auto& n : all) j.push_back(text_of(n));
  return json::parse(text_of(net.broadcast(bytes_of(j.dump())))).get<std::vector<std::string>>();
}

node_map node_map_of(const std::vector<std::string>& hosts, const settings& config) {
  try {
    return node_map(hosts, config.ranks_per_node, config.node_names);
  } catch (const std::invalid_argument& e) {
    throw error(exit_code::usage_error, std::string("--node-names: ") + e.what());
  }
}

std::uint64_t checksum(const std::vector<std::byte>& bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

/// Writes one copy of a shard and reads it back; returns the checksum of
/// what is on disk.
std::uint64_t write_copy(const fs::path& path, const std::vector<std::byte>& image) {
  write_durably(path, image.data(), image.size());
  return checksum(read_whole_file(path));
}

}  // namespace

bool stop_signal_seen() noexcept { return signal_seen != 0; }

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_checkpoint_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGUSR1, &action, nullptr);
  struct sigaction interrupt {};
  interrupt.sa_handler = on_interrupt;
  sigemptyset(&interrupt.sa_mask);
  sigaction(SIGINT, &interrupt, nullptr);
  // A launcher may hand the signals over blocked; one already pending is
  // delivered now, and asks for a stop like any other.
  sigset_t ours;
  sigemptyset(&ours);
  sigaddset(&ours, SIGTERM);
  sigaddset(&ours, SIGUSR1);
  sigaddset(&ours, SIGINT);
  sigprocmask(SIG_UNBLOCK, &ours, nullptr);
}

checkpointer::checkpointer(const scenario& s, settings config, fs::path output, transport& net,
                           std::uint64_t first_generation)
    : scenario_(s),
      config_(std::move(config)),
      output_(std::move(output)),
      net_(net),
      nodes_(node_map_of(host_names(net), config_)),
      scenario_hash_(results_hash(s)) {
  if (config_.dir.empty()) config_.dir = (output_ / "checkpoints" / "node{node}").string();
  // Absolute, so that a restart started elsewhere writes to the same place.
  config_.dir = fs::absolute(config_.dir).lexically_normal().string();
  std::ostringstream text;
  text << *s.root;
  scenario_text_ = std::move(text).str();
  const std::int64_t seen = catalogue::scan({my_directory()}).highest_generation();
  generation_ = net_.max(std::max<std::uint64_t>(first_generation, static_cast<std::uint64_t>(seen + 1)));
  if (net_.rank() == 0 && nodes_.effective_replicas(config_.replicas) < config_.replicas)
    logging::checkpoint().warn("{} replica(s) asked but only {} node(s): keeping {} replica(s) per shard",
                               config_.replicas, nodes_.nodes(), nodes_.effective_replicas(config_.replicas));
  last_wall_ = std::chrono::steady_clock::now();
}

fs::path checkpointer::my_directory() const {
  const int node = nodes_.node_of(net_.rank());
  return directory_for(config_.dir, node, nodes_.name_of(node), net_.rank());
}

bool checkpointer::writes_manifest() const {
  // One writer per distinct directory: the lowest rank writing there.
  const fs::path mine = my_directory().lexically_normal();
  for (int r = 0; r < net_.rank(); ++r)
    if (directory_for(config_.dir, nodes_.node_of(r), nodes_.name_of(nodes_.node_of(r)), r).lexically_normal() == mine)
      return false;
  return true;
}

bool checkpointer::checkpoint_wanted() {
  if (signal_seen) return true;
  if (net_.rank() != 0 || wall_due_) return wall_due_;
  double interval = config_.every_seconds;
  if (config_.auto_mtbf_seconds > 0) interval = std::sqrt(2 * measured_cost_ * config_.auto_mtbf_seconds);
  if (interval <= 0 || ++polls_ % 64 != 0) return false;  // the clock is read once per 64 diascas
  wall_due_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_wall_).count() >= interval;
  return wall_due_;
}

bool checkpointer::due_by_ticks(tick_t done, tick_t next) const {
  if (config_.every_ticks > 0 && next / config_.every_ticks > done / config_.every_ticks) return true;
  const auto it = std::upper_bound(config_.at_ticks.begin(), config_.at_ticks.end(), done);
  return it != config_.at_ticks.end() && *it <= next;
}

bool checkpointer::at_tick_boundary(simulation& sim, tick_t done, const diasca_decision& decision) {
  if (!decision.checkpoint_wanted && !due_by_ticks(done, decision.next_tick)) return false;
  const bool committed = take(sim, decision.next_tick);
  wall_due_ = false;
  // Stop if a signal reached any rank; every rank must agree.
  const bool stop = net_.sum({signal_seen ? 1u : 0u})[0] > 0;
  if (stop && !committed)
    throw runtime_error("a signal asked to checkpoint and stop, but the checkpoint failed (see the warning above); "
                        "the run is stopped without a new checkpoint");
  return stop;
}

shard_content checkpointer::identity() const {
  shard_content shard;
  shard.scenario_text = scenario_text_;
  shard.scenario_hash = scenario_hash_;
  shard.seed = scenario_.seed;
  shard.engine_version = engine_version;
  shard.abi_version = abi_version;
  shard.plugins = registry::instance().plugin_names();
  shard.generation = generation_;
  shard.shard = static_cast<std::uint32_t>(net_.rank());
  shard.shards = static_cast<std::uint32_t>(net_.size());
  shard.payload_byte_order = native_byte_order();
  return shard;
}

void checkpointer::save_final_state(const simulation& sim, const fs::path& dir) const {
  shard_content shard = identity();
  shard_builder builder(shard.shard);
  sim.capture(shard, builder, sim.statistics().last_tick + 1);
  const std::vector<std::byte> image = builder.finish(shard);
  std::error_code ec;
  fs::create_directories(dir, ec);  // every rank; a race between them is harmless
  write_durably(dir / fmt::format("final-state-{}.h5", net_.rank()), image.data(), image.size());
}

bool checkpointer::take(simulation& sim, tick_t resume_tick) {
  const auto started = std::chrono::steady_clock::now();
  const int rank = net_.rank();
  test_hooks::begin_checkpoint(rank);
  const std::string name = checkpoint_name(resume_tick, generation_);
  const fs::path dir = my_directory() / name;
  const unsigned k = nodes_.effective_replicas(config_.replicas);

  // 1. This rank's shard, written to its own node's storage.
  json report = json::object();
  std::vector<std::byte> image;
  std::vector<fs::path> written;
  try {
    shard_content shard = identity();
    shard_builder builder(shard.shard);
    sim.capture(shard, builder, resume_tick);  // actors and agenda compressed into the image as they come
    const auto captured = std::chrono::steady_clock::now();
    image = builder.finish(shard);
    const auto encoded = std::chrono::steady_clock::now();
    create_directories_durably(dir);
    const fs::path path = dir / shard_file_name(shard.shard, rank);
    written.push_back(path);
    const std::uint64_t sum = write_copy(path, image);
    const auto seconds_since = [](auto from, auto to) { return std::chrono::duration<double>(to - from).count(); };
    phases_ = fmt::format("capture and encode actors and agenda {:.2f} s, encode the rest {:.2f} s, write {:.2f} s",
                          seconds_since(started, captured),
                          seconds_since(captured, encoded), seconds_since(encoded, std::chrono::steady_clock::now()));
    report["origin"] = {{"size", image.size()}, {"xxh3", checksum(image)}};
    report["copies"] = json::array({{{"shard", rank}, {"file", path.filename().string()}, {"xxh3", sum}}});
  } catch (const std::exception& e) {
    report["error"] = e.what();
    image.clear();
  }
  test_hooks::crash_point("after-shard");

  // 2. Replicas: every rank takes part, even after an error, so none waits.
  std::vector<std::vector<std::byte>> outgoing(static_cast<std::size_t>(net_.size()));
  if (!image.empty())
    for (int holder : nodes_.replica_holders(rank, k)) outgoing[static_cast<std::size_t>(holder)] = image;
  std::vector<std::byte>().swap(image);
  const std::vector<std::vector<std::byte>> received = net_.all_to_all(outgoing);
  outgoing.clear();
  if (!report.contains("error")) {
    try {
      for (std::size_t source = 0; source < received.size(); ++source) {
        if (received[source].empty()) continue;
        const auto shard = static_cast<std::uint32_t>(source);
        const fs::path path = dir / shard_file_name(shard, rank);
        written.push_back(path);
        const std::uint64_t sum = write_copy(path, received[source]);
        report["copies"].push_back({{"shard", shard}, {"file", path.filename().string()}, {"xxh3", sum}});
      }
    } catch (const std::exception& e) {
      report["error"] = e.what();
    }
  }
  test_hooks::crash_point("after-replicas");

  // 3. Rank 0 checks that every shard has all its copies, each matching the
  // origin's checksum, and builds the manifest (or abandons).
  const std::vector<std::vector<std::byte>> reports = net_.gather(bytes_of(report.dump()));
  std::string problem;              // rank 0: why the checkpoint is abandoned
  std::string manifest_text;        // the manifest, empty when abandoned
  std::uint64_t copy_set_bytes = 0;  // rank 0: all shards, one copy each
  if (rank == 0) {
    manifest m;
    m.format_version = format_version;
    m.generation = generation_;
    m.tick = resume_tick;
    m.ranks = net_.size();
    m.nodes = nodes_.nodes();
    m.replicas = k;
    m.scenario_hash = scenario_hash_;
    m.engine_version = engine_version;
    m.scenario_text = scenario_text_;
    m.scenario_file = fs::absolute(scenario_.file).string();
    m.output = fs::absolute(output_).lexically_normal().string();
    m.checkpointing = config_;
    m.shards.resize(static_cast<std::size_t>(net_.size()));
    std::vector<json> parsed;
    for (const auto& bytes : reports) parsed.push_back(json::parse(text_of(bytes)));
    for (int r = 0; r < net_.size() && problem.empty(); ++r) {
      const json& j = parsed[static_cast<std::size_t>(r)];
      if (j.contains("error")) problem = fmt::format("rank {}: {}", r, j["error"].get<std::string>());
      else {
        m.shards[static_cast<std::size_t>(r)].shard = static_cast<std::uint32_t>(r);
        m.shards[static_cast<std::size_t>(r)].size = j["origin"]["size"];
        m.shards[static_cast<std::size_t>(r)].checksum = j["origin"]["xxh3"];
        copy_set_bytes += j["origin"]["size"].get<std::uint64_t>();
      }
    }
    for (int holder = 0; holder < net_.size() && problem.empty(); ++holder)
      for (const json& c : parsed[static_cast<std::size_t>(holder)]["copies"]) {
        shard_entry& e = m.shards[c["shard"].get<std::size_t>()];
        if (c["xxh3"].get<std::uint64_t>() != e.checksum)
          problem = fmt::format("rank {}: its copy of shard {} does not match the original's checksum", holder, e.shard);
        e.copies.push_back({holder, nodes_.node_of(holder), c["file"]});
      }
    for (const shard_entry& e : m.shards)
      if (problem.empty() && e.copies.size() != 1 + k)
        problem = fmt::format("shard {} has {} copies instead of {}", e.shard, e.copies.size(), 1 + k);
    m.write_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (problem.empty()) manifest_text = checkpoint::manifest_text(m);
  }
  manifest_text = text_of(net_.broadcast(bytes_of(manifest_text)));
  if (manifest_text.empty()) return abandon(name, dir, written, problem);

  // 4. Commit: one manifest per directory. The checkpoint is committed only
  // once every directory holds its manifest; if any write failed, the
  // manifests that were written go again and the checkpoint is abandoned
  // on every rank, so no run ever claims a commit that did not happen.
  std::string manifest_error;
  if (writes_manifest()) {
    const fs::path path = dir / manifest_file;
    written.insert(written.begin(), path);  // removed first if abandoned
    try {
      write_durably(path, manifest_text, "mid-manifest");
      test_hooks::crash_point("after-manifest");
    } catch (const std::exception& e) {
      manifest_error = e.what();
    }
  }
  const std::vector<std::vector<std::byte>> manifest_errors = net_.gather(bytes_of(manifest_error));
  if (net_.sum({manifest_error.empty() ? 0u : 1u})[0] > 0) {
    for (std::size_t r = 0; r < manifest_errors.size(); ++r)
      if (!manifest_errors[r].empty())
        problem += fmt::format("{}rank {} could not write its manifest: {}", problem.empty() ? "" : "; ", r,
                               text_of(manifest_errors[r]));
    return abandon(name, dir, written, problem);
  }

  // 5. Committed everywhere. LATEST (a pointer for people) and pruning are
  // housekeeping: their failure is a warning, not a lost checkpoint.
  std::string housekeeping_error;
  if (writes_manifest()) {
    try {
      write_durably(my_directory() / latest_file, name + "\n");
      prune(my_directory(), resume_tick);
    } catch (const std::exception& e) {
      housekeeping_error = e.what();
    }
  }
  const std::vector<std::vector<std::byte>> outcomes = net_.gather(bytes_of(housekeeping_error));
  last_committed_ = name;
  ++committed_;
  last_wall_ = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(last_wall_ - started).count();
  measured_cost_ = std::max(seconds, 1e-3);
  if (rank == 0) {
    for (std::size_t r = 0; r < outcomes.size(); ++r)
      if (!outcomes[r].empty())
        logging::checkpoint().warn(
            "checkpoint {} is committed, but rank {} could not update LATEST or remove older checkpoints: {}", name, r,
            text_of(outcomes[r]));
    logging::checkpoint().info(
        "checkpoint {} committed: {} shard(s), {} replica(s) each, {:.1f} MiB per copy set, {:.3f} s (rank 0: {})", name,
        net_.size(), k, static_cast<double>(copy_set_bytes) / (1 << 20), seconds, phases_);
  }
  return true;
}

bool checkpointer::abandon(const std::string& name, const fs::path& dir, const std::vector<fs::path>& written,
                           const std::string& problem) {
  // Manifest first (it is first in `written`): a checkpoint half removed
  // by a crash here is merely uncommitted.
  std::error_code ec;
  for (const fs::path& p : written) {
    fs::remove(p, ec);
    if (p.filename() == manifest_file) {
      try {
        sync_directory(dir);
      } catch (const std::exception&) {  // the removal stands; its durability is best effort
      }
    }
  }
  fs::remove(dir, ec);  // only if empty: other ranks may share it
  if (net_.rank() == 0)
    logging::checkpoint().warn(
        "checkpoint {} abandoned: {}; the run goes on, and the latest committed checkpoint ({}) is untouched", name,
        problem, last_committed_ ? *last_committed_ : std::string("none from this run"));
  return false;
}

void checkpointer::prune(const fs::path& dir, tick_t just_committed) const {
  // Keep the newest `retention` committed checkpoints of this generation.
  // Older generations go only once this one has that many, so a restart
  // from an older checkpoint never loses its fallback.
  struct found {
    tick_t tick;
    std::uint64_t generation;
    fs::path path;
    bool committed;
  };
  std::vector<found> all;
  std::error_code ec;
  for (const fs::directory_entry& d : fs::directory_iterator(dir, ec)) {
    found f{0, 0, d.path(), false};
    if (!d.is_directory(ec) || !parse_checkpoint_name(d.path().filename().string(), f.tick, f.generation)) continue;
    f.committed = fs::exists(d.path() / manifest_file, ec);
    all.push_back(f);
  }
  std::sort(all.begin(), all.end(), [](const found& a, const found& b) { return a.tick > b.tick; });
  std::size_t kept = 0;
  for (const found& f : all)
    if (f.generation == generation_ && f.committed) ++kept;
  std::size_t current_seen = 0;
  for (const found& f : all) {
    bool remove = false;
    if (f.generation == generation_) {
      if (f.committed) remove = ++current_seen > config_.retention;
      else remove = f.tick < just_committed;  // left by a crash mid-checkpoint
    } else {
      remove = kept >= config_.retention;
    }
    if (!remove) continue;
    // The manifest goes first: a half-removed checkpoint is then merely
    // uncommitted, never a committed one with missing shards.
    fs::remove(f.path / manifest_file, ec);
    sync_directory(f.path);
    fs::remove_all(f.path, ec);
  }
  sync_directory(dir);
}

}  // namespace kairos::checkpoint
