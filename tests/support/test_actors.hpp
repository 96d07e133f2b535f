#pragma once

// Small actor classes that exercise one rule of the time model each. They are
// linked statically into the unit-test binary, which also exercises the
// static-registration path (no dlopen).

#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include <kairos/actor/actor.hpp>
#include <kairos/actor/actor_init.hpp>
#include <kairos/actor/context.hpp>

namespace kairos_test {

struct ping {
  KAIROS_MESSAGE("test.ping");
  int index;
};
struct pong {
  KAIROS_MESSAGE("test.pong");
};
struct hello {
  KAIROS_MESSAGE("test.hello");
};

/// At tick `at`, sends `count` pings to `peer`; records {diasca} on each pong
/// to probe "pinger".
class pinger final : public kairos::actor {
 public:
  pinger() = default;  // blank, for loading
  using handles = kairos::handles<pong>;
  explicit pinger(kairos::actor_init& init);
  void on_first_diasca(kairos::context& ctx) { ctx.schedule_at(at_); }
  void act_spontaneous(kairos::context& ctx);
  void on(const pong&, kairos::context& ctx) { ctx.record(probe_, static_cast<double>(ctx.diasca())); }
  template <class A> void serialize(A& ar, unsigned) { ar & peer_ & at_ & count_; }

 private:
  kairos::aai_t peer_;
  kairos::tick_t at_;
  int count_;
  kairos::probe_id probe_;
};

/// Records {sender, index, diasca} for each ping (probe "ponger"), replies pong.
class ponger final : public kairos::actor {
 public:
  ponger() = default;  // blank, for loading
  using handles = kairos::handles<ping>;
  explicit ponger(kairos::actor_init& init) : probe_(init.probe("ponger", {"sender", "index", "diasca"})) {}
  void on(const ping& p, kairos::context& ctx);
  template <class A> void serialize(A&, unsigned) {}

 private:
  kairos::probe_id probe_;
};

/// Schedules ticks `a` and `b`, withdraws `a` if `withdraw_a`; records {tick}
/// on each spontaneous activation (probe "scheduler").
class scheduler final : public kairos::actor {
 public:
  scheduler() = default;  // blank, for loading
  explicit scheduler(kairos::actor_init& init);
  void on_first_diasca(kairos::context& ctx);
  void act_spontaneous(kairos::context& ctx);
  template <class A> void serialize(A& ar, unsigned) { ar & a_ & b_ & withdraw_a_ & withdraw_a_at_b_ & ask_a_at_b_; }

 private:
  kairos::tick_t a_, b_;
  bool withdraw_a_;
  // At tick `b`, in another diasca than the first (maybe on another
  // worker), withdraws `a`, or asks for it again.
  bool withdraw_a_at_b_;
  bool ask_a_at_b_;
  kairos::probe_id probe_;
};

/// At tick `at`, creates `children` test.child actors and says hello to each.
class creator final : public kairos::actor {
 public:
  creator() = default;  // blank, for loading
  explicit creator(kairos::actor_init& init);
  void on_first_diasca(kairos::context& ctx) { ctx.schedule_at(at_); }
  void act_spontaneous(kairos::context& ctx);
  template <class A> void serialize(A& ar, unsigned) { ar & at_ & children_; }

 private:
  kairos::tick_t at_;
  int children_;
};

/// At tick `at`, sends `count` pings to `peer` with send_in(delay), index i,
/// and, with `instant`, one more by send (index 100). With `whole_group`,
/// to every actor of the peer's group instead of its first.
class timed_sender final : public kairos::actor {
 public:
  timed_sender() = default;  // blank, for loading
  explicit timed_sender(kairos::actor_init& init);
  void on_first_diasca(kairos::context& ctx) { ctx.schedule_at(at_); }
  void act_spontaneous(kairos::context& ctx);
  template <class A> void serialize(A& ar, unsigned) { ar & peer_ & peers_ & at_ & delay_ & count_ & instant_; }

 private:
  kairos::aai_t peer_;
  std::uint64_t peers_;
  kairos::tick_t at_, delay_;
  int count_;
  bool instant_;
};

/// Records {0, 0, 0, diasca} on a spontaneous activation (at `wake`, if
/// given) and {1, sender, index, diasca} per ping (probe "timed_receiver").
class timed_receiver final : public kairos::actor {
 public:
  timed_receiver() = default;  // blank, for loading
  using handles = kairos::handles<ping>;
  explicit timed_receiver(kairos::actor_init& init)
      : wake_(init.get_or<kairos::tick_t>("wake", 0)),
        probe_(init.probe("timed_receiver", {"kind", "sender", "index", "diasca"})) {}
  void on_first_diasca(kairos::context& ctx) {
    if (wake_ > 0) ctx.schedule_at(wake_);
  }
  void act_spontaneous(kairos::context& ctx) { ctx.record(probe_, {0, 0, 0, static_cast<double>(ctx.diasca())}); }
  void on(const ping& p, kairos::context& ctx) {
    ctx.record(probe_, {1, static_cast<double>(ctx.sender()), static_cast<double>(p.index),
                        static_cast<double>(ctx.diasca())});
  }
  template <class A> void serialize(A& ar, unsigned) { ar & wake_ & probe_; }

 private:
  kairos::tick_t wake_;
  kairos::probe_id probe_;
};

/// Records {diasca, 0} on its first diasca and {diasca, 1} on hello (probe "child").
class child final : public kairos::actor {
 public:
  child() = default;  // blank, for loading
  using handles = kairos::handles<hello>;
  explicit child(kairos::actor_init& init) : probe_(init.probe("child", {"diasca", "event"})) {}
  void on_first_diasca(kairos::context& ctx) { ctx.record(probe_, {static_cast<double>(ctx.diasca()), 0}); }
  void on(const hello&, kairos::context& ctx) { ctx.record(probe_, {static_cast<double>(ctx.diasca()), 1}); }
  template <class A> void serialize(A& ar, unsigned) { ar & probe_; }

 private:
  kairos::probe_id probe_;
};

/// Notes in its constructor whether aai() already gives its own AAI, and
/// records {1} (yes) or {0} on its first diasca (probe "self"). A scenario
/// actor of this class creates one more of it at tick 1.
class self_aware final : public kairos::actor {
 public:
  self_aware() = default;  // blank, for loading
  explicit self_aware(kairos::actor_init& init)
      : aai_in_constructor_(aai()), aai_from_init_(init.aai()), probe_(init.probe("self", {"knew"})) {}
  void on_first_diasca(kairos::context& ctx);
  void act_spontaneous(kairos::context& ctx) { ctx.create<self_aware>(); }
  template <class A> void serialize(A& ar, unsigned) { ar & aai_in_constructor_ & aai_from_init_ & probe_; }

 private:
  kairos::aai_t aai_in_constructor_ = kairos::no_aai, aai_from_init_ = kairos::no_aai;
  kairos::probe_id probe_;
};

/// Deletes itself at tick `at`; also answers pings until then.
class deleter final : public kairos::actor {
 public:
  deleter() = default;  // blank, for loading
  using handles = kairos::handles<ping>;
  explicit deleter(kairos::actor_init& init)
      : at_(init.get<kairos::tick_t>("at")), also_(init.get_or<kairos::tick_t>("also", 0)) {}
  void on_first_diasca(kairos::context& ctx) {
    ctx.schedule_at(at_);
    if (also_ > at_) ctx.schedule_at(also_);  // still pending when it goes
  }
  void act_spontaneous(kairos::context& ctx) { ctx.delete_self(); }
  void on(const ping&, kairos::context&) {}
  template <class A> void serialize(A& ar, unsigned) { ar & at_ & also_; }

 private:
  kairos::tick_t at_;
  kairos::tick_t also_;
};

/// At tick `at` requests the stop, pings `peer` and schedules tick at + 1.
class stopper final : public kairos::actor {
 public:
  stopper() = default;  // blank, for loading
  using handles = kairos::handles<pong>;
  explicit stopper(kairos::actor_init& init);
  void on_first_diasca(kairos::context& ctx) { ctx.schedule_at(at_); }
  void act_spontaneous(kairos::context& ctx);
  void on(const pong&, kairos::context& ctx) { ctx.record(probe_, static_cast<double>(ctx.diasca())); }
  template <class A> void serialize(A& ar, unsigned) { ar & at_ & peer_; }

 private:
  kairos::tick_t at_;
  kairos::aai_t peer_;
  kairos::probe_id probe_;
};

/// Throws from act_spontaneous at tick `at`.
class thrower final : public kairos::actor {
 public:
  thrower() = default;  // blank, for loading
  explicit thrower(kairos::actor_init& init) : at_(init.get<kairos::tick_t>("at")) {}
  void on_first_diasca(kairos::context& ctx) { ctx.schedule_at(at_); }
  void act_spontaneous(kairos::context&);
  template <class A> void serialize(A& ar, unsigned) { ar & at_; }

 private:
  kairos::tick_t at_;
};

/// Never returns from act_spontaneous at tick `at`: a model that hangs,
/// for the supervisor's stall watchdog (which kills the run).
class hangs final : public kairos::actor {
 public:
  hangs() = default;  // blank, for loading
  explicit hangs(kairos::actor_init& init) : at_(init.get<kairos::tick_t>("at")) {}
  void on_first_diasca(kairos::context& ctx) { ctx.schedule_at(at_); }
  void act_spontaneous(kairos::context&);
  template <class A> void serialize(A& ar, unsigned) { ar & at_; }

 private:
  kairos::tick_t at_;
};

/// Counts its own activations, one every `period` ticks, and records the
/// count (probe "forgetful", curve "count") and keeps the running sum of the
/// counts in its state. With `forget = true` its serialize() leaves the
/// count out, the model writer's classic mistake: uninterrupted runs are
/// right, a restarted one counts from 0 again (and its sum goes wrong).
class forgetful final : public kairos::actor {
 public:
  forgetful() = default;  // blank, for loading
  explicit forgetful(kairos::actor_init& init)
      : period_(init.get<kairos::tick_t>("period")), forget_(init.get_or("forget", true)),
        probe_(init.probe("forgetful", {"count"})) {}
  void on_first_diasca(kairos::context& ctx) { ctx.schedule_in(period_); }
  void act_spontaneous(kairos::context& ctx) {
    ctx.record(probe_, static_cast<double>(++count_));
    sum_ += count_;
    ctx.schedule_in(period_);
  }
  template <class A> void serialize(A& ar, unsigned) {
    ar & period_ & forget_ & probe_ & sum_;
    if (!forget_) ar & count_;
  }

 private:
  kairos::tick_t period_ = 1;
  bool forget_ = true;
  kairos::probe_id probe_;
  std::uint64_t count_ = 0, sum_ = 0;
};

/// Every `period` ticks (from a phase of its own) draws a value of either
/// sign over 40 decimal orders of magnitude and records it, with its own
/// AAI, to the aggregate probes "spread" (a row per tick) and "spread.by5"
/// (a row per 5 ticks), and to the samples probe "spread.raw", so that a
/// test can recompute every row from the raw samples.
class sampler final : public kairos::actor {
 public:
  sampler() = default;  // blank, for loading
  explicit sampler(kairos::actor_init& init)
      : period_(init.get<kairos::tick_t>("period")),
        aggregate_(init.aggregate_probe("spread", {"x", "aai"})),
        by5_(init.aggregate_probe("spread.by5", {"x", "aai"}, 5)),
        raw_(init.probe("spread.raw", {"x", "aai"})) {}
  void on_first_diasca(kairos::context& ctx) { ctx.schedule_at(1 + aai() % period_); }
  void act_spontaneous(kairos::context& ctx);
  template <class A> void serialize(A& ar, unsigned) { ar & period_ & aggregate_ & by5_ & raw_; }

 private:
  kairos::tick_t period_ = 1;
  kairos::probe_id aggregate_, by5_, raw_;
};

/// Reads array parameters: `weights` (numbers), `labels` (strings) and
/// `sizes` (integers, fitting a std::uint8_t); records {sum of weights,
/// number of labels, sum of sizes} on its first diasca (probe "weighted").
class weighted final : public kairos::actor {
 public:
  weighted() = default;  // blank, for loading
  explicit weighted(kairos::actor_init& init)
      : weights_(init.get<std::vector<double>>("weights")),
        labels_(init.get_or("labels", std::vector<std::string>{})),
        sizes_(init.get_or("sizes", std::vector<std::uint8_t>{})),
        probe_(init.probe("weighted", {"weights", "labels", "sizes"})) {}
  void on_first_diasca(kairos::context& ctx);
  template <class A> void serialize(A& ar, unsigned) { ar & weights_ & labels_ & sizes_ & probe_; }

 private:
  std::vector<double> weights_;
  std::vector<std::string> labels_;
  std::vector<std::uint8_t> sizes_;
  kairos::probe_id probe_;
};

}  // namespace kairos_test
