#include "concentrator.hpp"

#include <kairos/actor/registration.hpp>

namespace grid {

concentrator::concentrator(kairos::actor_init& init)
    : head_end_(init.actors("head_end", "grid.head_end").first),
      period_(ticks_param(init, "period", 1)),
      wan_(ticks_param(init, "wan_latency", 1)),
      link_(ticks_param(init, "link_latency", 1)) {
  const kairos::actor_range meters = init.actors("meters", "grid.meter");
  const kairos::actor_range all = init.actors("concentrators", "grid.concentrator");
  meters_first_ = meters.first;
  meters_count_ = meters.count;
  concentrators_ = all.count;
  index_ = init.aai() - all.first;
  if (index_ >= concentrators_) init.reject("concentrators", "must be the group of this concentrator's block");
}

void concentrator::act_spontaneous(kairos::context& ctx) {
  ctx.send_in(head_end_, wan_, report{kwh_, readings_});
  kwh_ = 0;
  readings_ = 0;
}

void concentrator::on(const reading& r, kairos::context&) {
  kwh_ += r.kwh;
  ++readings_;
}

void concentrator::on(const curtail& c, kairos::context& ctx) {
  // Its meters: those whose AAI modulo the concentrator count is its index.
  kairos::aai_t m = meters_first_;
  while (m < meters_first_ + meters_count_ && concentrator_index(m, concentrators_) != index_) ++m;
  for (; m < meters_first_ + meters_count_; m += concentrators_) ctx.send_in(m, link_, c);
}

KAIROS_REGISTER_ACTOR(concentrator, "grid.concentrator",
                      {"head_end", "the head end", "actor name"},
                      {"meters", "group of the meters", "group name"},
                      {"concentrators", "group of the concentrators (this one among them)", "group name"},
                      {"period", "seconds between reports (at least one tick)", "number"},
                      {"wan_latency", "seconds a report or an order takes over the wide-area link", "number"},
                      {"link_latency", "seconds an order takes to reach a meter (at least one tick)", "number"});

}  // namespace grid
