#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kairos/actor/actor.hpp"
#include "kairos/actor/class_info.hpp"
#include "kairos/actor/state_archive.hpp"

namespace kairos {

/// Everything that makes one actor what it is, independent of where it
/// lives: the unit a checkpoint stores and a rank ships to another.
struct actor_record {
  aai_t aai = no_aai;
  std::uint64_t rng_counter = 0;
  std::uint32_t creations = 0;
  std::string state;  ///< the class's serialize(), in a state_oarchive
};

/// Saves the states of many actors one after the other into one string, as
/// a checkpoint slice or a rank's shipment does. Each actor's bytes depend
/// on its state alone (state archives carry no preambles), so they may be
/// cut apart, hashed or read back in order.
class state_archive_writer {
 public:
  explicit state_archive_writer(std::string& out) noexcept : archive_(out) {}
  void append(const class_info& cls, const actor& a) { cls.save(a, archive_); }

 private:
  state_oarchive archive_;
};

/// One actor of a state archive: its class and engine fields (the state
/// comes from the archive).
struct archived_actor {
  const class_info* cls;
  aai_t aai;
  std::uint64_t rng_counter;
  std::uint32_t creations;
};

/// Reads back, in order, the actors of an archive state_archive_writer wrote.
class state_archive_reader {
 public:
  /// `archive` must outlive the reader.
  explicit state_archive_reader(std::string_view archive) noexcept : archive_(archive) {}
  /// Builds the next actor blank in `storage` (sized for row.cls), loads its
  /// state and sets its engine fields. Throws runtime_error naming the actor
  /// if the state does not load (the storage is then unused).
  actor& next(const archived_actor& row, void* storage);
  /// Bytes not read yet.
  std::size_t remaining() const noexcept { return archive_.remaining(); }

 private:
  state_iarchive archive_;
};

/// The actor's record, its state saved on its own.
actor_record capture_actor(const class_info& cls, const actor& a);

/// Builds the actor blank in `storage` and loads `state`, exactly one
/// actor's saved state, into it. Throws runtime_error naming the actor and
/// class if the state does not load or leaves bytes unread (the storage is
/// then unused).
actor& load_actor(const archived_actor& row, std::string_view state, void* storage);

/// load_actor from a record.
actor& rebuild_actor(const class_info& cls, void* storage, const actor_record& record);

}  // namespace kairos
