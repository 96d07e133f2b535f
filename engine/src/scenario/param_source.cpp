#include "scenario/param_source.hpp"

#include <fmt/format.h>

#include "kairos/core/error.hpp"
#include "scenario/population_file.hpp"
#include "scenario/scenario.hpp"

namespace kairos::detail {

namespace {

/// The elements of array parameter `key`, each read by `read` (nullopt: of
/// another type, or inexact); `kind` names the elements ("numbers").
template <class T, class Read>
std::vector<T> array_of(const param_source& params, std::string_view key, std::string_view kind, Read read) {
  const toml::node& n = params.require(key);
  const toml::array* array = n.as_array();
  if (!array) params.fail(&n, key, fmt::format("expected an array of {}", kind));
  std::vector<T> out;
  out.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    std::optional<T> value = read(element);
    if (!value) params.fail(&element, key, fmt::format("element {} (counting from 0): expected an array of {}", i, kind));
    out.push_back(std::move(*value));
  }
  return out;
}

}  // namespace

const toml::node* param_source::find_per_actor(std::string_view key) const {
  if (!per_actor_) return nullptr;
  const toml::node* values = per_actor_->get(key);
  if (!values) return nullptr;
  if (const toml::array* dense = values->as_array()) return dense->get(index_);
  // Sparse: { 11 = 1, 1000 = 1 }, the actors listed by index in the block;
  // the others take the shared value (or the class's default).
  return values->as_table()->get(std::to_string(index_));
}

const toml::node* param_source::find_in_file(std::string_view key) const {
  if (!rows_) return nullptr;
  const int column = rows_->column_of(key);
  return column < 0 ? nullptr : rows_->cell(row_, column);
}

const toml::node* param_source::find(std::string_view key) const {
  if (const toml::node* mine = find_per_actor(key)) return mine;
  if (const toml::node* mine = find_in_file(key)) return mine;
  if (shared_) return shared_->get(key);
  return nullptr;
}

const toml::node& param_source::require(std::string_view key) const {
  if (const toml::node* n = find(key)) return *n;
  fail(nullptr, key, "required parameter is missing");
}

void param_source::fail(const toml::node* node, std::string_view key, std::string_view why) const {
  // The file's cell is to blame when it gave the value, or when it is
  // empty and nothing else gives one.
  if (rows_ && rows_->column_of(key) >= 0 && !find_per_actor(key)) {
    const bool from_cell = find_in_file(key) != nullptr;
    if (from_cell || !(shared_ && shared_->get(key)))
      throw scenario_error(fmt::format("{}: {}, column '{}' ({}): {}{}", rows_->file().path().string(),
                                       rows_->describe_row(row_), key, rows_->file().field(), why,
                                       from_cell ? "" : " (the cell is empty)"));
  }
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

std::vector<bool> param_source::get_bools(std::string_view key) const {
  return array_of<bool>(*this, key, "booleans", [](const toml::node& e) { return e.value_exact<bool>(); });
}

std::vector<std::int64_t> param_source::get_ints(std::string_view key) const {
  return array_of<std::int64_t>(*this, key, "integers",
                                [](const toml::node& e) { return e.value_exact<std::int64_t>(); });
}

std::vector<double> param_source::get_doubles(std::string_view key) const {
  // value<double> converts an integer only when the double holds it exactly.
  return array_of<double>(*this, key, "numbers", [](const toml::node& e) {
    return e.is_number() ? e.value<double>() : std::optional<double>{};
  });
}

std::vector<std::string> param_source::get_strings(std::string_view key) const {
  return array_of<std::string>(*this, key, "strings", [](const toml::node& e) { return e.value_exact<std::string>(); });
}

}  // namespace kairos::detail
