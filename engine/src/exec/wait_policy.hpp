#pragma once

#include <sched.h>

#include <chrono>
#include <memory>

#include "kairos/exec/executor.hpp"

namespace kairos {

/// How a thread that waits (a worker between jobs, a rank for the other
/// ranks' buffers and their agreement) passes the time.
///
/// - spin: poll with the processor's pause hint and keep the core, for up to
///   backoff::spin_for, then yield. The cheapest hand-off when every thread
///   has a core of its own (a cluster node with one rank per core, or ranks
///   x threads = cores): a system call per poll would cost more than the
///   wait, and where system calls are served by other threads of the machine
///   (a sandboxed kernel) those threads would compete with ours for cores.
/// - yield: give the core up between polls after a few dozen spins, which
///   runs with more ranks or threads than cores need, since the thread waited
///   for may be queued behind the waiter.
enum class wait_policy { spin, yield };

/// spin when this rank's threads fit the processors it may run on (mpirun's
/// binding, taskset) and threads_per_rank x ranks_on_node fits the node's
/// online processors; yield otherwise. KAIROS_WAIT=spin or KAIROS_WAIT=yield
/// in the environment overrides the choice (benchmarks compare the two); any
/// other value is an error naming the variable.
wait_policy choose_wait_policy(unsigned threads_per_rank, int ranks_on_node);

/// "spin" or "yield".
const char* describe(wait_policy policy) noexcept;

/// make_executor whose workers wait by `waiting` (the public
/// make_executor(threads) yields, the safe choice where nothing is known).
std::unique_ptr<executor> make_executor(unsigned threads, wait_policy waiting);

/// Paces the polls of one wait by the policy: call pause() after each poll
/// that found nothing, restart() when one found something.
class backoff {
 public:
  /// How long a spinning wait keeps its core before it starts yielding: a
  /// diasca's end and a small diasca take tens of microseconds, so waits
  /// for them stay on the core; a longer wait (a rank far behind, a core
  /// taken by another process after all) costs no more than today's yield.
  static constexpr std::chrono::microseconds spin_for{100};
  /// Spins before yielding under wait_policy::yield.
  static constexpr unsigned yield_after_polls = 64;

  explicit backoff(wait_policy policy) noexcept : policy_(policy) {}

  void pause() noexcept {
    // The clock is read every 16 pauses: cheap against the pauses, and fine
    // enough for spin_for and for a caller's longer limits (waited()).
    if (polls_ % 16 == 0) {
      const auto now = std::chrono::steady_clock::now();
      if (polls_ == 0) started_ = now;
      waited_ = now - started_;
    }
    ++polls_;
    const bool keep_core = policy_ == wait_policy::spin ? waited_ < spin_for : polls_ <= yield_after_polls;
    if (keep_core) cpu_relax();
    else sched_yield();
  }
  void restart() noexcept {
    polls_ = 0;
    waited_ = {};
  }
  /// Time since the first pause of this wait, as last read (coarse).
  std::chrono::steady_clock::duration waited() const noexcept { return waited_; }

 private:
  static void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
  }

  wait_policy policy_;
  unsigned polls_ = 0;
  std::chrono::steady_clock::time_point started_{};
  std::chrono::steady_clock::duration waited_{};
};

}  // namespace kairos
