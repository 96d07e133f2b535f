#pragma once

#include <cstdint>
#include <string_view>

namespace kairos {

/// Handle of a declared probe; cheap to store in an actor.
struct probe_id {
  std::uint32_t index = ~std::uint32_t{0};
  bool valid() const noexcept { return index != ~std::uint32_t{0}; }
};

/// A model-published integer counter, summed over all actors and reported in
/// summary.json under `counters`. Declare one per name at namespace scope:
/// `const kairos::counter handled_events{"phold.events"};`
class counter {
 public:
  explicit counter(std::string_view name);
  std::uint32_t id() const noexcept { return id_; }

 private:
  std::uint32_t id_;
};

}  // namespace kairos
