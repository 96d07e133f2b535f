#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kairos/run/run.hpp"
#include "transport/coordination.hpp"

namespace kairos {

/// How a rank talks to the others: what the simulation needs, and nothing
/// about MPI. The single-rank transport makes one process a whole run; the
/// MPI one spreads it over ranks.
class transport {
 public:
  virtual ~transport() = default;
  virtual int rank() const noexcept = 0;
  virtual int size() const noexcept = 0;

  /// The end of a diasca, on every rank: sends outgoing[r] to rank r (empty
  /// buffers are not sent), combines every rank's report up the time-manager
  /// tree, and returns the root's decision together with the buffers this
  /// rank received, in source-rank order. When it returns, every buffer sent
  /// to this rank in this diasca has arrived.
  struct diasca_outcome {
    diasca_decision decision;
    std::vector<std::vector<std::byte>> received;
  };
  virtual diasca_outcome end_diasca(std::vector<std::vector<std::byte>>& outgoing, const diasca_report& local) = 0;

  /// Rank 0 receives every rank's bytes, in rank order (others get nothing).
  virtual std::vector<std::vector<std::byte>> gather(const std::vector<std::byte>& mine) = 0;
  /// Every rank's bytes, delivered to every rank, in rank order. For small
  /// data only (at most 2 GiB in all).
  virtual std::vector<std::vector<std::byte>> all_gather(const std::vector<std::byte>& mine) = 0;
  /// Sum over ranks, delivered to every rank (element by element, modulo 2^64).
  virtual std::vector<std::uint64_t> sum(const std::vector<std::uint64_t>& mine) = 0;
  /// Element by element, the sum over the ranks below this one (zeros on rank 0).
  virtual std::vector<std::uint64_t> exclusive_prefix_sum(const std::vector<std::uint64_t>& mine) = 0;
  /// Maximum over ranks, delivered to every rank.
  virtual std::uint64_t max(std::uint64_t mine) = 0;
  /// Lowest rank for which `failed` is true, or -1; every rank learns it.
  virtual int lowest_failing_rank(bool failed) = 0;
  /// True on every rank when all ranks passed the same value.
  virtual bool all_equal(std::uint64_t value) = 0;
  /// Sends outgoing[r] to rank r, for every r (empty buffers included), and
  /// returns what each rank sent this one, by source rank. Collective; for
  /// bulk data outside the diasca loop (checkpoint replicas, restart).
  virtual std::vector<std::vector<std::byte>> all_to_all(const std::vector<std::vector<std::byte>>& outgoing) = 0;
  /// Rank 0's bytes, delivered to every rank.
  virtual std::vector<std::byte> broadcast(const std::vector<std::byte>& from_root) = 0;

  /// Coordination messages this rank sent and received so far (tree only).
  virtual std::uint64_t coordination_messages() const noexcept = 0;
  /// Bytes of actor messages and shipped actors this rank sent so far.
  virtual std::uint64_t exchange_bytes_sent() const noexcept = 0;
};

/// One rank, no communication.
class single_rank_transport final : public transport {
 public:
  int rank() const noexcept override { return 0; }
  int size() const noexcept override { return 1; }
  diasca_outcome end_diasca(std::vector<std::vector<std::byte>>&, const diasca_report& local) override {
    return {decide(local), {}};
  }
  std::vector<std::vector<std::byte>> gather(const std::vector<std::byte>& mine) override { return {mine}; }
  std::vector<std::vector<std::byte>> all_gather(const std::vector<std::byte>& mine) override { return {mine}; }
  std::vector<std::uint64_t> sum(const std::vector<std::uint64_t>& mine) override { return mine; }
  std::vector<std::uint64_t> exclusive_prefix_sum(const std::vector<std::uint64_t>& mine) override {
    return std::vector<std::uint64_t>(mine.size(), 0);
  }
  std::uint64_t max(std::uint64_t mine) override { return mine; }
  int lowest_failing_rank(bool failed) override { return failed ? 0 : -1; }
  bool all_equal(std::uint64_t) override { return true; }
  std::vector<std::vector<std::byte>> all_to_all(const std::vector<std::vector<std::byte>>& outgoing) override {
    return outgoing;
  }
  std::vector<std::byte> broadcast(const std::vector<std::byte>& from_root) override { return from_root; }
  std::uint64_t coordination_messages() const noexcept override { return 0; }
  std::uint64_t exchange_bytes_sent() const noexcept override { return 0; }
};

/// The transport of this process's run: over MPI_COMM_WORLD when MPI is
/// running with several ranks, else one rank. Defined by mpi_transport.cpp,
/// or by single_rank_world.cpp in a build without MPI.
std::unique_ptr<transport> make_world_transport(coordination agreement, int fanout);

}  // namespace kairos
