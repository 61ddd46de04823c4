// Row limits for windows: a filter that keeps only the first rows of each window partition
// (`WHERE rn <= 20` over `row_number() OVER (PARTITION BY day ORDER BY clicks DESC) AS rn`,
// `QUALIFY row_number() OVER (..) = 1`, `QUALIFY rank() OVER (..) <= 3`) tells the window
// below it how many rows per partition can matter, so that the window keeps each
// partition's first rows as they come instead of holding and ranking every row. The
// filter stays. Layer: sql (an optimizer pass over exec's plan).
#pragma once

#include "exec/plan.h"

namespace floe::sql {

// Sets `limit` and `limit_kind` on every window under `root` (subqueries' plans included)
// whose functions are all ROW_NUMBER(), RANK() or DENSE_RANK() over the same PARTITION BY
// and ORDER BY, where a filter directly above it (through other filters) bounds one of
// them by a constant: `rn <= k`, `rn < k`, `rn = k`, `k >= rn`, ...
void limit_window_rows(exec::PlanNode& root);

}  // namespace floe::sql
