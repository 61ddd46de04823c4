// Arithmetic kernels: + - * / // % and unary minus on BIGINT, DOUBLE and DECIMAL operands
// (the binder casts operands to the type the operation runs in), and string concatenation.
// Layer: exec. Integer and decimal overflow is an InvalidInputError; division by zero is
// one too, unless the dialect makes it NULL.
#pragma once

#include "exec/expression.h"
#include "exec/vector_ops.h"

namespace floe::exec {

columnar::Column arithmetic(ExprOp op, const columnar::DataType& result, const Operand& a,
                            const Operand& b, int64_t rows, bool null_on_divide_by_zero);
columnar::Column negate(const Operand& a, int64_t rows);
columnar::Column concat(const Operand& a, const Operand& b, int64_t rows);

}  // namespace floe::exec
