#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "kairos/core/log_level.hpp"
#include "kairos/core/types.hpp"
#include "kairos/probe/probe_id.hpp"

namespace kairos {
class actor;
struct class_info;
}

namespace kairos::detail {

/// The rare, out-of-line operations actor code can ask of the engine
/// (creation storage, probe declaration). The per-message paths never come
/// here.
class engine_services {
 public:
  virtual void* allocate_actor(const class_info& cls) = 0;
  virtual void release_actor(const class_info& cls, void* storage) noexcept = 0;
  virtual probe_id declare_probe(std::string_view name, std::initializer_list<std::string_view> curves,
                                 probe_mode mode) = 0;
  /// Writes a model's log line on the logger of `self`'s class, stamped
  /// with `now` and the actor (context::log has checked the level).
  virtual void log_line(log_level level, const actor& self, timestamp now, std::string_view text) = 0;

 protected:
  ~engine_services() = default;
};

/// Read-only facts of the run that actor code may need inline.
struct run_constants {
  std::uint64_t seed = 0;
  double tick_seconds = 1.0;
  /// Per class id, the least severe log_level its logger writes (off for
  /// every class on a rank that does not log); set by the simulation.
  const std::uint8_t* class_log_levels = nullptr;

  /// Simulated seconds converted to ticks, rounded to nearest, at least 1.
  tick_t ticks_for(double seconds) const noexcept {
    return std::max<tick_t>(1, static_cast<tick_t>(std::llround(seconds / tick_seconds)));
  }
};

}  // namespace kairos::detail
