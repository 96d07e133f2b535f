#pragma once

// `kairos info`: what a model writer or a scenario author can use. With no
// plugin named, the plugins found on the search path; with names, the
// engine's scenario keys and, per plugin, its sections, actor classes (their
// parameters with types and defaults, probes and handled messages) and
// counters.

#include <string>
#include <vector>

namespace kairos::cli {

void print_info(const std::vector<std::string>& plugins);

}  // namespace kairos::cli
