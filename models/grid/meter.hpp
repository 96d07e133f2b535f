#pragma once

#include <kairos/actor/access.hpp>
#include <kairos/actor/actor.hpp>
#include <kairos/actor/actor_init.hpp>
#include <kairos/actor/context.hpp>

#include "grid_messages.hpp"

namespace grid {

/// A household meter: every period it measures its consumption (a daily
/// profile around its base load, with noise, scaled while curtailed) and
/// sends it to its concentrator over a link with latency and jitter. Each
/// reading also goes to `grid.readings`, aggregated over all meters per
/// simulated hour.
class meter final : public kairos::actor {
 public:
  using handles = kairos::handles<curtail>;
  static constexpr kairos::probe_doc documented_probes[] = {
      {"grid.readings", "kwh", "per simulated hour, over all meters: readings taken (count) and their kWh",
       kairos::probe_kind::aggregate}};

  explicit meter(kairos::actor_init& init);

  void on_first_diasca(kairos::context& ctx);
  void act_spontaneous(kairos::context& ctx);
  void on(const curtail& c, kairos::context& ctx);

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar & concentrator_ & period_ & link_ & jitter_ & base_kw_ & factor_ & curtailed_until_ & readings_;
  }

 private:
  friend kairos::access;
  meter() = default;  // blank, for loading a serialised state

  kairos::aai_t concentrator_;
  kairos::tick_t period_, link_, jitter_;
  double base_kw_;
  double factor_ = 1.0;
  kairos::tick_t curtailed_until_ = 0;
  kairos::probe_id readings_;
};

}  // namespace grid
