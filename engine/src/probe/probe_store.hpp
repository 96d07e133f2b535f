#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kairos/core/types.hpp"
#include "kairos/detail/worker_state.hpp"
#include "kairos/probe/probe_id.hpp"
#include "probe/tick_aggregate.hpp"

namespace kairos {

/// A probe as results.h5 lists it: its name, its curves' names (for an
/// aggregate probe, the statistics: aggregate_result_curves), its kind and
/// an aggregate's period.
struct probe_schema {
  std::string name;
  std::vector<std::string> curves;
  probe_mode mode{};
  friend bool operator==(const probe_schema&, const probe_schema&) = default;
};

/// The probes of a run and their samples. Samples reach it from the workers
/// at the end of each diasca; finish() puts every probe in canonical order,
/// (tick, diasca, AAI, per-actor sequence), so results do not depend on which
/// thread or rank recorded what. An aggregate probe keeps no samples while
/// the run goes: per tick, the aggregate of what was recorded (exact, so
/// partial aggregates merge in any order), turned into one sample per tick
/// at the end (reduce_aggregates).
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
    probe_mode mode;
    bool selected = false;  ///< by the scenario's probe patterns
    std::vector<std::string> curves;         ///< as declared: one value per curve in each record()
    std::vector<std::string> result_curves;  ///< as results.h5 shows them (the same for a samples probe)
    std::vector<sample> samples;
    std::vector<double> values;  ///< samples.size() * result_curves.size(), in sample order after finish()
    std::map<tick_t, tick_aggregate> rows;  ///< aggregate probe: this rank's share of each row so far, by first tick
    /// Aggregate probe: the rows samples are arriving for, at full width
    /// (cheap to add to), folded into `rows` when another row needs the
    /// place and before the rows are read.
    std::vector<std::pair<tick_t, tick_accumulator>> open_rows;
  };

  explicit probe_store(std::vector<std::string> select_patterns);

  /// Declares a probe (idempotent for the same curves and mode). Samples
  /// to a probe the scenario does not select are dropped when absorbed.
  probe_id declare(std::string_view name, std::initializer_list<std::string_view> curves, probe_mode mode = {});
  /// The same with curve names held elsewhere (a restored checkpoint).
  probe_id declare(std::string_view name, const std::vector<std::string>& curves, probe_mode mode = {});
  /// Moves a worker's samples of this diasca into the store.
  void absorb(detail::worker_state& worker);
  /// Appends this store's selected probes and samples to `out`, to be
  /// merged into rank 0's store.
  void encode(std::vector<std::byte>& out) const;
  /// Adds the probes and samples another rank encoded.
  void merge(const std::vector<std::byte>& in);
  /// Selected aggregate probes, their open rows folded into `rows`, which
  /// reduce_aggregates takes (and clears).
  std::vector<probe*> aggregates();
  /// Adds the reduced rows of an aggregate probe, each as its one sample of
  /// its first tick (declaring the probe here if it was not).
  void add_aggregate_rows(std::string_view name, const std::vector<std::string>& curves, probe_mode mode,
                          const std::map<tick_t, tick_aggregate>& whole_rows);
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
  probe_id declare_curves(std::string_view name, const Curves& curves, probe_mode mode);
  void merge_samples(byte_reader& in);
  void merge_aggregates(byte_reader& in);
  /// The open row of `p` starting at `row`, opened (and another folded
  /// into p.rows if two are open) if need be.
  static tick_accumulator& open_row(probe& p, tick_t row);

  std::vector<std::string> patterns_;
  std::vector<probe> probes_;
  std::unordered_map<std::uint64_t, std::size_t> by_key_;
  std::mutex mutex_;
};

}  // namespace kairos
