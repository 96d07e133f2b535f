#include "probe/aggregate_reduction.hpp"

#include <map>
#include <string>
#include <utility>

#include "probe/probe_mode_bytes.hpp"
#include "transport/byte_buffer.hpp"

namespace kairos {

namespace {
/// The rank that merges row `row` (its first tick over the period) of the
/// probe with `key`: consecutive rows go to consecutive ranks, and each
/// probe starts elsewhere.
std::size_t merging_rank(std::uint64_t key, std::uint64_t row, std::size_t ranks) {
  return static_cast<std::size_t>((key % ranks + row % ranks) % ranks);
}
}  // namespace

void reduce_aggregates(probe_store& local, transport& net) {
  const auto ranks = static_cast<std::size_t>(net.size());
  // Per destination, per probe: name, curves and mode once, then its rows.
  std::vector<std::vector<std::byte>> outgoing(ranks);
  for (probe_store::probe* p : local.aggregates()) {
    const std::uint64_t key = probe_key(p->name);
    std::vector<std::vector<const std::pair<const tick_t, tick_aggregate>*>> rows_for(ranks);
    for (const auto& row : p->rows) rows_for[merging_rank(key, row.first / p->mode.period, ranks)].push_back(&row);
    for (std::size_t to = 0; to < ranks; ++to) {
      if (rows_for[to].empty()) continue;
      byte_writer w(outgoing[to]);
      w.put_string(p->name);
      w.put_strings(p->curves);
      put_probe_mode(w, p->mode);
      w.put_le(static_cast<std::uint64_t>(rows_for[to].size()));
      for (const auto* row : rows_for[to]) {
        w.put_le(row->first);
        row->second.encode(w);
      }
    }
    p->rows.clear();
  }
  const std::vector<std::vector<std::byte>> received = ranks > 1 ? net.all_to_all(outgoing) : outgoing;
  outgoing.clear();

  struct whole_probe {
    std::vector<std::string> curves;
    probe_mode mode;
    std::map<tick_t, tick_aggregate> rows;
  };
  std::map<std::string, whole_probe> merged;
  for (const std::vector<std::byte>& bytes : received) {
    byte_reader r(bytes);
    while (!r.done()) {
      whole_probe& probe = merged[r.get_string()];
      probe.curves = r.get_strings();
      probe.mode = get_probe_mode(r);
      const auto rows = r.get_le<std::uint64_t>();
      for (std::uint64_t i = 0; i < rows; ++i) {
        const auto tick = r.get_le<tick_t>();
        probe.rows[tick].merge(tick_aggregate::decode(r));
      }
    }
  }
  for (const auto& [name, probe] : merged) local.add_aggregate_rows(name, probe.curves, probe.mode, probe.rows);
}

}  // namespace kairos
