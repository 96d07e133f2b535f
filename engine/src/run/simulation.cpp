#include "run/simulation.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <optional>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <spdlog/logger.h>

#include "actor/actor_state.hpp"
#include "distribution/wire_format.hpp"
#include "kairos/core/error.hpp"
#include "log/logging.hpp"
#include "transport/collective.hpp"
#include "plugin/registry.hpp"
#include "probe/counter_registry.hpp"
#include "scenario/param_source.hpp"
#include "time/radix_sort.hpp"

namespace kairos {

namespace {
/// KAIROS_SPLIT_GRAIN=N pins the activations per chunk (0 or unset: adapt).
/// For tests that must see every diasca run in parallel, and for measuring.
std::size_t split_grain_from_environment() {
  const char* text = std::getenv("KAIROS_SPLIT_GRAIN");
  return text ? std::strtoull(text, nullptr, 10) : 0;
}

/// Activations ahead whose actor a worker asks the memory for. An actor's
/// first touch is a cache miss once a rank's actors outgrow the caches; the
/// address of the next one comes from a lookup, so without a prefetch the
/// misses follow one another instead of overlapping (PHOLD ran at 0.86x
/// the speed of a build that looked every actor up first, bench/RESULTS.md).
constexpr std::size_t prefetch_distance = 16;
}  // namespace

simulation::simulation(const scenario& s, unsigned threads, transport& net) : simulation(s, threads, net, true) {}

simulation::simulation(const scenario& s, unsigned threads, transport& net, restored_state&& restored)
    : simulation(s, threads, net, false) {
  restore(std::move(restored));
}

simulation::simulation(const scenario& s, unsigned threads, transport& net, bool build_scenario_actors)
    : scenario_(s),
      net_(net),
      placement_(s, net.size()),
      rank_(net.rank()),
      slots_(placement_, rank_),
      classes_(registry::instance().classes()),
      class_log_levels_(logging::class_levels(classes_)),
      time_log_(logging::time()),
      constants_{s.seed, s.tick_seconds, class_log_levels_.data()},
      executor_(make_executor(std::max(1u, threads))),
      split_(split_grain_from_environment()),
      table_(classes_, slots_),
      agenda_(executor_->concurrency()),
      lookahead_(s.lookahead_ticks),
      probes_(s.probe_patterns) {
  const unsigned n = executor_->concurrency();
  workers_.resize(n);
  due_cursors_ = std::make_unique<due_cursor[]>(agenda_.lane_count() + 1);
  lanes_.resize(n);
  for (routing_lane& lane : lanes_) lane.outgoing.resize(static_cast<std::size_t>(net_.size()));
  arenas_[0].resize(n + 2);
  arenas_[1].resize(n + 2);
  outgoing_.resize(static_cast<std::size_t>(net_.size()));
  probes_sent_.resize(static_cast<std::size_t>(net_.size()));
  contexts_.reserve(n);
  for (unsigned w = 0; w < n; ++w) {
    workers_[w].index = w;
    contexts_.push_back({context(workers_[w], constants_, static_cast<detail::engine_services&>(*this))});
  }
  if (build_scenario_actors) create_scenario_actors();
  logging::engine().debug("rank {} of {}: {} actor(s) here of {} in the scenario, {} worker thread(s), {}", rank_,
                          net_.size(), table_.size(), scenario_.actor_count, n,
                          lookahead_ > 0 ? fmt::format("windows of {} tick(s)", lookahead_) : "agreement per diasca");
}

simulation::~simulation() = default;

void simulation::create_scenario_actors() {
  for (const actor_block& b : scenario_.blocks) {
    const std::string per_actor_field = b.field + ".per_actor";
    // This rank's actors of the block, and their rows of the block's
    // population file, read once: the k-th actor here is the k-th row read.
    const placement::hosted_indices hosted = placement_.hosted_in_block(b.first_aai, b.count, rank_);
    const std::optional<population_rows> rows =
        b.from ? std::optional(b.from->read(hosted.begin, hosted.step, hosted.hosted)) : std::nullopt;
    for (std::uint64_t k = 0; k < hosted.hosted; ++k) {
      const std::uint64_t i = hosted.at(k);
      const aai_t aai = b.first_aai + i;
      detail::param_source params(scenario_, b.params, b.params_field, b.per_actor, per_actor_field, i,
                                  b.names ? b.names->get(i) : nullptr, rows ? &*rows : nullptr, k);
      actor_init init(aai, *b.cls, &params, constants_, *this);
      void* storage = table_.allocate(*b.cls);
      actor* object;
      try {
        const detail::aai_scope constructing(aai);
        object = b.cls->construct(storage, init);
      } catch (const error&) {
        table_.release(*b.cls, storage);
        throw;
      } catch (const std::exception& e) {
        table_.release(*b.cls, storage);
        throw runtime_error(fmt::format("{}: creating actor {} of class '{}': {}", scenario_.file.string(), aai,
                                        b.cls->name, e.what()));
      }
      detail::actor_access::aai(*object) = aai;
      detail::actor_access::rng_counter(*object) = init.rng_counter();
      detail::actor_access::class_id(*object) = b.cls->id;
      table_.insert(*object);
    }
  }
}

void simulation::run() {
  started_ = last_progress_ = std::chrono::steady_clock::now();
  if (lookahead_ > 0) run_windowed();
  else run_per_diasca();
  // Each rank ran its own ticks in windows: the run's last is the latest.
  final_tick_ = lookahead_ > 0 ? net_.max(stats_.last_tick) : stats_.last_tick;
  // The run is over (not merely stopped for a checkpoint): the actors' last
  // word. Every rank has the same classes, so all skip it or none.
  const bool any_end_of_run =
      std::any_of(classes_.begin(), classes_.end(), [](const class_info* c) { return c->end_of_run != nullptr; });
  if (!interrupted_ && any_end_of_run) collectively(net_, [&] { run_end_of_run(final_tick_); });
  std::vector<activation>().swap(activations_);  // give the memory back before digest and output
  std::vector<detail::message_record>().swap(inbox_);
  stats_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  if (progress_ && stderr_is_terminal_) std::fputc('\n', stderr);
}

template <class Step>
void simulation::run_steps(const Step& step) {
  tick_t tick = first_tick_;
  bool start = fresh_start_;
  for (;;) {
    if (tick >= scenario_.stop_tick) {
      stats_.end_reason = "stop tick reached";
      break;
    }
    const auto [decision, done] = step(tick, start);
    start = false;
    if (decision.what == diasca_decision::kind::stop) {
      stats_.end_reason = decision.stop_requested ? "stop requested by an actor" : "nothing left to do";
      break;
    }
    if (hook_ && decision.next_tick < scenario_.stop_tick && hook_->at_tick_boundary(*this, done, decision)) {
      stats_.end_reason = "checkpointed on a signal";
      interrupted_ = true;
      break;
    }
    if (time_log_.should_log(spdlog::level::debug))
      time_log_.debug("{} {} done ({} activation(s) so far); next: {}", lookahead_ > 0 ? "window from tick" : "tick",
                      tick, stats_.activations, decision.next_tick);
    tick = decision.next_tick;
    if (progress_) maybe_print_progress({tick, 0});
  }
}

void simulation::run_per_diasca() {
  run_steps([&](tick_t tick, bool start) { return std::pair{run_tick(tick, start), tick}; });
}

void simulation::run_windowed() {
  // Windows follow one another from the earliest thing due anywhere, so
  // they fall at the same ticks whatever the rank count; idle time between
  // them is skipped as between ticks.
  run_steps([&](tick_t begin, bool start) {
    const tick_t end = std::min(scenario_.stop_tick, begin + std::min(lookahead_, no_tick - 1 - begin));
    if (!failure_) run_window(begin, end, start);
    // A checkpoint tick inside this window is reached at its end: the hook
    // sees the window as one step from the tick before it to the next one.
    return std::pair{end_window(end - 1), begin > 0 ? begin - 1 : 0};
  });
}

void simulation::run_window(tick_t begin, tick_t end, bool start) {
  // Nothing from another rank can be due before `end`: instantaneous sends
  // and creations stay inside placement groups, and timed messages between
  // groups are at least a window late. So this rank's ticks are its own.
  for (tick_t tick = start ? begin : next_local_tick(); tick < end; tick = next_local_tick()) {
    run_local_tick(tick, start);
    start = false;
    if (failure_) return;
  }
}

void simulation::run_local_tick(tick_t tick, bool start) {
  run_diascas(tick, start, [&](timestamp now) { return end_local_diasca(now); });
}

bool simulation::end_local_diasca(timestamp now) {
  if (!failure_) {
    try {
      diasca_report report;
      apply_local_effects(now, report);
      route_messages(now);
      if (report.activity()) {
        prepare_next_diasca(now);
        return true;
      }
      // The tick is quiet on this rank, which is all of it that matters:
      // nothing from another rank can arrive inside a window.
      if (end_of_tick_pending()) {
        const timestamp end{now.tick, end_of_tick_diasca};
        run_end_of_tick(now.tick);
        apply_local_effects(end, report);
        route_messages(end);
      }
      return false;
    } catch (const std::exception& e) {
      failure_ = e.what();
    }
  }
  for (auto& w : workers_) w.clear_diasca();
  discard_routing();
  activations_.clear();
  return false;
}

diasca_decision simulation::end_window(tick_t last_tick) {
  diasca_report report;
  report.next_tick = std::min(next_local_tick(), outgoing_timed_due_);
  report.base_tick = last_tick;
  report.stop_requested = stop_requested_ ? 1 : 0;
  report.failed_rank = failure_ ? rank_ : -1;
  report.checkpoint_wanted = hook_ && hook_->checkpoint_wanted() ? 1 : 0;
  if (failure_)
    for (auto& out : outgoing_) out.clear();
  auto [decision, incoming] = net_.end_diasca(outgoing_, report);
  outgoing_timed_due_ = no_tick;
  stats_.windows++;
  if (decision.what == diasca_decision::kind::fail) raise_failure(decision.failed_rank);
  // Only timed messages cross ranks in a window, and they are filed for
  // their ticks (all of them past this window).
  receive(incoming, {last_tick, 0});
  return decision;
}

diasca_decision simulation::run_tick(tick_t tick, bool start) {
  diasca_decision decision;
  run_diascas(tick, start, [&](timestamp now) {
    decision = end_diasca(now);
    if (decision.what == diasca_decision::kind::end_of_tick) {
      // Every rank's tick is quiet: the hooks run, and what they did
      // (schedules, timed messages) is exchanged and agreed on like a
      // diasca's, which decides the next tick.
      run_end_of_tick(tick);
      decision = end_diasca({tick, end_of_tick_diasca});
    }
    return decision.what == diasca_decision::kind::next_diasca;
  });
  return decision;
}

template <class EndDiasca>
void simulation::run_diascas(tick_t tick, bool start, const EndDiasca& end) {
  // Diasca 0: the actors due this tick and the receivers of the timed
  // messages due, plus, at the very start, every scenario actor for its
  // on_first_diasca (nothing can be due at tick 0: schedules and timed
  // messages are for later ticks).
  agenda_.take(tick);
  inbox_.clear();
  stats_.ticks_simulated++;
  stats_.last_tick = tick;
  timestamp now{tick, 0};
  begin_diasca(now);
  std::uint64_t activations_before = stats_.activations;
  if (start) run_scenario_first_diascas(now);
  else run_diasca_zero(now);
  for (;;) {
    stats_.diascas++;
    if (time_log_.should_log(spdlog::level::trace))
      time_log_.trace("tick {} diasca {}: {} activation(s)", now.tick, now.diasca,
                      stats_.activations - activations_before);
    activations_before = stats_.activations;
    if (!end(now)) return;
    now.diasca++;
    if (progress_) maybe_print_progress(now);
    begin_diasca(now);
    run_activations(now);
  }
}

void simulation::run_scenario_first_diascas(timestamp now) {
  // In slices, so the activation list never holds millions of entries.
  constexpr std::uint64_t slice = 1 << 16;
  for (std::uint64_t begin = 0; begin < table_.slot_count(); begin += slice) {
    activations_.clear();
    const std::uint64_t end = std::min(begin + slice, table_.slot_count());
    for (std::uint64_t s = begin; s < end; ++s)
      if (actor* a = table_.at_slot(s)) activations_.push_back({a, 0, 0, first_diasca});
    run_activations(now);
  }
}

void simulation::begin_diasca(timestamp now) {
  auto& arenas = arenas_[now.diasca & 1];
  for (auto& arena : arenas) arena.clear();  // held the payloads of diasca D-2, all processed
  for (std::size_t w = 0; w < workers_.size(); ++w) workers_[w].arena = &arenas[w];
}

template <class Serial, class Parallel>
void simulation::split_if_worth_it(std::size_t n, const Serial& serial, const Parallel& parallel) {
  const unsigned workers = executor_->concurrency();
  if (workers == 1) {
    serial();
    return;
  }
  const std::size_t grain = split_.grain(n, workers);
  const auto start = std::chrono::steady_clock::now();
  if (grain >= n) serial();
  else parallel(grain);
  split_.record(n, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                grain >= n ? 1 : workers);
}

template <class RangeFn>
void simulation::run_split(std::size_t n, const RangeFn& run_range) {
  split_if_worth_it(
      n, [&] { run_range(0, n, 0); }, [&](std::size_t grain) { executor_->for_ranges(n, grain, run_range); });
}

template <class WorkerFn>
void simulation::run_on_workers(std::size_t n, const WorkerFn& run_worker) {
  // One task per worker: each runs until nothing is left to claim, so a
  // worker that gets a second task (or one that gets none) changes nothing.
  split_if_worth_it(
      n, [&] { run_worker(0, std::max<std::size_t>(n, 1), true); },
      [&](std::size_t grain) {
        executor_->for_ranges(executor_->concurrency(), 1,
                              [&](std::size_t, std::size_t, unsigned w) { run_worker(w, grain, false); });
      });
}

void simulation::run_activations(timestamp now) {
  stats_.activations += activations_.size();
  run_split(activations_.size(), [&](std::size_t begin, std::size_t end, unsigned w) {
    detail::worker_state& worker = workers_[w];
    context& ctx = contexts_[w].ctx;
    for (std::size_t i = begin; i < end; ++i) {
      if (i + prefetch_distance < end) table_.prefetch_object(activations_[i + prefetch_distance].object);
      activate(activations_[i], ctx, worker, now);
    }
    file_schedules(w);
  });
}

void simulation::run_diasca_zero(timestamp now) {
  const std::uint16_t round = next_claim_round();
  if (timed_.next_tick() == now.tick) run_due_and_timed(now, round);
  else run_due(now, round, {});
}

std::uint16_t simulation::next_claim_round() {
  if (claim_round_ == actor_table::max_claim_round) {
    table_.reset_claims();
    claim_round_ = 0;
  }
  return ++claim_round_;
}

void simulation::run_due_and_timed(timestamp now, std::uint16_t round) {
  // One activation per actor: its act_spontaneous if due, then its timed
  // messages in canonical order. Diasca 0 reads the odd parity's arenas.
  const auto timed_arena = static_cast<std::uint32_t>(workers_.size() + 1);
  detail::payload_arena& arena = arenas_[1][timed_arena];
  arena.clear();
  timed_.take(now.tick, due_timed_, arena);
  inbox_.clear();
  // The receivers, in AAI order (the messages are sorted by receiver),
  // each with its messages' range in the inbox.
  std::vector<timed_receiver>& receivers = due_receivers_;
  receivers.clear();
  for (const timed_message& m : due_timed_) {
    if (receivers.empty() || receivers.back().receiver != m.receiver)
      receivers.push_back({m.receiver, nullptr, static_cast<std::uint32_t>(inbox_.size()), 0, false});
    inbox_.push_back({m.receiver, m.sender, m.type, m.seq, static_cast<std::uint32_t>(m.offset), m.size, timed_arena});
    ++receivers.back().count;
  }
  // The receivers are claimed first, so that the due actors run straight
  // from the agenda's lanes, in parallel, as on a tick without timed
  // messages, leaving the receivers for after (with act_spontaneous first
  // where due). Listing the due actors on one thread and finding each one's
  // messages was most of what a tick with timed messages cost beyond one
  // without (bench/RESULTS.md). The order of the activations never shows in
  // the results.
  for (timed_receiver& r : receivers) {
    r.object = table_.claim(r.receiver, round);  // each receiver is listed once
    if (!r.object) {
      const timed_message& m = due_timed_[r.begin];
      failure_ = fmt::format(  // reported at the end of this diasca, before anything ran
          "timed message '{}' sent by actor {} at tick {} diasca {} to actor {}, due at tick {}: the receiver does "
          "not exist (deleted or never created)",
          message_name(m.type), m.sender, m.sent_tick, m.sent_diasca, m.receiver, now.tick);
      return;
    }
  }
  // Long lists of due actors run in AAI order, walking the actors in
  // memory order (65536 PHOLD LPs at L=1.0: 1.08x against the lanes' order;
  // no gain on lists too short for the radix sort; bench/RESULTS.md).
  agenda_.sort_taken(radix_sort_pays_from);
  run_due(now, round, receivers);
  activations_.clear();
  for (const timed_receiver& r : receivers)
    activations_.push_back({r.object, r.begin, r.count, static_cast<std::uint8_t>(r.due ? spontaneous : 0)});
  run_activations(now);
}

void simulation::run_due(timestamp now, std::uint16_t round, std::span<timed_receiver> receivers) {
  // Each worker runs the actors of its own agenda lane first (those it ran
  // when they asked, likely still in its caches), then helps with the other
  // lanes and the periodic actors, a chunk at a time. An actor due in
  // several lanes runs once: whoever claims it first runs it.
  const unsigned lanes = agenda_.lane_count();
  const auto list = [&](unsigned k) { return k < lanes ? agenda_.taken(k) : agenda_.taken_periodic(); };
  std::size_t n = 0;
  for (unsigned k = 0; k <= lanes; ++k) {
    n += list(k).size();
    due_cursors_[k].next.store(0, std::memory_order_relaxed);
  }
  // A claim refused is an actor claimed before (a duplicate entry, or a
  // receiver of timed messages) or one deleted since it asked: rare, so
  // only then are the receivers searched.
  const auto mark_if_receiver = [&](aai_t aai) {
    const auto r = std::lower_bound(receivers.begin(), receivers.end(), aai,
                                    [](const timed_receiver& x, aai_t a) { return x.receiver < a; });
    if (r != receivers.end() && r->receiver == aai) std::atomic_ref(r->due).store(true, std::memory_order_relaxed);
  };
  for (auto& w : workers_) w.activations = 0;
  run_on_workers(n, [&](unsigned w, std::size_t chunk, bool alone) {
    detail::worker_state& worker = workers_[w];
    context& ctx = contexts_[w].ctx;
    std::array<actor_table::place, 2 * prefetch_distance> ahead;
    // A worker alone needs no atomic read-modify-write, which costs as much
    // as a small diasca's other bookkeeping (a few per diasca, ~20 ns each).
    const auto take_chunk = [&](std::atomic<std::size_t>& cursor) {
      if (!alone) return cursor.fetch_add(chunk, std::memory_order_relaxed);
      const std::size_t begin = cursor.load(std::memory_order_relaxed);
      cursor.store(begin + chunk, std::memory_order_relaxed);
      return begin;
    };
    for (unsigned k = 0; k <= lanes; ++k) {
      const unsigned from = (w + k) % (lanes + 1);
      const std::span<const aai_t> due = list(from);
      std::atomic<std::size_t>& cursor = due_cursors_[from].next;
      for (std::size_t begin; (begin = take_chunk(cursor)) < due.size();) {
        const std::size_t end = std::min(begin + chunk, due.size());
        // Two stages: the index entries twice as far ahead as the actor,
        // whose address is then read from the cache. Each actor is located
        // once, at the first stage, into a ring of the places ahead.
        const auto locate = [&](std::size_t i) {
          actor_table::place& p = ahead[i % ahead.size()];
          p = table_.locate(due[i]);
          table_.prefetch_index(p);
        };
        const auto at = [&](std::size_t i) -> const actor_table::place& { return ahead[i % ahead.size()]; };
        for (std::size_t i = begin; i < std::min(begin + ahead.size(), end); ++i) locate(i);
        for (std::size_t i = begin; i < std::min(begin + prefetch_distance, end); ++i) table_.prefetch_claim(at(i));
        for (std::size_t i = begin; i < end; ++i) {
          const actor_table::place here = at(i);  // its ring entry is reused just below
          if (i + ahead.size() < end) locate(i + ahead.size());
          if (i + prefetch_distance < end) table_.prefetch_claim(at(i + prefetch_distance));
          if (actor* a = alone ? table_.claim_alone(here, round) : table_.claim(here, round)) {
            activate({a, 0, 0, spontaneous}, ctx, worker, now);
            ++worker.activations;
          } else if (!receivers.empty()) {
            mark_if_receiver(due[i]);
          }
        }
      }
    }
    file_schedules(w);
  });
  for (const auto& w : workers_) stats_.activations += w.activations;
}

void simulation::activate(const activation& a, context& ctx, detail::worker_state& worker, timestamp now) {
  actor& object = *a.object;
  const class_info& cls = *classes_[detail::actor_access::class_id(object)];
  ctx.bind(object, now);
  try {
    if (a.flags & first_diasca) cls.first_diasca(object, ctx);
    if (a.flags & spontaneous) cls.spontaneous(object, ctx);
    detail::message_record* messages = inbox_.data() + a.message_begin;
    if (scenario_.mode == run_mode::ergodic && a.message_count > 1) {
      // Ergodic mode: the receiver's own stream permutes its messages
      // (Fisher-Yates), reproducibly.
      random_stream rng = ctx.random();
      for (std::uint32_t i = a.message_count - 1; i > 0; --i)
        std::swap(messages[i], messages[rng.uniform_int(0, i)]);
    }
    if (cls.end_of_tick) worker.end_of_tick.push_back(object.aai());
    const auto& arenas = arenas_[(now.diasca - 1) & 1];
    for (std::uint32_t i = 0; i < a.message_count; ++i) {
      const detail::message_record& m = messages[i];
      const handler_entry* h = cls.handler_for(m.type);
      if (!h)
        throw runtime_error(fmt::format("received message '{}' from actor {} but class '{}' has no handler for it",
                                        message_name(m.type), m.sender, cls.name));
      ctx.set_sender(m.sender);
      h->invoke(object, arenas[m.arena].at(m.offset), ctx);
    }
  } catch (const std::exception& e) {
    worker.failures.push_back(
        {object.aai(), fmt::format("actor {} (class '{}') failed at tick {} diasca {}: {}", object.aai(), cls.name,
                                   now.tick, now.diasca, e.what())});
  }
}

template <class Effects>
void simulation::run_hooks(timestamp now, void (*class_info::*hook)(actor&, context&), const Effects& effects,
                           std::string_view rule, std::string_view when) {
  run_split(activations_.size(), [&](std::size_t begin, std::size_t end, unsigned w) {
    detail::worker_state& worker = workers_[w];
    context& ctx = contexts_[w].ctx;
    for (std::size_t i = begin; i < end; ++i) {
      actor& object = *activations_[i].object;
      const class_info& cls = table_.class_of(object);
      ctx.bind(object, now);
      const std::size_t before = effects(worker);
      try {
        (cls.*hook)(object, ctx);
        if (effects(worker) != before) throw std::logic_error(std::string(rule));
      } catch (const std::exception& e) {
        worker.failures.push_back(
            {object.aai(), fmt::format("actor {} (class '{}') failed {}: {}", object.aai(), cls.name, when, e.what())});
      }
    }
  });
  activations_.clear();
}

void simulation::run_end_of_run(tick_t last_tick) {
  // In no particular order: samples are kept in canonical order anyway.
  activations_.clear();
  const auto add = [&](actor* a) {
    if (a && table_.class_of(*a).end_of_run) activations_.push_back({a, 0, 0, 0});
  };
  for (std::uint64_t s = 0; s < table_.slot_count(); ++s) add(table_.at_slot(s));
  for (actor* a : table_.created_actors()) add(a);
  const auto effects = [](const detail::worker_state& w) {
    return w.messages.size() + w.timed.size() + w.schedules.size() + w.periodic.size() + w.creations.size() +
           w.deletions.size();
  };
  run_hooks({last_tick, end_of_run_diasca}, &class_info::end_of_run, effects,
            "on_end_of_run may record, count, log and draw, but it sent a message, scheduled, created or deleted an "
            "actor: nothing runs after it",
            fmt::format("at the end of the run (tick {}, on_end_of_run)", last_tick));
  for (const auto& w : workers_)
    if (!w.failures.empty()) report_failures();
  for (auto& w : workers_) {
    if (!w.samples.empty()) probes_.absorb(w);
    w.clear_diasca();
  }
}

bool simulation::end_of_tick_pending() const noexcept {
  return std::any_of(workers_.begin(), workers_.end(), [](const auto& w) { return !w.end_of_tick.empty(); });
}

void simulation::run_end_of_tick(tick_t tick) {
  std::vector<aai_t>& due = end_of_tick_due_;
  due.clear();
  for (auto& w : workers_) {
    due.insert(due.end(), w.end_of_tick.begin(), w.end_of_tick.end());
    w.end_of_tick.clear();
  }
  std::sort(due.begin(), due.end());
  due.erase(std::unique(due.begin(), due.end()), due.end());
  activations_.clear();
  for (const aai_t aai : due)
    if (actor* a = table_.find(aai)) activations_.push_back({a, 0, 0, 0});  // not if deleted since
  const timestamp now{tick, end_of_tick_diasca};
  begin_diasca(now);  // for the payloads of timed messages the hooks send
  const auto forbidden = [](const detail::worker_state& w) {
    return w.messages.size() + w.creations.size() + w.deletions.size();
  };
  run_hooks(now, &class_info::end_of_tick, forbidden,
            "on_end_of_tick may record, count, log, draw, schedule, send timed messages (send_in) and ask to stop, "
            "but it sent a message, created or deleted an actor: the tick is over",
            fmt::format("at the end of tick {} (on_end_of_tick)", tick));
  due.clear();
}

void simulation::report_failures() {
  const detail::failure_record* first = nullptr;
  std::size_t count = 0;
  for (const auto& w : workers_)
    for (const auto& f : w.failures) {
      ++count;
      if (!first || f.aai < first->aai) first = &f;
    }
  std::string what = first->what;
  if (count > 1) what += fmt::format(" (and {} more failure(s) in the same diasca)", count - 1);
  for (auto& w : workers_) w.failures.clear();
  throw runtime_error(what);
}

diasca_decision simulation::end_diasca(timestamp now) {
  diasca_report report;
  if (!failure_) {
    try {
      apply_local_effects(now, report);
      route_messages(now);
    } catch (const std::exception& e) {
      failure_ = e.what();
    }
  }
  if (failure_) {
    for (auto& out : outgoing_) out.clear();
    for (auto& w : workers_) w.clear_diasca();
    discard_routing();
  }
  // Receiving cannot change the agenda (received messages are handled next
  // diasca) nor bring a timed message earlier than its sender reported (in
  // outgoing_timed_due_), so the report is complete before the exchange. Every rank takes
  // part even after a failure, so that no rank waits for us.
  report.next_tick = std::min(next_local_tick(), outgoing_timed_due_);
  report.base_tick = now.tick;
  report.stop_requested = stop_requested_ ? 1 : 0;
  report.failed_rank = failure_ ? rank_ : -1;
  report.checkpoint_wanted = hook_ && hook_->checkpoint_wanted() ? 1 : 0;
  report.end_of_tick_pending = !failure_ && end_of_tick_pending() ? 1 : 0;
  auto [decision, incoming] = net_.end_diasca(outgoing_, report);
  outgoing_timed_due_ = no_tick;
  if (decision.what == diasca_decision::kind::fail) raise_failure(decision.failed_rank);
  try {
    // Timed messages travel at any diasca's end, the tick's last included;
    // everything else that arrives makes activity, hence a next diasca.
    receive(incoming, now);
    if (decision.what != diasca_decision::kind::next_diasca) return decision;
    prepare_next_diasca(now);
  } catch (const std::exception& e) {
    // Reported at the end of the next diasca (there is one: something was
    // sent or created), which this rank sits out.
    failure_ = e.what();
    activations_.clear();
  }
  return decision;
}

void simulation::raise_failure(int failed_rank) {
  if (failed_rank != rank_) throw failure_elsewhere(failed_rank);
  if (net_.size() == 1) throw runtime_error(*failure_);
  throw runtime_error(fmt::format("rank {}: {}", rank_, *failure_));
}

void simulation::apply_local_effects(timestamp now, diasca_report& report) {
  for (const auto& w : workers_)
    if (!w.failures.empty()) report_failures();

  for (auto& w : workers_)
    for (aai_t aai : w.deletions)
      if (table_.erase(aai)) {
        ++report.actors_deleted;
        agenda_.stop_every(aai);
      }
  created_.clear();
  for (auto& w : workers_) {
    for (const detail::creation_record& c : w.creations) {
      if (lookahead_ > 0) check_creation(c, now);
      const int home = placement_.rank_of(c.aai);
      if (home != rank_) {
        // Built here (its constructor took C++ arguments); it lives there.
        const class_info& cls = table_.class_of(*c.object);
        std::vector<std::byte>& out = outgoing_[static_cast<std::size_t>(home)];
        // Its constructor may have declared probes the home rank has never
        // seen: declarations it has not been sent yet go first.
        std::size_t& sent = probes_sent_[static_cast<std::size_t>(home)];
        if (sent < probes_.declared()) {
          const std::vector<const probe_store::probe*> declared = probes_.all();
          for (; sent < declared.size(); ++sent)
            wire::put_probe(out, declared[sent]->name, declared[sent]->curves, declared[sent]->mode);
        }
        wire::put_actor(out, cls.name, capture_actor(cls, *c.object));
        cls.destroy(*c.object);
        table_.release(cls, c.object);
        continue;
      }
      if (!table_.insert(*c.object))
        throw runtime_error(fmt::format("actor {} created by actor {} at tick {} diasca {}: identifier already in use",
                                        c.aai, c.creator, now.tick, now.diasca));
      created_.emplace_back(c.aai, c.object);
    }
    report.actors_created += w.creations.size();
    if (w.stop_requested) stop_requested_ = true;
    w.stop_requested = false;
    if (!w.samples.empty()) probes_.absorb(w);
    report.messages_sent += w.messages.size();
    // Timed messages make no next diasca: they wait for their tick.
    stats_.messages += w.timed.size();
  }
  stats_.actors_created += report.actors_created;
  stats_.actors_deleted += report.actors_deleted;
  stats_.messages += report.messages_sent;
  apply_schedules();
}

void simulation::file_schedules(unsigned lane) {
  // In the order the actors asked: an actor's calls in a diasca all come
  // from one worker.
  detail::worker_state& worker = workers_[lane];
  for (const detail::schedule_record& s : worker.schedules) {
    if (s.withdraw) agenda_.withdraw(lane, s.tick, s.aai);
    else agenda_.schedule(lane, s.tick, s.aai);
  }
  worker.schedules.clear();
}

void simulation::apply_schedules() {
  // The activations' calls are in their lanes already (file_schedules);
  // hooks' calls (end of tick) are filed here, the lanes in parallel when
  // there are enough of them to be worth it.
  std::size_t records = 0;
  for (const auto& w : workers_) records += w.schedules.size();
  constexpr std::size_t parallel_from = 512;
  const auto file_lanes = [&](std::size_t first, std::size_t last, unsigned) {
    for (std::size_t lane = first; lane < last; ++lane) file_schedules(static_cast<unsigned>(lane));
  };
  if (records > 0) {
    if (workers_.size() > 1 && (records >= parallel_from || split_.pinned()))
      executor_->for_ranges(workers_.size(), 1, file_lanes);
    else
      file_lanes(0, workers_.size(), 0);
  }
  agenda_.spread_withdrawals();  // an actor's entries of earlier diascas may lie in other lanes
  // Periodic activations are keyed by actor, not tick: one pass, in order.
  for (const auto& w : workers_)
    for (const detail::periodic_record& p : w.periodic) {
      if (p.period == 0) agenda_.stop_every(p.aai);
      else if (table_.find(p.aai)) agenda_.schedule_every(p.aai, p.first, p.period);  // not if deleted since
    }
}

std::string simulation::describe_diasca(diasca_t diasca) {
  if (diasca == end_of_tick_diasca) return "end of tick";
  if (diasca == end_of_run_diasca) return "end of run";
  return fmt::format("diasca {}", diasca);
}

void simulation::log_line(log_level level, const actor& self, timestamp now, std::string_view text) {
  logging::write_for_class(table_.class_of(self), level,
                           fmt::format("tick {} {} actor {}: {}", now.tick, describe_diasca(now.diasca), self.aai(),
                                       text));
}

std::string simulation::describe_actor(aai_t aai) const {
  const actor* a = table_.find(aai);
  return a ? fmt::format("actor {} (class '{}')", aai, table_.class_of(*a).name) : fmt::format("actor {}", aai);
}

void simulation::check_instant_send(const detail::message_record& m, timestamp now) const {
  if (placement_.group_of(m.sender) == placement_.group_of(m.receiver)) return;
  throw runtime_error(fmt::format(
      "{} at tick {} diasca {} sent message '{}' to actor {}, in another placement group: with a lookahead "
      "(simulation.lookahead = {} ticks), send reaches only the sender's own placement group; use send_in with a "
      "delay of at least {} ticks, or give both actors one placement hint",
      describe_actor(m.sender), now.tick, now.diasca, message_name(m.type), m.receiver, lookahead_, lookahead_));
}

void simulation::check_timed_send(const detail::timed_record& t, timestamp now) const {
  const tick_t delay = t.due - now.tick;
  if (delay >= lookahead_ || placement_.group_of(t.message.sender) == placement_.group_of(t.message.receiver)) return;
  throw runtime_error(fmt::format(
      "{} at tick {} diasca {} sent message '{}' to actor {}, in another placement group, with a delay of {} "
      "tick(s): a timed message between placement groups needs a delay of at least the lookahead "
      "(simulation.lookahead = {} ticks)",
      describe_actor(t.message.sender), now.tick, now.diasca, message_name(t.message.type), t.message.receiver,
      delay, lookahead_));
}

void simulation::check_creation(const detail::creation_record& c, timestamp now) const {
  if (placement_.group_of(c.creator) == placement_.group_of(c.aai)) return;
  throw runtime_error(fmt::format(
      "{} at tick {} diasca {} created actor {} in another placement group: with a lookahead (simulation.lookahead "
      "= {} ticks), actors created at run time stay in their creator's group; give the creator a placement hint and "
      "create with create_placed and that hint",
      describe_actor(c.creator), now.tick, now.diasca, c.aai, lookahead_));
}

void simulation::capture_actors(const std::vector<actor*>& all, const std::vector<int>& class_slot,
                                checkpoint::shard_builder& to) const {
  // Block by block, each compressed into the image before its buffers are
  // filled again: they are reused, so their memory is touched once, not
  // once per actor of the shard. The rows of a block are filled in slices
  // on the worker threads (serialising states is most of that work); one
  // worker fills a whole block in one part. Two sets of buffers take turns:
  // while the workers fill one block they also compress the other, a
  // column or a chunk of states per task (shard_builder::actor_block), and
  // between rounds one thread stores the compressed block and cuts the
  // newly filled one into chunks.
  constexpr std::size_t block = checkpoint::shard_builder::block_rows;
  const std::size_t n = all.size();
  const std::size_t slice = executor_->concurrency() == 1 ? block : block / 8;
  struct block_buffers {
    std::array<std::vector<std::uint64_t>, 5> columns;  // aai, rng_counter, creations, class_index, state_size
    std::vector<std::string> parts;
    std::vector<std::string_view> pieces;
    std::size_t first = 0, rows = 0;
    checkpoint::shard_builder::actor_block cut;
  };
  std::array<block_buffers, 2> buffers;
  for (block_buffers& b : buffers) {
    for (auto& column : b.columns) column.resize(std::min(n, block));
    b.parts.resize(block / slice);
  }
  const auto slices_of = [&](const block_buffers& b) { return (b.rows + slice - 1) / slice; };
  const auto fill_slice = [&](block_buffers& b, std::size_t s) {
    std::string& part = b.parts[s];
    part.clear();
    state_archive_writer writer(part);
    for (std::size_t r = s * slice; r < std::min(b.rows, (s + 1) * slice); ++r) {
      const actor& a = *all[b.first + r];
      const class_info& cls = table_.class_of(a);
      b.columns[0][r] = a.aai();
      b.columns[1][r] = detail::actor_access::rng_counter(a);
      b.columns[2][r] = detail::actor_access::creations(a);
      b.columns[3][r] = static_cast<std::uint64_t>(class_slot[cls.id]);
      const std::size_t before = part.size();
      writer.append(cls, a);
      b.columns[4][r] = part.size() - before;
    }
  };
  const auto cut = [&](block_buffers& b) {
    b.pieces.assign(b.parts.begin(), b.parts.begin() + static_cast<std::ptrdiff_t>(slices_of(b)));
    const auto rows_of = [&](const std::vector<std::uint64_t>& column) {
      return std::span<const std::uint64_t>(column).first(b.rows);
    };
    to.cut_actors({rows_of(b.columns[0]), rows_of(b.columns[1]), rows_of(b.columns[2]), rows_of(b.columns[3]),
                   rows_of(b.columns[4]), b.pieces},
                  b.cut);
  };
  // Tasks of a round: first the compression of the block filled in the
  // round before, then the slices of the next block.
  block_buffers* filled = nullptr;
  for (std::size_t first = 0; first < n || filled; first += block) {
    block_buffers* next = nullptr;
    if (first < n) {
      next = &buffers[(first / block) % 2];
      next->first = first;
      next->rows = std::min(block, n - first);
    }
    const std::size_t compressing = filled ? filled->cut.tasks() : 0;
    executor_->for_ranges(compressing + (next ? slices_of(*next) : 0), 1,
                          [&](std::size_t begin, std::size_t end, unsigned) {
                            for (std::size_t task = begin; task < end; ++task) {
                              if (task < compressing) to.encode_actors(filled->cut, task);
                              else fill_slice(*next, task - compressing);
                            }
                          });
    if (filled) to.store_actors(filled->cut);
    if (next) cut(*next);
    filled = next;
  }
}

namespace {

/// Gathers agenda entries into blocks of shard_builder::block_rows. Full
/// blocks wait, placed in the image, until the next round of the capture's
/// tasks compresses them (encode), then are stored and reused.
class agenda_blocks {
 public:
  explicit agenda_blocks(checkpoint::shard_builder& to) : to_(to) { open_block(); }
  void add(tick_t tick, std::span<const aai_t> aais) {
    while (!aais.empty()) {
      checkpoint::shard_builder::agenda_block& b = *current_;
      const std::size_t take = std::min(aais.size(), block - b.aais.size());
      b.ticks.insert(b.ticks.end(), take, tick);
      b.aais.insert(b.aais.end(), aais.begin(), aais.begin() + static_cast<std::ptrdiff_t>(take));
      aais = aais.subspan(take);
      if (b.aais.size() == block) close_block();
    }
  }
  /// After the last entry: the block short of a whole one waits too.
  void close_last() {
    if (!current_->aais.empty()) close_block();
  }
  /// Compression tasks of the blocks waiting, any thread, all at once.
  std::size_t tasks() const noexcept { return 2 * waiting_.size(); }
  void encode(std::size_t task) const { to_.encode_agenda(*waiting_[task / 2], task % 2); }
  /// Stores the waiting blocks, in order (one thread).
  void store() {
    for (checkpoint::shard_builder::agenda_block* b : waiting_) {
      to_.store_agenda(*b);
      b->ticks.clear();
      b->aais.clear();
      spare_.push_back(b);
    }
    waiting_.clear();
  }

 private:
  static constexpr std::size_t block = checkpoint::shard_builder::block_rows;
  void close_block() {
    to_.cut_agenda(*current_);
    waiting_.push_back(current_);
    open_block();
  }
  void open_block() {
    if (spare_.empty()) {
      owned_.push_back(std::make_unique<checkpoint::shard_builder::agenda_block>());
      owned_.back()->ticks.reserve(block);
      owned_.back()->aais.reserve(block);
      spare_.push_back(owned_.back().get());
    }
    current_ = spare_.back();
    spare_.pop_back();
  }
  checkpoint::shard_builder& to_;
  std::vector<std::unique_ptr<checkpoint::shard_builder::agenda_block>> owned_;
  std::vector<checkpoint::shard_builder::agenda_block*> spare_, waiting_;
  checkpoint::shard_builder::agenda_block* current_ = nullptr;
};

}  // namespace

void simulation::capture_agenda(checkpoint::shard_content& out, checkpoint::shard_builder& to) const {
  // Entries of deleted actors are dropped; the rest in (tick, AAI) order, so
  // a shard's content does not depend on the order actors asked. Sorted tick
  // by tick (many small sorts instead of one over every entry), radix-style
  // since AAIs are integers, in batches of ticks of about a block's entries
  // whose ticks are sorted on the worker threads, while the same round's
  // other tasks compress the blocks of the batch before.
  constexpr std::size_t block = checkpoint::shard_builder::block_rows;
  const bool may_hold_deleted = agenda_may_hold_gone_actors();
  const std::vector<tick_t> ticks = agenda_.ticks();  // in increasing order
  std::vector<std::size_t> entries_at(ticks.size());
  for (std::size_t k = 0; k < ticks.size(); ++k) entries_at[k] = agenda_.bucket_size(ticks[k]);
  // The largest tick and AAI, so that the shard stores them narrow.
  tick_t max_tick = ticks.empty() ? 0 : ticks.back();
  aai_t max_aai = agenda_.largest_aai();
  for (const auto& [aai, activation] : agenda_.periodic_activations()) {
    max_tick = std::max(max_tick, activation.next);
    max_aai = std::max(max_aai, aai);
  }
  to.begin_agenda(max_tick, max_aai);
  agenda_blocks blocks(to);
  std::vector<std::vector<aai_t>> live;  // per tick of the batch
  std::vector<std::vector<aai_t>> scratch(executor_->concurrency());  // per worker, for the sort
  for (std::size_t first = 0; first < ticks.size();) {
    std::size_t last = first, entries = 0;
    while (last < ticks.size() && (last == first || entries < block)) entries += entries_at[last++];
    if (live.size() < last - first) live.resize(last - first);
    const std::size_t compressing = blocks.tasks();
    executor_->for_ranges(compressing + (last - first), 1, [&](std::size_t begin, std::size_t end, unsigned worker) {
      for (std::size_t task = begin; task < end; ++task) {
        if (task < compressing) {
          blocks.encode(task);
          continue;
        }
        const std::size_t k = task - compressing;
        std::vector<aai_t>& aais = live[k];
        agenda_.bucket(ticks[first + k], aais);
        radix_sort(aais, max_aai, scratch[worker]);
        aais.erase(std::unique(aais.begin(), aais.end()), aais.end());
        if (may_hold_deleted)  // in AAI order: cache-friendly
          std::erase_if(aais, [&](aai_t aai) { return table_.find(aai) == nullptr; });
      }
    });
    blocks.store();
    for (std::size_t k = 0; k < last - first; ++k) blocks.add(ticks[first + k], live[k]);
    first = last;
  }
  // Then the periodic activations (of live actors: deletion stops them), in
  // (next tick, AAI) order, with their periods: the period column's tail.
  std::vector<std::pair<aai_t, agenda::periodic>> periodic(agenda_.periodic_activations().begin(),
                                                           agenda_.periodic_activations().end());
  std::sort(periodic.begin(), periodic.end(), [](const auto& a, const auto& b) {
    return std::pair(a.second.next, a.first) < std::pair(b.second.next, b.first);
  });
  out.agenda_period.resize(periodic.size());
  for (std::size_t k = 0; k < periodic.size(); ++k) {
    blocks.add(periodic[k].second.next, std::span(&periodic[k].first, 1));
    out.agenda_period[k] = periodic[k].second.period;
  }
  blocks.close_last();
  if (const std::size_t compressing = blocks.tasks(); compressing > 0)
    executor_->for_ranges(compressing, 1, [&](std::size_t begin, std::size_t end, unsigned) {
      for (std::size_t task = begin; task < end; ++task) blocks.encode(task);
    });
  blocks.store();
}

void simulation::capture(checkpoint::shard_content& out, checkpoint::shard_builder& image,
                         tick_t resume_tick) const {
  out.position = {resume_tick, stats_.ticks_simulated, stats_.diascas, stats_.last_tick, stats_.windows};
  out.totals = {stats_.activations, stats_.messages, stats_.remote_messages, stats_.actors_created,
                stats_.actors_deleted};
  const std::vector<actor*> all = table_.sorted_by_aai();
  std::vector<int> class_slot(classes_.size(), -1);
  checkpoint::actor_bounds bounds{all.empty() ? 0 : all.back()->aai(), 0, 0};  // the tables are stored narrow
  for (const actor* a : all) {
    const class_info& cls = table_.class_of(*a);
    if (class_slot[cls.id] < 0) {
      class_slot[cls.id] = static_cast<int>(out.classes.size());
      out.classes.emplace_back(cls.name);
    }
    bounds.rng_counter = std::max(bounds.rng_counter, detail::actor_access::rng_counter(*a));
    bounds.creations = std::max<std::uint64_t>(bounds.creations, detail::actor_access::creations(*a));
  }
  image.begin_actors(out.classes, all.size(), bounds);
  capture_actors(all, class_slot, image);
  capture_agenda(out, image);
  timed_.for_each([&](const timed_message& m, const std::byte* payload) {
    out.timed.push_back(m);
    out.timed.back().offset = out.timed_payloads.size();
    out.timed_payloads.insert(out.timed_payloads.end(), payload, payload + m.size);
  });
  for (const probe_store::probe* p : probes_.all()) out.probes.push_back({p->name, p->curves, p->mode});
  probes_.encode(out.samples);
  for (const auto& [name, value] : counters()) {
    out.counter_names.push_back(name);
    out.counter_values.push_back(value);
  }
}

void simulation::restore(restored_state&& restored) {
  first_tick_ = restored.position.resume_tick;
  fresh_start_ = false;
  stats_.ticks_simulated = restored.position.ticks_simulated;
  stats_.diascas = restored.position.diascas;
  stats_.last_tick = restored.position.last_tick;
  stats_.windows = restored.position.windows;
  // Sums over ranks: each old shard's totals came to the one rank that read it.
  stats_.activations = stats_.activations_carried = restored.totals.activations;
  stats_.messages = restored.totals.messages;
  stats_.remote_messages = restored.totals.remote_messages;
  stats_.actors_created = restored.totals.actors_created;
  stats_.actors_deleted = restored.totals.actors_deleted;

  // Every probe is declared on every rank: an actor may now live on a rank
  // that never built one of its kind.
  for (const checkpoint::probe_declaration& d : restored.probes) probes_.declare(d.name, d.curves, d.mode);
  for (const auto& blob : restored.samples) probes_.merge(blob);
  for (const auto& [name, value] : restored.counters) {
    const std::uint32_t id = counter_id_for(name);
    auto& slots = workers_[0].counters;
    if (id >= slots.size()) slots.resize(id + 1, 0);
    slots[id] += value;
  }

  for (restored_state::actor_block& block : restored.actors) {
    std::vector<const class_info*> block_classes;
    for (const std::string& name : block.classes) {
      const auto found = std::find_if(classes_.begin(), classes_.end(),
                                      [&](const class_info* c) { return c->name == name; });
      if (found == classes_.end())
        throw checkpoint_error(
            fmt::format("the checkpoint holds actors of class '{}', which no loaded plugin defines", name));
      block_classes.push_back(*found);
    }
    std::size_t at = 0;
    for (std::size_t i = 0; i < block.aai.size(); ++i) {
      const class_info& cls = *block_classes.at(block.class_index[i]);
      const std::string_view state = std::string_view(block.archive).substr(at, block.state_size[i]);
      at += state.size();
      void* storage = table_.allocate(cls);
      actor* a;
      try {
        a = &load_actor({&cls, block.aai[i], block.rng_counter[i], static_cast<std::uint32_t>(block.creations[i])}, state,
                        storage);
      } catch (...) {
        table_.release(cls, storage);
        throw;
      }
      if (!table_.insert(*a)) throw checkpoint_error(fmt::format("the checkpoint holds actor {} twice", block.aai[i]));
    }
    std::string().swap(block.archive);
  }
  for (const auto& [tick, aai, period] : restored.agenda) {
    if (period == 0) agenda_.schedule(0, tick, aai);
    else agenda_.schedule_every(aai, tick, period);
  }
  for (const timed_message& m : restored.timed) timed_.add(m, restored.timed_payloads.data() + m.offset);
}

std::string simulation::message_name(message_type_id type) const {
  for (const class_info* c : classes_)
    if (const handler_entry* h = c->handler_for(type)) return std::string(h->message_name);
  return fmt::format("#{:016x}", type);
}

std::map<std::string, std::uint64_t> simulation::counters() const {
  const std::vector<std::string> names = counter_names();
  std::map<std::string, std::uint64_t> out;
  for (const auto& w : workers_)
    for (std::size_t i = 0; i < w.counters.size(); ++i) out[names[i]] += w.counters[i];
  return out;
}

void simulation::maybe_print_progress(timestamp at) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_progress_ < progress_every_) return;
  last_progress_ = now;
  const tick_t tick = at.tick;
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  const auto hms = [](double seconds) {
    const auto s = static_cast<long long>(seconds);
    return fmt::format("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  };
  std::string line = fmt::format("t={} tick={}", hms(static_cast<double>(tick) * scenario_.tick_seconds), tick);
  if (at.diasca > 0) line += fmt::format(" diasca={}", at.diasca);
  if (scenario_.stop_tick != no_tick && scenario_.stop_tick > 0) {
    const double done = static_cast<double>(tick) / static_cast<double>(scenario_.stop_tick);
    line += fmt::format(" ({:.0f}%)", 100 * done);
    if (done > 0) line += fmt::format(" eta={}", hms(elapsed * (1 - done) / done));
  }
  line += fmt::format(" act/s={:.2e} actors={}", static_cast<double>(stats_.activations) / elapsed, table_.size());
  // A terminal gets one line rewritten in place; a file or a pipe (a batch
  // job's log) gets whole lines.
  if (stderr_is_terminal_) std::fprintf(stderr, "\r%s   ", line.c_str());
  else std::fprintf(stderr, "kairos: progress: %s\n", line.c_str());
  std::fflush(stderr);
}

}  // namespace kairos
