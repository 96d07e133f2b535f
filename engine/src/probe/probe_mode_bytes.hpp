#pragma once

// A probe's mode between ranks (declarations shipped with actors, the
// agreement on probes, the reduction of aggregates, a restart's
// redistribution): its kind as one byte and its period little-endian, so
// that no padding byte of probe_mode travels and an unknown kind is caught
// where it is read.

#include <cstdint>
#include <stdexcept>

#include "kairos/probe/probe_id.hpp"
#include "transport/byte_buffer.hpp"

namespace kairos {

inline void put_probe_mode(byte_writer& out, probe_mode mode) {
  out.put_le(static_cast<std::uint8_t>(mode.kind));
  out.put_le(mode.period);
}

inline probe_mode get_probe_mode(byte_reader& in) {
  const auto kind = in.get_le<std::uint8_t>();
  if (kind > static_cast<std::uint8_t>(probe_kind::aggregate))
    throw std::runtime_error("unknown probe kind in a buffer from another rank");
  const auto period = in.get_le<std::uint64_t>();
  return {static_cast<probe_kind>(kind), period};
}

}  // namespace kairos
