#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "actor/actor_pool.hpp"
#include "distribution/placement.hpp"
#include "kairos/actor/actor.hpp"
#include "kairos/actor/class_info.hpp"

namespace kairos {

/// The actors living on this rank, found by AAI. Scenario actors hosted here
/// are found by direct indexing on their slot (scenario_slots: one pointer
/// per actor hosted, nothing for the others); actors created at run time
/// through a hash map. Objects live in one pool per class.
///
/// Each actor also has a claim stamp, so that of the workers running the
/// actors due at a tick, one runs each actor once even where it asked for
/// the tick several times (claim).
class actor_table {
 public:
  /// `slots` must outlive the table.
  actor_table(const std::vector<const class_info*>& classes, const scenario_slots& slots);
  ~actor_table();

  actor* find(aai_t aai) const noexcept {
    if (const std::uint64_t s = slots_.slot_of(aai); s != scenario_slots::none) return dense_[s];
    if (created_.empty()) return nullptr;
    const auto it = created_.find(aai);
    return it == created_.end() ? nullptr : it->second.object;
  }

  /// Claim rounds run from 1 to max_claim_round; reset_claims() must come
  /// before round 1 is used again.
  static constexpr std::uint16_t max_claim_round = UINT16_MAX;
  /// Where an actor's index entry lies: its scenario slot, or none (an
  /// actor created at run time, found by AAI). Finding the slot takes a
  /// division on several ranks, so a caller that touches one actor several
  /// times (two prefetches, then the claim) locates it once.
  struct place {
    aai_t aai;
    std::uint64_t slot;
  };
  place locate(aai_t aai) const noexcept { return {aai, slots_.slot_of(aai)}; }

  /// The actor at `p` if it lives here and nobody claimed it in `round`
  /// yet (the caller then has it), else null. Thread-safe: of concurrent
  /// claims of one actor in one round, exactly one gets it.
  actor* claim(place p, std::uint16_t round) noexcept {
    const auto [a, stamp] = with_claim_stamp(p);
    return a && std::atomic_ref(*stamp).exchange(round, std::memory_order_relaxed) != round ? a : nullptr;
  }
  actor* claim(aai_t aai, std::uint16_t round) noexcept { return claim(locate(aai), round); }
  /// As claim, for a caller that knows no other thread claims in this
  /// round. It does without the atomic exchange, which on x86 is a locked
  /// instruction that waits for every store before it: after an activation,
  /// the stores of the actor's own work.
  actor* claim_alone(place p, std::uint16_t round) noexcept {
    const auto [a, stamp] = with_claim_stamp(p);
    if (!a) return nullptr;
    std::atomic_ref<std::uint16_t> last(*stamp);
    if (last.load(std::memory_order_relaxed) == round) return nullptr;
    last.store(round, std::memory_order_relaxed);
    return a;
  }
  /// Every actor unclaimed, for claim rounds to start again from 1.
  void reset_claims();
  /// Asks the memory, further ahead than prefetch_claim, for the index
  /// entries claim(p) reads and writes: prefetch_claim then finds the
  /// actor's address without waiting for them.
  void prefetch_index(place p) const noexcept {
    if (p.slot != scenario_slots::none) {
      __builtin_prefetch(&dense_[p.slot]);
      __builtin_prefetch(&dense_claims_[p.slot], 1);
    }
  }
  /// Asks the memory for the actor claim(p) returns, ahead of time.
  void prefetch_claim(place p) const noexcept {
    if (p.slot != scenario_slots::none) {
      if (const actor* a = dense_[p.slot]) prefetch_object(a);
    } else if (const actor* a = find(p.aai)) {
      prefetch_object(a);
    }
  }
  /// Both cache lines of an actor that straddles two: objects lie end to
  /// end in their pool, so a 48-byte one does every other time, and what
  /// its first activation reads (a container's pointer, say) may be in the
  /// second. The class is unknown until the object is read, hence the
  /// largest class's size, up to two lines.
  void prefetch_object(const actor* a) const noexcept {
    __builtin_prefetch(a);
    __builtin_prefetch(reinterpret_cast<const char*>(a) + prefetch_reach_);
  }

  /// Adds a constructed actor; false if its AAI is already in use (or is a
  /// scenario AAI this rank does not host).
  bool insert(actor& a);
  /// Removes and destroys the actor; false if there is none with this AAI.
  bool erase(aai_t aai);

  void* allocate(const class_info& cls) { return pools_[cls.id]->allocate(); }
  void release(const class_info& cls, void* storage) noexcept { pools_[cls.id]->release(storage); }

  std::uint64_t size() const noexcept { return size_; }
  /// Scenario actors by slot (0 .. slot_count() - 1); null where none lives.
  std::uint64_t slot_count() const noexcept { return dense_.size(); }
  actor* at_slot(std::uint64_t slot) const noexcept { return dense_[slot]; }
  /// The actors created at run time that live here, in no particular order.
  std::vector<actor*> created_actors() const;
  /// All live actors, sorted by AAI (checkpoints store them so).
  std::vector<actor*> sorted_by_aai() const;
  const class_info& class_of(const actor& a) const noexcept {
    return *classes_[detail::actor_access::class_id(a)];
  }

 private:
  const std::vector<const class_info*>& classes_;
  const scenario_slots& slots_;
  std::vector<std::unique_ptr<actor_pool>> pools_;
  std::size_t prefetch_reach_ = 0;  ///< the last byte prefetch_object asks for, past the object's first
  std::vector<actor*> dense_;
  std::vector<std::uint16_t> dense_claims_;  ///< per slot: the last claim round that took its actor
  struct created_actor {
    actor* object;
    std::uint16_t claim = 0;  ///< as dense_claims_
  };
  std::unordered_map<aai_t, created_actor> created_;
  std::uint64_t size_ = 0;

  /// The actor at `p` and its claim stamp, or {null, null} if it does not
  /// live here.
  std::pair<actor*, std::uint16_t*> with_claim_stamp(place p) noexcept {
    if (const std::uint64_t s = p.slot; s != scenario_slots::none)
      return dense_[s] ? std::pair{dense_[s], &dense_claims_[s]} : std::pair<actor*, std::uint16_t*>{};
    if (created_.empty()) return {};
    const auto it = created_.find(p.aai);
    return it == created_.end() ? std::pair<actor*, std::uint16_t*>{} : std::pair{it->second.object, &it->second.claim};
  }
};

}  // namespace kairos
