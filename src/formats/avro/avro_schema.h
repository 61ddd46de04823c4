// An Avro schema (spec 1.11) as a tree of shared, immutable nodes: primitives, records,
// enums, arrays, maps, unions and fixed, with logical types and extra attributes (such as
// Iceberg's "field-id") kept. Layer: formats. Parsed from and printed to JSON.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace floe::avro {

enum class AvroType {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,
  kEnum,
  kArray,
  kMap,
  kUnion,
  kFixed,
};

// "null", "boolean", ..., "fixed".
std::string_view avro_type_name(AvroType type);

struct AvroSchema;
using AvroSchemaPtr = std::shared_ptr<const AvroSchema>;

struct AvroField {
  std::string name;
  AvroSchemaPtr schema;
  std::optional<nlohmann::json> default_value;
  nlohmann::json attributes = nlohmann::json::object();  // field-id, doc, aliases, ...
};

struct AvroSchema : std::enable_shared_from_this<AvroSchema> {
  AvroType type = AvroType::kNull;
  std::string name;          // full name (namespace.name) of a record, enum or fixed
  std::string logical_type;  // "" when absent
  std::vector<AvroField> fields;        // record
  std::vector<std::string> symbols;     // enum
  AvroSchemaPtr items;                  // array items, map values
  std::vector<AvroSchemaPtr> branches;  // union
  size_t fixed_size = 0;                // fixed
  nlohmann::json attributes = nlohmann::json::object();  // other keys (doc, precision, ...)

  // Index of the record field called `field_name`, or -1.
  int field_index(std::string_view field_name) const;
  bool is_named() const {
    return type == AvroType::kRecord || type == AvroType::kEnum || type == AvroType::kFixed;
  }
};

// Maximum nesting depth of schema nodes parse_avro_schema accepts.
inline constexpr int kMaxAvroSchemaDepth = 64;

// Parses a schema, resolving references to named types (with namespaces). Throws
// CorruptDataError for malformed JSON or schemas, UnsupportedError for recursive types.
AvroSchemaPtr parse_avro_schema(std::string_view json);

// JSON form that parse_avro_schema reads back to an equal schema: named types are
// written in full (with their full name) once, then referenced by full name.
std::string to_json(const AvroSchema& schema);

}  // namespace floe::avro
