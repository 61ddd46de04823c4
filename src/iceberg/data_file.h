// DataFile, ManifestEntry and ManifestFile: the records of Iceberg manifests and manifest
// lists (spec "Manifests", "Manifest Lists"), as plain values. Partition values and column
// bounds are kept in the spec's binary single-value form (Appendix D), decoded on demand.
// Layer: iceberg.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace floe::iceberg {

enum class FileContent : int32_t { kData = 0, kPositionDeletes = 1, kEqualityDeletes = 2 };

enum class EntryStatus : int32_t { kExisting = 0, kAdded = 1, kDeleted = 2 };

// Reserved field ids of position delete files (spec "Reserved Field IDs").
inline constexpr int32_t kDeleteFilePathFieldId = 2147483546;
inline constexpr int32_t kDeletePosFieldId = 2147483545;

struct DataFile {
  FileContent content = FileContent::kData;
  std::string file_path;
  std::string file_format = "PARQUET";
  // One value per field of the partition spec the file was written with; nullopt = null.
  std::vector<std::optional<std::string>> partition;
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int32_t, int64_t> column_sizes;
  std::map<int32_t, int64_t> value_counts;
  std::map<int32_t, int64_t> null_value_counts;
  std::map<int32_t, int64_t> nan_value_counts;
  std::map<int32_t, std::string> lower_bounds;
  std::map<int32_t, std::string> upper_bounds;
  std::optional<std::string> key_metadata;
  std::vector<int64_t> split_offsets;
  std::vector<int32_t> equality_ids;
  std::optional<int32_t> sort_order_id;
  std::optional<std::string> referenced_data_file;
  std::optional<int64_t> first_row_id;           // v3
  std::optional<int64_t> content_offset;         // v3 deletion vectors
  std::optional<int64_t> content_size_in_bytes;  // v3 deletion vectors
};

struct ManifestEntry {
  EntryStatus status = EntryStatus::kAdded;
  // After reading, inherited values are filled in (spec "Sequence Number Inheritance").
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> sequence_number;
  std::optional<int64_t> file_sequence_number;
  DataFile data_file;
  int32_t spec_id = 0;  // the manifest's partition spec
};

struct FieldSummary {
  bool contains_null = false;
  std::optional<bool> contains_nan;
  std::optional<std::string> lower_bound;
  std::optional<std::string> upper_bound;
};

struct ManifestFile {
  std::string manifest_path;
  int64_t manifest_length = 0;
  int32_t partition_spec_id = 0;
  FileContent content = FileContent::kData;  // kData for data manifests, else deletes
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int32_t added_files_count = 0;
  int32_t existing_files_count = 0;
  int32_t deleted_files_count = 0;
  int64_t added_rows_count = 0;
  int64_t existing_rows_count = 0;
  int64_t deleted_rows_count = 0;
  std::vector<FieldSummary> partitions;
  std::optional<std::string> key_metadata;
  std::optional<int64_t> first_row_id;  // v3

  bool is_delete_manifest() const { return content != FileContent::kData; }
};

}  // namespace floe::iceberg
