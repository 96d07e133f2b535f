// Chunks encoded outside HDF5 (so that a rank's threads compress a
// checkpoint at once) must be exactly what HDF5's own pipeline stores for
// the same column, and must read back through that pipeline.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include <hdf5.h>

#include "h5/chunk_codec.hpp"
#include "h5/h5.hpp"

namespace kairos::h5 {
namespace {

constexpr std::size_t chunk = 1000;
constexpr std::size_t length = 2 * chunk + 345;  // the last chunk partial

/// Bytes of `length` elements of `width` bytes, varied enough that Zstd has
/// work to do and shuffling changes them.
std::vector<std::byte> values(unsigned width) {
  std::vector<std::byte> out(length * width);
  std::uint64_t x = 99;
  for (std::size_t i = 0; i < out.size(); ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    out[i] = static_cast<std::byte>(i % width == 0 ? x >> 60 : i % 3);
  }
  return out;
}

/// The stored (filtered) bytes of each chunk of a column.
std::vector<std::vector<std::byte>> stored_chunks(hid_t column) {
  std::vector<std::vector<std::byte>> out;
  for (hsize_t first = 0; first < length; first += chunk) {
    const hsize_t offset[1] = {first};
    hsize_t size = 0;
    EXPECT_GE(H5Dget_chunk_storage_size(column, offset, &size), 0);
    std::vector<std::byte> bytes(size);
    std::uint32_t mask = ~0u;
    EXPECT_GE(H5Dread_chunk(column, H5P_DEFAULT, offset, &mask, bytes.data()), 0);
    EXPECT_EQ(mask, 0u) << "every filter applied";
    out.push_back(bytes);
  }
  return out;
}

struct case_of {
  hid_t memory, stored;
  unsigned width;
  bool shuffle;
};

class ChunkCodec : public ::testing::TestWithParam<int> {};

TEST_P(ChunkCodec, EncodesWhatHdf5StoresAndReadsBack) {
  // Stored in this machine's byte order, so that the raw chunk is the
  // memory's bytes on any machine (byte order is narrow_column's job).
  const bool big = H5Tget_order(H5T_NATIVE_UINT32) == H5T_ORDER_BE;
  const case_of cases[] = {{H5T_NATIVE_UINT8, H5T_STD_U8LE, 1, false},
                           {H5T_NATIVE_UINT32, big ? H5T_STD_U32BE : H5T_STD_U32LE, 4, true},
                           {H5T_NATIVE_UINT64, big ? H5T_STD_U64BE : H5T_STD_U64LE, 8, true}};
  const case_of c = cases[GetParam()];
  const std::vector<std::byte> data = values(c.width);

  file f = file::create_in_memory("codec.h5");
  const handle by_hdf5 = f.create_column(f.id(), "by_hdf5", c.stored, length, chunk, c.shuffle);
  f.write_rows(by_hdf5.get(), "by_hdf5", c.memory, 0, length, data.data());
  const handle by_us = f.create_column(f.id(), "by_us", c.stored, length, chunk, c.shuffle);
  for (std::size_t first = 0; first < length; first += chunk) {
    // A whole chunk, padded with zeros past the column's end as HDF5 pads it.
    std::vector<std::byte> raw(chunk * c.width, std::byte{0});
    const std::size_t n = std::min(chunk, length - first) * c.width;
    std::memcpy(raw.data(), data.data() + first * c.width, n);
    f.write_chunk(by_us.get(), "by_us", first, encode_chunk(raw, c.shuffle ? c.width : 1));
  }
  EXPECT_EQ(stored_chunks(by_us.get()), stored_chunks(by_hdf5.get())) << "width " << c.width;

  std::vector<std::byte> back(data.size());
  ASSERT_GE(H5Dread(by_us.get(), c.memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, back.data()), 0);
  EXPECT_EQ(back, data);
}

INSTANTIATE_TEST_SUITE_P(Widths, ChunkCodec, ::testing::Values(0, 1, 2));

}  // namespace
}  // namespace kairos::h5
