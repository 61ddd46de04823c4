// ParquetScan: a projected, filtered read of one Parquet file: prunes row groups and pages
// with ParquetPruner, reads what is left, and (by default) keeps exactly the rows that
// satisfy the predicate. Layer: formats/parquet. scan_row_group is safe to call from
// several threads at once (each with its own report).
#pragma once

#include <functional>
#include <vector>

#include "formats/parquet/parquet_pruner.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/scan_predicate.h"

namespace floe::parquet {

class ParquetScan {
 public:
  // `fields`: top-level columns to return (empty = all). With `exact` false the rows of
  // kept pages are returned unfiltered (the caller filters).
  ParquetScan(ParquetReader& reader, std::vector<int> fields, formats::ScanPredicate predicate,
              bool exact = true);

  int num_row_groups() const { return reader_.num_row_groups(); }
  const columnar::Schema& schema() const { return schema_; }
  // The rows of one row group that pass; an empty batch when it is pruned. With `within`,
  // only rows of that range of the group are read (several threads may read one large
  // group in parts; pages that straddle a part's ends are decoded by both parts).
  columnar::Batch scan_row_group(int row_group, PruneReport* report,
                                 const RowRange* within = nullptr);

  // The same rows, handed to `sink` in batches of at most `window_rows` rows (false from
  // the sink stops the scan; the result is false then). Each column is read page by page,
  // holding one decoded page at a time; when filtering exactly, the predicate's columns
  // are read first and the others only for windows with rows that pass, so memory stays a
  // few pages per column and pages with no passing row are not decoded. A row group whose
  // columns cannot be read by pages (nested, or no offset index) is read whole, as
  // scan_row_group does, and handed over as one batch.
  bool scan_row_group_windows(int row_group, PruneReport* report, const RowRange* within,
                              int64_t window_rows,
                              const std::function<bool(columnar::Batch&&)>& sink);

 private:
  // The rows to read (false: none); `ranges` empty with true: the whole group.
  bool rows_to_read(int row_group, PruneReport* report, const RowRange* within,
                    std::vector<RowRange>& ranges);
  // Keeps the rows of `b` (read_fields_) that pass, as a batch of the output fields.
  columnar::Batch filter_and_project(columnar::Batch&& b) const;

  ParquetReader& reader_;
  formats::ScanPredicate predicate_;
  ParquetPruner pruner_;
  bool exact_;
  std::vector<int> read_fields_;  // output fields, then predicate-only fields
  size_t output_count_ = 0;
  columnar::Schema schema_;
};

}  // namespace floe::parquet
