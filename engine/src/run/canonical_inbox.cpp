#include "run/canonical_inbox.hpp"

#include <algorithm>

namespace kairos {

namespace {
// Samples per range: few enough to sort in microseconds; ranges then come
// out within about a factor of two of their share on uniform receivers,
// which the workers even out by claiming several ranges each.
constexpr std::size_t samples_per_range = 16;
}  // namespace

std::size_t canonical_inbox::range_of(aai_t receiver) const noexcept {
  return static_cast<std::size_t>(std::upper_bound(splitters_.begin(), splitters_.end(), receiver) -
                                  splitters_.begin());
}

void canonical_inbox::choose_splitters(const std::vector<run>& runs, std::size_t ranges) {
  // Evenly spaced picks from each run, in proportion to its size: the runs
  // are in no order, so the picks are a fair sample of the receivers. The
  // splitters only balance the work; the inbox is the same whatever they are.
  std::size_t total = 0;
  for (const run& r : runs) total += r.size();
  const std::size_t wanted = ranges * samples_per_range;
  samples_.clear();
  for (const run& r : runs) {
    const std::size_t picks = std::min(r.size(), (wanted * r.size() + total - 1) / total);
    for (std::size_t i = 0; i < picks; ++i) samples_.push_back(r[i * r.size() / picks].receiver);
  }
  std::sort(samples_.begin(), samples_.end());
  splitters_.clear();
  for (std::size_t k = 1; k < ranges; ++k) splitters_.push_back(samples_[k * samples_.size() / ranges]);
}

void canonical_inbox::build(const std::vector<run>& runs, std::size_t ranges, executor& workers,
                            std::vector<detail::message_record>& inbox, const range_fn& on_range) {
  std::size_t total = 0;
  for (const run& r : runs) total += r.size();
  splitters_.clear();
  sort_spaces_.resize(std::max<std::size_t>(sort_spaces_.size(), workers.concurrency()));
  if (ranges <= 1 || total == 0) {
    inbox.clear();
    for (const run& r : runs) inbox.insert(inbox.end(), r.begin(), r.end());
    sort_by_receiver(inbox, canonical_order{}, sort_spaces_[0]);
    on_range(0, 0, inbox.size(), 0);
    return;
  }
  choose_splitters(runs, ranges);

  // Count each run's messages per range, on the workers (one run each).
  placed_.assign(runs.size() * ranges, 0);
  if (ranges_of_.size() < runs.size()) ranges_of_.resize(runs.size());
  workers.for_ranges(runs.size(), 1, [&](std::size_t first, std::size_t last, unsigned) {
    for (std::size_t i = first; i < last; ++i) {
      std::size_t* count = placed_.data() + i * ranges;
      std::vector<std::uint32_t>& range = ranges_of_[i];
      range.resize(runs[i].size());
      for (std::size_t k = 0; k < runs[i].size(); ++k) {
        range[k] = static_cast<std::uint32_t>(range_of(runs[i][k].receiver));
        ++count[range[k]];
      }
    }
  });
  // Range by range, run by run: where each run's share of each range goes.
  starts_.assign(ranges + 1, 0);
  std::size_t at = 0;
  for (std::size_t range = 0; range < ranges; ++range) {
    starts_[range] = at;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const std::size_t count = placed_[i * ranges + range];
      placed_[i * ranges + range] = at;
      at += count;
    }
  }
  starts_[ranges] = at;

  inbox.resize(total);
  workers.for_ranges(runs.size(), 1, [&](std::size_t first, std::size_t last, unsigned) {
    for (std::size_t i = first; i < last; ++i) {
      std::size_t* next = placed_.data() + i * ranges;
      const std::vector<std::uint32_t>& range = ranges_of_[i];
      for (std::size_t k = 0; k < runs[i].size(); ++k) inbox[next[range[k]]++] = runs[i][k];
    }
  });
  workers.for_ranges(ranges, 1, [&](std::size_t first, std::size_t last, unsigned worker) {
    for (std::size_t range = first; range < last; ++range) {
      const std::span<detail::message_record> messages(inbox.data() + starts_[range], starts_[range + 1] - starts_[range]);
      sort_by_receiver(messages, canonical_order{}, sort_spaces_[worker]);
      on_range(range, starts_[range], starts_[range + 1], worker);
    }
  });
}

}  // namespace kairos
