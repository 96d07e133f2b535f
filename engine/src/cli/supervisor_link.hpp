#pragma once

// A rank's line to the supervisor that started it (kairos-launch passes
// `--supervisor HOST:PORT`). A dead peer blocks the ranks left in their next
// collective, and the launcher may take a long time to notice: srun waits
// for Slurm to declare a silent node down (SlurmdTimeout, 300 s by default),
// mpirun across hosts for its daemons' timeouts. The supervisor hears of a
// loss at once instead, without MPI: a rank's process that dies closes its
// connection (the kernel does it), and a node that dies or freezes stops its
// rank's beats.
//
// The protocol is one line per message, over TCP:
//   rank -> supervisor: "hello RANK PID HOST TOKEN" (TOKEN from the
//                       environment variable KAIROS_SUPERVISOR_TOKEN, which
//                       the supervisor sets for its launch; left out when
//                       unset, and the supervisor then ignores the rank),
//                       then "beat" every beat interval, then "end STATUS"
//                       when the rank ends on its own (STATUS is kairos's
//                       exit status);
//   supervisor -> rank: "stop REASON" when another rank was lost: the rank,
//                       blocked with its dead peer, prints the reason and
//                       exits with `ended_by_supervisor`.

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

namespace kairos::cli {

/// The exit status of a rank that its supervisor ended because another rank
/// of the run was lost (README, "Exit status").
inline constexpr int ended_by_supervisor = 7;

class supervisor_link {
 public:
  /// Connects to `address` ("HOST:PORT") and says hello. A supervisor that
  /// cannot be reached within a few seconds gets a warning on stderr and no
  /// link (`connected()` false): the run goes on, watched by its launcher
  /// alone. Throws a usage error for an address that is not HOST:PORT.
  supervisor_link(const std::string& address, double beat_seconds, int rank, const std::string& host);
  /// Closes the connection without an end: the supervisor takes it for a
  /// lost rank. Every way out of a rank that is not a crash calls end().
  ~supervisor_link();
  supervisor_link(const supervisor_link&) = delete;
  supervisor_link& operator=(const supervisor_link&) = delete;

  bool connected() const noexcept { return socket_ >= 0; }

  /// Tells the supervisor that this rank ends on its own with `status`, so
  /// that it waits for the launcher's report instead of ending the run.
  void end(int status) noexcept;

 private:
  void beat_until_ended();
  bool send_line(const std::string& line) noexcept;
  void obey(const std::string& line);

  int socket_ = -1;
  int wake_ = -1;  ///< an eventfd: end() wakes the beating thread at once
  double beat_seconds_;
  std::atomic<bool> ended_{false};
  std::mutex sending_;
  std::string received_;
  std::thread beater_;
};

}  // namespace kairos::cli
