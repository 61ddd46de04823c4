// Reading and writing Iceberg manifests and manifest lists: Avro object container files
// with the schemas, field ids and file metadata Java writes (spec "Manifests", "Manifest
// Lists", Appendix A), read tolerantly (v1 field names, missing schema-id, "null" parent
// ids), with sequence-number and snapshot-id inheritance applied on read. Layer: iceberg.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "iceberg/data_file.h"
#include "iceberg/partition_spec.h"
#include "iceberg/table_schema.h"
#include "io/file_io.h"

namespace floe::iceberg {

struct ManifestWriteContext {
  int format_version = 2;
  const TableSchema* schema = nullptr;  // the table's current schema
  const PartitionSpec* spec = nullptr;  // the spec every entry was written with
  int64_t snapshot_id = 0;              // the snapshot adding the manifest
  int64_t sequence_number = 0;          // its sequence number (for the manifest-list entry)
  std::string codec = "deflate";
};

// Writes one manifest of `content` (data or deletes: all entries must agree) and returns
// its manifest-list entry (counts, partition summaries). ADDED entries are written with
// null snapshot id and sequence numbers, to be inherited. Throws IoError.
ManifestFile write_manifest(io::FileIO& io, const std::string& location,
                            const ManifestWriteContext& context,
                            const std::vector<ManifestEntry>& entries);

// Reads a manifest's entries (DELETED ones too), filling inherited snapshot ids and
// sequence numbers from `manifest`. Throws CorruptDataError / IoError naming the file.
std::vector<ManifestEntry> read_manifest(io::FileIO& io, const ManifestFile& manifest);

// The same, one entry at a time: `keep` (if set) sees each entry with its status, sequence
// numbers, content, path, partition and counts, before the column metrics are decoded, and
// may drop it; `sink` takes the entries kept, whole.
void read_manifest_entries(io::FileIO& io, const ManifestFile& manifest,
                           const std::function<bool(const ManifestEntry&)>& keep,
                           const std::function<void(ManifestEntry&&)>& sink);

struct ManifestListContext {
  int format_version = 2;
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  std::optional<int64_t> first_row_id;  // v3
};

void write_manifest_list(io::FileIO& io, const std::string& location,
                         const ManifestListContext& context,
                         const std::vector<ManifestFile>& manifests);
std::vector<ManifestFile> read_manifest_list(io::FileIO& io, const std::string& location);

// The Avro schema JSON of manifest entries for a partition type (exposed for tests).
std::string manifest_entry_schema_json(const columnar::Schema& partition_type, int format_version);

}  // namespace floe::iceberg
