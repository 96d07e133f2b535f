#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "actor/actor_table.hpp"
#include "kairos/exec/executor.hpp"
#include "probe/probe_store.hpp"

namespace kairos {

/// One rank's part of the results digest (docs/design.md §3), or the sum of every
/// rank's: a multiset hash. Each actor's final state and each probe sample
/// is hashed on its own (128 bits, over a fixed byte order), and the hashes
/// are added modulo 2^64 lane by lane. Addition does not care in which order
/// or on which rank an element was hashed, so ranks need no gather and no
/// sort: one small sum over ranks combines their parts, and the digest is
/// the same for any rank and thread count.
struct digest_sums {
  std::array<std::uint64_t, 2> actors{};   ///< lanes of the sum of the actors' hashes
  std::array<std::uint64_t, 2> samples{};  ///< lanes of the sum of the samples' hashes
  std::uint64_t actor_count = 0;
  std::uint64_t sample_count = 0;

  /// As the six words a transport sums, and back.
  std::vector<std::uint64_t> words() const;
  static digest_sums from_words(const std::vector<std::uint64_t>& w);
};

/// This rank's part: its actors (hashed in slices on the executor's
/// workers) and its samples of selected probes.
digest_sums local_digest_sums(const probe_store& probes, const actor_table& actors, executor& workers);

/// The digest of a run from the sums over all ranks and the run's probes
/// (names and curves, sorted by name): equal digests mean equal runs.
std::uint64_t results_digest(const digest_sums& total, const std::vector<probe_schema>& probes);

std::string digest_hex(std::uint64_t digest);

}  // namespace kairos
