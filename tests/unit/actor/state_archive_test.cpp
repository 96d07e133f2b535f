// The engine's state archive: Boost's serialisers for standard types work
// through it, numbers are little-endian on every machine, and an object's
// bytes do not depend on what the archive saved before.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>
#include <vector>

#include <boost/serialization/array.hpp>
#include <boost/serialization/base_object.hpp>
#include <boost/serialization/map.hpp>
#include <boost/serialization/split_member.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>

#include "kairos/actor/state_archive.hpp"

namespace {

enum class colour : std::uint8_t { red = 1, blue = 7 };

struct position {
  double x = 0, y = 0;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & BOOST_SERIALIZATION_NVP(x) & BOOST_SERIALIZATION_NVP(y);
  }
  bool operator==(const position&) const = default;
};

struct base_part {
  std::int64_t id = 0;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar & id;
  }
};

/// Everything a model state might hold, with a split save/load member.
struct everything : base_part {
  bool on = false;
  colour c = colour::red;
  std::string name;
  std::vector<int> counts;
  std::vector<position> path;
  std::map<std::string, double> prices;
  std::array<std::uint16_t, 3> triple{};
  std::pair<int, std::string> tagged;
  std::uint32_t derived = 0;  // saved as a different value, restored on load

  template <class Archive>
  void save(Archive& ar, unsigned) const {
    ar << boost::serialization::base_object<base_part>(*this);
    ar << on << c << name << counts << path << prices << triple << tagged;
    const std::uint32_t doubled = derived * 2;
    ar << doubled;
  }
  template <class Archive>
  void load(Archive& ar, unsigned) {
    ar >> boost::serialization::base_object<base_part>(*this);
    ar >> on >> c >> name >> counts >> path >> prices >> triple >> tagged;
    std::uint32_t doubled = 0;
    ar >> doubled;
    derived = doubled / 2;
  }
  BOOST_SERIALIZATION_SPLIT_MEMBER()

  bool operator==(const everything& o) const {
    return id == o.id && on == o.on && c == o.c && name == o.name && counts == o.counts && path == o.path &&
           prices == o.prices && triple == o.triple && tagged == o.tagged && derived == o.derived;
  }
};

everything sample() {
  everything e;
  e.id = -42;
  e.on = true;
  e.c = colour::blue;
  e.name = "SVM-1";
  e.counts = {1, -2, 300000};
  e.path = {{1.5, 2.5}, {-3, 4}};
  e.prices = {{"cola", 1.2}, {"water", 0.8}};
  e.triple = {7, 8, 9};
  e.tagged = {5, "five"};
  e.derived = 21;
  return e;
}

std::string saved(const everything& e) {
  std::string bytes;
  kairos::state_oarchive ar(bytes);
  ar << e;
  return bytes;
}

TEST(StateArchive, RoundTripsStandardTypesNestedClassesAndSplitMembers) {
  const everything original = sample();
  const std::string bytes = saved(original);
  everything loaded;
  kairos::state_iarchive in(bytes);
  in >> loaded;
  EXPECT_EQ(loaded, original);
  EXPECT_EQ(in.remaining(), 0u);
}

TEST(StateArchive, StoresNumbersLittleEndianOnEveryMachine) {
  std::string bytes;
  kairos::state_oarchive ar(bytes);
  const std::uint32_t word = 0x01020304;
  const double one = 1.0;  // 0x3ff0000000000000
  ar << word << one;
  ASSERT_EQ(bytes.size(), 12u);
  EXPECT_EQ(bytes.substr(0, 4), std::string("\x04\x03\x02\x01", 4));
  EXPECT_EQ(bytes.substr(4), std::string("\0\0\0\0\0\0\xf0\x3f", 8));
}

TEST(StateArchive, StoresSizesAsVarints) {
  std::string bytes;
  kairos::state_oarchive ar(bytes);
  const std::vector<std::uint8_t> empty, three{7, 8, 9};
  const std::vector<std::string> words{"a"};
  const std::string long_text(300, 'x');
  ar << empty << three << words << long_text;
  // Arrays of numbers: the count, then the bytes. Other collections: the
  // count, the item version (0), the items. 300 is 0xac 0x02.
  const std::string expected_head("\x00" "\x03\x07\x08\x09" "\x01\x00\x01" "a" "\xac\x02", 11);
  EXPECT_EQ(bytes.substr(0, 11), expected_head);
  ASSERT_EQ(bytes.size(), 11u + 300u);
  std::vector<std::uint8_t> empty_back{1}, three_back;
  std::vector<std::string> words_back;
  std::string text_back;
  kairos::state_iarchive in(bytes);
  in >> empty_back >> three_back >> words_back >> text_back;
  EXPECT_TRUE(empty_back.empty());
  EXPECT_EQ(three_back, three);
  EXPECT_EQ(words_back, words);
  EXPECT_EQ(text_back, long_text);
  EXPECT_EQ(in.remaining(), 0u);
}

TEST(StateArchive, AnOverlongVarintIsRefused) {
  // Eleven continuation bytes: no 64-bit size is written so.
  const std::string bytes(11, '\xff');
  std::string text;
  kairos::state_iarchive in(bytes);
  EXPECT_THROW(in >> text, std::out_of_range);
}

TEST(StateArchive, AnObjectsBytesDoNotDependOnWhatCameBefore) {
  // Boost's binary archive writes class preambles the first time it meets a
  // class; these bytes must be the object's alone, so states can be cut
  // apart and hashed one by one.
  const everything first = sample();
  everything second = sample();
  second.name = "SVM-2";
  std::string both;
  kairos::state_oarchive ar(both);
  ar << first;
  const std::size_t at = both.size();
  ar << second;
  EXPECT_EQ(both.substr(at), saved(second));
  EXPECT_EQ(both.substr(0, at), saved(first));
}

TEST(StateArchive, ATruncatedStateFailsToLoadInsteadOfReadingPastTheEnd) {
  const std::string bytes = saved(sample());
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, bytes.size() / 2, bytes.size() - 1}) {
    everything loaded;
    kairos::state_iarchive in(std::string_view(bytes).substr(0, cut));
    EXPECT_THROW(in >> loaded, std::exception) << "cut at " << cut;
  }
}

}  // namespace
