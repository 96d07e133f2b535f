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
