#include "transport/node_mailboxes.hpp"

#include <algorithm>
#include <cstring>

#include "transport/mpi_check.hpp"
#include "transport/collective_teardown.hpp"

namespace kairos {

namespace {

constexpr std::size_t cache_line = 64;

/// Mailboxes for a node of `ranks`: a buffer of a small diasca fits with
/// room to spare, and all of them together stay within 16 MiB a node (the
/// window lives in /dev/shm, which containers often keep small; its pages
/// are only taken as buffers reach them). Larger buffers go by MPI, whose
/// cost per byte then dwarfs its cost per message anyway.
std::size_t default_capacity(int ranks) {
  const std::size_t boxes = 2 * static_cast<std::size_t>(ranks) * static_cast<std::size_t>(ranks);
  return std::clamp<std::size_t>((std::size_t{16} << 20) / boxes, 4096, std::size_t{256} << 10);
}

}  // namespace

node_mailboxes::node_mailboxes(MPI_Comm world, MPI_Comm node, std::size_t capacity) {
  MPI_Comm_rank(node, &node_rank_);
  MPI_Comm_size(node, &node_size_);
  capacity_ = (capacity > 0 ? capacity : default_capacity(node_size_)) / cache_line * cache_line;
  stride_ = cache_line + capacity_;

  // Which world rank each node rank is, and the other way round.
  int world_size = 1;
  MPI_Comm_size(world, &world_size);
  MPI_Group world_group = MPI_GROUP_NULL, node_group = MPI_GROUP_NULL;
  MPI_Comm_group(world, &world_group);
  MPI_Comm_group(node, &node_group);
  std::vector<int> node_ranks(static_cast<std::size_t>(node_size_));
  for (int r = 0; r < node_size_; ++r) node_ranks[static_cast<std::size_t>(r)] = r;
  world_rank_of_.resize(node_ranks.size());
  check_mpi(MPI_Group_translate_ranks(node_group, node_size_, node_ranks.data(), world_group, world_rank_of_.data()),
        "MPI_Group_translate_ranks");
  MPI_Group_free(&node_group);
  MPI_Group_free(&world_group);
  node_rank_of_.assign(static_cast<std::size_t>(world_size), -1);
  for (int r = 0; r < node_size_; ++r) node_rank_of_[static_cast<std::size_t>(world_rank_of_[r])] = r;

  // Each rank's segment holds its outgoing mailboxes (so the sender's writes
  // land in memory near it), two per receiver.
  const std::size_t segment = 2 * static_cast<std::size_t>(node_size_) * stride_;
  void* mine = nullptr;
  check_mpi(MPI_Win_allocate_shared(static_cast<MPI_Aint>(segment), 1, MPI_INFO_NULL, node, &mine, &window_),
        "MPI_Win_allocate_shared");
  segments_.resize(static_cast<std::size_t>(node_size_));
  for (int r = 0; r < node_size_; ++r) {
    MPI_Aint size = 0;
    int unit = 0;
    void* base = nullptr;
    check_mpi(MPI_Win_shared_query(window_, r, &size, &unit, &base), "MPI_Win_shared_query");
    segments_[static_cast<std::size_t>(r)] = static_cast<std::byte*>(base);
  }
  // Round 0 is never a real one. Only the headers are touched: the pages of
  // a mailbox are first used when a buffer needs them.
  for (int to = 0; to < node_size_; ++to)
    for (std::uint64_t parity = 0; parity < 2; ++parity)
      std::memset(mailbox(node_rank_, to, parity), 0, sizeof(header));
  check_mpi(MPI_Barrier(node), "MPI_Barrier");
}

node_mailboxes::~node_mailboxes() {
  if (may_free_collectively()) MPI_Win_free(&window_);
}

std::byte* node_mailboxes::mailbox(int from, int to, std::uint64_t round) const noexcept {
  return segments_[static_cast<std::size_t>(from)] + ((round & 1) * static_cast<std::size_t>(node_size_) +
                                                      static_cast<std::size_t>(to)) * stride_;
}

bool node_mailboxes::post(int to, std::span<const std::byte> bytes, std::uint64_t round) {
  const int node_rank = node_rank_of_[static_cast<std::size_t>(to)];
  if (node_rank < 0 || bytes.size() > capacity_) return false;
  std::byte* box = mailbox(node_rank_, node_rank, round);
  std::memcpy(box + cache_line, bytes.data(), bytes.size());
  const header h{round, bytes.size()};
  std::memcpy(box, &h, sizeof h);
  return true;
}

void node_mailboxes::take(std::uint64_t round, std::vector<std::pair<int, std::vector<std::byte>>>& into) const {
  for (int from = 0; from < node_size_; ++from) {
    if (from == node_rank_) continue;
    const std::byte* box = mailbox(from, node_rank_, round);
    header h;
    std::memcpy(&h, box, sizeof h);
    if (h.round != round) continue;  // nothing from that rank this round
    const std::byte* bytes = box + cache_line;
    into.emplace_back(world_rank_of_[static_cast<std::size_t>(from)], std::vector<std::byte>(bytes, bytes + h.size));
  }
}

}  // namespace kairos
