#pragma once

// The two small hashes the engine builds its identifiers from. Every name
// hash (message types, probes, placement hints) and every derived integer
// (random-stream keys, created AAIs, placement) goes through these, so they
// are the same in every plugin, rank and run.

#include <cstdint>
#include <string_view>

namespace kairos {

/// FNV-1a, 64 bits: stable hash of a name.
constexpr std::uint64_t fnv1a(std::string_view text) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

/// The splitmix64 finaliser: mixes every input bit into every output bit.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace kairos
