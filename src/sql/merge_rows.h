// MERGE's row logic: target rows are joined with the source on the ON condition; each
// matched pair takes the first WHEN MATCHED clause whose condition holds (UPDATE or
// DELETE), target rows without a match may take a WHEN NOT MATCHED BY SOURCE clause, and
// source rows that matched no target row are inserted by the first WHEN NOT MATCHED clause
// that applies. As in Snowflake, a target row that two source rows would update or delete
// is an error (the result would depend on which came first). Layer: sql.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "columnar/batch.h"
#include "sql/binder.h"

namespace floe::sql {

class MergeRows {
 public:
  MergeRows(BoundMerge& merge, const columnar::Schema& target, columnar::Batch source);
  ~MergeRows();

  // Appends what `target_rows` become (kept, updated; deleted rows left out) to `out`.
  // Returns false when nothing in them changed. Thread-safe.
  bool apply(const columnar::Batch& target_rows, std::vector<columnar::Batch>& out);
  // Once every target row was seen: the source rows to insert, as target rows.
  std::vector<columnar::Batch> inserts();

  int64_t updated() const { return updated_; }
  int64_t deleted() const { return deleted_; }
  int64_t inserted() const { return inserted_; }

 private:
  struct Clause {
    const BoundMergeClause* bound;
    exec::ExpressionPtr condition;  // over the pair layout
    std::vector<std::pair<int, exec::ExpressionPtr>> sets;
    std::vector<exec::ExpressionPtr> values;
  };
  columnar::Batch pair_layout_nulls(const columnar::Batch& rows, bool target_side,
                                    const columnar::SelectionVector& sel) const;
  std::vector<int> choose(const std::vector<Clause>& clauses, const columnar::Batch& pairs) const;

  const columnar::Schema& target_;
  columnar::Batch source_;
  size_t n_ = 0, m_ = 0;  // target and source widths
  bool any_match_updates_ = false;
  std::vector<exec::ExpressionPtr> left_keys_, right_keys_;
  exec::ExpressionPtr residual_;  // over the pair layout
  std::vector<Clause> matched_, by_source_, not_matched_;
  std::unique_ptr<std::atomic<uint8_t>[]> source_matched_;
  std::atomic<int64_t> updated_{0}, deleted_{0}, inserted_{0};
};

}  // namespace floe::sql
