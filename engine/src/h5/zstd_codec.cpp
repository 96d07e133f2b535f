// The Zstd filter itself, free of calls into the HDF5 library so that the
// same code also builds as a standalone HDF5 plugin (h5dump, h5py). Buffers
// are malloc/free, as HDF5 1.10 expects of dynamically loaded filters.
#include <zstd.h>

#include <cstdlib>

#include "h5/zstd_filter.hpp"

namespace kairos::h5 {

namespace {

// HDF5's filter callback: compresses *buf (nbytes) in place, or decompresses
// it when H5Z_FLAG_REVERSE is set. Returns the new size, or 0 on failure
// (HDF5 then reports the chunk as unreadable or unwritable).
std::size_t zstd_callback(unsigned flags, std::size_t cd_nelmts, const unsigned cd_values[], std::size_t nbytes,
                          std::size_t* buf_size, void** buf) {
  if (flags & H5Z_FLAG_REVERSE) {
    const unsigned long long size = ZSTD_getFrameContentSize(*buf, nbytes);
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) return 0;
    void* out = std::malloc(static_cast<std::size_t>(size));
    if (!out) return 0;
    const std::size_t got = ZSTD_decompress(out, static_cast<std::size_t>(size), *buf, nbytes);
    if (ZSTD_isError(got) || got != size) {
      std::free(out);
      return 0;
    }
    std::free(*buf);
    *buf = out;
    *buf_size = static_cast<std::size_t>(size);
    return got;
  }
  const int level = cd_nelmts > 0 ? static_cast<int>(cd_values[0]) : static_cast<int>(zstd_default_level);
  const std::size_t bound = ZSTD_compressBound(nbytes);
  void* out = std::malloc(bound);
  if (!out) return 0;
  const std::size_t got = ZSTD_compress(out, bound, *buf, nbytes, level);
  if (ZSTD_isError(got)) {
    std::free(out);
    return 0;
  }
  std::free(*buf);
  *buf = out;
  *buf_size = bound;
  return got;
}

}  // namespace

const H5Z_class2_t zstd_filter_class = {
    H5Z_CLASS_T_VERS, zstd_filter_id, 1, 1, "Zstandard (built into kairos)", nullptr, nullptr, zstd_callback,
};

}  // namespace kairos::h5
