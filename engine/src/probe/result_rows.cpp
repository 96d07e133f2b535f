#include "probe/result_rows.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "kairos/core/error.hpp"
#include "probe/probe_mode_bytes.hpp"
#include "transport/byte_buffer.hpp"

namespace kairos {

namespace {

/// Where a sample belongs in results.h5: probe (index into the run's sorted
/// probes), then the canonical order inside the probe. Unique per sample.
struct sample_key {
  std::uint32_t probe;
  tick_t tick;
  diasca_t diasca;
  aai_t aai;
  std::uint32_t seq;
  friend bool operator<(const sample_key& a, const sample_key& b) {
    return std::tie(a.probe, a.tick, a.diasca, a.aai, a.seq) < std::tie(b.probe, b.tick, b.diasca, b.aai, b.seq);
  }
};

void put_key(byte_writer& w, const sample_key& k) {
  w.put(k.probe);
  w.put(k.tick);
  w.put(k.diasca);
  w.put(k.aai);
  w.put(k.seq);
}

sample_key get_key(byte_reader& r) {
  sample_key k{};
  k.probe = r.get<std::uint32_t>();
  k.tick = r.get<tick_t>();
  k.diasca = r.get<diasca_t>();
  k.aai = r.get<aai_t>();
  k.seq = r.get<std::uint32_t>();
  return k;
}

/// A sample: its key and where its values are.
struct keyed_sample {
  sample_key key;
  const double* values;  ///< in the probe store (own samples) or in `received_values`
};

/// This rank's samples of selected probes, sorted by key.
std::vector<keyed_sample> own_samples(const probe_store& local, const std::vector<probe_schema>& probes) {
  std::unordered_map<std::string_view, std::uint32_t> index;
  for (std::size_t i = 0; i < probes.size(); ++i) index.emplace(probes[i].name, static_cast<std::uint32_t>(i));
  std::vector<keyed_sample> out;
  for (const probe_store::probe* p : local.sorted()) {
    const std::uint32_t probe = index.at(p->name);
    for (const probe_store::sample& s : p->samples)
      out.push_back({{probe, s.tick, s.diasca, s.aai, s.seq}, p->values.data() + s.value_offset});
  }
  std::sort(out.begin(), out.end(), [](const keyed_sample& a, const keyed_sample& b) { return a.key < b.key; });
  return out;
}

/// Regular sampling: each rank offers ranks - 1 evenly spaced keys of its
/// sorted samples; every rank sorts all offers and takes ranks - 1 evenly
/// spaced ones, so all ranks split the key space at the same places.
std::vector<sample_key> choose_splitters(const std::vector<keyed_sample>& mine, transport& net) {
  const auto ranks = static_cast<std::size_t>(net.size());
  std::vector<std::byte> offer;
  byte_writer w(offer);
  if (!mine.empty())
    for (std::size_t k = 1; k < ranks; ++k) put_key(w, mine[k * mine.size() / ranks].key);
  std::vector<sample_key> offers;
  for (const std::vector<std::byte>& bytes : net.all_gather(offer)) {
    byte_reader r(bytes);
    while (!r.done()) offers.push_back(get_key(r));
  }
  std::sort(offers.begin(), offers.end());
  std::vector<sample_key> splitters;
  if (!offers.empty())
    for (std::size_t k = 1; k < ranks; ++k) splitters.push_back(offers[k * offers.size() / ranks]);
  return splitters;
}

}  // namespace

std::vector<probe_schema> agree_on_probes(const probe_store& local, transport& net) {
  std::vector<std::byte> mine;
  byte_writer w(mine);
  for (const probe_schema& p : local.schemas()) {
    w.put_string(p.name);
    w.put_strings(p.curves);
    put_probe_mode(w, p.mode);
  }
  std::map<std::string, probe_schema> all;
  for (const std::vector<std::byte>& bytes : net.all_gather(mine)) {
    byte_reader r(bytes);
    while (!r.done()) {
      probe_schema p;
      p.name = r.get_string();
      p.curves = r.get_strings();
      p.mode = get_probe_mode(r);
      const auto [at, added] = all.try_emplace(p.name, p);
      if (!added && at->second != p)
        throw runtime_error(fmt::format("probe '{}' has different curves, kinds or periods on different ranks", p.name));
    }
  }
  std::vector<probe_schema> out;
  for (auto& [name, p] : all) out.push_back(std::move(p));
  return out;
}

std::vector<probe_rows> sort_samples(const probe_store& local, const std::vector<probe_schema>& probes,
                                     transport& net) {
  std::vector<keyed_sample> samples = own_samples(local, probes);
  std::vector<double> received_values;  // other ranks' values, alive while rows are built
  if (net.size() > 1) {
    // Sorted samples split at the splitters: destinations only increase.
    const std::vector<sample_key> splitters = choose_splitters(samples, net);
    std::vector<std::vector<std::byte>> outgoing(static_cast<std::size_t>(net.size()));
    std::size_t destination = 0;
    for (const keyed_sample& s : samples) {
      while (destination < splitters.size() && !(s.key < splitters[destination])) ++destination;
      byte_writer w(outgoing[destination]);
      put_key(w, s.key);
      w.put_bytes(s.values, probes[s.key.probe].curves.size() * sizeof(double));
    }
    samples.clear();
    std::vector<std::vector<std::byte>> received = net.all_to_all(outgoing);
    outgoing.clear();
    // Values are copied out of the byte buffers so that they are aligned.
    std::vector<std::pair<sample_key, std::size_t>> keys;  // value offset, in doubles
    std::vector<double>& values = received_values;
    for (const std::vector<std::byte>& bytes : received) {
      byte_reader r(bytes);
      while (!r.done()) {
        const sample_key k = get_key(r);
        const std::size_t width = probes.at(k.probe).curves.size();
        keys.emplace_back(k, values.size());
        values.resize(values.size() + width);
        std::memcpy(values.data() + keys.back().second, r.take(width * sizeof(double)), width * sizeof(double));
      }
    }
    received.clear();
    samples.reserve(keys.size());
    for (const auto& [k, at] : keys) samples.push_back({k, values.data() + at});
    std::sort(samples.begin(), samples.end(), [](const keyed_sample& a, const keyed_sample& b) { return a.key < b.key; });
  }

  std::vector<probe_rows> rows(probes.size());
  for (const keyed_sample& s : samples) {
    probe_rows& r = rows[s.key.probe];
    r.tick.push_back(s.key.tick);
    r.aai.push_back(s.key.aai);
    r.values.insert(r.values.end(), s.values, s.values + probes[s.key.probe].curves.size());
  }
  std::vector<std::uint64_t> counts;
  for (const probe_rows& r : rows) counts.push_back(r.tick.size());
  const std::vector<std::uint64_t> first = net.exclusive_prefix_sum(counts);
  const std::vector<std::uint64_t> total = net.sum(counts);
  for (std::size_t p = 0; p < rows.size(); ++p) {
    rows[p].first = first[p];
    rows[p].total = total[p];
  }
  return rows;
}

}  // namespace kairos
