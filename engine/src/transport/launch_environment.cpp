#include "transport/launch_environment.hpp"

#include <cstdlib>
#include <initializer_list>

namespace kairos {

launch_environment detect_launch_environment() noexcept {
  const auto number = [](std::initializer_list<const char*> names) {
    for (const char* name : names)
      if (const char* v = std::getenv(name); v && *v) return std::atoi(v);
    return -1;
  };
  const int rank = number({"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"});
  const int size = number({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"});
  return {rank >= 0 || size >= 0, rank > 0 ? rank : 0, size > 0 ? size : 0};
}

bool launched_by_mpi() noexcept { return detect_launch_environment().by_launcher; }

}  // namespace kairos
