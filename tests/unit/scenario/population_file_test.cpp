// Population files: a block's actors read from a CSV file, one per row.
// (HDF5 files are written with h5py: tests/cli/population_files.py.)

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "harness.hpp"
#include "kairos/core/error.hpp"
#include "scenario/population_file.hpp"

namespace {

namespace fs = std::filesystem;

/// A file in a directory of its own, removed at the end of the test.
class scratch_file {
 public:
  scratch_file(const std::string& name, const std::string& text)
      : dir_(fs::temp_directory_path() / ("kairos-population-" + std::to_string(::getpid()) + "-" + name)) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / name, std::ios::binary) << text;
    path_ = dir_ / name;
  }
  ~scratch_file() { fs::remove_all(dir_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path dir_, path_;
};

std::string error_of(const std::string& text) {
  const scratch_file f("bad.csv", text);
  try {
    kairos::population_file::open(f.path(), "actors[0].from")->read(0, 1, 1);
  } catch (const kairos::scenario_error& e) {
    return e.what();
  }
  return "no error";
}

// A cell is a TOML value (text that is none a string), an empty cell none;
// quoted fields may hold separators, doubled quotes and line breaks.
TEST(PopulationFile, CsvCellsAreTomlValues) {
  const scratch_file f("cells.csv",
                       "a,b,c\n"
                       "12,-0.25,true\n"
                       "\"1,5\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
                       "007,1e3,\"[1, 2.5]\"\n"
                       ",\"\"\"12\"\"\",\"{ law = \"\"uniform\"\", min = 1, max = 6 }\"\n"
                       "+3,1_000,nan\n");
  const auto file = kairos::population_file::open(f.path(), "actors[0].from");
  ASSERT_EQ(file->rows(), 5u);
  EXPECT_EQ(file->columns(), (std::vector<std::string>{"a", "b", "c"}));
  const kairos::population_rows rows = file->read(0, 1, 5);
  const auto cell = [&](std::uint64_t r, int c) { return rows.cell(r, c); };
  EXPECT_EQ(cell(0, 0)->value_exact<std::int64_t>(), 12);
  EXPECT_EQ(cell(0, 1)->value_exact<double>(), -0.25);
  EXPECT_EQ(cell(0, 2)->value_exact<bool>(), true);
  EXPECT_EQ(cell(1, 0)->value_exact<std::string>(), "1,5");
  EXPECT_EQ(cell(1, 1)->value_exact<std::string>(), "say \"hi\"");
  EXPECT_EQ(cell(1, 2)->value_exact<std::string>(), "two\nlines");
  EXPECT_EQ(cell(2, 0)->value_exact<std::string>(), "007");  // TOML has no leading zeros
  EXPECT_EQ(cell(2, 1)->value_exact<double>(), 1000.0);
  ASSERT_TRUE(cell(2, 2)->is_array());
  EXPECT_EQ(cell(2, 2)->as_array()->size(), 2u);
  EXPECT_EQ(cell(3, 0), nullptr);
  EXPECT_EQ(cell(3, 1)->value_exact<std::string>(), "12");  // a TOML string: quoted inside the field
  ASSERT_TRUE(cell(3, 2)->is_table());
  EXPECT_EQ(cell(3, 2)->as_table()->get("max")->value_exact<std::int64_t>(), 6);
  EXPECT_EQ(cell(4, 0)->value_exact<std::int64_t>(), 3);
  EXPECT_EQ(cell(4, 1)->value_exact<std::int64_t>(), 1000);
  EXPECT_TRUE(cell(4, 2)->is_floating_point());
}

// A spreadsheet's UTF-8 byte order mark is not part of the first name.
TEST(PopulationFile, ByteOrderMarkIsNotAName) {
  const scratch_file f("bom.csv", "\xEF\xBB\xBF" "a,b\n1,2\n");
  EXPECT_EQ(kairos::population_file::open(f.path(), "actors[0].from")->columns(),
            (std::vector<std::string>{"a", "b"}));
}

// A rank reads rows first, first + step, ...: its own actors of the block.
TEST(PopulationFile, ARankReadsItsOwnRows) {
  std::string text = "x\n";
  for (int i = 0; i < 10; ++i) text += std::to_string(i * 10) + "\n";
  const scratch_file f("ten.csv", text);
  const auto file = kairos::population_file::open(f.path(), "actors[0].from");
  const kairos::population_rows rows = file->read(1, 3, 3);  // rows 1, 4, 7
  ASSERT_EQ(rows.count(), 3u);
  for (std::uint64_t r = 0; r < 3; ++r) {
    EXPECT_EQ(rows.file_row(r), 1 + 3 * r);
    EXPECT_EQ(rows.cell(r, 0)->value_exact<std::int64_t>(), static_cast<std::int64_t>(10 * (1 + 3 * r)));
  }
}

TEST(PopulationFile, MalformedFilesAreNamed) {
  EXPECT_NE(error_of("a,b\n1,2\n3\n").find("bad.csv (actors[0].from): data row 2 has 1 field(s), the header 2"),
            std::string::npos);
  EXPECT_NE(error_of("a,a\n1,2\n").find("the header names column 'a' twice"), std::string::npos);
  EXPECT_NE(error_of("a,,b\n1,2,3\n").find("the header row has an empty column name"), std::string::npos);
  EXPECT_NE(error_of("").find("the file is empty"), std::string::npos);
  EXPECT_NE(error_of("a,b\n1,\"2\n").find("a quoted field is not closed"), std::string::npos);
  EXPECT_NE(error_of("a\n\"1\"x\n").find("malformed CSV at byte"), std::string::npos);
  try {
    kairos::population_file::open("/nonexistent/people.csv", "actors[3].from");
    FAIL();
  } catch (const kairos::scenario_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/people.csv (actors[3].from): cannot open"), std::string::npos);
  }
  EXPECT_THROW(kairos::population_file::open("people.txt", "actors[0].from"), kairos::scenario_error);
}

// Array cells reach the constructor; a bad cell is named by file, row and
// column, a count that is not the file's row count by the scenario's line.
TEST(PopulationFile, RowsBecomeActors) {
  const scratch_file f("weighted.csv", "weights,sizes\n\"[0.5, 1, 2.25]\",\"[1, 2, 255]\"\n[1.5],\n");
  const std::string head = "[simulation]\nplugins = []\nstop_tick = 1\n[[actors]]\nclass = \"test.weighted\"\nfrom = \"" +
                           f.path().string() + "\"\n";
  const auto out = kairos_test::run_text(head);
  const auto& rows = out.probes.at("weighted");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].values, (std::vector<double>{3.75, 0, 258}));
  EXPECT_EQ(rows[1].values, (std::vector<double>{1.5, 0, 0}));

  const auto error = [&](const std::string& scenario) -> std::string {
    try {
      kairos_test::run_text(scenario);
    } catch (const kairos::scenario_error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(error(head + "count = 3\n").find("actors[0].count: is 3 but"), std::string::npos);
  EXPECT_NE(error(head + "per_actor = { sizes = [[], []] }\n").find("actors[0].per_actor.sizes: is also a column of"),
            std::string::npos);
  const scratch_file bad("bad-weights.csv", "weights\n[1.0]\n\"[1.0, \"\"x\"\"]\"\n");
  const std::string e = error("[simulation]\nplugins = []\nstop_tick = 1\n[[actors]]\nclass = \"test.weighted\"\nfrom = \"" +
                              bad.path().string() + "\"\n");
  EXPECT_NE(e.find("bad-weights.csv: data row 2, column 'weights' (actors[0].from): element 1"), std::string::npos) << e;
  const scratch_file unknown("unknown.csv", "weights,colour\n[1.0],red\n");
  EXPECT_NE(error("[simulation]\nplugins = []\nstop_tick = 1\n[[actors]]\nclass = \"test.weighted\"\nfrom = \"" +
                  unknown.path().string() + "\"\n")
                .find("unknown.csv (actors[0].from): column 'colour': class 'test.weighted' has no parameter 'colour'"),
            std::string::npos);
}

}  // namespace
