#include "checkpoint/durable_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "checkpoint/test_hooks.hpp"
#include "kairos/core/error.hpp"

namespace kairos::checkpoint {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void io_failure(const fs::path& path, std::string_view what, int err) {
  throw runtime_error(fmt::format("{}: {}: {}", path.string(), what, std::strerror(err)));
}

/// Closes the descriptor on every path out.
struct descriptor {
  int fd;
  ~descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

void sync_directory(const fs::path& dir) {
  descriptor d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY)};
  if (d.fd < 0) io_failure(dir, "cannot open directory to sync it", errno);
  if (::fsync(d.fd) != 0) io_failure(dir, "cannot sync directory", errno);
}

void create_directories_durably(const fs::path& dir) {
  if (fs::is_directory(dir)) return;
  if (dir.has_parent_path() && dir.parent_path() != dir) create_directories_durably(dir.parent_path());
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) io_failure(dir, "cannot create directory", errno);
  sync_directory(dir.has_parent_path() ? dir.parent_path() : fs::path("."));
}

void write_durably(const fs::path& path, const void* bytes, std::size_t size, std::string_view crash_point) {
  const fs::path temporary = path.string() + ".tmp";
  try {
    descriptor d{::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
    if (d.fd < 0) io_failure(temporary, "cannot create", errno);
    if (test_hooks::write_must_fail(path)) io_failure(temporary, "cannot write", ENOSPC);
    const auto* p = static_cast<const char*>(bytes);
    for (std::size_t left = size; left > 0;) {
      const ssize_t n = ::write(d.fd, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        io_failure(temporary, "cannot write", errno);
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    if (::fsync(d.fd) != 0) io_failure(temporary, "cannot sync", errno);
    if (::close(d.fd) != 0) {
      d.fd = -1;
      io_failure(temporary, "cannot close", errno);
    }
    d.fd = -1;
    if (!crash_point.empty()) test_hooks::crash_point(crash_point);
    if (::rename(temporary.c_str(), path.c_str()) != 0) io_failure(path, "cannot rename into place", errno);
  } catch (...) {
    ::unlink(temporary.c_str());
    throw;
  }
  sync_directory(path.parent_path());
}

std::vector<std::byte> read_whole_file(const fs::path& path, std::uint64_t max_bytes) {
  descriptor d{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (d.fd < 0) io_failure(path, "cannot open", errno);
  // The size on disk is only a hint for the buffer: a directory, a device or
  // a file that grows while read must never size an allocation.
  struct stat info {};
  if (::fstat(d.fd, &info) != 0) io_failure(path, "cannot stat", errno);
  if (!S_ISREG(info.st_mode)) throw runtime_error(fmt::format("{}: not a regular file", path.string()));
  if (static_cast<std::uint64_t>(info.st_size) > max_bytes)
    throw runtime_error(fmt::format("{}: {} bytes, more than the {} expected at most", path.string(), info.st_size,
                                    max_bytes));
  std::vector<std::byte> out(static_cast<std::size_t>(info.st_size));
  std::size_t at = 0;
  for (;;) {
    if (at == out.size()) {
      // At the size fstat gave: one more byte tells whether the file grew.
      std::byte probe;
      const ssize_t n = ::read(d.fd, &probe, 1);
      if (n == 0) break;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) io_failure(path, "cannot read", errno);
      throw runtime_error(fmt::format("{}: changed size while being read", path.string()));
    }
    const ssize_t n = ::read(d.fd, out.data() + at, out.size() - at);
    if (n < 0) {
      if (errno == EINTR) continue;
      io_failure(path, "cannot read", errno);
    }
    if (n == 0) break;
    at += static_cast<std::size_t>(n);
  }
  out.resize(at);
  return out;
}

}  // namespace kairos::checkpoint
