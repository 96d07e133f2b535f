#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "actor/actor_state.hpp"
#include "actor/actor_table.hpp"
#include "checkpoint/shard_file.hpp"
#include "distribution/placement.hpp"
#include "exec/adaptive_split.hpp"
#include "kairos/actor/context.hpp"
#include "kairos/core/error.hpp"
#include "kairos/detail/engine_services.hpp"
#include "kairos/detail/worker_state.hpp"
#include "kairos/exec/executor.hpp"
#include "log/logging.hpp"
#include "probe/probe_store.hpp"
#include "run/canonical_inbox.hpp"
#include "scenario/scenario.hpp"
#include "time/agenda.hpp"
#include "time/receiver_sort.hpp"
#include "time/timed_store.hpp"
#include "transport/transport.hpp"

namespace kairos {

/// Facts about a finished run (summary.json and the summary line).
struct run_statistics {
  tick_t ticks_simulated = 0;  ///< ticks in which something happened
  tick_t last_tick = 0;        ///< the last tick simulated
  std::uint64_t diascas = 0;
  /// Lookahead windows run (windowed runs only, where ticks and diascas are
  /// decided per rank and so not counted above).
  std::uint64_t windows = 0;
  std::uint64_t activations = 0;  ///< actor activations (one per actor per diasca it ran in)
  std::uint64_t activations_carried = 0;  ///< of those, done before the checkpoint this run resumed from
  std::uint64_t messages = 0;
  std::uint64_t remote_messages = 0;  ///< sent to actors on other ranks
  std::uint64_t actors_created = 0;  ///< at run time
  std::uint64_t actors_deleted = 0;
  std::string end_reason;
  double wall_seconds = 0;  ///< of the simulation loop only
};

class simulation;

/// Called by the run loop between ticks, where no message is in flight: the
/// checkpoint layer's way in.
class tick_boundary_hook {
 public:
  virtual ~tick_boundary_hook() = default;
  /// Polled at every diasca end on every rank: whether this rank asks for a
  /// checkpoint at the end of the current tick.
  virtual bool checkpoint_wanted() = 0;
  /// After tick `done`, when `decision` says the next tick is to be run. (In
  /// a windowed run, `done` is the tick before the window just run: every
  /// tick after it and before decision.next_tick is done.)
  /// Returns true to end the run here (a checkpoint taken on a signal).
  virtual bool at_tick_boundary(simulation& sim, tick_t done, const diasca_decision& decision) = 0;
};

/// A rank's share of a checkpoint being restored: the actors placed on this
/// rank for the new rank count and their schedules, and the samples,
/// counters and totals of the old shards this rank read.
struct restored_state {
  /// Actors of one old shard that now live on this rank: their rows, and
  /// their states concatenated in row order.
  struct actor_block {
    std::vector<std::string> classes;        ///< class names, as the old shard listed them
    std::vector<std::uint64_t> class_index;  ///< per row, into classes
    std::vector<aai_t> aai;
    std::vector<std::uint64_t> rng_counter;
    std::vector<std::uint64_t> creations;
    std::vector<std::uint64_t> state_size;
    std::string archive;
  };
  checkpoint::run_position position;
  std::vector<actor_block> actors;
  /// A spontaneous activation to come: one-off (period 0) or periodic.
  struct agenda_entry {
    tick_t tick;
    aai_t aai;
    tick_t period;
  };
  std::vector<agenda_entry> agenda;
  std::vector<timed_message> timed;  ///< offsets into timed_payloads
  std::vector<std::byte> timed_payloads;
  std::vector<checkpoint::probe_declaration> probes;  ///< every probe of the run
  std::vector<std::vector<std::byte>> samples;
  std::map<std::string, std::uint64_t> counters;
  checkpoint::rank_totals totals;
};

/// One rank's simulation: its actors, agenda and the diasca loop of
/// docs/design.md §2. Everything actors do while active lands in per-worker
/// buffers that the end of the diasca applies in a canonical order; messages
/// and new actors for other ranks go out through the transport, and the
/// time-manager tree decides what comes next.
class simulation final : private detail::engine_services {
 public:
  simulation(const scenario& s, unsigned threads, transport& net);
  /// Resumes from a checkpoint instead of building the scenario's actors.
  simulation(const scenario& s, unsigned threads, transport& net, restored_state&& restored);
  ~simulation();
  simulation(const simulation&) = delete;
  simulation& operator=(const simulation&) = delete;

  /// Runs until the stop tick, an actor's stop request or an empty agenda.
  /// Throws runtime_error when a model fails (naming actor, class, time).
  void run();
  /// A progress line on stderr every `seconds` at most (0: none), written
  /// between diascas, so that a supervisor can tell a long tick from a
  /// stalled run.
  void show_progress(double seconds) noexcept {
    progress_ = seconds > 0;
    progress_every_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(seconds));
  }
  /// After run(): the last tick any rank ran.
  tick_t final_tick() const noexcept { return final_tick_; }
  void set_tick_boundary_hook(tick_boundary_hook* hook) noexcept { hook_ = hook; }
  /// This rank's part of a checkpoint taken between ticks, resuming at
  /// `resume_tick`: the actors' rows and the agenda's entries into
  /// `image`, block by block; the agenda's periods, the timed messages,
  /// probes, counters and totals into `out`.
  void capture(checkpoint::shard_content& out, checkpoint::shard_builder& image, tick_t resume_tick) const;
  /// True when the run ended at a checkpoint (on a signal) rather than its end.
  bool interrupted() const noexcept { return interrupted_; }

  const run_statistics& statistics() const noexcept { return stats_; }
  const actor_table& actors() const noexcept { return table_; }
  probe_store& probes() noexcept { return probes_; }
  /// Model-published counters summed over all workers, by name.
  std::map<std::string, std::uint64_t> counters() const;
  unsigned threads() const noexcept { return executor_->concurrency(); }
  /// The worker threads, for end-of-run work over the actors.
  executor& workers() noexcept { return *executor_; }

 private:
  enum : std::uint8_t { first_diasca = 1, spontaneous = 2 };
  struct activation {
    actor* object;
    std::uint32_t message_begin;
    std::uint32_t message_count;
    std::uint8_t flags;
  };

  simulation(const scenario& s, unsigned threads, transport& net, bool build_scenario_actors);
  void create_scenario_actors();
  void restore(restored_state&& restored);
  /// The run loop: step(tick, start) runs from `tick` to an agreement and
  /// returns it with the last tick before the next step (for checkpoint
  /// triggers); the loop stops, checkpoints or jumps as it says.
  template <class Step>
  void run_steps(const Step& step);
  /// Every rank runs every tick and agrees on each diasca (no lookahead).
  void run_per_diasca();
  /// Every rank runs every tick, with or without local work, since the
  /// diascas are agreed together.
  diasca_decision run_tick(tick_t tick, bool start);
  /// A tick's diascas: diasca 0, then one more while end(now), the diasca's
  /// end, says a next one is due.
  template <class EndDiasca>
  void run_diascas(tick_t tick, bool start, const EndDiasca& end);
  /// With a lookahead of W ticks: each rank runs the ticks of [t, t + W) on
  /// its own, then all exchange timed messages and agree on the next window.
  void run_windowed();
  void run_window(tick_t begin, tick_t end, bool start);
  void run_local_tick(tick_t tick, bool start);
  /// A diasca's end inside a window: effects applied, nothing exchanged.
  /// True when a next diasca is due.
  bool end_local_diasca(timestamp now);
  diasca_decision end_window(tick_t last_tick);
  /// Only deletions leave agenda entries of actors that are gone (restored
  /// runs count, as their totals carry over): without any, their lookups
  /// are skipped.
  bool agenda_may_hold_gone_actors() const noexcept { return stats_.actors_deleted > 0; }
  /// The next tick with something due here. After deletions, a tick that
  /// only actors now gone asked for is dropped first, never visited.
  tick_t next_local_tick() {
    if (agenda_may_hold_gone_actors())
      agenda_.drop_gone([&](aai_t aai) { return table_.find(aai) != nullptr; });
    return std::min(agenda_.next_tick(), timed_.next_tick());
  }
  /// Applies the diasca's effects, exchanges with other ranks, and agrees
  /// with them on what comes next.
  diasca_decision end_diasca(timestamp now);
  void apply_local_effects(timestamp now, diasca_report& report);
  /// The diasca's schedule and withdraw calls not filed yet, into the
  /// agenda; then each withdraw into the lanes other than its own.
  void apply_schedules();
  /// Worker `lane`'s schedule and withdraw calls, into its agenda lane (on
  /// that worker's thread: lanes are independent).
  void file_schedules(unsigned lane);
  /// Files the diasca's timed messages, and routes its messages to this
  /// rank's next inbox or to other ranks' buffers: on the workers, each into
  /// its own lane, when there are enough of them (parallel_end_).
  void route_messages(timestamp now);
  void route_timed(const detail::worker_state& w, timestamp now);
  /// One worker's messages: local ones appended to `local`, the others
  /// serialised into `outgoing` (per rank), counted in `remote`.
  void route_instant(const detail::worker_state& w, timestamp now, std::vector<detail::message_record>& local,
                     std::vector<std::vector<std::byte>>& outgoing, std::uint64_t& remote) const;
  /// Forgets a routing a failure interrupted.
  void discard_routing() noexcept;
  /// The lookahead's rules (docs/design.md §2.4), checked per message and
  /// creation when one is declared; each throws naming actor, class, time.
  void check_instant_send(const detail::message_record& m, timestamp now) const;
  void check_timed_send(const detail::timed_record& t, timestamp now) const;
  void check_creation(const detail::creation_record& c, timestamp now) const;
  std::string describe_actor(aai_t aai) const;
  void receive(const std::vector<std::vector<std::byte>>& incoming, timestamp now);
  /// The next diasca's inbox, in canonical order, and its activations.
  void prepare_next_diasca(timestamp now);
  /// Appends to `out` the activations of the inbox's messages [begin, end)
  /// (whole receivers) and of the new actors `created` among them, in AAI
  /// order. Returns the index of the first message whose receiver does not
  /// exist (nothing appended for it or after), or SIZE_MAX.
  std::size_t collect_activations(std::size_t begin, std::size_t end, std::span<const std::pair<aai_t, actor*>> created,
                                  std::vector<activation>& out) const;
  runtime_error missing_receiver(const detail::message_record& m, timestamp now) const;
  [[noreturn]] void raise_failure(int failed_rank);
  void begin_diasca(timestamp now);
  /// serial(), or parallel(grain) where the measured cost of an item says
  /// that splitting n items among the workers pays, in chunks of `grain`;
  /// the time taken feeds that measure.
  template <class Serial, class Parallel>
  void split_if_worth_it(std::size_t n, const Serial& serial, const Parallel& parallel);
  /// Runs run_range(begin, end, worker) over [0, n), on the workers as the
  /// measured cost says it pays (else one call on this thread).
  template <class RangeFn>
  void run_split(std::size_t n, const RangeFn& run_range);
  /// Runs run_worker(worker, chunk, alone) on every worker, for n items
  /// that it claims `chunk` at a time, as the measured cost says it pays
  /// (else one call on this thread, with a chunk of n and `alone` true: no
  /// other thread runs meanwhile).
  template <class WorkerFn>
  void run_on_workers(std::size_t n, const WorkerFn& run_worker);
  void run_activations(timestamp now);
  /// Diasca 0 of a tick: the actors the agenda has due, and the receivers
  /// of the timed messages due.
  void run_diasca_zero(timestamp now);
  struct timed_receiver;
  /// The actors the agenda has due, straight from its lanes, each once
  /// (claimed in `round`) but for the receivers of timed messages, claimed
  /// before: those it marks due instead, for run_due_and_timed to run.
  void run_due(timestamp now, std::uint16_t round, std::span<timed_receiver> receivers);
  void run_due_and_timed(timestamp now, std::uint16_t round);
  /// The next round of actor_table::claim.
  std::uint16_t next_claim_round();
  void run_scenario_first_diascas(timestamp now);
  void activate(const activation& a, context& ctx, detail::worker_state& worker, timestamp now);
  [[noreturn]] void report_failures();
  std::string message_name(message_type_id type) const;
  void maybe_print_progress(timestamp now);
  /// capture()'s actor rows and states, and its agenda columns.
  void capture_actors(const std::vector<actor*>& all, const std::vector<int>& class_slot,
                      checkpoint::shard_builder& to) const;
  void capture_agenda(checkpoint::shard_content& out, checkpoint::shard_builder& to) const;
  /// Runs on_end_of_run of every actor here whose class has one, at
  /// (`last_tick`, end_of_run_diasca), and keeps the samples they record.
  /// Throws runtime_error for a hook that fails or does more than record,
  /// count, log and draw.
  void run_end_of_run(tick_t last_tick);
  /// True when an actor activated this tick waits for its on_end_of_tick.
  bool end_of_tick_pending() const noexcept;
  /// Runs on_end_of_tick, at (`tick`, end_of_tick_diasca), of every actor
  /// here activated this tick whose class hides it, once each in AAI order.
  /// Its effects wait in the workers' buffers for the diasca's usual end;
  /// a hook that sends, creates or deletes is a failure recorded there.
  void run_end_of_tick(tick_t tick);
  /// Calls `hook` of each actor in activations_, at `now`, on the workers.
  /// A hook that changes `effects(worker)` fails with `rule`; failures are
  /// recorded "actor A (class 'C') failed `when`: why".
  template <class Effects>
  void run_hooks(timestamp now, void (*class_info::*hook)(actor&, context&), const Effects& effects,
                 std::string_view rule, std::string_view when);

  // engine_services
  void* allocate_actor(const class_info& cls) override { return table_.allocate(cls); }
  void release_actor(const class_info& cls, void* storage) noexcept override { table_.release(cls, storage); }
  probe_id declare_probe(std::string_view name, std::initializer_list<std::string_view> curves,
                         probe_mode mode) override {
    return probes_.declare(name, curves, mode);
  }
  void log_line(log_level level, const actor& self, timestamp now, std::string_view text) override;
  /// "diasca 3", or "end of tick" / "end of run" for the hooks' diascas.
  static std::string describe_diasca(diasca_t diasca);

  const scenario& scenario_;
  transport& net_;
  placement placement_;
  int rank_;
  scenario_slots slots_;  ///< numbers the scenario actors this rank hosts
  const std::vector<const class_info*>& classes_;
  std::vector<std::uint8_t> class_log_levels_;  ///< what constants_ points to
  spdlog::logger& time_log_;
  detail::run_constants constants_;
  std::unique_ptr<executor> executor_;
  adaptive_split split_;  ///< how the activations of a diasca are shared among the workers
  actor_table table_;
  agenda agenda_;
  timed_store timed_;
  tick_t lookahead_;  ///< scenario_.lookahead_ticks: 0, or rules and windows
  /// Earliest due tick of the timed messages waiting in outgoing_.
  tick_t outgoing_timed_due_ = no_tick;
  probe_store probes_;

  std::vector<detail::worker_state> workers_;
  struct alignas(128) padded_context {  // no false sharing between workers
    context ctx;
  };
  std::vector<padded_context> contexts_;
  /// Diasca parity x (workers, then one for payloads received from other
  /// ranks, then one for the timed messages due at diasca 0).
  std::vector<detail::payload_arena> arenas_[2];
  std::vector<activation> activations_;
  std::vector<detail::message_record> inbox_;  ///< messages of the diasca about to run, canonical order
  std::vector<aai_t> end_of_tick_due_;  ///< run_end_of_tick's actors, reused
  std::vector<timed_message> due_timed_;
  /// A receiver of due_timed_: its actor, its messages' range in the inbox,
  /// and whether it is also due for act_spontaneous (set by run_due's
  /// workers, concurrently, only ever to true).
  struct timed_receiver {
    aai_t receiver;
    actor* object;
    std::uint32_t begin, count;
    bool due;
  };
  std::vector<timed_receiver> due_receivers_;
  std::uint16_t claim_round_ = 0;
  /// Per list of due actors (the agenda's lanes, then its periodic
  /// actors): the first entry no worker has claimed yet.
  struct alignas(128) due_cursor {
    std::atomic<std::size_t> next{0};
  };
  std::unique_ptr<due_cursor[]> due_cursors_;
  std::vector<std::pair<aai_t, actor*>> created_;
  /// A worker's routed messages, when the end of a diasca runs on the
  /// workers: those for this rank, and those for each other rank.
  struct alignas(128) routing_lane {
    std::vector<detail::message_record> local;
    std::vector<std::vector<std::byte>> outgoing;
    std::uint64_t remote = 0;
  };
  std::vector<routing_lane> lanes_;
  bool parallel_end_ = false;  ///< this diasca's messages are routed in lanes and sorted on the workers
  std::vector<detail::message_record> received_;  ///< from other ranks, with parallel_end_
  canonical_inbox inbox_builder_;
  std::vector<canonical_inbox::run> inbox_runs_;
  receiver_sort_space<detail::message_record> inbox_sort_space_;  ///< the serial end's sort, reused
  std::vector<std::vector<activation>> range_activations_;  ///< per receiver range of inbox_builder_
  std::vector<std::size_t> range_missing_;
  std::vector<std::size_t> range_starts_;
  std::vector<std::vector<std::byte>> outgoing_;  ///< per destination rank
  std::vector<std::size_t> probes_sent_;           ///< per destination rank: probe declarations sent so far
  std::optional<std::string> failure_;            ///< this rank's failure in the current diasca

  bool stop_requested_ = false;
  bool progress_ = false;
  bool stderr_is_terminal_ = isatty(STDERR_FILENO) != 0;
  bool interrupted_ = false;
  tick_t final_tick_ = 0;  ///< see final_tick()
  tick_boundary_hook* hook_ = nullptr;
  tick_t first_tick_ = 0;  ///< 0, or the resume tick of a restored run
  bool fresh_start_ = true;  ///< scenario actors still owe their first diasca
  run_statistics stats_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_progress_;
  std::chrono::steady_clock::duration progress_every_{};
};

}  // namespace kairos
