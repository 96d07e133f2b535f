#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kairos/core/types.hpp"

namespace kairos::checkpoint {

/// When and where checkpoints are taken: the scenario's [checkpoint] table,
/// then the command line's flags on top. A signal (SIGTERM, SIGUSR1) always
/// triggers one, configured or not.
struct settings {
  std::uint64_t every_ticks = 0;      ///< at each multiple of this tick count (0: off)
  double every_seconds = 0;           ///< wall-clock interval, rank 0's clock (0: off)
  std::vector<tick_t> at_ticks;       ///< at the first tick boundary reaching each
  double auto_mtbf_seconds = 0;       ///< >0: Young/Daly interval sqrt(2 x cost x MTBF)
  unsigned replicas = 0;              ///< k: copies of each shard on k other nodes
  unsigned retention = 2;             ///< committed checkpoints kept (>= 2)
  int ranks_per_node = 0;             ///< >0: virtual nodes of this many ranks; 0: MPI host names
  /// Where each rank writes; {node}, {host} and {rank} are replaced. Empty:
  /// the output directory's checkpoints/node{node}.
  std::string dir;
  /// Names of the virtual nodes, in rank order (the {host} of each). Given
  /// per launch, never carried on by a restart: the next run may have other
  /// nodes.
  std::vector<std::string> node_names;
};

}  // namespace kairos::checkpoint
