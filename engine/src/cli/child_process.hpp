#pragma once

// Running another command to completion, its output captured in a file:
// how `kairos check-restart` drives the runs it compares.

#include <filesystem>
#include <string>
#include <vector>

namespace kairos::cli {

/// Runs `argv` (argv[0] looked up on PATH), its stdout and stderr appended
/// to `log`, and waits. Returns its exit status, or 128 + the signal that
/// ended it. Throws runtime_error when it cannot be started at all.
int run_logged(const std::vector<std::string>& argv, const std::filesystem::path& log);

/// The last `lines` lines of a text file (what a failed child said last).
std::string tail_of(const std::filesystem::path& file, std::size_t lines);

/// `argv` as one line a user can paste into a shell.
std::string shell_line(const std::vector<std::string>& argv);

}  // namespace kairos::cli
