// The node's shared-memory agreement and mailboxes against MPI, round after
// round, with ranks drifting apart: some stall at random (spinning or
// yielding their core) so that others run into the next round's slots and
// mailboxes while they are still reading this round's. Every round, every
// rank checks the reduction against MPI_Allreduce of the same words, and
// every buffer it takes (sender, size and bytes) against what each sender
// was bound to post, which every rank can work out.
//
//   mpiexec -n R kairos_node_exchange_test [RANKS_PER_NODE] [ROUNDS]
//
// RANKS_PER_NODE > 0 cuts the node into groups of that many ranks standing
// for nodes (leaders then reduce by MPI). Exits 0 when every round agreed.
#include <mpi.h>
#include <sched.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <utility>
#include <vector>

#include "kairos/core/hash.hpp"
#include "transport/node_mailboxes.hpp"
#include "transport/node_reduction.hpp"

namespace {

constexpr std::size_t words = 3;
constexpr std::size_t capacity = 256;  // bytes per mailbox: some buffers will not fit

void add_words(const std::uint64_t* from, std::uint64_t* into, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) into[i] += from[i];
}

/// What `sender` posts to `receiver` in `round`: nothing, or this many bytes
/// (some beyond a mailbox).
std::size_t buffer_size(int sender, int receiver, std::uint64_t round) {
  const std::uint64_t h = kairos::mix64(round * 1315423911u + static_cast<std::uint64_t>(sender) * 2654435761u +
                              static_cast<std::uint64_t>(receiver));
  if (h % 3 == 0) return 0;
  return 1 + (h >> 8) % (2 * capacity);
}

std::byte pattern(int sender, std::uint64_t round, std::size_t i) {
  return static_cast<std::byte>(kairos::mix64(round ^ (static_cast<std::uint64_t>(sender) << 40) ^ i) & 0xff);
}

void stall_sometimes(int rank, std::uint64_t round) {
  const std::uint64_t h = kairos::mix64(round * 31 + static_cast<std::uint64_t>(rank));
  if (h % 7 == 0) {
    const double until = MPI_Wtime() + static_cast<double>(h >> 52) * 1e-9;  // up to 4 µs
    while (MPI_Wtime() < until) {
    }
  } else if (h % 11 == 0) {
    sched_yield();
  }
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  const int ranks_per_node = argc > 1 ? std::atoi(argv[1]) : 0;
  const std::uint64_t rounds = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 20000;
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Datatype element;
  MPI_Type_contiguous(static_cast<int>(words), MPI_UINT64_T, &element);
  MPI_Type_commit(&element);
  MPI_Op sum;
  MPI_Op_create(
      [](void* in, void* inout, int* count, MPI_Datatype*) {
        add_words(static_cast<const std::uint64_t*>(in), static_cast<std::uint64_t*>(inout),
                  static_cast<std::size_t>(*count) * words);
      },
      1, &sum);

  long failures = 0;
  {
    kairos::node_reduction reduction(MPI_COMM_WORLD, words, &add_words, element, sum, ranks_per_node);
    kairos::node_mailboxes mailboxes(MPI_COMM_WORLD, reduction.node(), capacity);
    // Which world ranks share this rank's (stood-for) node.
    int node_size = 0;
    MPI_Comm_size(reduction.node(), &node_size);
    std::vector<int> members(static_cast<std::size_t>(node_size));
    MPI_Allgather(&rank, 1, MPI_INT, members.data(), 1, MPI_INT, reduction.node());

    // MPI checks the reductions a batch of rounds at a time, so that it does
    // not line the ranks up between the rounds under test.
    constexpr std::uint64_t batch = 64;
    std::vector<std::uint64_t> mine(batch * words), got(batch * words), expected(batch * words);
    std::vector<std::pair<int, std::vector<std::byte>>> taken;
    // Every rank runs every round, failures or not: the others wait for it.
    for (std::uint64_t round = 1; round <= rounds; ++round) {
      for (int to : members) {
        if (to == rank) continue;
        const std::size_t n = buffer_size(rank, to, round);
        if (n == 0) continue;
        std::vector<std::byte> bytes(n);
        for (std::size_t i = 0; i < n; ++i) bytes[i] = pattern(rank, round, i);
        if (mailboxes.post(to, bytes, round) != (n <= capacity)) {
          std::fprintf(stderr, "rank %d round %llu: post of %zu bytes answered wrongly\n", rank,
                       static_cast<unsigned long long>(round), n);
          ++failures;
        }
      }
      stall_sometimes(rank, round);
      const std::size_t at = (round % batch) * words;
      for (std::size_t i = 0; i < words; ++i) mine[at + i] = kairos::mix64(round * 7 + static_cast<std::uint64_t>(rank) * 13 + i);
      reduction.all_reduce(&mine[at], &got[at]);
      taken.clear();
      mailboxes.take(round, taken);
      stall_sometimes(rank + size, round);

      std::size_t k = 0;
      for (int from : members) {
        if (from == rank) continue;
        const std::size_t n = buffer_size(from, rank, round);
        if (n == 0 || n > capacity) continue;
        bool good = k < taken.size() && taken[k].first == from && taken[k].second.size() == n;
        for (std::size_t i = 0; good && i < n; ++i) good = taken[k].second[i] == pattern(from, round, i);
        if (!good) {
          std::fprintf(stderr, "rank %d round %llu: the buffer from rank %d is missing or wrong\n", rank,
                       static_cast<unsigned long long>(round), from);
          ++failures;
        }
        ++k;
      }
      if (k != taken.size()) {
        std::fprintf(stderr, "rank %d round %llu: %zu buffer(s) taken, %zu posted\n", rank,
                     static_cast<unsigned long long>(round), taken.size(), k);
        ++failures;
      }
      if (round % batch == batch - 1 || round == rounds) {
        MPI_Allreduce(mine.data(), expected.data(), static_cast<int>(batch), element, sum, MPI_COMM_WORLD);
        for (std::uint64_t r = round - round % batch; r <= round; ++r)
          for (std::size_t i = 0; i < words; ++i) {
            const std::size_t j = (r % batch) * words + i;
            if (r > 0 && got[j] != expected[j]) {
              std::fprintf(stderr, "rank %d round %llu: word %zu is %llu, MPI says %llu\n", rank,
                           static_cast<unsigned long long>(r), i, static_cast<unsigned long long>(got[j]),
                           static_cast<unsigned long long>(expected[j]));
              ++failures;
            }
          }
      }
    }
    long all_failures = 0;
    MPI_Allreduce(&failures, &all_failures, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    failures = all_failures;
    if (rank == 0)
      std::printf("%llu rounds on %d ranks (%d per node group): %ld failure(s)\n",
                  static_cast<unsigned long long>(rounds), size, node_size, failures);
  }
  MPI_Op_free(&sum);
  MPI_Type_free(&element);
  MPI_Finalize();
  return failures == 0 ? 0 : 1;
}
