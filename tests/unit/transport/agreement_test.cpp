// The collective agreement reduces packed words in one MPI_Allreduce.
// Whatever reports the ranks send, the decision it reaches must be the one
// the tree reaches by combining the full reports, and its termination count
// must say "complete" exactly when every buffer sent has been received.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "transport/coordination.hpp"

namespace {

using kairos::agreement_words;
using kairos::diasca_decision;
using kairos::diasca_report;

diasca_report random_report(std::mt19937_64& rng, int rank) {
  diasca_report r;
  // Mostly quiet reports, so every kind of decision comes up often.
  auto sometimes = [&](unsigned one_in) { return rng() % one_in == 0; };
  r.messages_sent = sometimes(4) ? rng() % 1000 : 0;
  r.actors_created = sometimes(8) ? rng() % 10 : 0;
  r.actors_deleted = sometimes(8) ? rng() % 10 : 0;
  r.next_tick = sometimes(6) ? kairos::no_tick : rng() % (sometimes(2) ? 50 : (kairos::tick_t{1} << 62));
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

TEST(Agreement, PackedMaximaDecideAsTheCombinedReports) {
  std::mt19937_64 rng(20261123);
  int decisions_seen[5] = {};
  for (int trial = 0; trial < 20000; ++trial) {
    const int ranks = 1 + static_cast<int>(rng() % 16);
    diasca_report combined;
    agreement_words reduced;
    // Buffers sent to each rank, and how many of them it has received so far.
    std::vector<std::uint64_t> sent(ranks), sent_to(ranks), received(ranks);
    for (int r = 0; r < ranks; ++r) {
      for (int to = 0; to < ranks; ++to)
        if (to != r && rng() % 3 == 0) ++sent[r], ++sent_to[to];
    }
    bool all_received = true;
    for (int r = 0; r < ranks; ++r) {
      received[r] = rng() % 4 == 0 && sent_to[r] > 0 ? rng() % sent_to[r] : sent_to[r];
      all_received = all_received && received[r] == sent_to[r];
    }
    for (int r = 0; r < ranks; ++r) {
      const diasca_report report = random_report(rng, r);
      const agreement_words words = agreement_words::of(report, sent[r], received[r]);
      if (r == 0) {
        combined = report;
        reduced = words;
      } else {
        combined.combine(report);
        reduced.combine(words);
      }
    }
    EXPECT_EQ(reduced.exchange_complete(), all_received);
    const diasca_decision expected = kairos::decide(combined);
    expect_same_decision(kairos::decide(reduced.report()), expected);
    ++decisions_seen[static_cast<int>(expected.what)];
    if (testing::Test::HasFailure()) FAIL() << "trial " << trial << " with " << ranks << " ranks";
  }
  for (int kind = 0; kind < 5; ++kind) EXPECT_GT(decisions_seen[kind], 100) << "decision kind " << kind;
}

TEST(Agreement, ExtremeTicksAndRanksSurviveTheComplement) {
  diasca_report quiet;
  quiet.next_tick = kairos::no_tick - 1;
  EXPECT_EQ(agreement_words::of(quiet, 0, 0).report().next_tick, kairos::no_tick - 1);
  quiet.next_tick = 0;
  EXPECT_EQ(agreement_words::of(quiet, 0, 0).report().next_tick, 0u);
  quiet.failed_rank = 0;
  EXPECT_EQ(agreement_words::of(quiet, 0, 0).report().failed_rank, 0);
  quiet.failed_rank = 1 << 30;
  EXPECT_EQ(agreement_words::of(quiet, 0, 0).report().failed_rank, 1 << 30);
  quiet.failed_rank = -1;
  EXPECT_EQ(agreement_words::of(quiet, 0, 0).report().failed_rank, -1);
}

}  // namespace
