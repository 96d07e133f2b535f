#pragma once

// Unsigned integer tables of a shard in the narrowest of 1, 2, 4 or 8 bytes
// that holds every value the column will get. Most of a shard's tables hold
// small numbers (a class index, a random stream's counter, a state's size):
// stored as uint64 they were most of the bytes a checkpoint shuffles and
// compresses. Readers ask HDF5 for uint64 and it widens on read, so narrow
// and full-width shards read alike (h5py shows the stored type).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <hdf5.h>

#include "h5/h5.hpp"

namespace kairos::checkpoint {

/// Bytes of the narrowest unsigned type holding every value up to `bound`.
unsigned width_for(std::uint64_t bound) noexcept;

/// A compressed 1-D column of unsigned integers no larger than a bound
/// declared when it is made, written front to back in pieces.
class narrow_column {
 public:
  narrow_column() = default;
  /// `label` names it in errors ("shard-3: actors/aai"); `big_endian`
  /// stores it big-endian (tests of portability).
  narrow_column(const h5::file& f, hid_t parent, const std::string& name, std::string label, std::uint64_t length,
                std::size_t chunk_elements, std::uint64_t bound, bool big_endian);

  /// One chunk of values as the column stores it: narrowed, in the file's
  /// byte order, padded with zeros to a whole chunk, then shuffled and
  /// compressed as the column's filters would. Thread-safe (it touches no
  /// HDF5 state), so a rank's threads may encode chunks at once. Throws
  /// checkpoint_error, naming the column, if a value exceeds the bound or
  /// more values come than a chunk holds.
  std::vector<std::byte> encode(std::span<const std::uint64_t> values) const;
  /// Stores a chunk encode() made, at element `first`, a chunk boundary.
  void store(const h5::file& f, std::uint64_t first, std::span<const std::byte> encoded) const;
  /// Makes a growing column `length` elements long.
  void extend(const h5::file& f, std::uint64_t length) const { f.extend(set_.get(), label_, length); }
  /// Closes the dataset (the file image then holds every chunk).
  void close() { set_ = {}; }

 private:
  h5::handle set_;
  std::string label_;
  std::uint64_t bound_ = 0;
  unsigned width_ = 8;
  std::size_t chunk_ = 0;  ///< elements per chunk
  bool swap_bytes_ = false;  ///< the file's byte order is not this machine's
};

}  // namespace kairos::checkpoint
