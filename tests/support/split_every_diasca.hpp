#pragma once

// Small test runs would mostly stay inline on cost alone. While one of these
// lives, the chunk is pinned to one activation (KAIROS_SPLIT_GRAIN=1): every
// diasca of two activations or more runs on the workers, and so does the
// end of every diasca of two messages or more.

#include <cstdlib>

namespace kairos_test {

struct split_every_diasca {
  split_every_diasca() { setenv("KAIROS_SPLIT_GRAIN", "1", 1); }
  ~split_every_diasca() { unsetenv("KAIROS_SPLIT_GRAIN"); }
  split_every_diasca(const split_every_diasca&) = delete;
  split_every_diasca& operator=(const split_every_diasca&) = delete;
};

}  // namespace kairos_test
