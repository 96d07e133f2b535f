#include "time/agenda.hpp"

#include <algorithm>

namespace kairos {

void agenda::schedule(tick_t tick, aai_t aai) {
  auto [it, inserted] = ticks_.try_emplace(tick);
  if (inserted && !spare_.empty()) {
    it->second = std::move(spare_.back());
    spare_.pop_back();
  }
  it->second.push_back(aai);
}

void agenda::withdraw(tick_t tick, aai_t aai) {
  const auto it = ticks_.find(tick);
  if (it == ticks_.end()) return;
  std::erase(it->second, aai);
  if (it->second.empty()) {
    spare_.push_back(std::move(it->second));
    ticks_.erase(it);
  }
}

void agenda::take(tick_t tick, std::vector<aai_t>& out) {
  out.clear();
  const auto it = ticks_.find(tick);
  if (it == ticks_.end()) return;
  out.swap(it->second);
  spare_.push_back(std::move(it->second));
  spare_.back().clear();
  ticks_.erase(it);
  // Usually already sorted (actors reschedule in the order they ran), and
  // is_sorted is much cheaper than a sort.
  if (!std::is_sorted(out.begin(), out.end())) std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace kairos
