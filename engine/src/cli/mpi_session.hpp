#pragma once

#include "kairos/core/error.hpp"

namespace kairos::cli {

/// When a run starts MPI (`--mpi`).
enum class mpi_use { automatic, always, never };

/// MPI for the life of the process when started by mpirun/mpiexec (or with
/// --mpi on); a plain `kairos run` never touches MPI. In a build without MPI
/// (KAIROS_WITH_MPI=OFF) it refuses every use that needs MPI, so that several
/// processes never run as separate simulations.
class mpi_session {
 public:
  /// `threads`: worker threads of this process. Throws a usage error when
  /// MPI is asked for and cannot be used.
  mpi_session(unsigned threads, mpi_use use);
  ~mpi_session();
  mpi_session(const mpi_session&) = delete;
  mpi_session& operator=(const mpi_session&) = delete;
  int rank() const noexcept { return rank_; }
  bool many_ranks() const noexcept { return size_ > 1; }

  /// Reports an error once: the engine decided which rank owns it; that rank
  /// prints it and, with several ranks, aborts them all with the exit status.
  int fail(const error& e) const;

 private:
  bool active_ = false;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace kairos::cli
