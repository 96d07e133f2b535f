#include "exec/wait_policy.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos {

wait_policy choose_wait_policy(unsigned threads_per_rank, int ranks_on_node) {
  if (const char* forced = std::getenv("KAIROS_WAIT")) {
    const std::string_view choice(forced);
    if (choice == "spin") return wait_policy::spin;
    if (choice == "yield") return wait_policy::yield;
    throw runtime_error(fmt::format("KAIROS_WAIT='{}': expected 'spin' or 'yield'", choice));
  }
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  long allowed = online;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) allowed = CPU_COUNT(&set);
  const long threads = std::max(1u, threads_per_rank);
  const bool own_cores = threads <= allowed && threads * std::max(1, ranks_on_node) <= online;
  return own_cores ? wait_policy::spin : wait_policy::yield;
}

const char* describe(wait_policy policy) noexcept { return policy == wait_policy::spin ? "spin" : "yield"; }

}  // namespace kairos
