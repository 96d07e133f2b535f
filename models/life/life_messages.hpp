#pragma once

#include <kairos/actor/message.hpp>
#include <kairos/core/types.hpp>

namespace life {

/// Rabbit -> census: a rabbit was born (the sender is the mother).
struct born {
  KAIROS_MESSAGE("life.born");
};
/// Rabbit -> census: the sender died (it is deleted at the end of this diasca).
struct died {
  KAIROS_MESSAGE("life.died");
};
/// Mother -> newborn, sent in the diasca that created it: who the mother is.
struct welcome {
  KAIROS_MESSAGE("life.welcome");
  std::uint32_t generation;
};

}  // namespace life
