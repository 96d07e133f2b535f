// A checkpoint keeps each rank's probe samples as probe_store::encode wrote
// them; restarting on a machine of the other byte order must read the same
// samples. So the encoding is fixed: every number little-endian, whatever
// this machine's order (this test also runs in the big-endian cross job).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

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
  // name "p" | curves: 1, "x" | samples: 1 | tick | diasca | seq | aai | 1.5
  ASSERT_EQ(encoded.size(), 9u + 8u + 9u + 8u + 8u + 4u + 4u + 8u + 8u);
  EXPECT_EQ(slice(encoded, 0, 9), bytes({1, 0, 0, 0, 0, 0, 0, 0, 'p'}));
  EXPECT_EQ(slice(encoded, 9, 17), bytes({1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 'x'}));
  EXPECT_EQ(slice(encoded, 26, 8), bytes({1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(slice(encoded, 34, 8), bytes({8, 7, 6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(slice(encoded, 42, 4), bytes({0x0D, 0x0C, 0x0B, 0x0A}));
  EXPECT_EQ(slice(encoded, 46, 4), bytes({0x44, 0x33, 0x22, 0x11}));
  EXPECT_EQ(slice(encoded, 50, 8), bytes({0x28, 0x27, 0x26, 0x25, 0x24, 0x23, 0x22, 0x21}));
  EXPECT_EQ(slice(encoded, 58, 8), bytes({0, 0, 0, 0, 0, 0, 0xF8, 0x3F}));  // 1.5 = 0x3FF8000000000000
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
