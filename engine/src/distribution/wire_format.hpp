#pragma once

// What ranks send each other at the end of a diasca (or of a lookahead
// window): one buffer per destination rank, a sequence of entries, each a
// message for one of its actors, a timed message for one of its actors, an
// actor created elsewhere that lives there, or a probe the sender declared
// (ahead of the actors that may record to it). Both ends are the
// same build on the same architecture (checked at start), so fields are raw.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "actor/actor_state.hpp"
#include "kairos/detail/worker_state.hpp"
#include "kairos/probe/probe_id.hpp"
#include "probe/probe_mode_bytes.hpp"
#include "time/timed_store.hpp"
#include "transport/byte_buffer.hpp"

namespace kairos::wire {

enum class kind : std::uint8_t { message = 1, actor = 2, probe = 3, timed = 4 };

/// A message entry: 33 bytes of header, then the payload.
inline void put_message(std::vector<std::byte>& buffer, const detail::message_record& m, const std::byte* payload) {
  byte_writer out(buffer);
  out.put(kind::message);
  out.put(m.receiver);
  out.put(m.sender);
  out.put(m.type);
  out.put(m.seq);
  out.put(m.size);
  out.put_bytes(payload, m.size);
}

/// A timed message entry: its header (offset left out), then the payload.
inline void put_timed(std::vector<std::byte>& buffer, const timed_message& m, const std::byte* payload) {
  byte_writer out(buffer);
  out.put(kind::timed);
  out.put(m.due);
  out.put(m.receiver);
  out.put(m.sender);
  out.put(m.sent_tick);
  out.put(m.sent_diasca);
  out.put(m.seq);
  out.put(m.type);
  out.put(m.size);
  out.put_bytes(payload, m.size);
}

/// An actor entry: its class by name and its saved record.
inline void put_actor(std::vector<std::byte>& buffer, std::string_view class_name, const actor_record& r) {
  byte_writer out(buffer);
  out.put(kind::actor);
  out.put_string(class_name);
  out.put(r.aai);
  out.put(r.rng_counter);
  out.put(r.creations);
  out.put_string(r.state);
}

/// A probe declaration entry: name, curve names and mode.
inline void put_probe(std::vector<std::byte>& buffer, std::string_view name, const std::vector<std::string>& curves,
                      probe_mode mode) {
  byte_writer out(buffer);
  out.put(kind::probe);
  out.put_string(name);
  out.put_strings(curves);
  put_probe_mode(out, mode);
}

/// Calls on_message(record, payload), on_timed(timed_message, payload),
/// on_actor(class_name, record) or on_probe(name, curves, mode) for each entry of
/// `buffer`, in order. The records' offset (and arena) are left for the
/// caller to set.
template <class OnMessage, class OnTimed, class OnActor, class OnProbe>
void read(const std::vector<std::byte>& buffer, OnMessage&& on_message, OnTimed&& on_timed, OnActor&& on_actor,
          OnProbe&& on_probe) {
  byte_reader in(buffer);
  while (!in.done()) {
    const kind k = in.get<kind>();
    if (k == kind::probe) {
      const std::string name = in.get_string();
      const std::vector<std::string> curves = in.get_strings();
      on_probe(name, curves, get_probe_mode(in));
      continue;
    }
    if (k == kind::message) {
      detail::message_record m{};
      m.receiver = in.get<aai_t>();
      m.sender = in.get<aai_t>();
      m.type = in.get<message_type_id>();
      m.seq = in.get<std::uint32_t>();
      m.size = in.get<std::uint32_t>();
      on_message(m, in.take(m.size));
      continue;
    }
    if (k == kind::timed) {
      timed_message m{};
      m.due = in.get<tick_t>();
      m.receiver = in.get<aai_t>();
      m.sender = in.get<aai_t>();
      m.sent_tick = in.get<tick_t>();
      m.sent_diasca = in.get<diasca_t>();
      m.seq = in.get<std::uint32_t>();
      m.type = in.get<message_type_id>();
      m.size = in.get<std::uint32_t>();
      on_timed(m, in.take(m.size));
      continue;
    }
    const std::string class_name = in.get_string();
    actor_record r;
    r.aai = in.get<aai_t>();
    r.rng_counter = in.get<std::uint64_t>();
    r.creations = in.get<std::uint32_t>();
    r.state = in.get_string();
    on_actor(class_name, r);
  }
}

}  // namespace kairos::wire
