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
  explicit state_archive_writer(std::string& out);
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

/// Reads back an archive written by state_archive_writer (`rows` in the
/// order they were appended) as standalone records, each loadable on its own
/// wherever its actor now goes. Throws runtime_error naming the actor whose
/// state does not load.
std::vector<actor_record> split_state_archive(std::string_view archive, const std::vector<archived_actor>& rows);

/// The actor's record; its state is the class's serialize() as Boost binary
/// archive bytes without header.
actor_record capture_actor(const class_info& cls, const actor& a);

/// Builds the actor blank in `storage` and loads `record` into it. Throws
/// runtime_error naming the actor and class if the state does not load.
actor& rebuild_actor(const class_info& cls, void* storage, const actor_record& record);

}  // namespace kairos
