// Evaluating bound expressions on a batch, a whole column at a time. Layer: exec.
// Thread-safe: expressions are read-only while they run.
#pragma once

#include "columnar/batch.h"
#include "exec/expression.h"

namespace floe::exec {

// The expression's value for every row of `input` (input.num_rows() values).
columnar::Column evaluate(const Expression& e, const columnar::Batch& input);

// The rows of `input` for which the boolean expression is TRUE (not FALSE, not NULL).
columnar::SelectionVector evaluate_filter(const Expression& e, const columnar::Batch& input);

// The value of an expression that reads no column: one row.
columnar::Column evaluate_constant(const Expression& e);

// The rows of `batch` listed in `rows`, all columns (the schema is kept).
columnar::Batch take_rows(const columnar::Batch& batch, const columnar::SelectionVector& rows);

}  // namespace floe::exec
