#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace kairos {
struct scenario;
class population_rows;
}

namespace kairos::detail {

/// Where one actor's (or one section's) parameters come from: its block's
/// per-actor values first (an array with one value per actor, or a sparse
/// table of some actors' values by index), then its row of the block's
/// population file, then the block's shared table.
/// Every lookup error names the file, line, column and field.
class param_source {
 public:
  /// `shared_field` and `per_actor_field` are the tables' paths in the
  /// scenario ("actors[2].params", "actors[2].per_actor" or "phold", "").
  /// `rows`: this rank's rows of the block's population file, of which the
  /// actor's is `row`; null when the block has none.
  param_source(const scenario& s, const toml::table* shared, std::string_view shared_field,
               const toml::table* per_actor, std::string_view per_actor_field, std::uint64_t index,
               const toml::node* actor_name, const population_rows* rows = nullptr, std::uint64_t row = 0) noexcept
      : scenario_(&s), shared_(shared), per_actor_(per_actor), rows_(rows), index_(index), row_(row),
        shared_field_(shared_field), per_actor_field_(per_actor_field), actor_name_(actor_name) {}

  /// The node for `key`, or null.
  const toml::node* find(std::string_view key) const;
  /// The node for `key`; throws if missing.
  const toml::node& require(std::string_view key) const;
  [[noreturn]] void fail(const toml::node* node, std::string_view key, std::string_view why) const;

  /// Typed reads of a required parameter; a missing one or one of another
  /// type is a scenario error naming file, line, column and field.
  bool get_bool(std::string_view key) const;
  std::int64_t get_int(std::string_view key) const;
  double get_double(std::string_view key) const;  ///< integers are accepted
  std::string get_string(std::string_view key) const;
  /// Typed reads of a required array parameter (`weights = [0.2, 0.8]`);
  /// an element of another type is a scenario error naming its index.
  std::vector<bool> get_bools(std::string_view key) const;
  std::vector<std::int64_t> get_ints(std::string_view key) const;
  std::vector<double> get_doubles(std::string_view key) const;  ///< integers are accepted
  std::vector<std::string> get_strings(std::string_view key) const;

  const scenario& owner() const noexcept { return *scenario_; }
  const toml::table* shared() const noexcept { return shared_; }
  const toml::node* actor_name() const noexcept { return actor_name_; }

 private:
  /// This actor's own value for `key` in per_actor, or null.
  const toml::node* find_per_actor(std::string_view key) const;
  /// This actor's cell for `key` in the population file, or null.
  const toml::node* find_in_file(std::string_view key) const;

  const scenario* scenario_;
  const toml::table* shared_;
  const toml::table* per_actor_;
  const population_rows* rows_;
  std::uint64_t index_;
  std::uint64_t row_;
  std::string_view shared_field_;
  std::string_view per_actor_field_;
  const toml::node* actor_name_;
};

}  // namespace kairos::detail
