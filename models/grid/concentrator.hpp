#pragma once

#include <cstdint>

#include <kairos/actor/access.hpp>
#include <kairos/actor/actor.hpp>
#include <kairos/actor/actor_init.hpp>
#include <kairos/actor/context.hpp>

#include "grid_messages.hpp"

namespace grid {

/// A data concentrator: sums the readings of its meters and reports them to
/// the head end at every period boundary, over a wide-area link; passes
/// curtailment orders on to its meters.
class concentrator final : public kairos::actor {
 public:
  using handles = kairos::handles<reading, curtail>;
  static constexpr const auto& documented_probes = kairos::no_probes;

  explicit concentrator(kairos::actor_init& init);

  void on_first_diasca(kairos::context& ctx) { ctx.schedule_every(period_); }
  void act_spontaneous(kairos::context& ctx);
  void on(const reading& r, kairos::context& ctx);
  void on(const curtail& c, kairos::context& ctx);

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar & head_end_ & meters_first_ & meters_count_ & index_ & concentrators_ & period_ & wan_ & link_ & kwh_ &
        readings_;
  }

 private:
  friend kairos::access;
  concentrator() = default;  // blank, for loading a serialised state

  kairos::aai_t head_end_;
  kairos::aai_t meters_first_;
  std::uint64_t meters_count_, index_, concentrators_;
  kairos::tick_t period_, wan_, link_;
  double kwh_ = 0;
  std::uint64_t readings_ = 0;
};

}  // namespace grid
