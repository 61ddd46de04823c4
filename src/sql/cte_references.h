// How often a query reads a WITH name: FROM items that name it, in joins, derived tables
// and subqueries anywhere in its expressions. The binder computes a WITH query that is read
// more than once a single time (bind_query.cpp). Layer: sql.
#pragma once

#include <string>

#include "sql/ast.h"

namespace floe::sql {

// The references to `name` in `q`, its own WITH list included when `with_list`; -1 when a
// WITH inside it defines `name` again (which reference means which is then not counted).
int cte_references(const Query& q, const std::string& name, bool with_list = true);

}  // namespace floe::sql
