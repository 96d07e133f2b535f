#include "rabbit.hpp"

#include <algorithm>
#include <cmath>

#include <kairos/actor/registration.hpp>

namespace life {

namespace {
kairos::tick_t ticks_from(const kairos::random_law& law, kairos::context& ctx) {
  kairos::random_stream rng = ctx.random();
  return std::max<kairos::tick_t>(1, static_cast<kairos::tick_t>(std::llround(law.draw(rng))));
}
}  // namespace

rabbit::rabbit(kairos::actor_init& init)
    : census_(init.actors("census", "life.census").first),
      lifespan_(init.law("lifespan")),
      litter_interval_(init.law("litter_interval")),
      litter_placement_(init.get_or<std::string>("litter_placement", "")) {}

rabbit::rabbit(kairos::actor_init&, const rabbit& mother)
    : census_(mother.census_),
      lifespan_(mother.lifespan_),
      litter_interval_(mother.litter_interval_),
      litter_placement_(mother.litter_placement_) {}

void rabbit::on_first_diasca(kairos::context& ctx) {
  death_tick_ = ctx.now() + ticks_from(lifespan_, ctx);
  next_birth_ = ctx.now() + ticks_from(litter_interval_, ctx);
  schedule_next(ctx);
}

void rabbit::schedule_next(kairos::context& ctx) { ctx.schedule_at(std::min(death_tick_, next_birth_)); }

void rabbit::act_spontaneous(kairos::context& ctx) {
  if (ctx.now() >= death_tick_) {
    ctx.send(census_, died{});
    ctx.delete_self();
    return;
  }
  const kairos::aai_t child =
      litter_placement_.empty() ? ctx.create<rabbit>(*this) : ctx.create_placed<rabbit>(litter_placement_, *this);
  ctx.send(child, welcome{generation_ + 1});
  ctx.send(census_, born{});
  ++children_;
  next_birth_ = ctx.now() + ticks_from(litter_interval_, ctx);
  schedule_next(ctx);
}

void rabbit::on(const welcome& w, kairos::context& ctx) {
  generation_ = w.generation;
  mother_ = ctx.sender();
}

KAIROS_REGISTER_ACTOR(rabbit, "life.rabbit",
                      {"census", "the census actor", "actor name"},
                      {"lifespan", "ticks a rabbit lives", "number or random law"},
                      {"litter_interval", "ticks between two births", "number or random law"},
                      {"litter_placement", "placement hint for the children; empty: placed by their AAI", "string",
                       "\"\""});

}  // namespace life
