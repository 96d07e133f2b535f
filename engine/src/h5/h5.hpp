#pragma once

// A thin RAII layer over the HDF5 C API: just what the results and checkpoint
// writers need, every failure turned into a kairos::error naming the file.

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kairos::h5 {

/// Owns one HDF5 identifier and closes it with the matching H5*close.
class handle {
 public:
  using closer = herr_t (*)(hid_t);
  handle() = default;
  handle(hid_t id, closer close) : id_(id), close_(close) {}
  handle(handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
  handle& operator=(handle&& o) noexcept {
    reset();
    id_ = std::exchange(o.id_, H5I_INVALID_HID);
    close_ = o.close_;
    return *this;
  }
  ~handle() { reset(); }
  hid_t get() const noexcept { return id_; }
  /// Gives up ownership: the caller closes the identifier.
  hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }
  explicit operator bool() const noexcept { return id_ >= 0; }

 private:
  void reset() noexcept {
    if (id_ >= 0 && close_) close_(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t id_ = H5I_INVALID_HID;
  closer close_ = nullptr;
};

/// An open HDF5 file with the few operations Kairos needs.
class file {
 public:
  static file create(const std::filesystem::path& path);  ///< truncates
  static file open_read(const std::filesystem::path& path);
  /// Created together by every rank of MPI_COMM_WORLD (parallel HDF5 over
  /// MPI-IO). Every call that changes the file's structure (groups,
  /// attributes, datasets) must then be made by every rank with the same
  /// arguments; write_rows is each rank's own.
  static file create_parallel(const std::filesystem::path& path);
  /// A file built in memory only (HDF5's core driver); image() gives its bytes.
  /// `name` appears in error messages.
  /// `expected_size` sizes the memory steps (fewer reallocations).
  static file create_in_memory(const std::filesystem::path& name, std::size_t expected_size = 0);
  /// Opens the bytes of a whole HDF5 file, read only, without touching disk.
  static file open_image(const std::vector<std::byte>& image, const std::filesystem::path& name);
  /// The complete file as it would be on disk (flushes first).
  std::vector<std::byte> image() const;

  hid_t id() const noexcept { return file_.get(); }
  const std::filesystem::path& path() const noexcept { return path_; }

  handle create_group(hid_t parent, const std::string& name) const;
  handle open_group(hid_t parent, const std::string& name) const;
  /// `stored_as`: the file's integer type (little-endian unless a test asks
  /// for big-endian); readers convert to native either way.
  /// `compress`: byte-shuffled then Zstd-compressed in chunks (large
  /// integer tables shrink several times).
  void write_u64(hid_t parent, const std::string& name, const std::vector<std::uint64_t>& data,
                 hid_t stored_as = H5T_STD_U64LE, bool compress = false) const;
  /// A compressed column of `length` values of which only the last
  /// tail.size() are written: the others read as 0 (the fill value) and,
  /// whole chunks of them, take no space and no time.
  void write_u64_tail(hid_t parent, const std::string& name, std::uint64_t length,
                      const std::vector<std::uint64_t>& tail, hid_t stored_as) const;
  /// A column's length when it starts empty and grows with extend().
  static constexpr std::uint64_t growing = ~std::uint64_t{0};
  /// A compressed 1-D column of `length` elements (or `growing`), to be
  /// written front to back with write_rows, in pieces of whole chunks of
  /// `chunk_elements` so that each chunk is compressed and written as it
  /// comes; byte-shuffled first when `shuffle`.
  handle create_column(hid_t parent, const std::string& name, hid_t stored_as, std::uint64_t length,
                       std::size_t chunk_elements, bool shuffle) const;
  /// Makes a growing column `length` elements long.
  void extend(hid_t column, const std::string& name, std::uint64_t length) const;
  /// Stores one chunk of a column already run through its filters
  /// (encode_chunk), at element `first` (a chunk's first element, inside
  /// the column's extent), without HDF5's pipeline.
  void write_chunk(hid_t column, const std::string& name, std::uint64_t first, std::span<const std::byte> filtered) const;
  /// Opaque bytes as a uint8 dataset, Zstd-compressed in 1 MiB chunks when
  /// `compress` (filter 32015, registered by the engine).
  void write_bytes(hid_t parent, const std::string& name, const void* data, std::size_t size, bool compress) const;
  std::vector<std::byte> read_bytes(hid_t parent, const std::string& name) const;
  /// A contiguous table of file type `stored_as` with dimensions `dims`
  /// ({rows} or {rows, columns}), to be filled by write_rows.
  handle create_table(hid_t parent, const std::string& name, hid_t stored_as,
                      std::initializer_list<std::uint64_t> dims) const;
  /// Writes rows [first, first + rows) of a table from `data` (native type
  /// `memory_type`, every column of each row).
  void write_rows(hid_t table, const std::string& name, hid_t memory_type, std::uint64_t first, std::uint64_t rows,
                  const void* data) const;
  void attr_string(hid_t object, const std::string& name, std::string_view value) const;
  void attr_strings(hid_t object, const std::string& name, const std::vector<std::string>& values) const;
  void attr_u64(hid_t object, const std::string& name, std::uint64_t value, hid_t stored_as = H5T_STD_U64LE) const;
  std::uint64_t read_attr_u64(hid_t object, const std::string& name) const;
  std::string read_attr_string(hid_t object, const std::string& name) const;
  void attr_f64(hid_t object, const std::string& name, double value) const;

  std::vector<std::uint64_t> read_u64(hid_t parent, const std::string& name) const;
  /// Returns values and sets cols.
  std::vector<double> read_f64(hid_t parent, const std::string& name, std::size_t& cols) const;
  std::vector<std::string> attr_names(hid_t object) const;
  /// Any scalar attribute rendered as text; string arrays joined with ", ".
  std::string attr_as_text(hid_t object, const std::string& name) const;
  std::vector<std::string> read_attr_strings(hid_t object, const std::string& name) const;
  std::vector<std::string> children(hid_t group) const;
  /// Whether `group` holds a link called `name` (a dataset or group).
  bool has_child(hid_t group, const std::string& name) const;
  void flush() const;
  /// Closes the file now, reporting what closing failed to write (together
  /// with every rank for a parallel file).
  void close();

 private:
  [[noreturn]] void fail(std::string_view what) const;
  /// Dataset creation properties: contiguous, or chunked (chunk_elements at
  /// most) and Zstd-compressed, byte-shuffled first when `shuffle`.
  handle layout(std::size_t elements, bool compress, std::size_t chunk_elements, bool shuffle,
                const std::string& name) const;
  /// A whole 1-D dataset converted to `memory_type` (T's native type).
  template <class T>
  std::vector<T> read_all(hid_t parent, const std::string& name, hid_t memory_type) const;
  handle file_;
  std::filesystem::path path_;
};

}  // namespace kairos::h5
