#include "checkpoint/node_map.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <stdexcept>

namespace kairos::checkpoint {

std::string this_host_name() {
  if (const char* slurm = std::getenv("SLURMD_NODENAME"); slurm && *slurm) return slurm;
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

node_map::node_map(const std::vector<std::string>& host_of_rank, int ranks_per_node,
                   const std::vector<std::string>& virtual_names) {
  for (std::size_t r = 0; r < host_of_rank.size(); ++r) {
    std::size_t node;
    if (ranks_per_node > 0) {
      node = r / static_cast<std::size_t>(ranks_per_node);
    } else {
      // Nodes numbered in order of their lowest rank.
      const auto it = std::find(names_.begin(), names_.end(), host_of_rank[r]);
      node = static_cast<std::size_t>(it - names_.begin());
      if (it == names_.end()) names_.push_back(host_of_rank[r]);
    }
    if (node >= ranks_of_node_.size()) ranks_of_node_.resize(node + 1);
    ranks_of_node_[node].push_back(static_cast<int>(r));
    node_of_rank_.push_back(static_cast<int>(node));
  }
  if (ranks_per_node <= 0) {
    if (!virtual_names.empty()) throw std::invalid_argument("node names are for virtual nodes (--ranks-per-node) only");
    return;
  }
  if (virtual_names.empty()) {
    for (std::size_t n = 0; n < ranks_of_node_.size(); ++n) names_.push_back("node" + std::to_string(n));
    return;
  }
  if (virtual_names.size() != ranks_of_node_.size())
    throw std::invalid_argument(std::to_string(virtual_names.size()) + " node name(s) for " +
                                std::to_string(ranks_of_node_.size()) + " virtual node(s)");
  std::set<std::string> seen;
  for (const std::string& name : virtual_names) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
      throw std::invalid_argument("node name \"" + name + "\" cannot name a directory");
    if (!seen.insert(name).second) throw std::invalid_argument("node name \"" + name + "\" given twice");
  }
  names_ = virtual_names;
}

unsigned node_map::effective_replicas(unsigned k) const noexcept {
  return std::min(k, static_cast<unsigned>(nodes() - 1));
}

std::vector<int> node_map::replica_holders(int shard, unsigned k) const {
  const int node = node_of(shard);
  const auto& own = ranks_of_node_[static_cast<std::size_t>(node)];
  const auto local = static_cast<std::size_t>(std::find(own.begin(), own.end(), shard) - own.begin());
  std::vector<int> holders;
  for (unsigned j = 1; j <= effective_replicas(k); ++j) {
    // The same local index on the next nodes spreads the replica load evenly.
    const auto& other = ranks_of_node_[static_cast<std::size_t>((node + static_cast<int>(j)) % nodes())];
    holders.push_back(other[local % other.size()]);
  }
  return holders;
}

std::filesystem::path directory_for(const std::string& pattern, int node, const std::string& host, int rank) {
  std::string out = pattern;
  const auto replace_all = [&out](const std::string& key, const std::string& value) {
    for (std::size_t at; (at = out.find(key)) != std::string::npos;) out.replace(at, key.size(), value);
  };
  replace_all("{node}", std::to_string(node));
  replace_all("{host}", host);
  replace_all("{rank}", std::to_string(rank));
  return out;
}

}  // namespace kairos::checkpoint
