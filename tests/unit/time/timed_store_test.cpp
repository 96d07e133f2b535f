// The timed store hands out a tick's messages in canonical order (receiver,
// sender, send tick, send diasca, sequence) whatever their order of arrival,
// with their payloads: checked against a full comparison sort over random
// arrivals, with many messages per receiver and receivers past 32 bits.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "time/timed_store.hpp"

namespace kairos {
namespace {

/// `count` messages due at tick 50, from 40 senders to `receivers` receivers
/// starting at `first_receiver`, in random order; each one's payload is its
/// position in that order.
std::vector<timed_message> random_arrivals(std::size_t count, aai_t first_receiver, aai_t receivers,
                                           std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<timed_message> messages;
  for (std::size_t i = 0; i < count; ++i) {
    timed_message m{};
    m.due = 50;
    m.receiver = first_receiver + rng() % receivers;
    m.sender = rng() % 40;
    m.sent_tick = rng() % 5;
    m.sent_diasca = static_cast<diasca_t>(rng() % 3);
    m.seq = static_cast<std::uint32_t>(i);  // unique, so the order is total
    m.size = sizeof(std::uint64_t);
    messages.push_back(m);
  }
  return messages;
}

void expect_taken_in_canonical_order(const std::vector<timed_message>& arrivals) {
  timed_store store;
  for (std::uint64_t i = 0; i < arrivals.size(); ++i) store.add(arrivals[i], reinterpret_cast<const std::byte*>(&i));
  std::vector<timed_message> taken;
  detail::payload_arena arena;
  store.take(50, taken, arena);
  ASSERT_EQ(taken.size(), arrivals.size());
  EXPECT_EQ(store.size(), 0u);
  std::vector<timed_message> expected = arrivals;
  std::sort(expected.begin(), expected.end(),
            [](const timed_message& a, const timed_message& b) { return canonically_before(a, b); });
  for (std::size_t i = 0; i < taken.size(); ++i) {
    EXPECT_EQ(taken[i].receiver, expected[i].receiver) << i;
    EXPECT_EQ(taken[i].sender, expected[i].sender) << i;
    EXPECT_EQ(taken[i].seq, expected[i].seq) << i;
    std::uint64_t position = 0;
    std::memcpy(&position, arena.at(static_cast<std::uint32_t>(taken[i].offset)), sizeof position);
    EXPECT_EQ(arrivals[position].seq, taken[i].seq) << "payload of message " << i;
  }
}

TEST(TimedStore, HandsOutACrowdedTickInCanonicalOrder) {
  expect_taken_in_canonical_order(random_arrivals(5000, 7, 300, 1));  // about 17 messages per receiver
}

TEST(TimedStore, HandsOutOneMessagePerReceiverInCanonicalOrder) {
  expect_taken_in_canonical_order(random_arrivals(3000, 0, 1u << 20, 2));
}

TEST(TimedStore, HandsOutReceiversPast32BitsInCanonicalOrder) {
  expect_taken_in_canonical_order(random_arrivals(2000, (aai_t{1} << 40) - 100, 1000, 3));
}

}  // namespace
}  // namespace kairos
