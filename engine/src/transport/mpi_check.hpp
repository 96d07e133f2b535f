#pragma once

#include <mpi.h>

#include <string_view>

#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos {

/// Throws unless an MPI call succeeded; `what` names the call (and, where it
/// helps, what it was for).
inline void check_mpi(int rc, std::string_view what) {
  if (rc != MPI_SUCCESS) throw runtime_error(fmt::format("MPI failure in {}", what));
}

}  // namespace kairos
