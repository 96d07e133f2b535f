#include "h5/zstd_filter.hpp"

#include <zstd.h>

#include <mutex>

#include "kairos/core/error.hpp"

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
    void* out = H5allocate_memory(static_cast<std::size_t>(size), false);
    if (!out) return 0;
    const std::size_t got = ZSTD_decompress(out, static_cast<std::size_t>(size), *buf, nbytes);
    if (ZSTD_isError(got) || got != size) {
      H5free_memory(out);
      return 0;
    }
    H5free_memory(*buf);
    *buf = out;
    *buf_size = static_cast<std::size_t>(size);
    return got;
  }
  const int level = cd_nelmts > 0 ? static_cast<int>(cd_values[0]) : static_cast<int>(zstd_default_level);
  const std::size_t bound = ZSTD_compressBound(nbytes);
  void* out = H5allocate_memory(bound, false);
  if (!out) return 0;
  const std::size_t got = ZSTD_compress(out, bound, *buf, nbytes, level);
  if (ZSTD_isError(got)) {
    H5free_memory(out);
    return 0;
  }
  H5free_memory(*buf);
  *buf = out;
  *buf_size = bound;
  return got;
}

const H5Z_class2_t zstd_class = {
    H5Z_CLASS_T_VERS, zstd_filter_id, 1, 1, "Zstandard (built into kairos)", nullptr, nullptr, zstd_callback,
};

}  // namespace

void register_zstd_filter() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (H5Zfilter_avail(zstd_filter_id) > 0) return;
    if (H5Zregister(&zstd_class) < 0) throw runtime_error("cannot register the Zstd HDF5 filter (id 32015)");
  });
}

}  // namespace kairos::h5
