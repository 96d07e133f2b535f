#include "cli/mpi_session.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "transport/launch_environment.hpp"

#if KAIROS_HAVE_MPI
#include <mpi.h>
#endif

namespace kairos::cli {

mpi_session::mpi_session([[maybe_unused]] unsigned threads, mpi_use use) {
  const launch_environment env = detect_launch_environment();
  if (use == mpi_use::never && env.size > 1)
    throw error(exit_code::usage_error,
                fmt::format("--mpi off, but this process is rank {} of {} started by an MPI launcher: "
                            "each would run the whole simulation on its own",
                            env.rank, env.size));
  if (use == mpi_use::never || (use == mpi_use::automatic && !env.by_launcher)) return;
#if KAIROS_HAVE_MPI
  // Only the main thread calls MPI, so FUNNELED is enough; with no other
  // thread, SINGLE spares MPI's internal locking (measured: about 7% of a
  // 2-rank PHOLD run).
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, threads > 1 ? MPI_THREAD_FUNNELED : MPI_THREAD_SINGLE, &provided);
  active_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#else
  // One process of a launcher's job is fine (mpirun -n 1, or srun in a
  // one-task step): it is the whole run. More would each run alone.
  if (use == mpi_use::always)
    throw error(exit_code::usage_error, "--mpi on: this kairos was built without MPI (KAIROS_WITH_MPI=OFF); "
                                        "it runs on one rank only");
  if (env.size > 1)
    throw error(exit_code::usage_error,
                fmt::format("this kairos was built without MPI (KAIROS_WITH_MPI=OFF), but this process is rank {} "
                            "of {} started by a launcher: each would run the whole simulation on its own. Run it "
                            "as one process, or use a kairos built with MPI",
                            env.rank, env.size));
#endif
}

mpi_session::~mpi_session() {
#if KAIROS_HAVE_MPI
  if (active_) MPI_Finalize();
#endif
}

int mpi_session::fail(const error& e) const {
  const int code = static_cast<int>(e.code());
  if (dynamic_cast<const failure_elsewhere*>(&e)) {
    // The failing rank prints and aborts the job; entering MPI_Finalize
    // meanwhile can stall the abort, so wait to be ended, and abort
    // ourselves only if that never comes.
#if KAIROS_HAVE_MPI
    if (many_ranks()) {
      std::this_thread::sleep_for(std::chrono::seconds(10));
      MPI_Abort(MPI_COMM_WORLD, code);
    }
#endif
    return code;
  }
  std::fprintf(stderr, "kairos: error: %s\n", e.what());
  std::fflush(stderr);
#if KAIROS_HAVE_MPI
  if (many_ranks()) {
    // The line is in the pipe to the launcher, which forwards it on its own
    // time; MPI_Abort tears the job down at once, and MPICH's launcher can
    // exit before forwarding it. A supervisor that does not see the line
    // takes a model error for a lost node and retries, so let it through.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    MPI_Abort(MPI_COMM_WORLD, code);
  }
#endif
  return code;
}

}  // namespace kairos::cli
