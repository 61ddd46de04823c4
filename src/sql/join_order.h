// Ordering the inner joins of one FROM clause by estimated size and building their plan:
// the largest relation streams (the probe side), each step adds the relation joined to the
// ones so far that leaves the fewest rows, and a relation whose own joins to relations
// hanging off it reduce it (orders joined to the customers of one nation) is joined to them
// first, so that its hash table holds only the rows that can match. Layer: sql.
#pragma once

#include <vector>

#include "exec/plan.h"

namespace floe::sql {

// One FROM item: its plan (filters attached), where its columns start among the FROM
// clause's columns and how many it has, and its estimated rows before and after its filters.
struct JoinRelation {
  exec::PlanPtr plan;
  int offset = 0;
  int columns = 0;
  double raw = 0;
  double est = 0;
};

// An equality between a column of relation `a` and one of relation `b`, with the larger of
// their distinct-value estimates (its selectivity is its inverse).
struct JoinEdge {
  size_t a, b;
  double ndv;
};

// Joins every relation of `rels` (their plans are moved out) into one plan. `conditions`
// (over the FROM clause's columns) are the conjuncts that read more than one relation: each
// goes to the first join that sees all its columns, equalities between its two sides as
// hash keys, and those that no join takes (subqueries, none left) stay. `pos` receives,
// for each FROM column, its index in the plan's output.
exec::PlanPtr join_relations(std::vector<JoinRelation>& rels, const std::vector<JoinEdge>& edges,
                             std::vector<exec::ExpressionPtr>& conditions, std::vector<int>& pos);

}  // namespace floe::sql
