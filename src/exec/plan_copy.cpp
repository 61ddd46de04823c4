// Copying a plan subtree that reads its tables again (see copy_plan in plan.h), for a
// rewrite that needs a relation's rows twice, such as the keys a grouped subquery is
// reduced to.
#include "exec/plan.h"

namespace floe::exec {

namespace {

bool reads_subquery(const Expression& e) {
  if (e.op == ExprOp::kSubquery) return true;
  for (const auto& c : e.children)
    if (reads_subquery(*c)) return true;
  return false;
}

// A copy of `e`; `ok` becomes false when it runs a subquery (whose plan would be shared) or
// is not deterministic (the copy's rows could differ).
ExpressionPtr copy_expression(const ExpressionPtr& e, bool& ok) {
  if (!e) return nullptr;
  if (reads_subquery(*e) || !e->is_deterministic()) {
    ok = false;
    return nullptr;
  }
  return e->clone();
}

std::vector<ExpressionPtr> copy_expressions(const std::vector<ExpressionPtr>& es, bool& ok) {
  std::vector<ExpressionPtr> out;
  for (const auto& e : es) out.push_back(copy_expression(e, ok));
  return out;
}

}  // namespace

PlanPtr copy_plan(const PlanNode& plan) {
  auto n = std::make_unique<PlanNode>();
  n->kind = plan.kind;
  n->output = plan.output;
  n->estimated_rows = plan.estimated_rows;
  bool ok = true;
  switch (plan.kind) {
    case PlanKind::kScan:
      n->source = plan.source->reopen();
      if (!n->source) return nullptr;
      n->scan_columns = plan.scan_columns;
      n->pushed = plan.pushed.clone();
      n->predicate = copy_expression(plan.predicate, ok);
      break;
    case PlanKind::kFilter:
      n->predicate = copy_expression(plan.predicate, ok);
      break;
    case PlanKind::kProject:
      n->exprs = copy_expressions(plan.exprs, ok);
      break;
    case PlanKind::kHashJoin:
    case PlanKind::kNestedLoopJoin:
      n->join_type = plan.join_type;
      n->left_keys = copy_expressions(plan.left_keys, ok);
      n->right_keys = copy_expressions(plan.right_keys, ok);
      n->residual = copy_expression(plan.residual, ok);
      n->mark_null_aware = plan.mark_null_aware;
      n->emit_columns = plan.emit_columns;
      break;
    case PlanKind::kDistinct:
    case PlanKind::kEmpty:
      break;
    default:
      return nullptr;
  }
  if (!ok) return nullptr;
  for (const auto& c : plan.children) {
    PlanPtr child = copy_plan(*c);
    if (!child) return nullptr;
    n->children.push_back(std::move(child));
  }
  return n;
}

}  // namespace floe::exec
