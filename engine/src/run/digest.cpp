#include "run/digest.hpp"

#include <bit>
#include <cstring>

#include <fmt/format.h>
#include <xxhash.h>

#include "actor/actor_state.hpp"
#include "kairos/probe/probe_id.hpp"

namespace kairos {

namespace {

/// Bytes to hash, integers written little-endian whatever the machine, so a
/// field hashes the same on every architecture.
class le_bytes {
 public:
  void clear() { bytes_.clear(); }
  void put(std::uint64_t v) {
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    const auto at = bytes_.size();
    bytes_.resize(at + sizeof v);
    std::memcpy(bytes_.data() + at, &v, sizeof v);
  }
  void put(double v) { put(std::bit_cast<std::uint64_t>(v)); }
  void put_text(std::string_view text) {
    put(static_cast<std::uint64_t>(text.size()));
    bytes_.insert(bytes_.end(), text.begin(), text.end());
  }
  XXH128_hash_t hash() const { return XXH3_128bits(bytes_.data(), bytes_.size()); }

 private:
  std::vector<char> bytes_;
};

void add(std::array<std::uint64_t, 2>& sum, XXH128_hash_t h) {
  sum[0] += h.low64;   // unsigned: wraps modulo 2^64
  sum[1] += h.high64;
}

void add(digest_sums& into, const digest_sums& part) {
  for (int lane = 0; lane < 2; ++lane) {
    into.actors[lane] += part.actors[lane];
    into.samples[lane] += part.samples[lane];
  }
  into.actor_count += part.actor_count;
  into.sample_count += part.sample_count;
}

/// Actors per slice: enough slices to keep every worker busy.
constexpr std::size_t slice = 16384;

}  // namespace

std::vector<std::uint64_t> digest_sums::words() const {
  return {actors[0], actors[1], samples[0], samples[1], actor_count, sample_count};
}

digest_sums digest_sums::from_words(const std::vector<std::uint64_t>& w) {
  digest_sums d;
  d.actors = {w.at(0), w.at(1)};
  d.samples = {w.at(2), w.at(3)};
  d.actor_count = w.at(4);
  d.sample_count = w.at(5);
  return d;
}

digest_sums local_digest_sums(const probe_store& probes, const actor_table& actors, executor& workers) {
  // Scenario actors by slot, then those created at run time.
  const std::vector<actor*> created = actors.created_actors();
  const std::uint64_t slots = actors.slot_count();
  const std::size_t items = slots + created.size();
  const std::size_t slices = (items + slice - 1) / slice;
  std::vector<digest_sums> parts(slices);
  workers.for_ranges(slices, 1, [&](std::size_t begin, std::size_t end, unsigned) {
    std::string state;  // one actor's at a time: its bytes depend on nothing else
    state_archive_writer archive(state);
    le_bytes element;
    for (std::size_t s = begin; s < end; ++s) {
      digest_sums& part = parts[s];
      for (std::size_t i = s * slice; i < std::min(items, (s + 1) * slice); ++i) {
        const actor* a = i < slots ? actors.at_slot(i) : created[i - slots];
        if (!a) continue;
        const class_info& cls = actors.class_of(*a);
        state.clear();
        archive.append(cls, *a);
        const XXH128_hash_t state_hash = XXH3_128bits(state.data(), state.size());
        element.clear();
        element.put(a->aai());
        element.put_text(cls.name);
        element.put(detail::actor_access::rng_counter(*a));
        element.put(static_cast<std::uint64_t>(detail::actor_access::creations(*a)));
        element.put(state_hash.low64);
        element.put(state_hash.high64);
        add(part.actors, element.hash());
        ++part.actor_count;
      }
    }
  });
  digest_sums total;
  for (const digest_sums& part : parts) add(total, part);

  le_bytes element;
  for (const probe_store::probe* p : probes.sorted()) {
    const std::size_t width = p->curves.size();
    for (const probe_store::sample& s : p->samples) {
      element.clear();
      element.put(probe_key(p->name));
      element.put(s.tick);
      element.put(static_cast<std::uint64_t>(s.diasca));
      element.put(s.aai);
      element.put(static_cast<std::uint64_t>(s.seq));
      for (std::size_t c = 0; c < width; ++c) element.put(p->values[s.value_offset + c]);
      add(total.samples, element.hash());
      ++total.sample_count;
    }
  }
  return total;
}

std::uint64_t results_digest(const digest_sums& total, const std::vector<probe_schema>& probes) {
  le_bytes all;
  for (const probe_schema& p : probes) {
    all.put_text(p.name);
    all.put(static_cast<std::uint64_t>(p.curves.size()));
    for (const std::string& c : p.curves) all.put_text(c);
  }
  for (std::uint64_t w : total.words()) all.put(w);
  return all.hash().low64;
}

std::string digest_hex(std::uint64_t digest) { return fmt::format("{:016x}", digest); }

}  // namespace kairos
