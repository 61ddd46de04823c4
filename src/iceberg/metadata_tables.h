// Iceberg's metadata tables (as Spark and PyIceberg expose them: snapshots, history, files,
// manifests, partitions, refs) built as column batches, so the CLI prints them and the SQL
// engine can query them. Layer: iceberg.
#pragma once

#include <string>

#include "columnar/batch.h"
#include "iceberg/table_metadata.h"
#include "io/file_io.h"

namespace floe::iceberg {

// snapshots: committed_at, snapshot_id, parent_id, sequence_number, operation,
// manifest_list, summary (JSON text).
columnar::Batch snapshots_table(const TableMetadata& m);
// history: made_current_at, snapshot_id, parent_id, is_current_ancestor.
columnar::Batch history_table(const TableMetadata& m);
// refs: name, type, snapshot_id, max_reference_age_in_ms, min_snapshots_to_keep,
// max_snapshot_age_in_ms.
columnar::Batch refs_table(const TableMetadata& m);
// files of a snapshot (default current): content, file_path, file_format, spec_id,
// partition (text), record_count, file_size_in_bytes, null/lower/upper summaries (JSON).
columnar::Batch files_table(io::FileIO& io, const TableMetadata& m, const Snapshot* snapshot);
// manifests: content, path, length, partition_spec_id, added_snapshot_id,
// added/existing/deleted data files counts, rows counts.
columnar::Batch manifests_table(io::FileIO& io, const TableMetadata& m, const Snapshot* snapshot);
// partitions: partition (text), spec_id, record_count, file_count, total size,
// position delete file count.
columnar::Batch partitions_table(io::FileIO& io, const TableMetadata& m, const Snapshot* snapshot);

// A partition tuple as text: "ts_day=2024-01-01/country=DE" ("" when unpartitioned).
std::string partition_text(const TableMetadata& m, int32_t spec_id,
                           const std::vector<std::optional<std::string>>& values);

}  // namespace floe::iceberg
