#include "phold.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <kairos/actor/registration.hpp>
#include <kairos/scenario/section.hpp>

namespace phold {

config logical_process::settings;

namespace {
const kairos::counter handled_events{"phold.events"};
}

kairos::tick_t logical_process::next_due(kairos::context& ctx) const {
  kairos::random_stream rng = ctx.random();
  const double delta = settings.lookahead + rng.exponential(settings.mean - settings.lookahead);
  const auto ticks = static_cast<kairos::tick_t>(std::ceil(delta * settings.ticks_per_unit));
  return ctx.now() + std::max<kairos::tick_t>(1, ticks);
}

void logical_process::keep(kairos::tick_t due, kairos::context& ctx) {
  // One activation handles every event due at a tick: schedule each tick once.
  // On raw pointers: std::find and std::partition unroll on them, not on
  // the small_vector's iterator class.
  const kairos::tick_t* begin = pending_.data();
  const kairos::tick_t* end = begin + pending_.size();
  if (std::find(begin, end, due) == end) ctx.schedule_at(due);
  pending_.push_back(due);
}

void logical_process::on_first_diasca(kairos::context& ctx) {
  for (std::uint32_t i = 0; i < settings.start_events; ++i) {
    const kairos::tick_t due = next_due(ctx);
    if (due < settings.end_tick) keep(due, ctx);
  }
}

void logical_process::act_spontaneous(kairos::context& ctx) {
  const kairos::tick_t now = ctx.now();
  kairos::tick_t* const end = pending_.data() + pending_.size();
  const kairos::tick_t* due_now = std::partition(pending_.data(), end, [now](kairos::tick_t t) { return t != now; });
  const auto handled = static_cast<std::size_t>(end - due_now);
  pending_.resize(pending_.size() - handled);
  ctx.count(handled_events, handled);
  for (std::size_t i = 0; i < handled; ++i) forward(ctx);
}

void logical_process::forward(kairos::context& ctx) {
  kairos::random_stream rng = ctx.random();
  kairos::aai_t destination = aai();
  if (rng.uniform() <= settings.remote)
    destination = static_cast<kairos::aai_t>(rng.uniform_int(0, static_cast<std::int64_t>(settings.lps) - 1));
  const kairos::tick_t due = next_due(ctx);
  if (due >= settings.end_tick) return;
  if (destination == aai()) keep(due, ctx);
  else if (settings.timed) ctx.send_in(destination, due - ctx.now(), event{due});
  else ctx.send(destination, event{due});
}

void logical_process::on(const event& e, kairos::context& ctx) {
  // Timed mapping: the event arrives when it is due. Classic: it is kept.
  if (e.due != ctx.now()) {
    keep(e.due, ctx);
    return;
  }
  ctx.count(handled_events);
  forward(ctx);
}

namespace {

void populate(const kairos::section& s, kairos::population& p) {
  config c;
  auto positive_int = [&](std::string_view key, std::int64_t fallback) {
    const std::int64_t v = s.has(key) ? s.get_int(key) : fallback;
    if (v < 1) s.fail(key, "must be >= 1");
    return v;
  };
  c.lps = static_cast<std::uint64_t>(positive_int("lps", 1024));
  const std::int64_t start_events = positive_int("start_events", 1);
  if (start_events > std::numeric_limits<std::uint32_t>::max()) s.fail("start_events", "must be < 2^32");
  c.start_events = static_cast<std::uint32_t>(start_events);
  c.remote = s.has("remote") ? s.get_double("remote") : 0.25;
  if (c.remote < 0 || c.remote > 1) s.fail("remote", "must be in [0, 1]");
  c.mean = s.has("mean") ? s.get_double("mean") : 1.0;
  c.lookahead = s.has("lookahead") ? s.get_double("lookahead") : 1.0;
  if (!(c.lookahead > 0) || c.lookahead > c.mean) s.fail("lookahead", "must satisfy 0 < lookahead <= mean");
  c.ticks_per_unit = static_cast<double>(positive_int("ticks_per_unit", 100));
  if (!s.has("end")) s.fail("end", "is required (simulated time units)");
  const double end = s.get_double("end");
  if (!(end > 0)) s.fail("end", "must be > 0");
  // Ticks are 64-bit integers: the end, and the longest delay an event can
  // draw (the exponential's tail is under 37 means), must stay well inside.
  if (!(end * c.ticks_per_unit < 0x1.0p62)) s.fail("end", "end x ticks_per_unit is beyond 2^62 ticks");
  if (!(c.mean * 64 * c.ticks_per_unit < 0x1.0p62))
    s.fail("ticks_per_unit", "mean x ticks_per_unit is too large: event delays would overflow the tick range");
  c.end_tick = static_cast<kairos::tick_t>(std::llround(end * c.ticks_per_unit));
  if (s.has("mapping")) {
    const std::string mapping = s.get_string("mapping");
    if (mapping != "classic" && mapping != "timed") s.fail("mapping", "must be \"classic\" or \"timed\"");
    c.timed = mapping == "timed";
  }
  logical_process::settings = c;
  p.add("phold.lp", c.lps, s);
}

}  // namespace

KAIROS_REGISTER_ACTOR(logical_process, "phold.lp");
KAIROS_REGISTER_SECTION("phold", populate,
                        {"lps", "number of logical processes N", "integer", "1024"},
                        {"start_events", "events each LP starts with, S", "integer", "1"},
                        {"remote", "probability r that an event goes to a random LP", "number", "0.25"},
                        {"mean", "mean time increment m", "number", "1.0"},
                        {"lookahead", "minimum time increment L, 0 < L <= m", "number", "1.0"},
                        {"end", "end time E in time units; events due at or after it are not created", "number"},
                        {"ticks_per_unit", "ticks per time unit R", "integer", "100"},
                        {"mapping", "\"classic\": remote events as messages; \"timed\": as timed messages, which a "
                                    "declared lookahead of L time units lets ranks run in windows", "string",
                         "\"classic\""});

}  // namespace phold
