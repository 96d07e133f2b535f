#pragma once

#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kairos/core/types.hpp"
#include "kairos/detail/worker_state.hpp"
#include "kairos/probe/probe_id.hpp"

namespace kairos {

/// A probe as results.h5 lists it: its name and its curves' names.
struct probe_schema {
  std::string name;
  std::vector<std::string> curves;
};

/// The probes of a run and their samples. Samples reach it from the workers
/// at the end of each diasca; finish() puts every probe in canonical order,
/// (tick, diasca, AAI, per-actor sequence), so results do not depend on which
/// thread or rank recorded what.
class probe_store {
 public:
  struct sample {
    tick_t tick;
    diasca_t diasca;
    std::uint32_t seq;
    aai_t aai;
    std::size_t value_offset;
  };
  struct probe {
    std::string name;
    bool selected = false;  ///< by the scenario's probe patterns
    std::vector<std::string> curves;
    std::vector<sample> samples;
    std::vector<double> values;  ///< samples.size() * curves.size(), in sample order after finish()
  };

  explicit probe_store(std::vector<std::string> select_patterns);

  /// Declares a probe (idempotent for the same curves). Samples to a probe
  /// the scenario does not select are dropped when absorbed.
  probe_id declare(std::string_view name, std::initializer_list<std::string_view> curves);
  /// The same with curve names held elsewhere (a restored checkpoint).
  probe_id declare(std::string_view name, const std::vector<std::string>& curves);
  /// Moves a worker's samples of this diasca into the store.
  void absorb(detail::worker_state& worker);
  /// Appends this store's selected probes and samples to `out`, to be
  /// merged into rank 0's store.
  void encode(std::vector<std::byte>& out) const;
  /// Adds the probes and samples another rank encoded.
  void merge(const std::vector<std::byte>& in);
  /// Sorts every probe's samples canonically and lays values out in that order.
  void finish();

  /// How many probes are declared (between diascas: no worker declares then).
  std::size_t declared() const noexcept { return probes_.size(); }
  /// Every declared probe, selected or not, in declaration order.
  std::vector<const probe*> all() const;
  /// Selected probes that hold samples or were declared, sorted by name.
  std::vector<const probe*> sorted() const;
  /// The same as schemas (this rank's: see agree_on_probes for the run's).
  std::vector<probe_schema> schemas() const;

 private:
  template <class Curves>
  probe_id declare_curves(std::string_view name, const Curves& curves);

  std::vector<std::string> patterns_;
  std::vector<probe> probes_;
  std::unordered_map<std::uint64_t, std::size_t> by_key_;
  std::mutex mutex_;
};

}  // namespace kairos
