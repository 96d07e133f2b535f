#pragma once

namespace kairos {

/// What the environment says of the launcher that started this process:
/// the variables Open MPI (OMPI_COMM_WORLD_*), MPICH's Hydra and Slurm's
/// PMI (PMI_RANK, PMI_SIZE) and PMIx (PMIX_RANK) set in each process. Read
/// without MPI, so that a build without MPI can refuse a multi-process job.
struct launch_environment {
  bool by_launcher = false;  ///< one of those variables is set
  int rank = 0;              ///< this process's rank, 0 when unknown
  int size = 0;              ///< processes in the job, 0 when unknown
};
launch_environment detect_launch_environment() noexcept;

/// True when this process was started by an MPI launcher (mpirun/mpiexec),
/// so MPI must be initialised; a plain `kairos run` stays MPI-free.
bool launched_by_mpi() noexcept;

}  // namespace kairos
