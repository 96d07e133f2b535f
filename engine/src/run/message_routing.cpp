// The end of a diasca's messages: routed to this rank's next inbox or to
// other ranks, received, and put in canonical order as the next diasca's
// activations. From parallel_end_from messages every step runs on all the
// workers (docs/design.md §9, "Threads"); below, one thread does it.
#include <algorithm>

#include <fmt/format.h>

#include "actor/actor_state.hpp"
#include "distribution/wire_format.hpp"
#include "kairos/core/error.hpp"
#include "run/simulation.hpp"

namespace kairos {

namespace {
// Messages in a diasca from which routing and sorting them is worth handing
// to the workers (five hand-outs of a few µs each). Measured on 2 cores
// (PHOLD, every event a message): 512 messages broke even, 1024 ran 1.16x
// faster, 2048 1.22x.
constexpr std::size_t parallel_end_from = 1024;
// Receiver ranges per worker: enough that uneven ranges even out as the
// workers claim them.
constexpr std::size_t ranges_per_worker = 4;
constexpr std::size_t none_missing = static_cast<std::size_t>(-1);
}  // namespace

void simulation::route_messages(timestamp now) {
  // Messages for local actors go straight to the next inbox, never
  // serialised; the others are batched, one buffer per destination rank.
  // Timed messages for local actors are filed for their tick at once.
  inbox_.clear();
  received_.clear();
  std::size_t messages = 0;
  for (const auto& w : workers_) messages += w.messages.size();
  parallel_end_ = workers_.size() > 1 && messages >= (split_.pinned() ? 2 : parallel_end_from);
  for (const auto& w : workers_) route_timed(w, now);
  if (!parallel_end_) {
    for (auto& w : workers_) {
      route_instant(w, now, inbox_, outgoing_, stats_.remote_messages);
      w.clear_diasca();
    }
    return;
  }
  // Each worker routes what it sent into its own lane; the lanes' local
  // messages are the runs prepare_next_diasca sorts.
  executor_->for_ranges(workers_.size(), 1, [&](std::size_t first, std::size_t last, unsigned) {
    for (std::size_t i = first; i < last; ++i) {
      routing_lane& lane = lanes_[i];
      lane.local.clear();
      for (auto& out : lane.outgoing) out.clear();
      lane.remote = 0;
      route_instant(workers_[i], now, lane.local, lane.outgoing, lane.remote);
      workers_[i].clear_diasca();
    }
  });
  // In lane order after what apply_local_effects wrote (probe declarations
  // before the actors that need them); the receiver sorts messages anyway.
  for (routing_lane& lane : lanes_) {
    stats_.remote_messages += lane.remote;
    for (std::size_t rank = 0; rank < outgoing_.size(); ++rank)
      outgoing_[rank].insert(outgoing_[rank].end(), lane.outgoing[rank].begin(), lane.outgoing[rank].end());
  }
}

void simulation::discard_routing() noexcept {
  parallel_end_ = false;
  inbox_.clear();
  received_.clear();
  for (routing_lane& lane : lanes_) lane.local.clear();
}

void simulation::route_timed(const detail::worker_state& w, timestamp now) {
  const detail::payload_arena& arena = *w.arena;
  for (const detail::timed_record& t : w.timed) {
    if (lookahead_ > 0) check_timed_send(t, now);
    const detail::message_record& m = t.message;
    const timed_message header{t.due, m.receiver, m.sender, now.tick, now.diasca, m.seq, m.type, m.size, 0};
    const int home = placement_.rank_of(m.receiver);
    if (home == rank_) {
      timed_.add(header, arena.at(m.offset));
      continue;
    }
    ++stats_.remote_messages;
    outgoing_timed_due_ = std::min(outgoing_timed_due_, t.due);
    wire::put_timed(outgoing_[static_cast<std::size_t>(home)], header, arena.at(m.offset));
  }
}

void simulation::route_instant(const detail::worker_state& w, timestamp now,
                               std::vector<detail::message_record>& local,
                               std::vector<std::vector<std::byte>>& outgoing, std::uint64_t& remote) const {
  const detail::payload_arena& arena = *w.arena;
  for (const detail::message_record& m : w.messages) {
    if (lookahead_ > 0) check_instant_send(m, now);
    const int home = placement_.rank_of(m.receiver);
    if (home == rank_) {
      local.push_back(m);
      continue;
    }
    ++remote;
    wire::put_message(outgoing[static_cast<std::size_t>(home)], m, arena.at(m.offset));
  }
}

void simulation::receive(const std::vector<std::vector<std::byte>>& incoming, timestamp now) {
  const auto remote = static_cast<std::uint32_t>(workers_.size());
  detail::payload_arena& arena = arenas_[now.diasca & 1][remote];
  // With a parallel end, the arrivals are one more run to sort; otherwise
  // they join the local messages in the inbox, sorted with them.
  std::vector<detail::message_record>& arrivals = parallel_end_ ? received_ : inbox_;
  for (const std::vector<std::byte>& buffer : incoming) {
    wire::read(
        buffer,
        [&](detail::message_record m, const std::byte* payload) {
          m.offset = arena.append(payload, m.size);
          m.arena = remote;
          arrivals.push_back(m);
        },
        [&](const timed_message& m, const std::byte* payload) { timed_.add(m, payload); },
        [&](const std::string& class_name, const actor_record& record) {
          const auto found = std::find_if(classes_.begin(), classes_.end(),
                                          [&](const class_info* c) { return c->name == class_name; });
          const class_info* cls = found == classes_.end() ? nullptr : *found;
          if (!cls)
            throw runtime_error(fmt::format("received actor {} of class '{}', which no plugin of this rank defines",
                                            record.aai, class_name));
          void* storage = table_.allocate(*cls);
          actor* a;
          try {
            a = &rebuild_actor(*cls, storage, record);
          } catch (...) {
            table_.release(*cls, storage);
            throw;
          }
          if (!table_.insert(*a)) {
            cls->destroy(*a);
            table_.release(*cls, a);
            throw runtime_error(fmt::format("actor {} created at tick {} diasca {}: identifier already in use",
                                            record.aai, now.tick, now.diasca));
          }
          created_.emplace_back(record.aai, a);
        },
        [&](const std::string& name, const std::vector<std::string>& curves, probe_mode mode) {
          probes_.declare(name, curves, mode);
        });
  }
}

void simulation::prepare_next_diasca(timestamp now) {
  // The next diasca's inbox in canonical order (receiver, sender, the
  // sender's sequence number) whatever rank or thread each came from, and
  // its activations in AAI order: receivers and new actors.
  std::sort(created_.begin(), created_.end());
  activations_.clear();
  if (!parallel_end_) {
    sort_by_receiver(inbox_, canonical_order{}, inbox_sort_space_);
    const std::size_t missing = collect_activations(0, inbox_.size(), created_, activations_);
    if (missing != none_missing) throw missing_receiver(inbox_[missing], now);
    return;
  }
  std::vector<canonical_inbox::run>& runs = inbox_runs_;
  runs.clear();
  for (const routing_lane& lane : lanes_) runs.emplace_back(lane.local);
  // The arrivals in as many runs as workers, so that counting and
  // scattering them is shared out too.
  const std::size_t pieces = workers_.size();
  for (std::size_t k = 0; k < pieces; ++k) {
    const std::size_t begin = k * received_.size() / pieces, end = (k + 1) * received_.size() / pieces;
    runs.emplace_back(received_.data() + begin, end - begin);
  }
  const std::size_t ranges = workers_.size() * ranges_per_worker;
  if (range_activations_.size() < ranges) range_activations_.resize(ranges);
  range_missing_.assign(ranges, none_missing);
  inbox_builder_.build(runs, ranges, *executor_, inbox_,
                       [&](std::size_t range, std::size_t begin, std::size_t end, unsigned) {
                         // The new actors of the range's receivers, found by AAI.
                         const auto by_aai = [](const std::pair<aai_t, actor*>& c, aai_t aai) { return c.first < aai; };
                         const auto first = std::lower_bound(created_.begin(), created_.end(),
                                                             inbox_builder_.lowest_receiver(range), by_aai);
                         const auto last = inbox_builder_.is_last(range)
                                               ? created_.end()
                                               : std::lower_bound(first, created_.end(),
                                                                  inbox_builder_.lowest_receiver(range + 1), by_aai);
                         range_activations_[range].clear();
                         range_missing_[range] = collect_activations(begin, end, {first, last},
                                                                     range_activations_[range]);
                       });
  // The first missing receiver in canonical order, as one thread would find.
  const std::size_t used = inbox_builder_.range_count();
  for (std::size_t r = 0; r < used; ++r)
    if (range_missing_[r] != none_missing) throw missing_receiver(inbox_[range_missing_[r]], now);
  range_starts_.assign(used + 1, 0);
  for (std::size_t r = 0; r < used; ++r) range_starts_[r + 1] = range_starts_[r] + range_activations_[r].size();
  activations_.resize(range_starts_[used]);
  executor_->for_ranges(used, 1, [&](std::size_t first, std::size_t last, unsigned) {
    for (std::size_t r = first; r < last; ++r)
      std::copy(range_activations_[r].begin(), range_activations_[r].end(),
                activations_.begin() + static_cast<std::ptrdiff_t>(range_starts_[r]));
  });
}

std::size_t simulation::collect_activations(std::size_t begin, std::size_t end,
                                            std::span<const std::pair<aai_t, actor*>> created,
                                            std::vector<activation>& out) const {
  std::size_t c = 0;
  for (std::size_t i = begin; i < end;) {
    const aai_t receiver = inbox_[i].receiver;
    std::size_t j = i;
    while (j < end && inbox_[j].receiver == receiver) ++j;
    for (; c < created.size() && created[c].first < receiver; ++c)
      out.push_back({created[c].second, 0, 0, first_diasca});
    std::uint8_t flags = 0;
    if (c < created.size() && created[c].first == receiver) {
      flags = first_diasca;
      ++c;
    }
    actor* target = table_.find(receiver);
    if (!target) return i;
    out.push_back({target, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j - i), flags});
    i = j;
  }
  for (; c < created.size(); ++c) out.push_back({created[c].second, 0, 0, first_diasca});
  return none_missing;
}

runtime_error simulation::missing_receiver(const detail::message_record& m, timestamp now) const {
  return runtime_error(fmt::format(
      "message '{}' sent by actor {} at tick {} diasca {} to actor {}, which does not exist (deleted or never "
      "created)",
      message_name(m.type), m.sender, now.tick, now.diasca, m.receiver));
}

}  // namespace kairos
