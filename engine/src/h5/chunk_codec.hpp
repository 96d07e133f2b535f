#pragma once

// A chunk of a compressed column encoded outside HDF5, so that a rank's
// threads can compress the chunks of a checkpoint at once: the HDF5 library
// runs its filter pipeline on one thread at a time, and compression was
// most of a checkpoint's cost. The bytes are what HDF5's own pipeline for
// file::create_column's columns makes (shuffle when the elements are wider
// than a byte, then Zstd, filter 32015), so file::write_chunk stores them
// as is and every reader, h5py included, reads them through that pipeline.

#include <cstddef>
#include <span>
#include <vector>

#include "h5/zstd_filter.hpp"

namespace kairos::h5 {

/// One whole chunk (`raw`, in the file's byte order, a multiple of
/// `element_size` bytes), byte-shuffled as HDF5's shuffle filter does when
/// `element_size` > 1, then compressed into one Zstd frame. Thread-safe.
/// Throws runtime_error if Zstd fails.
std::vector<std::byte> encode_chunk(std::span<const std::byte> raw, unsigned element_size,
                                    int level = static_cast<int>(zstd_default_level));

}  // namespace kairos::h5
