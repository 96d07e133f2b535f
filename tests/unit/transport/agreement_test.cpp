// The collective agreement reduces packed words in one MPI_Allreduce, and
// a second one of exact values when the words cannot say enough. Whatever
// reports the ranks send, and in whatever order MPI combines them, the
// decision it reaches must be the one the tree reaches by combining the full
// reports; each rank must learn how many buffers it receives, or (uncounted)
// whether any are still in flight.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "transport/packed_agreement.hpp"

namespace {

using kairos::diasca_decision;
using kairos::diasca_report;
using kairos::no_tick;
using kairos::packed_agreement;
using kairos::tick_t;

diasca_report random_report(std::mt19937_64& rng, int rank, tick_t base) {
  diasca_report r;
  // Mostly quiet reports, so every kind of decision comes up often.
  auto sometimes = [&](unsigned one_in) { return rng() % one_in == 0; };
  r.base_tick = base;
  r.messages_sent = sometimes(4) ? rng() % 1000 : 0;
  r.actors_created = sometimes(8) ? rng() % 10 : 0;
  r.actors_deleted = sometimes(8) ? rng() % 10 : 0;
  if (sometimes(6)) r.next_tick = no_tick;
  else if (sometimes(20) && base > 0) r.next_tick = base - 1 - rng() % base;  // the words cannot hold it
  else if (sometimes(4)) r.next_tick = base + (rng() % (tick_t{1} << 40));     // often past the tick field
  else r.next_tick = base + rng() % 50;
  r.stop_requested = sometimes(10) ? 1 : 0;
  r.checkpoint_wanted = sometimes(5) ? 1 : 0;
  r.end_of_tick_pending = sometimes(8) ? 1 : 0;
  r.failed_rank = sometimes(12) ? rank : -1;
  return r;
}

void expect_same_decision(const diasca_decision& a, const diasca_decision& b) {
  EXPECT_EQ(a.what, b.what);
  EXPECT_EQ(a.failed_rank, b.failed_rank);
  EXPECT_EQ(a.stop_requested, b.stop_requested);
  EXPECT_EQ(a.next_tick, b.next_tick);
  EXPECT_EQ(a.checkpoint_wanted, b.checkpoint_wanted);
}

/// Combines the elements as MPI may: pairwise, in an order of its choosing.
std::vector<std::uint64_t> reduce_in_random_order(std::vector<std::vector<std::uint64_t>> elements,
                                                  std::mt19937_64& rng) {
  while (elements.size() > 1) {
    std::shuffle(elements.begin(), elements.end(), rng);
    packed_agreement::combine(elements.back().data(), elements.front().data(), elements.front().size());
    elements.pop_back();
  }
  return elements.front();
}

TEST(Agreement, PackedWordsDecideAsTheCombinedReports) {
  std::mt19937_64 rng(20261125);
  int decisions_seen[5] = {};
  int exact_reductions = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    const int ranks = 1 + static_cast<int>(rng() % (trial % 10 == 0 ? 80 : 17));
    const bool counted = ranks <= 64 && rng() % 4 != 0;
    const std::uint64_t tick_range = rng() % 3 == 0 ? 1 + rng() % 60 : packed_agreement::tick_range_most;
    const packed_agreement layout(ranks, counted, tick_range);
    const tick_t base = rng() % 2 ? 0 : rng() % (tick_t{1} << 50);

    // Buffers sent to each rank (at most one from each other rank), and how
    // many of them it has received so far.
    std::vector<std::vector<int>> destinations(ranks);
    std::vector<std::uint64_t> sent_to(ranks), received(ranks);
    for (int r = 0; r < ranks; ++r)
      for (int to = 0; to < ranks; ++to)
        if (to != r && rng() % 3 == 0) destinations[r].push_back(to), ++sent_to[to];
    bool all_received = true;
    for (int r = 0; r < ranks; ++r) {
      received[r] = rng() % 4 == 0 && sent_to[r] > 0 ? rng() % sent_to[r] : sent_to[r];
      all_received = all_received && received[r] == sent_to[r];
    }

    diasca_report combined;
    std::vector<diasca_report> reports;
    std::vector<std::vector<std::uint64_t>> elements;
    for (int r = 0; r < ranks; ++r) {
      reports.push_back(random_report(rng, r, base));
      if (r == 0) combined = reports.back();
      else combined.combine(reports.back());
      elements.emplace_back(layout.words());
      layout.pack(reports.back(), destinations[r], destinations[r].size() - received[r], elements.back());
    }
    const std::vector<std::uint64_t> all = reduce_in_random_order(elements, rng);

    if (counted) {
      for (int r = 0; r < ranks; ++r) ASSERT_EQ(layout.buffers_for(r, all), sent_to[r]) << "rank " << r;
    } else {
      EXPECT_EQ(packed_agreement::in_flight(all) == 0, all_received);
    }
    diasca_report agreed = layout.read(all, base);
    if (layout.exact_values_needed(all)) {
      ++exact_reductions;
      std::array<std::uint64_t, 2> lowest = packed_agreement::exact_values(reports[0]);
      for (const diasca_report& r : reports) {
        const std::array<std::uint64_t, 2> mine = packed_agreement::exact_values(r);
        for (int i = 0; i < 2; ++i) lowest[i] = std::min(lowest[i], mine[i]);
      }
      packed_agreement::apply_exact_values(agreed, lowest);
    }
    const diasca_decision expected = kairos::decide(combined);
    expect_same_decision(kairos::decide(agreed), expected);
    ++decisions_seen[static_cast<int>(expected.what)];
    if (testing::Test::HasFailure())
      FAIL() << "trial " << trial << " with " << ranks << " ranks, tick range " << tick_range;
  }
  for (int kind = 0; kind < 5; ++kind) EXPECT_GT(decisions_seen[kind], 100) << "decision kind " << kind;
  // Both paths are exercised, and the exact one is not the rule.
  EXPECT_GT(exact_reductions, 1000);
  EXPECT_LT(exact_reductions, 15000);
}

TEST(Agreement, QuietDiascasNeedNoSecondReductionWhileTheNextTickIsNear) {
  const packed_agreement layout(4, true);
  diasca_report quiet;
  quiet.base_tick = 1000;
  for (tick_t next : {tick_t{1000}, tick_t{1001}, tick_t{1000} + packed_agreement::tick_range_most - 1}) {
    quiet.next_tick = next;
    std::vector<std::uint64_t> words(layout.words());
    layout.pack(quiet, {}, 0, words);
    EXPECT_FALSE(layout.exact_values_needed(words)) << next;
    EXPECT_EQ(layout.read(words, quiet.base_tick).next_tick, next);
  }
  for (tick_t next : {tick_t{999}, tick_t{1000} + packed_agreement::tick_range_most, no_tick - 1, no_tick}) {
    quiet.next_tick = next;
    std::vector<std::uint64_t> words(layout.words());
    layout.pack(quiet, {}, 0, words);
    EXPECT_TRUE(layout.exact_values_needed(words)) << next;
  }
}

TEST(Agreement, OneWordCarriesTheAgreementUpToEightRanks) {
  // The cost of the reduction grows with its element: these sizes are the point.
  EXPECT_EQ(packed_agreement(1, true).words(), 1u);
  EXPECT_EQ(packed_agreement(2, true).words(), 1u);
  EXPECT_EQ(packed_agreement(8, true).words(), 1u);
  EXPECT_EQ(packed_agreement(16, true).words(), 2u);
  EXPECT_EQ(packed_agreement(64, true).words(), 7u);
  EXPECT_EQ(packed_agreement(1000, false).words(), 2u);
}

}  // namespace
