#include "time/agenda.hpp"

#include <algorithm>
#include <bit>
#include <functional>

#include "time/radix_sort.hpp"

namespace kairos {

agenda::agenda(unsigned lanes, std::size_t near_ticks) : every_buckets_(near_ticks) {
  lanes_.reserve(std::max(lanes, 1u));
  for (unsigned k = 0; k < std::max(lanes, 1u); ++k) lanes_.emplace_back(near_ticks);
}

agenda::lane::lane(std::size_t near_ticks) : near(std::bit_ceil(std::max<std::size_t>(near_ticks, 1))) {
  near_mask = near.size() - 1;
}

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
  slot& s = near[tick & near_mask];
  if (s.tick == tick) {
    s.entries.push_back(aai);
    return;
  }
  // A new tick: its ring slot if free (and the tick not already far).
  std::vector<aai_t>* bucket;
  if (s.tick == no_tick && (far.empty() || !far.contains(tick))) {
    s.tick = tick;
    bucket = &s.entries;
  } else {
    auto [it, inserted] = far.try_emplace(tick);
    bucket = &it->second;
    if (!inserted) {
      bucket->push_back(aai);
      return;
    }
    if (!spare.empty()) {
      *bucket = std::move(spare.back());
      spare.pop_back();
    }
  }
  bucket->push_back(aai);
  heap.push_back(tick);
  std::push_heap(heap.begin(), heap.end(), std::greater<>{});
}

std::vector<aai_t>* agenda::lane::find(tick_t tick) noexcept {
  slot& s = near[tick & near_mask];
  if (s.tick == tick) return &s.entries;
  if (far.empty()) return nullptr;
  const auto it = far.find(tick);
  return it == far.end() ? nullptr : &it->second;
}

void agenda::lane::withdraw(tick_t tick, aai_t aai) {
  std::vector<aai_t>* bucket = find(tick);
  if (!bucket) return;
  std::erase(*bucket, aai);
  if (bucket->empty()) release(tick);
}

void agenda::lane::prune() {
  while (!heap.empty() && !find(heap.front())) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
    heap.pop_back();
  }
}

void agenda::lane::take(tick_t tick, std::vector<aai_t>& into) {
  into.clear();
  if (std::vector<aai_t>* bucket = find(tick)) {
    std::swap(into, *bucket);  // the bucket keeps the memory of `into`
    release(tick);
  }
}

void agenda::lane::release(tick_t tick) {
  slot& s = near[tick & near_mask];
  if (s.tick == tick) {
    s.tick = no_tick;  // the slot keeps the bucket's memory
  } else {
    const auto it = far.find(tick);
    if (it->second.capacity() > 0) spare.push_back(std::move(it->second));
    far.erase(it);
  }
  prune();  // the tick, and any stale ticks beneath it
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
  for (const lane& l : lanes_) l.for_each_bucket([&](tick_t tick, const std::vector<aai_t>&) { out.push_back(tick); });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::size_t agenda::bucket_size(tick_t tick) const {
  std::size_t size = 0;
  for (const lane& l : lanes_)
    if (const std::vector<aai_t>* b = l.find(tick)) size += b->size();
  return size;
}

void agenda::bucket(tick_t tick, std::vector<aai_t>& out) const {
  out.clear();
  for (const lane& l : lanes_)
    if (const std::vector<aai_t>* b = l.find(tick)) out.insert(out.end(), b->begin(), b->end());
}

aai_t agenda::largest_aai() const {
  aai_t largest = 0;
  for (const lane& l : lanes_)
    l.for_each_bucket([&](tick_t, const std::vector<aai_t>& bucket) {
      if (!bucket.empty()) largest = std::max(largest, *std::max_element(bucket.begin(), bucket.end()));
    });
  return largest;
}

}  // namespace kairos
