#pragma once

#include <stdexcept>
#include <string>

namespace kairos {

/// Process exit statuses, documented in the README.
enum class exit_code : int {
  success = 0,
  runtime_failure = 1,  ///< a model raised an error or an invariant broke
  usage_error = 2,      ///< bad command line or scenario
  plugin_error = 3,     ///< missing plugin, class, symbol, or ABI mismatch
  checkpoint_error = 4, ///< no usable or an incompatible checkpoint
};

/// Base of every error the engine reports to a user: one readable line plus
/// the exit status the command line turns it into.
class error : public std::runtime_error {
 public:
  error(exit_code code, const std::string& what) : std::runtime_error(what), code_(code) {}
  exit_code code() const noexcept { return code_; }

 private:
  exit_code code_;
};

/// A scenario problem; the message already names file:line:col and field.
class scenario_error : public error {
 public:
  explicit scenario_error(const std::string& what) : error(exit_code::usage_error, what) {}
};

class plugin_error : public error {
 public:
  explicit plugin_error(const std::string& what) : error(exit_code::plugin_error, what) {}
};

/// Failure while the simulation runs (model exception, bad message, ...).
class runtime_error : public error {
 public:
  explicit runtime_error(const std::string& what) : error(exit_code::runtime_failure, what) {}
};

/// A checkpoint that cannot be used (missing, corrupt, incompatible); the
/// message names the checkpoint, shard and copies concerned.
class checkpoint_error : public error {
 public:
  explicit checkpoint_error(const std::string& what) : error(exit_code::checkpoint_error, what) {}
};

/// Raised on every rank but the one that failed: the failing rank reports the
/// error once; the others stop quietly with the same exit status.
class failure_elsewhere : public error {
 public:
  explicit failure_elsewhere(int rank, exit_code code = exit_code::runtime_failure)
      : error(code, "the run failed on rank " + std::to_string(rank)), rank_(rank) {}
  int rank() const noexcept { return rank_; }

 private:
  int rank_;
};

}  // namespace kairos
