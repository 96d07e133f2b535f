#include "kairos/actor/actor_init.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "kairos/actor/class_info.hpp"
#include "kairos/core/error.hpp"
#include "kairos/detail/engine_services.hpp"
#include "scenario/param_source.hpp"
#include "scenario/scenario.hpp"

namespace kairos {

actor_init::actor_init(aai_t aai, const class_info& cls, const detail::param_source* params,
                       const detail::run_constants& run, detail::engine_services& services) noexcept
    : aai_(aai), class_(&cls), params_(params), run_(&run), services_(&services) {}

const detail::param_source& actor_init::scenario_params(std::string_view key) const {
  if (!params_)
    throw scenario_error(fmt::format("actor {} was created at run time and has no scenario parameter '{}'", aai_, key));
  return *params_;
}

void actor_init::reject(std::string_view key, std::string_view why) const {
  const detail::param_source& params = scenario_params(key);
  params.fail(params.find(key), key, why);
}

std::string actor_init::name() const {
  if (params_ && params_->actor_name()) {
    if (auto s = params_->actor_name()->value<std::string>()) return *s;
  }
  return std::to_string(aai_);
}

bool actor_init::has(std::string_view key) const { return params_ && params_->find(key); }

bool actor_init::get_bool(std::string_view key) const { return scenario_params(key).get_bool(key); }
std::int64_t actor_init::get_int(std::string_view key) const { return scenario_params(key).get_int(key); }
double actor_init::get_double(std::string_view key) const { return scenario_params(key).get_double(key); }
std::string actor_init::get_string(std::string_view key) const { return scenario_params(key).get_string(key); }
std::vector<bool> actor_init::get_bools(std::string_view key) const { return scenario_params(key).get_bools(key); }
std::vector<std::int64_t> actor_init::get_ints(std::string_view key) const { return scenario_params(key).get_ints(key); }
std::vector<double> actor_init::get_doubles(std::string_view key) const { return scenario_params(key).get_doubles(key); }
std::vector<std::string> actor_init::get_strings(std::string_view key) const {
  return scenario_params(key).get_strings(key);
}

void actor_init::out_of_range(std::string_view key, std::int64_t v) const {
  params_->fail(params_->find(key), key, fmt::format("value {} is out of range", v));
}

random_law actor_init::law(std::string_view key) const {
  const toml::node& n = scenario_params(key).require(key);
  const auto exact = [&](const toml::node& v) {
    const std::optional<double> x = v.value<double>();
    if (!x) params_->fail(&v, key, "too large to be exact as a floating-point number (beyond 2^53)");
    return *x;
  };
  if (n.is_number()) return {random_law::kind::constant, exact(n)};
  if (!n.is_table())
    params_->fail(&n, key, "expected a number or a random law table such as { law = \"uniform\", min = 1, max = 6 }");
  const toml::table& t = *n.as_table();
  for (auto&& [k, v] : t) {
    static constexpr std::string_view allowed[] = {"law", "min", "max", "mean", "stddev", "offset"};
    if (std::find(std::begin(allowed), std::end(allowed), k.str()) == std::end(allowed))
      params_->fail(&v, key, fmt::format("unknown field '{}' in random law", k.str()));
  }
  auto number = [&](std::string_view field) {
    const toml::node* v = t.get(field);
    if (!v || !v->is_number()) params_->fail(v ? v : &n, key, fmt::format("random law needs a number '{}'", field));
    const double x = exact(*v);
    if (!std::isfinite(x)) params_->fail(v, key, fmt::format("random law '{}' must be finite", field));
    return x;
  };
  const toml::node* name = t.get("law");
  if (!name || !name->is_string()) params_->fail(&n, key, "random law table needs a string 'law'");
  const std::string law = name->as_string()->get();
  random_law r;
  if (law == "uniform" || law == "uniform_int") {
    r.law = law == "uniform" ? random_law::kind::uniform : random_law::kind::uniform_int;
    r.a = number("min");
    r.b = number("max");
    if (r.b < r.a) params_->fail(&n, key, "random law has max < min");
    // Integer draws happen in 64-bit integers: bounds a double holds exactly.
    if (r.law == random_law::kind::uniform_int && (std::fabs(r.a) > 0x1.0p53 || std::fabs(r.b) > 0x1.0p53))
      params_->fail(&n, key, "uniform_int bounds must lie within +-2^53");
  } else if (law == "gaussian") {
    r.law = random_law::kind::gaussian;
    r.a = number("mean");
    r.b = number("stddev");
    if (t.get("min")) r.floor = number("min");
  } else if (law == "exponential") {
    r.law = random_law::kind::exponential;
    r.a = number("mean");
    if (t.get("min")) r.floor = number("min");
  } else {
    params_->fail(name, key, fmt::format("unknown law '{}' (uniform, uniform_int, gaussian, exponential)", law));
  }
  if (t.get("offset")) r.offset = number("offset");
  return r;
}

actor_range actor_init::actors(std::string_view key) const {
  const std::string name = get_string(key);
  const auto& named = params_->owner().named;
  const auto it = named.find(name);
  if (it == named.end()) params_->fail(params_->find(key), key, fmt::format("no actor or group is named '{}'", name));
  return it->second;
}

actor_range actor_init::actors(std::string_view key, std::string_view required_class) const {
  const actor_range range = actors(key);
  for (const actor_block& b : params_->owner().blocks) {
    const bool overlaps = b.first_aai < range.first + range.count && range.first < b.first_aai + b.count;
    if (overlaps && b.cls->name != required_class)
      params_->fail(params_->find(key), key,
                    fmt::format("'{}' names actors of class '{}' ({}), where actors of class '{}' are needed",
                                get_string(key), b.cls->name, b.field, required_class));
  }
  return range;
}

random_stream actor_init::random() noexcept { return random_stream(stream_key(run_->seed, aai_), rng_counter_); }

probe_id actor_init::probe(std::string_view name, std::initializer_list<std::string_view> curves) {
  check_documented(name, probe_kind::samples);
  return services_->declare_probe(name, curves, {});
}

probe_id actor_init::aggregate_probe(std::string_view name, std::initializer_list<std::string_view> curves,
                                     tick_t period_ticks) {
  check_documented(name, probe_kind::aggregate);
  if (period_ticks == 0)
    throw std::logic_error(fmt::format("actor {} of class '{}' declares aggregate probe '{}' with a period of 0 ticks",
                                       aai_, class_->name, name));
  return services_->declare_probe(name, curves, {probe_kind::aggregate, period_ticks});
}

// What `kairos info` says a class records must be what it records.
void actor_init::check_documented(std::string_view name, probe_kind kind) const {
  if (!class_->probes_documented) return;
  const auto doc = std::find_if(class_->probes.begin(), class_->probes.end(),
                                [&](const probe_doc& d) { return probe_name_matches(d.name, name); });
  if (doc == class_->probes.end()) {
    std::string listed;
    for (const probe_doc& d : class_->probes) listed += fmt::format("{}'{}'", listed.empty() ? "" : ", ", d.name);
    throw std::logic_error(fmt::format("actor {} of class '{}' declares probe '{}', which its documented_probes ({}) "
                                       "do not list",
                                       aai_, class_->name, name, listed.empty() ? "none" : listed));
  }
  if (doc->kind != kind)
    throw std::logic_error(fmt::format("actor {} of class '{}' declares probe '{}' as {}, but its documented_probes "
                                       "say {}: declare it with {} or document it with kind = {}",
                                       aai_, class_->name, name, describe({kind}), describe({doc->kind}),
                                       doc->kind == probe_kind::aggregate ? "aggregate_probe" : "probe",
                                       kind == probe_kind::aggregate ? "kairos::probe_kind::aggregate"
                                                                     : "kairos::probe_kind::samples"));
}

bool probe_name_matches(std::string_view pattern, std::string_view name) noexcept {
  // `<...>` stands for one or more characters; everything else is literal.
  const std::size_t open = pattern.find('<');
  if (open == std::string_view::npos) return pattern == name;
  const std::size_t close = pattern.find('>', open);
  if (close == std::string_view::npos) return pattern == name;
  if (name.substr(0, open) != pattern.substr(0, open)) return false;
  const std::string_view rest = pattern.substr(close + 1);
  for (std::size_t end = open + 1; end <= name.size(); ++end)
    if (probe_name_matches(rest, name.substr(end))) return true;
  return false;
}


tick_t actor_init::ticks_for(double seconds) const noexcept { return run_->ticks_for(seconds); }

double actor_init::tick_seconds() const noexcept { return run_->tick_seconds; }

}  // namespace kairos
