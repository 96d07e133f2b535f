#pragma once

// PHOLD, the standard parallel discrete-event benchmark (docs/phold.md), on
// ticks and diascas. An event due at tick T is handled at diasca 0 of T. An
// event an LP sends itself never leaves the LP: it keeps it and schedules
// itself at T. An event for another LP travels in one of two mappings:
//  - classic: a message processed at diasca 1 of the sending tick, carrying
//    T; the receiver keeps it and schedules itself;
//  - timed: a timed message (send_in) due at T, handled on arrival. Its delay
//    is at least L, so a scenario may declare simulation.lookahead = L and
//    let ranks synchronise once per window of L instead of once per diasca.
// The event stream is the one PHOLD defines; only the transport differs.

#include <cstdint>

#include <boost/container/small_vector.hpp>
#include <boost/serialization/array_wrapper.hpp>
#include <boost/serialization/collection_size_type.hpp>
#include <boost/serialization/split_member.hpp>
#include <kairos/actor/access.hpp>
#include <kairos/actor/actor.hpp>
#include <kairos/actor/actor_init.hpp>
#include <kairos/actor/context.hpp>

namespace phold {

/// The run's PHOLD parameters, in ticks. Shared by all LPs (set from the
/// [phold] section before they are created) rather than copied into each of
/// millions of LPs.
struct config {
  std::uint64_t lps = 1024;
  std::uint32_t start_events = 1;
  double remote = 0.25;
  double mean = 1.0;
  double lookahead = 1.0;
  double ticks_per_unit = 100;
  bool timed = false;  ///< the timed mapping (see above)
  kairos::tick_t end_tick = 0;  ///< events due at or after it are not created
};

struct event {
  KAIROS_MESSAGE("phold.event");
  kairos::tick_t due;
};

class logical_process final : public kairos::actor {
 public:
  using handles = kairos::handles<event>;
  static constexpr const auto& documented_probes = kairos::no_probes;

  explicit logical_process(kairos::actor_init&) {}

  void on_first_diasca(kairos::context& ctx);
  void act_spontaneous(kairos::context& ctx);
  void on(const event& e, kairos::context& ctx);

  // The bytes Boost's std::vector serialiser writes (a count, then the
  // ticks), so states, checkpoints and digests are those of a vector.
  template <class Archive>
  void save(Archive& ar, unsigned /*version*/) const {
    const boost::serialization::collection_size_type count(pending_.size());
    ar << count;
    if (count > 0) ar << boost::serialization::make_array(pending_.data(), pending_.size());
  }
  template <class Archive>
  void load(Archive& ar, unsigned /*version*/) {
    boost::serialization::collection_size_type count;
    ar >> count;
    pending_.resize(count);
    if (count > 0) ar >> boost::serialization::make_array(pending_.data(), pending_.size());
  }
  BOOST_SERIALIZATION_SPLIT_MEMBER()

  static config settings;

 private:
  friend kairos::access;
  logical_process() = default;  // blank, for loading a serialised state
  /// Draws the next event's due tick: now + max(1, ceil(R * (L + Exp(m - L)))).
  kairos::tick_t next_due(kairos::context& ctx) const;
  void keep(kairos::tick_t due, kairos::context& ctx);
  /// Handles one event due now: sends the next one to its destination.
  void forward(kairos::context& ctx);

  /// Due ticks of this LP's events: rarely more than two, held in the LP
  /// itself (64 bytes with the actor's own fields), so that an activation
  /// does not wait for a second cache miss on a heap block; more spill to
  /// the heap. At 10^6 LPs on one rank that halved the run (bench/RESULTS.md).
  boost::container::small_vector<kairos::tick_t, 2> pending_;
};

}  // namespace phold
