#include "time/timed_store.hpp"

#include <algorithm>

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
  sort_by_receiver(messages, [](const timed_message& a, const timed_message& b) { return canonically_before(a, b); },
                   space);
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
