#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <toml++/toml.h>

#include "kairos/actor/actor_init.hpp"
#include "kairos/actor/class_info.hpp"
#include "checkpoint/settings.hpp"
#include "kairos/core/types.hpp"
#include "scenario/population_file.hpp"

namespace kairos {

enum class run_mode { reproducible, ergodic };

/// A run of consecutive scenario actors of one class, sharing parameters.
struct actor_block {
  const class_info* cls = nullptr;
  aai_t first_aai = 0;
  std::uint64_t count = 0;
  const toml::table* params = nullptr;     ///< shared by every actor of the block
  const toml::table* per_actor = nullptr;  ///< key -> array with one value per actor
  const toml::array* names = nullptr;      ///< one name per actor, or null
  /// The population file the actors' rows come from (`from`), or null.
  std::shared_ptr<const population_file> from;
  std::string field;                       ///< "actors[2]" or "phold", for messages
  std::string params_field;                ///< "actors[2].params" or "phold"
  std::string placement_hint;              ///< co-locates blocks with the same hint
};

/// A loaded, validated scenario: the engine settings and the actors to create.
struct scenario {
  std::filesystem::path file;
  std::string text;  ///< the file as read (stored in results and checkpoints)
  std::unique_ptr<toml::table> root;

  double tick_seconds = 1.0;
  tick_t stop_tick = no_tick;  ///< first tick not simulated; no_tick: no limit
  /// simulation.lookahead in ticks: the least delay of a message between
  /// placement groups, which lets ranks run windows of this many ticks
  /// between synchronisations. 0: none declared, every diasca is agreed.
  tick_t lookahead_ticks = 0;
  std::uint64_t seed = 0;
  run_mode mode = run_mode::reproducible;
  std::vector<std::string> plugins;
  std::filesystem::path output = "out";
  std::vector<std::string> probe_patterns{"*"};
  checkpoint::settings checkpoint;  ///< [checkpoint]; command-line flags override

  std::vector<actor_block> blocks;
  std::uint64_t actor_count = 0;
  std::unordered_map<std::string, actor_range> named;  ///< actor and group names

  /// "file:line:col" of a node, or where an override came from.
  std::string where(const toml::node* node) const;
};

/// Reads and checks the engine's part of a scenario file: syntax, the
/// [simulation] and [probes] tables, then applies `overrides` ("key=value",
/// TOML value syntax, bare words taken as strings). Throws scenario_error.
std::unique_ptr<scenario> load_scenario(const std::filesystem::path& file, const std::vector<std::string>& overrides);
/// The same from text already in memory (`file` is used in messages only).
std::unique_ptr<scenario> parse_scenario(std::string text, const std::filesystem::path& file,
                                         const std::vector<std::string>& overrides);

/// Second stage, once the scenario's plugins are loaded: resolves actor
/// classes, checks every [[actors]] block and model section against what the
/// classes declare, and numbers the actors (AAIs in scenario order).
void resolve_actors(scenario& s);

/// The least memory an actor takes, whatever its class (measured: 33 bytes
/// per idle actor): what check_population_fits assumes.
inline constexpr std::uint64_t min_bytes_per_actor = 32;

/// Throws scenario_error naming the largest block's count when the
/// scenario's actors cannot fit `ranks` ranks of `memory_bytes` each, even at
/// min_bytes_per_actor: a count no machine of this size can allocate is an
/// input error, not an out-of-memory failure an hour later.
void check_population_fits(const scenario& s, int ranks, std::uint64_t memory_bytes);

/// Hash of everything that decides a run's results: the effective scenario
/// without [checkpoint] and simulation.output. A checkpoint only restores
/// into a run with the same hash.
std::uint64_t results_hash(const scenario& s);
/// The same from an effective scenario's text (as a checkpoint stores it),
/// without loading plugins. Throws scenario_error if the text does not parse.
std::uint64_t results_hash_of_text(const std::string& text);

/// Parses "20ms", "500s", "1.5min", "2h", "1d" (or a bare number of seconds);
/// with allow_frequency also "100Hz". Throws scenario_error naming the node.
double parse_seconds(const scenario& s, const toml::node& node, std::string_view field, bool allow_frequency);

}  // namespace kairos
