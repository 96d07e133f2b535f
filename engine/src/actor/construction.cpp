// What an actor's construction needs from the engine library: the AAI its
// base class reads (so aai() answers inside the model's constructor), and
// readable type names for the errors about classes.
#include <cxxabi.h>

#include <cstdlib>
#include <memory>

#include "kairos/actor/actor.hpp"
#include "kairos/actor/class_info.hpp"

namespace kairos::detail {

[[gnu::tls_model("initial-exec")]] constinit thread_local aai_t aai_under_construction = no_aai;

std::string demangled(const char* mangled) {
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> name(abi::__cxa_demangle(mangled, nullptr, nullptr, &status),
                                                         &std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(mangled);
}

}  // namespace kairos::detail
