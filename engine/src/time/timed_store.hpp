#pragma once

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <functional>
#include <unordered_map>
#include <vector>

#include "kairos/actor/message.hpp"
#include "kairos/core/types.hpp"
#include "kairos/detail/worker_state.hpp"
#include "time/receiver_sort.hpp"

namespace kairos {

/// A timed message (context::send_in) waiting for its tick: what a rank
/// keeps, ships to the receiver's rank and writes into checkpoints.
struct timed_message {
  tick_t due;
  aai_t receiver;
  aai_t sender;
  tick_t sent_tick;
  diasca_t sent_diasca;
  std::uint32_t seq;  ///< the sender's send sequence in its activation
  message_type_id type;
  std::uint32_t size;
  std::uint64_t offset;  ///< of its payload, in whatever byte store holds it

  /// The canonical order of the messages of one tick: receiver, then
  /// sender, then when it was sent, then the sender's sequence. Unique: an
  /// actor runs at most once per diasca.
  friend bool canonically_before(const timed_message& a, const timed_message& b) noexcept {
    if (a.receiver != b.receiver) return a.receiver < b.receiver;
    if (a.sender != b.sender) return a.sender < b.sender;
    if (a.sent_tick != b.sent_tick) return a.sent_tick < b.sent_tick;
    if (a.sent_diasca != b.sent_diasca) return a.sent_diasca < b.sent_diasca;
    return a.seq < b.seq;
  }
};

/// The timed messages for this rank's actors, by the tick they are due at,
/// with their payloads. Messages arrive in any order (from local workers and
/// from other ranks); take() hands a tick's out in canonical order, so the
/// order of arrival never shows. As in the agenda, buckets are found by hash
/// and their ticks kept in a min-heap; emptied buckets are reused, so the
/// steady state allocates nothing.
class timed_store {
 public:
  /// Keeps a message; `payload` is `header.size` bytes (header.offset is ignored).
  void add(timed_message header, const std::byte* payload);
  /// The earliest tick a message is due at, or no_tick.
  tick_t next_tick() const noexcept { return heap_.empty() ? no_tick : heap_.front(); }
  std::size_t size() const noexcept { return count_; }
  /// Moves the messages due at `tick`, which must be next_tick(), into `out`
  /// (cleared first) in canonical order, their payloads into `arena`, each
  /// offset set there.
  void take(tick_t tick, std::vector<timed_message>& out, detail::payload_arena& arena);
  /// Calls f(message, payload) for every message kept, by tick, then in
  /// canonical order within a tick.
  template <class F>
  void for_each(F&& f) const {
    std::vector<tick_t> ticks = heap_;
    std::sort(ticks.begin(), ticks.end());
    std::vector<timed_message> sorted;
    sort_space space;
    for (const tick_t tick : ticks) {
      const bucket& b = buckets_.at(tick);
      sorted = b.headers;
      sort_canonically(sorted, space);
      for (const timed_message& m : sorted) f(m, b.payloads.data() + m.offset);
    }
  }

 private:
  struct bucket {
    std::vector<timed_message> headers;
    std::vector<std::byte> payloads;
  };
  using sort_space = receiver_sort_space<timed_message>;
  static void sort_canonically(std::vector<timed_message>& messages, sort_space& space);

  std::unordered_map<tick_t, bucket> buckets_;
  std::vector<tick_t> heap_;  ///< the ticks of buckets_, a min-heap
  std::vector<bucket> spare_;
  sort_space sort_space_;
  std::size_t count_ = 0;
};

}  // namespace kairos
