#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace kairos {

/// Runs independent pieces of work of one diasca. The engine only ever asks
/// "run fn over [0, n) in chunks, and tell each chunk which worker it is on";
/// TBB implements it, and a serial build needs nothing else.
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

/// A TBB executor with `threads` workers, or the serial one when threads is 1
/// or the engine was built without TBB.
std::unique_ptr<executor> make_executor(unsigned threads);

}  // namespace kairos
