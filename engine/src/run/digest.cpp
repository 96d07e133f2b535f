#include "run/digest.hpp"

#include <sstream>

#include <boost/archive/binary_oarchive.hpp>
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

std::string serialize_actor_state(const class_info& cls, const actor& a) {
  std::ostringstream out(std::ios::binary);
  {
    boost::archive::binary_oarchive archive(out, boost::archive::no_header | boost::archive::no_codecvt);
    cls.save(a, archive);
  }
  return std::move(out).str();
}

std::uint64_t results_digest(const probe_store& probes, const actor_table& actors) {
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
  for (const actor* a : actors.sorted_by_aai()) {
    const class_info& cls = actors.class_of(*a);
    const std::string state = serialize_actor_state(cls, *a);
    const std::uint64_t actor_hash = XXH3_64bits(state.data(), state.size());
    h.add(a->aai());
    h.add_bytes(cls.name);
    h.add(detail::actor_access::rng_counter(*a));
    h.add(detail::actor_access::creations(*a));
    h.add(actor_hash);
  }
  return h.value();
}

std::string digest_hex(std::uint64_t digest) { return fmt::format("{:016x}", digest); }

}  // namespace kairos
