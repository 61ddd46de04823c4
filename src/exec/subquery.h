// Subqueries inside expressions: scalar, EXISTS and IN. The inner plan reads the outer
// values it depends on (correlation) from parameter columns; each distinct tuple of outer
// values runs the inner plan once and its result is kept, so an uncorrelated subquery
// runs once per statement. Layer: exec.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "exec/expression.h"
#include "exec/plan.h"
#include "exec/scalar_function.h"

namespace floe::exec {

enum class SubqueryKind { kScalar, kExists, kIn };

struct Subquery {
  SubqueryKind kind = SubqueryKind::kScalar;
  PlanPtr plan;
  // One-row columns that kConstant nodes of `plan` share: set before each run.
  std::vector<std::shared_ptr<columnar::Column>> params;
  int threads = 1;

  // Results by encoded outer values.
  struct Result;
  std::mutex mu;
  std::map<std::string, std::shared_ptr<Result>> cache;
};

// Evaluates a kSubquery expression on `rows` rows whose outer values are `outer` (one
// column per param; for IN, the needle first).
columnar::Column evaluate_subquery(const Expression& e, std::vector<columnar::Column>& inputs,
                                   int64_t rows);

// The value of a scalar subquery that the binder turned into a join: the function takes the
// subquery's row count for each outer row (BIGINT) and its value, and returns the value;
// a count above one is the error a scalar subquery evaluated per value raises.
ScalarFunction single_row_value(const columnar::DataType& type);

}  // namespace floe::exec
