// The checkpoint shard format: what is written reads back identically,
// whatever byte order the tables were stored in; payloads in a foreign byte
// order, damaged images and unknown versions are refused, never misread.
#include <gtest/gtest.h>

#include <bit>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <xxhash.h>

#include "checkpoint/manifest.hpp"
#include "checkpoint/node_map.hpp"
#include "checkpoint/shard_file.hpp"
#include "h5/h5.hpp"
#include "kairos/core/error.hpp"
#include "scenario/scenario.hpp"

namespace kairos::checkpoint {
namespace {

shard_content sample_shard() {
  shard_content s;
  s.scenario_text = "[simulation]\nseed = 7\n";
  s.scenario_hash = 0x0123456789abcdefull;
  s.seed = 7;
  s.engine_version = "0.1.0";
  s.abi_version = 1;
  s.plugins = {"soda", "phold"};
  s.generation = 3;
  s.shard = 1;
  s.shards = 4;
  s.position = {5000, 4321, 9876, 4999};
  s.totals = {100, 200, 50, 3, 2};
  s.payload_byte_order = native_byte_order();
  s.classes = {"soda.machine", "soda.customer"};
  s.aai = {1, 5, 0xC000000000000123ull};
  s.rng_counter = {0, 17, 0xFFFFFFFFFFFFFFF0ull};
  s.creations = {0, 2, 1};
  s.class_index = {0, 1, 1};
  s.states = std::string("abc") + std::string(1 << 20, 'z') + "defgh";  // compressible
  s.state_size = {3, 1 << 20, 5};
  s.agenda_tick = {5000, 6000};
  s.agenda_aai = {5, 1};
  s.agenda_period = {250};  // the tail: entry 1 is periodic, entry 0 one-off
  // Two timed messages to come, 8 and 3 payload bytes.
  s.timed = {{5010, 5, 1, 4990, 2, 7, 0xABCDEF0123456789ull, 8, 0}, {6000, 1, 5, 4999, 0, 0, 42, 3, 8}};
  for (int i = 0; i < 11; ++i) s.timed_payloads.push_back(std::byte(i));
  s.position.windows = 77;
  s.probes = {{"soda.stock", {"cans"}, {}},
              {"customer.budget", {"euros", "spent"}, {}},
              {"no.curves", {}, {}},
              {"soda.sales", {"price"}, {kairos::probe_kind::aggregate, 1}},
              {"grid.hourly", {"kwh", "readings"}, {kairos::probe_kind::aggregate, 36000}}};
  s.samples = {std::byte{1}, std::byte{2}, std::byte{3}};
  s.counter_names = {"phold.events"};
  s.counter_values = {42};
  return s;
}

void expect_same(const shard_content& a, const shard_content& b) {
  EXPECT_EQ(a.scenario_text, b.scenario_text);
  EXPECT_EQ(a.scenario_hash, b.scenario_hash);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.plugins, b.plugins);
  EXPECT_EQ(a.generation, b.generation);
  EXPECT_EQ(a.shard, b.shard);
  EXPECT_EQ(a.shards, b.shards);
  EXPECT_EQ(a.position.resume_tick, b.position.resume_tick);
  EXPECT_EQ(a.position.diascas, b.position.diascas);
  EXPECT_EQ(a.totals.remote_messages, b.totals.remote_messages);
  EXPECT_EQ(a.classes, b.classes);
  EXPECT_EQ(a.aai, b.aai);
  EXPECT_EQ(a.rng_counter, b.rng_counter);
  EXPECT_EQ(a.creations, b.creations);
  EXPECT_EQ(a.class_index, b.class_index);
  EXPECT_EQ(a.state_size, b.state_size);
  EXPECT_EQ(a.states, b.states);
  EXPECT_EQ(a.agenda_tick, b.agenda_tick);
  EXPECT_EQ(a.agenda_aai, b.agenda_aai);
  for (std::size_t i = 0; i < a.agenda_aai.size(); ++i) EXPECT_EQ(a.period_of(i), b.period_of(i)) << "entry " << i;
  ASSERT_EQ(a.timed.size(), b.timed.size());
  for (std::size_t i = 0; i < a.timed.size(); ++i) {
    const timed_message &x = a.timed[i], &y = b.timed[i];
    EXPECT_EQ(std::tie(x.due, x.receiver, x.sender, x.sent_tick, x.sent_diasca, x.seq, x.type, x.size, x.offset),
              std::tie(y.due, y.receiver, y.sender, y.sent_tick, y.sent_diasca, y.seq, y.type, y.size, y.offset));
  }
  EXPECT_EQ(a.timed_payloads, b.timed_payloads);
  EXPECT_EQ(a.position.windows, b.position.windows);
  ASSERT_EQ(a.probes.size(), b.probes.size());
  for (std::size_t i = 0; i < a.probes.size(); ++i) {
    EXPECT_EQ(a.probes[i].name, b.probes[i].name);
    EXPECT_EQ(a.probes[i].curves, b.probes[i].curves);
    EXPECT_TRUE(a.probes[i].mode == b.probes[i].mode) << a.probes[i].name;
  }
  EXPECT_EQ(a.samples, b.samples);
  EXPECT_EQ(a.counter_names, b.counter_names);
  EXPECT_EQ(a.counter_values, b.counter_values);
}

H5T_order_t stored_order(const std::vector<std::byte>& image, const char* dataset) {
  const h5::file f = h5::file::open_image(image, "test");
  const h5::handle set(H5Dopen2(f.id(), dataset, H5P_DEFAULT), H5Dclose);
  const h5::handle type(H5Dget_type(set.get()), H5Tclose);
  return H5Tget_order(type.get());
}

std::size_t stored_width(const std::vector<std::byte>& image, const char* dataset) {
  const h5::file f = h5::file::open_image(image, "test");
  const h5::handle set(H5Dopen2(f.id(), dataset, H5P_DEFAULT), H5Dclose);
  const h5::handle type(H5Dget_type(set.get()), H5Tclose);
  return H5Tget_size(type.get());
}

// Each actor and agenda table is stored in the narrowest unsigned type that
// holds its largest value, and reads back as uint64 in either byte order.
TEST(ShardFormat, TablesAreStoredInTheNarrowestTypeHoldingTheirValues) {
  const shard_content s = sample_shard();
  for (const bool big_endian : {false, true}) {
    const std::vector<std::byte> image = shard_image(s, big_endian);
    EXPECT_EQ(stored_width(image, "/actors/aai"), 8u);          // 0xC000000000000123
    EXPECT_EQ(stored_width(image, "/actors/rng_counter"), 8u);  // 0xFFFFFFFFFFFFFFF0
    EXPECT_EQ(stored_width(image, "/actors/creations"), 1u);    // 2
    EXPECT_EQ(stored_width(image, "/actors/class"), 1u);        // 2 classes
    EXPECT_EQ(stored_width(image, "/actors/state_size"), 4u);   // 1 MiB
    EXPECT_EQ(stored_width(image, "/agenda/tick"), 2u);         // 6000
    EXPECT_EQ(stored_width(image, "/agenda/aai"), 1u);          // 5
    EXPECT_EQ(stored_order(image, "/agenda/tick"), big_endian ? H5T_ORDER_BE : H5T_ORDER_LE);
    expect_same(s, read_shard(image, "shard.h5"));
  }
}

// A value above the bound a table was declared with is refused, naming the
// table, rather than cut to the stored width.
TEST(ShardFormat, ValueAboveTheDeclaredBoundIsRefused) {
  const std::vector<std::uint64_t> aai{1, 2}, small{0, 0}, state_size{1, 1};
  const std::vector<std::uint64_t> counter{7, 256};  // 256 needs two bytes
  const std::string_view states[1] = {"ab"};
  shard_builder builder(0);
  builder.begin_actors({"a"}, 2, {.aai = 2, .rng_counter = 255, .creations = 0, .state_size = 1});
  try {
    builder.append_actors({aai, counter, small, small, state_size, states});
    FAIL() << "a counter above its bound was accepted";
  } catch (const checkpoint_error& e) {
    EXPECT_NE(std::string(e.what()).find("shard-0: actors/rng_counter: value 256 exceeds"), std::string::npos)
        << e.what();
  }
  shard_builder agenda(1);  // another name: both images are open at once
  const std::vector<std::uint64_t> ticks{10, 11};
  EXPECT_THROW(agenda.append_agenda(ticks, aai), checkpoint_error);  // no bounds declared yet
  agenda.begin_agenda(10, 2);
  EXPECT_THROW(agenda.append_agenda(ticks, aai), checkpoint_error);
}

TEST(ShardFormat, ReadsBackWhatWasWritten) {
  const shard_content s = sample_shard();
  const std::vector<std::byte> image = shard_image(s);
  expect_same(s, read_shard(image, "shard.h5"));
  EXPECT_EQ(stored_order(image, "/actors/aai"), H5T_ORDER_LE);
  // The megabyte of identical state bytes is Zstd-compressed.
  EXPECT_LT(image.size(), std::size_t{200} << 10);
}

// Actors come in blocks of 2^17 rows, and their states are written in
// whole 1 MiB chunks, a chunk's start held back for the rest: rows over
// three blocks, states of every size (a few spanning several chunks), read
// back as written.
TEST(ShardFormat, ActorsWrittenBlockByBlockReadBackAsWritten) {
  shard_content s = sample_shard();
  const std::size_t rows = 2 * shard_builder::block_rows + 12345;
  s.aai.resize(rows);
  s.rng_counter.resize(rows);
  s.creations.resize(rows);
  s.class_index.resize(rows);
  s.state_size.resize(rows);
  s.states.clear();
  std::uint64_t x = 12345;
  for (std::size_t i = 0; i < rows; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;  // any varied bytes will do
    s.aai[i] = 3 * i;
    s.rng_counter[i] = x >> 20;
    s.creations[i] = i % 7;
    s.class_index[i] = i % 2;
    const std::size_t size = i % 50000 == 0 ? (3 << 20) + i % 1000 : (x >> 59);  // 0-31 bytes, or over 3 MiB
    s.state_size[i] = size;
    for (std::size_t b = 0; b < size; ++b) s.states.push_back(static_cast<char>((x >> (b % 56)) + b));
  }
  const shard_content back = read_shard(shard_image(s), "shard.h5");
  expect_same(s, back);
  // Announced rows that never came are refused.
  shard_builder short_of_rows(1);
  short_of_rows.begin_actors(s.classes, 3, {});
  EXPECT_THROW(short_of_rows.finish(s), checkpoint_error);
}

// The period column is full length in the file (what h5py and older
// readers see), though only its periodic tail is written: the one-off
// entries read as the fill value 0, and their chunks take no space.
TEST(ShardFormat, OnlyThePeriodicTailOfThePeriodColumnIsWritten) {
  shard_content s = sample_shard();
  constexpr std::size_t entries = 1 << 20;  // 8 chunks of 2^17 periods
  s.agenda_tick.assign(entries, 6000);
  s.agenda_aai.resize(entries);
  for (std::size_t i = 0; i < entries; ++i) s.agenda_aai[i] = i;
  s.agenda_period = {7, 0, 9};  // a one-off entry may sit inside the tail
  const std::vector<std::byte> image = shard_image(s);
  const shard_content back = read_shard(image, "shard.h5");
  expect_same(s, back);
  EXPECT_EQ(back.period_of(entries - 3), 7u);
  EXPECT_EQ(back.period_of(entries - 2), 0u);
  EXPECT_EQ(back.period_of(0), 0u);

  const h5::file f = h5::file::open_image(image, "shard.h5");
  const std::vector<std::uint64_t> column = f.read_u64(f.id(), "/agenda/period");
  ASSERT_EQ(column.size(), entries);
  EXPECT_EQ(std::count(column.begin(), column.end(), 0u), entries - 2);
  EXPECT_EQ(column[entries - 1], 9u);
  const h5::handle set(H5Dopen2(f.id(), "/agenda/period", H5P_DEFAULT), H5Dclose);
  const h5::handle space(H5Dget_space(set.get()), H5Sclose);
  hsize_t chunks = 0;
  ASSERT_GE(H5Dget_num_chunks(set.get(), space.get(), &chunks), 0);
  EXPECT_EQ(chunks, 1u) << "only the chunk holding the tail is stored";
}

TEST(ShardFormat, BigEndianTablesReadBackIdentically) {
  const shard_content s = sample_shard();
  const std::vector<std::byte> image = shard_image(s, /*big_endian_tables=*/true);
  EXPECT_EQ(stored_order(image, "/actors/aai"), H5T_ORDER_BE);
  EXPECT_EQ(stored_order(image, "/agenda/tick"), H5T_ORDER_BE);
  expect_same(s, read_shard(image, "shard.h5"));
}

// Every payload is in a fixed byte order (states: the state archive; samples:
// probe_store's encoding), so the writer's order is information only. The
// restart across byte orders itself is tested by the big-endian cross job.
TEST(ShardFormat, AnotherByteOrderIsRead) {
  shard_content s = sample_shard();
  s.timed.clear();
  s.timed_payloads.clear();
  s.payload_byte_order = std::endian::native == std::endian::little ? "big" : "little";
  const shard_content back = read_shard(shard_image(s, true), "shard.h5");
  EXPECT_EQ(back.payload_byte_order, s.payload_byte_order);
  expect_same(s, back);
}

// Timed messages' payloads are the model's structs as they lie in memory:
// they restore only where the byte order is the writer's.
TEST(ShardFormat, TimedMessagesInAnotherByteOrderAreRefusedByName) {
  shard_content s = sample_shard();
  s.payload_byte_order = std::endian::native == std::endian::little ? "big" : "little";
  try {
    read_shard(shard_image(s), "node0/shard-00001-on-00000.h5");
    FAIL() << "timed messages in another byte order were accepted";
  } catch (const checkpoint_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("node0/shard-00001-on-00000.h5: holds 2 timed message(s)"), std::string::npos) << what;
  }
}

TEST(ShardFormat, TimedMessagesThatDisagreeWithTheirPayloadsAreRefused) {
  shard_content s = sample_shard();
  s.timed_payloads.pop_back();
  EXPECT_THROW(read_shard(shard_image(s), "short.h5"), checkpoint_error);
  s = sample_shard();
  s.timed[1].due = s.timed[1].sent_tick;  // due when it was sent: impossible
  EXPECT_THROW(read_shard(shard_image(s), "due.h5"), checkpoint_error);
}

TEST(ShardFormat, AnotherWordSizeIsRefusedByName) {
  shard_content s = sample_shard();
  s.word_size = 4;
  try {
    read_shard(shard_image(s), "node1/shard-00001-on-00001.h5");
    FAIL() << "a shard from a 32-bit machine was accepted";
  } catch (const checkpoint_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("node1/shard-00001-on-00001.h5: word size 4 bytes"), std::string::npos) << what;
  }
}

TEST(ShardFormat, DamagedImagesAreCheckpointErrors) {
  std::vector<std::byte> image = shard_image(sample_shard());
  image.resize(image.size() / 2);
  EXPECT_THROW(read_shard(image, "half.h5"), checkpoint_error);
  EXPECT_THROW(read_shard(std::vector<std::byte>(4096, std::byte{0x5A}), "noise.h5"), checkpoint_error);
}

TEST(NodeMap, ReplicasGoToOtherNodes) {
  const node_map virtual_nodes({"a", "a", "a", "a", "a", "a"}, 2);  // 3 nodes of 2 ranks
  ASSERT_EQ(virtual_nodes.nodes(), 3);
  for (int shard = 0; shard < 6; ++shard) {
    const std::vector<int> holders = virtual_nodes.replica_holders(shard, 2);
    ASSERT_EQ(holders.size(), 2u);
    EXPECT_NE(virtual_nodes.node_of(holders[0]), virtual_nodes.node_of(shard));
    EXPECT_NE(virtual_nodes.node_of(holders[1]), virtual_nodes.node_of(shard));
    EXPECT_NE(virtual_nodes.node_of(holders[0]), virtual_nodes.node_of(holders[1]));
  }
  EXPECT_EQ(virtual_nodes.effective_replicas(5), 2u);  // only 2 other nodes exist
  const node_map hosts({"n1", "n2", "n1", "n2"}, 0);
  EXPECT_EQ(hosts.nodes(), 2);
  EXPECT_EQ(hosts.node_of(2), 0);
  EXPECT_EQ(hosts.replica_holders(0, 1), std::vector<int>{1});
  EXPECT_EQ(hosts.name_of(1), "n2");
  EXPECT_EQ(directory_for("/scratch/ckpt/node{node}/{host}/r{rank}", 3, "n7", 12), "/scratch/ckpt/node3/n7/r12");
}

TEST(NodeMap, VirtualNodesKeepTheirNames) {
  EXPECT_EQ(node_map({"a", "a", "a", "a"}, 2).name_of(1), "node1");
  const node_map survivors({"a", "a", "a", "a", "a", "a"}, 2, {"vnode0", "vnode2", "vnode3"});
  EXPECT_EQ(survivors.name_of(1), "vnode2");
  EXPECT_EQ(survivors.node_of(5), 2);
  EXPECT_THROW(node_map({"a", "a"}, 1, {"x"}), std::invalid_argument);            // 1 name, 2 nodes
  EXPECT_THROW(node_map({"a", "a"}, 1, {"x", "x"}), std::invalid_argument);       // twice
  EXPECT_THROW(node_map({"a", "a"}, 1, {"x", "../y"}), std::invalid_argument);    // not a directory name
  EXPECT_THROW(node_map({"a", "b"}, 0, {"x", "y"}), std::invalid_argument);       // hosts name themselves
}

/// A complete manifest of a 4-rank run on 2 nodes with one replica.
manifest complete_manifest() {
  manifest m;
  m.format_version = format_version;
  m.generation = 2;
  m.tick = 123456;
  m.ranks = 4;
  m.nodes = 2;
  m.replicas = 1;
  m.scenario_text = "[simulation]\nseed = 3\n";
  m.scenario_hash = results_hash_of_text(m.scenario_text);
  m.checkpointing.at_ticks = {10, 20};
  for (std::uint32_t s = 0; s < 4; ++s) {
    const int holder = static_cast<int>((s + 2) % 4);  // a rank on the other node
    m.shards.push_back({s, 100 + s, 0xffffffffffffff00ull + s,
                        {{static_cast<int>(s), static_cast<int>(s / 2), shard_file_name(s, static_cast<int>(s))},
                         {holder, holder / 2, shard_file_name(s, holder)}}});
  }
  return m;
}

TEST(Manifest, SurvivesJsonAndNamesSortByTick) {
  const manifest m = complete_manifest();
  const manifest back = manifest_from_json(manifest_text(m), "test");
  EXPECT_EQ(back.name(), "ckpt-000000123456-g2");
  EXPECT_EQ(back.scenario_hash, m.scenario_hash);
  EXPECT_EQ(back.shards[3].checksum, m.shards[3].checksum);
  EXPECT_EQ(back.shards[0].copies[1].holder, 2);
  EXPECT_EQ(back.checkpointing.at_ticks, m.checkpointing.at_ticks);
  tick_t tick;
  std::uint64_t generation;
  EXPECT_TRUE(parse_checkpoint_name("ckpt-000000000100-g7", tick, generation));
  EXPECT_EQ(tick, 100u);
  EXPECT_EQ(generation, 7u);
  EXPECT_FALSE(parse_checkpoint_name("ckpt-000000000100-g7.tmp", tick, generation));
  EXPECT_LT(checkpoint_name(99, 5), checkpoint_name(100, 0));
  EXPECT_THROW(manifest_from_json("{\"format\": \"other\"}", "x"), checkpoint_error);
}

/// The message manifest_from_json throws for `text`, or "" if it accepts it.
std::string refusal(const std::string& text) {
  try {
    manifest_from_json(text, "m");
    return "";
  } catch (const checkpoint_error& e) {
    return e.what();
  }
}

TEST(Manifest, OneChangedCharacterFailsTheChecksum) {
  std::string text = manifest_text(complete_manifest());
  text.replace(text.find("seed = 3"), 8, "seed = 4");
  EXPECT_NE(refusal(text).find("checksum mismatch"), std::string::npos);
}

TEST(Manifest, AnIncompleteOrImpossibleCheckpointIsRefusedUnderAValidChecksum) {
  // Each change goes through to_json, so the checksum matches the content.
  const auto refused_with = [](auto change) {
    manifest m = complete_manifest();
    change(m);
    return refusal(manifest_text(m));
  };
  EXPECT_NE(refused_with([](manifest& m) { m.shards.pop_back(); }).find("lists 3 shard(s) for a run of 4"),
            std::string::npos);
  EXPECT_NE(refused_with([](manifest& m) { m.shards.clear(); }).find("incomplete"), std::string::npos);
  EXPECT_NE(refused_with([](manifest& m) { m.shards[1].shard = 9; }).find("shard index 9 out of range"),
            std::string::npos);
  EXPECT_NE(refused_with([](manifest& m) { m.shards[1].shard = 0; }).find("shard 0 listed twice"), std::string::npos);
  EXPECT_NE(refused_with([](manifest& m) { m.shards[2].copies[1].holder = 7; }).find("malformed copy"),
            std::string::npos);
  EXPECT_NE(refused_with([](manifest& m) { m.shards[2].copies[0].file = "../../etc/passwd"; }).find("malformed copy"),
            std::string::npos);
  EXPECT_NE(refused_with([](manifest& m) { m.shards[2].copies.clear(); }).find("has no copy"), std::string::npos);
  EXPECT_NE(refused_with([](manifest& m) { m.scenario_text += "x = 1\n"; }).find("stored scenario hashes to"),
            std::string::npos);
  EXPECT_EQ(refused_with([](manifest& m) { std::swap(m.shards[0], m.shards[3]); }), "");  // order is free
}

TEST(Manifest, IntegersOfTheWrongKindAreRefusedNotConverted) {
  nlohmann::json j = to_json(complete_manifest());
  const auto resigned = [](nlohmann::json body) {
    body.erase("manifest_xxh3");
    const std::string dump = body.dump();
    body["manifest_xxh3"] = fmt::format("{:016x}", XXH3_64bits(dump.data(), dump.size()));
    return body.dump(1);
  };
  EXPECT_EQ(refusal(resigned(j)), "");
  nlohmann::json huge = j;
  huge["ranks"] = 1e300;
  EXPECT_NE(refusal(resigned(huge)).find("field 'ranks' is not an integer"), std::string::npos);
  nlohmann::json negative = j;
  negative["shards"][0]["shard"] = -1;
  EXPECT_NE(refusal(resigned(negative)).find("field 'shard' out of range"), std::string::npos);
}

}  // namespace
}  // namespace kairos::checkpoint
