#pragma once

// The end of an aggregate probe's journey: every rank holds partial
// aggregates of some ticks (its own actors' samples, or a checkpoint
// shard's); each tick's partials meet on one rank, merge exactly, and become
// that probe's one sample of the tick. No rank collects more than its share.

#include "probe/probe_store.hpp"
#include "transport/transport.hpp"

namespace kairos {

/// Collective: turns every rank's per-tick aggregates into samples, each
/// tick's on one rank (spread over ranks by probe and tick). Call once, at
/// the end of the run, before the probes are agreed on and sorted.
void reduce_aggregates(probe_store& local, transport& net);

}  // namespace kairos
