#include "formats/parquet/parquet_metadata.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <type_traits>

#include "base/error.h"
#include "formats/parquet/thrift_compact.h"

namespace floe::parquet {

// ---------------------------------------------------------------------------------------
// Enum names

std::string_view type_name(Type v) {
  switch (v) {
    case Type::kBoolean: return "BOOLEAN";
    case Type::kInt32: return "INT32";
    case Type::kInt64: return "INT64";
    case Type::kInt96: return "INT96";
    case Type::kFloat: return "FLOAT";
    case Type::kDouble: return "DOUBLE";
    case Type::kByteArray: return "BYTE_ARRAY";
    case Type::kFixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY";
  }
  return "unknown";
}

std::string_view converted_type_name(ConvertedType v) {
  static constexpr std::string_view kNames[] = {
      "UTF8",        "MAP",         "MAP_KEY_VALUE",    "LIST",         "ENUM",     "DECIMAL",
      "DATE",        "TIME_MILLIS", "TIME_MICROS",      "TIMESTAMP_MILLIS",
      "TIMESTAMP_MICROS", "UINT_8", "UINT_16",          "UINT_32",      "UINT_64",  "INT_8",
      "INT_16",      "INT_32",      "INT_64",           "JSON",         "BSON",     "INTERVAL"};
  auto i = static_cast<int32_t>(v);
  return i >= 0 && i < int32_t(std::size(kNames)) ? kNames[i] : "unknown";
}

std::string_view repetition_name(FieldRepetitionType v) {
  switch (v) {
    case FieldRepetitionType::kRequired: return "REQUIRED";
    case FieldRepetitionType::kOptional: return "OPTIONAL";
    case FieldRepetitionType::kRepeated: return "REPEATED";
    case FieldRepetitionType::kVector: return "VECTOR";
  }
  return "unknown";
}

std::string_view encoding_name(Encoding v) {
  switch (v) {
    case Encoding::kPlain: return "PLAIN";
    case Encoding::kPlainDictionary: return "PLAIN_DICTIONARY";
    case Encoding::kRle: return "RLE";
    case Encoding::kBitPacked: return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray: return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary: return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit: return "BYTE_STREAM_SPLIT";
  }
  return "unknown";
}

std::string_view codec_name(CompressionCodec v) {
  switch (v) {
    case CompressionCodec::kUncompressed: return "UNCOMPRESSED";
    case CompressionCodec::kSnappy: return "SNAPPY";
    case CompressionCodec::kGzip: return "GZIP";
    case CompressionCodec::kLzo: return "LZO";
    case CompressionCodec::kBrotli: return "BROTLI";
    case CompressionCodec::kLz4: return "LZ4";
    case CompressionCodec::kZstd: return "ZSTD";
    case CompressionCodec::kLz4Raw: return "LZ4_RAW";
  }
  return "unknown";
}

std::string_view page_type_name(PageType v) {
  switch (v) {
    case PageType::kDataPage: return "DATA_PAGE";
    case PageType::kIndexPage: return "INDEX_PAGE";
    case PageType::kDictionaryPage: return "DICTIONARY_PAGE";
    case PageType::kDataPageV2: return "DATA_PAGE_V2";
  }
  return "unknown";
}

namespace {

// ---------------------------------------------------------------------------------------
// Machinery: how each C++ type maps to the wire, and the struct read loop.
//
// Wire<T> gives a type's compact type and its read/write. Structs use the primary
// template, which calls the read_value/write_value overloads declared here; scalars,
// enums and vectors are specialised below.

void read_value(CompactReader& r, Statistics& v);
void read_value(CompactReader& r, LogicalType& v);
void read_value(CompactReader& r, SchemaElement& v);
void read_value(CompactReader& r, DataPageHeader& v);
void read_value(CompactReader& r, IndexPageHeader& v);
void read_value(CompactReader& r, DictionaryPageHeader& v);
void read_value(CompactReader& r, DataPageHeaderV2& v);
void read_value(CompactReader& r, PageHeader& v);
void read_value(CompactReader& r, KeyValue& v);
void read_value(CompactReader& r, SortingColumn& v);
void read_value(CompactReader& r, PageEncodingStats& v);
void read_value(CompactReader& r, ColumnMetaData& v);
void read_value(CompactReader& r, ColumnChunk& v);
void read_value(CompactReader& r, RowGroup& v);
void read_value(CompactReader& r, ColumnOrder& v);
void read_value(CompactReader& r, FileMetaData& v);
void read_value(CompactReader& r, PageLocation& v);
void read_value(CompactReader& r, OffsetIndex& v);
void read_value(CompactReader& r, ColumnIndex& v);
void read_value(CompactReader& r, BloomFilterHeader& v);

void write_value(CompactWriter& w, const Statistics& v);
void write_value(CompactWriter& w, const LogicalType& v);
void write_value(CompactWriter& w, const SchemaElement& v);
void write_value(CompactWriter& w, const DataPageHeader& v);
void write_value(CompactWriter& w, const IndexPageHeader& v);
void write_value(CompactWriter& w, const DictionaryPageHeader& v);
void write_value(CompactWriter& w, const DataPageHeaderV2& v);
void write_value(CompactWriter& w, const PageHeader& v);
void write_value(CompactWriter& w, const KeyValue& v);
void write_value(CompactWriter& w, const SortingColumn& v);
void write_value(CompactWriter& w, const PageEncodingStats& v);
void write_value(CompactWriter& w, const ColumnMetaData& v);
void write_value(CompactWriter& w, const ColumnChunk& v);
void write_value(CompactWriter& w, const RowGroup& v);
void write_value(CompactWriter& w, const ColumnOrder& v);
void write_value(CompactWriter& w, const FileMetaData& v);
void write_value(CompactWriter& w, const PageLocation& v);
void write_value(CompactWriter& w, const OffsetIndex& v);
void write_value(CompactWriter& w, const ColumnIndex& v);
void write_value(CompactWriter& w, const BloomFilterHeader& v);

template <typename T>
struct Wire {  // structs
  static constexpr CompactType kType = CompactType::kStruct;
  static void read(CompactReader& r, T& v) { read_value(r, v); }
  static void write(CompactWriter& w, const T& v) { write_value(w, v); }
};

template <>
struct Wire<bool> {
  static constexpr CompactType kType = CompactType::kBool;
  static void read(CompactReader& r, bool& v) { v = r.read_bool(); }
  static void write(CompactWriter& w, bool v) { w.write_bool(v); }
};
template <>
struct Wire<int8_t> {
  static constexpr CompactType kType = CompactType::kI8;
  static void read(CompactReader& r, int8_t& v) { v = r.read_i8(); }
  static void write(CompactWriter& w, int8_t v) { w.write_i8(v); }
};
template <>
struct Wire<int16_t> {
  static constexpr CompactType kType = CompactType::kI16;
  static void read(CompactReader& r, int16_t& v) { v = r.read_i16(); }
  static void write(CompactWriter& w, int16_t v) { w.write_i16(v); }
};
template <>
struct Wire<int32_t> {
  static constexpr CompactType kType = CompactType::kI32;
  static void read(CompactReader& r, int32_t& v) { v = r.read_i32(); }
  static void write(CompactWriter& w, int32_t v) { w.write_i32(v); }
};
template <>
struct Wire<int64_t> {
  static constexpr CompactType kType = CompactType::kI64;
  static void read(CompactReader& r, int64_t& v) { v = r.read_i64(); }
  static void write(CompactWriter& w, int64_t v) { w.write_i64(v); }
};
template <>
struct Wire<std::string> {
  static constexpr CompactType kType = CompactType::kBinary;
  static void read(CompactReader& r, std::string& v) { v.assign(r.read_string()); }
  static void write(CompactWriter& w, const std::string& v) { w.write_string(v); }
};

// Thrift enums are i32 on the wire. `kOpen` enums may gain values in newer specs, so
// unknown non-negative values are kept; closed ones reject anything past kMax.
template <typename E>
struct EnumInfo;
template <>
struct EnumInfo<Type> {
  static constexpr std::string_view kName = "Type";
  static constexpr int32_t kMax = 7;
  static constexpr bool kOpen = false;
};
template <>
struct EnumInfo<ConvertedType> {
  static constexpr std::string_view kName = "ConvertedType";
  static constexpr int32_t kMax = 21;
  static constexpr bool kOpen = false;
};
template <>
struct EnumInfo<FieldRepetitionType> {
  static constexpr std::string_view kName = "FieldRepetitionType";
  static constexpr int32_t kMax = 3;
  static constexpr bool kOpen = false;
};
template <>
struct EnumInfo<BoundaryOrder> {
  static constexpr std::string_view kName = "BoundaryOrder";
  static constexpr int32_t kMax = 2;
  static constexpr bool kOpen = false;
};
template <>
struct EnumInfo<Encoding> {
  static constexpr std::string_view kName = "Encoding";
  static constexpr int32_t kMax = 9;
  static constexpr bool kOpen = true;
};
template <>
struct EnumInfo<CompressionCodec> {
  static constexpr std::string_view kName = "CompressionCodec";
  static constexpr int32_t kMax = 7;
  static constexpr bool kOpen = true;
};
template <>
struct EnumInfo<PageType> {
  static constexpr std::string_view kName = "PageType";
  static constexpr int32_t kMax = 3;
  static constexpr bool kOpen = true;
};
template <>
struct EnumInfo<EdgeInterpolationAlgorithm> {
  static constexpr std::string_view kName = "EdgeInterpolationAlgorithm";
  static constexpr int32_t kMax = 4;
  static constexpr bool kOpen = true;
};

template <typename E>
  requires std::is_enum_v<E>
struct Wire<E> {
  static constexpr CompactType kType = CompactType::kI32;
  static void read(CompactReader& r, E& v) {
    int32_t x = r.read_i32();
    FLOE_CORRUPT_IF(x < 0 || (!EnumInfo<E>::kOpen && x > EnumInfo<E>::kMax),
                    "invalid {} value {} at offset {}", EnumInfo<E>::kName, x, r.position());
    v = static_cast<E>(x);
  }
  static void write(CompactWriter& w, E v) { w.write_i32(static_cast<int32_t>(v)); }
};

// A list may claim as many elements as there are bytes left; reserve at most this many
// bytes up front so that a lying header cannot multiply memory by sizeof(T).
constexpr size_t kReserveBudgetBytes = size_t{1} << 20;

// i16, i32 and i64 share one wire form (a zigzag varint). Like Thrift-generated code,
// list elements are read by their declared type whatever width the header names (some
// writers get it wrong); each value is still range-checked.
constexpr bool is_varint_type(CompactType t) {
  return t == CompactType::kI16 || t == CompactType::kI32 || t == CompactType::kI64;
}
constexpr bool compatible_elements(CompactType wire, CompactType expected) {
  return wire == expected || (is_varint_type(wire) && is_varint_type(expected));
}

template <typename T>
struct Wire<std::vector<T>> {
  static constexpr CompactType kType = CompactType::kList;
  static void read(CompactReader& r, std::vector<T>& v) {
    ListHeader h = r.read_list_header();
    FLOE_CORRUPT_IF(h.size > 0 && !compatible_elements(h.elem_type, Wire<T>::kType),
                    "thrift: list of {} where a list of {} is expected, at offset {}",
                    compact_type_name(h.elem_type), compact_type_name(Wire<T>::kType),
                    r.position());
    v.clear();
    v.reserve(std::min<size_t>(h.size, kReserveBudgetBytes / sizeof(T) + 1));
    for (uint32_t i = 0; i < h.size; ++i) {
      if constexpr (std::is_same_v<T, bool>) {
        v.push_back(r.read_bool());
      } else {
        Wire<T>::read(r, v.emplace_back());
      }
    }
  }
  static void write(CompactWriter& w, const std::vector<T>& v) {
    FLOE_CHECK(v.size() <= size_t(std::numeric_limits<int32_t>::max()), "list too long");
    w.list_begin(Wire<T>::kType, static_cast<uint32_t>(v.size()));
    for (const auto& x : v) Wire<T>::write(w, x);
  }
};

// Reads one field into `out` if the wire type matches; false means "not taken" and the
// struct loop skips the value (as Thrift-generated code does for a type mismatch).
template <typename T>
bool field(CompactReader& r, const FieldHeader& h, T& out) {
  if (h.type != Wire<T>::kType) return false;
  Wire<T>::read(r, out);
  return true;
}
template <typename T>
bool field(CompactReader& r, const FieldHeader& h, std::optional<T>& out) {
  if (h.type != Wire<T>::kType) return false;
  Wire<T>::read(r, out.emplace());
  return true;
}

// Reads a struct, handing each field to `on_field`, which returns whether it took the
// value; untaken fields are skipped. Returns the set of taken field ids (ids 1..63).
template <typename F>
uint64_t read_struct(CompactReader& r, F&& on_field) {
  r.struct_begin();
  uint64_t seen = 0;
  FieldHeader h;
  while (r.read_field_header(h)) {
    if (on_field(h)) {
      if (h.id > 0 && h.id < 64) seen |= uint64_t{1} << h.id;
    } else {
      r.skip(h.type);
    }
  }
  r.struct_end();
  return seen;
}

void require(uint64_t seen, int id, std::string_view field_name, std::string_view struct_name) {
  FLOE_CORRUPT_IF(!((seen >> id) & 1), "missing required field {} in {}", field_name,
                  struct_name);
}

void check_non_negative(int64_t v, std::string_view field_name, std::string_view struct_name) {
  FLOE_CORRUPT_IF(v < 0, "negative {} ({}) in {}", field_name, v, struct_name);
}
template <typename T>
void check_non_negative(const std::optional<T>& v, std::string_view field_name,
                        std::string_view struct_name) {
  if (v) check_non_negative(int64_t(*v), field_name, struct_name);
}

template <typename T>
void put(CompactWriter& w, int16_t id, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    w.write_bool_field(id, v);
  } else {
    w.field_begin(Wire<T>::kType, id);
    Wire<T>::write(w, v);
  }
}
template <typename T>
void put(CompactWriter& w, int16_t id, const std::optional<T>& v) {
  if (v) put(w, id, *v);
}

// An empty struct as a union member (or an unknown member whose content floe drops).
void put_empty_struct(CompactWriter& w, int16_t id) {
  w.field_begin(CompactType::kStruct, id);
  w.struct_begin();
  w.struct_end();
}

// Reads a union whose members are all structs and returns the id of its one member; the
// member's content is skipped. Empty unions and unions with two members are corrupt.
int16_t read_union_member_id(CompactReader& r, std::string_view union_name) {
  bool found = false;
  int16_t id = 0;
  read_struct(r, [&](const FieldHeader& h) {
    FLOE_CORRUPT_IF(found, "union {} has more than one member", union_name);
    FLOE_CORRUPT_IF(h.type != CompactType::kStruct, "union {} member {} is a {}, not a struct",
                    union_name, h.id, compact_type_name(h.type));
    found = true;
    id = h.id;
    return false;
  });
  FLOE_CORRUPT_IF(!found, "union {} has no member", union_name);
  return id;
}

void write_union_member_id(CompactWriter& w, int16_t id) {
  w.struct_begin();
  put_empty_struct(w, id);
  w.struct_end();
}

// ---------------------------------------------------------------------------------------
// Statistics

void read_value(CompactReader& r, Statistics& v) {
  read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.max);
      case 2: return field(r, h, v.min);
      case 3: return field(r, h, v.null_count);
      case 4: return field(r, h, v.distinct_count);
      case 5: return field(r, h, v.max_value);
      case 6: return field(r, h, v.min_value);
      case 7: return field(r, h, v.is_max_value_exact);
      case 8: return field(r, h, v.is_min_value_exact);
      case 9: return field(r, h, v.nan_count);
      default: return false;
    }
  });
}

void write_value(CompactWriter& w, const Statistics& v) {
  w.struct_begin();
  put(w, 1, v.max);
  put(w, 2, v.min);
  put(w, 3, v.null_count);
  put(w, 4, v.distinct_count);
  put(w, 5, v.max_value);
  put(w, 6, v.min_value);
  put(w, 7, v.is_max_value_exact);
  put(w, 8, v.is_min_value_exact);
  put(w, 9, v.nan_count);
  w.struct_end();
}

// ---------------------------------------------------------------------------------------
// LogicalType

using LtKind = LogicalType::Kind;

// TimeType and TimestampType share their layout. Returns false when the unit is a
// TimeUnit member floe does not know.
bool read_time_type(CompactReader& r, LogicalType& v) {
  int16_t unit = 0;
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.is_adjusted_to_utc);
      case 2:
        if (h.type != CompactType::kStruct) return false;
        unit = read_union_member_id(r, "TimeUnit");
        return true;
      default: return false;
    }
  });
  require(seen, 1, "isAdjustedToUTC", "TimeType");
  require(seen, 2, "unit", "TimeType");
  if (unit < 1 || unit > 3) return false;
  v.unit = static_cast<TimeUnit>(unit);
  return true;
}

void read_value(CompactReader& r, LogicalType& v) {
  v = LogicalType{};
  bool found = false;
  read_struct(r, [&](const FieldHeader& h) {
    FLOE_CORRUPT_IF(found, "union LogicalType has more than one member");
    found = true;
    auto unrecognized = [&] {
      v.kind = LtKind::kUnrecognized;
      v.unrecognized_id = h.id;
      return false;  // skip its content
    };
    if (h.type != CompactType::kStruct) return unrecognized();
    switch (h.id) {
      case 1: case 2: case 3: case 4: case 6: case 11: case 12: case 13: case 14: case 15:
        v.kind = static_cast<LtKind>(h.id);
        return false;  // empty structs: skipping tolerates fields added later
      case 5: {
        v.kind = LtKind::kDecimal;
        uint64_t seen = read_struct(r, [&](const FieldHeader& f) {
          switch (f.id) {
            case 1: return field(r, f, v.scale);
            case 2: return field(r, f, v.precision);
            default: return false;
          }
        });
        require(seen, 1, "scale", "DecimalType");
        require(seen, 2, "precision", "DecimalType");
        return true;
      }
      case 7:
      case 8:
        v.kind = static_cast<LtKind>(h.id);
        if (!read_time_type(r, v)) {
          // A newer time unit: the whole annotation is unknown to floe.
          v = LogicalType{};
          v.unrecognized_id = h.id;
        }
        return true;
      case 10: {
        v.kind = LtKind::kInteger;
        uint64_t seen = read_struct(r, [&](const FieldHeader& f) {
          switch (f.id) {
            case 1: return field(r, f, v.bit_width);
            case 2: return field(r, f, v.is_signed);
            default: return false;
          }
        });
        require(seen, 1, "bitWidth", "IntType");
        require(seen, 2, "isSigned", "IntType");
        return true;
      }
      case 16:
        v.kind = LtKind::kVariant;
        read_struct(r, [&](const FieldHeader& f) {
          return f.id == 1 && field(r, f, v.specification_version);
        });
        return true;
      case 17:
      case 18:
        v.kind = static_cast<LtKind>(h.id);
        read_struct(r, [&](const FieldHeader& f) {
          switch (f.id) {
            case 1: return field(r, f, v.crs);
            case 2: return h.id == 18 && field(r, f, v.algorithm);
            default: return false;
          }
        });
        return true;
      default:
        return unrecognized();
    }
  });
  // An empty union reads as unrecognized (id 0) rather than failing the whole footer.
}

void write_value(CompactWriter& w, const LogicalType& v) {
  w.struct_begin();
  switch (v.kind) {
    case LtKind::kUnrecognized:
      // Only the member id survives; its content was never read.
      if (v.unrecognized_id != 0) put_empty_struct(w, v.unrecognized_id);
      break;
    case LtKind::kDecimal:
      w.field_begin(CompactType::kStruct, 5);
      w.struct_begin();
      put(w, 1, v.scale);
      put(w, 2, v.precision);
      w.struct_end();
      break;
    case LtKind::kTime:
    case LtKind::kTimestamp:
      w.field_begin(CompactType::kStruct, static_cast<int16_t>(v.kind));
      w.struct_begin();
      put(w, 1, v.is_adjusted_to_utc);
      w.field_begin(CompactType::kStruct, 2);
      write_union_member_id(w, static_cast<int16_t>(v.unit));
      w.struct_end();
      break;
    case LtKind::kInteger:
      w.field_begin(CompactType::kStruct, 10);
      w.struct_begin();
      put(w, 1, v.bit_width);
      put(w, 2, v.is_signed);
      w.struct_end();
      break;
    case LtKind::kVariant:
      w.field_begin(CompactType::kStruct, 16);
      w.struct_begin();
      put(w, 1, v.specification_version);
      w.struct_end();
      break;
    case LtKind::kGeometry:
    case LtKind::kGeography:
      w.field_begin(CompactType::kStruct, static_cast<int16_t>(v.kind));
      w.struct_begin();
      put(w, 1, v.crs);
      if (v.kind == LtKind::kGeography) put(w, 2, v.algorithm);
      w.struct_end();
      break;
    default:  // the members that are empty structs
      put_empty_struct(w, static_cast<int16_t>(v.kind));
      break;
  }
  w.struct_end();
}

// ---------------------------------------------------------------------------------------
// Schema

void read_value(CompactReader& r, SchemaElement& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.type);
      case 2: return field(r, h, v.type_length);
      case 3: return field(r, h, v.repetition_type);
      case 4: return field(r, h, v.name);
      case 5: return field(r, h, v.num_children);
      case 6: return field(r, h, v.converted_type);
      case 7: return field(r, h, v.scale);
      case 8: return field(r, h, v.precision);
      case 9: return field(r, h, v.field_id);
      case 10: return field(r, h, v.logical_type);
      case 11: return field(r, h, v.vector_length);
      default: return false;
    }
  });
  require(seen, 4, "name", "SchemaElement");
  check_non_negative(v.num_children, "num_children", "SchemaElement");
}

void write_value(CompactWriter& w, const SchemaElement& v) {
  w.struct_begin();
  put(w, 1, v.type);
  put(w, 2, v.type_length);
  put(w, 3, v.repetition_type);
  put(w, 4, v.name);
  put(w, 5, v.num_children);
  put(w, 6, v.converted_type);
  put(w, 7, v.scale);
  put(w, 8, v.precision);
  put(w, 9, v.field_id);
  put(w, 10, v.logical_type);
  put(w, 11, v.vector_length);
  w.struct_end();
}

// ---------------------------------------------------------------------------------------
// Page headers

void read_value(CompactReader& r, DataPageHeader& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.num_values);
      case 2: return field(r, h, v.encoding);
      case 3: return field(r, h, v.definition_level_encoding);
      case 4: return field(r, h, v.repetition_level_encoding);
      case 5: return field(r, h, v.statistics);
      default: return false;
    }
  });
  require(seen, 1, "num_values", "DataPageHeader");
  require(seen, 2, "encoding", "DataPageHeader");
  require(seen, 3, "definition_level_encoding", "DataPageHeader");
  require(seen, 4, "repetition_level_encoding", "DataPageHeader");
  check_non_negative(v.num_values, "num_values", "DataPageHeader");
}

void write_value(CompactWriter& w, const DataPageHeader& v) {
  w.struct_begin();
  put(w, 1, v.num_values);
  put(w, 2, v.encoding);
  put(w, 3, v.definition_level_encoding);
  put(w, 4, v.repetition_level_encoding);
  put(w, 5, v.statistics);
  w.struct_end();
}

void read_value(CompactReader& r, IndexPageHeader&) {
  read_struct(r, [](const FieldHeader&) { return false; });
}

void write_value(CompactWriter& w, const IndexPageHeader&) {
  w.struct_begin();
  w.struct_end();
}

void read_value(CompactReader& r, DictionaryPageHeader& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.num_values);
      case 2: return field(r, h, v.encoding);
      case 3: return field(r, h, v.is_sorted);
      default: return false;
    }
  });
  require(seen, 1, "num_values", "DictionaryPageHeader");
  require(seen, 2, "encoding", "DictionaryPageHeader");
  check_non_negative(v.num_values, "num_values", "DictionaryPageHeader");
}

void write_value(CompactWriter& w, const DictionaryPageHeader& v) {
  w.struct_begin();
  put(w, 1, v.num_values);
  put(w, 2, v.encoding);
  put(w, 3, v.is_sorted);
  w.struct_end();
}

void read_value(CompactReader& r, DataPageHeaderV2& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.num_values);
      case 2: return field(r, h, v.num_nulls);
      case 3: return field(r, h, v.num_rows);
      case 4: return field(r, h, v.encoding);
      case 5: return field(r, h, v.definition_levels_byte_length);
      case 6: return field(r, h, v.repetition_levels_byte_length);
      case 7: return field(r, h, v.is_compressed);
      case 8: return field(r, h, v.statistics);
      default: return false;
    }
  });
  constexpr std::string_view kName = "DataPageHeaderV2";
  require(seen, 1, "num_values", kName);
  require(seen, 2, "num_nulls", kName);
  require(seen, 3, "num_rows", kName);
  require(seen, 4, "encoding", kName);
  require(seen, 5, "definition_levels_byte_length", kName);
  require(seen, 6, "repetition_levels_byte_length", kName);
  check_non_negative(v.num_values, "num_values", kName);
  check_non_negative(v.num_nulls, "num_nulls", kName);
  check_non_negative(v.num_rows, "num_rows", kName);
  check_non_negative(v.definition_levels_byte_length, "definition_levels_byte_length", kName);
  check_non_negative(v.repetition_levels_byte_length, "repetition_levels_byte_length", kName);
}

void write_value(CompactWriter& w, const DataPageHeaderV2& v) {
  w.struct_begin();
  put(w, 1, v.num_values);
  put(w, 2, v.num_nulls);
  put(w, 3, v.num_rows);
  put(w, 4, v.encoding);
  put(w, 5, v.definition_levels_byte_length);
  put(w, 6, v.repetition_levels_byte_length);
  put(w, 7, v.is_compressed);
  put(w, 8, v.statistics);
  w.struct_end();
}

void read_value(CompactReader& r, PageHeader& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.type);
      case 2: return field(r, h, v.uncompressed_page_size);
      case 3: return field(r, h, v.compressed_page_size);
      case 4: return field(r, h, v.crc);
      case 5: return field(r, h, v.data_page_header);
      case 6: return field(r, h, v.index_page_header);
      case 7: return field(r, h, v.dictionary_page_header);
      case 8: return field(r, h, v.data_page_header_v2);
      default: return false;
    }
  });
  require(seen, 1, "type", "PageHeader");
  require(seen, 2, "uncompressed_page_size", "PageHeader");
  require(seen, 3, "compressed_page_size", "PageHeader");
  check_non_negative(v.uncompressed_page_size, "uncompressed_page_size", "PageHeader");
  check_non_negative(v.compressed_page_size, "compressed_page_size", "PageHeader");
  bool has_sub_header = true;
  std::string_view sub_header;
  switch (v.type) {
    case PageType::kDataPage:
      has_sub_header = v.data_page_header.has_value();
      sub_header = "data_page_header";
      break;
    case PageType::kDictionaryPage:
      has_sub_header = v.dictionary_page_header.has_value();
      sub_header = "dictionary_page_header";
      break;
    case PageType::kDataPageV2:
      has_sub_header = v.data_page_header_v2.has_value();
      sub_header = "data_page_header_v2";
      break;
    default:  // index pages have an empty header; unknown types are the caller's call
      break;
  }
  FLOE_CORRUPT_IF(!has_sub_header, "missing required field {} in PageHeader of type {}",
                  sub_header, page_type_name(v.type));
}

void write_value(CompactWriter& w, const PageHeader& v) {
  w.struct_begin();
  put(w, 1, v.type);
  put(w, 2, v.uncompressed_page_size);
  put(w, 3, v.compressed_page_size);
  put(w, 4, v.crc);
  put(w, 5, v.data_page_header);
  put(w, 6, v.index_page_header);
  put(w, 7, v.dictionary_page_header);
  put(w, 8, v.data_page_header_v2);
  w.struct_end();
}

// ---------------------------------------------------------------------------------------
// Column chunks and row groups

void read_value(CompactReader& r, KeyValue& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.key);
      case 2: return field(r, h, v.value);
      default: return false;
    }
  });
  require(seen, 1, "key", "KeyValue");
}

void write_value(CompactWriter& w, const KeyValue& v) {
  w.struct_begin();
  put(w, 1, v.key);
  put(w, 2, v.value);
  w.struct_end();
}

void read_value(CompactReader& r, SortingColumn& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.column_idx);
      case 2: return field(r, h, v.descending);
      case 3: return field(r, h, v.nulls_first);
      default: return false;
    }
  });
  require(seen, 1, "column_idx", "SortingColumn");
  require(seen, 2, "descending", "SortingColumn");
  require(seen, 3, "nulls_first", "SortingColumn");
  check_non_negative(v.column_idx, "column_idx", "SortingColumn");
}

void write_value(CompactWriter& w, const SortingColumn& v) {
  w.struct_begin();
  put(w, 1, v.column_idx);
  put(w, 2, v.descending);
  put(w, 3, v.nulls_first);
  w.struct_end();
}

void read_value(CompactReader& r, PageEncodingStats& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.page_type);
      case 2: return field(r, h, v.encoding);
      case 3: return field(r, h, v.count);
      default: return false;
    }
  });
  require(seen, 1, "page_type", "PageEncodingStats");
  require(seen, 2, "encoding", "PageEncodingStats");
  require(seen, 3, "count", "PageEncodingStats");
  check_non_negative(v.count, "count", "PageEncodingStats");
}

void write_value(CompactWriter& w, const PageEncodingStats& v) {
  w.struct_begin();
  put(w, 1, v.page_type);
  put(w, 2, v.encoding);
  put(w, 3, v.count);
  w.struct_end();
}

void read_value(CompactReader& r, ColumnMetaData& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.type);
      case 2: return field(r, h, v.encodings);
      case 3: return field(r, h, v.path_in_schema);
      case 4: return field(r, h, v.codec);
      case 5: return field(r, h, v.num_values);
      case 6: return field(r, h, v.total_uncompressed_size);
      case 7: return field(r, h, v.total_compressed_size);
      case 8: return field(r, h, v.key_value_metadata);
      case 9: return field(r, h, v.data_page_offset);
      case 10: return field(r, h, v.index_page_offset);
      case 11: return field(r, h, v.dictionary_page_offset);
      case 12: return field(r, h, v.statistics);
      case 13: return field(r, h, v.encoding_stats);
      case 14: return field(r, h, v.bloom_filter_offset);
      case 15: return field(r, h, v.bloom_filter_length);
      default: return false;  // 16 size_statistics, 17 geospatial_statistics
    }
  });
  constexpr std::string_view kName = "ColumnMetaData";
  require(seen, 1, "type", kName);
  require(seen, 2, "encodings", kName);
  require(seen, 3, "path_in_schema", kName);
  require(seen, 4, "codec", kName);
  require(seen, 5, "num_values", kName);
  require(seen, 6, "total_uncompressed_size", kName);
  require(seen, 7, "total_compressed_size", kName);
  require(seen, 9, "data_page_offset", kName);
  check_non_negative(v.num_values, "num_values", kName);
  check_non_negative(v.total_uncompressed_size, "total_uncompressed_size", kName);
  check_non_negative(v.total_compressed_size, "total_compressed_size", kName);
  check_non_negative(v.data_page_offset, "data_page_offset", kName);
  check_non_negative(v.index_page_offset, "index_page_offset", kName);
  check_non_negative(v.dictionary_page_offset, "dictionary_page_offset", kName);
  check_non_negative(v.bloom_filter_offset, "bloom_filter_offset", kName);
  check_non_negative(v.bloom_filter_length, "bloom_filter_length", kName);
}

void write_value(CompactWriter& w, const ColumnMetaData& v) {
  w.struct_begin();
  put(w, 1, v.type);
  put(w, 2, v.encodings);
  put(w, 3, v.path_in_schema);
  put(w, 4, v.codec);
  put(w, 5, v.num_values);
  put(w, 6, v.total_uncompressed_size);
  put(w, 7, v.total_compressed_size);
  put(w, 8, v.key_value_metadata);
  put(w, 9, v.data_page_offset);
  put(w, 10, v.index_page_offset);
  put(w, 11, v.dictionary_page_offset);
  put(w, 12, v.statistics);
  put(w, 13, v.encoding_stats);
  put(w, 14, v.bloom_filter_offset);
  put(w, 15, v.bloom_filter_length);
  w.struct_end();
}

void read_value(CompactReader& r, ColumnChunk& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.file_path);
      case 2: return field(r, h, v.file_offset);
      case 3: return field(r, h, v.meta_data);
      case 4: return field(r, h, v.offset_index_offset);
      case 5: return field(r, h, v.offset_index_length);
      case 6: return field(r, h, v.column_index_offset);
      case 7: return field(r, h, v.column_index_length);
      case 8:  // crypto_metadata; content skipped
        v.encrypted = v.encrypted || h.type == CompactType::kStruct;
        return false;
      case 9:  // encrypted_column_metadata
        v.encrypted = v.encrypted || h.type == CompactType::kBinary;
        return false;
      default: return false;
    }
  });
  constexpr std::string_view kName = "ColumnChunk";
  require(seen, 2, "file_offset", kName);
  check_non_negative(v.offset_index_offset, "offset_index_offset", kName);
  check_non_negative(v.offset_index_length, "offset_index_length", kName);
  check_non_negative(v.column_index_offset, "column_index_offset", kName);
  check_non_negative(v.column_index_length, "column_index_length", kName);
}

void write_value(CompactWriter& w, const ColumnChunk& v) {
  if (v.encrypted) throw UnsupportedError("writing metadata of an encrypted column chunk");
  w.struct_begin();
  put(w, 1, v.file_path);
  put(w, 2, v.file_offset);
  put(w, 3, v.meta_data);
  put(w, 4, v.offset_index_offset);
  put(w, 5, v.offset_index_length);
  put(w, 6, v.column_index_offset);
  put(w, 7, v.column_index_length);
  w.struct_end();
}

void read_value(CompactReader& r, RowGroup& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.columns);
      case 2: return field(r, h, v.total_byte_size);
      case 3: return field(r, h, v.num_rows);
      case 4: return field(r, h, v.sorting_columns);
      case 5: return field(r, h, v.file_offset);
      case 6: return field(r, h, v.total_compressed_size);
      case 7: return field(r, h, v.ordinal);
      default: return false;
    }
  });
  require(seen, 1, "columns", "RowGroup");
  require(seen, 2, "total_byte_size", "RowGroup");
  require(seen, 3, "num_rows", "RowGroup");
  check_non_negative(v.total_byte_size, "total_byte_size", "RowGroup");
  check_non_negative(v.num_rows, "num_rows", "RowGroup");
}

void write_value(CompactWriter& w, const RowGroup& v) {
  w.struct_begin();
  put(w, 1, v.columns);
  put(w, 2, v.total_byte_size);
  put(w, 3, v.num_rows);
  put(w, 4, v.sorting_columns);
  put(w, 5, v.file_offset);
  put(w, 6, v.total_compressed_size);
  put(w, 7, v.ordinal);
  w.struct_end();
}

// ---------------------------------------------------------------------------------------
// File metadata

void read_value(CompactReader& r, ColumnOrder& v) {
  v.kind = static_cast<ColumnOrder::Kind>(read_union_member_id(r, "ColumnOrder"));
}

void write_value(CompactWriter& w, const ColumnOrder& v) {
  write_union_member_id(w, static_cast<int16_t>(v.kind));
}

void read_value(CompactReader& r, FileMetaData& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.version);
      case 2: return field(r, h, v.schema);
      case 3: return field(r, h, v.num_rows);
      case 4: return field(r, h, v.row_groups);
      case 5: return field(r, h, v.key_value_metadata);
      case 6: return field(r, h, v.created_by);
      case 7: return field(r, h, v.column_orders);
      case 8:  // encryption_algorithm; content skipped
        v.has_encryption_algorithm = v.has_encryption_algorithm || h.type == CompactType::kStruct;
        return false;
      case 9:  // footer_signing_key_metadata
        v.has_footer_signing_key_metadata =
            v.has_footer_signing_key_metadata || h.type == CompactType::kBinary;
        return false;
      default: return false;
    }
  });
  require(seen, 1, "version", "FileMetaData");
  require(seen, 2, "schema", "FileMetaData");
  require(seen, 3, "num_rows", "FileMetaData");
  require(seen, 4, "row_groups", "FileMetaData");
  check_non_negative(v.num_rows, "num_rows", "FileMetaData");
  FLOE_CORRUPT_IF(v.schema.empty(), "empty schema in FileMetaData (the root is missing)");
}

void write_value(CompactWriter& w, const FileMetaData& v) {
  if (v.has_encryption_algorithm || v.has_footer_signing_key_metadata)
    throw UnsupportedError("writing the footer of an encrypted file");
  w.struct_begin();
  put(w, 1, v.version);
  put(w, 2, v.schema);
  put(w, 3, v.num_rows);
  put(w, 4, v.row_groups);
  put(w, 5, v.key_value_metadata);
  put(w, 6, v.created_by);
  put(w, 7, v.column_orders);
  w.struct_end();
}

// ---------------------------------------------------------------------------------------
// Page index

void read_value(CompactReader& r, PageLocation& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.offset);
      case 2: return field(r, h, v.compressed_page_size);
      case 3: return field(r, h, v.first_row_index);
      default: return false;
    }
  });
  require(seen, 1, "offset", "PageLocation");
  require(seen, 2, "compressed_page_size", "PageLocation");
  require(seen, 3, "first_row_index", "PageLocation");
  check_non_negative(v.offset, "offset", "PageLocation");
  check_non_negative(v.compressed_page_size, "compressed_page_size", "PageLocation");
  check_non_negative(v.first_row_index, "first_row_index", "PageLocation");
}

void write_value(CompactWriter& w, const PageLocation& v) {
  w.struct_begin();
  put(w, 1, v.offset);
  put(w, 2, v.compressed_page_size);
  put(w, 3, v.first_row_index);
  w.struct_end();
}

void read_value(CompactReader& r, OffsetIndex& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.page_locations);
      case 2: return field(r, h, v.unencoded_byte_array_data_bytes);
      default: return false;
    }
  });
  require(seen, 1, "page_locations", "OffsetIndex");
}

void write_value(CompactWriter& w, const OffsetIndex& v) {
  w.struct_begin();
  put(w, 1, v.page_locations);
  put(w, 2, v.unencoded_byte_array_data_bytes);
  w.struct_end();
}

void read_value(CompactReader& r, ColumnIndex& v) {
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.null_pages);
      case 2: return field(r, h, v.min_values);
      case 3: return field(r, h, v.max_values);
      case 4: return field(r, h, v.boundary_order);
      case 5: return field(r, h, v.null_counts);
      case 6: return field(r, h, v.repetition_level_histograms);
      case 7: return field(r, h, v.definition_level_histograms);
      case 8: return field(r, h, v.nan_counts);
      default: return false;
    }
  });
  require(seen, 1, "null_pages", "ColumnIndex");
  require(seen, 2, "min_values", "ColumnIndex");
  require(seen, 3, "max_values", "ColumnIndex");
  require(seen, 4, "boundary_order", "ColumnIndex");
  // Entry i of every per-page list describes page i.
  size_t pages = v.null_pages.size();
  auto check_pages = [&](size_t n, std::string_view name) {
    FLOE_CORRUPT_IF(n != pages, "ColumnIndex has {} {} for {} pages", n, name, pages);
  };
  check_pages(v.min_values.size(), "min_values");
  check_pages(v.max_values.size(), "max_values");
  if (v.null_counts) check_pages(v.null_counts->size(), "null_counts");
  if (v.nan_counts) check_pages(v.nan_counts->size(), "nan_counts");
}

void write_value(CompactWriter& w, const ColumnIndex& v) {
  w.struct_begin();
  put(w, 1, v.null_pages);
  put(w, 2, v.min_values);
  put(w, 3, v.max_values);
  put(w, 4, v.boundary_order);
  put(w, 5, v.null_counts);
  put(w, 6, v.repetition_level_histograms);
  put(w, 7, v.definition_level_histograms);
  put(w, 8, v.nan_counts);
  w.struct_end();
}

// ---------------------------------------------------------------------------------------
// Bloom filter header

void read_value(CompactReader& r, BloomFilterHeader& v) {
  auto member = [&](const FieldHeader& h, auto& out, std::string_view union_name) {
    if (h.type != CompactType::kStruct) return false;
    out = static_cast<std::remove_reference_t<decltype(out)>>(
        read_union_member_id(r, union_name));
    return true;
  };
  uint64_t seen = read_struct(r, [&](const FieldHeader& h) {
    switch (h.id) {
      case 1: return field(r, h, v.num_bytes);
      case 2: return member(h, v.algorithm, "BloomFilterAlgorithm");
      case 3: return member(h, v.hash, "BloomFilterHash");
      case 4: return member(h, v.compression, "BloomFilterCompression");
      default: return false;
    }
  });
  require(seen, 1, "numBytes", "BloomFilterHeader");
  require(seen, 2, "algorithm", "BloomFilterHeader");
  require(seen, 3, "hash", "BloomFilterHeader");
  require(seen, 4, "compression", "BloomFilterHeader");
  check_non_negative(v.num_bytes, "numBytes", "BloomFilterHeader");
}

void write_value(CompactWriter& w, const BloomFilterHeader& v) {
  w.struct_begin();
  put(w, 1, v.num_bytes);
  w.field_begin(CompactType::kStruct, 2);
  write_union_member_id(w, static_cast<int16_t>(v.algorithm));
  w.field_begin(CompactType::kStruct, 3);
  write_union_member_id(w, static_cast<int16_t>(v.hash));
  w.field_begin(CompactType::kStruct, 4);
  write_union_member_id(w, static_cast<int16_t>(v.compression));
  w.struct_end();
}

template <typename T>
T read_top_level(ByteReader& in) {
  CompactReader r(in);
  T v;
  read_value(r, v);
  return v;
}

template <typename T>
void write_top_level(const T& v, Buffer& out) {
  CompactWriter w(out);
  write_value(w, v);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Public entry points

FileMetaData read_file_metadata(std::span<const uint8_t> bytes) {
  ByteReader in(bytes, "parquet footer");
  return read_top_level<FileMetaData>(in);
}
void write_file_metadata(const FileMetaData& v, Buffer& out) { write_top_level(v, out); }

PageHeader read_page_header(ByteReader& in) { return read_top_level<PageHeader>(in); }
void write_page_header(const PageHeader& v, Buffer& out) { write_top_level(v, out); }

BloomFilterHeader read_bloom_filter_header(ByteReader& in) {
  return read_top_level<BloomFilterHeader>(in);
}
void write_bloom_filter_header(const BloomFilterHeader& v, Buffer& out) {
  write_top_level(v, out);
}

ColumnIndex read_column_index(std::span<const uint8_t> bytes) {
  ByteReader in(bytes, "parquet column index");
  return read_top_level<ColumnIndex>(in);
}
void write_column_index(const ColumnIndex& v, Buffer& out) { write_top_level(v, out); }

OffsetIndex read_offset_index(std::span<const uint8_t> bytes) {
  ByteReader in(bytes, "parquet offset index");
  return read_top_level<OffsetIndex>(in);
}
void write_offset_index(const OffsetIndex& v, Buffer& out) { write_top_level(v, out); }

}  // namespace floe::parquet
