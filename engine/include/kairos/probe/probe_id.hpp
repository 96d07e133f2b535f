#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kairos/core/hash.hpp"

namespace kairos {

/// Handle of a declared probe: a hash of its name, so it means the same probe
/// on every rank and after a restart, and can be serialised with the actor.
struct probe_id {
  std::uint64_t key = 0;  ///< 0: not declared
  bool valid() const noexcept { return key != 0; }

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar & key;
  }
};

/// How a probe's samples reach the results. `samples`: every sample, with
/// its tick and actor. `aggregate`: per tick, the count of samples and, per
/// curve, their sum, mean, minimum and maximum over every actor that
/// recorded, computed exactly so they are the same on any rank count.
enum class probe_kind : std::uint8_t { samples = 0, aggregate = 1 };

/// A probe's kind and, for an aggregate probe, how many ticks one row
/// covers: with a period P, a row aggregates ticks [kP, (k+1)P) and is
/// stored at tick kP.
struct probe_mode {
  probe_kind kind = probe_kind::samples;
  std::uint64_t period = 1;  ///< ticks per row (aggregate probes)
  friend bool operator==(const probe_mode&, const probe_mode&) = default;
};

/// "a samples probe", "an aggregate probe", "an aggregate probe of period
/// 3600 ticks": for error messages.
std::string describe(probe_mode mode);

/// The key of the probe called `name` (never 0).
constexpr std::uint64_t probe_key(std::string_view name) noexcept {
  const std::uint64_t h = fnv1a(name);
  return h == 0 ? 1 : h;
}

/// A model-published integer counter, summed over all actors and reported in
/// summary.json under `counters`. Declare one per name at namespace scope:
/// `const kairos::counter handled_events{"phold.events"};`
class counter {
 public:
  explicit counter(std::string_view name);
  std::uint32_t id() const noexcept { return id_; }

 private:
  std::uint32_t id_;
};

}  // namespace kairos
