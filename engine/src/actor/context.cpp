#include "kairos/actor/context.hpp"

#include <cmath>

#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos {

void context::schedule_at(tick_t tick) {
  if (tick <= now_.tick)
    throw runtime_error(fmt::format("schedule_at({}) at tick {}: a spontaneous activation must be in a later tick",
                                    tick, now_.tick));
  worker_->schedules.push_back({self_aai_, tick, false});
}

tick_t context::ticks_for(double seconds) const noexcept {
  return std::max<tick_t>(1, static_cast<tick_t>(std::llround(seconds / run_->tick_seconds)));
}

}  // namespace kairos
