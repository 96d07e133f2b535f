#include "h5/zstd_filter.hpp"

#include <mutex>

#include "kairos/core/error.hpp"

namespace kairos::h5 {

void register_zstd_filter() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (H5Zfilter_avail(zstd_filter_id) > 0) return;
    if (H5Zregister(&zstd_filter_class) < 0) throw runtime_error("cannot register the Zstd HDF5 filter (id 32015)");
  });
}

}  // namespace kairos::h5
