#include "probe/aggregate_reduction.hpp"

#include <map>
#include <string>
#include <utility>

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
  std::vector<std::vector<std::byte>> outgoing(ranks);
  for (probe_store::probe* p : local.aggregates()) {
    const std::uint64_t key = probe_key(p->name);
    for (const auto& [tick, aggregate] : p->rows) {
      byte_writer w(outgoing[merging_rank(key, tick / p->mode.period, ranks)]);
      w.put_string(p->name);
      w.put_strings(p->curves);
      w.put(p->mode);
      w.put_le(tick);
      aggregate.encode(w);
    }
    p->rows.clear();
  }
  const std::vector<std::vector<std::byte>> received = ranks > 1 ? net.all_to_all(outgoing) : outgoing;
  outgoing.clear();

  struct whole_tick {
    std::vector<std::string> curves;
    probe_mode mode;
    tick_aggregate sum;
  };
  std::map<std::pair<std::string, tick_t>, whole_tick> merged;
  for (const std::vector<std::byte>& bytes : received) {
    byte_reader r(bytes);
    while (!r.done()) {
      std::string name = r.get_string();
      std::vector<std::string> curves = r.get_strings();
      const auto mode = r.get<probe_mode>();
      const auto tick = r.get_le<tick_t>();
      whole_tick& whole = merged[{std::move(name), tick}];
      whole.curves = std::move(curves);
      whole.mode = mode;
      whole.sum.merge(tick_aggregate::decode(r));
    }
  }
  for (const auto& [at, whole] : merged)
    local.add_aggregate_row(at.first, whole.curves, whole.mode, at.second, whole.sum);
}

}  // namespace kairos
