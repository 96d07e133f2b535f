// The hot worker pool: every item of every job is run exactly once, on a
// worker index below concurrency(), whether the workers are spinning or
// parked when the job comes; chunks never exceed the grain.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "exec/adaptive_split.hpp"
#include "exec/hot_pool.hpp"

namespace {

void expect_each_item_once(kairos::executor& pool, std::size_t n, std::size_t grain) {
  std::vector<std::atomic<int>> runs(n);
  std::atomic<bool> bad_worker{false}, oversized{false};
  pool.for_ranges(n, grain, [&](std::size_t begin, std::size_t end, unsigned worker) {
    if (worker >= pool.concurrency()) bad_worker = true;
    if (end - begin > grain && !(begin == 0 && end == n)) oversized = true;
    for (std::size_t i = begin; i < end; ++i) runs[i].fetch_add(1, std::memory_order_relaxed);
  });
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(runs[i].load(), 1) << "item " << i << " of " << n << ", grain " << grain;
  EXPECT_FALSE(bad_worker);
  EXPECT_FALSE(oversized);
}

TEST(HotPool, RunsEveryItemOnceForManyShapesOfJob) {
  for (unsigned threads : {2u, 3u, 8u}) {
    kairos::hot_pool pool(threads);
    EXPECT_EQ(pool.concurrency(), threads);
    for (std::size_t n : {0u, 1u, 2u, 7u, 64u, 1000u, 4097u})
      for (std::size_t grain : {1u, 3u, 64u, 5000u}) expect_each_item_once(pool, n, grain);
  }
}

TEST(HotPool, WakesParkedWorkers) {
  kairos::hot_pool pool(4);
  for (int round = 0; round < 5; ++round) {
    // Longer than the workers spin: they are parked when the job comes.
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    expect_each_item_once(pool, 257, 1);
  }
}

TEST(HotPool, UsesTheOtherWorkers) {
  kairos::hot_pool pool(3);
  std::vector<std::atomic<int>> by_worker(3);
  // Each item waits a little, so that one worker alone cannot take them all.
  pool.for_ranges(300, 1, [&](std::size_t, std::size_t, unsigned worker) {
    by_worker[worker]++;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  });
  for (unsigned w = 0; w < 3; ++w) EXPECT_GT(by_worker[w].load(), 0) << "worker " << w;
}

TEST(HotPool, PassesAChunksExceptionToTheCallerAndStaysUsable) {
  kairos::hot_pool pool(4);
  for (int round = 0; round < 3; ++round) {
    EXPECT_THROW(pool.for_ranges(1000, 1,
                                 [](std::size_t begin, std::size_t, unsigned) {
                                   if (begin == 777) throw std::runtime_error("chunk 777");
                                 }),
                 std::runtime_error);
    expect_each_item_once(pool, 1000, 7);
  }
}

TEST(AdaptiveSplit, SplitsOnlyWorkWorthHandingOut) {
  kairos::adaptive_split split;
  for (int i = 0; i < 64; ++i) split.record(1000, 1000 * 50e-9, 1);  // 50 ns per activation
  EXPECT_GE(split.grain(100, 8), 100u);  // 5 us of work: inline
  const std::size_t grain = split.grain(10000, 8);  // 500 us of work: split
  EXPECT_LT(grain, 10000u);
  EXPECT_GE(grain * 50, 5000u);          // at least 5 us per chunk
  EXPECT_GE(split.grain(10000, 1), 10000u);  // one worker: inline
  kairos::adaptive_split pinned(1);
  EXPECT_EQ(pinned.grain(2, 8), 1u);
}

}  // namespace
