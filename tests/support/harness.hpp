#pragma once

// Runs a scenario given as TOML text in-process and exposes what happened:
// the statistics and every probe's samples in canonical order.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "run/simulation.hpp"
#include "scenario/scenario.hpp"

namespace kairos_test {

struct sample {
  kairos::tick_t tick;
  kairos::diasca_t diasca;
  kairos::aai_t aai;
  std::vector<double> values;
};

struct outcome {
  kairos::run_statistics stats;
  std::map<std::string, std::vector<sample>> probes;
  std::uint64_t digest;
};

/// `body` is everything after the [simulation] table; `simulation` adds keys
/// to it (tick, stop_tick, mode...).
outcome run_text(const std::string& toml, unsigned threads = 1);

/// The runtime error that stops the run of `toml` (a model failure, a
/// broken rule), or "(the run succeeded)".
std::string run_error(const std::string& toml, unsigned threads = 1);

}  // namespace kairos_test
