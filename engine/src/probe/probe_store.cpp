#include "probe/probe_store.hpp"

#include <fnmatch.h>

#include <algorithm>

#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos {

probe_store::probe_store(std::vector<std::string> select_patterns) : patterns_(std::move(select_patterns)) {}

probe_id probe_store::declare(std::string_view name, std::initializer_list<std::string_view> curves) {
  if (name.empty() || name.find('/') != std::string_view::npos)
    throw runtime_error(fmt::format("probe name '{}' is empty or contains '/'", name));
  const std::string key(name);
  bool selected = false;
  for (const std::string& p : patterns_) selected = selected || fnmatch(p.c_str(), key.c_str(), 0) == 0;
  if (!selected) return {};

  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < probes_.size(); ++i) {
    if (probes_[i].name != name) continue;
    if (!std::equal(curves.begin(), curves.end(), probes_[i].curves.begin(), probes_[i].curves.end()))
      throw runtime_error(fmt::format("probe '{}' declared twice with different curves", name));
    return {static_cast<std::uint32_t>(i)};
  }
  probe p;
  p.name = key;
  for (std::string_view c : curves) p.curves.emplace_back(c);
  probes_.push_back(std::move(p));
  return {static_cast<std::uint32_t>(probes_.size() - 1)};
}

void probe_store::absorb(detail::worker_state& worker) {
  for (const detail::sample_record& r : worker.samples) {
    probe& p = probes_[r.probe];
    if (r.value_count != p.curves.size())
      throw runtime_error(fmt::format("probe '{}' has {} curves but actor {} recorded {} values at tick {}", p.name,
                                      p.curves.size(), r.aai, r.value_count, r.tick));
    p.samples.push_back({r.tick, r.diasca, r.seq, r.aai, p.values.size()});
    p.values.insert(p.values.end(), worker.sample_values.begin() + static_cast<std::ptrdiff_t>(r.value_offset),
                    worker.sample_values.begin() + static_cast<std::ptrdiff_t>(r.value_offset + r.value_count));
  }
  worker.samples.clear();
  worker.sample_values.clear();
}

void probe_store::finish() {
  for (probe& p : probes_) {
    std::sort(p.samples.begin(), p.samples.end(), [](const sample& a, const sample& b) {
      return std::tie(a.tick, a.diasca, a.aai, a.seq) < std::tie(b.tick, b.diasca, b.aai, b.seq);
    });
    const std::size_t width = p.curves.size();
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

std::vector<const probe_store::probe*> probe_store::sorted() const {
  std::vector<const probe*> out;
  for (const probe& p : probes_) out.push_back(&p);
  std::sort(out.begin(), out.end(), [](const probe* a, const probe* b) { return a->name < b->name; });
  return out;
}

}  // namespace kairos
