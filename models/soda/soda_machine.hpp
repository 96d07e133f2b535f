#pragma once

#include <cstdint>

#include <kairos/actor/access.hpp>
#include <kairos/actor/actor.hpp>
#include <kairos/actor/actor_init.hpp>
#include <kairos/actor/context.hpp>

#include "soda_messages.hpp"

namespace soda {

/// A vending machine: passive, it only answers customers. After each order
/// it records its stock on its probe `soda.machine.<name>`; each can sold
/// adds its price to `soda.sales`, aggregated over all machines per tick.
class soda_machine final : public kairos::actor {
 public:
  using handles = kairos::handles<ask_cost, order_soda>;
  static constexpr kairos::probe_doc documented_probes[] = {
      {"soda.machine.<name>", "cans", "cans left, after each order"},
      {"soda.sales", "price", "per tick, over all machines: cans sold (count), takings (price.sum), prices",
       kairos::probe_kind::aggregate}};

  explicit soda_machine(kairos::actor_init& init);

  void on(const ask_cost&, kairos::context& ctx);
  void on(const order_soda& order, kairos::context& ctx);

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar & cans_ & cost_ & stock_probe_ & sales_probe_;
  }

 private:
  friend kairos::access;
  soda_machine() = default;  // blank, for loading a serialised state
  std::int64_t cans_;
  double cost_;
  kairos::probe_id stock_probe_;
  kairos::probe_id sales_probe_;
};

}  // namespace soda
