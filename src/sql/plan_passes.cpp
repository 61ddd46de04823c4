#include "sql/plan_passes.h"

#include "sql/column_pruning.h"
#include "sql/distinct_aggregates.h"
#include "sql/window_row_limits.h"

namespace floe::sql {

void run_plan_passes(exec::PlanNode& root) {
  prune_columns(root);
  split_distinct_aggregates(root);
  limit_window_rows(root);
}

}  // namespace floe::sql
