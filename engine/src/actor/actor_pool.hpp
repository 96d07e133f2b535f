#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

namespace kairos {

/// The cache line size the actor storage is laid out for (x86-64, aarch64).
inline constexpr std::size_t cache_line = 64;

/// Storage for the actors of one class: fixed-size objects in large slabs,
/// so actors of a class sit next to each other in memory and creating one
/// costs no malloc in the steady state. Thread-safe (creation is rare
/// compared with messages; one lock per creation is fine).
class actor_pool {
 public:
  actor_pool(std::size_t size, std::size_t align);
  actor_pool(const actor_pool&) = delete;
  actor_pool& operator=(const actor_pool&) = delete;

  void* allocate();
  void release(void* storage) noexcept;

 private:
  struct slab_deleter {
    std::size_t align;
    void operator()(std::byte* p) const noexcept { ::operator delete[](p, std::align_val_t(align)); }
  };
  static constexpr std::size_t objects_per_slab = 4096;

  std::size_t stride_;
  std::size_t align_;  ///< of each slab: the class's, at least a cache line
  std::vector<std::unique_ptr<std::byte[], slab_deleter>> slabs_;
  std::size_t used_in_last_slab_ = objects_per_slab;
  std::vector<void*> free_;
  mutable std::mutex mutex_;
};

}  // namespace kairos
