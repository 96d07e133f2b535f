// A checkpoint keeps each rank's probe samples as probe_store::encode wrote
// them; restarting on a machine of the other byte order must read the same
// samples. So the encoding is fixed: every number little-endian, whatever
// this machine's order (this test also runs in the big-endian cross job).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "probe/probe_mode_bytes.hpp"
#include "probe/probe_store.hpp"

using namespace kairos;

namespace {

std::vector<std::byte> bytes(std::initializer_list<unsigned> values) {
  std::vector<std::byte> out;
  for (unsigned v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

std::vector<std::byte> slice(const std::vector<std::byte>& all, std::size_t at, std::size_t size) {
  return {all.begin() + static_cast<std::ptrdiff_t>(at), all.begin() + static_cast<std::ptrdiff_t>(at + size)};
}

/// One probe "p" with a curve "x", and one sample of 1.5, encoded.
std::vector<std::byte> one_sample_encoded() {
  probe_store store({"*"});
  const probe_id id = store.declare("p", {"x"});
  detail::worker_state worker;
  worker.sample_values.push_back(1.5);
  worker.samples.push_back({id.key, 1, 0x0102030405060708ull, 0x0A0B0C0Du, 0x11223344u, 0x2122232425262728ull, 0});
  store.absorb(worker);
  std::vector<std::byte> encoded;
  store.encode(encoded);
  return encoded;
}

}  // namespace

TEST(ProbeStore, SamplesAreEncodedLittleEndianOnEveryMachine) {
  const std::vector<std::byte> encoded = one_sample_encoded();
  // 's' | name "p" | curves: 1, "x" | samples: 1 | tick | diasca | seq | aai | 1.5
  ASSERT_EQ(encoded.size(), 1u + 9u + 8u + 9u + 8u + 8u + 4u + 4u + 8u + 8u);
  EXPECT_EQ(slice(encoded, 0, 1), bytes({'s'}));
  EXPECT_EQ(slice(encoded, 1, 9), bytes({1, 0, 0, 0, 0, 0, 0, 0, 'p'}));
  EXPECT_EQ(slice(encoded, 10, 17), bytes({1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 'x'}));
  EXPECT_EQ(slice(encoded, 27, 8), bytes({1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(slice(encoded, 35, 8), bytes({8, 7, 6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(slice(encoded, 43, 4), bytes({0x0D, 0x0C, 0x0B, 0x0A}));
  EXPECT_EQ(slice(encoded, 47, 4), bytes({0x44, 0x33, 0x22, 0x11}));
  EXPECT_EQ(slice(encoded, 51, 8), bytes({0x28, 0x27, 0x26, 0x25, 0x24, 0x23, 0x22, 0x21}));
  EXPECT_EQ(slice(encoded, 59, 8), bytes({0, 0, 0, 0, 0, 0, 0xF8, 0x3F}));  // 1.5 = 0x3FF8000000000000
}

TEST(ProbeStore, EncodedSamplesMergeBackUnchanged) {
  const std::vector<std::byte> encoded = one_sample_encoded();
  probe_store restored({"*"});
  restored.merge(encoded);
  restored.finish();
  const std::vector<const probe_store::probe*> probes = restored.sorted();
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0]->name, "p");
  EXPECT_EQ(probes[0]->curves, std::vector<std::string>{"x"});
  ASSERT_EQ(probes[0]->samples.size(), 1u);
  const probe_store::sample& s = probes[0]->samples[0];
  EXPECT_EQ(s.tick, 0x0102030405060708ull);
  EXPECT_EQ(s.diasca, 0x0A0B0C0Du);
  EXPECT_EQ(s.seq, 0x11223344u);
  EXPECT_EQ(s.aai, 0x2122232425262728ull);
  EXPECT_EQ(probes[0]->values, std::vector<double>{1.5});
}

namespace {

/// A worker that recorded `values` (one curve) to `probe` at `tick`.
detail::worker_state recorded(probe_id probe, tick_t tick, std::initializer_list<double> values) {
  detail::worker_state worker;
  std::uint32_t seq = 0;
  for (double v : values) {
    worker.samples.push_back({probe.key, 1, tick, 0, seq++, 100 + seq, worker.sample_values.size()});
    worker.sample_values.push_back(v);
  }
  return worker;
}

/// The one aggregate probe of `store` as {tick: row}.
std::map<tick_t, std::vector<double>> rows_of(probe_store& store) {
  std::map<tick_t, std::vector<double>> out;
  for (probe_store::probe* p : store.aggregates())
    for (const auto& [tick, aggregate] : p->rows) out[tick] = aggregate.row();
  return out;
}

}  // namespace

// An aggregate probe keeps, per tick, count, sum, mean, min and max of what
// every actor recorded, and no samples.
TEST(ProbeStore, AggregateProbeKeepsOneRowPerTick) {
  probe_store store({"*"});
  const probe_id id = store.declare("sales", {"price"}, probe_mode{probe_kind::aggregate});
  EXPECT_EQ(store.sorted().front()->result_curves,
            (std::vector<std::string>{"count", "price.sum", "price.mean", "price.min", "price.max"}));
  for (auto worker : {recorded(id, 3, {0.1, 0.2}), recorded(id, 3, {-0.3}), recorded(id, 4, {2.0, 5.0})})
    store.absorb(worker);
  const auto rows = rows_of(store);
  ASSERT_EQ(rows.size(), 2u);
  // The doubles 0.1 + 0.2 - 0.3 sum exactly to 2.7755575615628914e-17;
  // left-to-right addition gives 5.551115123125783e-17.
  const double sum = 2.7755575615628914e-17;
  EXPECT_EQ(rows.at(3), (std::vector<double>{3, sum, sum / 3, -0.3, 0.2}));
  EXPECT_EQ(rows.at(4), (std::vector<double>{2, 7.0, 3.5, 2.0, 5.0}));
  EXPECT_TRUE(store.sorted().front()->samples.empty());
}

// A checkpoint keeps partial aggregates; shards restored on any split merge
// into the same rows as one store that saw everything.
TEST(ProbeStore, PartialAggregatesMergeToTheSameRowsInAnySplit) {
  probe_store whole({"*"}), left({"*"}), right({"*"});
  const probe_id id = whole.declare("load", {"kw"}, probe_mode{probe_kind::aggregate});
  left.declare("load", {"kw"}, probe_mode{probe_kind::aggregate});
  right.declare("load", {"kw"}, probe_mode{probe_kind::aggregate});
  // Ticks 3 and then 1 again on the right-hand store: a third row folds
  // the oldest open one away, and tick 1 is then both stored and open when
  // the store is encoded.
  const std::vector<detail::worker_state> workers = {
      recorded(id, 1, {1e16, 1.0}), recorded(id, 1, {-1e16, -0.0}), recorded(id, 2, {0.0, std::nan("")}),
      recorded(id, 2, {-0.0}),      recorded(id, 3, {0.5}),          recorded(id, 1, {0.25}),
      recorded(id, 1, {4.0})};
  for (std::size_t i = 0; i < workers.size(); ++i) {
    auto a = workers[i], b = workers[i];
    whole.absorb(a);
    (i % 2 ? left : right).absorb(b);
  }
  std::vector<std::byte> l, r;
  left.encode(l);
  right.encode(r);
  probe_store restored({"*"});
  restored.merge(r);
  restored.merge(l);
  const auto expected = rows_of(whole), got = rows_of(restored);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got.at(1)[1], 5.25);  // 1e16 + 1 - 1e16 + 0.25 + 4, exactly
  // NaN sums to NaN; min and max leave it out and order -0 before +0.
  EXPECT_TRUE(std::isnan(got.at(2)[1]));
  EXPECT_TRUE(std::signbit(got.at(2)[3]));
  EXPECT_FALSE(std::signbit(got.at(2)[4]));
  for (const auto& [tick, row] : expected)
    for (std::size_t c = 0; c < row.size(); ++c)
      EXPECT_EQ(std::bit_cast<std::uint64_t>(got.at(tick)[c]), std::bit_cast<std::uint64_t>(row[c])) << tick << "," << c;
}

TEST(ProbeStore, OneProbeCannotBeBothKinds) {
  probe_store store({"*"});
  store.declare("p", {"x"});
  try {
    store.declare("p", {"x"}, probe_mode{probe_kind::aggregate});
    FAIL() << "declared as both kinds";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("declared both as a samples probe and as an aggregate probe"), std::string::npos)
        << e.what();
  }
  store.declare("q", {"x"}, probe_mode{probe_kind::aggregate, 10});
  EXPECT_THROW(store.declare("q", {"x"}, probe_mode{probe_kind::aggregate, 60}), std::exception);
}

// With a period, a row covers that many ticks from tick 0 and is stored at
// the first of them.
TEST(ProbeStore, AggregatePeriodGroupsConsecutiveTicks) {
  probe_store store({"*"});
  const probe_id id = store.declare("hourly", {"kwh"}, probe_mode{probe_kind::aggregate, 4});
  for (tick_t t = 1; t <= 9; ++t) {
    auto worker = recorded(id, t, {static_cast<double>(t)});
    store.absorb(worker);
  }
  const auto rows = rows_of(store);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows.at(0), (std::vector<double>{3, 6, 2, 1, 3}));    // ticks 1..3
  EXPECT_EQ(rows.at(4), (std::vector<double>{4, 22, 5.5, 4, 7}));  // ticks 4..7
  EXPECT_EQ(rows.at(8), (std::vector<double>{2, 17, 8.5, 8, 9}));  // ticks 8..9
}

TEST(ProbeStore, AModeTravelsAsAKindByteAndALittleEndianPeriod) {
  // Between ranks a mode is nine defined bytes (no padding of the struct);
  // a kind this engine does not know is refused where it is read.
  std::vector<std::byte> buffer;
  byte_writer w(buffer);
  put_probe_mode(w, {probe_kind::aggregate, 3600});
  EXPECT_EQ(buffer, bytes({1, 0x10, 0x0e, 0, 0, 0, 0, 0, 0}));
  byte_reader r(buffer);
  EXPECT_EQ(get_probe_mode(r), (probe_mode{probe_kind::aggregate, 3600}));
  EXPECT_TRUE(r.done());

  buffer[0] = std::byte{7};
  byte_reader bad(buffer);
  EXPECT_THROW(get_probe_mode(bad), std::runtime_error);
}
