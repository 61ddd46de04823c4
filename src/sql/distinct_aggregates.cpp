#include "sql/distinct_aggregates.h"

#include <optional>
#include <string_view>

#include "exec/aggregate_function.h"
#include "exec/subquery.h"

namespace floe::sql {

using exec::AggregateCall;
using exec::Expression;
using exec::ExprOp;
using exec::PlanKind;
using exec::PlanNode;
using exec::ExpressionPtr;
using exec::PlanPtr;

namespace {

// Aggregates whose DISTINCT form is the plain one over each group's distinct values (the
// values arrive once each, NULLs left out as the plain forms leave them out).
bool splits_as_distinct(const exec::AggregateFunction& f) {
  static constexpr std::string_view kNames[] = {"count", "sum", "avg", "mean", "min", "max",
                                                "approx_count_distinct"};
  for (auto n : kNames)
    if (f.name == n) return true;
  return false;
}

// Plain aggregates that give the same answer over the distinct rows' partial results as
// over all rows: computed per (keys, x) first, then again per keys.
bool repeats_over_partials(const exec::AggregateFunction& f) {
  return !f.distinct && (f.name == "min" || f.name == "max" || f.name == "any_value");
}

// The DISTINCT argument every DISTINCT aggregate of `n` shares, or nullptr when `n` is not
// a plain grouping whose aggregates all split.
const Expression* shared_distinct_argument(const PlanNode& n) {
  if (!n.grouping_sets.empty()) return nullptr;
  const Expression* x = nullptr;
  std::string text;
  for (const AggregateCall& a : n.aggregates) {
    if (a.filter || a.args.size() != 1) return nullptr;
    if (!a.function.distinct) {
      if (!repeats_over_partials(a.function)) return nullptr;
      continue;
    }
    if (!splits_as_distinct(a.function) || !a.args[0]->is_deterministic()) return nullptr;
    std::string t = a.args[0]->to_string(true);
    if (!x) {
      x = a.args[0].get();
      text = std::move(t);
    } else if (t != text) {
      return nullptr;
    }
  }
  return x;
}

// The plain aggregate `name` over one column of `type`, when it gives `result` with no
// cast of its argument.
std::optional<exec::AggregateFunction> plain_over(std::string_view name,
                                                  const columnar::DataType& type,
                                                  const columnar::DataType& result) {
  if (name == "approx_count_distinct") name = "count";
  std::vector<columnar::DataType> args{type};
  auto f = exec::resolve_aggregate(name, args, false, {});
  if (!f || f->arg_types.size() != 1 || !(f->arg_types[0] == type) || !(f->result_type == result))
    return std::nullopt;
  return f;
}

// `n` as the outer grouping over a new inner one, or false (n unchanged) when it does not split.
bool split(PlanNode& n) {
  const Expression* x = shared_distinct_argument(n);
  if (!x) return false;
  size_t keys = n.group_keys.size();
  auto inner = std::make_unique<PlanNode>();
  inner->kind = PlanKind::kAggregate;
  std::vector<ExpressionPtr> outer_keys;
  for (size_t k = 0; k < keys; ++k) {
    inner->output.push_back(n.output[k]);
    outer_keys.push_back(exec::make_column_ref(int(k), n.output[k].type, n.output[k].name));
  }
  inner->output.emplace_back(x->to_string(), x->type);
  std::vector<AggregateCall> outer_aggs;
  for (size_t a = 0; a < n.aggregates.size(); ++a) {
    const AggregateCall& call = n.aggregates[a];
    const columnar::Field& result = n.output[keys + a];
    AggregateCall outer;
    if (call.function.distinct) {
      auto f = plain_over(call.function.name, x->type, result.type);
      if (!f) return false;
      outer.function = std::move(*f);
      outer.args.push_back(exec::make_column_ref(int(keys), x->type, inner->output[keys].name));
    } else {
      auto f = plain_over(call.function.name, result.type, result.type);
      if (!f) return false;
      outer.function = std::move(*f);
      int at = int(inner->output.size());
      inner->output.push_back(result);
      outer.args.push_back(exec::make_column_ref(at, result.type, result.name));
    }
    outer_aggs.push_back(std::move(outer));
  }
  for (auto& k : n.group_keys) inner->group_keys.push_back(std::move(k));
  inner->group_keys.push_back(x->clone());
  for (auto& call : n.aggregates)
    if (!call.function.distinct) inner->aggregates.push_back(std::move(call));
  inner->children = std::move(n.children);
  inner->estimated_rows = inner->children[0]->estimated_rows;
  n.group_keys = std::move(outer_keys);
  n.aggregates = std::move(outer_aggs);
  n.children.clear();
  n.children.push_back(std::move(inner));
  return true;
}

void split_in_subqueries(Expression& e) {
  if (e.op == ExprOp::kSubquery && e.subquery && e.subquery->plan)
    split_distinct_aggregates(*e.subquery->plan);
  for (auto& c : e.children) split_in_subqueries(*c);
}

}  // namespace

void split_distinct_aggregates(PlanNode& n) {
  for (auto& e : n.exprs) split_in_subqueries(*e);
  if (n.predicate) split_in_subqueries(*n.predicate);
  if (n.residual) split_in_subqueries(*n.residual);
  if (n.kind == PlanKind::kAggregate) split(n);
  for (auto& c : n.children) split_distinct_aggregates(*c);
}

}  // namespace floe::sql
