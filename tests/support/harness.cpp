#include "harness.hpp"

#include "kairos/core/error.hpp"
#include "probe/aggregate_reduction.hpp"
#include "run/digest.hpp"

namespace kairos_test {

outcome run_text(const std::string& toml, unsigned threads) {
  auto s = kairos::parse_scenario(toml, "test.toml", {});
  kairos::resolve_actors(*s);
  kairos::single_rank_transport net;
  kairos::simulation sim(*s, threads, net);
  sim.run();
  kairos::reduce_aggregates(sim.probes(), net);
  sim.probes().finish();
  outcome out;
  out.stats = sim.statistics();
  out.digest = kairos::results_digest(kairos::local_digest_sums(sim.probes(), sim.actors(), sim.workers()),
                                      sim.probes().schemas());
  for (const auto* p : sim.probes().sorted()) {
    auto& samples = out.probes[p->name];
    for (const auto& smp : p->samples)
      samples.push_back({smp.tick, smp.diasca, smp.aai,
                         std::vector<double>(p->values.begin() + static_cast<std::ptrdiff_t>(smp.value_offset),
                                             p->values.begin() + static_cast<std::ptrdiff_t>(smp.value_offset + p->result_curves.size()))});
  }
  return out;
}

std::string run_error(const std::string& toml, unsigned threads) {
  try {
    run_text(toml, threads);
  } catch (const kairos::runtime_error& e) {
    return e.what();
  }
  return "(the run succeeded)";
}

}  // namespace kairos_test
