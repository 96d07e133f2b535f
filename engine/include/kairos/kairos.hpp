#pragma once

// Everything a model plugin needs, in one include:
//
//   #include <kairos/kairos.hpp>
//
// actor classes and their registration (KAIROS_REGISTER_ACTOR), messages
// (KAIROS_MESSAGE), the context of handlers and hooks, construction
// parameters and random laws, state archives, scenario sections
// (KAIROS_REGISTER_SECTION) and the engine's error types.

#include "kairos/actor/access.hpp"
#include "kairos/actor/actor.hpp"
#include "kairos/actor/actor_init.hpp"
#include "kairos/actor/context.hpp"
#include "kairos/actor/message.hpp"
#include "kairos/actor/random_law.hpp"
#include "kairos/actor/random_stream.hpp"
#include "kairos/actor/registration.hpp"
#include "kairos/actor/state_archive.hpp"
#include "kairos/core/error.hpp"
#include "kairos/core/types.hpp"
#include "kairos/core/version.hpp"
#include "kairos/probe/probe_id.hpp"
#include "kairos/scenario/section.hpp"
