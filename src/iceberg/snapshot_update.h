// SnapshotUpdate: turns a set of file changes (data files added, delete files added, files
// removed) into the table's next snapshot: new manifests, a manifest list, the snapshot
// with its summary, and the next table metadata; then commits it through TableOperations,
// retrying on a lost race (spec "Commit Conflict Resolution and Retry": appends re-apply;
// an operation whose removed files a concurrent commit already removed fails). Layer:
// iceberg.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "iceberg/data_file.h"
#include "iceberg/table_metadata.h"
#include "iceberg/table_operations.h"

namespace floe::iceberg {

struct SnapshotChanges {
  std::string operation = "append";          // append, overwrite, delete, replace
  std::vector<DataFile> added_data_files;    // written with the default spec
  std::vector<DataFile> added_delete_files;  // position delete files
  // The partition spec of each added delete file (empty: all of the default spec).
  std::vector<int32_t> added_delete_spec_ids;
  std::set<std::string> removed_files;         // file_path of data or delete files to drop
  std::map<std::string, std::string> summary;  // extra summary properties
};

struct CommitOptions {
  int max_attempts = 0;  // 0: the table's commit.retry.num-retries + 1 (default 4 + 1)
};

struct CommitResult {
  int64_t snapshot_id = 0;
  int attempts = 0;
  std::shared_ptr<const TableMetadata> metadata;
};

// Builds the metadata that commits `changes` on top of `base` (which must have a table),
// writing manifests and the manifest list through `io`. `written` collects the files it
// wrote, so a caller that loses the race can remove them.
TableMetadata apply_changes(io::FileIO& io, const TableMetadata& base,
                            const SnapshotChanges& changes, int attempt,
                            std::vector<std::string>* written);

// Commits `changes`, retrying on CommitConflictError with the table's newer metadata.
// Throws CommitConflictError when a removed file is no longer live in the newer metadata,
// or when the attempts run out.
CommitResult commit_changes(TableOperations& ops, const SnapshotChanges& changes,
                            CommitOptions options = {});

// Every live data and delete file of a snapshot (reads all its manifests, in parallel).
std::vector<ManifestEntry> live_entries(io::FileIO& io, const Snapshot& snapshot, int threads = 2);

// Metadata whose current snapshot (main) is `snapshot_id`, an existing snapshot (rollback).
TableMetadata set_current_snapshot(const TableMetadata& base, int64_t snapshot_id);

}  // namespace floe::iceberg
