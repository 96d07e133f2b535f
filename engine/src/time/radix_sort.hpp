#pragma once

// Least-significant-digit radix sort of unsigned integers with a known
// largest value. A checkpoint sorts every tick's agenda bucket (tens of
// thousands of AAIs each, millions in all): Boost's spreadsort took 18 ns an
// entry there, two 12-bit passes take 3 (bench/RESULTS.md, 2026-11-24).
// Boost.Sort has no LSD radix sort, hence this one.

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace kairos {

/// Below this many values radix_sort compares instead: a histogram of 4096
/// counters costs more than it saves.
inline constexpr std::size_t radix_sort_pays_from = 256;

/// Sorts `values` ascending; none may exceed `largest`. Stable passes over
/// digits of at most 12 bits, as few as `largest` needs; `scratch` is
/// working memory reused between calls (its content is left unspecified).
inline void radix_sort(std::vector<std::uint64_t>& values, std::uint64_t largest,
                       std::vector<std::uint64_t>& scratch) {
  constexpr unsigned widest_digit = 12;
  // Past 2^32 values the counters would overflow.
  if (values.size() < radix_sort_pays_from || values.size() > UINT32_MAX) {
    std::sort(values.begin(), values.end());
    return;
  }
  const unsigned bits = static_cast<unsigned>(std::bit_width(largest));
  if (bits == 0) return;  // every value is 0
  const unsigned passes = (bits + widest_digit - 1) / widest_digit;
  const unsigned digit = (bits + passes - 1) / passes;
  const std::uint64_t mask = (std::uint64_t{1} << digit) - 1;
  // On the stack: the timed-message merge sorts once a tick, so no heap
  // allocation per call.
  std::array<std::uint32_t, std::size_t{1} << widest_digit> counters;
  const std::span<std::uint32_t> start(counters.data(), std::size_t{1} << digit);
  scratch.resize(values.size());
  for (unsigned pass = 0; pass < passes; ++pass) {
    const unsigned shift = pass * digit;
    std::fill(start.begin(), start.end(), 0);
    for (const std::uint64_t v : values) ++start[(v >> shift) & mask];
    std::uint32_t sum = 0;
    for (std::uint32_t& s : start) sum += std::exchange(s, sum);
    for (const std::uint64_t v : values) scratch[start[(v >> shift) & mask]++] = v;
    values.swap(scratch);
  }
}

}  // namespace kairos
