// The results digest is a multiset hash over actors and samples: it must
// still change when a single bit of one actor's state or of one sample
// changes, and come back when the change is undone.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <vector>

#include <boost/serialization/vector.hpp>
#include <kairos/actor/registration.hpp>

#include "run/digest.hpp"
#include "run/simulation.hpp"
#include "scenario/scenario.hpp"
#include "transport/transport.hpp"

namespace {

/// An actor whose whole state is a public vector the test can change.
class tally final : public kairos::actor {
 public:
  tally() = default;
  explicit tally(kairos::actor_init& init) : values(3, static_cast<int>(init.aai() % 7)) {}
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & values;
  }
  std::vector<int> values;
};
KAIROS_REGISTER_ACTOR(tally, "test.tally");

/// A finished run of 40 tallies, its digest open to changes.
class finished_run {
 public:
  finished_run() {
    scenario_ = kairos::parse_scenario(R"(
[simulation]
stop_tick = 10
[[actors]]
class = "test.tally"
count = 40
)",
                                       "digest.toml", {});
    kairos::resolve_actors(*scenario_);
    sim_ = std::make_unique<kairos::simulation>(*scenario_, 2, net_);
    sim_->run();
  }

  std::uint64_t digest() {
    return kairos::results_digest(kairos::local_digest_sums(sim_->probes(), sim_->actors(), sim_->workers()),
                                  sim_->probes().schemas());
  }

  /// Adds one sample of probe "level" from actor 5 at tick 3.
  void record(double value) {
    const kairos::probe_id id = sim_->probes().declare("level", {"x"});
    kairos::detail::worker_state w;
    w.sample_values.push_back(value);
    w.samples.push_back({id.key, 1, 3, 0, 0, 5, 0});
    sim_->probes().absorb(w);
  }

  tally& actor(kairos::aai_t aai) { return *static_cast<tally*>(sim_->actors().find(aai)); }

 private:
  kairos::single_rank_transport net_;
  std::unique_ptr<kairos::scenario> scenario_;
  std::unique_ptr<kairos::simulation> sim_;
};

TEST(ResultsDigest, ChangesWithOneBitOfOneActorsStateAndComesBack) {
  finished_run run;
  const std::uint64_t before = run.digest();
  EXPECT_EQ(run.digest(), before);
  run.actor(17).values[1] ^= 1 << 20;
  const std::uint64_t changed = run.digest();
  EXPECT_NE(changed, before);
  run.actor(17).values[1] ^= 1 << 20;
  EXPECT_EQ(run.digest(), before);
  // The same change on another actor is another digest: elements carry their AAI.
  run.actor(18).values[1] ^= 1 << 20;
  EXPECT_NE(run.digest(), before);
  EXPECT_NE(run.digest(), changed);
}

TEST(ResultsDigest, ChangesWithOneBitOfOneSample) {
  finished_run run;
  const std::uint64_t without = run.digest();
  run.record(1.5);
  const std::uint64_t with = run.digest();
  EXPECT_NE(with, without);

  finished_run other;  // the same run, with the sample's last mantissa bit flipped
  other.record(std::bit_cast<double>(std::bit_cast<std::uint64_t>(1.5) ^ 1));
  EXPECT_NE(other.digest(), with);
  finished_run same;
  same.record(1.5);
  EXPECT_EQ(same.digest(), with);
}

}  // namespace
