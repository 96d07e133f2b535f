#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kairos/actor/random_stream.hpp"

namespace kairos {

/// A scenario-given distribution an actor keeps and draws from repeatedly
/// with its own stream: a constant, or a law table such as
/// `{ law = "gaussian", mean = 80, stddev = 5, min = 0, offset = 120 }`.
/// `min` clamps the drawn value from below; `offset` is added last.
struct random_law {
  enum class kind : std::uint8_t { constant, uniform, uniform_int, gaussian, exponential };
  kind law = kind::constant;
  double a = 0;  ///< constant value, min of uniform laws, mean otherwise
  double b = 0;  ///< max of uniform laws, stddev of gaussian
  double floor = -HUGE_VAL;
  double offset = 0;

  double draw(random_stream& rng) const {
    double x = a;
    switch (law) {
      case kind::constant: return a;
      case kind::uniform: x = rng.uniform(a, b); break;
      case kind::uniform_int: x = static_cast<double>(rng.uniform_int(std::llround(a), std::llround(b))); break;
      case kind::gaussian: x = rng.gaussian(a, b); break;
      case kind::exponential: x = rng.exponential(a); break;
    }
    return std::max(x, floor) + offset;
  }

  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & law & a & b & floor & offset;
  }
};

}  // namespace kairos
