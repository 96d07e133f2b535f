#include "actor/actor_table.hpp"

#include <algorithm>
#include <utility>

namespace kairos {

actor_table::actor_table(const std::vector<const class_info*>& classes, const scenario_slots& slots)
    : classes_(classes), slots_(slots), dense_(slots.count(), nullptr), dense_claims_(slots.count(), 0) {
  for (const class_info* c : classes) {
    pools_.push_back(std::make_unique<actor_pool>(c->size, c->align));
    prefetch_reach_ = std::max(prefetch_reach_, std::min<std::size_t>(c->size, 2 * cache_line) - 1);
  }
}

actor_table::~actor_table() {
  for (actor* a : dense_)
    if (a) class_of(*a).destroy(*a);
  for (auto& [aai, c] : created_) class_of(*c.object).destroy(*c.object);
}

void actor_table::reset_claims() {
  std::fill(dense_claims_.begin(), dense_claims_.end(), std::uint16_t{0});
  for (auto& [aai, c] : created_) c.claim = 0;
}

bool actor_table::insert(actor& a) {
  const aai_t aai = a.aai();
  if (aai < slots_.scenario_actors()) {
    const std::uint64_t s = slots_.slot_of(aai);
    if (s == scenario_slots::none || dense_[s]) return false;
    dense_[s] = &a;
  } else if (!created_.emplace(aai, created_actor{&a}).second) {
    return false;
  }
  ++size_;
  return true;
}

bool actor_table::erase(aai_t aai) {
  actor* a = nullptr;
  if (const std::uint64_t s = slots_.slot_of(aai); s != scenario_slots::none) {
    a = std::exchange(dense_[s], nullptr);
  } else if (const auto it = created_.find(aai); it != created_.end()) {
    a = it->second.object;
    created_.erase(it);
  }
  if (!a) return false;
  const class_info& cls = class_of(*a);
  cls.destroy(*a);
  release(cls, a);
  --size_;
  return true;
}

std::vector<actor*> actor_table::created_actors() const {
  std::vector<actor*> out;
  out.reserve(created_.size());
  for (const auto& [aai, c] : created_) out.push_back(c.object);
  return out;
}

std::vector<actor*> actor_table::sorted_by_aai() const {
  const auto by_aai = [](const actor* x, const actor* y) { return x->aai() < y->aai(); };
  std::vector<actor*> out;
  out.reserve(size_);
  // Cyclic slots, then hinted blocks' slots: each part is in AAI order.
  for (std::uint64_t s = 0; s < dense_.size(); ++s) {
    if (s == slots_.cyclic_count()) {
      const auto cyclic_end = static_cast<std::ptrdiff_t>(out.size());
      for (std::uint64_t h = s; h < dense_.size(); ++h)
        if (dense_[h]) out.push_back(dense_[h]);
      std::inplace_merge(out.begin(), out.begin() + cyclic_end, out.end(), by_aai);
      break;
    }
    if (dense_[s]) out.push_back(dense_[s]);
  }
  // Created AAIs are above every scenario one, so only this tail needs sorting.
  const auto scenario_end = static_cast<std::ptrdiff_t>(out.size());
  for (const auto& [aai, c] : created_) out.push_back(c.object);
  std::sort(out.begin() + scenario_end, out.end(), by_aai);
  return out;
}

}  // namespace kairos
