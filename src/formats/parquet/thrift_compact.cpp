#include "formats/parquet/thrift_compact.h"

#include <limits>

#include "base/error.h"

namespace floe::parquet {

namespace {

// Wire values that differ from CompactType: a bool field header carries its value.
constexpr uint8_t kWireTrue = 1;
constexpr uint8_t kWireFalse = 2;

// The fewest bytes one element of `type` can take on the wire.
uint64_t min_encoded_size(CompactType type) {
  switch (type) {
    case CompactType::kDouble: return 8;
    case CompactType::kUuid: return 16;
    default: return 1;
  }
}

}  // namespace

std::string_view compact_type_name(CompactType type) {
  switch (type) {
    case CompactType::kStop: return "stop";
    case CompactType::kBool: return "bool";
    case CompactType::kI8: return "i8";
    case CompactType::kI16: return "i16";
    case CompactType::kI32: return "i32";
    case CompactType::kI64: return "i64";
    case CompactType::kDouble: return "double";
    case CompactType::kBinary: return "binary";
    case CompactType::kList: return "list";
    case CompactType::kSet: return "set";
    case CompactType::kMap: return "map";
    case CompactType::kStruct: return "struct";
    case CompactType::kUuid: return "uuid";
  }
  return "invalid";
}

// ---------------------------------------------------------------------------------------
// CompactReader

void CompactReader::enter() {
  FLOE_CORRUPT_IF(depth_ >= kMaxDepth, "thrift: nesting deeper than {} at offset {}", kMaxDepth,
                  in_.position());
  ++depth_;
}

void CompactReader::struct_begin() {
  enter();
  field_id_stack_[depth_] = last_field_id_;
  last_field_id_ = 0;
  has_pending_bool_ = false;
}

void CompactReader::struct_end() {
  FLOE_CHECK(depth_ > 0, "struct_end without struct_begin");
  last_field_id_ = field_id_stack_[depth_];
  leave();
}

CompactType CompactReader::read_type_nibble(uint8_t nibble, bool allow_stop) {
  switch (nibble) {
    case 0:
      FLOE_CORRUPT_IF(!allow_stop, "thrift: element type 0 at offset {}", in_.position());
      return CompactType::kStop;
    case kWireTrue:
    case kWireFalse:
      return CompactType::kBool;
    case 3: case 4: case 5: case 6: case 7: case 8: case 9: case 10: case 11: case 12: case 13:
      return static_cast<CompactType>(nibble);
    default:
      FLOE_CORRUPT_IF(true, "thrift: invalid type {} at offset {}", nibble, in_.position() - 1);
      return CompactType::kStop;
  }
}

bool CompactReader::read_field_header(FieldHeader& out) {
  FLOE_CHECK(depth_ > 0, "read_field_header outside a struct");
  has_pending_bool_ = false;
  uint8_t byte = in_.u8();
  uint8_t type_nibble = byte & 0x0f;
  if (type_nibble == 0) {
    // The stop byte. Like Apache Thrift, look only at the type nibble.
    out.type = CompactType::kStop;
    out.id = 0;
    return false;
  }
  out.type = read_type_nibble(type_nibble, false);
  uint8_t delta = byte >> 4;
  if (delta != 0) {
    int32_t id = int32_t(last_field_id_) + delta;
    FLOE_CORRUPT_IF(id > std::numeric_limits<int16_t>::max(),
                    "thrift: field id overflows at offset {}", in_.position());
    out.id = static_cast<int16_t>(id);
  } else {
    out.id = read_i16();
  }
  last_field_id_ = out.id;
  if (out.type == CompactType::kBool) {
    has_pending_bool_ = true;
    pending_bool_ = type_nibble == kWireTrue;
  }
  return true;
}

bool CompactReader::read_bool() {
  if (has_pending_bool_) {
    has_pending_bool_ = false;
    return pending_bool_;
  }
  uint8_t b = in_.u8();
  // Apache Thrift writes 1/2 like field headers; some writers use 0 for false.
  FLOE_CORRUPT_IF(b > kWireFalse, "thrift: invalid bool byte {} at offset {}", b,
                  in_.position() - 1);
  return b == kWireTrue;
}

int8_t CompactReader::read_i8() { return static_cast<int8_t>(in_.u8()); }

int16_t CompactReader::read_i16() {
  uint64_t u = in_.uvarint();
  FLOE_CORRUPT_IF(u > 0xffff, "thrift: i16 varint out of range at offset {}", in_.position());
  return static_cast<int16_t>(int32_t(u >> 1) ^ -int32_t(u & 1));
}

int32_t CompactReader::read_i32() {
  uint64_t u = in_.uvarint();
  FLOE_CORRUPT_IF(u > 0xffffffffu, "thrift: i32 varint out of range at offset {}",
                  in_.position());
  return static_cast<int32_t>(uint32_t(u >> 1) ^ (0u - uint32_t(u & 1)));
}

int64_t CompactReader::read_i64() {
  uint64_t u = in_.uvarint();
  return static_cast<int64_t>((u >> 1) ^ (0 - (u & 1)));
}

double CompactReader::read_double() { return in_.fixed<double>(); }

std::span<const uint8_t> CompactReader::read_binary() {
  uint64_t n = in_.uvarint();
  FLOE_CORRUPT_IF(n > uint64_t(std::numeric_limits<int32_t>::max()) || n > in_.remaining(),
                  "thrift: binary of {} bytes at offset {} but only {} bytes remain", n,
                  in_.position(), in_.remaining());
  return in_.bytes(n);
}

std::string_view CompactReader::read_string() {
  auto b = read_binary();
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::span<const uint8_t> CompactReader::read_uuid() { return in_.bytes(16); }

void CompactReader::check_count(uint64_t count, CompactType elem_type, uint64_t per_elem) {
  uint64_t min_bytes = min_encoded_size(elem_type) * per_elem;
  FLOE_CORRUPT_IF(count > in_.remaining() / min_bytes,
                  "thrift: {} elements of type {} at offset {} cannot fit in {} remaining bytes",
                  count, compact_type_name(elem_type), in_.position(), in_.remaining());
}

uint32_t CompactReader::read_size() {
  uint64_t n = in_.uvarint();
  FLOE_CORRUPT_IF(n > uint64_t(std::numeric_limits<int32_t>::max()),
                  "thrift: container size {} out of range at offset {}", n, in_.position());
  return static_cast<uint32_t>(n);
}

ListHeader CompactReader::read_list_header() {
  has_pending_bool_ = false;
  uint8_t byte = in_.u8();
  ListHeader h;
  uint32_t short_size = byte >> 4;
  h.size = short_size == 15 ? read_size() : short_size;
  // An empty list may carry type 0; a non-empty one needs a real element type.
  h.elem_type = read_type_nibble(byte & 0x0f, h.size == 0);
  check_count(h.size, h.elem_type, 1);
  return h;
}

ListHeader CompactReader::read_set_header() { return read_list_header(); }

MapHeader CompactReader::read_map_header() {
  has_pending_bool_ = false;
  MapHeader h;
  h.size = read_size();
  if (h.size == 0) return h;
  uint8_t types = in_.u8();
  h.key_type = read_type_nibble(types >> 4, false);
  h.value_type = read_type_nibble(types & 0x0f, false);
  uint64_t per_entry = min_encoded_size(h.key_type) + min_encoded_size(h.value_type);
  FLOE_CORRUPT_IF(h.size > in_.remaining() / per_entry,
                  "thrift: map of {} entries at offset {} cannot fit in {} remaining bytes",
                  h.size, in_.position(), in_.remaining());
  return h;
}

void CompactReader::skip(CompactType type) {
  switch (type) {
    case CompactType::kBool: read_bool(); return;
    case CompactType::kI8: in_.skip(1); return;
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64: in_.uvarint(); return;
    case CompactType::kDouble: in_.skip(8); return;
    case CompactType::kBinary: read_binary(); return;
    case CompactType::kUuid: in_.skip(16); return;
    case CompactType::kStruct: {
      struct_begin();
      FieldHeader h;
      while (read_field_header(h)) skip(h.type);
      struct_end();
      return;
    }
    case CompactType::kList:
    case CompactType::kSet: {
      enter();
      ListHeader h = read_list_header();
      for (uint32_t i = 0; i < h.size; ++i) skip(h.elem_type);
      leave();
      return;
    }
    case CompactType::kMap: {
      enter();
      MapHeader h = read_map_header();
      for (uint32_t i = 0; i < h.size; ++i) {
        skip(h.key_type);
        skip(h.value_type);
      }
      leave();
      return;
    }
    case CompactType::kStop: break;
  }
  FLOE_CORRUPT_IF(true, "thrift: cannot skip a value of type {} at offset {}",
                  compact_type_name(type), in_.position());
}

// ---------------------------------------------------------------------------------------
// CompactWriter

void CompactWriter::write_varint(uint64_t v) {
  uint8_t tmp[10];
  size_t n = 0;
  while (v >= 0x80) {
    tmp[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  tmp[n++] = static_cast<uint8_t>(v);
  out_.append(tmp, n);
}

void CompactWriter::struct_begin() {
  FLOE_CHECK(depth_ < kMaxDepth, "thrift writer nesting deeper than {}", kMaxDepth);
  ++depth_;
  field_id_stack_[depth_] = last_field_id_;
  last_field_id_ = 0;
}

void CompactWriter::struct_end() {
  FLOE_CHECK(depth_ > 0, "struct_end without struct_begin");
  out_.push(uint8_t{0});
  last_field_id_ = field_id_stack_[depth_];
  --depth_;
}

namespace {
uint8_t wire_type(CompactType type) { return static_cast<uint8_t>(type); }
}  // namespace

void CompactWriter::field_begin(CompactType type, int16_t id) {
  FLOE_CHECK(depth_ > 0, "field outside a struct");
  FLOE_CHECK(type != CompactType::kStop, "field of type stop");
  uint8_t t = wire_type(type);
  if (id > last_field_id_ && id - last_field_id_ <= 15) {
    out_.push(static_cast<uint8_t>(((id - last_field_id_) << 4) | t));
  } else {
    out_.push(t);
    write_i16(id);
  }
  last_field_id_ = id;
}

void CompactWriter::write_bool_field(int16_t id, bool value) {
  // Same header as field_begin, with the value in the type nibble.
  FLOE_CHECK(depth_ > 0, "field outside a struct");
  uint8_t t = value ? kWireTrue : kWireFalse;
  if (id > last_field_id_ && id - last_field_id_ <= 15) {
    out_.push(static_cast<uint8_t>(((id - last_field_id_) << 4) | t));
  } else {
    out_.push(t);
    write_i16(id);
  }
  last_field_id_ = id;
}

void CompactWriter::write_bool(bool value) { out_.push(value ? kWireTrue : kWireFalse); }

void CompactWriter::write_binary(std::span<const uint8_t> bytes) {
  FLOE_CHECK(bytes.size() <= size_t(std::numeric_limits<int32_t>::max()),
             "binary of {} bytes is too long for thrift", bytes.size());
  write_varint(bytes.size());
  out_.append(bytes.data(), bytes.size());
}

void CompactWriter::write_string(std::string_view s) {
  write_binary({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

void CompactWriter::list_begin(CompactType elem_type, uint32_t size) {
  FLOE_CHECK(size <= uint32_t(std::numeric_limits<int32_t>::max()), "list too long");
  uint8_t t = wire_type(elem_type);
  if (size < 15) {
    out_.push(static_cast<uint8_t>((size << 4) | t));
  } else {
    out_.push(static_cast<uint8_t>(0xf0 | t));
    write_varint(size);
  }
}

void CompactWriter::set_begin(CompactType elem_type, uint32_t size) {
  list_begin(elem_type, size);
}

void CompactWriter::map_begin(CompactType key_type, CompactType value_type, uint32_t size) {
  FLOE_CHECK(size <= uint32_t(std::numeric_limits<int32_t>::max()), "map too large");
  write_varint(size);
  if (size == 0) return;
  out_.push(static_cast<uint8_t>((wire_type(key_type) << 4) | wire_type(value_type)));
}

}  // namespace floe::parquet
