#include "time/agenda.hpp"

#include <algorithm>
#include <bit>
#include <functional>

namespace kairos {

namespace {
// AAIs below this are tracked in the bitmap (at most 32 MiB of bits); the
// rest, created actors among them, in a hash set.
constexpr aai_t dense_limit = aai_t{1} << 28;
}  // namespace

agenda::agenda(unsigned shards) : shards_(std::bit_ceil(std::max(shards, 1u))), shard_mask_(shards_.size() - 1) {}

void agenda::shard::schedule(tick_t tick, aai_t aai) {
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

void agenda::shard::withdraw(tick_t tick, aai_t aai) {
  const auto it = buckets.find(tick);
  if (it != buckets.end()) std::erase(it->second, aai);
}

tick_t agenda::next_tick() const noexcept {
  if (shards_.size() == 1) return shards_[0].next_tick();
  tick_t next = no_tick;
  for (const shard& s : shards_) next = std::min(next, s.next_tick());
  return next;
}

bool agenda::first_sighting(aai_t aai) {
  if (aai >= dense_limit) return seen_sparse_.insert(aai).second;
  const std::size_t word = aai >> 6;
  if (word >= seen_bits_.size()) seen_bits_.resize(std::max(word + 1, 2 * seen_bits_.size()), 0);
  const std::uint64_t bit = std::uint64_t{1} << (aai & 63);
  if (seen_bits_[word] & bit) return false;
  seen_bits_[word] |= bit;
  return true;
}

void agenda::take(tick_t tick, std::vector<aai_t>& out) {
  out.clear();
  shard& s = shards_[shard_of(tick)];
  const auto it = s.buckets.find(tick);
  if (it == s.buckets.end()) return;
  std::vector<aai_t> bucket = std::move(it->second);
  s.buckets.erase(it);
  std::pop_heap(s.heap.begin(), s.heap.end(), std::greater<>{});
  s.heap.pop_back();

  out.reserve(bucket.size());
  for (aai_t aai : bucket)
    if (first_sighting(aai)) out.push_back(aai);
  for (aai_t aai : out)
    if (aai < dense_limit) seen_bits_[aai >> 6] = 0;
  seen_sparse_.clear();

  bucket.clear();
  s.spare.push_back(std::move(bucket));
}

std::vector<tick_t> agenda::ticks() const {
  std::vector<tick_t> out;
  for (const shard& s : shards_) out.insert(out.end(), s.heap.begin(), s.heap.end());
  std::sort(out.begin(), out.end());
  return out;
}

const std::vector<aai_t>& agenda::bucket(tick_t tick) const {
  static const std::vector<aai_t> none;
  const shard& s = shards_[shard_of(tick)];
  const auto it = s.buckets.find(tick);
  return it == s.buckets.end() ? none : it->second;
}

}  // namespace kairos
