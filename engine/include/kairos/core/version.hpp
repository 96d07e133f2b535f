#pragma once

#include <cstdint>

namespace kairos {

/// Engine release, reported in results and `kairos --version`.
inline constexpr const char* engine_version = "0.1.0";

/// Binary interface between the engine and model plugins. Bump it whenever a
/// public type a plugin compiles against (actor, context, class descriptors,
/// message layout) changes shape: the loader refuses plugins built against
/// another value instead of letting them corrupt memory.
/// 2: actor states go through kairos::state_oarchive / state_iarchive.
/// 3: actors take their AAI from detail::aai_under_construction; handler
///    entries name their message's C++ type.
/// 4: context::send_in writes timed records into the worker's state.
/// 5: class descriptors document parameter types, defaults and probes and
///    carry on_end_of_run; actor_init knows the class it constructs;
///    context::log reads per-class levels from the run constants.
/// 6: probes have a mode (samples, or aggregate with a period):
///    engine_services::declare_probe takes it, probe_doc carries the kind;
///    actor_init reads array parameters.
/// 7: periodic activations (worker_state::periodic) and on_end_of_tick
///    (class_info::end_of_tick, worker_state::end_of_tick).
/// 8: the state archive stores sizes and item versions as varints.
inline constexpr std::uint32_t abi_version = 8;

}  // namespace kairos
