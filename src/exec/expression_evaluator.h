// Evaluating bound expressions on a batch, a whole column at a time. Layer: exec.
// Thread-safe: expressions are read-only while they run.
#pragma once

#include <deque>
#include <vector>

#include "columnar/batch.h"
#include "exec/expression.h"

namespace floe::exec {

// The expression's value for every row of `input` (input.num_rows() values).
columnar::Column evaluate(const Expression& e, const columnar::Batch& input);

// Several expressions' values over one batch without copying the columns they only name: a
// bare column reference is the batch's own column, anything else is evaluated and kept here.
// The batch must outlive it.
class ColumnViews {
 public:
  const columnar::Column& add(const Expression& e, const columnar::Batch& input);
  const columnar::Column& operator[](size_t i) const { return *views_[i]; }
  size_t size() const { return views_.size(); }
  bool empty() const { return views_.empty(); }
  const std::vector<const columnar::Column*>& pointers() const { return views_; }

 private:
  std::deque<columnar::Column> owned_;  // stable addresses
  std::vector<const columnar::Column*> views_;
};

// The rows of `input` for which the boolean expression is TRUE (not FALSE, not NULL).
columnar::SelectionVector evaluate_filter(const Expression& e, const columnar::Batch& input);

// The value of an expression that reads no column: one row.
columnar::Column evaluate_constant(const Expression& e);

// The rows of `batch` listed in `rows`, all columns (the schema is kept).
columnar::Batch take_rows(const columnar::Batch& batch, const columnar::SelectionVector& rows);

}  // namespace floe::exec
