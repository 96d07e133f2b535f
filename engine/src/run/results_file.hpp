#pragma once

#include <filesystem>
#include <vector>

#include <memory>
#include "kairos/run/run.hpp"
#include "probe/probe_store.hpp"
#include "probe/result_rows.hpp"
#include "scenario/scenario.hpp"

namespace kairos {

/// Writes results.h5 (docs/design.md §8): /probes/<name>/{tick,value,aai} with
/// `curves` and `kind` attributes (an aggregate probe has no aai), and /run
/// attributes. On several ranks the file is
/// shared (parallel HDF5): every rank makes the same calls in the same
/// order, and each writes its own rows of every probe. It is written under
/// a temporary name that rank 0 renames once every rank is done, so a failed
/// write never leaves a half file under the real name.
class results_writer {
 public:
  /// Creates `path`.partial with the /run attributes and every probe's
  /// group and datasets (together with every rank of MPI_COMM_WORLD when
  /// `parallel`).
  results_writer(const std::filesystem::path& path, const scenario& s, const std::vector<probe_schema>& probes,
                 const std::vector<probe_rows>& rows, const run_report& report, bool parallel);
  ~results_writer();
  /// This rank's rows of every probe (`rows` as given to the constructor).
  void write_rows();
  /// Closes the file (together with every rank when parallel).
  void close();
  /// Rank 0 only, once every rank has closed: moves the file into place.
  void commit() const;

 private:
  struct open_file;  // the HDF5 file and its probes' datasets
  std::filesystem::path path_, partial_;
  const std::vector<probe_schema>& probes_;
  const std::vector<probe_rows>& rows_;
  std::unique_ptr<open_file> open_;
};

/// Writes summary.json with the same facts as the summary line.
void write_summary_json(const std::filesystem::path& path, const scenario& s, const run_report& report);

/// Writes the scenario as run, --set overrides applied, so the output
/// directory says exactly what produced it.
void write_effective_scenario(const std::filesystem::path& path, const scenario& s);

/// Prints what a results file holds (`kairos inspect`).
void inspect_results_file(const std::filesystem::path& path, std::FILE* out);

/// Writes one probe's samples as CSV (`kairos inspect --csv PROBE`): a header
/// `tick,seconds,aai,<curve>...`, then one row per sample in the file's
/// order, values in their shortest exact decimal form. A usage error naming
/// the probes there when `probe` is not one of them.
void write_probe_csv(const std::filesystem::path& path, const std::string& probe, std::FILE* out);

}  // namespace kairos
