// Comparison kernels: =, <>, <, <=, >, >= and IS [NOT] DISTINCT FROM over two operands of
// the same type (the binder casts them to their common type first), giving BOOLEAN.
// Layer: exec. NULL compared with anything is NULL; DISTINCT FROM treats NULLs as values.
#pragma once

#include "exec/expression.h"
#include "exec/vector_ops.h"

namespace floe::exec {

columnar::Column compare(ExprOp op, const Operand& a, const Operand& b, int64_t rows);

}  // namespace floe::exec
