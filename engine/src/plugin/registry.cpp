#include "plugin/registry.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "kairos/actor/registration.hpp"
#include "kairos/core/error.hpp"
#include "kairos/core/version.hpp"
#include "kairos/plugin/plugin_descriptor.hpp"
#include "probe/counter_registry.hpp"

namespace kairos {

namespace detail {
void submit_class(std::uint32_t abi, const class_info* info) noexcept { registry::instance().submit(abi, info); }
void submit_section(std::uint32_t abi, const section_info* info) noexcept { registry::instance().submit(abi, info); }
}  // namespace detail

registry& registry::instance() {
  static registry r;
  return r;
}

void registry::submit(std::uint32_t abi, const class_info* info) noexcept {
  std::lock_guard lock(mutex_);
  pending_.push_back({abi, info, nullptr});
}

void registry::submit(std::uint32_t abi, const section_info* info) noexcept {
  std::lock_guard lock(mutex_);
  pending_.push_back({abi, nullptr, info});
}

// Registrations that arrive outside load_plugin come from code linked into
// the executable (the static path used where dlopen is unavailable).
void registry::commit_pending_locked(std::string_view origin) {
  std::vector<pending> batch;
  batch.swap(pending_);
  for (const pending& p : batch) {
    if (p.abi != abi_version)
      throw plugin_error(fmt::format("{}: built against engine ABI {} but this engine has ABI {}; rebuild it",
                                     origin, p.abi, abi_version));
    if (p.cls) add_class_locked(p.cls, origin);
    if (p.section) add_section_locked(p.section, origin);
  }
}

void registry::add_class_locked(const class_info* info, std::string_view origin) {
  if (auto it = std::find_if(classes_.begin(), classes_.end(), [&](auto* c) { return c->name == info->name; });
      it != classes_.end()) {
    if (*it == info) return;
    throw plugin_error(fmt::format("actor class '{}' is defined twice: by plugin '{}' and by plugin '{}' ({})",
                                   info->name, (*it)->plugin, info->plugin, origin));
  }
  check_messages_locked(info);
  const_cast<class_info*>(info)->id = static_cast<std::uint32_t>(classes_.size());
  classes_.push_back(info);
  std::string plugin(info->plugin);
  if (std::find(plugins_.begin(), plugins_.end(), plugin) == plugins_.end()) plugins_.push_back(plugin);
}

namespace {
/// "soda::ask_cost" out of a detail::type_signature text.
std::string_view message_type_of_signature(std::string_view signature) {
  const std::size_t at = signature.find("M = ");
  if (at == std::string_view::npos) return signature;
  const std::string_view rest = signature.substr(at + 4);
  return rest.substr(0, rest.find_first_of(";]"));
}
}  // namespace

void registry::check_messages_locked(const class_info* info) {
  // Dispatch goes by type id alone: two C++ types under one message name,
  // or two names hashing to one id, would reach the wrong handler.
  for (const handler_entry& h : info->handlers) {
    const auto [it, fresh] = messages_.try_emplace(h.type, &h, info);
    if (fresh) continue;
    const auto& [first, first_class] = it->second;
    if (first->message_name != h.message_name)
      throw plugin_error(fmt::format(
          "message names '{}' (handled by class '{}') and '{}' (handled by class '{}') hash to the same id; rename one",
          first->message_name, first_class->name, h.message_name, info->name));
    if (first->cpp_type != h.cpp_type)
      throw plugin_error(fmt::format(
          "two message types are named '{}': {} (handled by class '{}') and {} (handled by class '{}'); give each its "
          "own KAIROS_MESSAGE name",
          h.message_name, message_type_of_signature(first->cpp_type), first_class->name,
          message_type_of_signature(h.cpp_type), info->name));
  }
}

void registry::add_section_locked(const section_info* info, std::string_view origin) {
  for (auto* s : sections_)
    if (s->name == info->name && s != info)
      throw plugin_error(fmt::format("scenario section '[{}]' is defined twice: by plugin '{}' and by plugin '{}' ({})",
                                     info->name, s->plugin, info->plugin, origin));
  sections_.push_back(info);
}

bool registry::has_plugin(std::string_view name) {
  std::lock_guard lock(mutex_);
  commit_pending_locked("statically linked models");
  return std::find(plugins_.begin(), plugins_.end(), name) != plugins_.end();
}

void registry::load_plugin(const std::string& name, const std::vector<std::filesystem::path>& search_dirs) {
  namespace fs = std::filesystem;
  std::lock_guard lock(mutex_);
  commit_pending_locked("statically linked models");
  if (std::find(plugins_.begin(), plugins_.end(), name) != plugins_.end()) return;

  const bool is_path = name.find('/') != std::string::npos || name.ends_with(".so");
  std::vector<fs::path> candidates;
  if (is_path) {
    candidates.emplace_back(name);
  } else {
    for (const fs::path& dir : search_dirs) candidates.push_back(dir / ("kairos_" + name + ".so"));
  }
  const auto found = std::find_if(candidates.begin(), candidates.end(), [](const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
  });
  if (found == candidates.end()) {
    std::string where;
    for (const fs::path& p : candidates) where += "\n  " + p.string();
    throw plugin_error(fmt::format("plugin '{}' not found; looked for:{}", name, where));
  }

  const std::size_t counters_before = counter_names().size();
  void* handle = dlopen(found->c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    pending_.clear();
    throw plugin_error(fmt::format("cannot load plugin '{}' from {}: {}", name, found->string(), dlerror()));
  }
  auto* descriptor = static_cast<const plugin_descriptor*>(dlsym(handle, "kairos_plugin_descriptor"));
  if (!descriptor) {
    pending_.clear();
    dlclose(handle);
    throw plugin_error(fmt::format("{} is not a Kairos plugin: it lacks the symbol kairos_plugin_descriptor "
                                   "(build it with kairos_add_model_library)",
                                   found->string()));
  }
  if (descriptor->abi != abi_version) {
    // Its registrations are discarded unread: their layout may differ.
    pending_.clear();
    throw plugin_error(fmt::format("plugin {} was built against Kairos ABI {} (engine {}), but this engine is "
                                   "{} with ABI {}; rebuild the plugin against this engine",
                                   found->string(), descriptor->abi, descriptor->engine_version, engine_version,
                                   abi_version));
  }
  commit_pending_locked(found->string());
  if (std::find(plugins_.begin(), plugins_.end(), descriptor->name) == plugins_.end())
    plugins_.emplace_back(descriptor->name);
  // Counters register themselves when the library's statics are built: the
  // names that appeared during dlopen are this plugin's.
  const std::vector<std::string> counters = counter_names();
  counters_[descriptor->name].assign(counters.begin() + static_cast<std::ptrdiff_t>(counters_before), counters.end());
  if (!is_path && name != descriptor->name)
    throw plugin_error(fmt::format("{} calls itself plugin '{}', not '{}'", found->string(), descriptor->name, name));
  // The handle is kept open for the life of the process: actor objects and
  // dispatch tables point into it.
}

const class_info* registry::find_class(std::string_view name) {
  std::lock_guard lock(mutex_);
  commit_pending_locked("statically linked models");
  for (auto* c : classes_)
    if (c->name == name) return c;
  return nullptr;
}

const section_info* registry::find_section(std::string_view name) {
  std::lock_guard lock(mutex_);
  commit_pending_locked("statically linked models");
  for (auto* s : sections_)
    if (s->name == name) return s;
  return nullptr;
}

const std::vector<const class_info*>& registry::classes() {
  std::lock_guard lock(mutex_);
  commit_pending_locked("statically linked models");
  return classes_;
}

std::vector<const section_info*> registry::sections() {
  std::lock_guard lock(mutex_);
  commit_pending_locked("statically linked models");
  return sections_;
}

std::vector<std::string> registry::counters_of(std::string_view plugin) {
  std::lock_guard lock(mutex_);
  const auto it = counters_.find(std::string(plugin));
  return it == counters_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> registry::plugin_names() {
  std::lock_guard lock(mutex_);
  return plugins_;
}

std::vector<std::filesystem::path> plugin_search_path(const std::filesystem::path& scenario_dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> dirs;
  if (!scenario_dir.empty()) dirs.push_back(scenario_dir);
  if (const char* env = std::getenv("KAIROS_PLUGIN_PATH")) {
    std::string_view rest(env);
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      const std::string_view part = rest.substr(0, colon);
      if (!part.empty()) dirs.emplace_back(std::string(part));
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) dirs.push_back(exe.parent_path().parent_path() / "lib" / "kairos");
  return dirs;
}

std::vector<found_plugin> find_plugins(const std::vector<std::filesystem::path>& search_dirs) {
  namespace fs = std::filesystem;
  std::map<std::string, found_plugin> by_name;
  for (const fs::path& dir : search_dirs) {
    std::error_code ec;
    std::vector<fs::path> libraries;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
      const std::string file = entry.path().filename().string();
      if (file.starts_with("kairos_") && file.ends_with(".so") && entry.is_regular_file(ec))
        libraries.push_back(entry.path());
    }
    std::sort(libraries.begin(), libraries.end());  // directory order is arbitrary
    for (const fs::path& library : libraries) {
      const std::string file = library.filename().string();
      const std::string name = file.substr(7, file.size() - 7 - 3);
      auto [it, inserted] = by_name.try_emplace(name, found_plugin{name, library, {}});
      if (!inserted) it->second.shadowed.push_back(library);
    }
  }
  std::vector<found_plugin> out;
  for (auto& [name, plugin] : by_name) out.push_back(std::move(plugin));
  return out;
}

}  // namespace kairos
