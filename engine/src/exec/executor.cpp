#include "kairos/exec/executor.hpp"

#include <cstdlib>
#include <string_view>

#include "exec/hot_pool.hpp"

#ifdef KAIROS_HAVE_TBB
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#endif

namespace kairos {

namespace {

class serial_executor final : public executor {
 public:
  unsigned concurrency() const noexcept override { return 1; }
  void for_ranges(std::size_t n, std::size_t, const range_fn& fn) override {
    if (n > 0) fn(0, n, 0);
  }
};

#ifdef KAIROS_HAVE_TBB
class tbb_executor final : public executor {
 public:
  // global_control lifts TBB's default cap of one thread per core, so
  // --threads larger than the core count gets that many workers.
  explicit tbb_executor(unsigned threads)
      : limit_(tbb::global_control::max_allowed_parallelism, threads), arena_(static_cast<int>(threads)), threads_(threads) {}
  unsigned concurrency() const noexcept override { return threads_; }
  void for_ranges(std::size_t n, std::size_t grain, const range_fn& fn) override {
    if (n == 0) return;
    // A chunk's worth of work is not worth waking the other threads for.
    if (n <= grain) {
      fn(0, n, 0);
      return;
    }
    arena_.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, grain), [&](const tbb::blocked_range<std::size_t>& r) {
        fn(r.begin(), r.end(), static_cast<unsigned>(tbb::this_task_arena::current_thread_index()));
      });
    });
  }

 private:
  tbb::global_control limit_;
  tbb::task_arena arena_;
  unsigned threads_;
};
#endif

}  // namespace

std::unique_ptr<executor> make_executor(unsigned threads) {
  if (threads <= 1) return std::make_unique<serial_executor>();
#ifdef KAIROS_HAVE_TBB
  // TBB's work stealing, kept for comparison (bench/RESULTS.md measures both).
  const char* choice = std::getenv("KAIROS_EXECUTOR");
  if (choice && std::string_view(choice) == "tbb") return std::make_unique<tbb_executor>(threads);
#endif
  return std::make_unique<hot_pool>(threads);
}

}  // namespace kairos
