#include "test_actors.hpp"

#include <chrono>
#include <cmath>
#include <stdexcept>
#include <thread>

#include <kairos/actor/registration.hpp>

namespace kairos_test {

pinger::pinger(kairos::actor_init& init)
    : peer_(init.actors("peer").first),
      at_(init.get<kairos::tick_t>("at")),
      count_(init.get_or("count", 1)),
      probe_(init.probe("pinger", {"diasca"})) {}

void pinger::act_spontaneous(kairos::context& ctx) {
  for (int i = 0; i < count_; ++i) ctx.send(peer_, ping{i});
}

void ponger::on(const ping& p, kairos::context& ctx) {
  ctx.record(probe_, {static_cast<double>(ctx.sender()), static_cast<double>(p.index), static_cast<double>(ctx.diasca())});
  ctx.send(ctx.sender(), pong{});
}

scheduler::scheduler(kairos::actor_init& init)
    : a_(init.get<kairos::tick_t>("a")),
      b_(init.get<kairos::tick_t>("b")),
      withdraw_a_(init.get_or("withdraw_a", false)),
      withdraw_a_at_b_(init.get_or("withdraw_a_at_b", false)),
      ask_a_at_b_(init.get_or("ask_a_at_b", false)),
      probe_(init.probe("scheduler", {"tick"})) {}

void scheduler::on_first_diasca(kairos::context& ctx) {
  ctx.schedule_at(a_);
  ctx.schedule_at(b_);
  if (withdraw_a_) ctx.withdraw(a_);
}

void scheduler::act_spontaneous(kairos::context& ctx) {
  ctx.record(probe_, static_cast<double>(ctx.now()));
  if (withdraw_a_at_b_ && ctx.now() == b_) ctx.withdraw(a_);
  if (ask_a_at_b_ && ctx.now() == b_) ctx.schedule_at(a_);
}

creator::creator(kairos::actor_init& init)
    : at_(init.get<kairos::tick_t>("at")), children_(init.get<int>("children")) {}

void self_aware::on_first_diasca(kairos::context& ctx) {
  const bool knew = aai_in_constructor_ == aai() && aai_from_init_ == aai() && aai() != kairos::no_aai;
  ctx.record(probe_, knew ? 1.0 : 0.0);
  if (aai() < (kairos::aai_t{1} << 63)) ctx.schedule_at(1);  // scenario actors create one more
}

void creator::act_spontaneous(kairos::context& ctx) {
  for (int i = 0; i < children_; ++i) ctx.send(ctx.create<child>(), hello{});
}

timed_sender::timed_sender(kairos::actor_init& init)
    : peer_(init.actors("peer").first),
      peers_(init.get_or("whole_group", false) ? init.actors("peer").count : 1),
      at_(init.get<kairos::tick_t>("at")),
      delay_(init.get<kairos::tick_t>("delay")),
      count_(init.get_or("count", 1)),
      instant_(init.get_or("instant", false)) {}

void timed_sender::act_spontaneous(kairos::context& ctx) {
  for (kairos::aai_t peer = peer_; peer < peer_ + peers_; ++peer) {
    for (int i = 0; i < count_; ++i) ctx.send_in(peer, delay_, ping{i});
    if (instant_) ctx.send(peer, ping{100});
  }
}

stopper::stopper(kairos::actor_init& init)
    : at_(init.get<kairos::tick_t>("at")), peer_(init.actors("peer").first), probe_(init.probe("stopper", {"diasca"})) {}

void stopper::act_spontaneous(kairos::context& ctx) {
  ctx.request_stop();
  ctx.send(peer_, ping{0});
  ctx.schedule_at(at_ + 1);
}

void thrower::act_spontaneous(kairos::context&) { throw std::runtime_error("model invariant broken"); }

void hangs::act_spontaneous(kairos::context&) {
  for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
}

void weighted::on_first_diasca(kairos::context& ctx) {
  double total = 0;
  for (double w : weights_) total += w;
  double sizes = 0;
  for (std::uint8_t s : sizes_) sizes += s;
  ctx.record(probe_, {total, static_cast<double>(labels_.size()), sizes});
}

void sampler::act_spontaneous(kairos::context& ctx) {
  kairos::random_stream rng = ctx.random();
  const double magnitude = std::pow(10.0, static_cast<double>(rng.uniform_int(-20, 20)));
  const double x = (2 * rng.uniform() - 1) * magnitude;
  ctx.record(aggregate_, {x, static_cast<double>(aai())});
  ctx.record(by5_, {x, static_cast<double>(aai())});
  ctx.record(raw_, {x, static_cast<double>(aai())});
  ctx.schedule_in(period_);
}

KAIROS_REGISTER_ACTOR(pinger, "test.pinger", {"peer", ""}, {"at", ""}, {"count", ""});
KAIROS_REGISTER_ACTOR(ponger, "test.ponger");
KAIROS_REGISTER_ACTOR(self_aware, "test.self_aware");
KAIROS_REGISTER_ACTOR(scheduler, "test.scheduler", {"a", ""}, {"b", ""}, {"withdraw_a", ""}, {"withdraw_a_at_b", ""},
                      {"ask_a_at_b", ""});
KAIROS_REGISTER_ACTOR(creator, "test.creator", {"at", ""}, {"children", ""});
KAIROS_REGISTER_ACTOR(child, "test.child");
KAIROS_REGISTER_ACTOR(timed_sender, "test.timed_sender", {"peer", ""}, {"at", ""}, {"delay", ""}, {"count", ""},
                      {"instant", ""}, {"whole_group", "ping every actor of the peer's group"});
KAIROS_REGISTER_ACTOR(timed_receiver, "test.timed_receiver", {"wake", ""});
KAIROS_REGISTER_ACTOR(deleter, "test.deleter", {"at", ""}, {"also", "a later tick it asks for too (0: none)"});
KAIROS_REGISTER_ACTOR(stopper, "test.stopper", {"at", ""}, {"peer", ""});
KAIROS_REGISTER_ACTOR(thrower, "test.thrower", {"at", ""});
KAIROS_REGISTER_ACTOR(hangs, "test.hangs", {"at", "the tick at which it never returns"});
KAIROS_REGISTER_ACTOR(forgetful, "test.forgetful", {"period", "ticks between activations"},
                      {"forget", "leave the count out of serialize() (a deliberate model bug)"});
KAIROS_REGISTER_ACTOR(sampler, "test.sampler", {"period", "ticks between samples"});
KAIROS_REGISTER_ACTOR(weighted, "test.weighted", {"weights", "numbers"}, {"labels", "strings"}, {"sizes", "integers"});

}  // namespace kairos_test
