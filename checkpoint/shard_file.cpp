#include "checkpoint/shard_file.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "checkpoint/narrow_column.hpp"
#include "h5/chunk_codec.hpp"
#include "h5/h5.hpp"
#include "kairos/core/error.hpp"

namespace kairos::checkpoint {

namespace {

constexpr std::string_view aggregate_marker = "/aggregate";

std::string declarations_text(const std::vector<probe_declaration>& probes) {
  std::string text;
  for (const probe_declaration& p : probes) {
    // A probe name holds no '/': this first field is a kind, not a name.
    if (p.mode.kind == probe_kind::aggregate) text += fmt::format("{}\t{}\t", aggregate_marker, p.mode.period);
    text += p.name;
    for (const std::string& c : p.curves) text += '\t' + c;
    text += '\n';
  }
  return text;
}

std::vector<probe_declaration> parse_declarations(const std::vector<std::byte>& bytes, const std::string& shard) {
  std::vector<probe_declaration> out;
  const std::string text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    std::vector<std::string> fields;
    for (std::size_t field = at;;) {
      const std::size_t tab = std::min(text.find('\t', field), end);
      fields.push_back(text.substr(field, tab - field));
      if (tab == end) break;
      field = tab + 1;
    }
    probe_mode mode;
    auto name = fields.begin();
    if (fields.front() == aggregate_marker) {
      std::uint64_t period = 0;
      const std::string& digits = fields.size() >= 3 ? fields[1] : std::string();
      const auto [end_of_number, error] = std::from_chars(digits.data(), digits.data() + digits.size(), period);
      if (error != std::errc() || end_of_number != digits.data() + digits.size() || period == 0)
        throw checkpoint_error(fmt::format("{}: /probes/declarations: an aggregate probe line without a valid period "
                                           "and name",
                                           shard));
      mode = {probe_kind::aggregate, period};
      name += 2;
    }
    out.push_back({*name, std::vector<std::string>(name + 1, fields.end()), mode});
    at = end + 1;
  }
  return out;
}

/// The /stats attributes and the fields they hold, for writing (const
/// shard) and reading alike.
template <class Shard>
auto stats_fields(Shard& s) {
  return std::array{std::pair{"activations", &s.totals.activations},
                    std::pair{"messages", &s.totals.messages},
                    std::pair{"remote_messages", &s.totals.remote_messages},
                    std::pair{"actors_created", &s.totals.actors_created},
                    std::pair{"actors_deleted", &s.totals.actors_deleted},
                    std::pair{"ticks_simulated", &s.position.ticks_simulated},
                    std::pair{"diascas", &s.position.diascas},
                    std::pair{"last_tick", &s.position.last_tick},
                    std::pair{"windows", &s.position.windows}};
}

/// The /timed tables: one column per field of a timed message (the offset
/// follows from the sizes).
constexpr std::array<const char*, 8> timed_columns{"due", "receiver", "sender", "sent_tick",
                                                    "sent_diasca", "seq", "type", "size"};

std::array<std::vector<std::uint64_t>, 8> timed_table(const std::vector<timed_message>& timed) {
  std::array<std::vector<std::uint64_t>, 8> columns;
  for (const timed_message& m : timed) {
    const std::array<std::uint64_t, 8> row{m.due, m.receiver, m.sender, m.sent_tick, m.sent_diasca, m.seq, m.type,
                                           m.size};
    for (std::size_t c = 0; c < row.size(); ++c) columns[c].push_back(row[c]);
  }
  return columns;
}

/// The timed messages of a shard's /timed tables, checked against the
/// payload bytes.
std::vector<timed_message> timed_rows(const std::array<std::vector<std::uint64_t>, 8>& columns,
                                      std::size_t payload_bytes, const std::string& name) {
  const std::size_t n = columns[0].size();
  for (const auto& column : columns)
    if (column.size() != n) throw checkpoint_error(fmt::format("{}: timed message tables disagree in length", name));
  std::vector<timed_message> rows(n);
  std::uint64_t offset = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto narrow = [&](std::size_t c, std::uint64_t limit) {
      if (columns[c][i] > limit)
        throw checkpoint_error(fmt::format("{}: timed message {}: {} {} out of range", name, i, timed_columns[c],
                                           columns[c][i]));
      return columns[c][i];
    };
    timed_message& m = rows[i];
    m.due = columns[0][i];
    m.receiver = columns[1][i];
    m.sender = columns[2][i];
    m.sent_tick = columns[3][i];
    m.sent_diasca = static_cast<diasca_t>(narrow(4, UINT32_MAX));
    m.seq = static_cast<std::uint32_t>(narrow(5, UINT32_MAX));
    m.type = columns[6][i];
    m.size = static_cast<std::uint32_t>(narrow(7, UINT32_MAX));
    if (m.sent_tick >= m.due)
      throw checkpoint_error(fmt::format("{}: timed message {} is due at tick {}, not after it was sent (tick {})",
                                         name, i, m.due, m.sent_tick));
    m.offset = offset;
    offset += m.size;
    if (offset > payload_bytes)
      throw checkpoint_error(fmt::format("{}: timed message payloads are shorter than their sizes say", name));
  }
  if (offset != payload_bytes)
    throw checkpoint_error(fmt::format("{}: timed message payloads are longer than their sizes say", name));
  return rows;
}

}  // namespace

const char* native_byte_order() noexcept { return std::endian::native == std::endian::big ? "big" : "little"; }

namespace {
constexpr std::size_t state_chunk = std::size_t{1} << 20;  // bytes
constexpr std::array<const char*, 5> actor_columns = {"aai", "rng_counter", "creations", "class", "state_size"};

/// The rows' tables in the order of actor_columns.
std::array<std::span<const std::uint64_t>, actor_columns.size()> tables_of(const actor_rows& rows) {
  return {rows.aai, rows.rng_counter, rows.creations, rows.class_index, rows.state_size};
}
}  // namespace

struct shard_builder::impl {
  impl(std::string shard_name, hid_t stored_as, std::size_t expected_size)
      : name(std::move(shard_name)), u64(stored_as), f(h5::file::create_in_memory(name, expected_size)) {}

  std::string name;
  hid_t u64;
  h5::file f;
  h5::handle actors;
  std::array<narrow_column, actor_columns.size()> columns;
  h5::handle states;
  std::uint64_t rows_expected = 0, rows_written = 0;
  std::uint64_t state_bytes_cut = 0;  ///< states cut into whole chunks (then encoded, then stored)
  std::uint64_t state_bytes = 0;      ///< states stored
  std::vector<std::byte> pending;  ///< states short of a whole chunk, stored with the next
  h5::handle agenda;
  narrow_column agenda_tick, agenda_aai;
  std::uint64_t agenda_rows = 0;

  bool big_endian() const { return u64 == H5T_STD_U64BE; }

  /// Cuts `piece` into whole chunks of states, appended to the block's; a
  /// chunk's start waits in `pending` for the rest, so that every chunk is
  /// stored once, whole.
  void cut_states(std::string_view piece, shard_builder::actor_block& block) {
    const auto* bytes = reinterpret_cast<const std::byte*>(piece.data());
    std::size_t left = piece.size();
    while (left > 0) {
      const std::size_t take = std::min(left, state_chunk - pending.size());
      pending.insert(pending.end(), bytes, bytes + take);
      bytes += take;
      left -= take;
      if (pending.size() < state_chunk) return;
      if (block.state_chunk_count_ == block.state_chunks_.size()) block.state_chunks_.emplace_back();
      std::swap(block.state_chunks_[block.state_chunk_count_++], pending);  // the chunk's buffer, not a copy
      pending.clear();
    }
  }
  /// Stores a compressed chunk of `raw_size` bytes of states at their end.
  void store_states(std::span<const std::byte> encoded, std::size_t raw_size) {
    f.extend(states.get(), "actors/state", state_bytes + raw_size);
    f.write_chunk(states.get(), "actors/state", state_bytes, encoded);
    state_bytes += raw_size;
  }
};

shard_builder::shard_builder(std::uint32_t shard, std::size_t expected_size, bool big_endian_tables)
    : impl_(std::make_unique<impl>(fmt::format("shard-{}", shard), big_endian_tables ? H5T_STD_U64BE : H5T_STD_U64LE,
                                   expected_size)) {}

shard_builder::~shard_builder() = default;

void shard_builder::begin_actors(const std::vector<std::string>& classes, std::uint64_t rows,
                                 const actor_bounds& bounds) {
  impl& m = *impl_;
  m.actors = m.f.create_group(m.f.id(), "actors");
  m.f.attr_strings(m.actors.get(), "classes", classes);
  const std::array<std::uint64_t, actor_columns.size()> bound = {
      bounds.aai, bounds.rng_counter, bounds.creations, classes.empty() ? 0 : classes.size() - 1, bounds.state_size};
  for (std::size_t c = 0; c < actor_columns.size(); ++c)
    m.columns[c] = narrow_column(m.f, m.actors.get(), actor_columns[c], fmt::format("{}: actors/{}", m.name,
                                 actor_columns[c]), rows, block_rows, bound[c], m.big_endian());
  m.states = m.f.create_column(m.actors.get(), "state", H5T_STD_U8LE, h5::file::growing, state_chunk, false);
  m.rows_expected = rows;
  m.pending.reserve(state_chunk);
}

void shard_builder::cut_actors(const actor_rows& rows, actor_block& block) {
  impl& m = *impl_;
  const std::size_t n = rows.aai.size();
  if (!m.actors) throw checkpoint_error(fmt::format("{}: actor rows before begin_actors", m.name));
  for (const auto& column : tables_of(rows))
    if (column.size() != n) throw checkpoint_error(fmt::format("{}: actor columns of unequal length", m.name));
  if (m.rows_written + n > m.rows_expected)
    throw checkpoint_error(fmt::format("{}: more actor rows than the {} announced", m.name, m.rows_expected));
  block.rows_ = rows;
  block.rows_.states = {};  // copied below, not kept
  block.first_row_ = m.rows_written;
  m.rows_written += n;
  block.state_chunk_count_ = 0;
  block.first_state_byte_ = m.state_bytes_cut;
  for (std::string_view piece : rows.states) m.cut_states(piece, block);
  m.state_bytes_cut += block.state_chunk_count_ * state_chunk;
  block.encoded_.resize(actor_columns.size() + block.state_chunk_count_);
}

void shard_builder::encode_actors(actor_block& block, std::size_t task) const {
  const impl& m = *impl_;
  const auto columns = tables_of(block.rows_);
  if (task < columns.size()) {
    block.encoded_[task] = columns[task].empty() ? std::vector<std::byte>{} : m.columns[task].encode(columns[task]);
    return;
  }
  block.encoded_[task] = h5::encode_chunk(block.state_chunks_[task - columns.size()], 1);
}

void shard_builder::store_actors(actor_block& block) {
  impl& m = *impl_;
  if (block.rows_.aai.empty()) return;
  for (std::size_t c = 0; c < actor_columns.size(); ++c) m.columns[c].store(m.f, block.first_row_, block.encoded_[c]);
  if (m.state_bytes != block.first_state_byte_)
    throw checkpoint_error(fmt::format("{}: actor blocks stored out of order", m.name));
  for (std::size_t k = 0; k < block.state_chunk_count_; ++k)
    m.store_states(block.encoded_[actor_columns.size() + k], state_chunk);
}

void shard_builder::append_actors(const actor_rows& rows) {
  actor_block block;
  cut_actors(rows, block);
  for (std::size_t task = 0; task < block.tasks(); ++task) encode_actors(block, task);
  store_actors(block);
}

void shard_builder::cut_agenda(agenda_block& block) {
  impl& m = *impl_;
  if (block.ticks.size() != block.aais.size())
    throw checkpoint_error(fmt::format("{}: agenda columns of unequal length", m.name));
  if (!m.agenda) throw checkpoint_error(fmt::format("{}: agenda entries before begin_agenda", m.name));
  block.first_row_ = m.agenda_rows;
  m.agenda_rows += block.ticks.size();
  block.encoded_.resize(block.ticks.empty() ? 0 : 2);
}

void shard_builder::encode_agenda(agenda_block& block, std::size_t task) const {
  const impl& m = *impl_;
  block.encoded_[task] = task == 0 ? m.agenda_tick.encode(block.ticks) : m.agenda_aai.encode(block.aais);
}

void shard_builder::store_agenda(agenda_block& block) {
  impl& m = *impl_;
  if (block.tasks() == 0) return;
  const std::uint64_t end = block.first_row_ + block.ticks.size();
  m.agenda_tick.extend(m.f, end);
  m.agenda_aai.extend(m.f, end);
  m.agenda_tick.store(m.f, block.first_row_, block.encoded_[0]);
  m.agenda_aai.store(m.f, block.first_row_, block.encoded_[1]);
}

void shard_builder::append_agenda(std::span<const std::uint64_t> ticks, std::span<const std::uint64_t> aais) {
  agenda_block block;
  block.ticks.assign(ticks.begin(), ticks.end());
  block.aais.assign(aais.begin(), aais.end());
  cut_agenda(block);
  for (std::size_t task = 0; task < block.tasks(); ++task) encode_agenda(block, task);
  store_agenda(block);
}

void shard_builder::begin_agenda(std::uint64_t max_tick, std::uint64_t max_aai) {
  impl& m = *impl_;
  if (m.agenda) throw checkpoint_error(fmt::format("{}: begin_agenda twice", m.name));
  m.agenda = m.f.create_group(m.f.id(), "agenda");
  const auto column = [&](const char* table, std::uint64_t bound) {
    return narrow_column(m.f, m.agenda.get(), table, fmt::format("{}: agenda/{}", m.name, table), h5::file::growing,
                         block_rows, bound, m.big_endian());
  };
  m.agenda_tick = column("tick", max_tick);
  m.agenda_aai = column("aai", max_aai);
}

std::vector<std::byte> shard_builder::finish(const shard_content& s) {
  impl& m = *impl_;
  if (!m.actors) begin_actors(s.classes, 0, {});  // a shard without actors still has their (empty) tables
  if (m.rows_written != m.rows_expected)
    throw checkpoint_error(fmt::format("{}: {} actor rows of the {} announced", m.name, m.rows_written, m.rows_expected));
  if (m.state_bytes != m.state_bytes_cut)
    throw checkpoint_error(fmt::format("{}: actor blocks cut but not stored", m.name));
  if (!m.pending.empty()) {  // the last chunk, padded whole as HDF5 stores a column's last chunk
    const std::size_t size = m.pending.size();
    m.pending.resize(state_chunk, std::byte{0});
    m.store_states(h5::encode_chunk(m.pending, 1), size);
  }
  m.pending.clear();
  const hid_t u64 = m.u64;
  h5::file& f = m.f;
  const hid_t root = f.id();
  f.attr_string(root, "format", format_name);
  f.attr_u64(root, "format_version", format_version, u64);
  f.attr_string(root, "engine_version", s.engine_version);
  f.attr_u64(root, "abi_version", s.abi_version, u64);
  f.attr_strings(root, "plugins", s.plugins);
  f.attr_u64(root, "shard", s.shard, u64);
  f.attr_u64(root, "shards", s.shards, u64);
  f.attr_u64(root, "generation", s.generation, u64);
  f.attr_u64(root, "resume_tick", s.position.resume_tick, u64);
  f.attr_u64(root, "seed", s.seed, u64);
  f.attr_string(root, "scenario_hash", fmt::format("{:016x}", s.scenario_hash));
  f.attr_string(root, "payload_byte_order", s.payload_byte_order);
  f.attr_u64(root, "word_size", s.word_size, u64);
  f.write_bytes(root, "scenario", s.scenario_text.data(), s.scenario_text.size(), false);

  if (!m.agenda) begin_agenda(0, 0);  // a shard without agenda entries still has their (empty) tables
  if (s.agenda_period.size() > m.agenda_rows)
    throw checkpoint_error(fmt::format("{}: more agenda periods than entries", m.name));
  f.write_u64_tail(m.agenda.get(), "period", m.agenda_rows, s.agenda_period, u64);

  h5::handle timed = f.create_group(root, "timed");
  const auto columns = timed_table(s.timed);
  for (std::size_t c = 0; c < columns.size(); ++c) f.write_u64(timed.get(), timed_columns[c], columns[c], u64, true);
  f.write_bytes(timed.get(), "payload", s.timed_payloads.data(), s.timed_payloads.size(), true);

  h5::handle probes = f.create_group(root, "probes");
  const std::string declarations = declarations_text(s.probes);
  f.write_bytes(probes.get(), "declarations", declarations.data(), declarations.size(), false);
  f.write_bytes(probes.get(), "samples", s.samples.data(), s.samples.size(), true);

  h5::handle counters = f.create_group(root, "counters");
  f.attr_strings(counters.get(), "names", s.counter_names);
  f.write_u64(counters.get(), "values", s.counter_values, u64);

  h5::handle stats = f.create_group(root, "stats");
  for (const auto& [attribute, field] : stats_fields(s)) f.attr_u64(stats.get(), attribute, *field, u64);
  // Closed before the image is taken, so that every chunk is in it.
  for (narrow_column& column : m.columns) column.close();
  m.states = {};
  m.actors = {};
  m.agenda_tick.close();
  m.agenda_aai.close();
  m.agenda = {};
  return f.image();
}

std::vector<std::byte> shard_image(const shard_content& s, bool big_endian_tables) {
  // Tables compress several times; the states size is a fair guess of the file.
  shard_builder builder(s.shard, s.states.size() + 16 * s.aai.size() + (1 << 20), big_endian_tables);
  const std::size_t n = s.aai.size();
  if (s.rng_counter.size() != n || s.creations.size() != n || s.class_index.size() != n || s.state_size.size() != n)
    throw checkpoint_error(fmt::format("shard-{}: actor columns of unequal length", s.shard));
  const auto largest = [](const std::vector<std::uint64_t>& column) {
    return column.empty() ? 0 : *std::max_element(column.begin(), column.end());
  };
  builder.begin_actors(s.classes, n, {largest(s.aai), largest(s.rng_counter), largest(s.creations),
                                      largest(s.state_size)});
  std::size_t state_at = 0;
  for (std::size_t first = 0; first < n; first += shard_builder::block_rows) {
    const std::size_t rows = std::min(shard_builder::block_rows, n - first);
    std::size_t bytes = 0;
    for (std::size_t i = first; i < first + rows; ++i) bytes += s.state_size[i];
    if (state_at + bytes > s.states.size())
      throw checkpoint_error(fmt::format("shard-{}: actor state sizes exceed the states held", s.shard));
    const std::string_view states[1] = {std::string_view(s.states).substr(state_at, bytes)};
    state_at += bytes;
    const auto part = [&](const std::vector<std::uint64_t>& column) {
      return std::span<const std::uint64_t>(column).subspan(first, rows);
    };
    builder.append_actors({part(s.aai), part(s.rng_counter), part(s.creations), part(s.class_index),
                           part(s.state_size), states});
  }
  if (s.agenda_tick.size() != s.agenda_aai.size())
    throw checkpoint_error(fmt::format("shard-{}: agenda columns of unequal length", s.shard));
  builder.begin_agenda(largest(s.agenda_tick), largest(s.agenda_aai));
  for (std::size_t first = 0; first < s.agenda_aai.size(); first += shard_builder::block_rows) {
    const std::size_t rows = std::min(shard_builder::block_rows, s.agenda_aai.size() - first);
    builder.append_agenda(std::span(s.agenda_tick).subspan(first, rows), std::span(s.agenda_aai).subspan(first, rows));
  }
  return builder.finish(s);
}

shard_content read_shard(const std::vector<std::byte>& image, const std::string& name) {
  shard_content s;
  // HDF5 errors (a dataset missing, a chunk that does not decompress) come
  // out as runtime errors naming the file; on restart they make this copy
  // unusable, which is a checkpoint problem.
  try {
    const h5::file f = h5::file::open_image(image, name);
    const hid_t root = f.id();
    if (f.read_attr_string(root, "format") != format_name)
      throw checkpoint_error(fmt::format("{}: not a Kairos checkpoint shard", name));
    const std::uint64_t version = f.read_attr_u64(root, "format_version");
    if (version != format_version)
      throw checkpoint_error(fmt::format("{}: checkpoint format version {} (this kairos reads version {})", name,
                                         version, format_version));
    s.payload_byte_order = f.read_attr_string(root, "payload_byte_order");
    s.word_size = f.read_attr_u64(root, "word_size");
    if (s.word_size != sizeof(void*))
      throw checkpoint_error(fmt::format("{}: word size {} bytes (written on a {}-bit machine); this machine's is {}: "
                                         "restart on a {}-bit machine",
                                         name, s.word_size, 8 * s.word_size, sizeof(void*), 8 * s.word_size));
    s.engine_version = f.read_attr_string(root, "engine_version");
    s.abi_version = f.read_attr_u64(root, "abi_version");
    s.plugins = f.read_attr_strings(root, "plugins");
    s.shard = static_cast<std::uint32_t>(f.read_attr_u64(root, "shard"));
    s.shards = static_cast<std::uint32_t>(f.read_attr_u64(root, "shards"));
    s.generation = f.read_attr_u64(root, "generation");
    s.position.resume_tick = f.read_attr_u64(root, "resume_tick");
    s.seed = f.read_attr_u64(root, "seed");
    s.scenario_hash = std::stoull(f.read_attr_string(root, "scenario_hash"), nullptr, 16);
    const std::vector<std::byte> text = f.read_bytes(root, "scenario");
    s.scenario_text.assign(reinterpret_cast<const char*>(text.data()), text.size());

    const h5::handle actors = f.open_group(root, "actors");
    s.classes = f.read_attr_strings(actors.get(), "classes");
    s.aai = f.read_u64(actors.get(), "aai");
    s.rng_counter = f.read_u64(actors.get(), "rng_counter");
    s.creations = f.read_u64(actors.get(), "creations");
    s.class_index = f.read_u64(actors.get(), "class");
    s.state_size = f.read_u64(actors.get(), "state_size");
    const std::vector<std::byte> states = f.read_bytes(actors.get(), "state");
    s.states.assign(reinterpret_cast<const char*>(states.data()), states.size());
    const std::size_t n = s.aai.size();
    std::uint64_t bytes = 0;
    for (std::uint64_t b : s.state_size) bytes += std::min<std::uint64_t>(b, s.states.size() + 1);  // no overflow
    if (s.rng_counter.size() != n || s.creations.size() != n || s.class_index.size() != n ||
        s.state_size.size() != n || bytes != s.states.size())
      throw checkpoint_error(fmt::format("{}: actor tables disagree in length", name));
    for (std::uint64_t c : s.class_index)
      if (c >= s.classes.size()) throw checkpoint_error(fmt::format("{}: actor class index out of range", name));

    const h5::handle agenda = f.open_group(root, "agenda");
    s.agenda_tick = f.read_u64(agenda.get(), "tick");
    s.agenda_aai = f.read_u64(agenda.get(), "aai");
    s.agenda_period = f.read_u64(agenda.get(), "period");
    if (s.agenda_tick.size() != s.agenda_aai.size() || s.agenda_period.size() != s.agenda_aai.size())
      throw checkpoint_error(fmt::format("{}: agenda tables disagree in length", name));
    // Held as the tail from the first periodic entry on (see shard_content).
    const auto one_off = std::find_if(s.agenda_period.begin(), s.agenda_period.end(), [](auto p) { return p != 0; });
    s.agenda_period.erase(s.agenda_period.begin(), one_off);

    const h5::handle timed = f.open_group(root, "timed");
    std::array<std::vector<std::uint64_t>, 8> columns;
    for (std::size_t c = 0; c < columns.size(); ++c) columns[c] = f.read_u64(timed.get(), timed_columns[c]);
    s.timed_payloads = f.read_bytes(timed.get(), "payload");
    s.timed = timed_rows(columns, s.timed_payloads.size(), name);
    if (!s.timed.empty() && s.payload_byte_order != native_byte_order())
      throw checkpoint_error(fmt::format(
          "{}: holds {} timed message(s) whose payloads are the model's message structs in {}-endian byte order; "
          "restart on a {}-endian machine (this one is {}-endian)",
          name, s.timed.size(), s.payload_byte_order, s.payload_byte_order, native_byte_order()));

    const h5::handle probes = f.open_group(root, "probes");
    s.probes = parse_declarations(f.read_bytes(probes.get(), "declarations"), name);
    s.samples = f.read_bytes(probes.get(), "samples");

    const h5::handle counters = f.open_group(root, "counters");
    s.counter_names = f.read_attr_strings(counters.get(), "names");
    s.counter_values = f.read_u64(counters.get(), "values");
    if (s.counter_names.size() != s.counter_values.size())
      throw checkpoint_error(fmt::format("{}: counter tables disagree in length", name));

    const h5::handle stats = f.open_group(root, "stats");
    for (const auto& [attribute, field] : stats_fields(s)) *field = f.read_attr_u64(stats.get(), attribute);
  } catch (const checkpoint_error&) {
    throw;
  } catch (const std::exception& e) {
    throw checkpoint_error(e.what());
  }
  return s;
}

bool is_shard_file(const std::filesystem::path& path) {
  const h5::file f = h5::file::open_read(path);
  const std::vector<std::string> attributes = f.attr_names(f.id());
  return std::find(attributes.begin(), attributes.end(), "format") != attributes.end() &&
         f.read_attr_string(f.id(), "format") == format_name;
}

void describe_shard(const std::filesystem::path& path, std::FILE* out) {
  const h5::file f = h5::file::open_read(path);
  const hid_t root = f.id();
  fmt::print(out, "{}: checkpoint shard\n", path.string());
  for (const std::string& a : f.attr_names(root)) fmt::print(out, "  {} = {}\n", a, f.attr_as_text(root, a));
  const h5::handle actors = f.open_group(root, "actors");
  const std::vector<std::uint64_t> classes = f.read_u64(actors.get(), "class");
  const std::vector<std::string> names = f.read_attr_strings(actors.get(), "classes");
  std::vector<std::uint64_t> per_class(names.size());
  for (std::uint64_t c : classes)
    if (c < per_class.size()) ++per_class[c];
  fmt::print(out, "  actors: {}\n", classes.size());
  for (std::size_t i = 0; i < names.size(); ++i) fmt::print(out, "    {}: {}\n", names[i], per_class[i]);
  const h5::handle agenda = f.open_group(root, "agenda");
  fmt::print(out, "  agenda entries: {}\n", f.read_u64(agenda.get(), "tick").size());
  const h5::handle timed = f.open_group(root, "timed");
  fmt::print(out, "  timed messages: {}\n", f.read_u64(timed.get(), "due").size());
  const h5::handle probes = f.open_group(root, "probes");
  fmt::print(out, "  probe sample bytes: {}\n", f.read_bytes(probes.get(), "samples").size());
  const h5::handle stats = f.open_group(root, "stats");
  for (const std::string& a : f.attr_names(stats.get())) fmt::print(out, "  {} = {}\n", a, f.attr_as_text(stats.get(), a));
}

}  // namespace kairos::checkpoint
