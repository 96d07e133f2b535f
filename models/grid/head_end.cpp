#include "head_end.hpp"

#include <kairos/actor/registration.hpp>

namespace grid {

namespace {
const kairos::counter curtailments{"grid.curtailments"};
}

head_end::head_end(kairos::actor_init& init)
    : limit_kwh_(init.get<double>("limit_kwh")),
      factor_(init.get<double>("factor")),
      hold_(ticks_param(init, "hold", 0)),
      wan_(ticks_param(init, "wan_latency", 1)),
      load_(init.probe("grid.load", {"kwh", "readings"})) {
  const kairos::actor_range all = init.actors("concentrators", "grid.concentrator");
  concentrators_first_ = all.first;
  concentrators_ = all.count;
  if (!(factor_ > 0 && factor_ <= 1)) init.reject("factor", "must be in (0, 1]");
}

void head_end::on(const report& r, kairos::context&) {
  kwh_ += r.kwh;
  readings_ += r.readings;
  ++reports_;
}

void head_end::on_end_of_tick(kairos::context& ctx) {
  // Concentrators report together (same period, same latency): every
  // report of a period has arrived when the tick they arrive in ends. (The
  // hook also ends tick 0, where the head end only started.)
  if (reports_ == 0) return;
  ctx.record(load_, {kwh_, static_cast<double>(readings_)});
  if (kwh_ > limit_kwh_) {
    ctx.log(kairos::log_level::debug, "{:.1f} kWh this period, over the limit of {:.1f}: curtailing to {} for {} ticks",
            kwh_, limit_kwh_, factor_, hold_);
    ctx.count(curtailments);
    for (std::uint64_t c = 0; c < concentrators_; ++c)
      ctx.send_in(concentrators_first_ + c, wan_, curtail{factor_, ctx.now() + hold_});
  }
  kwh_ = 0;
  readings_ = reports_ = 0;
}

KAIROS_REGISTER_ACTOR(head_end, "grid.head_end",
                      {"concentrators", "group of the concentrators", "group name"},
                      {"limit_kwh", "energy per period above which load is curtailed", "number"},
                      {"factor", "consumption scale while curtailed, in (0, 1]", "number"},
                      {"hold", "seconds a curtailment lasts", "number"},
                      {"wan_latency", "seconds an order takes to reach a concentrator (at least one tick)", "number"});

}  // namespace grid
