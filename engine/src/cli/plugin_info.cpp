#include "cli/plugin_info.hpp"

#include <algorithm>
#include <span>

#include <fmt/format.h>

#include "kairos/core/error.hpp"
#include "plugin/registry.hpp"
#include "scenario/keys.hpp"

namespace kairos::cli {

namespace {

/// "(number or random law, default 10)", "(string, required)", or nothing
/// for a parameter documented by name and text alone.
std::string type_and_fallback(const param_doc& p) {
  if (p.type.empty()) return p.fallback.empty() ? "" : fmt::format(" (default {})", p.fallback);
  return fmt::format(" ({}, {})", p.type, p.fallback.empty() ? "required" : fmt::format("default {}", p.fallback));
}

void print_params(std::span<const param_doc> params, std::string_view indent) {
  for (const param_doc& p : params)
    fmt::print("{}{}{}: {}\n", indent, p.name, type_and_fallback(p), p.doc.empty() ? "(undocumented)" : p.doc);
}

void print_class(const class_info& c) {
  fmt::print("\nActor class {} (plugin {}):\n", c.name, c.plugin);
  if (c.params.empty()) fmt::print("  parameters: none\n");
  else fmt::print("  parameters:\n");
  print_params(c.params, "    ");
  if (!c.probes_documented) {
    fmt::print("  probes: not documented\n");
  } else if (c.probes.empty()) {
    fmt::print("  probes: none\n");
  } else {
    fmt::print("  probes:\n");
    for (const probe_doc& p : c.probes)
      fmt::print("    {} ({}curves: {}): {}\n", p.name,
                 p.kind == probe_kind::aggregate ? "aggregate over actors; " : "", p.curves, p.doc);
  }
  std::string handled;
  for (const handler_entry& h : c.handlers) handled += fmt::format("{}{}", handled.empty() ? "" : ", ", h.message_name);
  fmt::print("  handles: {}\n", handled.empty() ? "no message" : handled);
}

/// The plugins a scenario in the current directory could load, where each
/// comes from, and its classes and sections.
void list_plugins() {
  auto& reg = registry::instance();
  const auto search = plugin_search_path(".");
  fmt::print("Plugin search path (a scenario's own directory comes first):\n");
  for (const auto& dir : search) fmt::print("  {}\n", dir.string());
  const std::vector<found_plugin> found = find_plugins(search);
  if (found.empty()) {
    fmt::print("No plugin (kairos_<name>.so) found there.\n");
    return;
  }
  fmt::print("\nPlugins found ({}); `kairos info NAME...` shows their parameters:\n", found.size());
  for (const found_plugin& p : found) {
    fmt::print("\n  {}  {}\n", p.name, p.path.string());
    for (const auto& hidden : p.shadowed) fmt::print("    (hides {})\n", hidden.string());
    try {
      reg.load_plugin(p.name, search);
    } catch (const error& e) {
      fmt::print("    cannot be loaded: {}\n", e.what());
      continue;
    }
    for (const class_info* c : reg.classes())
      if (c->plugin == p.name) fmt::print("    actor class {}\n", c->name);
    for (const section_info* sec : reg.sections())
      if (sec->plugin == p.name) fmt::print("    scenario section [{}]\n", sec->name);
  }
}

}  // namespace

void print_info(const std::vector<std::string>& plugins) {
  if (plugins.empty()) {
    list_plugins();
    return;
  }
  auto& reg = registry::instance();
  const auto search = plugin_search_path(".");
  for (const std::string& p : plugins) reg.load_plugin(p, search);
  fmt::print("Scenario keys of the engine:\n");
  for (const key_doc& k : engine_keys())
    fmt::print("  [{}] {} ({}, default {}): {}\n", k.table, k.key, k.type, k.fallback, k.doc);
  for (const section_info* s : reg.sections()) {
    fmt::print("\nSection [{}] (plugin {}):\n", s->name, s->plugin);
    print_params(s->keys, "  ");
  }
  for (const class_info* c : reg.classes()) print_class(*c);
  for (const std::string& plugin : reg.plugin_names()) {
    const std::vector<std::string> counters = reg.counters_of(plugin);
    if (counters.empty()) continue;
    fmt::print("\nCounters of plugin {} (summed over all actors, reported in summary.json):\n", plugin);
    for (const std::string& c : counters) fmt::print("  {}\n", c);
  }
}

}  // namespace kairos::cli
