#pragma once

#include <cstdint>

namespace kairos {

/// Severity of a log line, least severe first. `--log-level NAME=LEVEL`
/// chooses, per logger, the least severe level written.
enum class log_level : std::uint8_t { trace, debug, info, warn, error, off };

}  // namespace kairos
