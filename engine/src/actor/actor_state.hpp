#pragma once

#include <cstdint>
#include <string>

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

/// The actor's record; its state is the class's serialize() as Boost binary
/// archive bytes without header.
actor_record capture_actor(const class_info& cls, const actor& a);

/// Builds the actor blank in `storage` and loads `record` into it. Throws
/// runtime_error naming the actor and class if the state does not load.
actor& rebuild_actor(const class_info& cls, void* storage, const actor_record& record);

}  // namespace kairos
