#pragma once

// Assembling results.h5 without a funnel through rank 0: the ranks agree on
// the run's probes, then sort their samples together (a parallel sample
// sort) so that each rank holds one contiguous stretch of every probe's
// canonical order and writes it into the shared file itself.

#include <cstdint>
#include <vector>

#include "probe/probe_store.hpp"
#include "transport/transport.hpp"

namespace kairos {

/// The rows of one probe's datasets that this rank writes: rows
/// [first, first + tick.size()) of `total`.
struct probe_rows {
  std::uint64_t first = 0;
  std::uint64_t total = 0;
  std::vector<std::uint64_t> tick;
  std::vector<std::uint64_t> aai;
  std::vector<double> values;  ///< tick.size() x curves, row by row
};

/// Collective: the run's selected probes, the union of every rank's, sorted
/// by name. Throws runtime_error if two ranks declared one probe with
/// different curves.
std::vector<probe_schema> agree_on_probes(const probe_store& local, transport& net);

/// Collective: sorts every rank's samples into the canonical order (probe,
/// then tick, diasca, AAI and the actor's own sequence), so that each rank
/// ends up with one contiguous stretch of about its share of all samples,
/// and returns per probe of `probes` the rows this rank writes. Samples
/// travel between ranks once, in one all-to-all; none is gathered anywhere.
std::vector<probe_rows> sort_samples(const probe_store& local, const std::vector<probe_schema>& probes,
                                     transport& net);

}  // namespace kairos
