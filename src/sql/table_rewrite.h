// Row-level changes to an Iceberg table by rewriting its files (copy-on-write): every data
// file holding a row the statement touches is read whole, its rows are replaced by what the
// statement makes of them, and one "overwrite" commit swaps the old files for the new.
// DELETE, UPDATE and MERGE with any SQL condition go through here. Layer: sql. A commit
// that races with another change to the same files fails with a conflict error and leaves
// the table as the other writer left it.
#pragma once

#include <functional>

#include "columnar/batch.h"
#include "exec/expression.h"
#include "formats/scan_predicate.h"
#include "iceberg/table_operations.h"

namespace floe::sql {

// The rows of one of a file's batches (all columns of the table's schema) a statement
// touches, ascending, and values computed for them (an UPDATE's SET values, a column each,
// when they were computed with the rows; else empty).
struct RowSelection {
  columnar::SelectionVector rows;
  std::vector<columnar::Column> values;
};
// Selects the rows a statement touches; an empty function selects every row. Called from
// several threads at once.
using RowSelector = std::function<RowSelection(const columnar::Batch& rows)>;

// Given rows of one file and the selection, appends the rows the file should hold
// afterwards to `out`; returns false when they stay as they were (a file none of whose
// batches changed is not rewritten). Called from several threads at once.
using RowRewrite = std::function<bool(const columnar::Batch& rows, const RowSelection& hits,
                                      std::vector<columnar::Batch>& out)>;

struct RewriteResult {
  int64_t rows_matched = 0;
  int64_t files_rewritten = 0;
  int64_t rows_written = 0;
};

// `select` reads the table's current schema; `pushed` is a superset filter used to skip
// files. `extra_rows` (when given) is called once every file
// was seen and returns rows to add in the same commit (MERGE's inserts).
RewriteResult rewrite_table(iceberg::TableOperations& ops, const RowSelector& select,
                            const formats::ScanPredicate& pushed, const RowRewrite& rewrite,
                            const std::function<std::vector<columnar::Batch>()>& extra_rows,
                            int threads);

}  // namespace floe::sql
