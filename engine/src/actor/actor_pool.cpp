#include "actor/actor_pool.hpp"

#include <algorithm>

namespace kairos {

// Slabs start on a cache line, so that objects whose stride divides a line
// (or is a multiple of one) never straddle two: an activation's first touch
// of its actor is then one miss, not two.
actor_pool::actor_pool(std::size_t size, std::size_t align)
    : stride_((size + align - 1) / align * align), align_(std::max(align, cache_line)) {}

void* actor_pool::allocate() {
  std::lock_guard lock(mutex_);
  if (!free_.empty()) {
    void* p = free_.back();
    free_.pop_back();
    return p;
  }
  if (used_in_last_slab_ == objects_per_slab) {
    slabs_.emplace_back(static_cast<std::byte*>(::operator new[](stride_ * objects_per_slab, std::align_val_t(align_))),
                        slab_deleter{align_});
    used_in_last_slab_ = 0;
  }
  return slabs_.back().get() + stride_ * used_in_last_slab_++;
}

void actor_pool::release(void* storage) noexcept {
  std::lock_guard lock(mutex_);
  free_.push_back(storage);
}

}  // namespace kairos
