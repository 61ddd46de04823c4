// Row-level deletes and table maintenance: delete by filter (whole files dropped when every
// row matches, otherwise position delete files — merge-on-read — or rewritten files when
// write.delete.mode is copy-on-write), compaction of small files (optionally sorted), snapshot
// expiry, and removal of orphan files. Layer: iceberg.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/scan_predicate.h"
#include "iceberg/snapshot_update.h"
#include "iceberg/table_operations.h"

namespace floe::iceberg {

struct DeleteResult {
  int64_t rows_deleted = 0;
  int64_t files_removed = 0;           // data files dropped whole
  int64_t files_rewritten = 0;         // copy-on-write
  int64_t delete_files_added = 0;      // merge-on-read
  std::optional<int64_t> snapshot_id;  // nullopt when nothing matched
};

// Deletes the rows matching `predicate` (names of the current schema) in one commit.
DeleteResult delete_where(TableOperations& ops, const formats::ScanPredicate& predicate,
                          int threads = 2);

// Replaces the rows matching `predicate` with `new_files` (already written with the table's
// DataWriter) in one "overwrite" commit: Iceberg's overwrite by filter.
DeleteResult overwrite_where(TableOperations& ops, const formats::ScanPredicate& predicate,
                             std::vector<DataFile> new_files, int threads = 2);

struct CompactResult {
  int64_t files_before = 0, files_after = 0, rows = 0;
  std::optional<int64_t> snapshot_id;
};

// Rewrites the data files smaller than `min_file_bytes` (and every file that has deletes)
// of each partition into as few files as the target size allows, applying deletes and
// sorting by the table's sort order (or `sort_clause` when given), in one "replace" commit.
CompactResult compact(TableOperations& ops, int64_t min_file_bytes, const std::string& sort_clause,
                      int threads = 2);

struct ExpireResult {
  int64_t snapshots_expired = 0;
  int64_t files_deleted = 0;
};

// Expires snapshots older than `older_than_ms` while keeping at least `retain_last` (and every
// snapshot a ref points at), then deletes the manifest lists, manifests and data/delete files
// only the expired snapshots used.
ExpireResult expire_snapshots(TableOperations& ops, int64_t older_than_ms, int retain_last);

// Files under the table location that no metadata references (older than `older_than_ms`, so
// that files of writes in flight are spared); deleted unless `dry_run`.
std::vector<std::string> remove_orphan_files(TableOperations& ops, int64_t older_than_ms,
                                             bool dry_run);

}  // namespace floe::iceberg
