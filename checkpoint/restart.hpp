#pragma once

// Finding and loading a checkpoint for `kairos restart`, on any rank count:
// the newest committed checkpoint whose every shard has an intact copy
// somewhere, its shards read in parallel by the ranks that see them, and
// its actors sent to the ranks that host them now.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string>
#include <vector>

#include "checkpoint/manifest.hpp"
#include "checkpoint/shard_file.hpp"
#include "distribution/placement.hpp"
#include "run/simulation.hpp"
#include "transport/transport.hpp"

namespace kairos::checkpoint {

struct found_checkpoint {
  manifest chosen;
  std::uint64_t next_generation = 0;  ///< above every generation seen
  std::vector<shard_content> my_shards;  ///< the shards this rank read
};

/// Collective. Throws checkpoint_error (on the rank that reports it;
/// failure_elsewhere on the others) when no checkpoint is usable, naming for
/// each candidate the shards without an intact copy and what is wrong with
/// each copy. With `expected_hash`, a checkpoint of another scenario is refused;
/// with `only`, no checkpoint but the one of that name is considered.
/// Every copy of a checkpoint's manifest is read: a copy that fails its
/// checksum or its checks, or disagrees with the copies held by more nodes,
/// is passed over like a damaged shard copy.
found_checkpoint find_checkpoint(const std::vector<std::filesystem::path>& dirs, transport& net,
                                 std::optional<std::uint64_t> expected_hash, std::optional<std::string> only = {});

/// `kairos restart` given a checkpoint's own folder (NODE_DIR/ckpt-...):
/// searches the directory holding the node directories instead, for that
/// checkpoint only. Throws usage errors for two different named checkpoints.
void accept_checkpoint_folders(std::vector<std::filesystem::path>& dirs, std::optional<std::string>& only);

/// Collective, once the run's plugins are loaded: sends every actor,
/// schedule, probe and total read from the old shards to its rank under
/// `where` (the new rank count). Throws checkpoint_error for an actor class
/// no plugin defines.
restored_state distribute(std::vector<shard_content>&& shards, const placement& where, transport& net);

/// True for a file named as a shard copy (shard-NNNNN-on-NNNNN.h5).
bool is_shard_copy_name(const std::filesystem::path& path);

/// Checks a shard copy against the manifest.json beside it (size and XXH3)
/// before anything hands its bytes to HDF5, which may crash on a damaged
/// file. Returns how it was verified; throws checkpoint_error when the copy
/// is damaged or cannot be verified (no intact manifest beside it lists it).
std::string verify_shard_copy(const std::filesystem::path& path);

/// `kairos inspect DIR`: the checkpoints under DIR, each with its tick,
/// shards, copies and whether it is usable from what this machine sees.
void describe_checkpoints(const std::vector<std::filesystem::path>& dirs, std::FILE* out);

}  // namespace kairos::checkpoint
