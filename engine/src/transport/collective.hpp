#pragma once

// A step every rank performs and that may fail on some: afterwards the
// lowest failing rank reports its own error and the others stop quietly
// (failure_elsewhere), so that no rank waits for another that gave up.

#include <exception>
#include <utility>

#include "kairos/core/error.hpp"
#include "transport/transport.hpp"

namespace kairos {

/// After a step every rank performed: rethrows on the lowest failing rank.
inline void settle(transport& net, const std::exception_ptr& failure) {
  const int lowest = net.lowest_failing_rank(failure != nullptr);
  if (lowest < 0) return;
  if (lowest == net.rank()) std::rethrow_exception(failure);
  throw failure_elsewhere(lowest);
}

/// Runs `step` on this rank, then settles it across the ranks.
template <class F>
void collectively(transport& net, F&& step) {
  std::exception_ptr failure;
  try {
    std::forward<F>(step)();
  } catch (...) {
    failure = std::current_exception();
  }
  settle(net, failure);
}

}  // namespace kairos
