#include "probe/counter_registry.hpp"

#include <algorithm>
#include <mutex>

#include "kairos/probe/probe_id.hpp"

namespace kairos {

namespace {
std::mutex& counters_mutex() {
  static std::mutex m;
  return m;
}
std::vector<std::string>& names() {
  static std::vector<std::string> n;
  return n;
}
}  // namespace

std::uint32_t counter_id_for(std::string_view name) {
  std::lock_guard lock(counters_mutex());
  auto& n = names();
  const auto it = std::find(n.begin(), n.end(), name);
  if (it != n.end()) return static_cast<std::uint32_t>(it - n.begin());
  n.emplace_back(name);
  return static_cast<std::uint32_t>(n.size() - 1);
}

std::vector<std::string> counter_names() {
  std::lock_guard lock(counters_mutex());
  return names();
}

counter::counter(std::string_view name) : id_(counter_id_for(name)) {}

}  // namespace kairos
