#include "run/digest.hpp"

#include <fmt/format.h>
#include <xxhash.h>

#include "actor/actor_state.hpp"
#include "kairos/probe/probe_id.hpp"

namespace kairos {

namespace {

/// One element's fields in the state archive's encoding (numbers
/// little-endian, text as length and bytes), so an element hashes the same
/// on every architecture; reused element after element.
class element_bytes {
 public:
  element_bytes() : archive_(bytes_) {}
  template <class... Fields>
  XXH128_hash_t hash(const Fields&... fields) {
    bytes_.clear();
    (archive_ << ... << fields);
    return XXH3_128bits(bytes_.data(), bytes_.size());
  }

 private:
  std::string bytes_;
  state_oarchive archive_;
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
    element_bytes element;
    for (std::size_t s = begin; s < end; ++s) {
      digest_sums& part = parts[s];
      for (std::size_t i = s * slice; i < std::min(items, (s + 1) * slice); ++i) {
        const actor* a = i < slots ? actors.at_slot(i) : created[i - slots];
        if (!a) continue;
        const class_info& cls = actors.class_of(*a);
        state.clear();
        archive.append(cls, *a);
        const XXH128_hash_t state_hash = XXH3_128bits(state.data(), state.size());
        add(part.actors, element.hash(a->aai(), cls.name, detail::actor_access::rng_counter(*a),
                                      std::uint64_t{detail::actor_access::creations(*a)}, state_hash.low64,
                                      state_hash.high64));
        ++part.actor_count;
      }
    }
  });
  digest_sums total;
  for (const digest_sums& part : parts) add(total, part);

  element_bytes element;
  for (const probe_store::probe* p : probes.sorted()) {
    const std::uint64_t key = probe_key(p->name);
    const std::size_t width = p->result_curves.size();
    for (const probe_store::sample& s : p->samples) {
      const auto sample_values = boost::serialization::make_array(p->values.data() + s.value_offset, width);
      add(total.samples, element.hash(key, s.tick, std::uint64_t{s.diasca}, s.aai, std::uint64_t{s.seq},
                                      sample_values));
      ++total.sample_count;
    }
  }
  return total;
}

std::uint64_t results_digest(const digest_sums& total, const std::vector<probe_schema>& probes) {
  std::string bytes;
  state_oarchive all(bytes);
  for (const probe_schema& p : probes) {
    all << p.name << std::uint64_t{p.curves.size()};
    for (const std::string& c : p.curves) all << c;
  }
  for (std::uint64_t w : total.words()) all << w;
  return XXH3_128bits(bytes.data(), bytes.size()).low64;
}

std::string digest_hex(std::uint64_t digest) { return fmt::format("{:016x}", digest); }

}  // namespace kairos
