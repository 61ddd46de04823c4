// floe's logical types, fields and schemas: the vocabulary every layer above speaks.
// Layer: columnar. Maps one-to-one onto Arrow types (see arrow_c_data.h) and onto the
// Parquet and Iceberg types the formats layer reads and writes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace floe::columnar {

enum class TypeId : uint8_t {
  kNull,
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kDecimal,      // 128-bit two's complement unscaled value, precision 1..38
  kString,       // UTF-8, int32 offsets
  kBinary,       // bytes, int32 offsets
  kFixedBinary,  // `width` bytes per value
  kDate,         // int32 days since 1970-01-01
  kTime,         // int64 in `unit` since midnight
  kTimestamp,    // int64 in `unit` since the epoch, no time zone
  kTimestampTz,  // int64 in `unit` since the epoch, UTC
  kUuid,         // 16 bytes, big-endian as written
  kStruct,
  kList,
  kMap,  // list of struct<key, value>
};

enum class TimeUnit : uint8_t { kMilli, kMicro, kNano };

// 1000, 1000000 or 1000000000.
constexpr int64_t units_per_second(TimeUnit u) {
  return u == TimeUnit::kMilli ? 1000 : u == TimeUnit::kMicro ? 1000000 : 1000000000;
}

struct Field;

// A logical type. Nested types own their children as fields.
class DataType {
 public:
  DataType() = default;
  explicit DataType(TypeId id) : id_(id) {}

  static DataType decimal(int precision, int scale);
  static DataType fixed_binary(int width);
  static DataType time(TimeUnit unit = TimeUnit::kMicro);
  static DataType timestamp(TimeUnit unit = TimeUnit::kMicro);
  static DataType timestamp_tz(TimeUnit unit = TimeUnit::kMicro);
  static DataType struct_of(std::vector<Field> fields);
  static DataType list_of(Field element);
  static DataType map_of(Field key, Field value);

  TypeId id() const { return id_; }
  int precision() const { return precision_; }
  int scale() const { return scale_; }
  int width() const { return width_; }
  TimeUnit unit() const { return unit_; }
  const std::vector<Field>& children() const { return *children_; }
  bool is_nested() const {
    return id_ == TypeId::kStruct || id_ == TypeId::kList || id_ == TypeId::kMap;
  }
  bool is_variable_width() const { return id_ == TypeId::kString || id_ == TypeId::kBinary; }
  // Bytes per value in the data buffer for fixed-width types; 0 for others.
  int byte_width() const;

  // SQL-style name: BIGINT, DECIMAL(10,2), STRUCT(a INT, ...), LIST(VARCHAR) ...
  std::string to_string() const;
  bool operator==(const DataType& o) const;

 private:
  TypeId id_ = TypeId::kNull;
  uint8_t precision_ = 0;
  uint8_t scale_ = 0;
  TimeUnit unit_ = TimeUnit::kMicro;
  int32_t width_ = 0;
  std::shared_ptr<const std::vector<Field>> children_ = kNoChildren;

  static const std::shared_ptr<const std::vector<Field>> kNoChildren;
};

struct Field {
  std::string name;
  DataType type;
  bool nullable = true;
  std::optional<int32_t> field_id;  // Parquet/Iceberg field id when known

  Field() = default;
  Field(std::string n, DataType t, bool null_ok = true, std::optional<int32_t> id = std::nullopt)
      : name(std::move(n)), type(std::move(t)), nullable(null_ok), field_id(id) {}
  bool operator==(const Field& o) const {
    return name == o.name && type == o.type && nullable == o.nullable && field_id == o.field_id;
  }
};

struct Schema {
  std::vector<Field> fields;
  std::vector<std::pair<std::string, std::string>> metadata;

  int find(std::string_view name) const;  // index or -1
  std::string to_string() const;          // one "name TYPE [NOT NULL]" line per field
};

}  // namespace floe::columnar
