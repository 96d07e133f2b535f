#pragma once

#include <mpi.h>

#include <utility>
#include <vector>

#include "transport/transport.hpp"

namespace kairos {

/// The transport over MPI. Coordination runs up and down a k-ary tree of
/// ranks rooted at rank 0 (rank r's parent is (r-1)/k), so each rank sends
/// and receives O(k) coordination messages per diasca and the depth is
/// O(log_k ranks).
///
/// Message buffers go out as synchronous sends (complete only once the
/// receiver has matched them), and the tree doubles as the termination
/// barrier of the exchange (the NBX idea with the tree in place of
/// MPI_Ibarrier): a rank reports up only when its own sends have completed,
/// so when the root's decision comes back down every buffer of the diasca
/// has been received. Ranks keep receiving while they wait. Nothing is sent
/// for empty buffers, and no rank hears from ranks it does not talk to.
class mpi_transport final : public transport {
 public:
  mpi_transport(MPI_Comm comm, int fanout);

  int rank() const noexcept override { return rank_; }
  int size() const noexcept override { return size_; }
  diasca_outcome end_diasca(std::vector<std::vector<std::byte>>& outgoing, const diasca_report& local) override;
  std::vector<std::vector<std::byte>> gather(const std::vector<std::byte>& mine) override;
  std::vector<std::vector<std::byte>> all_gather(const std::vector<std::byte>& mine) override;
  std::vector<std::uint64_t> sum(const std::vector<std::uint64_t>& mine) override;
  std::vector<std::uint64_t> exclusive_prefix_sum(const std::vector<std::uint64_t>& mine) override;
  std::uint64_t max(std::uint64_t mine) override;
  int lowest_failing_rank(bool failed) override;
  bool all_equal(std::uint64_t value) override;
  std::vector<std::vector<std::byte>> all_to_all(const std::vector<std::vector<std::byte>>& outgoing) override;
  std::vector<std::byte> broadcast(const std::vector<std::byte>& from_root) override;
  std::uint64_t coordination_messages() const noexcept override { return coordination_messages_; }
  std::uint64_t exchange_bytes_sent() const noexcept override { return exchange_bytes_sent_; }

 private:
  /// Receives every exchange buffer that has arrived; true if it got one.
  bool receive_arrived();

  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
  int fanout_;
  std::uint64_t coordination_messages_ = 0;
  std::uint64_t exchange_bytes_sent_ = 0;
  std::uint64_t round_ = 0;  ///< diascas ended so far (its parity picks the exchange tag)
  std::vector<int> children_;  ///< in the time-manager tree
  // Per-diasca scratch, kept to spare allocations on every diasca.
  std::vector<MPI_Request> sends_;
  std::vector<diasca_report> child_reports_;
  std::vector<MPI_Request> report_requests_;
  std::vector<std::pair<int, std::vector<std::byte>>> received_;
};

/// True when this process was started by an MPI launcher (mpirun/mpiexec),
/// so MPI must be initialised; a plain `kairos run` stays MPI-free.
bool launched_by_mpi() noexcept;

}  // namespace kairos
