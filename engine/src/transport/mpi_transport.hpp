#pragma once

#include <mpi.h>

#include <memory>
#include <utility>
#include <vector>

#include "kairos/run/run.hpp"
#include "transport/launch_environment.hpp"
#include "transport/packed_agreement.hpp"
#include "transport/transport.hpp"

namespace kairos {

class node_mailboxes;
class node_reduction;

/// The transport over MPI. At a diasca's end each rank sends its buffers
/// point to point (nothing for empty ones, so no rank hears from ranks it
/// does not talk to), and the ranks agree on what comes next in one of three
/// ways, all of which guarantee that every buffer of the diasca has been
/// received before the next diasca starts:
///
/// - coordination::collective: one MPI_Allreduce of the packed report and
///   the buffers sent to each rank, after which each rank waits for its own;
///   beyond 64 ranks, of the report and a count of buffers still in flight,
///   repeated while some are. The cost of one reduction.
/// - coordination::node (the default): the same element and protocol, reduced
///   through the memory the ranks of each node share, then by one
///   MPI_Allreduce between the nodes' leaders (node_reduction); and buffers
///   for ranks of the same node left in mailboxes in that memory
///   (node_mailboxes) instead of sent by MPI, unless too large for one.
/// - coordination::tree: a k-ary tree rooted at rank 0 (rank r's parent is
///   (r-1)/k). Sends are synchronous, and a rank reports up only when its own
///   have been matched and its children have reported (the NBX idea with the
///   tree as the barrier); the root's decision comes back down. Each rank
///   handles O(k) messages per diasca; two traversals of depth log_k ranks.
class mpi_transport final : public transport {
 public:
  mpi_transport(MPI_Comm comm, coordination mode, int fanout);
  ~mpi_transport() override;
  mpi_transport(const mpi_transport&) = delete;
  mpi_transport& operator=(const mpi_transport&) = delete;

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
  /// Starts the synchronous sends of this diasca's buffers.
  void post_exchange(std::vector<std::vector<std::byte>>& outgoing);
  /// Receives every exchange buffer that has arrived; true if it got one.
  bool receive_arrived();
  /// True once every send of this diasca has been matched by its receiver.
  bool sends_matched();
  /// Between two polls of a wait: spin first, then yield the core.
  static void pause_after(bool got, int& idle_polls);
  diasca_decision agree_collectively(const diasca_report& local);
  diasca_decision agree_by_tree(const diasca_report& local);

  MPI_Comm comm_;
  coordination mode_;
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
  std::vector<int> destinations_;  ///< ranks sent a buffer in this diasca
  packed_agreement agreement_;  ///< where the collective's fields lie at this rank count
  /// The reduction's element (agreement_.words() long), this rank's and all.
  std::vector<std::uint64_t> agreement_mine_, agreement_all_;
  MPI_Datatype agreement_type_ = MPI_DATATYPE_NULL;  ///< one element
  MPI_Op agreement_op_ = MPI_OP_NULL;                ///< packed_agreement::combine
  MPI_Op lowest_op_ = MPI_OP_NULL;                   ///< unsigned minimum, for the exact values
  /// With coordination::node, what reduces the element instead of MPI_Allreduce.
  std::unique_ptr<node_reduction> node_;
  /// With coordination::node, where buffers for ranks of this node go.
  std::unique_ptr<node_mailboxes> mailboxes_;
};

}  // namespace kairos
