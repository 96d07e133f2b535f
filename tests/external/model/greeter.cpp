// A model built outside the Kairos tree: each greeter greets the next one
// once, at tick `at`, and records on its probe the diasca a greeting arrived.
#include <kairos/kairos.hpp>

namespace greeter {

struct greeting {
  KAIROS_MESSAGE("greeter.greeting");
};

class greeter final : public kairos::actor {
 public:
  using handles = kairos::handles<greeting>;

  explicit greeter(kairos::actor_init& init)
      : next_(init.actors("next").first), at_(init.get<kairos::tick_t>("at")),
        probe_(init.probe("greeter." + init.name(), {"diasca"})) {}

  void on_first_diasca(kairos::context& ctx) { ctx.schedule_at(at_); }
  void act_spontaneous(kairos::context& ctx) { ctx.send(next_, greeting{}); }
  void on(const greeting&, kairos::context& ctx) { ctx.record(probe_, static_cast<double>(ctx.diasca())); }

  template <class Archive>
  void serialize(Archive& ar, unsigned) { ar & next_ & at_ & probe_; }

 private:
  friend kairos::access;
  greeter() = default;  // blank, for loading a serialised state
  kairos::aai_t next_;
  kairos::tick_t at_;
  kairos::probe_id probe_;
};

KAIROS_REGISTER_ACTOR(greeter, "greeter.greeter", {"next", "who to greet"}, {"at", "tick of the greeting"});

}  // namespace greeter
