// DISTINCT aggregates as two groupings: an aggregation whose DISTINCT aggregates all take
// the same one argument x (COUNT(DISTINCT x), SUM(DISTINCT x), ..) becomes a grouping by
// its keys and x, then the plain aggregates over those rows grouped by its keys. The first
// grouping is an ordinary hash aggregation: parallel, merged by partitions and spilled past
// the memory limit, where a DISTINCT accumulator keeps a set of values per group in memory
// (and a global aggregate's one group never spills). Layer: sql (an optimizer pass over
// exec's plan, run after column pruning).
#pragma once

#include "exec/plan.h"

namespace floe::sql {

// Rewrites every eligible aggregation under `root` (subqueries' plans included) in place.
void split_distinct_aggregates(exec::PlanNode& root);

}  // namespace floe::sql
