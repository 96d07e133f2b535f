#include "actor/actor_table.hpp"

#include <algorithm>

namespace kairos {

actor_table::actor_table(const std::vector<const class_info*>& classes) : classes_(classes) {
  for (const class_info* c : classes) pools_.push_back(std::make_unique<actor_pool>(c->size, c->align));
}

actor_table::~actor_table() {
  for (actor* a : dense_)
    if (a) class_of(*a).destroy(*a);
  for (auto& [aai, a] : created_) class_of(*a).destroy(*a);
}

bool actor_table::insert(actor& a) {
  const aai_t aai = a.aai();
  if (aai < dense_.size()) {
    if (dense_[aai]) return false;
    dense_[aai] = &a;
  } else if (!created_.emplace(aai, &a).second) {
    return false;
  }
  ++size_;
  return true;
}

bool actor_table::erase(aai_t aai) {
  actor* a = nullptr;
  if (aai < dense_.size()) {
    a = std::exchange(dense_[aai], nullptr);
  } else if (const auto it = created_.find(aai); it != created_.end()) {
    a = it->second;
    created_.erase(it);
  }
  if (!a) return false;
  const class_info& cls = class_of(*a);
  cls.destroy(*a);
  release(cls, a);
  --size_;
  return true;
}

std::vector<actor*> actor_table::sorted_by_aai() const {
  std::vector<actor*> out;
  out.reserve(size_);
  for (actor* a : dense_)
    if (a) out.push_back(a);
  const std::size_t dense_end = out.size();
  for (const auto& [aai, a] : created_) out.push_back(a);
  // Scenario AAIs are below every created one, so only the tail needs sorting.
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(dense_end), out.end(),
            [](const actor* x, const actor* y) { return x->aai() < y->aai(); });
  return out;
}

}  // namespace kairos
