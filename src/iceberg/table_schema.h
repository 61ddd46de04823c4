// TableSchema: an Iceberg schema (spec "Schemas and Data Types"): columnar fields in which
// every field, list element and map key/value carries its Iceberg field id, plus the
// schema id and identifier fields; its JSON form in table metadata; the mapping between
// Iceberg types and floe's columnar types. Layer: iceberg.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "columnar/data_type.h"

namespace floe::iceberg {

struct TableSchema {
  int32_t schema_id = 0;
  columnar::Schema schema;  // every Field (nested too) has field_id set
  std::vector<int32_t> identifier_field_ids;
  // Attributes of fields that floe keeps but does not interpret (doc, initial-default,
  // write-default), by field id, written back as they were read.
  std::map<int32_t, nlohmann::json> field_attributes;

  // The highest field id in the schema (0 if it has no fields).
  int32_t highest_field_id() const;
  // The field with this id anywhere in the tree, or nullptr.
  const columnar::Field* find_field(int32_t id) const;
  // The top-level field with this id, or -1.
  int top_level_index(int32_t id) const;
  // Dotted name of the field with this id ("a.b"), or "" if absent.
  std::string column_name(int32_t id) const;
  // The top-level field named `name` (case-sensitive), or -1.
  int find(std::string_view name) const { return schema.find(name); }
};

// The Iceberg type name of a columnar type ("long", "decimal(9,2)", "timestamptz", ...), for
// primitives; nested types have no name. Throws UnsupportedError for types Iceberg has not.
std::string iceberg_type_name(const columnar::DataType& type);

// The columnar type an Iceberg table stores for `type`: the type floe writes to Parquet.
// int8/int16 widen to int, uint8/uint16 to int, uint32 to long; timestamps in milliseconds
// become microseconds; nanosecond timestamps stay nanoseconds (Iceberg v3 timestamp_ns).
// Throws UnsupportedError (uint64, ...).
columnar::DataType storage_type(const columnar::DataType& type);

nlohmann::json schema_to_json(const TableSchema& schema);
// Parses a schema; throws CorruptDataError naming what is malformed, UnsupportedError for
// types floe does not read (variant, geometry, ...).
TableSchema schema_from_json(const nlohmann::json& j);

// A fresh table schema for `fields` (e.g. a file's schema): storage types, ids assigned in
// Iceberg's order (top-level fields first, then nested, breadth-first as Java's
// TypeUtil.assignFreshIds does) starting after *last_column_id, which is updated.
TableSchema assign_fresh_ids(const columnar::Schema& fields, int32_t* last_column_id);

// Adds ids to a field (and its children) that has none, from *last_column_id + 1.
columnar::Field with_fresh_ids(const columnar::Field& field, int32_t* last_column_id);

// Equal types ignoring field ids (and names of nested children when `names` is false).
bool same_shape(const columnar::DataType& a, const columnar::DataType& b);

}  // namespace floe::iceberg
