#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/actor/actor.hpp"
#include "kairos/actor/class_info.hpp"

namespace kairos {

/// Everything that makes one actor what it is, independent of where it
/// lives: the unit a checkpoint stores and a rank ships to another.
struct actor_record {
  aai_t aai = no_aai;
  std::uint64_t rng_counter = 0;
  std::uint32_t creations = 0;
  std::string state;  ///< the class's serialize(), Boost binary archive without header
};

/// Serialises the states of many actors into one Boost archive, as a
/// checkpoint does: setting up an archive costs more than most actors'
/// states (and contends between threads), so there is one per slice of
/// actors rather than one per actor.
class state_archive_writer {
 public:
  /// `track_objects` false: Boost's object tracking off (an object reached
  /// twice is saved twice), for hashing states rather than restoring them.
  explicit state_archive_writer(std::string& out, bool track_objects = true);
  ~state_archive_writer();
  state_archive_writer(const state_archive_writer&) = delete;
  state_archive_writer& operator=(const state_archive_writer&) = delete;
  void append(const class_info& cls, const actor& a);

 private:
  struct sink;
  std::unique_ptr<sink> sink_;
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
  explicit state_archive_reader(std::string_view archive);
  ~state_archive_reader();
  state_archive_reader(const state_archive_reader&) = delete;
  state_archive_reader& operator=(const state_archive_reader&) = delete;
  /// Builds the next actor blank in `storage` (sized for row.cls), loads its
  /// state and sets its engine fields. Throws runtime_error naming the actor
  /// if the state does not load (the storage is then unused).
  actor& next(const archived_actor& row, void* storage);

 private:
  struct source;
  std::unique_ptr<source> source_;
};

/// The actor's record; its state is the class's serialize() as Boost binary
/// archive bytes without header.
actor_record capture_actor(const class_info& cls, const actor& a);

/// Builds the actor blank in `storage` and loads `record` into it. Throws
/// runtime_error naming the actor and class if the state does not load.
actor& rebuild_actor(const class_info& cls, void* storage, const actor_record& record);

}  // namespace kairos
