#include "meter.hpp"

#include <cmath>
#include <numbers>

#include <kairos/actor/registration.hpp>

namespace grid {

meter::meter(kairos::actor_init& init)
    : period_(ticks_param(init, "period", 1)),
      link_(ticks_param(init, "link_latency", 1)),
      jitter_(init.has("jitter") ? ticks_param(init, "jitter", 0) : 0),
      base_kw_(init.get<double>("base_kw")),
      readings_(init.aggregate_probe("grid.readings", {"kwh"}, init.ticks_for(3600))) {
  if (!(base_kw_ >= 0 && base_kw_ < 1e9)) init.reject("base_kw", "must be between 0 and 10^9 kW");
  const kairos::actor_range concentrators = init.actors("concentrators", "grid.concentrator");
  if (concentrators.count == 0) init.reject("concentrators", "names an empty group");
  concentrator_ = concentrators.first + concentrator_index(init.aai(), concentrators.count);
}

void meter::on_first_diasca(kairos::context& ctx) {
  // Meters do not all read at once: each keeps its own phase in the period.
  kairos::random_stream rng = ctx.random();
  const auto phase = static_cast<kairos::tick_t>(rng.uniform_int(0, static_cast<std::int64_t>(period_) - 1));
  ctx.schedule_every(period_, 1 + phase);
}

void meter::act_spontaneous(kairos::context& ctx) {
  kairos::random_stream rng = ctx.random();
  const double day = std::fmod(static_cast<double>(ctx.now()) * ctx.tick_seconds() / 86400.0, 1.0);
  const double profile = 1.0 + 0.5 * std::sin(2 * std::numbers::pi * (day - 0.25));  // peak at 12:00
  const double hours = static_cast<double>(period_) * ctx.tick_seconds() / 3600.0;
  double kwh = base_kw_ * profile * hours * (0.5 + rng.uniform());
  if (ctx.now() < curtailed_until_) kwh *= factor_;
  ctx.record(readings_, kwh);
  const auto delay = link_ + static_cast<kairos::tick_t>(rng.uniform_int(0, static_cast<std::int64_t>(jitter_)));
  ctx.send_in(concentrator_, delay, reading{kwh});
}

void meter::on(const curtail& c, kairos::context&) {
  factor_ = c.factor;
  curtailed_until_ = c.until;
}

KAIROS_REGISTER_ACTOR(meter, "grid.meter",
                      {"concentrators", "group of the concentrators; meter AAI mod their count picks one", "group name"},
                      {"period", "seconds between readings (at least one tick)", "number"},
                      {"base_kw", "mean load in kW (a daily profile scales it by 0.5 to 1.5)", "number"},
                      {"link_latency", "seconds a reading takes to reach the concentrator (at least the lookahead)",
                       "number"},
                      {"jitter", "extra latency, uniform in [0, jitter] seconds", "number", "0"});

}  // namespace grid
