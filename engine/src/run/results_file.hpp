#pragma once

#include <filesystem>

#include "kairos/run/run.hpp"
#include "probe/probe_store.hpp"
#include "scenario/scenario.hpp"

namespace kairos {

/// Writes results.h5 (DESIGN.md §8): /probes/<name>/{tick,value,aai} with a
/// `curves` attribute, and /run attributes. Written to a temporary name and
/// renamed, so a failed write never leaves a half file under the real name.
void write_results_file(const std::filesystem::path& path, const scenario& s, const probe_store& probes,
                        const run_report& report);

/// Writes summary.json with the same facts as the summary line.
void write_summary_json(const std::filesystem::path& path, const scenario& s, const run_report& report);

/// Writes the scenario as run, --set overrides applied, so the output
/// directory says exactly what produced it.
void write_effective_scenario(const std::filesystem::path& path, const scenario& s);

/// Prints what a results file holds (`kairos inspect`).
void inspect_results_file(const std::filesystem::path& path, std::FILE* out);

}  // namespace kairos
