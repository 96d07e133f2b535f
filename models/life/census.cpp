#include "census.hpp"

#include <kairos/actor/registration.hpp>

namespace life {

census::census(kairos::actor_init& init)
    : initial_(init.get<std::uint64_t>("initial_population")),
      report_every_(init.get<kairos::tick_t>("report_every")),
      population_(init.probe("life.population", {"alive", "births", "deaths"})) {
  if (report_every_ == 0) init.reject("report_every", "must be >= 1");
}

void census::on_first_diasca(kairos::context& ctx) { ctx.schedule_in(report_every_); }

void census::record(kairos::context& ctx) {
  const double alive = static_cast<double>(initial_ + births_ - deaths_);
  ctx.record(population_, {alive, static_cast<double>(births_), static_cast<double>(deaths_)});
}

void census::act_spontaneous(kairos::context& ctx) {
  record(ctx);
  if (initial_ + births_ == deaths_) ctx.request_stop();  // extinct: nothing more to observe
  else ctx.schedule_in(report_every_);
}

KAIROS_REGISTER_ACTOR(census, "life.census",
                      {"initial_population", "number of rabbits in the scenario", "integer"},
                      {"report_every", "ticks between two population samples (>= 1)", "integer"});

}  // namespace life
