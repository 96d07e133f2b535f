#include "cli/supervisor_link.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos::cli {
namespace {

constexpr int connect_timeout_ms = 5000;

/// "HOST:PORT" or "[IPV6]:PORT" -> (host, port).
std::pair<std::string, std::string> split_address(const std::string& address) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size())
    throw error(exit_code::usage_error, "--supervisor: '" + address + "' is not HOST:PORT");
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return {host, address.substr(colon + 1)};
}

/// A connected TCP socket, or -1 with `why` set. The connection is made
/// non-blocking so that an address that drops packets costs seconds, not
/// the kernel's minutes of retries.
int connect_to(const std::string& host, const std::string& port, std::string& why) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    why = gai_strerror(rc);
    return -1;
  }
  int connected = -1;
  for (addrinfo* a = found; a && connected < 0; a = a->ai_next) {
    const int s = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (s < 0) continue;
    int rc = connect(s, a->ai_addr, a->ai_addrlen);
    if (rc < 0 && errno == EINPROGRESS) {
      pollfd p{s, POLLOUT, 0};
      int error_code = ETIMEDOUT;
      socklen_t size = sizeof error_code;
      if (poll(&p, 1, connect_timeout_ms) == 1) getsockopt(s, SOL_SOCKET, SO_ERROR, &error_code, &size);
      errno = error_code;
      rc = error_code == 0 ? 0 : -1;
    }
    if (rc == 0) {
      connected = s;
    } else {
      why = std::strerror(errno);
      close(s);
    }
  }
  freeaddrinfo(found);
  if (connected >= 0) {
    // Blocking sends from here on, but never for more than a second: a
    // supervisor that stops reading must not stall the simulation.
    fcntl(connected, F_SETFL, fcntl(connected, F_GETFL) & ~O_NONBLOCK);
    timeval limit{1, 0};
    setsockopt(connected, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    const int on = 1;
    setsockopt(connected, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  }
  return connected;
}

}  // namespace

supervisor_link::supervisor_link(const std::string& address, double beat_seconds, int rank, const std::string& host)
    : beat_seconds_(beat_seconds) {
  const auto [name, port] = split_address(address);
  std::string why;
  socket_ = connect_to(name, port, why);
  if (socket_ < 0) {
    std::fprintf(stderr,
                 "kairos: warning: rank %d cannot reach its supervisor at %s (%s); it runs watched by its launcher "
                 "alone\n",
                 rank, address.c_str(), why.c_str());
    return;
  }
  wake_ = eventfd(0, EFD_CLOEXEC);
  // The launch's token, from the environment (a command line is visible to
  // every user of the node): the supervisor hears only its own ranks.
  std::string hello = fmt::format("hello {} {} {}", rank, getpid(), host);
  if (const char* token = std::getenv("KAIROS_SUPERVISOR_TOKEN")) hello += fmt::format(" {}", token);
  if (wake_ < 0 || !send_line(hello)) {
    std::fprintf(stderr, "kairos: warning: rank %d lost its supervisor at %s at once; it runs watched by its "
                         "launcher alone\n", rank, address.c_str());
    if (wake_ >= 0) close(wake_);
    close(socket_);
    socket_ = wake_ = -1;
    return;
  }
  beater_ = std::thread([this] { beat_until_ended(); });
}

supervisor_link::~supervisor_link() {
  if (!connected()) return;
  ended_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t woken = write(wake_, &one, sizeof one);
  if (beater_.joinable()) beater_.join();
  close(wake_);
  close(socket_);
}

void supervisor_link::end(int status) noexcept {
  if (!connected() || ended_.exchange(true)) return;
  send_line(fmt::format("end {}", status));
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t woken = write(wake_, &one, sizeof one);
}

bool supervisor_link::send_line(const std::string& line) noexcept {
  const std::string framed = line + "\n";
  const std::lock_guard<std::mutex> one_at_a_time(sending_);
  std::size_t sent = 0;
  while (sent < framed.size()) {
    const ssize_t n = send(socket_, framed.data() + sent, framed.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

void supervisor_link::beat_until_ended() {
  const int interval_ms = static_cast<int>(beat_seconds_ * 1000);
  pollfd watched[2] = {{socket_, POLLIN, 0}, {wake_, POLLIN, 0}};
  while (!ended_) {
    const int ready = poll(watched, 2, interval_ms);
    if (ended_ || (ready > 0 && watched[1].revents)) return;
    if (ready == 0) {
      if (!send_line("beat")) return;  // the supervisor is gone; the run goes on without it
      continue;
    }
    if (ready < 0) {
      if (errno == EINTR) continue;
      return;
    }
    char buffer[512];
    const ssize_t n = recv(socket_, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    received_.append(buffer, static_cast<std::size_t>(n));
    for (std::size_t eol; (eol = received_.find('\n')) != std::string::npos;) {
      obey(received_.substr(0, eol));
      received_.erase(0, eol + 1);
    }
  }
}

void supervisor_link::obey(const std::string& line) {
  if (line.rfind("stop ", 0) != 0) return;  // a newer supervisor's word this engine does not know
  // The other ranks wait in a collective with the lost one and will never
  // leave it: exit without unwinding, as MPI_Abort would.
  std::fprintf(stderr, "kairos: ending: %s\n", line.c_str() + 5);
  std::fflush(stderr);
  _exit(ended_by_supervisor);
}

}  // namespace kairos::cli
