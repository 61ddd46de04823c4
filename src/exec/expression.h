// Expression: a bound, typed scalar expression over the columns of an input batch, the
// form the binder produces and the evaluator runs on whole columns. Layer: exec. Column
// references are positions in the input batch; every node knows its result type.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "columnar/column.h"
#include "columnar/data_type.h"
#include "exec/scalar_function.h"

namespace floe::exec {

enum class ExprOp {
  kColumn,     // column_index
  kConstant,   // constant: a one-row column of `type`
  kCast,       // children[0] to `type`; try_cast: a value that does not fit becomes NULL
  kFunction,   // function (resolved), children are its (already cast) arguments
  kAdd, kSubtract, kMultiply, kDivide, kIntegerDivide, kModulo,  // numeric, same-type operands
  kNegate,
  kConcat,
  kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual,  // same-type operands
  kIsDistinctFrom, kIsNotDistinctFrom,
  kAnd, kOr, kNot,                 // three-valued
  kIsNull, kIsNotNull,
  kIsTrue, kIsFalse,               // x IS TRUE / IS FALSE (never NULL)
  kCase,        // children: when0, then0, when1, then1, ..., [else] (has_else)
  kCoalesce,    // first non-NULL child
  kInList,      // children[0] IN (children[1..]), same types; NULL rules of SQL
  kLike,        // children[0] LIKE children[1] [ESCAPE children[2]]; case_insensitive
  kRowMark,     // a value computed by an operator (subquery mark): same as kColumn
  kSubquery,    // subquery (see Subquery): children are the outer values it depends on,
                // and for IN the value looked for first
};

struct Subquery;

struct Expression;
using ExpressionPtr = std::unique_ptr<Expression>;

struct Expression {
  ExprOp op = ExprOp::kConstant;
  columnar::DataType type;
  int column_index = -1;
  std::shared_ptr<const columnar::Column> constant;  // kConstant: one row
  std::vector<ExpressionPtr> children;
  ScalarFunction function;          // kFunction
  bool try_cast = false;
  bool has_else = false;            // kCase
  bool case_insensitive = false;    // kLike (ILIKE)
  bool null_on_divide_by_zero = false;  // kDivide/kIntegerDivide/kModulo: NULL, not an error
  std::string name;                 // for messages and EXPLAIN: column name, function name
  std::shared_ptr<Subquery> subquery;  // kSubquery
  // kConstant that is a subquery's correlation parameter: its column is set before each run
  // of the subquery, so it is not a constant to fold.
  bool parameter = false;

  ExpressionPtr clone() const;
  bool is_constant() const { return op == ExprOp::kConstant && !parameter; }
  // True when the expression reads no column (it can be folded).
  bool is_foldable() const;
  bool is_deterministic() const;
  // Renders the expression for EXPLAIN, naming columns by `name` (and, with
  // `with_indices`, by position too: two expressions render alike exactly when equal).
  std::string to_string(bool with_indices = false) const;
};

ExpressionPtr make_column_ref(int index, columnar::DataType type, std::string name);
ExpressionPtr make_constant(columnar::Column value);  // one row
ExpressionPtr make_null_constant(columnar::DataType type);
ExpressionPtr make_bool_constant(bool v);
ExpressionPtr make_cast(ExpressionPtr e, columnar::DataType to, bool try_cast = false);
ExpressionPtr make_expression(ExprOp op, columnar::DataType type,
                              std::vector<ExpressionPtr> children);

// The operands of a chain of `op` (kAnd or kOr): a AND (b AND c) gives a, b, c.
void split_chain(ExprOp op, ExpressionPtr e, std::vector<ExpressionPtr>& out);
// The AND of `parts` (nullptr when empty); `parts` is emptied.
ExpressionPtr make_conjunction(std::vector<ExpressionPtr>& parts);

// Every column index the expression reads (appended to `out`).
void collect_columns(const Expression& e, std::vector<int>& out);
// Rewrites column indices through `mapping` (old index -> new index).
void remap_columns(Expression& e, const std::vector<int>& mapping);

}  // namespace floe::exec
