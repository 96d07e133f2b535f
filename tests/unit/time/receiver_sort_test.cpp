// A diasca's messages sorted by receiver, then in full within a receiver's
// run, come in the canonical order a full comparison sort gives: short and
// long lists (below and above where the radix pass starts), crowded
// receivers, and receivers past 32 bits (which fall back to comparing).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "run/canonical_inbox.hpp"
#include "time/receiver_sort.hpp"

namespace kairos {
namespace {

std::vector<detail::message_record> random_messages(std::size_t count, aai_t first_receiver, aai_t receivers,
                                                    std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<detail::message_record> messages;
  for (std::size_t i = 0; i < count; ++i) {
    detail::message_record m{};
    m.receiver = first_receiver + rng() % receivers;
    m.sender = rng() % 30;
    m.seq = static_cast<std::uint32_t>(rng() % 1000);
    m.offset = static_cast<std::uint32_t>(i);  // tells the messages apart once sorted
    messages.push_back(m);
  }
  // (receiver, sender, seq) is unique in a diasca: drop repeats.
  std::sort(messages.begin(), messages.end(), canonical_order{});
  messages.erase(std::unique(messages.begin(), messages.end(),
                             [](const auto& a, const auto& b) { return !canonical_order{}(a, b); }),
                 messages.end());
  std::shuffle(messages.begin(), messages.end(), rng);
  return messages;
}

void expect_canonical(std::vector<detail::message_record> messages, receiver_sort_space<detail::message_record>& space) {
  std::vector<detail::message_record> expected = messages;
  std::sort(expected.begin(), expected.end(), canonical_order{});
  sort_by_receiver(messages, canonical_order{}, space);
  ASSERT_EQ(messages.size(), expected.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(messages[i].receiver, expected[i].receiver) << i;
    EXPECT_EQ(messages[i].sender, expected[i].sender) << i;
    EXPECT_EQ(messages[i].seq, expected[i].seq) << i;
    EXPECT_EQ(messages[i].offset, expected[i].offset) << i;
  }
}

TEST(ReceiverSort, MessagesComeInCanonicalOrderWhateverTheirNumberAndReceivers) {
  receiver_sort_space<detail::message_record> space;  // reused, as the engine does
  expect_canonical(random_messages(100, 0, 40, 1), space);          // short: compared in full
  expect_canonical(random_messages(5000, 0, 300, 2), space);        // crowded receivers
  expect_canonical(random_messages(5000, 1000, 100000, 3), space);  // mostly one message each
  expect_canonical(random_messages(3000, aai_t{1} << 33, 500, 4), space);  // receivers past 32 bits
  expect_canonical({}, space);
}

}  // namespace
}  // namespace kairos
