#pragma once

// Messages put in canonical order, receiver first. A crowded diasca or tick
// holds thousands of messages (PHOLD at L = m: every LP's remote event), and
// comparing their headers field by field was 5-6% of such a run
// (bench/RESULTS.md). They are radix-sorted instead by receiver and index
// packed in one word, which leaves each receiver's messages side by side;
// only a run of several to one receiver is compared in full. They move once.

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "time/radix_sort.hpp"

namespace kairos {

/// Working memory of sort_by_receiver, reused from call to call.
template <class Message>
struct receiver_sort_space {
  std::vector<std::uint64_t> keys, scratch;
  std::vector<Message> sorted;
};

namespace detail {
/// Sorts `messages` by `before` into space.sorted and returns true; or, for
/// lists too short or too wide for the radix sort, sorts them in place and
/// returns false.
template <class Message, class Before>
bool sort_by_receiver_into(std::span<Message> messages, const Before& before, receiver_sort_space<Message>& space) {
  const auto full_sort = [&] {
    std::sort(messages.begin(), messages.end(), before);
    return false;
  };
  if (messages.size() < radix_sort_pays_from) return full_sort();
  const auto largest_receiver =
      std::max_element(messages.begin(), messages.end(), [](const Message& a, const Message& b) {
        return a.receiver < b.receiver;
      })->receiver;
  // Beyond what one word packs: compare in full.
  if (largest_receiver >= (std::uint64_t{1} << 32) || messages.size() >= (std::size_t{1} << 32)) return full_sort();
  std::vector<std::uint64_t>& keys = space.keys;
  keys.clear();
  for (std::size_t i = 0; i < messages.size(); ++i) keys.push_back(std::uint64_t{messages[i].receiver} << 32 | i);
  radix_sort(keys, std::uint64_t{largest_receiver} << 32 | (messages.size() - 1), space.scratch);
  const auto receiver_of = [](std::uint64_t key) { return key >> 32; };
  const auto by_message = [&](std::uint64_t a, std::uint64_t b) {
    return before(messages[a & 0xffffffff], messages[b & 0xffffffff]);
  };
  for (auto run = keys.begin(); run != keys.end();) {
    const auto run_end =
        std::find_if(run + 1, keys.end(), [&](std::uint64_t k) { return receiver_of(k) != receiver_of(*run); });
    if (run_end - run > 1) std::sort(run, run_end, by_message);
    run = run_end;
  }
  space.sorted.clear();
  for (const std::uint64_t key : keys) space.sorted.push_back(messages[key & 0xffffffff]);
  return true;
}
}  // namespace detail

/// Sorts `messages` by `before`, a strict total order that compares the
/// `receiver` member first. Lists shorter than radix_sort_pays_from are
/// compared in full: a histogram costs more than it saves there.
template <class Message, class Before>
void sort_by_receiver(std::vector<Message>& messages, const Before& before, receiver_sort_space<Message>& space) {
  if (detail::sort_by_receiver_into(std::span<Message>(messages), before, space)) messages.swap(space.sorted);
}

/// The same for messages in place in a larger array (one range of an
/// inbox): the sorted messages are copied back.
template <class Message, class Before>
void sort_by_receiver(std::span<Message> messages, const Before& before, receiver_sort_space<Message>& space) {
  if (detail::sort_by_receiver_into(messages, before, space))
    std::copy(space.sorted.begin(), space.sorted.end(), messages.begin());
}

}  // namespace kairos
