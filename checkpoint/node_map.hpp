#pragma once

// Which ranks share a node (and so share a node's fate and storage), and
// where each shard's replicas go: to k ranks on the k following nodes.

#include <filesystem>
#include <string>
#include <vector>

namespace kairos::checkpoint {

class node_map {
 public:
  /// `host_of_rank[r]`: the host name of rank r (from MPI). With
  /// ranks_per_node > 0, ranks are grouped into virtual nodes of that many
  /// consecutive ranks instead, whatever their hosts.
  node_map(const std::vector<std::string>& host_of_rank, int ranks_per_node);

  int nodes() const noexcept { return static_cast<int>(ranks_of_node_.size()); }
  int node_of(int rank) const noexcept { return node_of_rank_[static_cast<std::size_t>(rank)]; }
  /// The ranks holding copies of `shard` other than its own rank: one on each
  /// of the min(k, nodes - 1) nodes following its node.
  std::vector<int> replica_holders(int shard, unsigned k) const;
  /// Replicas actually possible: k, or nodes - 1 if there are fewer nodes.
  unsigned effective_replicas(unsigned k) const noexcept;

 private:
  std::vector<int> node_of_rank_;
  std::vector<std::vector<int>> ranks_of_node_;
};

/// The checkpoint directory of a rank: `pattern` with {node} and {rank}
/// replaced.
std::filesystem::path directory_for(const std::string& pattern, int node, int rank);

}  // namespace kairos::checkpoint
