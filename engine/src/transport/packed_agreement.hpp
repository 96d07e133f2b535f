#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

#include "transport/coordination.hpp"

namespace kairos {

/// What the ranks' one MPI_Allreduce at the end of a diasca carries, packed
/// into as few 64-bit words as the rank count allows: such a small reduction
/// costs by its size (on two ranks of one node, 1 word 0.42 µs, 2 to 4 words
/// 0.50, 8 words 0.58, against an empty diasca of 0.78).
///
/// Word 0:
///   bits 0-5    flags, combined by OR (see `flag`);
///   bits 6-31   the first buffer counts, combined by sum;
///   bits 32-63  the next tick, as its distance from the report's base tick
///               (the same on every rank), stored complemented so that the
///               largest word holds the nearest tick. A distance of
///               `tick_range` or more, or no next tick, is stored as
///               tick_range: "this far or more".
/// Words 1...:   the other buffer counts, combined by sum; or, beyond the
///               counted ranks, one word of buffers still in flight (sent
///               minus received, summed modulo 2^64).
///
/// A buffer count says how many ranks sent a given rank a buffer this
/// diasca. It is at most ranks - 1, so in bit_width(ranks - 1) bits no sum
/// carries into the next count, and counts never straddle two words.
///
/// Where the fields lie depends on the rank count, but how they combine does
/// not (`combine`), so MPI's reduction function needs nothing but the words.
///
/// Two things the words cannot say exactly: which rank failed (the lowest
/// that did), and a next tick that is far away or before the base tick. In
/// the rare diascas whose decision needs one of them, a second reduction of
/// `exact_values` settles both.
class packed_agreement {
 public:
  enum flag : std::uint64_t {
    activity = 1,
    stop = 2,
    checkpoint = 4,
    end_of_tick = 8,
    failure = 16,
    tick_before_base = 32,
  };
  static constexpr std::uint64_t flag_mask = 0x3f;
  static constexpr unsigned head_counts_shift = 6;
  static constexpr unsigned tick_shift = 32;
  static constexpr std::uint64_t head_counts_mask = (std::uint64_t{1} << tick_shift) - (std::uint64_t{1} << head_counts_shift);
  /// The widest distance the tick field holds.
  static constexpr std::uint64_t tick_range_most = (std::uint64_t{1} << (64 - tick_shift)) - 1;

  /// `counted`: the words carry each rank's buffer count (else one in-flight
  /// word). `tick_range` (at most tick_range_most) is the distance from
  /// which next ticks count as far; tests shrink it to take the exact path.
  packed_agreement(int ranks, bool counted, std::uint64_t tick_range = tick_range_most) noexcept
      : ranks_(ranks),
        counted_(counted),
        count_bits_(std::max(1, static_cast<int>(std::bit_width(static_cast<unsigned>(ranks - 1))))),
        head_counts_((tick_shift - head_counts_shift) / count_bits_),
        counts_per_word_(64 / count_bits_),
        tick_range_(std::min(tick_range, tick_range_most)) {}

  /// True when the words carry each rank's buffer count.
  bool counted() const noexcept { return counted_; }
  /// Words in one element of the reduction.
  std::size_t words() const noexcept {
    if (!counted_) return 2;
    const unsigned ranks = static_cast<unsigned>(ranks_);
    const unsigned beyond_head = ranks > head_counts_ ? ranks - head_counts_ : 0;
    return 1 + (beyond_head + counts_per_word_ - 1) / counts_per_word_;
  }

  /// One rank's element: its report, the ranks it sent a buffer to, and
  /// (uncounted) its buffers sent minus received.
  void pack(const diasca_report& r, std::span<const int> destinations, std::uint64_t in_flight,
            std::span<std::uint64_t> out) const noexcept {
    std::fill(out.begin(), out.end(), 0);
    std::uint64_t flags = 0;
    if (r.activity()) flags |= activity;
    if (r.stop_requested) flags |= stop;
    if (r.checkpoint_wanted) flags |= checkpoint;
    if (r.end_of_tick_pending) flags |= end_of_tick;
    if (r.failed_rank >= 0) flags |= failure;
    std::uint64_t distance = tick_range_;
    if (r.next_tick < r.base_tick) flags |= tick_before_base;
    else distance = std::min(r.next_tick - r.base_tick, tick_range_);
    out[0] = flags | (tick_range_most - distance) << tick_shift;
    if (!counted_) {
      out[1] = in_flight;
      return;
    }
    for (int to : destinations) {
      const auto [word, shift] = count_place(to);
      out[word] += std::uint64_t{1} << shift;
    }
  }

  /// MPI's reduction, element by element: OR the flags, sum the counts, keep
  /// the largest (nearest) tick field.
  static void combine(const std::uint64_t* from, std::uint64_t* into, std::size_t length) noexcept {
    const std::uint64_t a = into[0], b = from[0];
    into[0] = ((a | b) & flag_mask) | (((a & head_counts_mask) + (b & head_counts_mask)) & head_counts_mask) |
              (std::max(a >> tick_shift, b >> tick_shift) << tick_shift);
    for (std::size_t i = 1; i < length; ++i) into[i] += from[i];
  }

  /// How many buffers `rank` receives this diasca (counted layouts).
  std::uint64_t buffers_for(int rank, std::span<const std::uint64_t> all) const noexcept {
    const auto [word, shift] = count_place(rank);
    return (all[word] >> shift) & ((std::uint64_t{1} << count_bits_) - 1);
  }
  /// Buffers sent but not yet received, over all ranks (uncounted layouts).
  static std::uint64_t in_flight(std::span<const std::uint64_t> all) noexcept { return all[1]; }

  /// The combined report as far as the words tell it. `base_tick` is the one
  /// every rank packed with. If exact_values_needed(), failed_rank and
  /// next_tick come from apply_exact_values.
  diasca_report read(std::span<const std::uint64_t> all, tick_t base_tick) const noexcept {
    const std::uint64_t head = all[0];
    diasca_report r;
    r.base_tick = base_tick;
    r.messages_sent = (head & activity) ? 1 : 0;
    r.stop_requested = (head & stop) ? 1 : 0;
    r.checkpoint_wanted = (head & checkpoint) ? 1 : 0;
    r.end_of_tick_pending = (head & end_of_tick) ? 1 : 0;
    r.next_tick = tick_held(head) ? base_tick + tick_distance(head) : no_tick;
    return r;
  }
  /// True when decide() would read what the words cannot say exactly: the
  /// failed rank, or a next tick that is far or before the base.
  bool exact_values_needed(std::span<const std::uint64_t> all) const noexcept {
    const std::uint64_t head = all[0];
    if (head & failure) return true;
    if (head & (activity | end_of_tick)) return false;  // decide() reads no tick
    return !tick_held(head);
  }

  /// What the second reduction (the unsigned minimum of each word) carries: the
  /// rank if it failed, and its next tick.
  static std::array<std::uint64_t, 2> exact_values(const diasca_report& r) noexcept {
    return {r.failed_rank >= 0 ? static_cast<std::uint64_t>(r.failed_rank) : no_failure, r.next_tick};
  }
  static void apply_exact_values(diasca_report& r, const std::array<std::uint64_t, 2>& lowest) noexcept {
    r.failed_rank = lowest[0] == no_failure ? -1 : static_cast<std::int32_t>(lowest[0]);
    r.next_tick = lowest[1];
  }

 private:
  static constexpr std::uint64_t no_failure = ~std::uint64_t{0};

  /// The nearest next tick's distance from the base, as the tick field holds it.
  static std::uint64_t tick_distance(std::uint64_t head) noexcept { return tick_range_most - (head >> tick_shift); }
  /// True when the tick field holds the nearest next tick exactly (not "far",
  /// and no rank's tick lies before the base).
  bool tick_held(std::uint64_t head) const noexcept {
    return !(head & tick_before_base) && tick_distance(head) < tick_range_;
  }

  struct place {
    std::size_t word;
    unsigned shift;
  };
  place count_place(int rank) const noexcept {
    const auto r = static_cast<unsigned>(rank);
    if (r < head_counts_) return {0, head_counts_shift + r * count_bits_};
    const unsigned beyond = r - head_counts_;
    return {1 + beyond / counts_per_word_, (beyond % counts_per_word_) * count_bits_};
  }

  int ranks_;
  bool counted_;
  unsigned count_bits_;
  unsigned head_counts_;      ///< counts in word 0
  unsigned counts_per_word_;  ///< in words 1...
  std::uint64_t tick_range_;
};

}  // namespace kairos
