// A diasca's messages in canonical order, built on the workers: the same
// inbox as one sort of all of them, whatever the runs, the ranges and the
// threads, with every receiver's messages inside one range.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "kairos/exec/executor.hpp"
#include "run/canonical_inbox.hpp"

namespace {

using kairos::detail::message_record;

/// `runs` runs of random sizes (some empty); receivers drawn from
/// [0, receivers), one in three messages for receiver 7 (a hot spot); each
/// sender numbers its sends, so no two messages compare equal.
std::vector<std::vector<message_record>> random_runs(std::size_t runs, std::size_t receivers, std::mt19937_64& rng) {
  std::vector<std::vector<message_record>> out(runs);
  std::vector<std::uint32_t> next_seq(64, 0);
  for (auto& run : out) {
    const std::size_t size = rng() % 4 == 0 ? 0 : rng() % 3000;
    for (std::size_t i = 0; i < size; ++i) {
      const kairos::aai_t sender = rng() % next_seq.size();
      const kairos::aai_t receiver = rng() % 3 == 0 ? 7 : rng() % receivers;
      run.push_back({receiver, sender, 1, next_seq[sender]++, static_cast<std::uint32_t>(i), 8, 0});
    }
  }
  return out;
}

bool same_record(const message_record& a, const message_record& b) {
  return a.receiver == b.receiver && a.sender == b.sender && a.seq == b.seq && a.offset == b.offset;
}

TEST(CanonicalInbox, MatchesOneSortForAnyRunsRangesAndThreads) {
  std::mt19937_64 rng(11);
  for (unsigned threads : {1u, 3u}) {
    const auto pool = kairos::make_executor(threads);
    for (int trial = 0; trial < 20; ++trial) {
      const auto runs = random_runs(1 + rng() % 9, trial % 2 ? 50 : 100000, rng);
      std::vector<kairos::canonical_inbox::run> views(runs.begin(), runs.end());
      std::vector<message_record> expected;
      for (const auto& r : runs) expected.insert(expected.end(), r.begin(), r.end());
      std::sort(expected.begin(), expected.end(), kairos::canonical_order{});

      for (std::size_t ranges : {1u, 2u, 7u, 32u}) {
        kairos::canonical_inbox builder;
        std::vector<message_record> inbox(5);  // stale content is replaced
        std::vector<std::pair<std::size_t, std::size_t>> seen(ranges, {1, 0});
        std::vector<int> calls(ranges, 0);
        builder.build(views, ranges, *pool, inbox, [&](std::size_t r, std::size_t begin, std::size_t end, unsigned w) {
          ASSERT_LT(w, pool->concurrency());
          ++calls[r];
          seen[r] = {begin, end};
        });
        ASSERT_EQ(inbox.size(), expected.size());
        for (std::size_t i = 0; i < inbox.size(); ++i)
          ASSERT_TRUE(same_record(inbox[i], expected[i])) << "message " << i << ", " << ranges << " ranges";
        const std::size_t used = builder.range_count();
        ASSERT_TRUE(used == ranges || (used == 1 && expected.empty()));
        // The ranges tile the inbox in order and hold their receivers only.
        std::size_t at = 0;
        for (std::size_t r = 0; r < used; ++r) {
          ASSERT_EQ(calls[r], 1) << "range " << r;
          ASSERT_EQ(seen[r].first, at) << "range " << r;
          for (std::size_t i = seen[r].first; i < seen[r].second; ++i) {
            ASSERT_GE(inbox[i].receiver, builder.lowest_receiver(r));
            if (!builder.is_last(r)) {
              ASSERT_LT(inbox[i].receiver, builder.lowest_receiver(r + 1));
            }
          }
          at = seen[r].second;
        }
        ASSERT_EQ(at, inbox.size());
      }
    }
  }
}

TEST(CanonicalInbox, SplitsUniformReceiversEvenly) {
  std::mt19937_64 rng(5);
  std::vector<message_record> run;
  for (std::uint32_t i = 0; i < 40000; ++i) run.push_back({rng() % 1000000, i, 1, 0, i, 8, 0});
  const auto pool = kairos::make_executor(2);
  kairos::canonical_inbox builder;
  std::vector<message_record> inbox;
  std::vector<std::size_t> sizes(8);
  builder.build({run}, 8, *pool, inbox,
                [&](std::size_t r, std::size_t begin, std::size_t end, unsigned) { sizes[r] = end - begin; });
  // 16 samples per range: each range within a factor two of its share.
  for (std::size_t r = 0; r < 8; ++r) {
    EXPECT_GT(sizes[r], 40000u / 16) << "range " << r;
    EXPECT_LT(sizes[r], 40000u / 4) << "range " << r;
  }
}

}  // namespace
