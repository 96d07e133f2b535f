// Every shipped model's actors survive save -> blank construction -> load
// unchanged: what checkpoints and moving actors between ranks rely on.
#include <gtest/gtest.h>

#include <memory>

#include "actor/actor_state.hpp"
#include "kairos/core/error.hpp"
#include "plugin/registry.hpp"
#include "run/simulation.hpp"
#include "scenario/scenario.hpp"

namespace {

struct storage_deleter {
  void operator()(void* p) const noexcept { ::operator delete(p, std::align_val_t(64)); }
};

void expect_round_trip(const char* scenario_file, std::vector<std::string> overrides) {
  auto s = kairos::load_scenario(std::string(KAIROS_SOURCE_DIR) + "/scenarios/" + scenario_file, overrides);
  for (const auto& p : s->plugins) kairos::registry::instance().load_plugin(p, {KAIROS_PLUGIN_DIR});
  kairos::resolve_actors(*s);
  kairos::single_rank_transport net;
  kairos::simulation sim(*s, 1, net);
  sim.run();
  std::size_t checked = 0;
  for (const kairos::actor* a : sim.actors().sorted_by_aai()) {
    const kairos::class_info& cls = sim.actors().class_of(*a);
    ASSERT_LE(cls.align, 64u);
    const kairos::actor_record before = kairos::capture_actor(cls, *a);
    std::unique_ptr<void, storage_deleter> storage(::operator new(cls.size, std::align_val_t(64)));
    kairos::actor& copy = kairos::rebuild_actor(cls, storage.get(), before);
    const kairos::actor_record after = kairos::capture_actor(cls, copy);
    cls.destroy(copy);
    ASSERT_EQ(after.aai, before.aai);
    ASSERT_EQ(after.rng_counter, before.rng_counter);
    ASSERT_EQ(after.creations, before.creations);
    ASSERT_EQ(after.state, before.state) << cls.name << " actor " << before.aai;
    ++checked;
  }
  EXPECT_GT(checked, 0u);
}

TEST(ActorState, SodaActorsRoundTrip) { expect_round_trip("soda-deterministic.toml", {}); }
TEST(ActorState, PholdActorsRoundTrip) { expect_round_trip("phold.toml", {"phold.end=50"}); }
TEST(ActorState, LifeActorsRoundTrip) { expect_round_trip("life.toml", {"simulation.stop_tick=300"}); }

TEST(ActorState, TruncatedStateIsAClearError) {
  auto s = kairos::load_scenario(std::string(KAIROS_SOURCE_DIR) + "/scenarios/soda-deterministic.toml", {});
  for (const auto& p : s->plugins) kairos::registry::instance().load_plugin(p, {KAIROS_PLUGIN_DIR});
  kairos::resolve_actors(*s);
  kairos::single_rank_transport net;
  kairos::simulation sim(*s, 1, net);
  const kairos::actor& machine = *sim.actors().find(0);
  const kairos::class_info& cls = sim.actors().class_of(machine);
  kairos::actor_record r = kairos::capture_actor(cls, machine);
  r.state.resize(r.state.size() / 2);
  std::unique_ptr<void, storage_deleter> storage(::operator new(cls.size, std::align_val_t(64)));
  try {
    kairos::rebuild_actor(cls, storage.get(), r);
    FAIL() << "a truncated state must not load";
  } catch (const kairos::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("actor 0 of class 'soda.machine': its saved state does not load"), std::string::npos)
        << e.what();
  }
}

}  // namespace
