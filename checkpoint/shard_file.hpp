#pragma once

// One rank's part of a checkpoint, as an HDF5 file:
//
//   /                attributes: format, format_version, engine_version, abi_version,
//                    plugins, shard, shards, generation, resume_tick, seed,
//                    scenario_hash, payload_byte_order, word_size
//   /scenario        uint8: the effective scenario text
//   /actors/aai, rng_counter, creations, class     unsigned tables, one row per actor
//   /actors/state    uint8, Zstd: the actors' saved states (kairos state
//                    archive) in row order, concatenated
//   /actors/state_size   unsigned: bytes of each row's state
//                    (attribute classes: class names indexed by /actors/class)
//   /agenda/tick, aai, period         the spontaneous activations to come; a
//                                     periodic one (period >= 1) at its next tick
//   /timed/due, receiver, sender, sent_tick, sent_diasca, seq, type, size
//                                     uint64 tables: the timed messages to come
//   /timed/payload                    uint8, Zstd: their payloads in row order
//                                     (message structs as the writer laid them out)
//   /probes/declarations              uint8 text: "name<TAB>curve<TAB>curve\n" per probe,
//                                     "/aggregate<TAB>period<TAB>name<TAB>curve...\n" per aggregate probe
//   /probes/samples                   uint8, Zstd: the recorded samples not yet written, and
//                                     the aggregate probes' per-tick partial aggregates
//   /counters/values                  uint64 (attribute names)
//   /stats                            attributes: this rank's totals so far
//
// The actor tables and the agenda's tick and aai are stored in the
// narrowest unsigned type holding their values (1, 2, 4 or 8 bytes), the
// other tables in uint64; all are read as uint64 (HDF5 widens them).
// Tables are stored little-endian and HDF5 converts them on read; the opaque
// payloads (actor states in the state archive, probe samples) are
// little-endian too. So a shard restores on a machine of either byte order,
// unless it holds timed messages: their payloads are the model's message
// structs as bytes, in payload_byte_order, which must then be this machine's.
// word_size must be this machine's (Kairos is built for 64-bit machines).

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/types.hpp"
#include "kairos/probe/probe_id.hpp"
#include "time/timed_store.hpp"

namespace kairos::checkpoint {

/// 2: actor states in kairos's state archive (little-endian, no Boost preambles).
/// 3: the manifest carries its own checksum and must list a shard per rank.
/// 4: probe samples little-endian: shards restore on either byte order.
/// 5: timed messages to come (/timed), and the count of lookahead windows.
/// 6: aggregate probes: a declaration line may start with "/aggregate\tPERIOD\t",
///    and the samples hold each aggregate probe's per-tick partial sums.
/// 7: periodic activations: /agenda/period (0 for a one-off activation).
/// 8: actor states store sizes and item versions as varints (abi 8).
inline constexpr std::uint64_t format_version = 8;
inline constexpr const char* format_name = "kairos-checkpoint";

/// Totals a rank accumulated; summed over shards on restart.
struct rank_totals {
  std::uint64_t activations = 0, messages = 0, remote_messages = 0, actors_created = 0, actors_deleted = 0;
};

/// Whole-run position at the checkpoint (the same in every shard).
struct run_position {
  tick_t resume_tick = 0;  ///< the first tick the restarted run simulates
  std::uint64_t ticks_simulated = 0, diascas = 0;
  tick_t last_tick = 0;
  std::uint64_t windows = 0;
};

struct probe_declaration {
  std::string name;
  std::vector<std::string> curves;
  probe_mode mode{};
};

struct shard_content {
  // Identity of the run.
  std::string scenario_text;
  std::uint64_t scenario_hash = 0;
  std::uint64_t seed = 0;
  std::string engine_version;
  std::uint64_t abi_version = 0;
  std::vector<std::string> plugins;
  std::uint64_t generation = 0;
  std::uint32_t shard = 0, shards = 1;
  run_position position;
  rank_totals totals;
  std::string payload_byte_order;  ///< "little" or "big"
  std::uint64_t word_size = sizeof(void*);

  // Actors, one row each. (A checkpoint's capture streams the actors and the
  // agenda's ticks and AAIs into a shard_builder instead of these columns;
  // read_shard fills them.)
  std::vector<std::string> classes;
  std::vector<std::uint64_t> aai, rng_counter, creations, class_index;
  std::string states;  ///< each row's saved state, concatenated in row order
  std::vector<std::uint64_t> state_size;  ///< bytes of each row's state

  std::vector<std::uint64_t> agenda_tick, agenda_aai;
  /// The periods of the last agenda_period.size() entries (0: one-off; else
  /// every that many ticks from agenda_tick); the entries before them are
  /// one-off. Captures list periodic activations last, so a run without
  /// any holds no period at all (the file's column is full length).
  std::vector<std::uint64_t> agenda_period;
  std::uint64_t period_of(std::size_t entry) const {
    const std::size_t first = agenda_aai.size() - agenda_period.size();
    return entry < first ? 0 : agenda_period[entry - first];
  }
  std::vector<timed_message> timed;  ///< offsets into timed_payloads
  std::vector<std::byte> timed_payloads;
  std::vector<probe_declaration> probes;
  std::vector<std::byte> samples;  ///< probe_store::encode of the samples so far
  std::vector<std::string> counter_names;
  std::vector<std::uint64_t> counter_values;
};

/// This machine's byte order as recorded in shards.
const char* native_byte_order() noexcept;

/// One block of actor rows for shard_builder: columns of equal length, and
/// the rows' states concatenated in row order, in one or more pieces.
struct actor_rows {
  std::span<const std::uint64_t> aai, rng_counter, creations, class_index, state_size;
  std::span<const std::string_view> states;
};

/// The largest value each actor table will hold (the class index's is
/// the class count less one). Each table is stored in the narrowest
/// unsigned type that holds its bound (narrow_column.hpp); a value above it
/// is refused. A state is at most 4 GiB by default.
struct actor_bounds {
  std::uint64_t aai = UINT64_MAX, rng_counter = UINT64_MAX, creations = UINT64_MAX;
  std::uint64_t state_size = UINT32_MAX;
};

/// A shard's HDF5 image, built as a capture goes: the actors' rows come in
/// blocks, each compressed and written into the image as it comes, so that
/// no column of a whole shard is ever held in memory (touching that much
/// fresh memory was most of a checkpoint's cost); the rest comes last.
class shard_builder {
 public:
  /// Rows per block: one chunk (1 MiB) of each uint64 column.
  static constexpr std::size_t block_rows = std::size_t{1} << 17;

  /// `expected_size` guesses the image's bytes (it sizes the memory steps);
  /// `big_endian_tables` stores the uint64 tables and attributes big-endian
  /// (tests of portability).
  explicit shard_builder(std::uint32_t shard, std::size_t expected_size = 0, bool big_endian_tables = false);
  ~shard_builder();
  shard_builder(const shard_builder&) = delete;
  shard_builder& operator=(const shard_builder&) = delete;

  /// Before any rows: the class names the rows index, how many rows come
  /// and the largest values they hold.
  void begin_actors(const std::vector<std::string>& classes, std::uint64_t rows, const actor_bounds& bounds);
  /// A block of actor rows on its way into the image, in three steps so
  /// that a rank's threads compress one block while they fill the next
  /// (HDF5 runs its filters on one thread at a time, and compression was
  /// most of a checkpoint's cost):
  ///   - cut_actors (one thread at a time, blocks in order) takes the rows
  ///     and cuts the states into whole chunks;
  ///   - encode_actors (any thread, every task below tasks(), all at once)
  ///     narrows and compresses one column, or one chunk of states;
  ///   - store_actors (one thread at a time, blocks in order) writes them.
  /// The rows' columns must stay valid until the block is encoded; the
  /// states are copied. append_actors does the three in turn.
  class actor_block {
   public:
    std::size_t tasks() const noexcept { return encoded_.size(); }

   private:
    friend class shard_builder;
    actor_rows rows_;
    std::uint64_t first_row_ = 0;
    std::vector<std::vector<std::byte>> state_chunks_;  ///< whole chunks of states, as stored before compression
    std::size_t state_chunk_count_ = 0;                 ///< of state_chunks_ (kept for their memory)
    std::uint64_t first_state_byte_ = 0;
    std::vector<std::vector<std::byte>> encoded_;  ///< per task: the actor columns, then the state chunks
  };
  /// The next rows: block_rows of them, fewer only in the last block.
  void cut_actors(const actor_rows& rows, actor_block& block);
  void encode_actors(actor_block& block, std::size_t task) const;
  void store_actors(actor_block& block);
  void append_actors(const actor_rows& rows);
  /// Before the agenda's entries: the largest tick and AAI they hold.
  void begin_agenda(std::uint64_t max_tick, std::uint64_t max_aai);
  /// A block of the agenda's entries, in the same three steps as actors:
  /// the caller fills `ticks` and `aais` (of equal length, block_rows of
  /// them, fewer only in the last block, in the order shard_content's
  /// agenda columns hold them); cut_agenda (one thread, blocks in order)
  /// places them; encode_agenda (any thread, each task below tasks())
  /// compresses a column; store_agenda (one thread, in order) writes them.
  struct agenda_block {
    std::vector<std::uint64_t> ticks, aais;
    std::size_t tasks() const noexcept { return encoded_.size(); }

   private:
    friend class shard_builder;
    std::uint64_t first_row_ = 0;
    std::vector<std::vector<std::byte>> encoded_;  ///< tick, aai
  };
  void cut_agenda(agenda_block& block);
  void encode_agenda(agenda_block& block, std::size_t task) const;
  void store_agenda(agenda_block& block);
  /// The three steps in turn, for entries held elsewhere.
  void append_agenda(std::span<const std::uint64_t> ticks, std::span<const std::uint64_t> aais);
  /// Everything but the actors and the agenda's entries, from `rest` (whose
  /// actor and agenda_tick / agenda_aai columns are not read; its
  /// agenda_period is the tail of the entries appended), and the finished
  /// image. Throws checkpoint_error when fewer rows came than begin_actors
  /// announced.
  std::vector<std::byte> finish(const shard_content& rest);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The shard as the bytes of an HDF5 file (its actors in blocks through a
/// shard_builder).
std::vector<std::byte> shard_image(const shard_content& shard, bool big_endian_tables = false);

/// Reads a shard image; `name` (its file) appears in every error. Throws
/// checkpoint_error on a malformed shard, an unknown format version or
/// payloads in another byte order.
shard_content read_shard(const std::vector<std::byte>& image, const std::string& name);

/// True if the HDF5 file at `path` is a checkpoint shard (its format attribute).
bool is_shard_file(const std::filesystem::path& path);

/// `kairos inspect SHARD.h5`: what the shard holds.
void describe_shard(const std::filesystem::path& path, std::FILE* out);

}  // namespace kairos::checkpoint
