#pragma once

// MPI's reduction function for packed_agreement elements, shared by the
// transport and the benchmark that measures it beside the MPI floor
// (bench/allreduce_floor.cpp), so that both reduce the same way.

#include <mpi.h>

#include <cstddef>
#include <cstdint>

#include "transport/packed_agreement.hpp"

namespace kairos {

/// For MPI_Op_create: combines `count` elements of the contiguous datatype
/// `type` (its length in words comes from its size).
inline void combine_packed_agreements(void* in, void* inout, int* count, MPI_Datatype* type) {
  int bytes = 0;
  MPI_Type_size(*type, &bytes);
  const auto length = static_cast<std::size_t>(bytes) / sizeof(std::uint64_t);
  const auto* from = static_cast<const std::uint64_t*>(in);
  auto* into = static_cast<std::uint64_t*>(inout);
  for (int i = 0; i < *count; ++i, from += length, into += length) packed_agreement::combine(from, into, length);
}

}  // namespace kairos
