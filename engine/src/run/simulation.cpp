#include "run/simulation.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "kairos/core/error.hpp"
#include "plugin/registry.hpp"
#include "probe/counter_registry.hpp"
#include "scenario/param_source.hpp"

namespace kairos {

namespace {
// Activations per chunk handed to a worker. Most activations take tens of
// nanoseconds, so a chunk must be large to amortise task scheduling; about
// four chunks per worker still balances uneven actors.
std::size_t chunk_size(std::size_t activations, unsigned workers) {
  constexpr std::size_t min_chunk = 2048;
  return std::max(min_chunk, (activations + 4 * workers - 1) / (4 * workers));
}
}  // namespace

simulation::simulation(const scenario& s, unsigned threads)
    : scenario_(s),
      classes_(registry::instance().classes()),
      constants_{s.seed, s.tick_seconds},
      executor_(make_executor(std::max(1u, threads))),
      table_(classes_),
      probes_(s.probe_patterns) {
  const unsigned n = executor_->concurrency();
  workers_.resize(n);
  arenas_[0].resize(n);
  arenas_[1].resize(n);
  contexts_.reserve(n);
  for (unsigned w = 0; w < n; ++w) {
    workers_[w].index = w;
    contexts_.push_back({context(workers_[w], constants_, static_cast<detail::engine_services&>(*this))});
  }
  create_scenario_actors();
}

simulation::~simulation() = default;

void simulation::create_scenario_actors() {
  table_.reserve_scenario_actors(scenario_.actor_count);
  for (const actor_block& b : scenario_.blocks) {
    const std::string per_actor_field = b.field + ".per_actor";
    for (std::uint64_t i = 0; i < b.count; ++i) {
      const aai_t aai = b.first_aai + i;
      detail::param_source params(scenario_, b.params, b.params_field, b.per_actor, per_actor_field, i,
                                  b.names ? b.names->get(i) : nullptr);
      actor_init init(aai, &params, constants_, *this);
      void* storage = table_.allocate(*b.cls);
      actor* object;
      try {
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
  tick_t tick = 0;
  bool start = true;
  for (;;) {
    if (tick >= scenario_.stop_tick) {
      stats_.end_reason = "stop tick reached";
      break;
    }
    run_tick(tick, start);
    start = false;
    if (stop_requested_) {
      stats_.end_reason = "stop requested by an actor";
      break;
    }
    const tick_t next = agenda_.next_tick();
    if (next == no_tick) {
      stats_.end_reason = "nothing left to do";
      break;
    }
    tick = next;
    if (progress_) maybe_print_progress(tick);
  }
  probes_.finish();
  std::vector<activation>().swap(activations_);  // give the memory back before digest and output
  std::vector<detail::message_record>().swap(inbox_);
  stats_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  if (progress_) std::fputc('\n', stderr);
}

void simulation::run_tick(tick_t tick, bool start) {
  // Diasca 0: the actors due this tick, plus, at the very start, every
  // scenario actor for its on_first_diasca (nothing can be due at tick 0:
  // schedules are for later ticks).
  agenda_.take(tick, due_);
  inbox_.clear();
  activations_.clear();
  for (aai_t aai : due_)
    if (actor* a = table_.find(aai)) activations_.push_back({a, 0, 0, spontaneous});
  if (activations_.empty() && !start) return;

  stats_.ticks_simulated++;
  stats_.last_tick = tick;
  timestamp now{tick, 0};
  begin_diasca(now);
  if (start) run_scenario_first_diascas(now);
  run_activations(now);
  while (merge(now)) {
    stats_.diascas++;
    now.diasca++;
    begin_diasca(now);
    run_activations(now);
  }
  stats_.diascas++;
}

void simulation::run_scenario_first_diascas(timestamp now) {
  // In slices, so the activation list never holds millions of entries.
  constexpr std::uint64_t slice = 1 << 16;
  std::vector<activation> due = std::move(activations_);
  for (std::uint64_t begin = 0; begin < table_.scenario_capacity(); begin += slice) {
    activations_.clear();
    const std::uint64_t end = std::min(begin + slice, table_.scenario_capacity());
    for (aai_t aai = begin; aai < end; ++aai)
      if (actor* a = table_.find(aai)) activations_.push_back({a, 0, 0, first_diasca});
    run_activations(now);
  }
  activations_ = std::move(due);
}

void simulation::begin_diasca(timestamp now) {
  auto& arenas = arenas_[now.diasca & 1];
  for (std::size_t w = 0; w < workers_.size(); ++w) {
    arenas[w].clear();  // held the payloads of diasca D-2, all processed
    workers_[w].arena = &arenas[w];
  }
}

void simulation::run_activations(timestamp now) {
  stats_.activations += activations_.size();
  executor_->for_ranges(activations_.size(), chunk_size(activations_.size(), executor_->concurrency()),
                        [&](std::size_t begin, std::size_t end, unsigned w) {
                          detail::worker_state& worker = workers_[w];
                          context& ctx = contexts_[w].ctx;
                          for (std::size_t i = begin; i < end; ++i) activate(activations_[i], ctx, worker, now);
                        });
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

void simulation::report_failures(timestamp now) {
  const detail::failure_record* first = nullptr;
  std::size_t count = 0;
  for (const auto& w : workers_)
    for (const auto& f : w.failures) {
      ++count;
      if (!first || f.aai < first->aai) first = &f;
    }
  std::string what = first->what;
  if (count > 1) what += fmt::format(" (and {} more failure(s) in the same diasca)", count - 1);
  (void)now;
  throw runtime_error(what);
}

bool simulation::merge(timestamp now) {
  for (const auto& w : workers_)
    if (!w.failures.empty()) report_failures(now);

  std::uint64_t deleted = 0, created = 0, sent = 0;
  for (auto& w : workers_) {
    for (aai_t aai : w.deletions) deleted += table_.erase(aai) ? 1 : 0;
  }
  created_.clear();
  for (auto& w : workers_) {
    for (const detail::creation_record& c : w.creations) {
      if (!table_.insert(*c.object))
        throw runtime_error(fmt::format("actor {} created by actor {} at tick {} diasca {}: identifier already in use",
                                        c.aai, c.creator, now.tick, now.diasca));
      created_.emplace_back(c.aai, c.object);
    }
    created += w.creations.size();
    // Per worker, in the order the actors asked: an actor's schedule and
    // withdraw calls all come from one worker, so their order is kept.
    for (const detail::schedule_record& s : w.schedules) {
      if (s.withdraw) agenda_.withdraw(s.tick, s.aai);
      else agenda_.schedule(s.tick, s.aai);
    }
    if (w.stop_requested) stop_requested_ = true;
    w.stop_requested = false;
    if (!w.samples.empty()) probes_.absorb(w);
    sent += w.messages.size();
  }
  stats_.actors_created += created;
  stats_.actors_deleted += deleted;
  stats_.messages += sent;

  // Next diasca's inbox in canonical order: receiver, then sender, then the
  // sender's sequence number.
  inbox_.clear();
  inbox_.reserve(sent);
  for (auto& w : workers_) inbox_.insert(inbox_.end(), w.messages.begin(), w.messages.end());
  for (auto& w : workers_) w.clear_diasca();
  std::sort(inbox_.begin(), inbox_.end(), [](const detail::message_record& a, const detail::message_record& b) {
    if (a.receiver != b.receiver) return a.receiver < b.receiver;
    if (a.sender != b.sender) return a.sender < b.sender;
    return a.seq < b.seq;
  });
  std::sort(created_.begin(), created_.end());

  activations_.clear();
  std::size_t c = 0;
  for (std::size_t i = 0; i < inbox_.size();) {
    const aai_t receiver = inbox_[i].receiver;
    std::size_t j = i;
    while (j < inbox_.size() && inbox_[j].receiver == receiver) ++j;
    for (; c < created_.size() && created_[c].first < receiver; ++c)
      activations_.push_back({created_[c].second, 0, 0, first_diasca});
    std::uint8_t flags = 0;
    if (c < created_.size() && created_[c].first == receiver) {
      flags = first_diasca;
      ++c;
    }
    actor* target = table_.find(receiver);
    if (!target)
      throw runtime_error(fmt::format(
          "message '{}' sent by actor {} at tick {} diasca {} to actor {}, which does not exist (deleted or never "
          "created)",
          message_name(inbox_[i].type), inbox_[i].sender, now.tick, now.diasca, receiver));
    activations_.push_back({target, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j - i), flags});
    i = j;
  }
  for (; c < created_.size(); ++c) activations_.push_back({created_[c].second, 0, 0, first_diasca});

  return sent > 0 || created > 0 || deleted > 0;
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

void simulation::maybe_print_progress(tick_t tick) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_progress_ < std::chrono::seconds(1)) return;
  last_progress_ = now;
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  const auto hms = [](double seconds) {
    const auto s = static_cast<long long>(seconds);
    return fmt::format("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  };
  std::string line = fmt::format("t={} tick={}", hms(static_cast<double>(tick) * scenario_.tick_seconds), tick);
  if (scenario_.stop_tick != no_tick && scenario_.stop_tick > 0) {
    const double done = static_cast<double>(tick) / static_cast<double>(scenario_.stop_tick);
    line += fmt::format(" ({:.0f}%)", 100 * done);
    if (done > 0) line += fmt::format(" eta={}", hms(elapsed * (1 - done) / done));
  }
  line += fmt::format(" act/s={:.2e} actors={}", static_cast<double>(stats_.activations) / elapsed, table_.size());
  std::fprintf(stderr, "\r%s   ", line.c_str());
  std::fflush(stderr);
}

}  // namespace kairos
