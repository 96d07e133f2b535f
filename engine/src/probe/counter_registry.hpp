#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kairos {

/// Names of the model-published counters, by id (ids are process-local; the
/// results use names).
std::uint32_t counter_id_for(std::string_view name);
std::vector<std::string> counter_names();

}  // namespace kairos
