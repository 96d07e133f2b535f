#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

#include "kairos/exec/executor.hpp"

namespace kairos {

/// An executor whose workers stay hot between jobs, for the many small
/// parallel loops of a run (a diasca of a few hundred activations takes
/// microseconds, less than waking a sleeping thread). After a job a worker
/// spins, yielding its core at every poll after the first few so that
/// oversubscribed ranks still share cores fairly, and parks on a futex only
/// after `park_after` without work; the next job then pays one wake-up.
///
/// Every worker takes part in every job: the caller publishes the job, then
/// each participant (the caller is worker 0) claims chunks from one shared
/// counter until none is left, and the caller returns once every worker has
/// checked out, so no worker can still be reading a job when the next one is
/// written. An exception thrown by a chunk reaches the caller of for_ranges
/// (the first one, if several throw), as it would from a serial loop.
class hot_pool final : public executor {
 public:
  explicit hot_pool(unsigned threads);
  ~hot_pool() override;
  hot_pool(const hot_pool&) = delete;
  hot_pool& operator=(const hot_pool&) = delete;

  unsigned concurrency() const noexcept override { return static_cast<unsigned>(slots_.size()) + 1; }
  void for_ranges(std::size_t n, std::size_t grain, const range_fn& fn) override;

 private:
  /// One worker's mailbox, on its own cache line.
  struct alignas(64) slot {
    std::atomic<std::uint64_t> start{0};     ///< the job generation this worker is asked to run
    std::atomic<std::uint64_t> finished{0};  ///< the last generation it has checked out of
    std::atomic<bool> parked{false};
  };

  void worker_loop(unsigned index);
  void claim_chunks(unsigned worker);

  // The current job, written by the caller before it bumps the generation.
  const range_fn* fn_ = nullptr;
  std::size_t n_ = 0;
  std::size_t grain_ = 1;
  alignas(64) std::atomic<std::size_t> next_{0};  ///< first item not yet claimed
  std::uint64_t generation_ = 0;                  ///< jobs published so far (caller only)
  std::atomic<bool> stopping_{false};
  std::atomic<bool> failed_{false};  ///< some chunk of the current job threw
  std::exception_ptr failure_;       ///< the first exception, written by whoever set failed_
  std::unique_ptr<slot[]> slot_storage_;
  std::vector<slot*> slots_;
  std::vector<std::thread> threads_;
};

}  // namespace kairos
