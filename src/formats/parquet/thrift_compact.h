// The Thrift compact protocol, hand-written: the wire format of every Parquet footer,
// page header, page index and bloom filter header. CompactReader decodes untrusted bytes
// (every length, count and nesting level is checked); CompactWriter is its mirror.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/buffer.h"
#include "base/bytes.h"

namespace floe::parquet {

// The type nibble of the compact protocol. Booleans are one type here: on the wire a
// field header carries the value in its type (1 = true, 2 = false) and a list element
// is one byte; CompactReader hides the difference behind read_bool().
enum class CompactType : uint8_t {
  kStop = 0,
  kBool = 1,
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,  // also string
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
  kUuid = 13,  // 16 raw bytes (Thrift 0.17+); not used by Parquet but skippable
};

std::string_view compact_type_name(CompactType type);

struct FieldHeader {
  CompactType type = CompactType::kStop;
  int16_t id = 0;
};

struct ListHeader {  // also used for sets
  CompactType elem_type = CompactType::kStop;
  uint32_t size = 0;
};

struct MapHeader {
  CompactType key_type = CompactType::kStop;
  CompactType value_type = CompactType::kStop;
  uint32_t size = 0;
};

// Reads compact-protocol values from a bounds-checked cursor. Any malformed input throws
// CorruptDataError; after a throw the reader (and the cursor) must not be used again.
class CompactReader {
 public:
  // Structs nested deeper than this (counting lists and maps while skipping) are corrupt.
  static constexpr int kMaxDepth = 64;

  explicit CompactReader(ByteReader& in) : in_(in) {}

  size_t position() const { return in_.position(); }

  // Enters a struct: field ids restart from 0. Throws past kMaxDepth.
  void struct_begin();
  void struct_end();
  // Reads the next field header of the current struct; false at the stop byte.
  bool read_field_header(FieldHeader& out);

  // The value of a bool field just announced by read_field_header, or else one list
  // element byte.
  bool read_bool();
  int8_t read_i8();
  int16_t read_i16();
  int32_t read_i32();
  int64_t read_i64();
  double read_double();
  // Length-prefixed bytes; the view points into the input and lives as long as it.
  std::span<const uint8_t> read_binary();
  std::string_view read_string();
  std::span<const uint8_t> read_uuid();

  // Element counts are checked against the bytes that remain (every element takes at
  // least one byte), so a header cannot make a caller loop or reserve without bound.
  ListHeader read_list_header();
  ListHeader read_set_header();
  MapHeader read_map_header();

  // Skips one value of any type, recursing into structs, lists, sets and maps.
  void skip(CompactType type);

 private:
  CompactType read_type_nibble(uint8_t nibble, bool allow_stop);
  uint32_t read_size();
  void check_count(uint64_t count, CompactType elem_type, uint64_t per_elem_factor);
  void enter();
  void leave() { --depth_; }

  ByteReader& in_;
  int depth_ = 0;
  int16_t last_field_id_ = 0;
  std::array<int16_t, kMaxDepth + 1> field_id_stack_{};
  bool has_pending_bool_ = false;
  bool pending_bool_ = false;
};

// Appends compact-protocol values to a Buffer. Usage mirrors CompactReader:
// struct_begin(); field_begin(kI32, 1); write_i32(v); ... struct_end();
class CompactWriter {
 public:
  static constexpr int kMaxDepth = CompactReader::kMaxDepth;

  explicit CompactWriter(Buffer& out) : out_(out) {}

  void struct_begin();
  // Writes the stop byte and leaves the struct.
  void struct_end();
  // Field header for any type but bool; for a bool field use write_bool_field.
  void field_begin(CompactType type, int16_t id);
  void write_bool_field(int16_t id, bool value);

  void write_bool(bool value);  // a list element
  void write_i8(int8_t v) { out_.push(static_cast<uint8_t>(v)); }
  void write_i16(int16_t v) { write_zigzag(v); }
  void write_i32(int32_t v) { write_zigzag(v); }
  void write_i64(int64_t v) { write_zigzag(v); }
  void write_double(double v) { out_.push(v); }
  void write_binary(std::span<const uint8_t> bytes);
  void write_string(std::string_view s);
  void write_uuid(std::span<const uint8_t, 16> bytes) { out_.append(bytes.data(), 16); }

  void list_begin(CompactType elem_type, uint32_t size);
  void set_begin(CompactType elem_type, uint32_t size);
  void map_begin(CompactType key_type, CompactType value_type, uint32_t size);

 private:
  void write_varint(uint64_t v);
  void write_zigzag(int64_t v) { write_varint((uint64_t(v) << 1) ^ uint64_t(v >> 63)); }

  Buffer& out_;
  int depth_ = 0;
  int16_t last_field_id_ = 0;
  std::array<int16_t, kMaxDepth + 1> field_id_stack_{};
};

}  // namespace floe::parquet
