#include "actor/actor_state.hpp"

#include <new>
#include <sstream>

#include <boost/archive/archive_exception.hpp>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <fmt/format.h>

#include "kairos/core/error.hpp"

namespace kairos {

namespace {

constexpr auto archive_flags = boost::archive::no_header | boost::archive::no_codecvt;

/// A streambuf appending to a string, so one stream serves many actors.
class append_buffer final : public std::streambuf {
 public:
  explicit append_buffer(std::string& out) : out_(out) {}

 protected:
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) out_.push_back(traits_type::to_char_type(c));
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_.append(s, static_cast<std::size_t>(n));
    return n;
  }

 private:
  std::string& out_;
};

}  // namespace

struct state_archive_writer::sink {
  explicit sink(std::string& target) : buffer(target), stream(&buffer), archive(stream, archive_flags) {}
  append_buffer buffer;
  std::ostream stream;
  boost::archive::binary_oarchive archive;
};

state_archive_writer::state_archive_writer(std::string& out) : sink_(std::make_unique<sink>(out)) {}
state_archive_writer::~state_archive_writer() = default;

void state_archive_writer::append(const class_info& cls, const actor& a) { cls.save(a, sink_->archive); }

std::vector<actor_record> split_state_archive(std::string_view archive, const std::vector<archived_actor>& rows) {
  std::vector<actor_record> out;
  out.reserve(rows.size());
  std::istringstream in(std::string(archive), std::ios::binary);
  boost::archive::binary_iarchive reader(in, archive_flags);
  for (const archived_actor& row : rows) {
    const class_info& cls = *row.cls;
    void* storage = ::operator new(cls.size, std::align_val_t(cls.align));
    actor* a = nullptr;
    try {
      a = cls.construct_blank(storage);
      cls.load(*a, reader);
      detail::actor_access::aai(*a) = row.aai;
      detail::actor_access::rng_counter(*a) = row.rng_counter;
      detail::actor_access::creations(*a) = row.creations;
      out.push_back(capture_actor(cls, *a));
    } catch (const std::exception& e) {
      if (a) cls.destroy(*a);
      ::operator delete(storage, std::align_val_t(cls.align));
      throw runtime_error(
          fmt::format("actor {} of class '{}': its saved state does not load: {}", row.aai, cls.name, e.what()));
    }
    cls.destroy(*a);
    ::operator delete(storage, std::align_val_t(cls.align));
  }
  return out;
}

namespace {
std::string serialize_actor_state(const class_info& cls, const actor& a) {
  std::string out;
  {
    append_buffer buffer(out);
    std::ostream stream(&buffer);
    boost::archive::binary_oarchive archive(stream, archive_flags);
    cls.save(a, archive);
  }
  return out;
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
