// Correlated subqueries of UPDATE and DELETE, decorrelated: the statement's condition and
// SET values are bound as one query over the rows of a file of the target table,
//   SELECT <row number>, <value>, .. FROM <those rows> AS <target> WHERE <condition>
// so that the binder turns their subqueries into joins (as in any SELECT), and the query
// runs once per file instead of once per distinct outer value. Layer: sql.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "exec/executor.h"
#include "sql/ast.h"
#include "sql/binder.h"
#include "sql/table_rewrite.h"

namespace floe::sql {

// Whether `e` holds a subquery that reads a column of the row it is evaluated for.
bool has_correlated_subquery(const exec::Expression& e);

class DmlRowQuery {
 public:
  // Binds the query over rows of `schema` named by `qualifier` (the target's alias or
  // name); `where` (may be null: every row) and `values` are moved out of the statement.
  // `estimated_rows` is what join ordering assumes a file holds.
  DmlRowQuery(BindCatalog& catalog, const BindOptions& options, const columnar::Schema& schema,
              const std::string& qualifier, ExprPtr where, std::vector<ExprPtr> values,
              int64_t estimated_rows, exec::ExecOptions exec_options);
  ~DmlRowQuery();

  // Runs the query over `rows`: the rows the condition holds for and their values (one
  // run at a time; callers on several threads wait).
  RowSelection run(const columnar::Batch& rows);

 private:
  class Rows;
  std::shared_ptr<Rows> rows_;
  exec::PlanPtr plan_;
  exec::ExecOptions exec_options_;
  std::mutex mu_;
};

}  // namespace floe::sql
