// Comparison kernels: =, <>, <, <=, >, >= and IS [NOT] DISTINCT FROM over two operands of
// the same type (the binder casts them to their common type first), giving BOOLEAN.
// Layer: exec. NULL compared with anything is NULL; DISTINCT FROM treats NULLs as values.
#pragma once

#include <span>

#include "exec/expression.h"
#include "exec/vector_ops.h"

namespace floe::exec {

columnar::Column compare(ExprOp op, const Operand& a, const Operand& b, int64_t rows);

// x IN (items) where every item is a constant of x's type and x is not: one pass over x,
// where OR-ing one comparison per item makes a pass per item. TRUE where x equals an item,
// NULL where x is NULL or equals none while an item is NULL, else FALSE. False (out left
// alone) for types it does not take (nested ones).
bool in_constant_list(const Operand& x, std::span<const Operand> items, int64_t rows,
                      columnar::Column& out);

}  // namespace floe::exec
