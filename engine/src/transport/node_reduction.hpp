#pragma once

#include <mpi.h>

#include <cstddef>
#include <cstdint>

namespace kairos {

/// An all-reduce of a short array of 64-bit words through the memory the
/// ranks of a node share, for the agreement at the end of every diasca: the
/// engine's hierarchy of time managers, one per node.
///
/// Each rank writes its words into its own cache-line slot of an MPI shared
/// window and stamps it with the round; every rank of the node then reads
/// every slot of the round and combines them itself. On two ranks of one node
/// a round costs about a third of an 8-byte MPI_Allreduce (one cache line
/// moved each way instead of a message through MPI's progress engine). When
/// the ranks span several nodes, rank 0 of each node (its time manager) then
/// reduces the nodes' results with MPI_Allreduce among the node leaders and
/// hands the result to its node through one more slot.
///
/// Like MPI_Allreduce, no rank leaves a round before every rank has entered
/// it: what a rank did before entering (posting its sends) happened before
/// any rank leaves. `combine` must be associative and commutative (the ranks
/// combine in different orders), which makes every rank's result identical.
///
/// Slots alternate with the round's parity: a rank writes round r + 2 only
/// after every rank has written round r + 1, hence after every rank has read
/// round r.
class node_reduction {
 public:
  /// combine(from, into, words): into = into (+) from.
  using combine_fn = void (*)(const std::uint64_t* from, std::uint64_t* into, std::size_t words);

  /// Collective over `comm`. `op` on `element` (`words` 64-bit words)
  /// reduces across nodes as `combine` does within one. `ranks_per_node`,
  /// when positive, cuts each node into groups of that many ranks treated as
  /// separate nodes (tests take the leaders' path on one machine).
  node_reduction(MPI_Comm comm, std::size_t words, combine_fn combine, MPI_Datatype element, MPI_Op op,
                 int ranks_per_node = 0);
  ~node_reduction();
  node_reduction(const node_reduction&) = delete;
  node_reduction& operator=(const node_reduction&) = delete;

  /// Every rank's `mine` combined into `all` (both `words` long; they may
  /// not overlap).
  void all_reduce(const std::uint64_t* mine, std::uint64_t* all);

  /// The ranks this one shares memory with (as cut by `ranks_per_node`).
  MPI_Comm node() const noexcept { return node_; }
  /// How many nodes (or groups standing for nodes) the ranks span.
  int nodes() const noexcept { return nodes_; }

 private:
  /// The slot of `rank` (node_size_ for the nodes' result) for `round`.
  std::uint64_t* slot(int rank, std::uint64_t round) const noexcept;
  void publish(std::uint64_t* slot, const std::uint64_t* words) const noexcept;
  void wait_for(const std::uint64_t* slot) const noexcept;
  bool leader() const noexcept { return node_rank_ == 0; }

  std::size_t words_;
  combine_fn combine_;
  MPI_Datatype element_;
  MPI_Op op_;
  MPI_Comm node_ = MPI_COMM_NULL;     ///< the ranks sharing this node's memory
  MPI_Comm leaders_ = MPI_COMM_NULL;  ///< rank 0 of every node, on those alone, when nodes_ > 1
  MPI_Win window_ = MPI_WIN_NULL;
  std::uint64_t* slots_ = nullptr;  ///< 2 parities x (node_size_ + 1) slots
  std::size_t stride_ = 0;          ///< words per slot: a round stamp, the words, padding to a cache line
  int node_rank_ = 0;
  int node_size_ = 1;
  int nodes_ = 1;
  std::uint64_t round_ = 0;
};

}  // namespace kairos
