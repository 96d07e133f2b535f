#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actor/actor_table.hpp"
#include "probe/probe_store.hpp"

namespace kairos {

/// The results digest of DESIGN.md §3: a hash over every probe sample (probes
/// by name, samples in canonical order) and every live actor's final state
/// (in AAI order, each reduced to a per-actor hash so ranks can contribute
/// theirs independently). Equal digests mean equal runs.
std::uint64_t results_digest(const probe_store& probes, const actor_table& actors);

std::string digest_hex(std::uint64_t digest);

}  // namespace kairos
