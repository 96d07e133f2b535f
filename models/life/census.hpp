#pragma once

#include <cstdint>

#include <kairos/actor/access.hpp>
#include <kairos/actor/actor.hpp>
#include <kairos/actor/actor_init.hpp>
#include <kairos/actor/context.hpp>

#include "life_messages.hpp"

namespace life {

/// Counts births and deaths and records the population on the probe
/// `life.population` every `report_every` ticks, and once more when the run
/// ends (at the diasca kairos::end_of_run_diasca).
class census final : public kairos::actor {
 public:
  using handles = kairos::handles<born, died>;
  static constexpr kairos::probe_doc documented_probes[] = {
      {"life.population", "alive, births, deaths", "rabbits alive, and births and deaths since the last sample"}};

  explicit census(kairos::actor_init& init);

  void on_first_diasca(kairos::context& ctx);
  void act_spontaneous(kairos::context& ctx);
  void on_end_of_run(kairos::context& ctx) { record(ctx); }
  void on(const born&, kairos::context&) { ++births_; }
  void on(const died&, kairos::context&) { ++deaths_; }

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar & initial_ & report_every_ & births_ & deaths_ & population_;
  }

 private:
  friend kairos::access;
  census() = default;  // blank, for loading a serialised state
  void record(kairos::context& ctx);
  std::uint64_t initial_;
  kairos::tick_t report_every_;
  std::uint64_t births_ = 0;
  std::uint64_t deaths_ = 0;
  kairos::probe_id population_;
};

}  // namespace life
