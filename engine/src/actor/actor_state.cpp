#include "actor/actor_state.hpp"

#include <sstream>

#include <boost/archive/archive_exception.hpp>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos {

namespace {

constexpr auto archive_flags = boost::archive::no_header | boost::archive::no_codecvt;

std::string serialize_actor_state(const class_info& cls, const actor& a) {
  std::ostringstream out(std::ios::binary);
  {
    boost::archive::binary_oarchive archive(out, archive_flags);
    cls.save(a, archive);
  }
  return std::move(out).str();
}

}  // namespace

actor_record capture_actor(const class_info& cls, const actor& a) {
  return {a.aai(), detail::actor_access::rng_counter(a), detail::actor_access::creations(a), serialize_actor_state(cls, a)};
}

actor& rebuild_actor(const class_info& cls, void* storage, const actor_record& record) {
  actor* a = cls.construct_blank(storage);
  try {
    std::istringstream in(record.state, std::ios::binary);
    boost::archive::binary_iarchive archive(in, archive_flags);
    cls.load(*a, archive);
  } catch (const std::exception& e) {
    cls.destroy(*a);
    throw runtime_error(fmt::format("actor {} of class '{}': its saved state does not load: {}", record.aai, cls.name, e.what()));
  }
  detail::actor_access::aai(*a) = record.aai;
  detail::actor_access::rng_counter(*a) = record.rng_counter;
  detail::actor_access::creations(*a) = record.creations;
  detail::actor_access::class_id(*a) = cls.id;
  return *a;
}

}  // namespace kairos
