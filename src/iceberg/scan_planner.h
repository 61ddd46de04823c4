// Scan planning: which files of a snapshot a scan must read. Manifests are pruned by their
// partition summaries, data files by their partition values (through the inclusive
// projection of the filter onto each partition spec) and then by column bounds and null
// counts; position delete files are matched to the data files they may apply to (spec
// "Scan Planning"). Manifests are read in parallel. Layer: iceberg.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/scan_predicate.h"
#include "iceberg/data_file.h"
#include "iceberg/table_metadata.h"
#include "io/file_io.h"

namespace floe::iceberg {

struct FileScanTask {
  DataFile file;
  int32_t spec_id = 0;
  int64_t data_sequence_number = 0;
  std::vector<DataFile> delete_files;  // position deletes that may apply
};

struct ScanReport {
  int64_t manifests = 0;
  int64_t manifests_pruned = 0;  // by partition summaries
  int64_t delete_manifests = 0;
  int64_t data_files = 0;  // live data files in the scanned manifests
  int64_t files_pruned_by_partition = 0;
  int64_t files_pruned_by_metrics = 0;
  int64_t files_planned = 0;
  int64_t delete_files = 0;  // delete files attached to planned tasks
  double planning_ms = 0;
  std::string to_string() const;
};

struct ScanPlan {
  std::vector<FileScanTask> tasks;
  ScanReport report;
};

// Plans a scan of `snapshot` (nullptr: an empty table) with `predicate` (column names of
// `schema`, the schema the scan reads with). Throws UnsupportedError when the snapshot has
// equality delete files or deletion vectors, which floe does not apply yet.
ScanPlan plan_scan(io::FileIO& io, const TableMetadata& metadata, const Snapshot* snapshot,
                   const TableSchema& schema, const formats::ScanPredicate& predicate,
                   int threads = 2);

// Whether a file's metrics (bounds, null and value counts) allow a row matching the term;
// `type` is the column's type in the scanning schema, `field_id` its id.
bool metrics_may_match(const DataFile& file, int32_t field_id, const columnar::DataType& type,
                       const formats::ColumnPredicate& term);

}  // namespace floe::iceberg
