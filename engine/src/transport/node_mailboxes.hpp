#pragma once

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace kairos {

/// The diasca's exchange buffers between ranks of one node, through memory
/// they share instead of MPI messages: one mailbox per (sender, receiver)
/// pair and round parity, in an MPI shared window. A buffer larger than a
/// mailbox, or for a rank of another node, goes by MPI as before.
///
/// No mailbox needs a lock or a flag of its own: the round's agreement
/// (node_reduction) orders everything. A sender fills its mailboxes before it
/// enters the round's agreement; a receiver reads them after it leaves it,
/// and the agreement's release and acquire make the bytes visible. A
/// mailbox of round r is written again at round r + 2 only, after the
/// receiver has entered round r + 1's agreement, hence after it read round
/// r's. Each mailbox holds the round it was filled at, so a receiver tells
/// this round's buffer from an older one without being told who sent.
class node_mailboxes {
 public:
  /// Collective over `node` (the ranks sharing memory; a sub-communicator of
  /// `world`). `capacity`: bytes a mailbox holds; 0 picks a size from the
  /// node's rank count (256 KiB between two ranks; at most 16 MiB per node
  /// in all, from 4 KiB each).
  node_mailboxes(MPI_Comm world, MPI_Comm node, std::size_t capacity = 0);
  ~node_mailboxes();
  node_mailboxes(const node_mailboxes&) = delete;
  node_mailboxes& operator=(const node_mailboxes&) = delete;

  /// Puts `bytes` for world rank `to` in its mailbox for `round` (counted
  /// from 1); false if `to` is on another node or the bytes do not fit.
  bool post(int to, std::span<const std::byte> bytes, std::uint64_t round);
  /// After the agreement of `round`: appends (world rank, bytes) of every
  /// buffer posted to this rank in that round.
  void take(std::uint64_t round, std::vector<std::pair<int, std::vector<std::byte>>>& into) const;

 private:
  struct header {
    std::uint64_t round;
    std::uint64_t size;
  };
  /// The mailbox from node rank `from` to node rank `to` for `round`'s parity.
  std::byte* mailbox(int from, int to, std::uint64_t round) const noexcept;

  MPI_Win window_ = MPI_WIN_NULL;
  std::vector<std::byte*> segments_;   ///< per node rank: its outgoing mailboxes
  std::vector<int> node_rank_of_;      ///< per world rank: its node rank, or -1
  std::vector<int> world_rank_of_;     ///< per node rank
  std::size_t capacity_ = 0;
  std::size_t stride_ = 0;             ///< bytes per mailbox: a header's cache line, then capacity_
  int node_rank_ = 0;
  int node_size_ = 1;
};

}  // namespace kairos
