#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <vector>

#include "kairos/actor/actor.hpp"
#include "kairos/core/hash.hpp"
#include "kairos/core/types.hpp"

namespace kairos {

struct scenario;

/// Which rank hosts an actor: a function of (AAI or placement hint, rank
/// count) only, so every rank computes it without asking anyone and a
/// restart on another rank count can recompute it.
///
/// Scenario actors of a block with `placement = "hint"`, and actors created
/// with that hint (their AAI carries its group), share the hint's rank. Other
/// scenario actors are dealt out cyclically (AAI modulo the rank count), so a
/// rank can number the ones it hosts without a table over all of them (see
/// scenario_slots); actors created at run time go by a hash of their AAI.
class placement {
 public:
  placement(const scenario& s, int ranks);

  int rank_of(aai_t aai) const noexcept {
    if (ranks_ == 1) return 0;
    if (detail::is_hinted(aai)) return rank_of_group(detail::hinted_group(aai), ranks_);
    if (const hinted_block* b = hinted_block_of(aai)) return b->rank;
    if (aai < scenario_actors_) return static_cast<int>(aai % static_cast<std::uint64_t>(ranks_));
    return static_cast<int>(mix64(aai) % static_cast<std::uint64_t>(ranks_));
  }
  int ranks() const noexcept { return ranks_; }
  /// The placement group of an actor: its hint's group (scenario blocks with
  /// `placement`, actors created with a hint), else the actor alone. A
  /// group always lives on one rank, whatever the rank count, so rules
  /// stated on groups behave alike on every rank count.
  std::uint64_t group_of(aai_t aai) const noexcept {
    if (detail::is_hinted(aai)) return hint_group_key(detail::hinted_group(aai));
    if (const hinted_block* b = hinted_block_of(aai)) return hint_group_key(b->group);
    return aai;
  }
  /// Scenario AAIs are 0 .. scenario_actors() - 1.
  std::uint64_t scenario_actors() const noexcept { return scenario_actors_; }

  static int rank_of_group(std::uint64_t group, int ranks) noexcept {
    return static_cast<int>(mix64(group + 0x9e3779b97f4a7c15ull) % static_cast<std::uint64_t>(ranks));
  }

  /// The indices i in [0, count) such that scenario actor first + i lives
  /// on `rank`: begin, begin + step, ..., `hosted` of them, in increasing
  /// order. [first, first + count) is one scenario block. Visiting them
  /// costs O(actors hosted), not O(actors in the scenario).
  struct hosted_indices {
    std::uint64_t begin = 0, step = 1, hosted = 0;
    /// The k-th index (k < hosted).
    std::uint64_t at(std::uint64_t k) const noexcept { return begin + k * step; }
  };
  hosted_indices hosted_in_block(aai_t first, std::uint64_t count, int rank) const noexcept {
    hosted_indices h;
    if (ranks_ > 1) {
      if (const hinted_block* b = hinted_block_of(first)) {
        if (b->rank != rank) return h;
      } else {
        const auto p = static_cast<std::uint64_t>(ranks_);
        h.begin = (static_cast<std::uint64_t>(rank) + p - first % p) % p;
        h.step = p;
      }
    }
    h.hosted = h.begin < count ? (count - h.begin + h.step - 1) / h.step : 0;
    return h;
  }

 private:
  friend class scenario_slots;
  struct hinted_block {
    aai_t first, end;
    std::uint64_t group;
    int rank;
  };
  /// A hint group's key, which no unhinted AAI takes: the tag of hinted
  /// AAIs with the group and no creation hash.
  static constexpr std::uint64_t hint_group_key(std::uint64_t group) noexcept {
    return (std::uint64_t{3} << 62) | (group << 46);
  }
  /// The hinted scenario block holding `aai`, if any. This runs per message:
  /// a binary search over the hinted blocks (in scenario order, so sorted).
  const hinted_block* hinted_block_of(aai_t aai) const noexcept {
    if (aai >= hinted_end_) return nullptr;
    const auto after = std::upper_bound(hinted_.begin(), hinted_.end(), aai,
                                        [](aai_t a, const hinted_block& b) { return a < b.first; });
    if (after == hinted_.begin() || aai >= std::prev(after)->end) return nullptr;
    return &*std::prev(after);
  }

  int ranks_;
  std::uint64_t scenario_actors_ = 0;
  std::vector<hinted_block> hinted_;
  aai_t hinted_end_ = 0;
};

/// The scenario actors one rank hosts, numbered densely from 0: the
/// cyclically placed ones first (slot AAI / ranks), then those of the
/// hinted blocks this rank hosts. The actor table indexes them by slot, so
/// a rank's index is proportional to the actors it hosts, never to the
/// scenario's total.
class scenario_slots {
 public:
  static constexpr std::uint64_t none = ~std::uint64_t{0};

  scenario_slots(const placement& where, int rank);

  /// Slots in use: 0 .. count() - 1.
  std::uint64_t count() const noexcept { return count_; }
  /// Slots 0 .. cyclic_count() - 1 hold cyclically placed actors, in AAI
  /// order; the rest hold the hinted blocks', in AAI order too.
  std::uint64_t cyclic_count() const noexcept { return cyclic_count_; }
  std::uint64_t scenario_actors() const noexcept { return where_.scenario_actors_; }
  /// The slot of a scenario AAI hosted on this rank, or `none`.
  std::uint64_t slot_of(aai_t aai) const noexcept {
    if (aai >= where_.scenario_actors_) return none;
    if (ranks_ == 1) return aai;
    if (const placement::hinted_block* b = where_.hinted_block_of(aai)) {
      const std::uint64_t base = hinted_base_[static_cast<std::size_t>(b - where_.hinted_.data())];
      return base == none ? none : base + (aai - b->first);
    }
    return aai % ranks_ == rank_ ? aai / ranks_ : none;
  }

 private:
  const placement& where_;
  std::uint64_t ranks_, rank_;
  std::uint64_t cyclic_count_ = 0, count_ = 0;
  std::vector<std::uint64_t> hinted_base_;  ///< per hinted block: its first slot here, or none
};

}  // namespace kairos
