#include "transport/mpi_transport.hpp"

#include <sched.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "kairos/core/error.hpp"
#include "transport/mpi_check.hpp"
#include "transport/node_mailboxes.hpp"
#include "transport/node_reduction.hpp"
#include "transport/packed_agreement_op.hpp"

namespace kairos {

namespace {
// Exchange tags alternate with the diasca's parity: a rank that already has
// the decision may start the next diasca and send to a rank still waiting for
// it, and that buffer must not be taken as one of this diasca. A rank can be
// at most one diasca ahead (it needs everyone's report to go further).
constexpr int tag_exchange = 100;
constexpr int tag_report = 102;
constexpr int tag_decision = 103;

int world_size(MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  return size;
}
}  // namespace

namespace {
// Up to this many ranks the agreement also carries, per rank, the number of
// buffers sent to it: a few bits per rank cost the reduction little, and each
// rank then knows what to wait for, so no diasca needs a second reduction.
// Beyond it a rank re-reduces while buffers are in flight.
constexpr long counted_ranks_limit = 64;

/// MPI's reduction function for the exact values: the unsigned minimum of
/// each word. MPI_MIN on MPI_UINT64_T will not do: Debian 12's MPICH
/// compares such words as signed, so no failure (all ones) came out below
/// rank 0's failure.
void lowest_words(void* in, void* inout, int* count, MPI_Datatype*) {
  const auto* from = static_cast<const std::uint64_t*>(in);
  auto* into = static_cast<std::uint64_t*>(inout);
  for (int i = 0; i < *count; ++i) into[i] = std::min(into[i], from[i]);
}

/// KAIROS_COUNTED_RANKS=N moves the counted-ranks limit,
/// KAIROS_AGREEMENT_TICK_RANGE=N the tick field's range, and
/// KAIROS_AGREEMENT_RANKS_PER_NODE=N cuts nodes into groups of N ranks that
/// agree as separate nodes, and KAIROS_MAILBOX_BYTES=N sets the size of a
/// mailbox between ranks of a node (below 64: none, every buffer goes by
/// MPI): tests take the other paths on few ranks, short runs and one
/// machine.
long environment_number(const char* name, long otherwise) {
  const char* text = std::getenv(name);
  return text ? std::strtol(text, nullptr, 10) : otherwise;
}

packed_agreement agreement_layout(int ranks) {
  const bool counted = ranks <= environment_number("KAIROS_COUNTED_RANKS", counted_ranks_limit);
  const long range = environment_number("KAIROS_AGREEMENT_TICK_RANGE", 0);
  return range > 0 ? packed_agreement(ranks, counted, static_cast<std::uint64_t>(range))
                   : packed_agreement(ranks, counted);
}
}  // namespace

mpi_transport::mpi_transport(MPI_Comm comm, coordination mode, int fanout)
    : comm_(comm), mode_(mode), size_(world_size(comm)), fanout_(std::max(2, fanout)),
      agreement_(agreement_layout(size_)) {
  const std::size_t length = agreement_.words();
  agreement_mine_.resize(length);
  agreement_all_.resize(length);
  check_mpi(MPI_Type_contiguous(static_cast<int>(length), MPI_UINT64_T, &agreement_type_), "MPI_Type_contiguous");
  check_mpi(MPI_Type_commit(&agreement_type_), "MPI_Type_commit");
  check_mpi(MPI_Op_create(&combine_packed_agreements, 1, &agreement_op_), "MPI_Op_create");
  check_mpi(MPI_Op_create(&lowest_words, 1, &lowest_op_), "MPI_Op_create");
  MPI_Comm_rank(comm_, &rank_);
  if (mode_ == coordination::node) {
    try {
      node_ = std::make_unique<node_reduction>(
          comm_, length, &packed_agreement::combine, agreement_type_, agreement_op_,
          static_cast<int>(environment_number("KAIROS_AGREEMENT_RANKS_PER_NODE", 0)));
      mailboxes_ = std::make_unique<node_mailboxes>(
          comm_, node_->node(), static_cast<std::size_t>(std::max(0L, environment_number("KAIROS_MAILBOX_BYTES", 0))));
    } catch (const runtime_error& e) {
      throw runtime_error(fmt::format("{}, setting up the agreement and exchange through each node's shared memory "
                                      "(--coordination collective does without them)",
                                      e.what()));
    }
  }
  for (int k = 1; k <= fanout_; ++k) {
    const long child = static_cast<long>(rank_) * fanout_ + k;
    if (child < size_) children_.push_back(static_cast<int>(child));
  }
  child_reports_.resize(children_.size());
  report_requests_.resize(children_.size());
}

mpi_transport::~mpi_transport() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized) return;
  MPI_Op_free(&agreement_op_);
  MPI_Op_free(&lowest_op_);
  MPI_Type_free(&agreement_type_);
}

bool mpi_transport::receive_arrived() {
  const int tag = tag_exchange + static_cast<int>(round_ & 1);
  bool got = false;
  for (;;) {
    int arrived = 0;
    MPI_Status status;
    check_mpi(MPI_Iprobe(MPI_ANY_SOURCE, tag, comm_, &arrived, &status), "MPI_Iprobe");
    if (!arrived) return got;
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    std::vector<std::byte> buffer(static_cast<std::size_t>(count));
    check_mpi(MPI_Recv(buffer.data(), count, MPI_BYTE, status.MPI_SOURCE, tag, comm_, MPI_STATUS_IGNORE), "MPI_Recv");
    received_.emplace_back(status.MPI_SOURCE, std::move(buffer));
    got = true;
  }
}

void mpi_transport::post_exchange(std::vector<std::vector<std::byte>>& outgoing) {
  const int tag = tag_exchange + static_cast<int>(round_ & 1);
  sends_.clear();
  destinations_.clear();
  for (int r = 0; r < size_; ++r) {
    if (r == rank_ || outgoing[r].empty()) continue;
    exchange_bytes_sent_ += outgoing[r].size();
    // Into shared memory for a rank of this node, where it fits: the
    // agreement then proves it there (its count stays out of the agreement).
    if (mailboxes_ && mailboxes_->post(r, outgoing[r], round_ + 1)) continue;
    if (outgoing[r].size() > static_cast<std::size_t>(INT_MAX))
      throw runtime_error(fmt::format("rank {}: more than 2 GiB of messages for rank {} in one diasca", rank_, r));
    destinations_.push_back(r);
    sends_.emplace_back();
    const int bytes = static_cast<int>(outgoing[r].size());
    // The tree needs synchronous sends (their completion is its termination
    // proof); the collective counts buffers instead, so a send may complete
    // as soon as MPI has copied it.
    if (mode_ == coordination::tree)
      check_mpi(MPI_Issend(outgoing[r].data(), bytes, MPI_BYTE, r, tag, comm_, &sends_.back()), "MPI_Issend");
    else
      check_mpi(MPI_Isend(outgoing[r].data(), bytes, MPI_BYTE, r, tag, comm_, &sends_.back()), "MPI_Isend");
  }
  received_.clear();
}

bool mpi_transport::sends_matched() {
  int done = 0;
  check_mpi(MPI_Testall(static_cast<int>(sends_.size()), sends_.data(), &done, MPI_STATUSES_IGNORE), "MPI_Testall");
  return done != 0;
}

void mpi_transport::pause_after(bool got, int& idle_polls) {
  // Spin a little (an answer is usually microseconds away), then yield:
  // oversubscribed ranks share cores with the rank we are waiting for.
  idle_polls = got ? 0 : idle_polls + 1;
  if (idle_polls > 64) sched_yield();
}

diasca_decision mpi_transport::agree_collectively(const diasca_report& local) {
  // One reduction (MPI_Allreduce, or node_reduction: the same element and
  // guarantees) carries the report, the number of buffers sent to each
  // rank (up to counted_ranks_limit ranks), and the count of buffers still in
  // flight (sent minus received, over all ranks). Every rank posted its sends
  // before entering the reduction and none can leave it before all have
  // entered, so afterwards each rank knows how many buffers of this diasca
  // it receives, and no rank has sent one of the next diasca yet.
  //
  // With the per-rank counts a rank then waits for its own buffers alone.
  // Without them (more ranks) a zero in-flight count proves that every buffer
  // has been received; otherwise the ranks take what has arrived and reduce
  // again.
  for (;;) {
    // With per-rank counts, receiving waits until after the reduction.
    if (!agreement_.counted()) receive_arrived();
    agreement_.pack(local, destinations_, sends_.size() - received_.size(), agreement_mine_);
    if (node_)
      node_->all_reduce(agreement_mine_.data(), agreement_all_.data());
    else
      check_mpi(MPI_Allreduce(agreement_mine_.data(), agreement_all_.data(), 1, agreement_type_, agreement_op_, comm_),
            "MPI_Allreduce");
    ++coordination_messages_;  // one collective
    if (agreement_.counted()) {
      const std::uint64_t expected = agreement_.buffers_for(rank_, agreement_all_);
      int idle_polls = 0;
      while (received_.size() < expected) pause_after(receive_arrived(), idle_polls);
      break;
    }
    if (packed_agreement::in_flight(agreement_all_) == 0) break;
    sched_yield();  // give a time-shared core to the rank whose buffer is still travelling
  }
  diasca_report combined = agreement_.read(agreement_all_, local.base_tick);
  if (agreement_.exact_values_needed(agreement_all_)) {
    // A failure, or a next tick the words hold only as "far": rare enough
    // for a second reduction.
    const std::array<std::uint64_t, 2> mine = packed_agreement::exact_values(local);
    std::array<std::uint64_t, 2> lowest{};
    check_mpi(MPI_Allreduce(mine.data(), lowest.data(), 2, MPI_UINT64_T, lowest_op_, comm_), "MPI_Allreduce");
    ++coordination_messages_;
    packed_agreement::apply_exact_values(combined, lowest);
  }
  // Every buffer has been received, so every send can complete.
  check_mpi(MPI_Waitall(static_cast<int>(sends_.size()), sends_.data(), MPI_STATUSES_IGNORE), "MPI_Waitall");
  return decide(combined);
}

diasca_decision mpi_transport::agree_by_tree(const diasca_report& local) {
  // Reports from the children, and (but at the root) the decision from the
  // parent, are awaited with non-blocking receives while buffers keep coming.
  // The tree doubles as the exchange's termination barrier: a rank reports
  // up only when its own sends have been matched.
  for (std::size_t i = 0; i < children_.size(); ++i)
    check_mpi(MPI_Irecv(&child_reports_[i], sizeof(diasca_report), MPI_BYTE, children_[i], tag_report, comm_,
                    &report_requests_[i]),
          "MPI_Irecv");

  int idle_polls = 0;
  bool reported = false;
  diasca_decision decision;
  MPI_Request decision_request = MPI_REQUEST_NULL;
  for (;;) {
    const bool got = receive_arrived();
    if (!reported) {
      int reports_done = 0;
      check_mpi(MPI_Testall(static_cast<int>(report_requests_.size()), report_requests_.data(), &reports_done,
                        MPI_STATUSES_IGNORE),
            "MPI_Testall");
      if (reports_done && sends_matched()) {
        // Our sends and our whole subtree's are matched: report up.
        diasca_report combined = local;
        for (const diasca_report& r : child_reports_) combined.combine(r);
        coordination_messages_ += children_.size();
        reported = true;
        if (rank_ == 0) {
          decision = decide(combined);
          break;
        }
        const int parent = (rank_ - 1) / fanout_;
        check_mpi(MPI_Send(&combined, sizeof combined, MPI_BYTE, parent, tag_report, comm_), "MPI_Send");
        check_mpi(MPI_Irecv(&decision, sizeof decision, MPI_BYTE, parent, tag_decision, comm_, &decision_request),
              "MPI_Irecv");
        coordination_messages_ += 2;
      }
    } else {
      int done = 0;
      check_mpi(MPI_Test(&decision_request, &done, MPI_STATUS_IGNORE), "MPI_Test");
      if (done) break;
    }
    pause_after(got, idle_polls);
  }
  for (int child : children_) {
    check_mpi(MPI_Send(&decision, sizeof decision, MPI_BYTE, child, tag_decision, comm_), "MPI_Send");
    ++coordination_messages_;
  }
  return decision;
}

transport::diasca_outcome mpi_transport::end_diasca(std::vector<std::vector<std::byte>>& outgoing,
                                                   const diasca_report& local) {
  post_exchange(outgoing);
  const diasca_decision decision = mode_ == coordination::tree ? agree_by_tree(local) : agree_collectively(local);
  // The decision proves every send to us was matched; take any still queued.
  if (mode_ == coordination::tree) receive_arrived();
  // Buffers left in this node's shared memory were there before their
  // senders entered the agreement: all are readable now.
  if (mailboxes_) mailboxes_->take(round_ + 1, received_);

  for (auto& out : outgoing) out.clear();
  ++round_;
  std::sort(received_.begin(), received_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  diasca_outcome outcome{decision, {}};
  outcome.received.reserve(received_.size());
  for (auto& [source, buffer] : received_) outcome.received.push_back(std::move(buffer));
  return outcome;
}

namespace {

/// Where each rank's bytes sit in one buffer holding all of them, as the
/// MPI_*gatherv calls want it (int counts: at most 2 GiB in all).
struct byte_layout {
  std::vector<int> counts, displacements;
  std::uint64_t total = 0;

  byte_layout(const std::vector<std::uint64_t>& sizes, std::string_view what) {
    for (std::uint64_t s : sizes) {
      counts.push_back(static_cast<int>(s));
      displacements.push_back(static_cast<int>(total));
      total += s;
      if (total > static_cast<std::uint64_t>(INT_MAX)) throw runtime_error(fmt::format("{} exceed 2 GiB", what));
    }
  }
  /// The buffer cut back into each rank's bytes.
  std::vector<std::vector<std::byte>> split(const std::vector<std::byte>& all) const {
    std::vector<std::vector<std::byte>> out;
    for (std::size_t r = 0; r < counts.size(); ++r)
      out.emplace_back(all.begin() + displacements[r], all.begin() + displacements[r] + counts[r]);
    return out;
  }
};

}  // namespace

std::vector<std::vector<std::byte>> mpi_transport::gather(const std::vector<std::byte>& mine) {
  const auto my_size = static_cast<std::uint64_t>(mine.size());
  std::vector<std::uint64_t> sizes(rank_ == 0 ? size_ : 0);
  check_mpi(MPI_Gather(&my_size, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, 0, comm_), "MPI_Gather");
  const byte_layout layout(sizes, "results to gather");  // empty off rank 0
  std::vector<std::byte> all(layout.total);
  check_mpi(MPI_Gatherv(mine.data(), static_cast<int>(mine.size()), MPI_BYTE, all.data(), layout.counts.data(),
                    layout.displacements.data(), MPI_BYTE, 0, comm_),
        "MPI_Gatherv");
  return layout.split(all);
}

std::vector<std::vector<std::byte>> mpi_transport::all_gather(const std::vector<std::byte>& mine) {
  const auto my_size = static_cast<std::uint64_t>(mine.size());
  std::vector<std::uint64_t> sizes(static_cast<std::size_t>(size_));
  check_mpi(MPI_Allgather(&my_size, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, comm_), "MPI_Allgather");
  const byte_layout layout(sizes, "data to share between ranks");
  std::vector<std::byte> all(layout.total);
  check_mpi(MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_BYTE, all.data(), layout.counts.data(),
                       layout.displacements.data(), MPI_BYTE, comm_),
        "MPI_Allgatherv");
  return layout.split(all);
}

std::vector<std::uint64_t> mpi_transport::exclusive_prefix_sum(const std::vector<std::uint64_t>& mine) {
  std::vector<std::uint64_t> out(mine.size(), 0);
  check_mpi(MPI_Exscan(mine.data(), out.data(), static_cast<int>(mine.size()), MPI_UINT64_T, MPI_SUM, comm_),
        "MPI_Exscan");
  if (rank_ == 0) std::fill(out.begin(), out.end(), 0);  // MPI leaves rank 0's result undefined
  return out;
}

std::vector<std::uint64_t> mpi_transport::sum(const std::vector<std::uint64_t>& mine) {
  std::vector<std::uint64_t> out(mine.size());
  check_mpi(MPI_Allreduce(mine.data(), out.data(), static_cast<int>(mine.size()), MPI_UINT64_T, MPI_SUM, comm_),
        "MPI_Allreduce");
  return out;
}

std::uint64_t mpi_transport::max(std::uint64_t mine) {
  std::uint64_t highest = 0;
  check_mpi(MPI_Allreduce(&mine, &highest, 1, MPI_UINT64_T, MPI_MAX, comm_), "MPI_Allreduce");
  return highest;
}

int mpi_transport::lowest_failing_rank(bool failed) {
  const int mine = failed ? rank_ : INT_MAX;
  int lowest = INT_MAX;
  check_mpi(MPI_Allreduce(&mine, &lowest, 1, MPI_INT, MPI_MIN, comm_), "MPI_Allreduce");
  return lowest == INT_MAX ? -1 : lowest;
}

bool mpi_transport::all_equal(std::uint64_t value) {
  std::uint64_t low = 0;
  check_mpi(MPI_Allreduce(&value, &low, 1, MPI_UINT64_T, MPI_MIN, comm_), "MPI_Allreduce");
  return low == max(value);
}

namespace {
// MPI counts are ints: bulk transfers go in pieces of at most this many bytes.
constexpr std::size_t bulk_piece = std::size_t{1} << 30;
constexpr int tag_bulk = 40;
}  // namespace

std::vector<std::vector<std::byte>> mpi_transport::all_to_all(const std::vector<std::vector<std::byte>>& outgoing) {
  std::vector<std::uint64_t> send_sizes(static_cast<std::size_t>(size_)), receive_sizes(send_sizes.size());
  for (std::size_t r = 0; r < send_sizes.size(); ++r) send_sizes[r] = outgoing[r].size();
  check_mpi(MPI_Alltoall(send_sizes.data(), 1, MPI_UINT64_T, receive_sizes.data(), 1, MPI_UINT64_T, comm_),
        "MPI_Alltoall");
  std::vector<std::vector<std::byte>> received(receive_sizes.size());
  std::vector<MPI_Request> requests;
  for (std::size_t r = 0; r < received.size(); ++r) {
    received[r].resize(receive_sizes[r]);
    for (std::size_t at = 0; at < receive_sizes[r]; at += bulk_piece) {
      requests.emplace_back();
      const int n = static_cast<int>(std::min(bulk_piece, receive_sizes[r] - at));
      check_mpi(MPI_Irecv(received[r].data() + at, n, MPI_BYTE, static_cast<int>(r), tag_bulk, comm_, &requests.back()),
            "MPI_Irecv");
    }
  }
  for (std::size_t r = 0; r < outgoing.size(); ++r)
    for (std::size_t at = 0; at < outgoing[r].size(); at += bulk_piece) {
      requests.emplace_back();
      const int n = static_cast<int>(std::min(bulk_piece, outgoing[r].size() - at));
      check_mpi(MPI_Isend(outgoing[r].data() + at, n, MPI_BYTE, static_cast<int>(r), tag_bulk, comm_, &requests.back()),
            "MPI_Isend");
    }
  // Pieces between one pair of ranks keep their order (MPI's non-overtaking rule).
  check_mpi(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE), "MPI_Waitall");
  return received;
}

std::vector<std::byte> mpi_transport::broadcast(const std::vector<std::byte>& from_root) {
  std::uint64_t size = from_root.size();
  check_mpi(MPI_Bcast(&size, 1, MPI_UINT64_T, 0, comm_), "MPI_Bcast");
  std::vector<std::byte> out = rank_ == 0 ? from_root : std::vector<std::byte>(size);
  for (std::size_t at = 0; at < size; at += bulk_piece)
    check_mpi(MPI_Bcast(out.data() + at, static_cast<int>(std::min(bulk_piece, size - at)), MPI_BYTE, 0, comm_),
          "MPI_Bcast");
  return out;
}

std::unique_ptr<transport> make_world_transport(coordination agreement, int fanout) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  int size = 1;
  if (initialised) MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size > 1) return std::make_unique<mpi_transport>(MPI_COMM_WORLD, agreement, fanout);
  return std::make_unique<single_rank_transport>();
}

}  // namespace kairos
