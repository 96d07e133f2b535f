#pragma once

#include <cstdint>
#include <string>

#include <boost/serialization/string.hpp>

#include <kairos/actor/access.hpp>
#include <kairos/actor/actor.hpp>
#include <kairos/actor/actor_init.hpp>
#include <kairos/actor/context.hpp>
#include <kairos/actor/random_law.hpp>

#include "life_messages.hpp"

namespace life {

/// A rabbit lives for a random lifespan, gives birth at random intervals
/// (creating a new rabbit actor and welcoming it in the same diasca), reports
/// births and its death to the census, and deletes itself when it dies.
class rabbit final : public kairos::actor {
 public:
  using handles = kairos::handles<welcome>;
  static constexpr const auto& documented_probes = kairos::no_probes;

  explicit rabbit(kairos::actor_init& init);
  /// A newborn, created at run time by its mother.
  rabbit(kairos::actor_init& init, const rabbit& mother);

  void on_first_diasca(kairos::context& ctx);
  void act_spontaneous(kairos::context& ctx);
  void on(const welcome& w, kairos::context& ctx);

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar & census_ & lifespan_ & litter_interval_ & death_tick_ & next_birth_ & generation_ & mother_ & children_ &
        litter_placement_;
  }

 private:
  friend kairos::access;
  rabbit() = default;  // blank, for loading a serialised state
  void schedule_next(kairos::context& ctx);

  kairos::aai_t census_;
  kairos::random_law lifespan_;         ///< ticks
  kairos::random_law litter_interval_;  ///< ticks
  kairos::tick_t death_tick_ = 0;
  kairos::tick_t next_birth_ = 0;
  std::uint32_t generation_ = 0;
  kairos::aai_t mother_ = kairos::no_aai;
  std::uint32_t children_ = 0;
  std::string litter_placement_;  ///< hint for the children's rank; empty: by AAI
};

}  // namespace life
