// TableMetadata: the root of an Iceberg table (spec "Table Metadata"): schemas, partition
// specs, sort orders, snapshots with their summaries, snapshot and metadata logs, refs and
// properties, read from format v1, v2 and v3 JSON and written as v2 (or v3 for a v3
// table). Layer: iceberg. Values are immutable once shared (std::shared_ptr<const ...>).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "iceberg/partition_spec.h"
#include "iceberg/table_schema.h"

namespace floe::iceberg {

struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;
  std::map<std::string, std::string> summary;  // "operation" is always set
  std::optional<int32_t> schema_id;
  std::optional<int64_t> first_row_id;              // v3
  std::optional<int64_t> added_rows;                // v3
  nlohmann::json extra = nlohmann::json::object();  // keys floe does not interpret, kept
  std::string operation() const;
};

struct SnapshotRef {
  int64_t snapshot_id = 0;
  std::string type = "branch";  // "branch" or "tag"
  std::optional<int32_t> min_snapshots_to_keep;
  std::optional<int64_t> max_snapshot_age_ms;
  std::optional<int64_t> max_ref_age_ms;
};

struct SnapshotLogEntry {
  int64_t timestamp_ms = 0;
  int64_t snapshot_id = 0;
};

struct MetadataLogEntry {
  int64_t timestamp_ms = 0;
  std::string metadata_file;
};

struct TableMetadata {
  int format_version = 2;
  std::string table_uuid;
  std::string location;
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int32_t last_column_id = 0;
  std::vector<std::shared_ptr<const TableSchema>> schemas;
  int32_t current_schema_id = 0;
  std::vector<PartitionSpec> specs;
  int32_t default_spec_id = 0;
  int32_t last_partition_id = kFirstPartitionFieldId - 1;
  std::map<std::string, std::string> properties;
  std::optional<int64_t> current_snapshot_id;
  std::vector<Snapshot> snapshots;
  std::vector<SnapshotLogEntry> snapshot_log;
  std::vector<MetadataLogEntry> metadata_log;
  std::vector<SortOrder> sort_orders;
  int32_t default_sort_order_id = 0;
  std::map<std::string, SnapshotRef> refs;
  std::optional<int64_t> next_row_id;  // v3
  // Kept as read so that a rewrite does not drop them.
  nlohmann::json statistics = nlohmann::json::array();
  nlohmann::json partition_statistics = nlohmann::json::array();
  // Top-level keys floe does not interpret (e.g. v3 encryption-keys), written back as read.
  nlohmann::json extra = nlohmann::json::object();

  const TableSchema& current_schema() const;
  // Throws CatalogError-like InvalidInputError when absent.
  const TableSchema& schema_by_id(int32_t id) const;
  const PartitionSpec& default_spec() const;
  const PartitionSpec& spec_by_id(int32_t id) const;
  const SortOrder* sort_order_by_id(int32_t id) const;
  const Snapshot* current_snapshot() const;
  const Snapshot* snapshot_by_id(int64_t id) const;
  // The snapshot that was current at `timestamp_ms` (from the snapshot log), or nullptr
  // when the table had no snapshot then.
  const Snapshot* snapshot_as_of(int64_t timestamp_ms) const;
  // The schema a snapshot was written with (its schema-id, else the current schema).
  const TableSchema& schema_for(const Snapshot* snapshot) const;
  // A property, or `fallback`.
  std::string property(const std::string& key, const std::string& fallback) const;
  int64_t property_int(const std::string& key, int64_t fallback) const;
};

// Parses metadata JSON. Throws CorruptDataError naming what is malformed (the caller adds
// the file name), UnsupportedError for a format version floe does not read (> 3).
TableMetadata parse_table_metadata(std::string_view json_text);
nlohmann::json table_metadata_to_json(const TableMetadata& metadata);
std::string table_metadata_to_string(const TableMetadata& metadata);

// A new random table uuid / snapshot id (positive, as Java: the two halves of a v4 UUID
// XORed).
std::string new_uuid();
int64_t new_snapshot_id();
int64_t now_ms();

}  // namespace floe::iceberg
