#include "actor/actor_state.hpp"

#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos {

actor& state_archive_reader::next(const archived_actor& row, void* storage) {
  const class_info& cls = *row.cls;
  actor* a = cls.construct_blank(storage);
  try {
    cls.load(*a, archive_);
  } catch (const std::exception& e) {
    cls.destroy(*a);
    throw runtime_error(
        fmt::format("actor {} of class '{}': its saved state does not load: {}", row.aai, cls.name, e.what()));
  }
  detail::actor_access::aai(*a) = row.aai;
  detail::actor_access::rng_counter(*a) = row.rng_counter;
  detail::actor_access::creations(*a) = row.creations;
  detail::actor_access::class_id(*a) = cls.id;
  return *a;
}

actor_record capture_actor(const class_info& cls, const actor& a) {
  actor_record record{a.aai(), detail::actor_access::rng_counter(a), detail::actor_access::creations(a), {}};
  state_archive_writer(record.state).append(cls, a);
  return record;
}

actor& load_actor(const archived_actor& row, std::string_view state, void* storage) {
  state_archive_reader reader(state);
  actor& a = reader.next(row, storage);
  if (reader.remaining() != 0) {
    row.cls->destroy(a);
    throw runtime_error(fmt::format("actor {} of class '{}': its saved state is {} byte(s) longer than it loads",
                                    row.aai, row.cls->name, reader.remaining()));
  }
  return a;
}

actor& rebuild_actor(const class_info& cls, void* storage, const actor_record& record) {
  return load_actor({&cls, record.aai, record.rng_counter, record.creations}, record.state, storage);
}

}  // namespace kairos
