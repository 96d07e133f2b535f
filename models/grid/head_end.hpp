#pragma once

#include <cstdint>

#include <kairos/actor/access.hpp>
#include <kairos/actor/actor.hpp>
#include <kairos/actor/actor_init.hpp>
#include <kairos/actor/context.hpp>
#include <kairos/probe/probe_id.hpp>

#include "grid_messages.hpp"

namespace grid {

/// The utility's head end: at the end of a tick in which concentrators
/// reported, it records the total of their reports (probe grid.load), and
/// orders a curtailment when the total is over the limit.
class head_end final : public kairos::actor {
 public:
  using handles = kairos::handles<report>;
  static constexpr kairos::probe_doc documented_probes[] = {
      {"grid.load", "kwh, readings", "energy and readings of each period, over all concentrators"}};

  explicit head_end(kairos::actor_init& init);

  void on(const report& r, kairos::context& ctx);
  void on_end_of_tick(kairos::context& ctx);

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar & concentrators_first_ & concentrators_ & limit_kwh_ & factor_ & hold_ & wan_ & kwh_ & readings_ & reports_ &
        load_;
  }

 private:
  friend kairos::access;
  head_end() = default;  // blank, for loading a serialised state

  kairos::aai_t concentrators_first_;
  std::uint64_t concentrators_;
  double limit_kwh_, factor_;
  kairos::tick_t hold_, wan_;
  double kwh_ = 0;
  std::uint64_t readings_ = 0, reports_ = 0;  ///< this tick's
  kairos::probe_id load_;
};

}  // namespace grid
