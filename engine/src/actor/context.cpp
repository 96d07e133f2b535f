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

void context::schedule_every(tick_t period) {
  if (period < 1 || period >= no_tick - now_.tick)
    throw runtime_error(fmt::format("schedule_every({}) at tick {}: the period must be at least 1 tick and end before "
                                    "the last tick a run can reach",
                                    period, now_.tick));
  worker_->periodic.push_back({self_aai_, now_.tick + period, period});
}

void context::schedule_every(tick_t period, tick_t first) {
  if (period < 1)
    throw runtime_error(fmt::format("schedule_every({}, {}) at tick {}: the period must be at least 1 tick", period,
                                    first, now_.tick));
  if (first <= now_.tick || first == no_tick)
    throw runtime_error(fmt::format("schedule_every({}, {}) at tick {}: the first activation must be in a later tick",
                                    period, first, now_.tick));
  worker_->periodic.push_back({self_aai_, first, period});
}

void context::bad_delay(tick_t delay_ticks) const {
  if (delay_ticks < 1)
    throw runtime_error(fmt::format("send_in at tick {}: the delay must be at least 1 tick (send delivers within the "
                                    "tick)",
                                    now_.tick));
  throw runtime_error(fmt::format("send_in at tick {}: a delay of {} ticks is beyond the last tick a run can reach",
                                  now_.tick, delay_ticks));
}

}  // namespace kairos
