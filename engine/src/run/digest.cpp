#include "run/digest.hpp"

#include "actor/actor_state.hpp"

#include <fmt/format.h>
#include <xxhash.h>

namespace kairos {

namespace {

class hasher {
 public:
  hasher() : state_(XXH3_createState()) { XXH3_64bits_reset(state_); }
  ~hasher() { XXH3_freeState(state_); }
  hasher(const hasher&) = delete;
  hasher& operator=(const hasher&) = delete;

  template <class T>
  void add(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    XXH3_64bits_update(state_, &value, sizeof value);
  }
  void add_bytes(std::string_view bytes) {
    add(static_cast<std::uint64_t>(bytes.size()));
    XXH3_64bits_update(state_, bytes.data(), bytes.size());
  }
  std::uint64_t value() const { return XXH3_64bits_digest(state_); }

 private:
  XXH3_state_t* state_;
};

}  // namespace

namespace {

actor_digest digest_of(const actor_table& actors, const actor& a) {
  const class_info& cls = actors.class_of(a);
  const actor_record r = capture_actor(cls, a);
  hasher h;
  h.add(r.aai);
  h.add_bytes(cls.name);
  h.add(r.rng_counter);
  h.add(r.creations);
  h.add_bytes(r.state);
  return {r.aai, h.value()};
}

}  // namespace

std::vector<actor_digest> actor_digests(const actor_table& actors) {
  std::vector<actor_digest> out;
  out.reserve(actors.size());
  for (const actor* a : actors.sorted_by_aai()) out.push_back(digest_of(actors, *a));
  return out;
}

std::uint64_t results_digest(const probe_store& probes, const actor_table& local,
                             const std::vector<actor_digest>& others) {
  hasher h;
  for (const probe_store::probe* p : probes.sorted()) {
    h.add_bytes(p->name);
    for (const std::string& c : p->curves) h.add_bytes(c);
    h.add(static_cast<std::uint64_t>(p->samples.size()));
    const std::size_t width = p->curves.size();
    for (const probe_store::sample& s : p->samples) {
      h.add(s.tick);
      h.add(s.diasca);
      h.add(s.aai);
      for (std::size_t i = 0; i < width; ++i) h.add(p->values[s.value_offset + i]);
    }
  }
  // Local actors and the other ranks' digests, merged in AAI order; local
  // digests are computed on the fly, never stored.
  const auto add = [&h](const actor_digest& d) {
    h.add(d.aai);
    h.add(d.hash);
  };
  auto other = others.begin();
  for (const actor* a : local.sorted_by_aai()) {
    for (; other != others.end() && other->aai < a->aai(); ++other) add(*other);
    add(digest_of(local, *a));
  }
  for (; other != others.end(); ++other) add(*other);
  return h.value();
}

std::string digest_hex(std::uint64_t digest) { return fmt::format("{:016x}", digest); }

}  // namespace kairos
