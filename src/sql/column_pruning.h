// Column pruning: after binding, every operator keeps only the columns some operator above
// it reads, so scans decode only the columns a query uses (a Parquet/Iceberg scan reads
// just those column chunks). Layer: sql (an optimizer pass over exec's plan).
#pragma once

#include "exec/plan.h"

namespace floe::sql {

// Rewrites `root` in place; its own output columns are all kept.
void prune_columns(exec::PlanNode& root);

}  // namespace floe::sql
