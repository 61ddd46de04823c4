// The optimizer passes that run over a bound plan before it executes, in order: column
// pruning, DISTINCT aggregates as two groupings, row limits for windows. (Filter pushdown,
// join order and decorrelation happen while binding.) Layer: sql.
#pragma once

#include "exec/plan.h"

namespace floe::sql {

void run_plan_passes(exec::PlanNode& root);

}  // namespace floe::sql
