#include "kairos/scenario/section.hpp"

#include "scenario/param_source.hpp"

namespace kairos {

bool section::has(std::string_view key) const { return source_->find(key) != nullptr; }

double section::get_double(std::string_view key) const {
  const toml::node& n = source_->require(key);
  if (!n.is_number()) source_->fail(&n, key, "expected a number");
  return n.value<double>().value();
}

std::int64_t section::get_int(std::string_view key) const {
  const toml::node& n = source_->require(key);
  if (!n.is_integer()) source_->fail(&n, key, "expected an integer");
  return n.as_integer()->get();
}

void section::fail(std::string_view key, std::string_view why) const { source_->fail(source_->find(key), key, why); }

}  // namespace kairos
