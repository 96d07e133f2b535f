#pragma once

#include <cstdint>
#include <initializer_list>
#include <new>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "kairos/actor/actor.hpp"
#include "kairos/actor/actor_init.hpp"
#include "kairos/actor/class_info.hpp"
#include "kairos/actor/message.hpp"
#include "kairos/actor/random_stream.hpp"
#include "kairos/core/log_level.hpp"
#include "kairos/core/types.hpp"
#include "kairos/detail/engine_services.hpp"
#include "kairos/detail/worker_state.hpp"
#include "kairos/probe/probe_id.hpp"

namespace kairos {

/// What an actor can do while it is active: read the time, send messages,
/// schedule itself, create and delete actors, record probe samples, draw
/// random numbers. Valid only during the call that received it.
///
/// Everything here is buffered in the worker's own storage and applied at the
/// end of the diasca, which is what makes the outcome independent of the
/// number of threads and of the order actors ran in.
class context {
 public:
  tick_t now() const noexcept { return now_.tick; }
  diasca_t diasca() const noexcept { return now_.diasca; }
  timestamp time() const noexcept { return now_; }
  aai_t self() const noexcept { return self_aai_; }
  /// Sender of the message being handled (inside an `on` handler).
  aai_t sender() const noexcept { return sender_; }

  /// Sends `m` to `to`; it is processed at (now, diasca + 1).
  template <message M>
  void send(aai_t to, const M& m) {
    static_assert(alignof(M) <= detail::payload_arena::alignment, "message alignment too large");
    const std::uint32_t offset = worker_->arena->append(&m, sizeof(M));
    worker_->messages.push_back({to, self_aai_, M::kairos_message_type, send_seq_++, offset,
                                 static_cast<std::uint32_t>(sizeof(M)), worker_->index});
  }

  /// Sends `m` to `to` as a timed message: it is handled at diasca 0 of tick
  /// now + delay_ticks (>= 1), after the receiver's act_spontaneous of that
  /// tick if it has one, among that tick's timed messages in canonical order
  /// (sender, send time, send sequence). With a declared lookahead
  /// (simulation.lookahead), a message to another placement group needs a
  /// delay of at least the lookahead.
  template <message M>
  void send_in(aai_t to, tick_t delay_ticks, const M& m) {
    static_assert(alignof(M) <= detail::payload_arena::alignment, "message alignment too large");
    if (delay_ticks < 1 || delay_ticks >= no_tick - now_.tick) bad_delay(delay_ticks);
    const std::uint32_t offset = worker_->arena->append(&m, sizeof(M));
    worker_->timed.push_back({{to, self_aai_, M::kairos_message_type, send_seq_++, offset,
                               static_cast<std::uint32_t>(sizeof(M)), worker_->index},
                              now_.tick + delay_ticks});
  }

  /// Asks for a spontaneous activation at diasca 0 of `tick` (> now).
  void schedule_at(tick_t tick);
  /// Asks for a spontaneous activation `ticks` (>= 1) ticks from now.
  void schedule_in(tick_t ticks) { schedule_at(now_.tick + ticks); }
  /// Cancels a tick previously scheduled (no effect if it was not). A
  /// periodic activation is left alone: stop_every ends that.
  void withdraw(tick_t tick) { worker_->schedules.push_back({self_aai_, tick, true}); }
  /// Asks for a spontaneous activation every `period` (>= 1) ticks: at
  /// now + period, now + 2 period, ... until stop_every or the actor's
  /// deletion. Calling it again replaces the earlier periodic activation.
  /// An activation both periodic and scheduled runs once. The engine keeps
  /// the period (and checkpoints it): the actor need not reschedule itself.
  void schedule_every(tick_t period);
  /// The same, first at tick `first` (> now), then every `period` ticks.
  void schedule_every(tick_t period, tick_t first);
  /// Ends this actor's periodic activation (none due from now on).
  void stop_every() { worker_->periodic.push_back({self_aai_, 0, 0}); }

  /// Creates an actor of registered class T, constructed as
  /// T(actor_init&, args...). Its AAI is returned at once; it runs
  /// on_first_diasca at (now, diasca + 1) and may be sent messages now.
  template <class T, class... Args>
  aai_t create(Args&&... args) {
    const aai_t child = detail::child_aai(self_aai_, detail::actor_access::creations(*self_)++);
    return create_as<T>(child, std::forward<Args>(args)...);
  }

  /// As create, placing the new actor on the rank of `hint`: the same rank
  /// as every actor created with that hint and every scenario block with
  /// `placement = hint`. Use it for actors that talk a lot to each other.
  template <class T, class... Args>
  aai_t create_placed(std::string_view hint, Args&&... args) {
    const aai_t child = detail::hinted_child_aai(self_aai_, detail::actor_access::creations(*self_)++,
                                                 detail::placement_group(hint));
    return create_as<T>(child, std::forward<Args>(args)...);
  }

  /// Removes this actor at the end of the diasca; messages sent to it
  /// afterwards are errors.
  void delete_self() { worker_->deletions.push_back(self_aai_); }

  /// Ends the run at the end of the current tick.
  void request_stop() noexcept { worker_->stop_requested = true; }

  /// Records one sample (one value per curve) on a probe.
  void record(probe_id probe, std::initializer_list<double> values) {
    if (!probe.valid()) return;
    worker_->samples.push_back({probe.key, static_cast<std::uint32_t>(values.size()), now_.tick, now_.diasca,
                                sample_seq_++, self_aai_, worker_->sample_values.size()});
    worker_->sample_values.insert(worker_->sample_values.end(), values.begin(), values.end());
  }
  void record(probe_id probe, double value) { record(probe, {value}); }

  /// Declares (or finds) a probe. Declaring in the constructor
  /// (actor_init::probe) also checks the class's documented_probes.
  probe_id probe(std::string_view name, std::initializer_list<std::string_view> curves) {
    return services_->declare_probe(name, curves, {});
  }
  /// Declares (or finds) an aggregate probe (see actor_init::aggregate_probe;
  /// a period of 0 is a model failure).
  probe_id aggregate_probe(std::string_view name, std::initializer_list<std::string_view> curves,
                           tick_t period_ticks = 1) {
    return services_->declare_probe(name, curves, {probe_kind::aggregate, period_ticks});
  }

  /// Writes a line on the log of this actor's class (the logger named as
  /// the class, e.g. "soda.machine"), stamped with tick, diasca and actor:
  ///   ctx.log(kairos::log_level::debug, "{} cans left", cans_);
  /// gives `kairos: debug: [soda.machine] tick 12 diasca 1 actor 3: 4 cans
  /// left`. Below the class's level (`--log-level soda.machine=debug`;
  /// default info) the arguments are not even formatted. Log lines are not
  /// results: with threads their order may vary, and by default only rank 0
  /// (its actors) writes.
  template <class... Args>
  void log(log_level level, fmt::format_string<Args...> format, Args&&... args) {
    if (!logs(level)) return;
    services_->log_line(level, *self_, now_, fmt::vformat(format, fmt::make_format_args(args...)));
  }
  /// Whether log(level, ...) writes anything, for a caller that would
  /// compute its arguments at some cost.
  bool logs(log_level level) const noexcept {
    return level < log_level::off &&
           static_cast<std::uint8_t>(level) >= run_->class_log_levels[detail::actor_access::class_id(*self_)];
  }

  /// Adds to a model-published counter (reported in summary.json).
  void count(const counter& c, std::uint64_t n = 1) {
    if (c.id() >= worker_->counters.size()) worker_->counters.resize(c.id() + 1, 0);
    worker_->counters[c.id()] += n;
  }

  /// This actor's own random stream.
  random_stream random() noexcept {
    return random_stream(stream_key(run_->seed, self_aai_), detail::actor_access::rng_counter(*self_));
  }

  double tick_seconds() const noexcept { return run_->tick_seconds; }
  /// Simulated seconds converted to ticks, rounded to nearest, at least 1.
  tick_t ticks_for(double seconds) const noexcept { return run_->ticks_for(seconds); }

  // Engine use: bind this context to the next actor to run.
  context(detail::worker_state& worker, const detail::run_constants& run, detail::engine_services& services) noexcept
      : worker_(&worker), run_(&run), services_(&services) {}
  void bind(actor& a, timestamp now) noexcept {
    self_ = &a;
    self_aai_ = a.aai();
    now_ = now;
    send_seq_ = 0;
    sample_seq_ = 0;
    sender_ = no_aai;
  }
  void set_sender(aai_t sender) noexcept { sender_ = sender; }

 private:
  [[noreturn]] void bad_delay(tick_t delay_ticks) const;

  template <class T, class... Args>
  aai_t create_as(aai_t child, Args&&... args) {
    const class_info& cls = detail::registered_class_of<T>();
    void* storage = services_->allocate_actor(cls);
    actor_init init(child, cls, nullptr, *run_, *services_);
    T* object;
    try {
      const detail::aai_scope constructing(child);
      object = ::new (storage) T(init, std::forward<Args>(args)...);
    } catch (...) {
      services_->release_actor(cls, storage);
      throw;
    }
    detail::actor_access::aai(*object) = child;
    detail::actor_access::rng_counter(*object) = init.rng_counter();
    detail::actor_access::class_id(*object) = cls.id;
    worker_->creations.push_back({child, self_aai_, object});
    return child;
  }

  detail::worker_state* worker_;
  const detail::run_constants* run_;
  detail::engine_services* services_;
  actor* self_ = nullptr;
  aai_t self_aai_ = no_aai;
  aai_t sender_ = no_aai;
  timestamp now_{};
  std::uint32_t send_seq_ = 0;
  std::uint32_t sample_seq_ = 0;
};

}  // namespace kairos
