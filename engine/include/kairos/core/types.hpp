#pragma once

#include <cstdint>
#include <limits>

namespace kairos {

/// Simulated time, in ticks since the start of the run (tick 0).
using tick_t = std::uint64_t;
/// Logical moment inside a tick; diasca 0 is the spontaneous one.
using diasca_t = std::uint32_t;
/// The diasca of what actors do in on_end_of_run: after every diasca.
inline constexpr diasca_t end_of_run_diasca = 0xFFFFFFFFu;
/// The diasca of what actors do in on_end_of_tick: after the tick's last.
inline constexpr diasca_t end_of_tick_diasca = 0xFFFFFFFEu;
/// Abstract actor identifier: independent of rank, thread and placement.
using aai_t = std::uint64_t;

inline constexpr tick_t no_tick = std::numeric_limits<tick_t>::max();
inline constexpr aai_t no_aai = std::numeric_limits<aai_t>::max();

/// A (tick, diasca) pair, ordered lexicographically.
struct timestamp {
  tick_t tick = 0;
  diasca_t diasca = 0;
  friend constexpr auto operator<=>(const timestamp&, const timestamp&) = default;
};

}  // namespace kairos
