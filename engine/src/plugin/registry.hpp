#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/actor/class_info.hpp"
#include "kairos/scenario/section.hpp"

namespace kairos {

/// Every actor class and scenario section known to this process, whether
/// linked in statically or loaded from a plugin. Registrations arrive through
/// detail::submit_class at static-initialisation time; the registry commits
/// them once it has checked where they came from.
class registry {
 public:
  static registry& instance();

  /// Makes the plugin `name` available: a no-op when its classes are linked
  /// in statically, else dlopen of kairos_<name>.so (or of `name` itself when
  /// it is a path) from the first of `search_dirs` holding it.
  /// Throws plugin_error for a missing library, a library that is not a
  /// Kairos plugin, an ABI mismatch or a class name defined twice.
  void load_plugin(const std::string& name, const std::vector<std::filesystem::path>& search_dirs);

  const class_info* find_class(std::string_view name);
  const section_info* find_section(std::string_view name);
  bool has_plugin(std::string_view name);

  /// Classes by id, for the dispatch hot path (stable after setup).
  const std::vector<const class_info*>& classes();
  std::vector<const section_info*> sections();
  /// The counters (kairos::counter) a plugin loaded from a library declares;
  /// models linked into the executable have none listed here.
  std::vector<std::string> counters_of(std::string_view plugin);
  /// Plugins in use, with their versions, for run metadata.
  std::vector<std::string> plugin_names();

  // Called by detail::submit_* during static initialisation.
  void submit(std::uint32_t abi, const class_info* info) noexcept;
  void submit(std::uint32_t abi, const section_info* info) noexcept;

 private:
  struct pending {
    std::uint32_t abi;
    const class_info* cls;
    const section_info* section;
  };
  void commit_pending_locked(std::string_view origin);
  void add_class_locked(const class_info* info, std::string_view origin);
  /// Throws plugin_error when a class handles a message whose name or type id
  /// another registered handler uses for another message type.
  void check_messages_locked(const class_info* info);
  void add_section_locked(const section_info* info, std::string_view origin);

  std::recursive_mutex mutex_;
  std::vector<pending> pending_;
  std::vector<const class_info*> classes_;
  /// Every handled message type id, with the first handler seen for it.
  std::map<message_type_id, std::pair<const handler_entry*, const class_info*>> messages_;
  std::vector<const section_info*> sections_;
  std::vector<std::string> plugins_;
  std::map<std::string, std::vector<std::string>> counters_;
};

/// The default plugin search path: next to the scenario, KAIROS_PLUGIN_PATH
/// (colon-separated), then <executable dir>/../lib/kairos (the install and
/// build-tree layout).
std::vector<std::filesystem::path> plugin_search_path(const std::filesystem::path& scenario_dir);

/// A plugin library found on a search path.
struct found_plugin {
  std::string name;             ///< as a scenario names it: kairos_<name>.so
  std::filesystem::path path;   ///< the library `load_plugin(name, ...)` would open
  std::vector<std::filesystem::path> shadowed;  ///< same name, later on the path
};
/// Every kairos_<name>.so in `search_dirs`, by name; the first directory
/// holding a name wins, as in load_plugin.
std::vector<found_plugin> find_plugins(const std::vector<std::filesystem::path>& search_dirs);

}  // namespace kairos
