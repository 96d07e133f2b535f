#pragma once

#include <cstdint>

namespace kairos {

/// The one symbol every plugin exports (`kairos_plugin_descriptor`), checked
/// by the loader before anything else of the plugin is used. `abi` comes first
/// so it can be read whatever the rest looks like.
struct plugin_descriptor {
  std::uint32_t abi;
  const char* name;
  const char* engine_version;
};

}  // namespace kairos
