#pragma once

// The messages of the grid model (docs/grid.md). Every one crosses placement
// groups as a timed message, after a link's latency.

#include <cstdint>

#include <cmath>
#include <string_view>

#include <kairos/actor/actor_init.hpp>
#include <kairos/actor/message.hpp>
#include <kairos/core/types.hpp>

namespace grid {

/// A meter's consumption over its last period, to its concentrator.
struct reading {
  KAIROS_MESSAGE("grid.reading");
  double kwh;
};

/// A concentrator's readings since its last report, to the head end.
struct report {
  KAIROS_MESSAGE("grid.report");
  double kwh;
  std::uint64_t readings;
};

/// Scale consumption by `factor` until tick `until`: from the head end to the
/// concentrators, which pass it on to their meters.
struct curtail {
  KAIROS_MESSAGE("grid.curtail");
  double factor;
  kairos::tick_t until;
};

/// Which concentrator a meter reports to: meter AAIs are dealt out to the
/// concentrators in turn. Meters and concentrators both use it.
constexpr std::uint64_t concentrator_index(kairos::aai_t meter, std::uint64_t concentrators) {
  return meter % concentrators;
}

/// A duration parameter in seconds, as ticks: at least `minimum_ticks`, and
/// no more than a year (so no tick arithmetic can overflow).
inline kairos::tick_t ticks_param(kairos::actor_init& init, std::string_view key, kairos::tick_t minimum_ticks) {
  const double seconds = init.get<double>(key);
  if (!(seconds >= 0 && seconds <= 365 * 86400.0)) init.reject(key, "must be between 0 and a year (in seconds)");
  const auto ticks = static_cast<kairos::tick_t>(std::llround(seconds / init.tick_seconds()));
  if (ticks < minimum_ticks) init.reject(key, minimum_ticks == 1 ? "must be at least one tick" : "is too short");
  return ticks;
}

}  // namespace grid
