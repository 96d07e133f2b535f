#pragma once

#include <span>
#include <string_view>

namespace kairos {

/// One engine scenario key, declared once: where it lives, its type, default
/// and meaning. Validation and `kairos info` both read this table.
struct key_doc {
  std::string_view table;  ///< "simulation", "probes" or "actors"
  std::string_view key;
  std::string_view type;
  std::string_view fallback;
  std::string_view doc;
};

std::span<const key_doc> engine_keys();
bool is_engine_key(std::string_view table, std::string_view key);

}  // namespace kairos
