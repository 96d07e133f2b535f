#pragma once

// The engine's named loggers (spdlog): `engine`, `time`, `transport`,
// `checkpoint`, and one per actor class, named as the class ("soda.machine").
// Levels come from the command line (`--log-level LEVEL` for all,
// `--log-level NAME=LEVEL` for a logger, a dotted prefix such as `soda` for
// all the loggers under it; later settings win); `--quiet` writes warnings
// and errors only. Only rank 0 writes unless all ranks are asked for.
//
// Lines read `kairos: MESSAGE` at info, `kairos: warning: MESSAGE` and
// `kairos: error: MESSAGE`; debug and trace lines, and every line of a model
// logger, also name their logger: `kairos: debug: [time] ...`.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kairos/core/log_level.hpp"

// Kept out of this header so that it can be included where spdlog's
// compile definitions are not (the command line); write through a logger
// where <spdlog/logger.h> is included.
namespace spdlog {
class logger;
}

namespace kairos {
struct class_info;
}

namespace kairos::logging {

struct options {
  std::vector<std::string> levels;  ///< "LEVEL" or "NAME=LEVEL", in the order given
  bool quiet = false;               ///< warnings and errors only
  bool all_ranks = false;           ///< every rank writes, its lines prefixed with its rank
};

/// Checks the syntax of every level (a usage_error naming the bad one) and
/// keeps the options for the run. Loggers named that no engine logger or
/// actor class answers to are refused later, by class_levels.
void configure(const options& o);

/// Once the rank is known: ranks other than 0 write nothing unless
/// all_ranks, and every line then says which rank wrote it.
void set_rank(int rank);

/// Each class's least severe level written, by class id (what
/// context::log compares with, inline). Throws usage_error when a
/// --log-level NAME matches neither an engine logger nor any class.
std::vector<std::uint8_t> class_levels(std::span<const class_info* const> classes);

spdlog::logger& engine();
spdlog::logger& time();
spdlog::logger& transport();
spdlog::logger& checkpoint();
/// Writes a model's line (context::log) on the logger of its class,
/// created on first use.
void write_for_class(const class_info& cls, log_level level, std::string_view text);

}  // namespace kairos::logging
