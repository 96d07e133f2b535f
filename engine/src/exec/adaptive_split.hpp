#pragma once

#include <algorithm>
#include <cstddef>

namespace kairos {

/// How a diasca's activations are split among the workers, from the measured
/// cost of one activation rather than a fixed count: a diasca goes parallel
/// once its expected work is well above what handing it out costs (about a
/// microsecond with hot workers), in chunks long enough to amortise claiming
/// them and short enough to balance uneven actors.
class adaptive_split {
 public:
  /// fixed_grain > 0 pins the chunk size instead (tests: 1 splits every
  /// diasca of two activations or more, whatever it costs).
  explicit adaptive_split(std::size_t fixed_grain = 0) noexcept : fixed_grain_(fixed_grain) {}

  /// Activations per chunk for a diasca of n on `workers`; n (or more) means
  /// "run it inline".
  std::size_t grain(std::size_t n, unsigned workers) const noexcept {
    if (fixed_grain_ > 0) return fixed_grain_;
    if (workers <= 1 || static_cast<double>(n) * ns_per_item_ < parallel_from_ns) return n;
    // At least chunk_ns of work per chunk, and no more than chunks_per_worker
    // chunks each: claims on the shared counter cost a cache-line transfer.
    const auto by_cost = static_cast<std::size_t>(chunk_ns / ns_per_item_);
    const std::size_t by_count = n / (chunks_per_worker * workers);
    const std::size_t per_worker = (n + workers - 1) / workers;
    return std::clamp<std::size_t>(std::max(by_cost, by_count), 1, per_worker);
  }
  /// What running n activations took on `workers` workers (1: inline).
  void record(std::size_t n, double seconds, unsigned workers) noexcept {
    if (n == 0) return;
    // In parallel, elapsed x workers over-counts by the hand-out and any
    // imbalance: it errs towards larger chunks, the safe side.
    const double sample = seconds * 1e9 * workers / static_cast<double>(n);
    ns_per_item_ += (sample - ns_per_item_) / 8;
  }
  /// True when the chunk size is pinned (tests): split everything that can be.
  bool pinned() const noexcept { return fixed_grain_ > 0; }

 private:
  static constexpr double parallel_from_ns = 8000;  ///< expected work worth a hand-out
  static constexpr double chunk_ns = 5000;          ///< least work per chunk
  static constexpr std::size_t chunks_per_worker = 4;  ///< enough to balance uneven actors
  std::size_t fixed_grain_;
  double ns_per_item_ = 200;                        ///< until measured: a modest activation
};

}  // namespace kairos
