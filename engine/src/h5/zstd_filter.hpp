#pragma once

// Zstandard compression as an HDF5 filter, built into the engine so that
// checkpoints need no plugin install. It uses the registered filter id 32015
// and the same layout as the community Zstd plugin (one Zstd frame per chunk,
// cd_values[0] = level), so h5py with hdf5plugin, or h5dump with that plugin
// on HDF5_PLUGIN_PATH, reads the files too.

#include <hdf5.h>

namespace kairos::h5 {

inline constexpr H5Z_filter_t zstd_filter_id = 32015;
/// Fast enough not to dominate a checkpoint (measured in bench/RESULTS.md).
inline constexpr unsigned zstd_default_level = 3;

/// The filter's description, callback included.
extern const H5Z_class2_t zstd_filter_class;

/// Registers the filter with the HDF5 library once per process (idempotent,
/// thread-safe). Leaves an already registered implementation in place.
void register_zstd_filter();

}  // namespace kairos::h5
