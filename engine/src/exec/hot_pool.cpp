#include "exec/hot_pool.hpp"

#include <sched.h>

#include <chrono>
#include <exception>
#include <utility>

#include "exec/cpu_relax.hpp"

namespace kairos {

namespace {

// How long a worker polls for the next job before it parks. Diascas follow
// each other within microseconds while a simulation runs; a pause longer
// than this (a checkpoint, the end of the run) is worth one wake-up.
constexpr auto park_after = std::chrono::microseconds(500);

}  // namespace

hot_pool::hot_pool(unsigned threads) : slot_storage_(new slot[threads > 1 ? threads - 1 : 0]) {
  for (unsigned i = 0; i + 1 < threads; ++i) slots_.push_back(&slot_storage_[i]);
  threads_.reserve(slots_.size());
  for (unsigned i = 0; i < slots_.size(); ++i) threads_.emplace_back([this, i] { worker_loop(i); });
}

hot_pool::~hot_pool() {
  stopping_.store(true, std::memory_order_seq_cst);
  ++generation_;
  for (slot* s : slots_) {
    s->start.store(generation_, std::memory_order_seq_cst);
    s->start.notify_one();
  }
  for (std::thread& t : threads_) t.join();
}

void hot_pool::claim_chunks(unsigned worker) {
  const range_fn& fn = *fn_;
  for (;;) {
    const std::size_t begin = next_.fetch_add(grain_, std::memory_order_relaxed);
    if (begin >= n_) return;
    try {
      fn(begin, begin + grain_ < n_ ? begin + grain_ : n_, worker);
    } catch (...) {
      // The first failure is rethrown by for_ranges; the job's remaining
      // chunks are abandoned, as a serial loop would stop at the throw.
      if (!failed_.exchange(true, std::memory_order_acq_rel)) failure_ = std::current_exception();
      next_.store(n_, std::memory_order_relaxed);
      return;
    }
  }
}

void hot_pool::worker_loop(unsigned index) {
  slot& me = *slots_[index];
  std::uint64_t seen = 0;
  for (;;) {
    // Wait for the next generation: spin, then spin yielding, then park.
    std::uint64_t now = me.start.load(std::memory_order_acquire);
    const auto give_up = std::chrono::steady_clock::now() + park_after;
    for (unsigned polls = 0; now == seen; ++polls) {
      if (polls < 64) {
        cpu_relax();
      } else if (polls % 16 != 0 || std::chrono::steady_clock::now() < give_up) {
        sched_yield();
      } else {
        me.parked.store(true, std::memory_order_seq_cst);
        me.start.wait(seen, std::memory_order_seq_cst);  // returns at once if start moved meanwhile
        me.parked.store(false, std::memory_order_relaxed);
      }
      now = me.start.load(std::memory_order_acquire);
    }
    seen = now;
    if (stopping_.load(std::memory_order_acquire)) return;
    claim_chunks(index + 1);
    me.finished.store(seen, std::memory_order_release);
  }
}

void hot_pool::for_ranges(std::size_t n, std::size_t grain, const range_fn& fn) {
  if (n == 0) return;
  if (grain == 0) grain = 1;
  // One chunk's worth of work is not worth involving the other workers.
  if (n <= grain || slots_.empty()) {
    fn(0, n, 0);
    return;
  }
  fn_ = &fn;
  n_ = n;
  grain_ = grain;
  next_.store(0, std::memory_order_relaxed);
  ++generation_;
  for (slot* s : slots_) {
    s->start.store(generation_, std::memory_order_seq_cst);
    if (s->parked.load(std::memory_order_seq_cst)) s->start.notify_one();
  }
  claim_chunks(0);
  for (slot* s : slots_)
    for (unsigned polls = 0; s->finished.load(std::memory_order_acquire) != generation_; ++polls) {
      if (polls < 256) cpu_relax();
      else sched_yield();  // the worker may be waiting for a time-shared core
    }
  if (failed_.load(std::memory_order_acquire)) {
    failed_.store(false, std::memory_order_relaxed);
    std::rethrow_exception(std::exchange(failure_, nullptr));
  }
}

}  // namespace kairos
