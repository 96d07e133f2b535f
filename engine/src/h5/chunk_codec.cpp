#include "h5/chunk_codec.hpp"

#include <zstd.h>

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos::h5 {

namespace {

/// HDF5's shuffle: the first byte of every element, then every second
/// byte, and so on (bytes past the last whole element stay at the end).
void shuffle_into(std::span<const std::byte> raw, unsigned element_size, std::vector<std::byte>& out) {
  out.resize(raw.size());
  const std::size_t elements = raw.size() / element_size;
  for (unsigned b = 0; b < element_size; ++b) {
    std::byte* to = out.data() + b * elements;
    const std::byte* from = raw.data() + b;
    for (std::size_t i = 0; i < elements; ++i) to[i] = from[i * element_size];
  }
  std::copy(raw.begin() + static_cast<std::ptrdiff_t>(elements * element_size), raw.end(),
            out.begin() + static_cast<std::ptrdiff_t>(elements * element_size));
}

}  // namespace

std::vector<std::byte> encode_chunk(std::span<const std::byte> raw, unsigned element_size, int level) {
  // Scratch space and a Zstd context per thread, reused from chunk to
  // chunk: fresh megabytes for every chunk cost page faults, and a fresh
  // context its set-up (ZSTD_compress makes one per call).
  thread_local std::vector<std::byte> reordered, compressed;
  thread_local const std::unique_ptr<ZSTD_CCtx, std::size_t (*)(ZSTD_CCtx*)> context(ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!context) throw runtime_error("Zstd cannot make a compression context (out of memory?)");
  if (element_size > 1 && raw.size() >= 2 * std::size_t{element_size}) {  // HDF5 leaves a single element alone
    shuffle_into(raw, element_size, reordered);
    raw = reordered;
  }
  compressed.resize(std::max(compressed.size(), ZSTD_compressBound(raw.size())));
  const std::size_t got =
      ZSTD_compressCCtx(context.get(), compressed.data(), compressed.size(), raw.data(), raw.size(), level);
  if (ZSTD_isError(got)) throw runtime_error(fmt::format("Zstd cannot compress a chunk: {}", ZSTD_getErrorName(got)));
  return {compressed.begin(), compressed.begin() + static_cast<std::ptrdiff_t>(got)};
}

}  // namespace kairos::h5
