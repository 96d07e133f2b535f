#include "time/agenda.hpp"

#include <algorithm>
#include <functional>

#include "time/radix_sort.hpp"

namespace kairos {

agenda::agenda(unsigned lanes) : lanes_(std::max(lanes, 1u)) {}

void agenda::withdraw(unsigned lane, tick_t tick, aai_t aai) {
  lanes_[lane].withdraw(tick, aai);
  if (lanes_.size() > 1) lanes_[lane].withdrawn.emplace_back(tick, aai);
}

void agenda::spread_withdrawals() {
  for (lane& from : lanes_) {
    for (const auto& [tick, aai] : from.withdrawn)
      for (lane& other : lanes_)
        if (&other != &from) other.withdraw(tick, aai);
    from.withdrawn.clear();
  }
}

void agenda::lane::schedule(tick_t tick, aai_t aai) {
  auto [it, inserted] = buckets.try_emplace(tick);
  if (inserted) {
    if (!spare.empty()) {
      it->second = std::move(spare.back());
      spare.pop_back();
    }
    heap.push_back(tick);
    std::push_heap(heap.begin(), heap.end(), std::greater<>{});
  }
  it->second.push_back(aai);
}

void agenda::lane::withdraw(tick_t tick, aai_t aai) {
  const auto it = buckets.find(tick);
  if (it == buckets.end()) return;
  std::erase(it->second, aai);
  if (!it->second.empty()) return;
  recycle(std::move(it->second));
  buckets.erase(it);
  prune();
}

void agenda::lane::prune() {
  while (!heap.empty() && !buckets.contains(heap.front())) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
    heap.pop_back();
  }
}

std::vector<aai_t> agenda::lane::take(tick_t tick) {
  const auto it = buckets.find(tick);
  if (it == buckets.end()) return {};
  std::vector<aai_t> bucket = std::move(it->second);
  buckets.erase(it);
  prune();  // the tick taken, and any stale ticks beneath it
  return bucket;
}

void agenda::lane::recycle(std::vector<aai_t>&& bucket) {
  bucket.clear();
  if (bucket.capacity() > 0) spare.push_back(std::move(bucket));
}

void agenda::schedule_every(aai_t aai, tick_t first, tick_t period) {
  const auto [it, inserted] = every_.try_emplace(aai, periodic{period, first});
  if (!inserted) {
    every_buckets_.withdraw(it->second.next, aai);
    it->second = {period, first};
  }
  every_buckets_.schedule(first, aai);
}

void agenda::stop_every(aai_t aai) {
  const auto it = every_.find(aai);
  if (it == every_.end()) return;
  every_buckets_.withdraw(it->second.next, aai);
  every_.erase(it);
}

tick_t agenda::next_one_off_tick() const noexcept {
  tick_t next = no_tick;
  for (const lane& l : lanes_) next = std::min(next, l.next_tick());
  return next;
}

tick_t agenda::next_tick() const noexcept { return std::min(next_one_off_tick(), every_buckets_.next_tick()); }

void agenda::lane::take_into_taken(tick_t tick) {
  recycle(std::move(taken));
  taken = take(tick);
}

void agenda::take(tick_t tick) {
  for (lane& l : lanes_) l.take_into_taken(tick);
  every_buckets_.take_into_taken(tick);
  for (aai_t aai : every_buckets_.taken) {
    periodic& p = every_.at(aai);  // there: stopping or re-timing withdraws the entry
    if (p.period < no_tick - tick) {
      p.next = tick + p.period;
      every_buckets_.schedule(p.next, aai);
    } else {
      every_.erase(aai);  // its next tick is past the last one a run can reach
    }
  }
}

void agenda::sort_taken(std::size_t from) {
  for (lane& l : lanes_)
    if (l.taken.size() >= from)
      radix_sort(l.taken, *std::max_element(l.taken.begin(), l.taken.end()), l.sort_scratch);
}

std::vector<tick_t> agenda::ticks() const {
  std::vector<tick_t> out;
  for (const lane& l : lanes_)
    for (const auto& [tick, bucket] : l.buckets) out.push_back(tick);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::size_t agenda::bucket_size(tick_t tick) const {
  std::size_t size = 0;
  for (const lane& l : lanes_)
    if (const auto it = l.buckets.find(tick); it != l.buckets.end()) size += it->second.size();
  return size;
}

void agenda::bucket(tick_t tick, std::vector<aai_t>& out) const {
  out.clear();
  for (const lane& l : lanes_)
    if (const auto it = l.buckets.find(tick); it != l.buckets.end())
      out.insert(out.end(), it->second.begin(), it->second.end());
}

aai_t agenda::largest_aai() const {
  aai_t largest = 0;
  for (const lane& l : lanes_)
    for (const auto& [tick, bucket] : l.buckets)
      if (!bucket.empty()) largest = std::max(largest, *std::max_element(bucket.begin(), bucket.end()));
  return largest;
}

}  // namespace kairos
