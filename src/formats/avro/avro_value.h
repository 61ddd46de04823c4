// AvroValue: one generic Avro datum (null, boolean, int, long, float, double, bytes or
// string or fixed or enum symbol, array, map, record, union branch), and the Avro binary
// encoding of data, including reading with a reader schema that differs from the writer's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/buffer.h"
#include "base/bytes.h"
#include "formats/avro/avro_schema.h"

namespace floe::avro {

class AvroValue;

struct AvroRecord {
  AvroSchemaPtr schema;            // the record schema (may be null for hand-built values)
  std::vector<AvroValue> fields;   // in schema order
  // The value of the field called `name` (needs schema), or nullptr.
  const AvroValue* field(std::string_view name) const;
};

struct AvroUnion {
  size_t branch = 0;
  std::vector<AvroValue> value;  // exactly one element (indirection for the recursive type)
};

using AvroArray = std::vector<AvroValue>;
using AvroMap = std::vector<std::pair<std::string, AvroValue>>;

class AvroValue {
 public:
  using Variant = std::variant<std::monostate, bool, int32_t, int64_t, float, double, std::string,
                               AvroArray, AvroMap, AvroRecord, AvroUnion>;

  AvroValue() = default;
  AvroValue(std::nullptr_t) {}
  AvroValue(bool v) : v_(v) {}
  AvroValue(int32_t v) : v_(v) {}
  AvroValue(int64_t v) : v_(v) {}
  AvroValue(float v) : v_(v) {}
  AvroValue(double v) : v_(v) {}
  AvroValue(std::string v) : v_(std::move(v)) {}
  AvroValue(const char* v) : v_(std::string(v)) {}
  AvroValue(AvroArray v) : v_(std::move(v)) {}
  AvroValue(AvroMap v) : v_(std::move(v)) {}
  AvroValue(AvroRecord v) : v_(std::move(v)) {}
  AvroValue(AvroUnion v) : v_(std::move(v)) {}

  static AvroValue make_union(size_t branch, AvroValue value);
  static AvroValue make_record(AvroSchemaPtr schema, std::vector<AvroValue> fields);

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  bool is_bool() const { return std::holds_alternative<bool>(v_); }
  bool is_int() const { return std::holds_alternative<int32_t>(v_); }
  bool is_long() const { return std::holds_alternative<int64_t>(v_); }
  bool is_float() const { return std::holds_alternative<float>(v_); }
  bool is_double() const { return std::holds_alternative<double>(v_); }
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  bool is_array() const { return std::holds_alternative<AvroArray>(v_); }
  bool is_map() const { return std::holds_alternative<AvroMap>(v_); }
  bool is_record() const { return std::holds_alternative<AvroRecord>(v_); }
  bool is_union() const { return std::holds_alternative<AvroUnion>(v_); }

  // Accessors throw InvalidInputError when the value holds another alternative.
  bool as_bool() const { return get<bool>("boolean"); }
  int32_t as_int() const { return get<int32_t>("int"); }
  int64_t as_long() const { return get<int64_t>("long"); }
  float as_float() const { return get<float>("float"); }
  double as_double() const { return get<double>("double"); }
  const std::string& as_string() const { return get<std::string>("string"); }
  const AvroArray& as_array() const { return get<AvroArray>("array"); }
  const AvroMap& as_map() const { return get<AvroMap>("map"); }
  const AvroRecord& as_record() const { return get<AvroRecord>("record"); }
  const AvroUnion& as_union() const { return get<AvroUnion>("union"); }
  AvroArray& as_array() { return get<AvroArray>("array"); }
  AvroMap& as_map() { return get<AvroMap>("map"); }
  AvroRecord& as_record() { return get<AvroRecord>("record"); }
  AvroUnion& as_union() { return get<AvroUnion>("union"); }
  // The value inside a union (or this value if it is not a union).
  const AvroValue& unwrapped() const;
  // A field of a record value by name (throws InvalidInputError if absent).
  const AvroValue& operator[](std::string_view field_name) const;

  const Variant& variant() const { return v_; }
  friend bool operator==(const AvroValue& a, const AvroValue& b);

 private:
  template <typename T>
  const T& get(const char* what) const {
    if (const T* p = std::get_if<T>(&v_)) return *p;
    throw_wrong_type(what);
  }
  template <typename T>
  T& get(const char* what) {
    if (T* p = std::get_if<T>(&v_)) return *p;
    throw_wrong_type(what);
  }
  [[noreturn]] void throw_wrong_type(const char* what) const;

  Variant v_;
};

bool operator==(const AvroRecord& a, const AvroRecord& b);
bool operator==(const AvroUnion& a, const AvroUnion& b);

// Decodes one datum written with `schema`. Throws CorruptDataError on malformed bytes.
AvroValue decode_datum(ByteReader& in, const AvroSchema& schema);

// Decodes one datum written with `writer` into the shape of `reader` (Avro schema
// resolution: record fields matched by name, writer-only fields skipped, reader-only
// fields from their defaults, numeric promotion, union/non-union matching). Throws
// InvalidInputError when the schemas do not resolve, CorruptDataError on bad bytes.
AvroValue decode_datum(ByteReader& in, const AvroSchema& writer, const AvroSchema& reader);

// Appends the binary encoding of `value` as `schema`. Throws InvalidInputError when the
// value does not fit the schema. A non-union value for a union schema takes the first
// branch it fits.
void encode_datum(const AvroValue& value, const AvroSchema& schema, Buffer& out);

// The value a field default (JSON) denotes for `schema`. Throws InvalidInputError.
AvroValue value_from_json(const nlohmann::json& j, const AvroSchema& schema);

}  // namespace floe::avro
