#include "scenario/param_source.hpp"

#include <fmt/format.h>

#include "kairos/core/error.hpp"
#include "scenario/scenario.hpp"

namespace kairos::detail {

const toml::node* param_source::find(std::string_view key) const {
  if (per_actor_)
    if (const toml::node* values = per_actor_->get(key)) return values->as_array()->get(index_);
  if (shared_) return shared_->get(key);
  return nullptr;
}

const toml::node& param_source::require(std::string_view key) const {
  if (const toml::node* n = find(key)) return *n;
  fail(nullptr, key, "required parameter is missing");
}

void param_source::fail(const toml::node* node, std::string_view key, std::string_view why) const {
  const std::string where = node ? scenario_->where(node) : scenario_->file.string();
  const bool per_actor = per_actor_ && per_actor_->get(key);
  const std::string_view field = per_actor ? per_actor_field_ : shared_field_;
  if (field.empty()) throw scenario_error(fmt::format("{}: parameter '{}': {}", where, key, why));
  throw scenario_error(fmt::format("{}: {}.{}: {}", where, field, key, why));
}

}  // namespace kairos::detail
