#pragma once

// The manifest of a checkpoint (manifest.json, one copy in each node's
// checkpoint directory): what a committed checkpoint consists of, so that a
// restart can find and verify every shard. It carries its own checksum, and
// a restart treats a copy that fails it, or that describes an incomplete
// checkpoint, as one damaged copy among the nodes' copies. A checkpoint is
// committed once its manifest is in place in every checkpoint directory.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checkpoint/settings.hpp"
#include "kairos/core/types.hpp"

namespace kairos::checkpoint {

struct shard_copy {
  int holder = 0;  ///< rank that wrote this copy
  int node = 0;    ///< its node
  std::string file;
};

struct shard_entry {
  std::uint32_t shard = 0;
  std::uint64_t size = 0;
  std::uint64_t checksum = 0;  ///< XXH3-64 of the whole file
  std::vector<shard_copy> copies;
};

struct manifest {
  std::uint64_t format_version = 0;
  std::uint64_t generation = 0;
  tick_t tick = 0;  ///< resume tick
  int ranks = 0;
  int nodes = 0;
  unsigned replicas = 0;  ///< effective k
  std::uint64_t scenario_hash = 0;
  std::string engine_version;
  std::string scenario_text;  ///< effective scenario, to rebuild the run from
  std::string scenario_file;  ///< where the scenario was read from (its directory is searched for plugins)
  std::string output;         ///< the run's output directory
  settings checkpointing;     ///< carried on by a restarted run
  double write_seconds = 0;
  std::vector<shard_entry> shards;

  std::string name() const;
};

void to_json(nlohmann::json& j, const settings& c);
/// Throws for a missing field, a wrong type or an integer out of range.
void from_json(const nlohmann::json& j, settings& c);
void to_json(nlohmann::json& j, const shard_copy& c);
void from_json(const nlohmann::json& j, shard_copy& c);

/// The manifest as JSON, its own checksum (manifest_xxh3) included.
nlohmann::json to_json(const manifest& m);
/// The text of manifest.json.
std::string manifest_text(const manifest& m);
/// Parses and verifies a manifest. Throws checkpoint_error naming `where`
/// when the text is not a manifest, fails its checksum, is of another format
/// version, or does not describe a complete checkpoint (a shard per rank,
/// each index once, well-formed copies, a scenario matching its hash).
manifest manifest_from_json(const std::string& text, const std::string& where);

/// "ckpt-000000001000-g1": sorts by tick.
std::string checkpoint_name(tick_t tick, std::uint64_t generation);
std::string shard_file_name(std::uint32_t shard, int holder);
inline constexpr const char* manifest_file = "manifest.json";
inline constexpr const char* latest_file = "LATEST";

/// What one rank sees of the checkpoints under some directories: for each
/// checkpoint name, its manifests and shard files (by file name).
struct catalogue {
  struct entry {
    std::vector<std::filesystem::path> manifests;
    std::map<std::string, std::vector<std::filesystem::path>> files;
  };
  std::map<std::string, entry> checkpoints;

  /// Each directory is either a node's checkpoint directory (holding ckpt-*)
  /// or a parent of such directories (one level down).
  static catalogue scan(const std::vector<std::filesystem::path>& dirs);
  /// Highest generation among the checkpoints seen, or -1.
  std::int64_t highest_generation() const;
  nlohmann::json to_json() const;
  /// Adds what another rank saw (its to_json()), or another catalogue.
  void merge(const nlohmann::json& other);
  void merge(const catalogue& other);
};

/// Parses a checkpoint directory name; false if it is not one.
bool parse_checkpoint_name(const std::string& name, tick_t& tick, std::uint64_t& generation);

}  // namespace kairos::checkpoint
