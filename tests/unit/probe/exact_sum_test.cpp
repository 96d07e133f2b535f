// Aggregated probes sum samples from every thread and rank; their results
// are bit-identical on any rank count only if the sum does not depend on the
// order of additions. These tests check that it does not, and that the one
// rounding is right: against Boost.Multiprecision's exact arithmetic.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/cpp_int.hpp>

#include "probe/exact_sum.hpp"

using namespace kairos;

namespace {

namespace mp = boost::multiprecision;
// Wide enough for any exact sum of a few thousand doubles: 2^-1074 to 2^1100.
using reference_float = mp::number<mp::cpp_bin_float<2300, mp::digit_base_2>>;

/// The sum of `values` rounded once: exact big-integer arithmetic in units
/// of 2^-1074, then Boost's conversion to double.
double reference_sum(const std::vector<double>& values) {
  mp::cpp_int total = 0;
  for (double x : values) {
    int exponent = 0;
    const double fraction = std::frexp(x, &exponent);  // x = fraction * 2^exponent
    // x * 2^1074 is an integer: the 53-bit mantissa, shifted.
    const auto mantissa = static_cast<std::int64_t>(std::ldexp(fraction, 53));
    mp::cpp_int term = mantissa;
    const int shift = exponent - 53 + 1074;
    if (shift >= 0) term <<= shift;
    else term >>= -shift;  // exact: the low bits of a subnormal are zeros
    total += term;
  }
  reference_float f(total);
  return ldexp(f, -1074).convert_to<double>();
}

double summed(const std::vector<double>& values) {
  exact_sum s;
  for (double x : values) s.add(x);
  return s.value();
}

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

/// Random doubles of both signs over `exponent_span` binary orders of
/// magnitude around 1 (subnormals included when the span reaches them).
std::vector<double> random_values(std::mt19937_64& rng, std::size_t n, int low_exponent, int high_exponent) {
  std::uniform_real_distribution<double> fraction(0.5, 1.0);
  std::uniform_int_distribution<int> exponent(low_exponent, high_exponent);
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = std::ldexp(fraction(rng), exponent(rng));
    out.push_back(rng() % 2 ? -x : x);
  }
  return out;
}

}  // namespace

TEST(ExactSum, CancellationLosesNothing) {
  EXPECT_EQ(summed({1e100, 1.0, -1e100}), 1.0);
  EXPECT_EQ(summed({1.0, 1e100, 1.0, -1e100}), 2.0);
  // Naive left-to-right summation gives 0.9999999999999999.
  EXPECT_EQ(summed(std::vector<double>(10, 0.1)), 1.0);
  EXPECT_EQ(summed({0.1, 0.2, -0.3}), reference_sum({0.1, 0.2, -0.3}));
  EXPECT_EQ(summed({}), 0.0);
  EXPECT_FALSE(std::signbit(summed({-0.0, -0.0})));  // an exact zero is +0
  EXPECT_EQ(summed({3.5, -3.5}), 0.0);
}

TEST(ExactSum, RoundsOnceToNearestTiesToEven) {
  const double u = std::ldexp(1.0, -53);  // half an ulp of 1
  EXPECT_EQ(summed({1.0, u}), 1.0);                                       // tie: to even
  EXPECT_EQ(summed({1.0 + 2 * u, u}), 1.0 + 4 * u);                         // tie: to even, upwards
  EXPECT_EQ(summed({1.0, u, std::ldexp(1.0, -200)}), 1.0 + 2 * u);          // just above the tie
  EXPECT_EQ(summed({1.0, u, -std::ldexp(1.0, -200)}), 1.0);                 // just below it
  EXPECT_EQ(summed({std::numeric_limits<double>::max(), std::numeric_limits<double>::max()}),
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(summed({-std::numeric_limits<double>::max(), -std::numeric_limits<double>::max()}),
            -std::numeric_limits<double>::infinity());
}

TEST(ExactSum, SubnormalsAreExact) {
  const double tiny = std::numeric_limits<double>::denorm_min();
  const double smallest_normal = std::numeric_limits<double>::min();
  EXPECT_EQ(summed({tiny, tiny, tiny}), 3 * tiny);
  EXPECT_EQ(summed({smallest_normal, -tiny}), smallest_normal - tiny);
  EXPECT_EQ(summed({1.0, tiny, -1.0}), tiny);
  EXPECT_EQ(summed({-tiny}), -tiny);
}

TEST(ExactSum, NanAndInfinitiesAsFloatingPointWouldGive) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(summed({1.0, inf}), inf);
  EXPECT_EQ(summed({-inf, 1e300}), -inf);
  EXPECT_TRUE(std::isnan(summed({inf, -inf})));
  EXPECT_TRUE(std::isnan(summed({1.0, std::nan("")})));
}

TEST(ExactSum, MatchesExactArithmeticOverEveryRange) {
  std::mt19937_64 rng(20261124);
  const std::pair<int, int> ranges[] = {{-5, 5}, {-60, 60}, {-1100, -1000}, {-1074, 1023}, {900, 1020}, {0, 0}};
  for (const auto& [low, high] : ranges)
    for (int round = 0; round < 40; ++round) {
      const std::vector<double> values = random_values(rng, 1 + rng() % 300, low, high);
      const double expected = reference_sum(values);
      EXPECT_EQ(bits(summed(values)), bits(expected))
          << "exponents " << low << ".." << high << ", " << values.size() << " values: " << summed(values) << " vs "
          << expected;
    }
}

TEST(ExactSum, AnyOrderAndAnySplitGiveTheSameBits) {
  std::mt19937_64 rng(7);
  const std::vector<double> values = random_values(rng, 20000, -80, 80);
  const double whole = summed(values);
  for (int parts = 1; parts <= 16; parts *= 2) {
    std::vector<double> shuffled = values;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    // Split between `parts` partial sums (threads, ranks), merged in reverse.
    std::vector<exact_sum> partial(static_cast<std::size_t>(parts));
    for (std::size_t i = 0; i < shuffled.size(); ++i) partial[rng() % partial.size()].add(shuffled[i]);
    exact_sum merged;
    for (auto it = partial.rbegin(); it != partial.rend(); ++it) merged.add(*it);
    EXPECT_EQ(bits(merged.value()), bits(whole)) << parts << " parts";
  }
}

TEST(ExactSum, PackedFormKeepsTheExactSum) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 50; ++round) {
    exact_sum s;
    for (double x : random_values(rng, 1 + rng() % 50, -1074, 1023)) s.add(x);
    const exact_sum::packed p = s.pack();
    const exact_sum restored(p);
    EXPECT_TRUE(restored == s);
    EXPECT_EQ(bits(restored.value()), bits(s.value()));
    // Adding to the restored sum is as adding to the original.
    exact_sum a = s, b = restored;
    a.add(0.75);
    b.add(0.75);
    EXPECT_TRUE(a == b);
  }
  exact_sum one;
  one.add(1.0);
  EXPECT_LE(one.pack().digits.size(), 2u);  // compact: not 68 digits
  exact_sum minus;
  minus.add(-2.5);
  EXPECT_TRUE(minus.pack().negative);
  EXPECT_EQ(exact_sum(minus.pack()).value(), -2.5);
}

TEST(ExactSum, ManyAdditionsCarryCorrectly) {
  // Far more additions than fit one digit without carries.
  exact_sum s;
  const double big = std::ldexp(1.0, 31) - 1;  // all ones in one digit
  const std::uint64_t n = 3'000'000;
  for (std::uint64_t i = 0; i < n; ++i) s.add(big);
  EXPECT_EQ(s.value(), big * static_cast<double>(n));
  for (std::uint64_t i = 0; i < n; ++i) s.add(-big);
  EXPECT_EQ(s.value(), 0.0);
}
