#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "actor/actor_pool.hpp"
#include "kairos/actor/actor.hpp"
#include "kairos/actor/class_info.hpp"

namespace kairos {

/// The actors living on this rank, found by AAI. Scenario actors (AAIs
/// 0..N-1) are found by direct indexing; actors created at run time through
/// a hash map. Objects live in one pool per class.
class actor_table {
 public:
  explicit actor_table(const std::vector<const class_info*>& classes);
  ~actor_table();

  /// Reserves direct-index room for the scenario's actors.
  void reserve_scenario_actors(std::uint64_t count) { dense_.assign(count, nullptr); }

  actor* find(aai_t aai) const noexcept {
    if (aai < dense_.size()) return dense_[aai];
    const auto it = created_.find(aai);
    return it == created_.end() ? nullptr : it->second;
  }

  /// Adds a constructed actor; false if its AAI is already in use.
  bool insert(actor& a);
  /// Removes and destroys the actor; false if there is none with this AAI.
  bool erase(aai_t aai);

  void* allocate(const class_info& cls) { return pools_[cls.id]->allocate(); }
  void release(const class_info& cls, void* storage) noexcept { pools_[cls.id]->release(storage); }

  std::uint64_t size() const noexcept { return size_; }
  /// Scenario AAIs are 0 .. scenario_capacity() - 1.
  std::uint64_t scenario_capacity() const noexcept { return dense_.size(); }
  /// All live actors, sorted by AAI (for digests and final state).
  std::vector<actor*> sorted_by_aai() const;
  const class_info& class_of(const actor& a) const noexcept {
    return *classes_[detail::actor_access::class_id(a)];
  }

 private:
  const std::vector<const class_info*>& classes_;
  std::vector<std::unique_ptr<actor_pool>> pools_;
  std::vector<actor*> dense_;
  std::unordered_map<aai_t, actor*> created_;
  std::uint64_t size_ = 0;
};

}  // namespace kairos
