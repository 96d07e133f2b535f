#pragma once

#include <kairos/actor/access.hpp>
#include <kairos/actor/actor.hpp>
#include <kairos/actor/actor_init.hpp>
#include <kairos/actor/context.hpp>
#include <kairos/actor/random_law.hpp>

#include "soda_messages.hpp"

namespace soda {

/// A thirsty customer of one machine. It learns the cost, then, each time it
/// is thirsty and can afford a can, buys one and waits out its repletion
/// delay. Deterministic when `repletion` is a number (or `stochastic` is
/// false: a law is then drawn once); stochastic when each delay is drawn
/// anew from its law. Records its budget on `soda.customer.<name>`.
class soda_customer final : public kairos::actor {
 public:
  using handles = kairos::handles<cost_is, can_delivered, no_can_available, not_enough_money>;
  static constexpr kairos::probe_doc documented_probes[] = {
      {"soda.customer.<name>", "budget", "money left, after each can bought"}};

  explicit soda_customer(kairos::actor_init& init);

  void on_first_diasca(kairos::context& ctx);
  void act_spontaneous(kairos::context& ctx);
  void on(const cost_is& m, kairos::context& ctx);
  void on(const can_delivered&, kairos::context& ctx);
  void on(const no_can_available&, kairos::context& ctx);
  void on(const not_enough_money&, kairos::context& ctx);

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar & machine_ & repletion_ & stochastic_ & budget_ & cost_ & next_thirsty_ & budget_probe_;
  }

 private:
  friend kairos::access;
  soda_customer() = default;  // blank, for loading a serialised state
  static constexpr double unknown_cost = -1.0;
  /// Sets the next thirsty tick and polls from the next tick on.
  void replete(kairos::context& ctx);

  kairos::aai_t machine_;
  kairos::random_law repletion_;  ///< in simulated minutes
  bool stochastic_;
  double budget_;
  double cost_ = unknown_cost;
  kairos::tick_t next_thirsty_ = 0;
  kairos::probe_id budget_probe_;
};

}  // namespace soda
