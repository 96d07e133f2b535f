#pragma once

// The exact sum of any number of doubles, whatever order they are added in
// and however the additions are split between threads and ranks.
//
// Floating-point addition is not associative, so a sum computed in an order
// that depends on the rank count cannot give bit-identical results on every
// rank count. This accumulator keeps the sum as a fixed-point integer wide
// enough for every finite double (2^-1074 to 2^1024, plus headroom for 2^64
// additions): additions are integer additions, exact, hence independent of
// order, and the one rounding happens when value() reads the total.
//
// Digits are 32-bit, held in 64-bit slots so that an addition never carries
// at once: a double touches three slots, and carries are propagated every
// 2^29 additions and before reading or packing.

#include <array>
#include <bit>
#include <cstdint>
#include <vector>

namespace kairos {

class exact_sum {
 public:
  /// The sum in compact form: its magnitude's nonzero digit span, for
  /// storage and transfer (a few digits where the full form has 68).
  struct packed {
    std::uint8_t specials = 0;  ///< NaN and infinities added (see below)
    bool negative = false;
    std::uint16_t lowest = 0;   ///< index of digits[0]
    std::vector<std::uint32_t> digits;
  };

  /// Digits of the full form: 66 for every double's bits, 2 for carries.
  static constexpr std::size_t digit_count = 68;

  exact_sum() = default;
  explicit exact_sum(const packed& p) noexcept;

  /// Adds `x` exactly; a NaN or an infinity makes the sum one (NaN for
  /// +inf and -inf together), as floating-point addition would.
  void add(double x) noexcept {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    const auto biased = static_cast<unsigned>((bits >> 52) & 0x7ff);
    if (biased == 0x7ff) return add_special(x);
    std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
    if (mantissa == 0 && biased == 0) return;  // a zero
    if (biased != 0) mantissa |= std::uint64_t{1} << 52;
    // x = mantissa * 2^(position - 1074), position in [0, 2045].
    const unsigned position = biased == 0 ? 0 : biased - 1;
    const unsigned slot = position / digit_bits, shift = position % digit_bits;
    const std::uint64_t low = (mantissa & digit_mask) << shift;  // < 2^63
    const std::uint64_t high = (mantissa >> digit_bits) << shift;  // < 2^52
    const auto d0 = static_cast<std::int64_t>(low & digit_mask);
    const auto d1 = static_cast<std::int64_t>((low >> digit_bits) + (high & digit_mask));
    const auto d2 = static_cast<std::int64_t>(high >> digit_bits);
    if (bits >> 63) {
      slots_[slot] -= d0, slots_[slot + 1] -= d1, slots_[slot + 2] -= d2;
    } else {
      slots_[slot] += d0, slots_[slot + 1] += d1, slots_[slot + 2] += d2;
    }
    if (++pending_ == carry_every) normalize();
  }

  /// Adds another sum (exactly).
  void add(const exact_sum& other) noexcept;

  /// The sum rounded once to the nearest double (ties to even); +0 when the
  /// exact sum is zero; ±inf beyond the largest double.
  double value() const noexcept;

  packed pack() const;

  /// Whether the two hold the same exact sum.
  friend bool operator==(const exact_sum& a, const exact_sum& b) noexcept;

 private:
  static constexpr unsigned digit_bits = 32;
  static constexpr std::uint64_t digit_mask = 0xffffffffu;
  static constexpr std::size_t slot_count = digit_count;
  static constexpr std::uint32_t carry_every = 1u << 29;
  static constexpr std::uint8_t has_nan = 1, has_plus_infinity = 2, has_minus_infinity = 4;

  void add_special(double x) noexcept;
  /// Propagates carries: every slot but the last in [0, 2^32), the last
  /// signed (the sign of the whole).
  void normalize() noexcept;
  /// normalize(), then the magnitude's digits (flipping the sign if needed).
  std::array<std::int64_t, slot_count> magnitude(bool& negative) const noexcept;

  std::array<std::int64_t, slot_count> slots_{};
  std::uint32_t pending_ = 0;  ///< additions since the last normalize()
  std::uint8_t specials_ = 0;
};

}  // namespace kairos
