// The agenda's radix sort: the same order as std::sort for any size and
// any largest value, digit widths and pass counts included.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "time/radix_sort.hpp"

namespace kairos {
namespace {

TEST(RadixSort, SortsLikeStdSortForAnySizeAndLargestValue) {
  std::mt19937_64 random(42);
  std::vector<std::uint64_t> scratch;
  for (const std::uint64_t largest : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{255}, std::uint64_t{4095},
                                      std::uint64_t{4096}, std::uint64_t{1} << 23, (std::uint64_t{1} << 40) + 3,
                                      UINT64_MAX}) {
    for (const std::size_t size : {0, 1, 255, 256, 1000, 50'000}) {
      std::vector<std::uint64_t> values(size);
      for (std::uint64_t& v : values) v = largest == UINT64_MAX ? random() : random() % (largest + 1);
      if (size > 0) values[size / 2] = largest;  // the bound itself occurs
      std::vector<std::uint64_t> expected = values;
      std::sort(expected.begin(), expected.end());
      radix_sort(values, largest, scratch);
      EXPECT_EQ(values, expected) << "largest " << largest << ", " << size << " values";
    }
  }
}

}  // namespace
}  // namespace kairos
