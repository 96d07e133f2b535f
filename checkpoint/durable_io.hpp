#pragma once

// Files that survive a crash: written under a temporary name, fsynced,
// renamed into place, and the directory fsynced, so a reader sees either the
// old file or the complete new one.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace kairos::checkpoint {

/// Writes `bytes` to `path` durably. Throws runtime_error naming the path and
/// the system error (disk full, I/O error) and leaves no temporary behind.
/// `crash_point`: a test hook passed once the temporary is synced, before
/// the rename.
void write_durably(const std::filesystem::path& path, const void* bytes, std::size_t size,
                   std::string_view crash_point = {});
inline void write_durably(const std::filesystem::path& path, std::string_view text, std::string_view crash_point = {}) {
  write_durably(path, text.data(), text.size(), crash_point);
}
/// fsyncs a directory so the names created or removed in it are durable.
void sync_directory(const std::filesystem::path& dir);
/// Creates the directory and its parents, syncing each new level's parent.
void create_directories_durably(const std::filesystem::path& dir);
/// The whole file; throws runtime_error naming the path when it is not a
/// regular file, is larger than `max_bytes` or cannot be read.
std::vector<std::byte> read_whole_file(const std::filesystem::path& path,
                                       std::uint64_t max_bytes = std::uint64_t{1} << 40);

}  // namespace kairos::checkpoint
