#include "sql/window_row_limits.h"

#include <algorithm>
#include <optional>

#include "exec/subquery.h"

namespace floe::sql {

using exec::ExprOp;
using exec::Expression;
using exec::PlanKind;
using exec::PlanNode;

namespace {

// The same PARTITION BY and ORDER BY (same expressions, directions and NULL order).
bool same_window(const exec::WindowCall& a, const exec::WindowCall& b) {
  if (a.partition_by.size() != b.partition_by.size() || a.order_by.size() != b.order_by.size())
    return false;
  for (size_t i = 0; i < a.partition_by.size(); ++i)
    if (a.partition_by[i]->to_string(true) != b.partition_by[i]->to_string(true)) return false;
  for (size_t i = 0; i < a.order_by.size(); ++i) {
    const auto &x = a.order_by[i], &y = b.order_by[i];
    if (x.descending != y.descending || x.nulls_first != y.nulls_first ||
        x.expr->to_string(true) != y.expr->to_string(true))
      return false;
  }
  return true;
}

bool ranking(exec::WindowFunctionKind k) {
  return k == exec::WindowFunctionKind::kRowNumber || k == exec::WindowFunctionKind::kRank ||
         k == exec::WindowFunctionKind::kDenseRank;
}

// Whether the window's functions are all ROW_NUMBER(), RANK() or DENSE_RANK() of one
// window, with deterministic keys (a key evaluated twice must give a row the same place).
bool only_rankings(const PlanNode& w) {
  if (w.windows.empty()) return false;
  for (const auto& call : w.windows) {
    if (!ranking(call.kind) || !same_window(call, w.windows[0])) return false;
    for (const auto& e : call.partition_by)
      if (!e->is_deterministic()) return false;
    for (const auto& k : call.order_by)
      if (!k.expr->is_deterministic()) return false;
  }
  return true;
}

std::optional<int64_t> integer_constant(const Expression& e) {
  if (e.op != ExprOp::kConstant || e.parameter || !e.constant || e.constant->is_null(0))
    return std::nullopt;
  if (e.type.id() == columnar::TypeId::kInt64) return e.constant->value<int64_t>(0);
  if (e.type.id() == columnar::TypeId::kInt32) return e.constant->value<int32_t>(0);
  return std::nullopt;
}

// The largest value a conjunct lets through, when it bounds a ranking column (an output
// column at or past `first_window_column`) by a constant; `column` is set to it.
std::optional<int64_t> row_bound(const Expression& e, int first_window_column, int& column) {
  if (e.children.size() != 2) return std::nullopt;
  ExprOp op = e.op;
  const Expression* col = e.children[0].get();
  const Expression* k = e.children[1].get();
  if (col->op != ExprOp::kColumn) {
    std::swap(col, k);
    switch (op) {  // k < rn is rn > k
      case ExprOp::kLess: op = ExprOp::kGreater; break;
      case ExprOp::kLessEqual: op = ExprOp::kGreaterEqual; break;
      case ExprOp::kGreater: op = ExprOp::kLess; break;
      case ExprOp::kGreaterEqual: op = ExprOp::kLessEqual; break;
      default: break;
    }
  }
  if (col->op != ExprOp::kColumn || col->column_index < first_window_column)
    return std::nullopt;
  std::optional<int64_t> v = integer_constant(*k);
  if (!v) return std::nullopt;
  column = col->column_index;
  switch (op) {
    case ExprOp::kEqual: case ExprOp::kLessEqual: return std::max<int64_t>(*v, 0);
    case ExprOp::kLess: return std::max<int64_t>(*v - 1, 0);
    default: return std::nullopt;
  }
}

void conjuncts(const Expression& e, std::vector<const Expression*>& out) {
  if (e.op == ExprOp::kAnd) {
    for (const auto& c : e.children) conjuncts(*c, out);
  } else {
    out.push_back(&e);
  }
}

void limit_in_subqueries(Expression& e) {
  if (e.op == ExprOp::kSubquery && e.subquery && e.subquery->plan)
    limit_window_rows(*e.subquery->plan);
  for (auto& c : e.children) limit_in_subqueries(*c);
}

}  // namespace

void limit_window_rows(PlanNode& n) {
  for (auto& e : n.exprs) limit_in_subqueries(*e);
  if (n.predicate) limit_in_subqueries(*n.predicate);
  if (n.residual) limit_in_subqueries(*n.residual);
  if (n.kind == PlanKind::kFilter) {
    // The filters down to the window (each sees the window's columns unchanged).
    std::vector<const Expression*> terms;
    PlanNode* below = &n;
    while (below->kind == PlanKind::kFilter && below->children.size() == 1) {
      if (below->predicate) conjuncts(*below->predicate, terms);
      below = below->children[0].get();
    }
    if (below->kind == PlanKind::kWindow && only_rankings(*below)) {
      // Each bound alone keeps a superset of the rows all of them let through: the one that
      // keeps fewest (the smallest bound; a row number's before a rank's before a dense
      // rank's, which count ties).
      const int first = int(below->children[0]->output.size());
      for (const Expression* t : terms) {
        int column = -1;
        std::optional<int64_t> b = row_bound(*t, first, column);
        if (!b) continue;
        exec::WindowFunctionKind kind = below->windows.at(size_t(column - first)).kind;
        if (below->limit < 0 || *b < below->limit ||
            (*b == below->limit && int(kind) < int(below->limit_kind))) {
          below->limit = *b;
          below->limit_kind = kind;
        }
      }
    }
  }
  for (auto& c : n.children) limit_window_rows(*c);
}

}  // namespace floe::sql
