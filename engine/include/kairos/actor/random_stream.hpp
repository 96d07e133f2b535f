#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>

#include <Random123/philox.h>

#include "kairos/core/hash.hpp"

namespace kairos {

/// Derives the 64-bit Philox key of an actor from the scenario seed and its
/// AAI, so the stream does not depend on placement.
constexpr std::uint64_t stream_key(std::uint64_t seed, std::uint64_t aai) {
  return mix64(seed ^ mix64(aai + 0x9e3779b97f4a7c15ull));
}

/// An actor's own random stream: counter-based (Philox4x32-10), so its whole
/// state is the actor's 64-bit draw counter, which is checkpointed with it.
/// Each draw consumes one counter value.
class random_stream {
 public:
  random_stream(std::uint64_t key, std::uint64_t& counter) noexcept : key_(key), counter_(&counter) {}

  /// 64 uniformly distributed bits.
  std::uint64_t next_u64() noexcept {
    using philox = r123::Philox4x32;
    const std::uint64_t c = (*counter_)++;
    philox::ctr_type ctr = {{static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(c >> 32), 0, 0}};
    philox::key_type key = {{static_cast<std::uint32_t>(key_), static_cast<std::uint32_t>(key_ >> 32)}};
    const philox::ctr_type r = philox()(ctr, key);
    return (static_cast<std::uint64_t>(r[1]) << 32) | r[0];
  }

  /// Uniform in (0, 1]: never 0, so -log(u) is finite.
  double uniform() noexcept { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }

  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * (1.0 - uniform()); }

  /// Uniform integer in [lo, hi], unbiased (rejection on the top range).
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi) noexcept {
    // In unsigned arithmetic, which wraps where signed would overflow.
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
    if (span == 0) return static_cast<std::int64_t>(next_u64());  // full 64-bit range
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % span);
    std::uint64_t x;
    do x = next_u64(); while (x >= limit);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + x % span);
  }

  /// Exponential with the given mean (-mean * ln U).
  double exponential(double mean) noexcept { return -mean * std::log(uniform()); }

  /// Gaussian by Box-Muller; uses two draws and keeps no spare, so the stream
  /// state stays a single counter.
  double gaussian(double mean, double stddev) noexcept {
    const double u1 = uniform();
    const double u2 = uniform();
    return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

  /// True with probability p.
  bool bernoulli(double p) noexcept { return uniform() <= p; }

 private:
  std::uint64_t key_;
  std::uint64_t* counter_;
};

}  // namespace kairos
