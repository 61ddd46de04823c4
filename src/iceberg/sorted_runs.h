// SortedRuns: a data file's rows in a table's sort order when they do not fit in memory at
// once. The writer sorts each buffer it has to let go of and sets it aside in a spill file as
// a run; the file is then written by merging the runs, so that the whole file, not only each
// row group, is in the sort order its sort_order_id claims. Layer: iceberg.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "columnar/batch.h"
#include "columnar/spill_file.h"
#include "iceberg/row_sort.h"

namespace floe::iceberg {

class SortedRuns {
 public:
  // Rows read back from a run at a time, per run, while merging.
  static constexpr int64_t kChunkRows = 16 * 1024;

  SortedRuns(columnar::SpillDirectory& dir, const RowOrder& order);
  ~SortedRuns();
  SortedRuns(const SortedRuns&) = delete;
  SortedRuns& operator=(const SortedRuns&) = delete;

  // Sets `sorted` (rows already in the order) aside as one run.
  void add(const columnar::Batch& sorted);
  int64_t runs() const { return int64_t(files_.size()); }
  int64_t rows() const { return rows_; }

  // Passes every run's rows and then `last`'s (also sorted, kept in memory) to `emit` in
  // batches of the order (rows that compare equal keep the order of their runs), and removes
  // the runs' files.
  void merge(columnar::Batch last, const std::function<void(columnar::Batch&&)>& emit);

 private:
  columnar::SpillDirectory& dir_;
  const RowOrder& order_;
  std::vector<std::unique_ptr<columnar::SpillFile>> files_;
  int64_t rows_ = 0;
};

}  // namespace floe::iceberg
