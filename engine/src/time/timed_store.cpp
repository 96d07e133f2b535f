#include "time/timed_store.hpp"

#include <algorithm>

namespace kairos {

void timed_store::add(timed_message header, const std::byte* payload) {
  bucket& b = buckets_[header.due];
  header.offset = b.payloads.size();
  b.payloads.insert(b.payloads.end(), payload, payload + header.size);
  b.headers.push_back(header);
  ++count_;
}

void timed_store::sort_canonically(std::vector<timed_message>& messages) {
  std::sort(messages.begin(), messages.end(), [](const timed_message& a, const timed_message& b) {
    return canonically_before(a, b);
  });
}

void timed_store::take(tick_t tick, std::vector<timed_message>& out, detail::payload_arena& arena) {
  out.clear();
  const auto it = buckets_.find(tick);
  if (it == buckets_.end()) return;
  bucket& b = it->second;
  out.swap(b.headers);
  sort_canonically(out);
  for (timed_message& m : out) m.offset = arena.append(b.payloads.data() + m.offset, m.size);
  count_ -= out.size();
  buckets_.erase(it);
}

}  // namespace kairos
