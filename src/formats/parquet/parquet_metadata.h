// Parquet metadata: plain C++ mirrors of parquet.thrift's structs (footer, page headers,
// page index, bloom filter header) with spec field names, and their validating readers
// and writers over floe's Thrift compact protocol. Layer: formats/parquet.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/buffer.h"
#include "base/bytes.h"

namespace floe::parquet {

// ---------------------------------------------------------------------------------------
// Enums. Values equal the spec's. Readers reject negative values everywhere, and values
// past the last known one for the closed enums (Type, ConvertedType, FieldRepetitionType,
// BoundaryOrder). Encoding, CompressionCodec, PageType and EdgeInterpolationAlgorithm may
// grow, so readers keep unknown non-negative values and leave the decision to the user.

enum class Type : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

enum class FieldRepetitionType : int32_t {
  kRequired = 0,
  kOptional = 1,
  kRepeated = 2,
  kVector = 3,  // fixed-size vector group; see SchemaElement::vector_length
};

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,  // deprecated "Hadoop" LZ4 framing
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

enum class BoundaryOrder : int32_t {
  kUnordered = 0,
  kAscending = 1,
  kDescending = 2,
};

enum class EdgeInterpolationAlgorithm : int32_t {
  kSpherical = 0,
  kVincenty = 1,
  kThomas = 2,
  kAndoyer = 3,
  kKarney = 4,
};

// Spec names ("INT32", "RLE_DICTIONARY", ...), or "unknown" for values floe does not know.
std::string_view type_name(Type v);
std::string_view converted_type_name(ConvertedType v);
std::string_view repetition_name(FieldRepetitionType v);
std::string_view encoding_name(Encoding v);
std::string_view codec_name(CompressionCodec v);
std::string_view page_type_name(PageType v);

// ---------------------------------------------------------------------------------------
// Structs

struct Statistics {
  std::optional<std::string> max;  // deprecated: signed-order max
  std::optional<std::string> min;  // deprecated: signed-order min
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
  std::optional<bool> is_max_value_exact;
  std::optional<bool> is_min_value_exact;
  std::optional<int64_t> nan_count;
  bool operator==(const Statistics&) const = default;
};

// The members of the TimeUnit union, numbered by their field ids.
enum class TimeUnit : int16_t { kMillis = 1, kMicros = 2, kNanos = 3 };

// The LogicalType union as a tagged struct: `kind` says which member is set and only
// that member's fields are meaningful (the others keep their defaults). A member floe
// does not know (a newer spec) reads as kUnrecognized with its field id kept, so a reader
// can fall back to the physical and converted type.
struct LogicalType {
  // Values are the union's field ids (9 is reserved for INTERVAL).
  enum class Kind : int16_t {
    kUnrecognized = 0,
    kString = 1,
    kMap = 2,
    kList = 3,
    kEnum = 4,
    kDecimal = 5,
    kDate = 6,
    kTime = 7,
    kTimestamp = 8,
    kInteger = 10,
    kUnknown = 11,  // the spec's NullType: always-null column
    kJson = 12,
    kBson = 13,
    kUuid = 14,
    kFloat16 = 15,
    kVariant = 16,
    kGeometry = 17,
    kGeography = 18,
  };

  Kind kind = Kind::kUnrecognized;
  int16_t unrecognized_id = 0;  // the union field id when kind == kUnrecognized
  // kDecimal
  int32_t scale = 0;
  int32_t precision = 0;
  // kTime, kTimestamp
  bool is_adjusted_to_utc = false;
  TimeUnit unit = TimeUnit::kMillis;
  // kInteger
  int8_t bit_width = 0;
  bool is_signed = false;
  // kVariant
  std::optional<int8_t> specification_version;
  // kGeometry, kGeography
  std::optional<std::string> crs;
  std::optional<EdgeInterpolationAlgorithm> algorithm;  // kGeography only

  static LogicalType of(Kind k) {
    LogicalType t;
    t.kind = k;
    return t;
  }
  static LogicalType decimal(int32_t scale, int32_t precision) {
    LogicalType t = of(Kind::kDecimal);
    t.scale = scale;
    t.precision = precision;
    return t;
  }
  static LogicalType time(bool is_adjusted_to_utc, TimeUnit unit) {
    LogicalType t = of(Kind::kTime);
    t.is_adjusted_to_utc = is_adjusted_to_utc;
    t.unit = unit;
    return t;
  }
  static LogicalType timestamp(bool is_adjusted_to_utc, TimeUnit unit) {
    LogicalType t = time(is_adjusted_to_utc, unit);
    t.kind = Kind::kTimestamp;
    return t;
  }
  static LogicalType integer(int8_t bit_width, bool is_signed) {
    LogicalType t = of(Kind::kInteger);
    t.bit_width = bit_width;
    t.is_signed = is_signed;
    return t;
  }

  bool operator==(const LogicalType&) const = default;
};

struct SchemaElement {
  std::optional<Type> type;  // set for leaves only
  std::optional<int32_t> type_length;
  std::optional<FieldRepetitionType> repetition_type;  // unset for the root
  std::string name;
  std::optional<int32_t> num_children;  // set for groups only
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;
  std::optional<LogicalType> logical_type;
  std::optional<int32_t> vector_length;  // for FieldRepetitionType::kVector
  bool operator==(const SchemaElement&) const = default;
};

struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
  std::optional<Statistics> statistics;
  bool operator==(const DataPageHeader&) const = default;
};

struct IndexPageHeader {  // the spec defines no fields for it
  bool operator==(const IndexPageHeader&) const = default;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  std::optional<bool> is_sorted;
  bool operator==(const DictionaryPageHeader&) const = default;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  std::optional<bool> is_compressed;  // absent means true
  std::optional<Statistics> statistics;
  bool operator==(const DataPageHeaderV2&) const = default;
};

// A page header as read: exactly the sub-header that `type` names is guaranteed to be
// set for DATA_PAGE, DICTIONARY_PAGE and DATA_PAGE_V2 (the reader checks it).
struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<int32_t> crc;
  std::optional<DataPageHeader> data_page_header;
  std::optional<IndexPageHeader> index_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;
  bool operator==(const PageHeader&) const = default;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
  bool operator==(const KeyValue&) const = default;
};

struct SortingColumn {
  int32_t column_idx = 0;
  bool descending = false;
  bool nulls_first = false;
  bool operator==(const SortingColumn&) const = default;
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;
  bool operator==(const PageEncodingStats&) const = default;
};

// size_statistics (16) and geospatial_statistics (17) are skipped on read.
struct ColumnMetaData {
  Type type = Type::kBoolean;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  CompressionCodec codec = CompressionCodec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  std::optional<std::vector<KeyValue>> key_value_metadata;
  int64_t data_page_offset = 0;
  std::optional<int64_t> index_page_offset;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::optional<std::vector<PageEncodingStats>> encoding_stats;
  std::optional<int64_t> bloom_filter_offset;
  std::optional<int32_t> bloom_filter_length;
  bool operator==(const ColumnMetaData&) const = default;
};

struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
  std::optional<int64_t> offset_index_offset;
  std::optional<int32_t> offset_index_length;
  std::optional<int64_t> column_index_offset;
  std::optional<int32_t> column_index_length;
  // crypto_metadata or encrypted_column_metadata was present: the column is encrypted.
  // floe neither decrypts nor writes encrypted columns.
  bool encrypted = false;
  bool operator==(const ColumnChunk&) const = default;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<std::vector<SortingColumn>> sorting_columns;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;
  bool operator==(const RowGroup&) const = default;
};

// The ColumnOrder union. Values are its field ids; a member floe does not know is kept
// as its id (and compares as none of these).
struct ColumnOrder {
  enum class Kind : int16_t { kTypeOrder = 1, kIeee754TotalOrder = 2, kInt96TimestampOrder = 3 };
  Kind kind = Kind::kTypeOrder;
  bool operator==(const ColumnOrder&) const = default;
};

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;  // depth-first, root first
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::optional<std::vector<KeyValue>> key_value_metadata;
  std::optional<std::string> created_by;
  std::optional<std::vector<ColumnOrder>> column_orders;
  // Plaintext footer of an encrypted file: only the presence of these is recorded.
  bool has_encryption_algorithm = false;
  bool has_footer_signing_key_metadata = false;
  bool operator==(const FileMetaData&) const = default;
};

struct PageLocation {
  int64_t offset = 0;
  int32_t compressed_page_size = 0;
  int64_t first_row_index = 0;
  bool operator==(const PageLocation&) const = default;
};

struct OffsetIndex {
  std::vector<PageLocation> page_locations;
  std::optional<std::vector<int64_t>> unencoded_byte_array_data_bytes;
  bool operator==(const OffsetIndex&) const = default;
};

struct ColumnIndex {
  std::vector<bool> null_pages;
  std::vector<std::string> min_values;
  std::vector<std::string> max_values;
  BoundaryOrder boundary_order = BoundaryOrder::kUnordered;
  std::optional<std::vector<int64_t>> null_counts;
  std::optional<std::vector<int64_t>> repetition_level_histograms;
  std::optional<std::vector<int64_t>> definition_level_histograms;
  std::optional<std::vector<int64_t>> nan_counts;
  bool operator==(const ColumnIndex&) const = default;
};

// The bloom filter unions have only empty-struct members; values are their field ids and
// a member floe does not know is kept as its id.
enum class BloomFilterAlgorithm : int16_t { kSplitBlock = 1 };
enum class BloomFilterHash : int16_t { kXxHash = 1 };
enum class BloomFilterCompression : int16_t { kUncompressed = 1 };

struct BloomFilterHeader {
  int32_t num_bytes = 0;
  BloomFilterAlgorithm algorithm = BloomFilterAlgorithm::kSplitBlock;
  BloomFilterHash hash = BloomFilterHash::kXxHash;
  BloomFilterCompression compression = BloomFilterCompression::kUncompressed;
  bool operator==(const BloomFilterHeader&) const = default;
};

// ---------------------------------------------------------------------------------------
// Reading and writing. Readers treat the bytes as untrusted: a missing required field, a
// negative count or size, an impossible enum value or malformed Thrift throws
// CorruptDataError; unknown fields are skipped. Writers append to `out`; they throw
// UnsupportedError for encrypted metadata, which floe cannot write.

// The serialized FileMetaData (the footer without its length and "PAR1" trailer).
FileMetaData read_file_metadata(std::span<const uint8_t> bytes);
void write_file_metadata(const FileMetaData& v, Buffer& out);

// Page and bloom filter headers are followed by their payload: these advance `in` past
// the header and leave it at the payload.
PageHeader read_page_header(ByteReader& in);
void write_page_header(const PageHeader& v, Buffer& out);
BloomFilterHeader read_bloom_filter_header(ByteReader& in);
void write_bloom_filter_header(const BloomFilterHeader& v, Buffer& out);

// The page index structs, each stored alone at the offset and length given by its
// ColumnChunk.
ColumnIndex read_column_index(std::span<const uint8_t> bytes);
void write_column_index(const ColumnIndex& v, Buffer& out);
OffsetIndex read_offset_index(std::span<const uint8_t> bytes);
void write_offset_index(const OffsetIndex& v, Buffer& out);

}  // namespace floe::parquet
