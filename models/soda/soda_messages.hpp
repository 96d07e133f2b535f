#pragma once

// The soda vending protocol between customers and machines.

#include <kairos/actor/message.hpp>

namespace soda {

/// Customer -> machine: how much is a can?
struct ask_cost {
  KAIROS_MESSAGE("soda.ask_cost");
};
/// Machine -> customer: the price of a can.
struct cost_is {
  KAIROS_MESSAGE("soda.cost_is");
  double cost;
};
/// Customer -> machine: one can, please; I can spend this much.
struct order_soda {
  KAIROS_MESSAGE("soda.order");
  double budget;
};
/// Machine -> customer: here is your can (the customer pays the cost).
struct can_delivered {
  KAIROS_MESSAGE("soda.can_delivered");
};
/// Machine -> customer: sold out.
struct no_can_available {
  KAIROS_MESSAGE("soda.no_can_available");
};
/// Machine -> customer: the budget does not cover the cost.
struct not_enough_money {
  KAIROS_MESSAGE("soda.not_enough_money");
};

}  // namespace soda
