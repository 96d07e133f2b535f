#include "kairos/actor/context.hpp"

#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos {

void context::schedule_at(tick_t tick) {
  if (tick <= now_.tick)
    throw runtime_error(fmt::format("schedule_at({}) at tick {}: a spontaneous activation must be in a later tick",
                                    tick, now_.tick));
  worker_->schedules.push_back({self_aai_, tick, false});
}

}  // namespace kairos
