#include "transport/mpi_transport.hpp"

#include <sched.h>

#include <algorithm>
#include <climits>
#include <cstdlib>

#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos {

namespace {
constexpr int tag_exchange = 101;
constexpr int tag_report = 102;
constexpr int tag_decision = 103;

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw runtime_error(fmt::format("MPI failure in {}", what));
}
}  // namespace

bool launched_by_mpi() noexcept {
  return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE") || std::getenv("PMIX_RANK");
}

mpi_transport::mpi_transport(MPI_Comm comm, int fanout) : comm_(comm), fanout_(std::max(2, fanout)) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

std::vector<std::vector<std::byte>> mpi_transport::exchange(std::vector<std::vector<std::byte>>& outgoing) {
  std::vector<MPI_Request> sends;
  for (int r = 0; r < size_; ++r) {
    if (r == rank_ || outgoing[r].empty()) continue;
    if (outgoing[r].size() > static_cast<std::size_t>(INT_MAX))
      throw runtime_error(fmt::format("rank {}: more than 2 GiB of messages for rank {} in one diasca", rank_, r));
    sends.emplace_back();
    check(MPI_Issend(outgoing[r].data(), static_cast<int>(outgoing[r].size()), MPI_BYTE, r, tag_exchange, comm_,
                     &sends.back()),
          "MPI_Issend");
  }
  std::vector<std::pair<int, std::vector<std::byte>>> received;
  bool barrier_started = false;
  MPI_Request barrier = MPI_REQUEST_NULL;
  for (;;) {
    int arrived = 0;
    MPI_Status status;
    check(MPI_Iprobe(MPI_ANY_SOURCE, tag_exchange, comm_, &arrived, &status), "MPI_Iprobe");
    if (arrived) {
      int count = 0;
      MPI_Get_count(&status, MPI_BYTE, &count);
      std::vector<std::byte> buffer(static_cast<std::size_t>(count));
      check(MPI_Recv(buffer.data(), count, MPI_BYTE, status.MPI_SOURCE, tag_exchange, comm_, MPI_STATUS_IGNORE),
            "MPI_Recv");
      received.emplace_back(status.MPI_SOURCE, std::move(buffer));
      continue;
    }
    int done = 0;
    if (!barrier_started) {
      check(MPI_Testall(static_cast<int>(sends.size()), sends.data(), &done, MPI_STATUSES_IGNORE), "MPI_Testall");
      if (done) {
        check(MPI_Ibarrier(comm_, &barrier), "MPI_Ibarrier");
        barrier_started = true;
      }
    } else {
      check(MPI_Test(&barrier, &done, MPI_STATUS_IGNORE), "MPI_Test");
      if (done) break;
    }
    sched_yield();  // ranks may share cores (oversubscribed runs)
  }
  for (auto& out : outgoing) out.clear();
  std::sort(received.begin(), received.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::vector<std::byte>> in;
  in.reserve(received.size());
  for (auto& [source, buffer] : received) in.push_back(std::move(buffer));
  return in;
}

diasca_decision mpi_transport::coordinate(const diasca_report& local) {
  diasca_report combined = local;
  for (int k = 1; k <= fanout_; ++k) {
    const long child = static_cast<long>(rank_) * fanout_ + k;
    if (child >= size_) break;
    diasca_report r;
    check(MPI_Recv(&r, sizeof r, MPI_BYTE, static_cast<int>(child), tag_report, comm_, MPI_STATUS_IGNORE), "MPI_Recv");
    combined.combine(r);
    ++coordination_messages_;
  }
  diasca_decision decision;
  if (rank_ == 0) {
    decision = decide(combined);
  } else {
    const int parent = (rank_ - 1) / fanout_;
    check(MPI_Send(&combined, sizeof combined, MPI_BYTE, parent, tag_report, comm_), "MPI_Send");
    check(MPI_Recv(&decision, sizeof decision, MPI_BYTE, parent, tag_decision, comm_, MPI_STATUS_IGNORE), "MPI_Recv");
    coordination_messages_ += 2;
  }
  for (int k = 1; k <= fanout_; ++k) {
    const long child = static_cast<long>(rank_) * fanout_ + k;
    if (child >= size_) break;
    check(MPI_Send(&decision, sizeof decision, MPI_BYTE, static_cast<int>(child), tag_decision, comm_), "MPI_Send");
    ++coordination_messages_;
  }
  return decision;
}

std::vector<std::vector<std::byte>> mpi_transport::gather(const std::vector<std::byte>& mine) {
  const auto my_size = static_cast<std::uint64_t>(mine.size());
  std::vector<std::uint64_t> sizes(rank_ == 0 ? size_ : 0);
  check(MPI_Gather(&my_size, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, 0, comm_), "MPI_Gather");
  std::vector<int> counts, displacements;
  std::vector<std::byte> all;
  if (rank_ == 0) {
    std::uint64_t total = 0;
    for (std::uint64_t s : sizes) {
      counts.push_back(static_cast<int>(s));
      displacements.push_back(static_cast<int>(total));
      total += s;
    }
    if (total > static_cast<std::uint64_t>(INT_MAX)) throw runtime_error("results to gather exceed 2 GiB");
    all.resize(total);
  }
  check(MPI_Gatherv(mine.data(), static_cast<int>(mine.size()), MPI_BYTE, all.data(), counts.data(),
                    displacements.data(), MPI_BYTE, 0, comm_),
        "MPI_Gatherv");
  std::vector<std::vector<std::byte>> out;
  for (int r = 0; r < static_cast<int>(counts.size()); ++r)
    out.emplace_back(all.begin() + displacements[r], all.begin() + displacements[r] + counts[r]);
  return out;
}

std::vector<std::uint64_t> mpi_transport::sum(const std::vector<std::uint64_t>& mine) {
  std::vector<std::uint64_t> out(mine.size());
  check(MPI_Allreduce(mine.data(), out.data(), static_cast<int>(mine.size()), MPI_UINT64_T, MPI_SUM, comm_),
        "MPI_Allreduce");
  return out;
}

int mpi_transport::lowest_failing_rank(bool failed) {
  const int mine = failed ? rank_ : INT_MAX;
  int lowest = INT_MAX;
  check(MPI_Allreduce(&mine, &lowest, 1, MPI_INT, MPI_MIN, comm_), "MPI_Allreduce");
  return lowest == INT_MAX ? -1 : lowest;
}

bool mpi_transport::all_equal(std::uint64_t value) {
  std::uint64_t low = 0, high = 0;
  check(MPI_Allreduce(&value, &low, 1, MPI_UINT64_T, MPI_MIN, comm_), "MPI_Allreduce");
  check(MPI_Allreduce(&value, &high, 1, MPI_UINT64_T, MPI_MAX, comm_), "MPI_Allreduce");
  return low == high;
}

}  // namespace kairos
