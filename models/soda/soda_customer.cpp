#include "soda_customer.hpp"

#include <kairos/actor/registration.hpp>

namespace soda {

namespace {
// A customer given a group of machines picks one uniformly with its stream.
kairos::aai_t pick_machine(kairos::actor_init& init) {
  const kairos::actor_range machines = init.actors("machine", "soda.machine");
  if (machines.count == 1) return machines.first;
  kairos::random_stream rng = init.random();
  return machines.first + static_cast<kairos::aai_t>(rng.uniform_int(0, static_cast<std::int64_t>(machines.count) - 1));
}
}  // namespace

soda_customer::soda_customer(kairos::actor_init& init)
    : machine_(pick_machine(init)),
      repletion_(init.law("repletion")),
      stochastic_(init.get_or("stochastic", false)),
      budget_(init.draw("budget")),
      budget_probe_(init.probe("soda.customer." + init.name(), {"budget"})) {
  if (!stochastic_) {  // fixed for life: draw the delay once
    kairos::random_stream rng = init.random();
    repletion_ = {kairos::random_law::kind::constant, repletion_.draw(rng)};
  }
}

void soda_customer::on_first_diasca(kairos::context& ctx) { ctx.schedule_in(1); }

void soda_customer::act_spontaneous(kairos::context& ctx) {
  if (cost_ == unknown_cost) {
    ctx.send(machine_, ask_cost{});
  } else if (ctx.now() < next_thirsty_) {
    ctx.schedule_in(1);  // not thirsty yet: look again next tick
  } else if (budget_ >= cost_) {
    ctx.send(machine_, order_soda{budget_});  // wait for the reply
  }
  // else: cannot afford a can, so it goes passive
}

void soda_customer::replete(kairos::context& ctx) {
  kairos::random_stream rng = ctx.random();
  const double minutes = repletion_.draw(rng);
  next_thirsty_ = ctx.now() + ctx.ticks_for(60.0 * minutes);
  ctx.schedule_in(1);
}

void soda_customer::on(const cost_is& m, kairos::context& ctx) {
  cost_ = m.cost;
  replete(ctx);
}

void soda_customer::on(const can_delivered&, kairos::context& ctx) {
  budget_ -= cost_;
  ctx.record(budget_probe_, budget_);
  replete(ctx);
}

void soda_customer::on(const no_can_available&, kairos::context&) {}  // passive for good

void soda_customer::on(const not_enough_money&, kairos::context&) {}  // cannot buy: passive

KAIROS_REGISTER_ACTOR(soda_customer, "soda.customer",
                      {"machine", "its machine, or a group of machines to pick one from", "actor or group name"},
                      {"repletion", "delay between two cans, simulated minutes", "number or random law"},
                      {"stochastic", "true: draw each delay anew from the repletion law", "boolean", "false"},
                      {"budget", "money to spend", "number or random law"});

}  // namespace soda
