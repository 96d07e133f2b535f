#include "scenario/param_source.hpp"

#include <fmt/format.h>

#include "kairos/core/error.hpp"
#include "scenario/scenario.hpp"

namespace kairos::detail {

const toml::node* param_source::find_per_actor(std::string_view key) const {
  if (!per_actor_) return nullptr;
  const toml::node* values = per_actor_->get(key);
  if (!values) return nullptr;
  if (const toml::array* dense = values->as_array()) return dense->get(index_);
  // Sparse: { 11 = 1, 1000 = 1 }, the actors listed by index in the block;
  // the others take the shared value (or the class's default).
  return values->as_table()->get(std::to_string(index_));
}

const toml::node* param_source::find(std::string_view key) const {
  if (const toml::node* mine = find_per_actor(key)) return mine;
  if (shared_) return shared_->get(key);
  return nullptr;
}

const toml::node& param_source::require(std::string_view key) const {
  if (const toml::node* n = find(key)) return *n;
  fail(nullptr, key, "required parameter is missing");
}

void param_source::fail(const toml::node* node, std::string_view key, std::string_view why) const {
  const std::string where = node ? scenario_->where(node) : scenario_->file.string();
  const bool per_actor = find_per_actor(key) != nullptr;
  const std::string_view field = per_actor ? per_actor_field_ : shared_field_;
  if (field.empty()) throw scenario_error(fmt::format("{}: parameter '{}': {}", where, key, why));
  throw scenario_error(fmt::format("{}: {}.{}: {}", where, field, key, why));
}

bool param_source::get_bool(std::string_view key) const {
  const toml::node& n = require(key);
  if (!n.is_boolean()) fail(&n, key, "expected a boolean");
  return n.as_boolean()->get();
}

std::int64_t param_source::get_int(std::string_view key) const {
  const toml::node& n = require(key);
  if (!n.is_integer()) fail(&n, key, "expected an integer");
  return n.as_integer()->get();
}

double param_source::get_double(std::string_view key) const {
  const toml::node& n = require(key);
  if (!n.is_number()) fail(&n, key, "expected a number");
  const std::optional<double> exact = n.value<double>();
  if (!exact) fail(&n, key, "too large to be exact as a floating-point number (beyond 2^53)");
  return *exact;
}

std::string param_source::get_string(std::string_view key) const {
  const toml::node& n = require(key);
  if (!n.is_string()) fail(&n, key, "expected a string");
  return n.as_string()->get();
}

}  // namespace kairos::detail
