// An actor with no state and no behaviour: what it costs to exist is the
// engine's share alone (bench/memory.sh).
#include <kairos/actor/registration.hpp>

namespace {

class idle_actor final : public kairos::actor {
 public:
  idle_actor() = default;
  explicit idle_actor(kairos::actor_init&) {}
  template <class Archive>
  void serialize(Archive&, unsigned) {}
};

KAIROS_REGISTER_ACTOR(idle_actor, "bench.idle");

}  // namespace

namespace {

// One actor that acts at every tick up to `ticks` and sends nothing: each
// tick is then exactly one empty diasca, the unit of coordination cost
// (bench/coordination.sh).
class ticker final : public kairos::actor {
 public:
  ticker() = default;
  explicit ticker(kairos::actor_init& init) : last_(init.get<kairos::tick_t>("ticks")) {}
  void on_first_diasca(kairos::context& ctx) { ctx.schedule_in(1); }
  void act_spontaneous(kairos::context& ctx) {
    if (ctx.now() < last_) ctx.schedule_in(1);
  }
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & last_;
  }

 private:
  kairos::tick_t last_ = 0;
};

KAIROS_REGISTER_ACTOR(ticker, "bench.ticker", {"ticks", "last tick to act at"});

}  // namespace
