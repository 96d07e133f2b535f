#include "checkpoint/node_map.hpp"

#include <algorithm>

namespace kairos::checkpoint {

node_map::node_map(const std::vector<std::string>& host_of_rank, int ranks_per_node) {
  std::vector<std::string> node_names;
  for (std::size_t r = 0; r < host_of_rank.size(); ++r) {
    std::size_t node;
    if (ranks_per_node > 0) {
      node = r / static_cast<std::size_t>(ranks_per_node);
    } else {
      // Nodes numbered in order of their lowest rank.
      const auto it = std::find(node_names.begin(), node_names.end(), host_of_rank[r]);
      node = static_cast<std::size_t>(it - node_names.begin());
      if (it == node_names.end()) node_names.push_back(host_of_rank[r]);
    }
    if (node >= ranks_of_node_.size()) ranks_of_node_.resize(node + 1);
    ranks_of_node_[node].push_back(static_cast<int>(r));
    node_of_rank_.push_back(static_cast<int>(node));
  }
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

std::filesystem::path directory_for(const std::string& pattern, int node, int rank) {
  std::string out = pattern;
  const auto replace_all = [&out](const std::string& key, const std::string& value) {
    for (std::size_t at; (at = out.find(key)) != std::string::npos;) out.replace(at, key.size(), value);
  };
  replace_all("{node}", std::to_string(node));
  replace_all("{rank}", std::to_string(rank));
  return out;
}

}  // namespace kairos::checkpoint
