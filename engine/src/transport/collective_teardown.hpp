#pragma once

#include <mpi.h>

#include <exception>

namespace kairos {

/// Whether a destructor may free an MPI object collectively (a window, a
/// communicator): MPI is still running, and this rank is not unwinding from
/// a failure of its own, in which case it must not wait there for ranks
/// that wait for it elsewhere (the job is about to be aborted anyway).
inline bool may_free_collectively() noexcept {
  int finalized = 0;
  MPI_Finalized(&finalized);
  return !finalized && std::uncaught_exceptions() == 0;
}

}  // namespace kairos
