#pragma once

// What an aggregate probe keeps of one row (a tick, or a period of ticks):
// how many samples were recorded and, per curve, their exact sum, minimum
// and maximum. Each part
// combines in any order with the same outcome (integer sums, a total order
// for min and max), so partial aggregates of threads, ranks and checkpoint
// shards merge into the same figures on any rank count.

#include <string>
#include <vector>

#include "probe/exact_sum.hpp"
#include "transport/byte_buffer.hpp"

namespace kairos {

/// One row's aggregate while samples are still arriving (full exact sums:
/// cheap to add to).
struct tick_accumulator {
  struct curve {
    exact_sum sum;
    double min, max;  ///< NaN until a number arrives; NaN samples are left out of both
  };
  std::uint64_t count = 0;
  std::vector<curve> curves;

  explicit tick_accumulator(std::size_t width);
  void add(const double* values) noexcept;
};

/// One row's aggregate as stored, in checkpoints and on the way between
/// ranks (packed exact sums: a few digits each).
struct tick_aggregate {
  struct curve {
    exact_sum::packed sum;
    double min, max;
  };
  std::uint64_t count = 0;
  std::vector<curve> curves;

  /// Adds another partial aggregate of the same row and probe.
  void merge(const tick_accumulator& more);
  void merge(const tick_aggregate& more);

  /// The row results.h5 shows: count, then per curve sum, mean, min, max
  /// (mean = sum / count, both rounded once).
  std::vector<double> row() const;

  /// Little-endian, as checkpoint shards need.
  void encode(byte_writer& out) const;
  static tick_aggregate decode(byte_reader& in);
};

/// The result curves of an aggregated probe with the given curves:
/// "count", then "<curve>.sum", "<curve>.mean", "<curve>.min", "<curve>.max"
/// for each.
std::vector<std::string> aggregate_result_curves(const std::vector<std::string>& curves);

}  // namespace kairos
