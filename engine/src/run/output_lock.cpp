#include "run/output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos {

output_lock::output_lock(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw error(exit_code::runtime_failure,
                fmt::format("{}: cannot create output directory: {}", dir.string(), ec.message()));
  const std::filesystem::path path = dir / ".kairos.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw error(exit_code::runtime_failure, fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char holder[256] = {};
    const ssize_t n = ::pread(fd_, holder, sizeof holder - 1, 0);
    ::close(fd_);
    fd_ = -1;
    throw error(exit_code::usage_error,
                fmt::format("{}: another kairos process ({}) is running into this output directory. Give this run "
                            "another --output; if both were started together by an MPI launcher that kairos did "
                            "not recognise, they ran as separate one-rank simulations: start them with --mpi on",
                            dir.string(), n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "unknown"));
  }
  char host[128] = {};
  gethostname(host, sizeof host - 1);
  const std::string me = fmt::format("pid {} on {}", getpid(), host);
  if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, me.data(), me.size(), 0) < 0) {
    // Only the text of a future refusal is lost; the lock itself holds.
  }
}

output_lock::~output_lock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace kairos
