#include "transport/node_reduction.hpp"

#include <sched.h>

#include <algorithm>
#include <atomic>

#include "exec/cpu_relax.hpp"
#include "transport/mpi_check.hpp"
#include "transport/collective_teardown.hpp"

namespace kairos {

namespace {

constexpr std::size_t cache_line_words = 64 / sizeof(std::uint64_t);

// Polls spent spinning before a waiting rank starts yielding its core: an
// answer is usually well under a microsecond away, but oversubscribed ranks
// share cores with the rank they wait for.
constexpr unsigned spin_polls = 128;

}  // namespace

node_reduction::node_reduction(MPI_Comm comm, std::size_t words, combine_fn combine, MPI_Datatype element, MPI_Op op,
                               int ranks_per_node)
    : words_(words), combine_(combine), element_(element), op_(op) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  check_mpi(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node_), "MPI_Comm_split_type");
  MPI_Comm_rank(node_, &node_rank_);
  if (ranks_per_node > 0) {
    MPI_Comm group = MPI_COMM_NULL;
    check_mpi(MPI_Comm_split(node_, node_rank_ / ranks_per_node, node_rank_, &group), "MPI_Comm_split");
    MPI_Comm_free(&node_);
    node_ = group;
    MPI_Comm_rank(node_, &node_rank_);
  }
  MPI_Comm_size(node_, &node_size_);

  nodes_ = leader() ? 1 : 0;  // the leaders, counted
  check_mpi(MPI_Allreduce(MPI_IN_PLACE, &nodes_, 1, MPI_INT, MPI_SUM, comm), "MPI_Allreduce");
  if (nodes_ > 1) check_mpi(MPI_Comm_split(comm, leader() ? 0 : MPI_UNDEFINED, rank, &leaders_), "MPI_Comm_split");

  // Each slot starts on a cache line of its own, so that a rank's stamp and
  // words travel to the readers in one line and no two writers share one.
  stride_ = (1 + words_ + cache_line_words - 1) / cache_line_words * cache_line_words;
  const std::size_t slot_words = 2 * static_cast<std::size_t>(node_size_ + 1) * stride_;
  const auto bytes = static_cast<MPI_Aint>(leader() ? (slot_words + cache_line_words) * sizeof(std::uint64_t) : 0);
  void* mine = nullptr;
  check_mpi(MPI_Win_allocate_shared(bytes, sizeof(std::uint64_t), MPI_INFO_NULL, node_, &mine, &window_),
        "MPI_Win_allocate_shared");
  MPI_Aint size = 0;
  int unit = 0;
  void* base = nullptr;
  check_mpi(MPI_Win_shared_query(window_, 0, &size, &unit, &base), "MPI_Win_shared_query");
  // The segment lies at the same offset within a page in every process, so
  // every rank aligns it alike.
  auto address = reinterpret_cast<std::uintptr_t>(base);
  address = (address + 63) / 64 * 64;
  slots_ = reinterpret_cast<std::uint64_t*>(address);
  if (leader()) std::fill(slots_, slots_ + slot_words, std::uint64_t{0});  // round 0: never a real one
  check_mpi(MPI_Barrier(node_), "MPI_Barrier");
}

node_reduction::~node_reduction() {
  if (!may_free_collectively()) return;
  MPI_Win_free(&window_);
  if (leaders_ != MPI_COMM_NULL) MPI_Comm_free(&leaders_);
  MPI_Comm_free(&node_);
}

std::uint64_t* node_reduction::slot(int rank, std::uint64_t round) const noexcept {
  return slots_ + ((round & 1) * static_cast<std::size_t>(node_size_ + 1) + static_cast<std::size_t>(rank)) * stride_;
}

void node_reduction::publish(std::uint64_t* at, const std::uint64_t* words) const noexcept {
  std::copy(words, words + words_, at + 1);
  std::atomic_ref(at[0]).store(round_, std::memory_order_release);
}

void node_reduction::wait_for(const std::uint64_t* at) const noexcept {
  // A stamp from two rounds ago, never a later one (see the class comment).
  std::atomic_ref stamp(const_cast<std::uint64_t&>(at[0]));
  for (unsigned polls = 0; stamp.load(std::memory_order_acquire) != round_; ++polls) {
    if (polls < spin_polls) cpu_relax();
    else sched_yield();
  }
}

void node_reduction::all_reduce(const std::uint64_t* mine, std::uint64_t* all) {
  ++round_;
  publish(slot(node_rank_, round_), mine);
  if (leader() || nodes_ == 1) {
    std::copy(mine, mine + words_, all);
    for (int r = 0; r < node_size_; ++r) {
      if (r == node_rank_) continue;
      const std::uint64_t* theirs = slot(r, round_);
      wait_for(theirs);
      combine_(theirs + 1, all, words_);
    }
  }
  if (nodes_ == 1) return;
  std::uint64_t* nodes = slot(node_size_, round_);
  if (leader()) {
    check_mpi(MPI_Allreduce(MPI_IN_PLACE, all, 1, element_, op_, leaders_), "MPI_Allreduce");
    publish(nodes, all);
  } else {
    wait_for(nodes);
    std::copy(nodes + 1, nodes + 1 + words_, all);
  }
}

}  // namespace kairos
