// The agenda's lanes: an actor's entries may lie in several lanes (it ran on
// different workers over a run); taking a tick, listing ticks, withdrawing
// and dropping the ticks of deleted actors must see them all, as one agenda
// would. Checked against a plain reference model over random calls, and
// with lanes written by concurrent threads. (Running each actor taken once
// is the caller's part: tests/unit/time/time_model_test.cpp.)
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "time/agenda.hpp"

namespace kairos {
namespace {

std::vector<aai_t> sorted(std::vector<aai_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<aai_t> lane_taken(const agenda& a, unsigned lane) {
  return {a.taken(lane).begin(), a.taken(lane).end()};
}

/// Every lane's entries of the tick taken last, duplicates included.
std::vector<aai_t> all_taken(const agenda& a) {
  std::vector<aai_t> all;
  for (unsigned lane = 0; lane < a.lane_count(); ++lane) all.insert(all.end(), a.taken(lane).begin(), a.taken(lane).end());
  return sorted(all);
}

TEST(AgendaLanes, TakeLeavesEachLanesEntriesInItsLane) {
  agenda a(3);
  a.schedule(0, 10, 7);
  a.schedule(2, 10, 7);  // the same actor, asked from another worker
  a.schedule(1, 10, 4);
  a.schedule(2, 12, 9);
  EXPECT_EQ(a.next_tick(), 10u);
  EXPECT_EQ(a.ticks(), (std::vector<tick_t>{10, 12}));  // each tick once
  EXPECT_EQ(a.bucket_size(10), 3u);
  EXPECT_EQ(a.largest_aai(), 9u);
  a.take(10);
  EXPECT_EQ(lane_taken(a, 0), (std::vector<aai_t>{7}));
  EXPECT_EQ(lane_taken(a, 1), (std::vector<aai_t>{4}));
  EXPECT_EQ(lane_taken(a, 2), (std::vector<aai_t>{7}));
  EXPECT_EQ(a.next_tick(), 12u);
  a.take(12);  // the entries of tick 10 go
  EXPECT_EQ(all_taken(a), (std::vector<aai_t>{9}));
  EXPECT_EQ(a.next_tick(), no_tick);
}

TEST(AgendaLanes, SortingTheTakenEntriesSortsTheLongListsAlone) {
  agenda a(2);
  std::vector<aai_t> longer;
  for (aai_t aai = 400; aai > 0; --aai) {  // 400 entries in lane 0, in falling order, duplicates too
    a.schedule(0, 3, aai % 300);
    longer.push_back(aai % 300);
  }
  a.schedule(1, 3, 9);
  a.schedule(1, 3, 2);
  a.take(3);
  a.sort_taken(256);
  EXPECT_EQ(lane_taken(a, 0), sorted(longer));
  EXPECT_EQ(lane_taken(a, 1), (std::vector<aai_t>{9, 2}));  // too short to be worth sorting
}

TEST(AgendaLanes, TicksSharingARingSlotKeepTheirOwnEntries) {
  agenda a(1, 4);  // ticks 3, 7 and 11 share slot 3
  a.schedule(0, 3, 30);
  a.schedule(0, 7, 70);   // slot taken by tick 3: kept apart
  a.schedule(0, 3, 31);
  EXPECT_EQ(a.ticks(), (std::vector<tick_t>{3, 7}));
  EXPECT_EQ(a.bucket_size(7), 1u);
  a.take(3);
  EXPECT_EQ(lane_taken(a, 0), (std::vector<aai_t>{30, 31}));
  a.schedule(0, 7, 71);   // the slot is free now, but tick 7 has its bucket already
  a.schedule(0, 11, 110); // takes the free slot
  EXPECT_EQ(a.next_tick(), 7u);
  a.take(7);
  EXPECT_EQ(lane_taken(a, 0), (std::vector<aai_t>{70, 71}));
  a.withdraw(0, 11, 110);  // emptied: the tick is not visited
  EXPECT_EQ(a.next_tick(), no_tick);
  a.schedule(0, 15, 150);
  a.take(15);
  EXPECT_EQ(lane_taken(a, 0), (std::vector<aai_t>{150}));
}

TEST(AgendaLanes, AWithdrawReachesEveryLane) {
  agenda a(4);
  a.schedule(0, 5, 1);
  a.schedule(3, 5, 1);
  a.schedule(1, 8, 2);
  // Actor 1 withdraws tick 5 on worker 2: its own lane first, the others at
  // the end of the diasca. The tick, left empty everywhere, is not visited.
  a.withdraw(2, 5, 1);
  EXPECT_EQ(a.bucket_size(5), 2u);  // lanes 0 and 3 not yet
  a.spread_withdrawals();
  EXPECT_EQ(a.next_tick(), 8u);
  EXPECT_EQ(a.ticks(), (std::vector<tick_t>{8}));
  EXPECT_EQ(a.bucket_size(5), 0u);
}

TEST(AgendaLanes, ATickOfGoneActorsInEveryLaneIsDropped) {
  agenda a(2);
  a.schedule(0, 3, 100);
  a.schedule(1, 3, 101);
  a.schedule(1, 6, 102);
  a.schedule(0, 6, 100);
  const auto alive = [](aai_t aai) { return aai == 102; };
  a.drop_gone(alive);
  // Tick 3 had only gone actors, in both lanes: dropped. Tick 6 keeps its
  // live actor, so it stays (its gone entry is skipped when taken).
  EXPECT_EQ(a.next_tick(), 6u);
  std::vector<aai_t> bucket;
  a.bucket(6, bucket);
  EXPECT_NE(std::find(bucket.begin(), bucket.end(), 102u), bucket.end());
}

// The reference: one multiset of actors per tick.
struct reference {
  std::map<tick_t, std::multiset<aai_t>> entries;
  void schedule(tick_t t, aai_t aai) { entries[t].insert(aai); }
  void withdraw(tick_t t, aai_t aai) {
    const auto it = entries.find(t);
    if (it == entries.end()) return;
    it->second.erase(aai);
    if (it->second.empty()) entries.erase(it);
  }
  tick_t next_tick() const { return entries.empty() ? no_tick : entries.begin()->first; }
  std::vector<aai_t> take(tick_t t) {
    std::vector<aai_t> out;
    if (const auto it = entries.find(t); it != entries.end()) {
      out.assign(it->second.begin(), it->second.end());
      entries.erase(it);
    }
    return out;
  }
};

TEST(AgendaLanes, RandomCallsOnRandomLanesMatchOneAgenda) {
  std::mt19937_64 random(7);
  // Rings of 1 and 4 slots crowd them: most ticks share a slot with another.
  for (const std::size_t near_ticks : {std::size_t{1}, std::size_t{4}, agenda::default_near_ticks})
  for (const unsigned lanes : {1u, 2u, 5u, 16u}) {
    SCOPED_TRACE(testing::Message() << near_ticks << " ring slots");
    agenda a(lanes, near_ticks);
    reference r;
    tick_t now = 0;
    for (int step = 0; step < 20000; ++step) {
      const unsigned lane = static_cast<unsigned>(random() % lanes);
      const aai_t aai = random() % 50;
      const tick_t tick = now + 1 + random() % 20;
      switch (random() % 8) {
        case 0: {  // a withdraw, as the end of a diasca completes it
          a.withdraw(lane, tick, aai);
          a.spread_withdrawals();
          r.withdraw(tick, aai);
          break;
        }
        case 1: {  // the next tick comes
          ASSERT_EQ(a.next_tick(), r.next_tick()) << lanes << " lanes, step " << step;
          if (r.next_tick() == no_tick) break;
          now = r.next_tick();
          a.take(now);
          ASSERT_EQ(all_taken(a), r.take(now)) << lanes << " lanes, tick " << now;
          break;
        }
        default:
          a.schedule(lane, tick, aai);
          r.schedule(tick, aai);
      }
    }
    std::vector<tick_t> expected_ticks;
    for (const auto& [tick, actors] : r.entries) {
      expected_ticks.push_back(tick);
      std::vector<aai_t> bucket;
      a.bucket(tick, bucket);
      EXPECT_EQ(sorted(bucket), std::vector<aai_t>(actors.begin(), actors.end())) << "tick " << tick;
    }
    EXPECT_EQ(a.ticks(), expected_ticks) << lanes << " lanes";
  }
}

TEST(AgendaLanes, LanesWrittenByConcurrentThreadsLoseNothing) {
  constexpr unsigned lanes = 4;
  constexpr aai_t per_lane = 20000;
  agenda a(lanes);
  std::vector<std::thread> threads;
  for (unsigned lane = 0; lane < lanes; ++lane)
    threads.emplace_back([&a, lane] {
      for (aai_t k = 0; k < per_lane; ++k) {
        const aai_t aai = lane * per_lane + k;
        a.schedule(lane, 1 + aai % 97, aai);
        if (aai % 5 == 0) a.withdraw(lane, 1 + aai % 97, aai);
      }
    });
  for (std::thread& t : threads) t.join();
  std::vector<aai_t> all;
  while (a.next_tick() != no_tick) {
    a.take(a.next_tick());
    const std::vector<aai_t> taken = all_taken(a);
    all.insert(all.end(), taken.begin(), taken.end());
  }
  std::vector<aai_t> expected;
  for (aai_t aai = 0; aai < lanes * per_lane; ++aai)
    if (aai % 5 != 0) expected.push_back(aai);
  EXPECT_EQ(sorted(all), expected);
}

}  // namespace
}  // namespace kairos
