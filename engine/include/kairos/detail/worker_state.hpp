#pragma once

// Engine internals that the inline hot path of `context` writes into. Model
// code never names these types; they are public only so send() and record()
// inline into model code without a call into the engine per message.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "kairos/actor/message.hpp"
#include "kairos/core/types.hpp"

namespace kairos {
class actor;
struct class_info;
}

namespace kairos::detail {

/// One message in flight: where its payload sits and its canonical sort key.
struct message_record {
  aai_t receiver;
  aai_t sender;
  message_type_id type;
  std::uint32_t seq;     ///< sender's send sequence number within the diasca
  std::uint32_t offset;  ///< payload offset in the arena of `arena`
  std::uint32_t size;
  std::uint32_t arena;   ///< index of the worker whose arena holds the payload
};

/// A timed message sent during the current diasca (context::send_in): a
/// message record plus the tick it is due at. Its payload sits in the
/// worker's arena until the end of the diasca files it for its tick.
struct timed_record {
  message_record message;
  tick_t due;
};

/// Per-worker, per-diasca byte storage for message payloads. Reused from one
/// diasca to the next, so steady state allocates nothing per message.
class alignas(128) payload_arena {  // own cache lines: workers append concurrently
 public:
  static constexpr std::size_t alignment = 16;

  std::uint32_t append(const void* bytes, std::size_t size) {
    const std::size_t offset = (used_ + alignment - 1) & ~(alignment - 1);
    if (offset + size > storage_.size()) storage_.resize(std::max<std::size_t>(2 * storage_.size(), offset + size + 4096));
    std::memcpy(storage_.data() + offset, bytes, size);
    used_ = offset + size;
    return static_cast<std::uint32_t>(offset);
  }
  const std::byte* at(std::uint32_t offset) const noexcept { return storage_.data() + offset; }
  std::size_t used() const noexcept { return used_; }
  void clear() noexcept { used_ = 0; }

 private:
  std::vector<std::byte> storage_;  // vector<byte> storage is max_align_t-aligned (16 on x86-64)
  std::size_t used_ = 0;
};

/// An actor created during the current diasca, inserted at its end.
struct creation_record {
  aai_t aai;
  aai_t creator;
  actor* object;
};

/// A schedule or withdraw request, applied in order at the end of the diasca.
struct schedule_record {
  aai_t aai;
  tick_t tick;
  bool withdraw;
};

/// A schedule_every (period >= 1, first activation at `first`) or
/// stop_every (period 0) request, applied in order at the end of the diasca.
struct periodic_record {
  aai_t aai;
  tick_t first;
  tick_t period;
};

/// One probe sample; its values sit in worker_state::sample_values.
struct sample_record {
  std::uint64_t probe;  ///< probe_id::key
  std::uint32_t value_count;
  tick_t tick;
  diasca_t diasca;
  std::uint32_t seq;  ///< per-actor order within the diasca
  aai_t aai;
  std::size_t value_offset;
};

/// A model failure caught on a worker; the run reports the one with the
/// smallest (timestamp, AAI) so the message does not depend on thread timing.
struct failure_record {
  aai_t aai;
  std::string what;
};

/// Everything one worker thread produces during one diasca. Aligned so two
/// workers never write to the same cache line.
struct alignas(128) worker_state {
  std::uint32_t index = 0;
  payload_arena* arena = nullptr;  ///< the arena of the current diasca
  std::vector<message_record> messages;
  std::vector<timed_record> timed;
  std::vector<creation_record> creations;
  std::vector<aai_t> deletions;
  std::vector<schedule_record> schedules;
  std::vector<periodic_record> periodic;
  std::vector<sample_record> samples;
  std::vector<double> sample_values;
  std::vector<std::uint64_t> counters;
  std::vector<failure_record> failures;
  /// Actors activated this tick whose class hides on_end_of_tick (repeats
  /// included); emptied when the tick ends.
  std::vector<aai_t> end_of_tick;
  std::uint64_t activations = 0;  ///< due actors this worker ran in the current tick's diasca 0
  bool stop_requested = false;

  void clear_diasca() {
    messages.clear();
    timed.clear();
    creations.clear();
    deletions.clear();
    schedules.clear();
    periodic.clear();
  }
};

}  // namespace kairos::detail
