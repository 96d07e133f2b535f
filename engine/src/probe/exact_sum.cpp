#include "probe/exact_sum.hpp"

#include <cmath>
#include <limits>

namespace kairos {

exact_sum::exact_sum(const packed& p) noexcept : specials_(p.specials) {
  for (std::size_t i = 0; i < p.digits.size() && p.lowest + i < slot_count; ++i) {
    const auto d = static_cast<std::int64_t>(p.digits[i]);
    slots_[p.lowest + i] = p.negative ? -d : d;
  }
  pending_ = 1;
}

void exact_sum::add_special(double x) noexcept {
  if (std::isnan(x)) specials_ |= has_nan;
  else specials_ |= x > 0 ? has_plus_infinity : has_minus_infinity;
}

void exact_sum::add(const exact_sum& other) noexcept {
  exact_sum b = other;
  b.normalize();
  normalize();
  for (std::size_t i = 0; i < slot_count; ++i) slots_[i] += b.slots_[i];
  specials_ |= b.specials_;
  pending_ = 1;
}

void exact_sum::normalize() noexcept {
  std::int64_t carry = 0;
  for (std::size_t i = 0; i + 1 < slot_count; ++i) {
    const std::int64_t v = slots_[i] + carry;
    slots_[i] = v & static_cast<std::int64_t>(digit_mask);
    carry = v >> digit_bits;  // arithmetic shift (C++20): floor division
  }
  slots_[slot_count - 1] += carry;
  pending_ = 0;
}

std::array<std::int64_t, exact_sum::slot_count> exact_sum::magnitude(bool& negative) const noexcept {
  exact_sum copy = *this;
  copy.normalize();
  negative = copy.slots_[slot_count - 1] < 0;
  if (negative) {
    for (std::int64_t& d : copy.slots_) d = -d;
    copy.normalize();
  }
  return copy.slots_;
}

double exact_sum::value() const noexcept {
  if (specials_ & has_nan || (specials_ & has_plus_infinity && specials_ & has_minus_infinity))
    return std::numeric_limits<double>::quiet_NaN();
  if (specials_ & has_plus_infinity) return std::numeric_limits<double>::infinity();
  if (specials_ & has_minus_infinity) return -std::numeric_limits<double>::infinity();

  bool negative = false;
  const std::array<std::int64_t, slot_count> d = magnitude(negative);
  std::size_t top = slot_count;
  while (top > 0 && d[top - 1] == 0) --top;
  if (top == 0) return 0.0;
  const std::size_t h = top - 1;
  // The top digit of a normalized magnitude exceeds 32 bits only far beyond
  // the largest double.
  if (d[h] >> digit_bits) return negative ? -std::numeric_limits<double>::infinity()
                                          : std::numeric_limits<double>::infinity();

  // The three leading digits as one integer x (65 to 96 bits, fewer when h
  // < 2), worth x * 2^lsb; `sticky` says whether anything lies below.
  using wide = unsigned __int128;
  const auto digit = [&](std::ptrdiff_t i) { return i < 0 ? wide{0} : static_cast<wide>(d[static_cast<std::size_t>(i)]); };
  const auto hi = static_cast<std::ptrdiff_t>(h);
  const wide x = digit(hi) << 64 | digit(hi - 1) << 32 | digit(hi - 2);
  bool sticky = false;
  for (std::ptrdiff_t i = 0; i < hi - 2; ++i) sticky = sticky || d[static_cast<std::size_t>(i)] != 0;
  const int lsb = static_cast<int>(digit_bits) * static_cast<int>(hi - 2) - 1074;

  // Keep 53 bits, or fewer where the result is subnormal: its last bit is
  // then worth 2^-1074.
  int bits = 0;
  for (wide v = x; v != 0; v >>= 1) ++bits;
  const int drop = std::max(bits - 53, -1074 - lsb);
  std::uint64_t kept;
  if (drop <= 0) {
    kept = static_cast<std::uint64_t>(x);
  } else {
    kept = static_cast<std::uint64_t>(x >> drop);
    const wide rest = x & ((wide{1} << drop) - 1), half = wide{1} << (drop - 1);
    if (rest > half || (rest == half && (sticky || (kept & 1)))) ++kept;
  }
  // kept <= 2^53 and its scale is representable: ldexp is exact here, or
  // overflows to infinity as rounding to nearest would.
  const double magnitude_value = std::ldexp(static_cast<double>(kept), lsb + std::max(drop, 0));
  return negative ? -magnitude_value : magnitude_value;
}

exact_sum::packed exact_sum::pack() const {
  packed p;
  p.specials = specials_;
  const std::array<std::int64_t, slot_count> d = magnitude(p.negative);
  std::size_t low = 0, high = slot_count;
  while (high > 0 && d[high - 1] == 0) --high;
  while (low < high && d[low] == 0) ++low;
  // A magnitude past 2^1070 (beyond the largest double by 2^46) keeps
  // only its infinity: its top digit no longer fits 32 bits.
  if (high == slot_count && d[high - 1] >> digit_bits) {
    p.specials |= p.negative ? has_minus_infinity : has_plus_infinity;
    p.negative = false;
    return p;
  }
  p.lowest = static_cast<std::uint16_t>(low);
  for (std::size_t i = low; i < high; ++i) p.digits.push_back(static_cast<std::uint32_t>(d[i]));
  if (high == 0) p.negative = false;
  return p;
}

bool operator==(const exact_sum& a, const exact_sum& b) noexcept {
  exact_sum x = a, y = b;
  x.normalize();
  y.normalize();
  return x.slots_ == y.slots_ && x.specials_ == y.specials_;
}

}  // namespace kairos
