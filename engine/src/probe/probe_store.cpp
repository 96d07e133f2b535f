#include "probe/probe_store.hpp"

#include <fnmatch.h>

#include <algorithm>

#include <fmt/format.h>

#include "kairos/core/error.hpp"
#include "transport/byte_buffer.hpp"

namespace kairos {

probe_store::probe_store(std::vector<std::string> select_patterns) : patterns_(std::move(select_patterns)) {}

std::string describe(probe_mode mode) {
  if (mode.kind == probe_kind::samples) return "a samples probe";
  return mode.period == 1 ? "an aggregate probe" : fmt::format("an aggregate probe of period {} ticks", mode.period);
}

namespace {
/// Tags of a probe's entry in encode(): its samples, or its per-tick aggregates.
constexpr std::uint8_t samples_entry = 's', aggregates_entry = 'a';
}  // namespace

probe_id probe_store::declare(std::string_view name, std::initializer_list<std::string_view> curves, probe_mode mode) {
  return declare_curves(name, curves, mode);
}

probe_id probe_store::declare(std::string_view name, const std::vector<std::string>& curves, probe_mode mode) {
  return declare_curves(name, curves, mode);
}

// Any range of curve names: an actor's constructor passes string_views and
// this must not allocate when the probe is already declared (the usual case).
template <class Curves>
probe_id probe_store::declare_curves(std::string_view name, const Curves& curves, probe_mode mode) {
  if (name.empty() || name.find('/') != std::string_view::npos)
    throw runtime_error(fmt::format("probe name '{}' is empty or contains '/'", name));
  if (mode.period == 0) throw runtime_error(fmt::format("probe '{}': an aggregate period of 0 ticks", name));
  if (mode.kind == probe_kind::samples) mode.period = 1;
  const std::uint64_t key = probe_key(name);
  std::lock_guard lock(mutex_);
  if (const auto it = by_key_.find(key); it != by_key_.end()) {
    const probe& p = probes_[it->second];
    if (p.name != name)
      throw runtime_error(fmt::format("probe names '{}' and '{}' have the same key; rename one", p.name, name));
    if (!std::equal(curves.begin(), curves.end(), p.curves.begin(), p.curves.end()))
      throw runtime_error(fmt::format("probe '{}' declared twice with different curves", name));
    if (p.mode != mode)
      throw runtime_error(fmt::format("probe '{}' declared both as {} and as {}", name, describe(p.mode), describe(mode)));
    return {key};
  }
  probe p;
  p.name = std::string(name);
  p.mode = mode;
  for (const std::string& pattern : patterns_) p.selected = p.selected || fnmatch(pattern.c_str(), p.name.c_str(), 0) == 0;
  p.curves.assign(curves.begin(), curves.end());
  p.result_curves = mode.kind == probe_kind::aggregate ? aggregate_result_curves(p.curves) : p.curves;
  by_key_.emplace(key, probes_.size());
  probes_.push_back(std::move(p));
  return {key};
}

// Two open rows: samples of a row arrive over many diascas (and, in
// lookahead windows, interleaved with the next row's), and folding a full
// accumulator into its packed row costs some hundred nanoseconds.
tick_accumulator& probe_store::open_row(probe& p, tick_t row) {
  for (auto it = p.open_rows.rbegin(); it != p.open_rows.rend(); ++it)
    if (it->first == row) return it->second;
  if (p.open_rows.size() == 2) {
    p.rows[p.open_rows.front().first].merge(p.open_rows.front().second);
    p.open_rows.erase(p.open_rows.begin());
  }
  return p.open_rows.emplace_back(row, tick_accumulator(p.curves.size())).second;
}

void probe_store::absorb(detail::worker_state& worker) {
  for (const detail::sample_record& r : worker.samples) {
    const auto it = by_key_.find(r.probe);
    if (it == by_key_.end())
      throw runtime_error(fmt::format("actor {} recorded a sample at tick {} to a probe never declared", r.aai, r.tick));
    probe& p = probes_[it->second];
    if (!p.selected) continue;
    if (r.value_count != p.curves.size())
      throw runtime_error(fmt::format("probe '{}' has {} curves but actor {} recorded {} values at tick {}", p.name,
                                      p.curves.size(), r.aai, r.value_count, r.tick));
    if (p.mode.kind == probe_kind::aggregate) {
      open_row(p, r.tick - r.tick % p.mode.period).add(worker.sample_values.data() + r.value_offset);
      continue;
    }
    p.samples.push_back({r.tick, r.diasca, r.seq, r.aai, p.values.size()});
    p.values.insert(p.values.end(), worker.sample_values.begin() + static_cast<std::ptrdiff_t>(r.value_offset),
                    worker.sample_values.begin() + static_cast<std::ptrdiff_t>(r.value_offset + r.value_count));
  }
  worker.samples.clear();
  worker.sample_values.clear();
}

// Every number little-endian (put_le), so that a checkpoint's samples read
// the same on a machine of the other byte order.
void probe_store::encode(std::vector<std::byte>& out) const {
  byte_writer w(out);
  for (const probe& p : probes_) {
    if (!p.selected) continue;
    if (p.mode.kind == probe_kind::aggregate) {
      w.put_le(aggregates_entry);
      w.put_string(p.name);
      w.put_strings(p.curves);
      w.put_le(p.mode.period);
      // The open rows go in too, merged into their stored part if there is
      // one (the run goes on, so they stay open here): a copy of a row or
      // two, not of every row.
      const auto open_row_of = [&](tick_t row) -> const tick_accumulator* {
        for (const auto& [at, sums] : p.open_rows)
          if (at == row) return &sums;
        return nullptr;
      };
      const auto put_row = [&](tick_t row, const tick_aggregate* stored, const tick_accumulator* open) {
        w.put_le(row);
        if (!open) {
          stored->encode(w);
          return;
        }
        tick_aggregate merged = stored ? *stored : tick_aggregate{};
        merged.merge(*open);
        merged.encode(w);
      };
      std::uint64_t count = p.rows.size();
      for (const auto& open : p.open_rows) count += p.rows.count(open.first) ? 0 : 1;
      w.put_le(count);
      for (const auto& [row, aggregate] : p.rows) put_row(row, &aggregate, open_row_of(row));
      for (const auto& [row, sums] : p.open_rows)
        if (!p.rows.count(row)) put_row(row, nullptr, &sums);
      continue;
    }
    w.put_le(samples_entry);
    w.put_string(p.name);
    w.put_strings(p.curves);
    w.put_le(static_cast<std::uint64_t>(p.samples.size()));
    for (const sample& s : p.samples) {
      w.put_le(s.tick);
      w.put_le(s.diasca);
      w.put_le(s.seq);
      w.put_le(s.aai);
      for (std::size_t c = 0; c < p.curves.size(); ++c) w.put_le(p.values[s.value_offset + c]);
    }
  }
}

void probe_store::merge(const std::vector<std::byte>& in) {
  byte_reader r(in);
  while (!r.done()) {
    const auto entry = r.get_le<std::uint8_t>();
    if (entry == samples_entry) merge_samples(r);
    else if (entry == aggregates_entry) merge_aggregates(r);
    else throw runtime_error(fmt::format("probe samples: unknown entry {:#x}", entry));
  }
}

// Probes arrive declared (a checkpoint's declarations are restored first);
// declaring again checks the curves and kind. What a shard kept was
// selected when it was recorded, so it stays selected.
void probe_store::merge_samples(byte_reader& r) {
  const std::string name = r.get_string();
  const std::vector<std::string> curves = r.get_strings();
  probe& p = probes_[by_key_.at(declare(name, curves).key)];
  p.selected = true;
  const auto count = r.get_le<std::uint64_t>();
  for (std::uint64_t i = 0; i < count; ++i) {
    sample s{};
    s.tick = r.get_le<tick_t>();
    s.diasca = r.get_le<diasca_t>();
    s.seq = r.get_le<std::uint32_t>();
    s.aai = r.get_le<aai_t>();
    s.value_offset = p.values.size();
    for (std::size_t c = 0; c < curves.size(); ++c) p.values.push_back(r.get_le<double>());
    p.samples.push_back(s);
  }
}

void probe_store::merge_aggregates(byte_reader& r) {
  const std::string name = r.get_string();
  const std::vector<std::string> curves = r.get_strings();
  const probe_mode mode{probe_kind::aggregate, r.get_le<std::uint64_t>()};
  probe& p = probes_[by_key_.at(declare(name, curves, mode).key)];
  p.selected = true;
  const auto rows = r.get_le<std::uint64_t>();
  for (std::uint64_t i = 0; i < rows; ++i) {
    const auto tick = r.get_le<tick_t>();
    const tick_aggregate more = tick_aggregate::decode(r);
    if (more.curves.size() != curves.size())
      throw runtime_error(fmt::format("probe '{}': an aggregate of {} curves for {} declared", name, more.curves.size(),
                                      curves.size()));
    p.rows[tick].merge(more);
  }
}

std::vector<probe_store::probe*> probe_store::aggregates() {
  std::vector<probe*> out;
  for (probe& p : probes_) {
    if (!p.selected || p.mode.kind != probe_kind::aggregate) continue;
    for (const auto& [row, sums] : p.open_rows) p.rows[row].merge(sums);
    p.open_rows.clear();
    out.push_back(&p);
  }
  return out;
}

void probe_store::add_aggregate_rows(std::string_view name, const std::vector<std::string>& curves, probe_mode mode,
                                     const std::map<tick_t, tick_aggregate>& whole_rows) {
  probe& p = probes_[by_key_.at(declare(name, curves, mode).key)];
  p.selected = true;
  for (const auto& [tick, whole] : whole_rows) {
    // One sample per row: no actor, no diasca, no sequence of its own.
    p.samples.push_back({tick, 0, 0, no_aai, p.values.size()});
    const std::vector<double> row = whole.row();
    p.values.insert(p.values.end(), row.begin(), row.end());
  }
}

void probe_store::finish() {
  for (probe& p : probes_) {
    std::sort(p.samples.begin(), p.samples.end(), [](const sample& a, const sample& b) {
      return std::tie(a.tick, a.diasca, a.aai, a.seq) < std::tie(b.tick, b.diasca, b.aai, b.seq);
    });
    const std::size_t width = p.result_curves.size();
    std::vector<double> ordered;
    ordered.reserve(p.values.size());
    for (sample& s : p.samples) {
      const std::size_t from = s.value_offset;
      s.value_offset = ordered.size();
      ordered.insert(ordered.end(), p.values.begin() + static_cast<std::ptrdiff_t>(from),
                     p.values.begin() + static_cast<std::ptrdiff_t>(from + width));
    }
    p.values = std::move(ordered);
  }
}

std::vector<const probe_store::probe*> probe_store::all() const {
  std::vector<const probe*> out;
  for (const probe& p : probes_) out.push_back(&p);
  return out;
}

std::vector<const probe_store::probe*> probe_store::sorted() const {
  std::vector<const probe*> out;
  for (const probe& p : probes_)
    if (p.selected) out.push_back(&p);
  std::sort(out.begin(), out.end(), [](const probe* a, const probe* b) { return a->name < b->name; });
  return out;
}

std::vector<probe_schema> probe_store::schemas() const {
  std::vector<probe_schema> out;
  for (const probe* p : sorted()) out.push_back({p->name, p->result_curves, p->mode});
  return out;
}

}  // namespace kairos
