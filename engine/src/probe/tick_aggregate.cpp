#include "probe/tick_aggregate.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace kairos {

namespace {

constexpr double none = std::numeric_limits<double>::quiet_NaN();

// Minimum and maximum under a total order of the numbers (-0 before +0),
// so that which of two equal values is kept does not depend on order.
void take_min(double& min, double v) noexcept {
  if (std::isnan(v)) return;
  if (std::isnan(min) || v < min || (v == min && std::signbit(v))) min = v;
}
void take_max(double& max, double v) noexcept {
  if (std::isnan(v)) return;
  if (std::isnan(max) || v > max || (v == max && !std::signbit(v))) max = v;
}

}  // namespace

tick_accumulator::tick_accumulator(std::size_t width) : curves(width, curve{exact_sum{}, none, none}) {}

void tick_accumulator::add(const double* values) noexcept {
  ++count;
  for (std::size_t c = 0; c < curves.size(); ++c) {
    curves[c].sum.add(values[c]);
    take_min(curves[c].min, values[c]);
    take_max(curves[c].max, values[c]);
  }
}

void tick_aggregate::merge(const tick_accumulator& more) {
  if (curves.empty()) curves.assign(more.curves.size(), curve{{}, none, none});
  if (curves.size() != more.curves.size()) throw std::logic_error("aggregates of different widths merged");
  count += more.count;
  for (std::size_t c = 0; c < curves.size(); ++c) {
    exact_sum sum(curves[c].sum);
    sum.add(more.curves[c].sum);
    curves[c].sum = sum.pack();
    take_min(curves[c].min, more.curves[c].min);
    take_max(curves[c].max, more.curves[c].max);
  }
}

void tick_aggregate::merge(const tick_aggregate& more) {
  tick_accumulator unpacked(more.curves.size());
  unpacked.count = more.count;
  for (std::size_t c = 0; c < more.curves.size(); ++c)
    unpacked.curves[c] = {exact_sum(more.curves[c].sum), more.curves[c].min, more.curves[c].max};
  merge(unpacked);
}

std::vector<double> tick_aggregate::row() const {
  std::vector<double> out{static_cast<double>(count)};
  for (const curve& c : curves) {
    const double sum = exact_sum(c.sum).value();
    out.insert(out.end(), {sum, count ? sum / static_cast<double>(count) : none, c.min, c.max});
  }
  return out;
}

void tick_aggregate::encode(byte_writer& out) const {
  out.put_le(count);
  out.put_le(static_cast<std::uint64_t>(curves.size()));
  for (const curve& c : curves) {
    out.put_le(c.sum.specials);
    out.put_le(static_cast<std::uint8_t>(c.sum.negative));
    out.put_le(c.sum.lowest);
    out.put_le(static_cast<std::uint64_t>(c.sum.digits.size()));
    for (std::uint32_t d : c.sum.digits) out.put_le(d);
    out.put_le(c.min);
    out.put_le(c.max);
  }
}

tick_aggregate tick_aggregate::decode(byte_reader& in) {
  tick_aggregate a;
  a.count = in.get_le<std::uint64_t>();
  const auto width = in.get_le<std::uint64_t>();
  for (std::uint64_t i = 0; i < width; ++i) {
    curve c;
    c.sum.specials = in.get_le<std::uint8_t>();
    c.sum.negative = in.get_le<std::uint8_t>() != 0;
    c.sum.lowest = in.get_le<std::uint16_t>();
    const auto digits = in.get_le<std::uint64_t>();
    // More digits than a sum can span is a damaged buffer, not a sum.
    if (digits > exact_sum::digit_count || c.sum.lowest + digits > exact_sum::digit_count)
      throw std::runtime_error("aggregate sum out of range in buffer");
    for (std::uint64_t d = 0; d < digits; ++d) c.sum.digits.push_back(in.get_le<std::uint32_t>());
    c.min = in.get_le<double>();
    c.max = in.get_le<double>();
    a.curves.push_back(std::move(c));
  }
  return a;
}

std::vector<std::string> aggregate_result_curves(const std::vector<std::string>& curves) {
  std::vector<std::string> out{"count"};
  for (const std::string& c : curves)
    for (const char* statistic : {".sum", ".mean", ".min", ".max"}) out.push_back(c + statistic);
  return out;
}

}  // namespace kairos
