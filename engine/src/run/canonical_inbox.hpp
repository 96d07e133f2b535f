#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "kairos/core/types.hpp"
#include "kairos/detail/worker_state.hpp"
#include "kairos/exec/executor.hpp"
#include "time/receiver_sort.hpp"

namespace kairos {

/// The canonical order of a diasca's messages: receiver, then sender, then
/// the sender's sequence number. Two messages never compare equal (a sender
/// numbers its sends), so any correct sort gives the same inbox. A function
/// object, not a function, so that std::sort inlines it.
struct canonical_order {
  bool operator()(const detail::message_record& a, const detail::message_record& b) const noexcept {
    if (a.receiver != b.receiver) return a.receiver < b.receiver;
    if (a.sender != b.sender) return a.sender < b.sender;
    return a.seq < b.seq;
  }
};

/// Puts a diasca's messages, gathered in runs in no particular order (one
/// per worker, one for those from other ranks), into one inbox in canonical
/// order, on all the workers: the receivers are cut into ranges at
/// splitters sampled from the runs, each run's messages are counted and
/// scattered to their range's place, and each range is sorted there. No
/// pass over all the messages runs on one thread.
///
/// A receiver's messages all fall in one range, so the caller can turn each
/// range into activations on its own (the `on_range` callback, run on the
/// worker that sorted the range).
class canonical_inbox {
 public:
  using run = std::span<const detail::message_record>;
  /// Called once per range, on a worker, after the range is sorted: the
  /// range index, and the range's place [begin, end) in the inbox.
  using range_fn = std::function<void(std::size_t range, std::size_t begin, std::size_t end, unsigned worker)>;

  /// Fills `inbox` (replacing what it held) with the messages of `runs` in
  /// canonical order, cut into `ranges` ranges (at least 1).
  void build(const std::vector<run>& runs, std::size_t ranges, executor& workers,
             std::vector<detail::message_record>& inbox, const range_fn& on_range);

  /// Ranges of the last build.
  std::size_t range_count() const noexcept { return splitters_.size() + 1; }
  /// The smallest receiver range r may hold (0 for the first range); range
  /// r holds the receivers in [lowest_receiver(r), lowest_receiver(r + 1)).
  aai_t lowest_receiver(std::size_t range) const noexcept { return range == 0 ? 0 : splitters_[range - 1]; }
  /// True when range r holds every receiver from lowest_receiver(r) up.
  bool is_last(std::size_t range) const noexcept { return range == splitters_.size(); }

 private:
  /// Which range `receiver` falls in.
  std::size_t range_of(aai_t receiver) const noexcept;
  void choose_splitters(const std::vector<run>& runs, std::size_t ranges);

  std::vector<aai_t> splitters_;       ///< ascending; range r holds receivers in [splitters_[r-1], splitters_[r])
  std::vector<std::size_t> placed_;    ///< per run x range: messages counted, then the next place to write
  std::vector<std::size_t> starts_;    ///< per range, and the inbox's end
  std::vector<aai_t> samples_;
  /// Per run, the range of each of its messages: counted, then scattered,
  /// each message's range is searched for once.
  std::vector<std::vector<std::uint32_t>> ranges_of_;
  /// Each worker's working memory for sorting its ranges.
  std::vector<receiver_sort_space<detail::message_record>> sort_spaces_;
};

}  // namespace kairos
