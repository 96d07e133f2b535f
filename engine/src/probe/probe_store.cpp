#include "probe/probe_store.hpp"

#include <fnmatch.h>

#include <algorithm>

#include <fmt/format.h>

#include "kairos/core/error.hpp"
#include "transport/byte_buffer.hpp"

namespace kairos {

probe_store::probe_store(std::vector<std::string> select_patterns) : patterns_(std::move(select_patterns)) {}

probe_id probe_store::declare(std::string_view name, std::initializer_list<std::string_view> curves) {
  return declare_curves(name, curves);
}

probe_id probe_store::declare(std::string_view name, const std::vector<std::string>& curves) {
  return declare_curves(name, curves);
}

// Any range of curve names: an actor's constructor passes string_views and
// this must not allocate when the probe is already declared (the usual case).
template <class Curves>
probe_id probe_store::declare_curves(std::string_view name, const Curves& curves) {
  if (name.empty() || name.find('/') != std::string_view::npos)
    throw runtime_error(fmt::format("probe name '{}' is empty or contains '/'", name));
  const std::uint64_t key = probe_key(name);
  std::lock_guard lock(mutex_);
  if (const auto it = by_key_.find(key); it != by_key_.end()) {
    const probe& p = probes_[it->second];
    if (p.name != name)
      throw runtime_error(fmt::format("probe names '{}' and '{}' have the same key; rename one", p.name, name));
    if (!std::equal(curves.begin(), curves.end(), p.curves.begin(), p.curves.end()))
      throw runtime_error(fmt::format("probe '{}' declared twice with different curves", name));
    return {key};
  }
  probe p;
  p.name = std::string(name);
  for (const std::string& pattern : patterns_) p.selected = p.selected || fnmatch(pattern.c_str(), p.name.c_str(), 0) == 0;
  p.curves.assign(curves.begin(), curves.end());
  by_key_.emplace(key, probes_.size());
  probes_.push_back(std::move(p));
  return {key};
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
    const std::string name = r.get_string();
    const std::vector<std::string> curves = r.get_strings();
    const std::uint64_t key = probe_key(name);
    auto it = by_key_.find(key);
    if (it == by_key_.end()) {
      probe p;
      p.name = name;
      p.selected = true;
      p.curves = curves;
      it = by_key_.emplace(key, probes_.size()).first;
      probes_.push_back(std::move(p));
    }
    probe& p = probes_[it->second];
    if (p.curves != curves) throw runtime_error(fmt::format("probe '{}' has different curves on different ranks", name));
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
  for (const probe* p : sorted()) out.push_back({p->name, p->curves});
  return out;
}

}  // namespace kairos
