// The engine's Zstd filter as a dynamically loaded HDF5 plugin, so that
// h5dump, h5py and other HDF5 tools read checkpoint shards:
//   HDF5_PLUGIN_PATH=<prefix>/lib/kairos/hdf5-plugins h5dump shard-00000-on-00000.h5
#include <H5PLextern.h>

#include "h5/zstd_filter.hpp"

extern "C" H5PL_type_t H5PLget_plugin_type(void) { return H5PL_TYPE_FILTER; }
extern "C" const void* H5PLget_plugin_info(void) { return &kairos::h5::zstd_filter_class; }
