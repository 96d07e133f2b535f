#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "kairos/actor/class_info.hpp"

namespace kairos {

namespace detail { class param_source; }

/// A model-defined scenario table such as `[phold]`, as its populate
/// function sees it.
class section {
 public:
  explicit section(const detail::param_source& source) noexcept : source_(&source) {}
  bool has(std::string_view key) const;
  double get_double(std::string_view key) const;
  std::int64_t get_int(std::string_view key) const;
  std::string get_string(std::string_view key) const;
  /// Throws a scenario error naming the key's file:line:col.
  [[noreturn]] void fail(std::string_view key, std::string_view why) const;
  const detail::param_source& source() const noexcept { return *source_; }

 private:
  const detail::param_source* source_;
};

/// Where a section's populate function adds its actors.
class population {
 public:
  virtual ~population() = default;
  /// Adds `count` actors of `class_name`, each reading its parameters from
  /// `params` (typically the section itself).
  virtual void add(std::string_view class_name, std::uint64_t count, const section& params) = 0;
};

struct section_info {
  using populate_fn = void (*)(const section&, population&);
  std::uint32_t abi;
  std::string_view name;
  std::string_view plugin;
  std::span<const param_doc> keys;
  populate_fn populate;
};

}  // namespace kairos
