#pragma once

// One run per output directory. Two runs writing one directory would mix
// their checkpoints and replace each other's results; so would two processes
// that a launcher Kairos does not recognise started together, each running
// alone as a one-rank simulation. The first to start holds the lock; the
// other stops with a usage error before it writes anything.

#include <filesystem>

namespace kairos {

class output_lock {
 public:
  /// Creates `dir` if needed and takes `dir`/.kairos.lock (flock, so the
  /// lock goes with the process however it ends). Throws error (usage)
  /// naming the holder's pid and host when another process holds it, and
  /// error (runtime) when the directory cannot be created.
  explicit output_lock(const std::filesystem::path& dir);
  ~output_lock();
  output_lock(const output_lock&) = delete;
  output_lock& operator=(const output_lock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace kairos
