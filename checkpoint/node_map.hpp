#pragma once

// Which ranks share a node (and so share a node's fate and storage), and
// where each shard's replicas go: to k ranks on the k following nodes.

#include <filesystem>
#include <string>
#include <vector>

namespace kairos::checkpoint {

class node_map {
 public:
  /// `host_of_rank[r]`: the host name of rank r. With ranks_per_node > 0,
  /// ranks are grouped into virtual nodes of that many consecutive ranks
  /// instead, whatever their hosts, named by `virtual_names` (one per node,
  /// unique, no '/') or "node<index>" when it is empty. Throws
  /// std::invalid_argument for names that do not fit.
  node_map(const std::vector<std::string>& host_of_rank, int ranks_per_node,
           const std::vector<std::string>& virtual_names = {});

  int nodes() const noexcept { return static_cast<int>(ranks_of_node_.size()); }
  int node_of(int rank) const noexcept { return node_of_rank_[static_cast<std::size_t>(rank)]; }
  /// The node's name: its host name, or its virtual node's name.
  const std::string& name_of(int node) const noexcept { return names_[static_cast<std::size_t>(node)]; }
  /// The ranks holding copies of `shard` other than its own rank: one on each
  /// of the min(k, nodes - 1) nodes following its node.
  std::vector<int> replica_holders(int shard, unsigned k) const;
  /// Replicas actually possible: k, or nodes - 1 if there are fewer nodes.
  unsigned effective_replicas(unsigned k) const noexcept;

 private:
  std::vector<int> node_of_rank_;
  std::vector<std::vector<int>> ranks_of_node_;
  std::vector<std::string> names_;
};

/// This process's node name: the name the batch system gives its node
/// (Slurm's SLURMD_NODENAME, which is what its failure reports name), else
/// the host name.
std::string this_host_name();

/// The checkpoint directory of a rank: `pattern` with {node} (the node's
/// index in this run), {host} (its name, which stays with the machine, or
/// the virtual node, when a run resumes on fewer nodes) and {rank} replaced.
std::filesystem::path directory_for(const std::string& pattern, int node, const std::string& host, int rank);

}  // namespace kairos::checkpoint
