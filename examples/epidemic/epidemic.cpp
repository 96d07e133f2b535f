// An SIR epidemic on a small-world ring of people, built outside the Kairos
// tree against an installed engine: see ../README.md. Each day a person
// meets the `neighbours` people on either side of them on the ring and
// `strangers` people drawn anywhere on it; an infectious person infects each
// susceptible one met with probability `transmission`, and recovers after
// an exponentially distributed number of days. A health office counts
// cases and records the susceptible, infectious and recovered every day.
#include <cmath>
#include <cstdint>

#include <kairos/kairos.hpp>

namespace epidemic {

struct exposure {
  KAIROS_MESSAGE("epidemic.exposure");
};
struct fell_ill {
  KAIROS_MESSAGE("epidemic.fell_ill");
};
struct recovered {
  KAIROS_MESSAGE("epidemic.recovered");
};

class health_office final : public kairos::actor {
 public:
  using handles = kairos::handles<fell_ill, recovered>;
  // What `kairos info epidemic` lists; declaring any other probe is an error.
  static constexpr kairos::probe_doc documented_probes[] = {
      {"epidemic.cases", "susceptible, infectious, recovered", "people in each state, at each change"}};

  explicit health_office(kairos::actor_init& init)
      : population_(init.get<std::uint64_t>("population")),
        probe_(init.probe("epidemic.cases", {"susceptible", "infectious", "recovered"})) {}

  void on_first_diasca(kairos::context& ctx) { ctx.schedule_in(1); }
  void act_spontaneous(kairos::context& ctx) {
    const double infectious = static_cast<double>(ill_ - recovered_);
    ctx.record(probe_, {static_cast<double>(population_ - ill_), infectious, static_cast<double>(recovered_)});
    ctx.schedule_in(1);
  }
  void on(const fell_ill&, kairos::context&) { ++ill_; }
  void on(const recovered&, kairos::context&) { ++recovered_; }

  // Everything that changes or is needed after a restart, the probe handle
  // included: a member left out here is what `kairos check-restart` catches.
  template <class Archive>
  void serialize(Archive& ar, unsigned) { ar & population_ & ill_ & recovered_ & probe_; }

 private:
  friend kairos::access;
  health_office() = default;  // blank, for loading a saved state
  std::uint64_t population_ = 0, ill_ = 0, recovered_ = 0;
  kairos::probe_id probe_;
};

class person final : public kairos::actor {
 public:
  using handles = kairos::handles<exposure>;
  static constexpr const auto& documented_probes = kairos::no_probes;

  explicit person(kairos::actor_init& init)
      : ring_(init.actors("ring", "epidemic.person")), office_(init.actors("office", "epidemic.health_office").first),
        neighbours_(init.get<std::uint64_t>("neighbours")), strangers_(init.get<std::uint64_t>("strangers")),
        transmission_(init.get<double>("transmission")),
        mean_days_ill_(init.get<double>("mean_days_ill")),
        first_case_(init.get_or<bool>("infectious", false)) {
    if (transmission_ < 0 || transmission_ > 1) init.reject("transmission", "a probability, from 0 to 1");
    if (2 * neighbours_ >= ring_.count) init.reject("neighbours", "fewer than half the ring on each side");
  }

  void on_first_diasca(kairos::context& ctx) {
    if (first_case_) fall_ill(ctx);
  }
  void on(const exposure&, kairos::context& ctx) {
    if (health_ == health::susceptible) fall_ill(ctx);
  }
  // Once a day while infectious: meet the neighbours, or recover.
  void act_spontaneous(kairos::context& ctx) {
    if (ctx.now() >= recovery_tick_) {
      health_ = health::recovered;
      ctx.send(office_, recovered{});
      return;
    }
    const std::uint64_t me = aai() - ring_.first;
    for (std::uint64_t d = 1; d <= neighbours_; ++d)
      for (const std::uint64_t other : {(me + d) % ring_.count, (me + ring_.count - d) % ring_.count})
        meet(ctx, other);
    for (std::uint64_t s = 0; s < strangers_; ++s) meet(ctx, ctx.random().next_u64() % ring_.count);
    ctx.schedule_in(1);
  }

  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & ring_.first & ring_.count & office_ & neighbours_ & strangers_ & transmission_ & mean_days_ill_ & first_case_ & health_ &
        recovery_tick_;
  }

 private:
  friend kairos::access;
  person() = default;  // blank, for loading a saved state

  enum class health : std::uint8_t { susceptible, infectious, recovered };

  void meet(kairos::context& ctx, std::uint64_t other) {
    if (ctx.random().uniform() < transmission_) ctx.send(ring_.first + other, exposure{});
  }

  void fall_ill(kairos::context& ctx) {
    health_ = health::infectious;
    const double days = -mean_days_ill_ * std::log(ctx.random().uniform());  // exponential
    recovery_tick_ = ctx.now() + 1 + static_cast<kairos::tick_t>(days);
    ctx.send(office_, fell_ill{});
    ctx.schedule_in(1);
  }

  kairos::actor_range ring_;
  kairos::aai_t office_ = 0;
  std::uint64_t neighbours_ = 0, strangers_ = 0;
  double transmission_ = 0, mean_days_ill_ = 1;
  bool first_case_ = false;
  health health_ = health::susceptible;
  kairos::tick_t recovery_tick_ = 0;
};

// Each parameter: name, meaning, type and default (none: the scenario must
// give it), as `kairos info epidemic` shows them.
KAIROS_REGISTER_ACTOR(health_office, "epidemic.health_office", {"population", "people on the ring", "integer"});
KAIROS_REGISTER_ACTOR(person, "epidemic.person",
                      {"ring", "the group of people on the ring (their own block)", "group name"},
                      {"office", "the health office they report to", "actor name"},
                      {"neighbours", "people met each day on each side of the ring", "integer"},
                      {"strangers", "people met each day anywhere on the ring", "integer"},
                      {"transmission", "probability that a meeting with an infectious person infects", "number"},
                      {"mean_days_ill", "mean of the exponential time to recovery, in days", "number"},
                      {"infectious", "starts infectious (the scenario names the first cases)", "boolean", "false"});

}  // namespace epidemic
