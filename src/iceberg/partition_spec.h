// PartitionSpec and SortOrder: how an Iceberg table derives partition values from source
// columns (spec "Partitioning") and how rows are ordered in its files ("Sorting"), with
// their JSON forms in table metadata. Layer: iceberg.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "columnar/data_type.h"
#include "iceberg/table_schema.h"
#include "iceberg/transform.h"

namespace floe::iceberg {

// Partition field ids start here (an unpartitioned table has last-partition-id 999).
inline constexpr int32_t kFirstPartitionFieldId = 1000;

struct PartitionField {
  int32_t source_id = 0;
  int32_t field_id = 0;
  std::string name;
  Transform transform;
};

struct PartitionSpec {
  int32_t spec_id = 0;
  std::vector<PartitionField> fields;

  bool unpartitioned() const;  // no fields, or only void transforms
  // The partition tuple's schema: one field per partition field, typed by its transform's
  // result and carrying the partition field id; all optional. Throws InvalidInputError when
  // a source column is missing or cannot take its transform.
  columnar::Schema partition_type(const TableSchema& schema) const;
};

nlohmann::json spec_to_json(const PartitionSpec& spec);
// Just the "fields" array, as manifests carry it.
nlohmann::json spec_fields_to_json(const PartitionSpec& spec);
// Reads a spec object, or (v1 "partition-spec") a bare fields array with `spec_id`.
PartitionSpec spec_from_json(const nlohmann::json& j, int32_t spec_id = 0);

// Parses a partition clause such as "day(ts), bucket(16, user_id), truncate(4, name),
// country" (also Iceberg's "bucket[16](user_id)" spelling) against `schema`, assigning
// field ids from *last_partition_id + 1 and Java's default names (ts_day, user_id_bucket,
// name_trunc, country). Throws InvalidInputError naming the bad term.
PartitionSpec parse_partition_clause(std::string_view text, const TableSchema& schema,
                                     int32_t* last_partition_id);

enum class SortDirection { kAsc, kDesc };
enum class NullOrder { kNullsFirst, kNullsLast };

struct SortField {
  Transform transform;
  int32_t source_id = 0;
  SortDirection direction = SortDirection::kAsc;
  NullOrder null_order = NullOrder::kNullsFirst;
};

struct SortOrder {
  int32_t order_id = 0;  // 0 is the unsorted order
  std::vector<SortField> fields;
};

nlohmann::json sort_order_to_json(const SortOrder& order);
SortOrder sort_order_from_json(const nlohmann::json& j);
// Parses "element_id, ts DESC NULLS LAST" against `schema` (identity transforms).
SortOrder parse_sort_clause(std::string_view text, const TableSchema& schema, int32_t order_id);
// "element_id ASC NULLS FIRST, ..." for display.
std::string sort_order_to_string(const SortOrder& order, const TableSchema& schema);
std::string partition_spec_to_string(const PartitionSpec& spec, const TableSchema& schema);

}  // namespace floe::iceberg
