#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace kairos {

/// Runs independent pieces of work of one diasca. The engine only ever asks
/// "run fn over [0, n) in chunks, and tell each chunk which worker it is on";
/// a pool of hot worker threads implements it (TBB's work stealing too, for
/// comparison), and one thread needs nothing else.
class executor {
 public:
  using range_fn = std::function<void(std::size_t begin, std::size_t end, unsigned worker)>;
  virtual ~executor() = default;
  /// Number of distinct worker indices fn may be called with.
  virtual unsigned concurrency() const noexcept = 0;
  /// Calls fn on disjoint chunks covering [0, n), at most `grain` items each,
  /// possibly in parallel; returns when all are done.
  virtual void for_ranges(std::size_t n, std::size_t grain, const range_fn& fn) = 0;
};

/// The hot worker pool with `threads` workers (the calling thread is worker
/// 0), or the serial executor when threads is 1. KAIROS_EXECUTOR=tbb in the
/// environment picks TBB instead, where the engine was built with it
/// (benchmarks compare the two).
std::unique_ptr<executor> make_executor(unsigned threads);

}  // namespace kairos
