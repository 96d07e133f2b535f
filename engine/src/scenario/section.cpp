#include "kairos/scenario/section.hpp"

#include "scenario/param_source.hpp"

namespace kairos {

bool section::has(std::string_view key) const { return source_->find(key) != nullptr; }

double section::get_double(std::string_view key) const { return source_->get_double(key); }
std::int64_t section::get_int(std::string_view key) const { return source_->get_int(key); }

std::string section::get_string(std::string_view key) const { return source_->get_string(key); }

void section::fail(std::string_view key, std::string_view why) const { source_->fail(source_->find(key), key, why); }

}  // namespace kairos
