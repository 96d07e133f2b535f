#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actor/actor_table.hpp"
#include "probe/probe_store.hpp"

namespace kairos {

/// One actor's contribution to the digest: its AAI and a hash of its class,
/// engine fields and state. Ranks compute theirs; rank 0 combines them.
struct actor_digest {
  aai_t aai;
  std::uint64_t hash;
};

/// The digests of this rank's actors, in AAI order.
std::vector<actor_digest> actor_digests(const actor_table& actors);

/// The results digest of DESIGN.md §3: a hash over every probe sample (probes
/// by name, samples in canonical order) and every actor's final state (AAI
/// order): this rank's actors and the digests other ranks sent (`others`,
/// sorted by AAI). Equal digests mean equal runs.
std::uint64_t results_digest(const probe_store& probes, const actor_table& local,
                             const std::vector<actor_digest>& others);

std::string digest_hex(std::uint64_t digest);

}  // namespace kairos
