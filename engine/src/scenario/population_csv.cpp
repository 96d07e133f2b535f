// Population files in CSV, parsed with libcsv (RFC 4180: quoted fields,
// doubled quotes, separators and line breaks inside quotes).

#include <csv.h>

#include <charconv>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "kairos/core/error.hpp"
#include "scenario/population_file.hpp"

namespace kairos {

namespace {

constexpr std::size_t chunk_bytes = std::size_t{1} << 20;

/// The length of the run of decimal digits at the start of `text`.
std::size_t digits_at(std::string_view text) {
  const std::size_t end = text.find_first_not_of("0123456789");
  return end == std::string_view::npos ? text.size() : end;
}

/// A decimal integer or floating-point number in TOML's syntax (`-12`,
/// `0.25`, `1e-3`), read directly; null for any other text. Most cells are
/// such numbers, and this is many times faster than a TOML parse. Both read
/// a float correctly rounded, so the value is the same either way.
std::unique_ptr<toml::node> plain_number(std::string_view text) {
  std::string_view rest = text;
  if (!rest.empty() && (rest.front() == '-' || rest.front() == '+')) rest.remove_prefix(1);
  const std::size_t whole = digits_at(rest);
  if (whole == 0 || (whole > 1 && rest.front() == '0')) return nullptr;  // TOML has no leading zeros
  rest.remove_prefix(whole);
  bool integer = true;
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    const std::size_t fraction = digits_at(rest);
    if (fraction == 0) return nullptr;
    rest.remove_prefix(fraction);
    integer = false;
  }
  if (!rest.empty() && (rest.front() == 'e' || rest.front() == 'E')) {
    rest.remove_prefix(1);
    if (!rest.empty() && (rest.front() == '-' || rest.front() == '+')) rest.remove_prefix(1);
    const std::size_t exponent = digits_at(rest);
    if (exponent == 0) return nullptr;
    rest.remove_prefix(exponent);
    integer = false;
  }
  if (!rest.empty()) return nullptr;
  const char* begin = text.data() + (text.front() == '+' ? 1 : 0);
  const char* end = text.data() + text.size();
  if (integer) {
    std::int64_t value = 0;
    const auto [stop, ec] = std::from_chars(begin, end, value);
    return ec == std::errc{} && stop == end ? std::make_unique<toml::value<std::int64_t>>(value) : nullptr;
  }
  double value = 0;
  const auto [stop, ec] = std::from_chars(begin, end, value);
  return ec == std::errc{} && stop == end ? std::make_unique<toml::value<double>>(value) : nullptr;
}

/// A CSV cell's value: read as a TOML value, and text that is none taken
/// as a string, as for a `--set key=value` on the command line.
std::unique_ptr<toml::node> cell_value(std::string_view text) {
  if (std::unique_ptr<toml::node> number = plain_number(text)) return number;
  if (text == "true" || text == "false") return std::make_unique<toml::value<bool>>(text == "true");
  try {
    toml::table holder = toml::parse(fmt::format("v = {}", text));
    return holder.get("v")->visit([](auto&& node) -> std::unique_ptr<toml::node> {
      return std::make_unique<std::remove_cvref_t<decltype(node)>>(std::move(node));
    });
  } catch (const toml::parse_error&) {
    return std::make_unique<toml::value<std::string>>(std::string(text));
  }
}

/// Receives libcsv's fields and row ends. Callbacks must not throw through
/// the C library: the first error is kept and reported after the chunk.
struct csv_visitor {
  std::uint64_t row = 0;  ///< 0: the header; then data row 1, 2, ...
  std::size_t column = 0;
  std::string error;
  virtual void field(const char* text, std::size_t size) = 0;
  virtual void row_end() = 0;

 protected:
  ~csv_visitor() = default;
};

void on_csv_field(void* text, std::size_t size, void* data) {
  auto& v = *static_cast<csv_visitor*>(data);
  if (v.error.empty()) v.field(static_cast<const char*>(text), size);
  ++v.column;
}

void on_csv_row(int, void* data) {
  auto& v = *static_cast<csv_visitor*>(data);
  if (v.error.empty()) v.row_end();
  ++v.row;
  v.column = 0;
}

class csv_population final : public population_file {
 public:
  csv_population(const std::filesystem::path& path, std::string field);
  population_rows read(std::uint64_t first, std::uint64_t step, std::uint64_t count) const override;
  std::string describe_row(std::uint64_t row) const override { return fmt::format("data row {}", row + 1); }

 private:
  /// Runs the whole file through `v`; throws naming the file on a read or
  /// syntax error, or on the first error `v` kept.
  void parse(csv_visitor& v) const;
  /// Checks that data row `row` had as many fields as the header.
  std::string row_width_error(std::uint64_t row, std::size_t fields) const {
    if (fields == columns_.size()) return {};
    return fmt::format("data row {} has {} field(s), the header {}", row, fields, columns_.size());
  }
};

csv_population::csv_population(const std::filesystem::path& path, std::string field)
    : population_file(path, std::move(field)) {
  // The header's names, then a count of the rows, each checked for width.
  struct scan final : csv_visitor {
    const csv_population& file;
    std::vector<std::string>& columns;
    explicit scan(const csv_population& f, std::vector<std::string>& c) : file(f), columns(c) {}
    void field(const char* text, std::size_t size) override {
      if (row != 0) return;
      std::string_view name = text ? std::string_view(text, size) : std::string_view();
      // Spreadsheets save UTF-8 CSV with a byte order mark before the header.
      if (column == 0 && name.starts_with("\xEF\xBB\xBF")) name.remove_prefix(3);
      columns.emplace_back(name);
    }
    void row_end() override {
      if (row == 0) {
        std::set<std::string> seen;
        for (const std::string& name : columns) {
          if (name.empty()) error = "the header row has an empty column name";
          else if (!seen.insert(name).second) error = fmt::format("the header names column '{}' twice", name);
        }
      } else {
        error = file.row_width_error(row, column);
      }
    }
  } header(*this, columns_);
  parse(header);
  if (header.row == 0) fail("the file is empty (it needs a header row naming the parameters)");
  rows_ = header.row - 1;
}

void csv_population::parse(csv_visitor& v) const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) fail("cannot open the population file (no such file, or not readable)");
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0)
    fail("cannot set up the CSV parser");
  struct release {
    csv_parser* p;
    ~release() { csv_free(p); }
  } owner{&parser};
  const auto check = [&] {
    if (!v.error.empty()) fail(v.error);
  };
  std::vector<char> buffer(chunk_bytes);
  std::uint64_t offset = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    const std::size_t used = csv_parse(&parser, buffer.data(), got, on_csv_field, on_csv_row, &v);
    check();
    if (used != got)
      fail(fmt::format("malformed CSV at byte {} (data row {}): {}", offset + used, v.row,
                       csv_strerror(csv_error(&parser))));
    offset += got;
  }
  if (in.bad()) fail("cannot read the population file");
  const int finished = csv_fini(&parser, on_csv_field, on_csv_row, &v);
  check();
  if (finished != 0 || csv_error(&parser) == CSV_EPARSE)
    fail(fmt::format("malformed CSV at the end of the file (a quoted field is not closed): {}",
                     csv_strerror(csv_error(&parser))));
}

population_rows csv_population::read(std::uint64_t first, std::uint64_t step, std::uint64_t count) const {
  population_rows rows(*this, first, step, count);
  struct keep final : csv_visitor {
    const csv_population& file;
    population_rows& rows;
    std::uint64_t first, step, count;
    keep(const csv_population& f, population_rows& r, std::uint64_t a, std::uint64_t s, std::uint64_t n)
        : file(f), rows(r), first(a), step(s), count(n) {}
    /// The local row of the current data row, or count if not this rank's.
    std::uint64_t local() const {
      if (row == 0 || row - 1 < first || (row - 1 - first) % step != 0) return count;
      return (row - 1 - first) / step;
    }
    void field(const char* text, std::size_t size) override {
      const std::uint64_t r = local();
      if (r >= count || !text || column >= file.columns().size()) return;
      rows.set(r, static_cast<int>(column), cell_value(std::string_view(text, size)));
    }
    void row_end() override {
      if (row > 0) error = file.row_width_error(row, column);
    }
  } reader(*this, rows, first, step, count);
  parse(reader);
  if (reader.row != rows_ + 1) fail("the file changed while the run was reading it");
  return rows;
}

}  // namespace

std::shared_ptr<const population_file> open_population_csv(const std::filesystem::path& path, std::string field) {
  return std::make_shared<csv_population>(path, std::move(field));
}

}  // namespace kairos
