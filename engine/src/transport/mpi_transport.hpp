#pragma once

#include <mpi.h>

#include "transport/transport.hpp"

namespace kairos {

/// The transport over MPI. Coordination runs up and down a k-ary tree of
/// ranks rooted at rank 0 (rank r's parent is (r-1)/k), so each rank sends
/// and receives O(k) coordination messages per diasca and the depth is
/// O(log_k ranks). Message exchange uses the NBX pattern (synchronous sends,
/// then a non-blocking barrier): no rank learns anything about ranks it does
/// not talk to, and nothing is sent for empty buffers.
class mpi_transport final : public transport {
 public:
  mpi_transport(MPI_Comm comm, int fanout);

  int rank() const noexcept override { return rank_; }
  int size() const noexcept override { return size_; }
  std::vector<std::vector<std::byte>> exchange(std::vector<std::vector<std::byte>>& outgoing) override;
  diasca_decision coordinate(const diasca_report& local) override;
  std::vector<std::vector<std::byte>> gather(const std::vector<std::byte>& mine) override;
  std::vector<std::uint64_t> sum(const std::vector<std::uint64_t>& mine) override;
  int lowest_failing_rank(bool failed) override;
  bool all_equal(std::uint64_t value) override;
  std::uint64_t coordination_messages() const noexcept override { return coordination_messages_; }

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
  int fanout_;
  std::uint64_t coordination_messages_ = 0;
};

/// True when this process was started by an MPI launcher (mpirun/mpiexec),
/// so MPI must be initialised; a plain `kairos run` stays MPI-free.
bool launched_by_mpi() noexcept;

}  // namespace kairos
