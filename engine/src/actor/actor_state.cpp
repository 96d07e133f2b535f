#include "actor/actor_state.hpp"

#include <istream>
#include <ostream>

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
  sink(std::string& target, unsigned flags) : buffer(target), stream(&buffer), archive(stream, flags) {}
  append_buffer buffer;
  std::ostream stream;
  boost::archive::binary_oarchive archive;
};

state_archive_writer::state_archive_writer(std::string& out, bool track_objects)
    : sink_(std::make_unique<sink>(out, archive_flags | (track_objects ? 0 : boost::archive::no_tracking))) {}
state_archive_writer::~state_archive_writer() = default;

void state_archive_writer::append(const class_info& cls, const actor& a) { cls.save(a, sink_->archive); }

namespace {
/// A read-only streambuf over bytes held elsewhere (no copy).
class memory_buffer final : public std::streambuf {
 public:
  explicit memory_buffer(std::string_view bytes) {
    char* begin = const_cast<char*>(bytes.data());  // get area only: never written through
    setg(begin, begin, begin + bytes.size());
  }
};
}  // namespace

struct state_archive_reader::source {
  explicit source(std::string_view bytes) : buffer(bytes), stream(&buffer), archive(stream, archive_flags) {}
  memory_buffer buffer;
  std::istream stream;
  boost::archive::binary_iarchive archive;
};

state_archive_reader::state_archive_reader(std::string_view archive)
    : source_(std::make_unique<source>(archive)) {}
state_archive_reader::~state_archive_reader() = default;

actor& state_archive_reader::next(const archived_actor& row, void* storage) {
  const class_info& cls = *row.cls;
  actor* a = cls.construct_blank(storage);
  try {
    cls.load(*a, source_->archive);
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
  state_archive_writer(record.state).append(cls, a);  // an archive of its own: the state loads anywhere
  return record;
}

actor& rebuild_actor(const class_info& cls, void* storage, const actor_record& record) {
  state_archive_reader reader(record.state);
  return reader.next({&cls, record.aai, record.rng_counter, record.creations}, storage);
}

}  // namespace kairos
