#include "time/timed_store.hpp"

#include <algorithm>

#include "time/radix_sort.hpp"

namespace kairos {

void timed_store::add(timed_message header, const std::byte* payload) {
  auto [it, inserted] = buckets_.try_emplace(header.due);
  bucket& b = it->second;
  if (inserted) {
    heap_.push_back(header.due);
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
    if (!spare_.empty()) {
      b = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  header.offset = b.payloads.size();
  b.payloads.insert(b.payloads.end(), payload, payload + header.size);
  b.headers.push_back(header);
  ++count_;
}

void timed_store::sort_canonically(std::vector<timed_message>& messages, sort_space& space) {
  // A crowded tick holds thousands of messages (PHOLD at L = m: every LP's
  // remote event of a tick), and comparing 64-byte headers field by field
  // was 6% of such a run. They are radix-sorted instead by receiver and
  // index packed in one word, which leaves each receiver's messages side by
  // side; only such a run of several is compared in full. They move once.
  const aai_t largest_receiver =
      messages.empty() ? 0
                       : std::max_element(messages.begin(), messages.end(), [](const auto& a, const auto& b) {
                           return a.receiver < b.receiver;
                         })->receiver;
  std::vector<std::uint64_t>& keys = space.keys;
  keys.clear();
  if (largest_receiver >= (std::uint64_t{1} << 32) || messages.size() >= (std::size_t{1} << 32)) {
    // Beyond what one word packs: compare in full.
    std::sort(messages.begin(), messages.end(),
              [](const timed_message& a, const timed_message& b) { return canonically_before(a, b); });
    return;
  }
  for (std::size_t i = 0; i < messages.size(); ++i) keys.push_back(messages[i].receiver << 32 | i);
  radix_sort(keys, largest_receiver << 32 | (messages.size() - 1), space.scratch);
  const auto receiver_of = [](std::uint64_t key) { return key >> 32; };
  const auto by_message = [&](std::uint64_t a, std::uint64_t b) {
    return canonically_before(messages[a & 0xffffffff], messages[b & 0xffffffff]);
  };
  for (auto run = keys.begin(); run != keys.end();) {
    const auto run_end =
        std::find_if(run + 1, keys.end(), [&](std::uint64_t k) { return receiver_of(k) != receiver_of(*run); });
    if (run_end - run > 1) std::sort(run, run_end, by_message);
    run = run_end;
  }
  space.sorted.clear();
  for (const std::uint64_t key : keys) space.sorted.push_back(messages[key & 0xffffffff]);
  messages.swap(space.sorted);
}

void timed_store::take(tick_t tick, std::vector<timed_message>& out, detail::payload_arena& arena) {
  out.clear();
  const auto it = buckets_.find(tick);
  if (it == buckets_.end()) return;
  bucket& b = it->second;
  out.swap(b.headers);
  sort_canonically(out, sort_space_);
  for (timed_message& m : out) m.offset = arena.append(b.payloads.data() + m.offset, m.size);
  count_ -= out.size();
  // Only the earliest tick is ever taken (the time model never goes back).
  std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
  heap_.pop_back();
  b.headers.clear();  // out's old storage, swapped in: kept for reuse
  b.payloads.clear();
  spare_.push_back(std::move(b));
  buckets_.erase(it);
}

}  // namespace kairos
