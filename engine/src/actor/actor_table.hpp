#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
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
class actor_table {
 public:
  /// `slots` must outlive the table.
  actor_table(const std::vector<const class_info*>& classes, const scenario_slots& slots);
  ~actor_table();

  actor* find(aai_t aai) const noexcept {
    if (const std::uint64_t s = slots_.slot_of(aai); s != scenario_slots::none) return dense_[s];
    if (created_.empty()) return nullptr;
    const auto it = created_.find(aai);
    return it == created_.end() ? nullptr : it->second;
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
  std::vector<actor*> dense_;
  std::unordered_map<aai_t, actor*> created_;
  std::uint64_t size_ = 0;
};

}  // namespace kairos
