#include "soda_machine.hpp"

#include <cmath>

#include <kairos/actor/registration.hpp>

namespace soda {

soda_machine::soda_machine(kairos::actor_init& init)
    : cans_(std::llround(init.draw("cans"))),
      cost_(init.draw("cost")),
      stock_probe_(init.probe("soda.machine." + init.name(), {"cans"})),
      sales_probe_(init.aggregate_probe("soda.sales", {"price"})) {}

void soda_machine::on(const ask_cost&, kairos::context& ctx) { ctx.send(ctx.sender(), cost_is{cost_}); }

void soda_machine::on(const order_soda& order, kairos::context& ctx) {
  if (cans_ <= 0) {
    ctx.send(ctx.sender(), no_can_available{});
  } else if (cost_ > order.budget) {
    ctx.send(ctx.sender(), not_enough_money{});
  } else {
    --cans_;
    ctx.send(ctx.sender(), can_delivered{});
    ctx.record(sales_probe_, cost_);
    if (cans_ == 0) ctx.log(kairos::log_level::info, "sold out (last can to actor {})", ctx.sender());
  }
  ctx.record(stock_probe_, static_cast<double>(cans_));
}

KAIROS_REGISTER_ACTOR(soda_machine, "soda.machine",
                      {"cans", "initial number of cans, rounded", "number or random law"},
                      {"cost", "price of one can", "number or random law"});

}  // namespace soda
