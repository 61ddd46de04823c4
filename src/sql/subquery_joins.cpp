// Subqueries inside expressions (the select list, HAVING, ORDER BY, CASE branches, function
// arguments, WHERE conditions under OR or NOT) become joins, so that the inner query runs
// once for all outer rows instead of once per distinct outer value. A correlated scalar
// subquery is grouped by its correlation keys and LEFT JOINed on them; EXISTS is a MARK join
// on the keys; IN a MARK join on the keys and the value, with per-key counts of rows and of
// NULLs for IN's unknown answers (an uncorrelated IN is one null-aware MARK join). What the
// shapes here do not cover stays with per-value evaluation (exec/subquery.cpp).
#include <fmt/format.h>

#include "exec/aggregate_function.h"
#include "exec/type_rules.h"
#include "sql/binder_internal.h"

namespace floe::sql {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;
using exec::ExprOp;
using exec::ExpressionPtr;
using exec::PlanKind;
using exec::PlanNode;
using exec::PlanPtr;

namespace {

bool is_subquery_node(const Expr& e) {
  return e.kind == ExprKind::kScalarSubquery || e.kind == ExprKind::kExists ||
         e.kind == ExprKind::kInSubquery || e.kind == ExprKind::kQuantified;
}

// The subquery nodes of `e`, not looking inside subqueries, lambdas or the nodes of `skip`.
void collect_subqueries(const Expr& e, const std::set<const Expr*>& skip,
                        std::vector<const Expr*>& out) {
  if (skip.count(&e) || !e.lambda_params.empty()) return;
  if (is_subquery_node(e)) {
    out.push_back(&e);
    return;
  }
  for (const auto& a : e.args)
    if (a) collect_subqueries(*a, skip, out);
  if (e.filter) collect_subqueries(*e.filter, skip, out);
  if (e.case_operand) collect_subqueries(*e.case_operand, skip, out);
  for (const auto& [w, t] : e.when_then) {
    collect_subqueries(*w, skip, out);
    collect_subqueries(*t, skip, out);
  }
  if (e.else_expr) collect_subqueries(*e.else_expr, skip, out);
  for (const auto& o : e.order_by) collect_subqueries(*o.expr, skip, out);
}

}  // namespace

bool plain_select(const Query& q) {
  if (q.kind != QueryKind::kSelect || !q.ctes.empty() || q.limit || q.offset) return false;
  const Select& s = *q.select;
  return !s.group_by && !s.having && !s.qualify && s.windows.empty() && !s.from.empty() &&
         s.distinct_on.empty();
}

namespace {

bool single_item(const Select& s) {
  return s.items.size() == 1 && s.items[0].expr->kind != ExprKind::kStar;
}

bool has_window(const Expr& e) {
  std::vector<const Expr*> w;
  collect_windows(e, w);
  return !w.empty();
}

PlanPtr node(PlanKind kind) {
  auto p = std::make_unique<PlanNode>();
  p->kind = kind;
  return p;
}

// Casts both sides of a join key to their common type; false when they have none.
bool unify_keys(ExpressionPtr& a, ExpressionPtr& b, const SourcePos& pos) {
  auto t = exec::common_type(a->type, b->type);
  if (!t) return false;
  DataType common = t->id() == TypeId::kNull ? exec::bigint_type() : *t;
  a = cast_to(std::move(a), common, pos);
  b = cast_to(std::move(b), common, pos);
  return true;
}

ExpressionPtr unary(ExprOp op, ExpressionPtr x) {
  std::vector<ExpressionPtr> k;
  k.push_back(std::move(x));
  return exec::make_expression(op, exec::boolean_type(), std::move(k));
}

ExpressionPtr boolean_constant(std::optional<bool> v) {
  if (v) return exec::make_bool_constant(*v);
  return exec::make_null_constant(exec::boolean_type());
}

// CASE WHEN w0 THEN t0 .. ELSE e END.
ExpressionPtr case_of(std::vector<std::pair<ExpressionPtr, ExpressionPtr>> branches,
                      ExpressionPtr otherwise) {
  DataType t = otherwise->type;
  std::vector<ExpressionPtr> kids;
  for (auto& [w, v] : branches) {
    kids.push_back(std::move(w));
    kids.push_back(std::move(v));
  }
  kids.push_back(std::move(otherwise));
  auto c = exec::make_expression(ExprOp::kCase, t, std::move(kids));
  c->has_else = true;
  return c;
}

exec::AggregateCall aggregate_call(const std::string& name, std::vector<ExpressionPtr> args,
                                   bool star, const SourcePos& pos) {
  std::vector<DataType> types;
  for (const auto& a : args) types.push_back(a->type);
  exec::AggregateOptions opts;
  opts.star = star;
  auto fn = exec::resolve_aggregate(name, types, false, opts);
  if (!fn) bind_error(pos, fmt::format("aggregate {} does not exist", name));
  for (size_t i = 0; i < args.size() && i < fn->arg_types.size(); ++i)
    args[i] = cast_to(std::move(args[i]), fn->arg_types[i], pos);
  exec::AggregateCall call;
  call.function = *fn;
  call.args = std::move(args);
  return call;
}

// Joins `right` to `plan`, whose columns `scope` lists; the right side's columns (a MARK
// join's mark) are appended to the scope, hidden. Returns the index of the first of them.
int attach(PlanPtr& plan, Scope& scope, PlanPtr right, exec::JoinKind kind,
           std::vector<ExpressionPtr> left_keys, std::vector<ExpressionPtr> right_keys,
           ExpressionPtr residual = nullptr, bool null_aware = false) {
  int first = int(plan->output.size());
  auto join = node(left_keys.empty() ? PlanKind::kNestedLoopJoin : PlanKind::kHashJoin);
  join->join_type = kind;
  join->left_keys = std::move(left_keys);
  join->right_keys = std::move(right_keys);
  join->residual = std::move(residual);
  join->mark_null_aware = null_aware;
  join->output = plan->output;
  if (kind == exec::JoinKind::kMark) {
    join->output.emplace_back("#mark", exec::boolean_type());
  } else {
    join->output.insert(join->output.end(), right->output.begin(), right->output.end());
  }
  join->estimated_rows = plan->estimated_rows;
  for (size_t i = size_t(first); i < join->output.size(); ++i)
    scope.columns.push_back({"", "#subquery", join->output[i].type, true});
  join->children.push_back(std::move(plan));
  join->children.push_back(std::move(right));
  plan = std::move(join);
  return first;
}

ExpressionPtr column(const PlanNode& plan, int index) {
  return exec::make_column_ref(index, plan.output[size_t(index)].type, "#subquery");
}

// The value of a key's only row from columns at (its row count) and at + 1 (its value),
// failing with the single-row error when the count is two or more.
ExpressionPtr single_row_value_of(const PlanNode& plan, int at, const DataType& value_type,
                                  const SourcePos& pos) {
  std::vector<ExpressionPtr> kids;
  kids.push_back(cast_to(column(plan, at), exec::bigint_type(), pos));
  kids.push_back(column(plan, at + 1));
  auto call = exec::make_expression(ExprOp::kFunction, value_type, std::move(kids));
  call->function = exec::single_row_value(value_type);
  call->name = call->function.name;
  return call;
}

// Join keys between the outer keys and a relation grouped by the inner ones (its first
// columns), in their common types; false when a pair has none.
bool grouped_keys(const PlanNode& grouped, std::vector<ExpressionPtr>& outer_keys,
                  std::vector<ExpressionPtr>& lk, std::vector<ExpressionPtr>& rk, const SourcePos& pos) {
  for (size_t i = 0; i < outer_keys.size(); ++i) {
    lk.push_back(std::move(outer_keys[i]));
    rk.push_back(column(grouped, int(i)));
    if (!unify_keys(lk.back(), rk.back(), pos)) return false;
  }
  return true;
}

}  // namespace

bool mentions_subquery(const Expr& e) {
  std::vector<const Expr*> found;
  collect_subqueries(e, {}, found);
  return !found.empty();
}

void Binder::Impl::join_subqueries(const std::vector<const Expr*>& exprs,
                                   const std::set<const Expr*>& skip, PlanPtr& plan,
                                   BindContext& ctx, SubqueryJoins& joins) {
  std::vector<const Expr*> found;
  for (const Expr* e : exprs)
    if (e) collect_subqueries(*e, skip, found);
  for (const Expr* sq : found) {
    if (joins.subs.count(sq)) continue;
    ExpressionPtr v;
    try {
      v = join_subquery(*sq, plan, ctx);
    } catch (const BinderError&) {
      v = nullptr;  // per-value evaluation binds it again and reports what is wrong
    }
    if (!v) continue;
    auto shown = std::make_unique<exec::Expression>();
    shown->op = ExprOp::kSubquery;
    shown->type = v->type;
    if (sq->negated) shown = unary(ExprOp::kNot, std::move(shown));
    joins.subs[sq] = v.get();
    joins.display[sq] = shown.get();
    joins.values.push_back(std::move(v));
    joins.values.push_back(std::move(shown));
  }
}

bool Binder::Impl::split_conditions(const Select& sub, BindContext& outer_ctx,
                                    CorrelatedConditions& out) {
  Relation probe;
  {
    ExpressionPtr rest;
    probe = from_clause(sub.from, {}, nullptr, nullptr, &rest);
  }
  Scope inner_alone;
  inner_alone.columns = probe.columns;
  Scope outer_alone = *outer_ctx.scope;
  outer_alone.outer = nullptr;
  outer_alone.correlation = nullptr;
  auto binds_inner = [&](const Expr& e) { return binds_alone(e, inner_alone); };
  auto bind_outer = [&](const Expr& e) -> ExpressionPtr {
    BindContext c = outer_ctx;
    c.scope = &outer_alone;
    c.substitutions = nullptr;
    try {
      ExpressionPtr b = bind(e, c);
      return contains_subquery(*b) ? nullptr : std::move(b);
    } catch (const BinderError&) {
      return nullptr;
    }
  };
  std::vector<const Expr*> conds;
  flatten_conjuncts(sub.where.get(), conds);
  for (const Expr* c : conds) {
    if (binds_inner(*c)) {
      out.inner.push_back(c);
      continue;
    }
    out.correlated.push_back(c);
    if (c->kind == ExprKind::kBinary && c->binary_op == BinaryOp::kEqual &&
        !mentions_subquery(*c)) {
      const Expr& a = *c->args[0];
      const Expr& b = *c->args[1];
      ExpressionPtr o;
      if (binds_inner(a) && (o = bind_outer(b))) {
        out.inner_keys.push_back(&a);
        out.outer_keys.push_back(std::move(o));
        continue;
      }
      if (binds_inner(b) && (o = bind_outer(a))) {
        out.inner_keys.push_back(&b);
        out.outer_keys.push_back(std::move(o));
        continue;
      }
    }
    out.residual.push_back(c);
  }
  return true;
}

ExpressionPtr Binder::Impl::join_subquery(const Expr& sq, PlanPtr& plan, BindContext& ctx) {
  const Query& q = *sq.subquery;
  if (sq.kind == ExprKind::kInSubquery) return join_in(sq, plan, ctx);
  if (sq.kind == ExprKind::kQuantified) return join_quantified(sq, plan, ctx);
  if (sq.kind == ExprKind::kScalarSubquery && q.limit) return join_first_row(sq, plan, ctx);
  if (sq.kind == ExprKind::kScalarSubquery && q.kind == QueryKind::kSelect &&
      (q.select->group_by || q.select->distinct))
    return join_grouped_scalar(sq, plan, ctx);
  if (!plain_select(q)) return nullptr;
  const Select& sub = *q.select;
  CorrelatedConditions cc;
  if (!split_conditions(sub, ctx, cc)) return nullptr;
  if (cc.correlated.empty()) return nullptr;  // not correlated: it runs once
  bool by_keys = !cc.inner_keys.empty() && cc.residual.empty();
  if (sq.kind == ExprKind::kExists)
    return cc.inner_keys.empty() ? join_exists_by_domain(sq, cc, plan, ctx)
                                 : join_exists(sq, cc, plan, ctx);
  if (!single_item(sub) || sub.distinct) return nullptr;
  const Expr& item = *sub.items[0].expr;
  if (has_window(item)) return nullptr;
  if (!by_keys)
    return contains_aggregate(item) && !ctx.aggregates
               ? join_scalar_aggregate_by_domain(sq, cc, plan, *ctx.scope)
               : nullptr;
  if (contains_aggregate(item)) return join_scalar_aggregate(sq, cc, plan, *ctx.scope);
  return join_scalar_value(sq, cc, plan, *ctx.scope);
}

std::unique_ptr<KeyedAggregate> Binder::Impl::keyed_aggregate(const Select& sub, const CorrelatedConditions& cc) {
  auto k = std::make_unique<KeyedAggregate>();
  k->from = filtered_from(sub.from, cc.inner, nullptr, nullptr);
  k->scope.columns = k->from.columns;
  k->ctx.scope = &k->scope;
  k->agg = node(PlanKind::kAggregate);
  for (size_t i = 0; i < cc.inner_keys.size(); ++i) {
    k->agg->group_keys.push_back(bind(*cc.inner_keys[i], k->ctx));
    k->agg->output.emplace_back("#key" + std::to_string(i), k->agg->group_keys.back()->type);
  }
  return k;
}

PlanPtr KeyedAggregate::finish() {
  agg->estimated_rows = from.plan->estimated_rows;
  agg->children.push_back(std::move(from.plan));
  return std::move(agg);
}

BoundQuery Binder::Impl::grouped_by_keys(const Query& q, const CorrelatedConditions& cc,
                                         const PlanNode* outer) {
  SelectHooks hooks;
  hooks.extra_keys = cc.inner_keys;
  hooks.skip_where = cc.correlated;
  if (outer) reduce_to_outer_keys(hooks, *outer, cc.outer_keys);
  return select(*q.select, q, nullptr, nullptr, &hooks);
}

// (SELECT agg(..) FROM s WHERE s.k = t.k): grouped by s.k and LEFT JOINed. An outer row
// without a group gets the item's value over no rows: 0 for a bare COUNT, NULL for the
// aggregates that are NULL over no rows, else that value computed once.
ExpressionPtr Binder::Impl::join_scalar_aggregate(const Expr& sq, CorrelatedConditions& cc,
                                                  PlanPtr& plan, Scope& scope) {
  BoundQuery grouped = grouped_by_keys(*sq.subquery, cc, plan.get());
  size_t k = cc.inner_keys.size();
  std::vector<ExpressionPtr> lk, rk;
  if (grouped.plan->output.size() != k + 1) return nullptr;
  if (!grouped_keys(*grouped.plan, cc.outer_keys, lk, rk, sq.pos)) return nullptr;
  return attach_scalar_aggregate(sq, cc, std::move(grouped), k, std::move(lk), std::move(rk), plan,
                                 scope);
}

ExpressionPtr Binder::Impl::attach_scalar_aggregate(const Expr& sq, const CorrelatedConditions& cc,
                                                    BoundQuery grouped, size_t k,
                                                    std::vector<ExpressionPtr> lk,
                                                    std::vector<ExpressionPtr> rk, PlanPtr& plan,
                                                    Scope& scope) {
  const Query& q = *sq.subquery;
  const Select& sub = *q.select;
  if (grouped.plan->output.size() != k + 1) return nullptr;
  DataType value_type = grouped.plan->output[k].type;
  if (value_type.id() == TypeId::kNull) return nullptr;
  scalar_variant[&sq] = grouped.variant_type(k);
  const Expr& item = *sub.items[0].expr;
  std::string fn = item.kind == ExprKind::kFunction && !item.over && !item.filter
                       ? item.names.back()
                       : std::string();
  ExpressionPtr zero, over_none;
  if (fn == "count" || fn == "count_if") {
    Column z{exec::bigint_type()};
    z.append<int64_t>(0);
    zero = cast_to(exec::make_constant(std::move(z)), value_type, sq.pos);
  } else if (fn != "min" && fn != "max" && fn != "sum" && fn != "avg" && fn != "any_value") {
    SelectHooks none;
    none.skip_where = cc.correlated;
    none.empty_input = true;
    BoundQuery empty = select(sub, q, nullptr, nullptr, &none);
    if (empty.plan->output.size() != 1) return nullptr;
    auto s = std::make_shared<exec::Subquery>();
    s->kind = exec::SubqueryKind::kScalar;
    s->threads = options.threads;
    auto e = std::make_unique<exec::Expression>();
    e->op = ExprOp::kSubquery;
    e->type = empty.plan->output[0].type;
    e->subquery = s;
    s->plan = std::move(empty.plan);
    over_none = cast_to(std::move(e), value_type, sq.pos);
  }
  int base = attach(plan, scope, std::move(grouped.plan), exec::JoinKind::kLeft, std::move(lk),
                    std::move(rk));
  ExpressionPtr value = column(*plan, base + int(k));
  if (zero) {
    std::vector<ExpressionPtr> kids;
    kids.push_back(std::move(value));
    kids.push_back(std::move(zero));
    return exec::make_expression(ExprOp::kCoalesce, value_type, std::move(kids));
  }
  if (over_none) {
    std::vector<std::pair<ExpressionPtr, ExpressionPtr>> b;
    b.emplace_back(unary(ExprOp::kIsNull, column(*plan, base)), std::move(over_none));
    return case_of(std::move(b), std::move(value));
  }
  return value;
}

namespace {

// Whether `e` (over the outer columns, those below `width`, then the inner ones) is NULL
// whenever an outer column it reads is NULL, or (a conjunction) never TRUE then: columns,
// constants, casts, arithmetic, comparisons and LIKE pass a NULL on; CASE, COALESCE, OR,
// NOT, IN lists and functions may not.
bool null_when_outer_null(const exec::Expression& e, int width) {
  std::vector<int> cols;
  exec::collect_columns(e, cols);
  bool reads_outer = false;
  for (int c : cols) reads_outer = reads_outer || c < width;
  if (!reads_outer) return true;
  switch (e.op) {
    case ExprOp::kColumn: case ExprOp::kConstant:
    case ExprOp::kAdd: case ExprOp::kSubtract: case ExprOp::kMultiply: case ExprOp::kDivide:
    case ExprOp::kIntegerDivide: case ExprOp::kModulo: case ExprOp::kNegate: case ExprOp::kConcat:
    case ExprOp::kEqual: case ExprOp::kNotEqual: case ExprOp::kLess: case ExprOp::kLessEqual:
    case ExprOp::kGreater: case ExprOp::kGreaterEqual: case ExprOp::kLike: case ExprOp::kAnd:
      break;
    case ExprOp::kCast:
      if (e.try_cast) return false;
      break;
    default:
      return false;
  }
  for (const auto& c : e.children)
    if (!null_when_outer_null(*c, width)) return false;
  return true;
}

}  // namespace

ExpressionPtr Binder::Impl::bind_correlated_condition(const Expr& c,
                                                      const std::vector<ColumnBinding>& inner,
                                                      Scope& outer_alone, int width) {
  Scope inner_scope;
  inner_scope.columns = inner;
  inner_scope.outer = &outer_alone;
  Correlation local;
  inner_scope.correlation = &local;
  BindContext rctx;
  rctx.scope = &inner_scope;
  ExpressionPtr b = to_boolean(bind(c, rctx), c.pos, "WHERE");
  if (contains_subquery(*b)) return nullptr;
  shift_columns_by(*b, width);
  return substitute_outer(std::move(b), local);
}

namespace {

// `scope` without its enclosing scopes: outer references bind to its own columns.
Scope outer_only(const Scope& scope) {
  Scope s = scope;
  s.outer = nullptr;
  s.correlation = nullptr;
  return s;
}

// Join keys between the outer plan's domain columns and the first columns of `right` (the
// domain's values, grouped or matched), in their common types.
bool domain_keys(const PlanNode& outer, const PlanNode& right, const std::vector<int>& domain,
                 std::vector<ExpressionPtr>& lk, std::vector<ExpressionPtr>& rk,
                 const SourcePos& pos) {
  for (size_t d = 0; d < domain.size(); ++d) {
    lk.push_back(exec::make_column_ref(domain[d], outer.output[size_t(domain[d])].type, "#domain"));
    rk.push_back(column(right, int(d)));
    if (!unify_keys(lk.back(), rk.back(), pos)) return false;
  }
  return true;
}

}  // namespace

// The outer columns a subquery's correlated conditions read and their distinct values, for
// conditions that are not all key equalities: `columns` (outer column indices) and `plan`
// (DISTINCT over them, from the relation of the outer plan that holds them). False when a
// condition may be TRUE for a NULL outer value, reads a subquery, or the plan cannot be
// read twice.
bool Binder::Impl::outer_domain(const Select& sub, const CorrelatedConditions& cc,
                                const PlanNode& outer, Scope& outer_alone,
                                std::vector<int>& columns, PlanPtr& domain) {
  int width = int(outer.output.size());
  ExpressionPtr rest;
  Relation probe = from_clause(sub.from, {}, nullptr, nullptr, &rest);
  columns.clear();
  for (const Expr* c : cc.correlated) {
    ExpressionPtr b = bind_correlated_condition(*c, probe.columns, outer_alone, width);
    if (!b || !null_when_outer_null(*b, width)) return false;
    std::vector<int> cols;
    exec::collect_columns(*b, cols);
    for (int col : cols)
      if (col < width) columns.push_back(col);
  }
  std::sort(columns.begin(), columns.end());
  columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  if (columns.empty()) return false;
  std::vector<int> at = columns;
  const PlanNode* source = key_relation(outer, at);
  if (!source) {
    source = &outer;
    at = columns;
  }
  PlanPtr copy = exec::copy_plan(*source);
  if (!copy) return false;
  domain = node(PlanKind::kAggregate);
  for (size_t i = 0; i < at.size(); ++i) {
    const columnar::Field& f = copy->output[size_t(at[i])];
    domain->group_keys.push_back(exec::make_column_ref(at[i], f.type, f.name));
    domain->output.emplace_back("#domain" + std::to_string(i), f.type);
  }
  domain->estimated_rows = copy->estimated_rows;
  domain->children.push_back(std::move(copy));
  return true;
}

namespace {

// The join of a subquery's FROM rows (`inner`, `inner_width` columns) with the domain of the
// outer columns `columns` by the correlated `conditions` (over [the `width` outer columns,
// the inner ones]): equalities between an inner and an outer side as hash keys, the rest a
// residual. An INNER join with the inner rows first and the domain after, or (semi) the
// domain values some inner row matches.
PlanPtr join_with_domain(PlanPtr inner, int inner_width, PlanPtr domain,
                         const std::vector<int>& columns,
                         std::vector<ExpressionPtr> conditions, int width, bool semi,
                         const SourcePos& pos) {
  int dw = int(columns.size());
  // Over the join's columns: [inner, domain], or [domain, inner] for the semi join.
  int inner_at = semi ? dw : 0, domain_at = semi ? 0 : inner_width;
  std::vector<int> mapping(size_t(width) + size_t(inner_width), -1);
  for (int i = 0; i < inner_width; ++i) mapping[size_t(width + i)] = inner_at + i;
  for (int d = 0; d < dw; ++d) mapping[size_t(columns[size_t(d)])] = domain_at + d;
  auto join = node(PlanKind::kNestedLoopJoin);
  join->join_type = semi ? exec::JoinKind::kSemi : exec::JoinKind::kInner;
  std::vector<ExpressionPtr> residual;
  auto side = [&](const exec::Expression& e) {  // 1 inner only, 2 outer only, 0 else
    std::vector<int> cols;
    exec::collect_columns(e, cols);
    if (cols.empty()) return 0;
    bool in = false, out = false;
    for (int c : cols) (c < width ? out : in) = true;
    return in && !out ? 1 : (out && !in ? 2 : 0);
  };
  for (auto& c : conditions) {
    int a = c->op == ExprOp::kEqual ? side(*c->children[0]) : 0;
    int b = c->op == ExprOp::kEqual ? side(*c->children[1]) : 0;
    exec::remap_columns(*c, mapping);
    if (a && b && a != b) {
      // The left input's side, then the right's.
      bool inner_left = !semi;
      ExpressionPtr ik = std::move(c->children[a == 1 ? 0 : 1]);
      ExpressionPtr ok = std::move(c->children[a == 1 ? 1 : 0]);
      ExpressionPtr& lk = inner_left ? ik : ok;
      ExpressionPtr& rk = inner_left ? ok : ik;
      shift_columns_by(*rk, semi ? -dw : -inner_width);
      if (!unify_keys(lk, rk, pos))
        bind_error(pos, "the subquery's correlation keys have no common type");
      join->left_keys.push_back(std::move(lk));
      join->right_keys.push_back(std::move(rk));
      continue;
    }
    residual.push_back(std::move(c));
  }
  if (!join->left_keys.empty()) join->kind = PlanKind::kHashJoin;
  join->residual = exec::make_conjunction(residual);
  PlanPtr& left = semi ? domain : inner;
  PlanPtr& right = semi ? inner : domain;
  join->output = left->output;
  if (!semi) join->output.insert(join->output.end(), right->output.begin(), right->output.end());
  join->estimated_rows = left->estimated_rows;
  join->children.push_back(std::move(left));
  join->children.push_back(std::move(right));
  return join;
}

}  // namespace

// (SELECT agg(..) FROM s WHERE <conditions reading t>) when not every condition reading t is
// a key equality (s.d <= t.d; s.k = t.k AND s.g <> t.g): the distinct values of the outer
// columns those conditions read (outer_domain) are joined to s's rows by the conditions, the
// result is grouped by them and LEFT JOINed to t on them. Every condition is NULL (or never
// TRUE) when an outer column it reads is NULL: an outer row with a NULL there has no rows,
// as the LEFT JOIN gives it, and a domain value with a NULL forms no group.
ExpressionPtr Binder::Impl::join_scalar_aggregate_by_domain(const Expr& sq,
                                                            CorrelatedConditions& cc,
                                                            PlanPtr& plan, Scope& scope) {
  const Query& q = *sq.subquery;
  const Select& sub = *q.select;
  int width = int(plan->output.size());
  Scope outer_alone = outer_only(scope);
  std::vector<int> domain;
  PlanPtr values;
  if (!outer_domain(sub, cc, *plan, outer_alone, domain, values)) return nullptr;
  auto shared_domain = std::make_shared<PlanPtr>(std::move(values));
  bool joined = false;
  SelectHooks hooks;
  hooks.skip_where = cc.correlated;
  hooks.key_columns = domain.size();
  hooks.reduce_from = [&, shared_domain](Relation& from) {
    std::vector<ExpressionPtr> conditions;
    for (const Expr* c : cc.correlated) {
      conditions.push_back(bind_correlated_condition(*c, from.columns, outer_alone, width));
      if (!conditions.back()) bind_error(sq.pos, "the subquery's condition reads a subquery");
    }
    int inner_width = int(from.columns.size());
    PlanPtr dom = std::move(*shared_domain);
    for (const auto& f : dom->output) from.columns.push_back({"", f.name, f.type, true});
    from.plan = join_with_domain(std::move(from.plan), inner_width, std::move(dom), domain,
                                 std::move(conditions), width, false, sq.pos);
    joined = true;
  };
  BoundQuery grouped = select(sub, q, nullptr, nullptr, &hooks);
  if (!joined) return nullptr;
  std::vector<ExpressionPtr> lk, rk;
  if (!domain_keys(*plan, *grouped.plan, domain, lk, rk, sq.pos)) return nullptr;
  return attach_scalar_aggregate(sq, cc, std::move(grouped), domain.size(), std::move(lk),
                                 std::move(rk), plan, scope);
}

// [NOT] EXISTS (SELECT .. FROM s WHERE <conditions reading t>) without key equalities
// (s.v > t.v + 6): the distinct values of the outer columns the conditions read that some
// row of s matches (a semi join of those values with s), then a MARK join of t on them, so
// that s is tested once per distinct value rather than once per outer row. The conditions
// must be NULL or never TRUE for a NULL outer value (outer_domain), which EXISTS then
// answers FALSE, as the MARK join does.
ExpressionPtr Binder::Impl::join_exists_by_domain(const Expr& sq, CorrelatedConditions& cc,
                                                  PlanPtr& plan, BindContext& ctx) {
  const Select& sub = *sq.subquery->select;
  for (const auto& it : sub.items)
    if (it.expr->kind != ExprKind::kStar && contains_aggregate(*it.expr)) return nullptr;
  if (ctx.aggregates) return nullptr;
  Scope& scope = *ctx.scope;
  int width = int(plan->output.size());
  Scope outer_alone = outer_only(scope);
  std::vector<int> domain;
  PlanPtr values;
  if (!outer_domain(sub, cc, *plan, outer_alone, domain, values)) return nullptr;
  Relation inner = filtered_from(sub.from, cc.inner, nullptr, nullptr);
  std::vector<ExpressionPtr> conditions;
  for (const Expr* c : cc.correlated) {
    conditions.push_back(bind_correlated_condition(*c, inner.columns, outer_alone, width));
    if (!conditions.back()) return nullptr;
  }
  PlanPtr matched = join_with_domain(std::move(inner.plan), int(inner.columns.size()),
                                     std::move(values), domain, std::move(conditions), width,
                                     true, sq.pos);
  std::vector<ExpressionPtr> lk, rk;
  if (!domain_keys(*plan, *matched, domain, lk, rk, sq.pos)) return nullptr;
  int mark = attach(plan, scope, std::move(matched), exec::JoinKind::kMark, std::move(lk),
                    std::move(rk));
  ExpressionPtr v = column(*plan, mark);
  return sq.negated ? unary(ExprOp::kNot, std::move(v)) : std::move(v);
}

// [NOT] EXISTS (SELECT .. FROM s WHERE s.k = t.k [AND s.x < t.y]): a MARK join on the keys,
// the other correlated conditions its residual.
ExpressionPtr Binder::Impl::join_exists(const Expr& sq, CorrelatedConditions& cc, PlanPtr& plan,
                                        BindContext& ctx) {
  const Select& sub = *sq.subquery->select;
  for (const auto& it : sub.items)
    if (it.expr->kind != ExprKind::kStar && contains_aggregate(*it.expr)) return nullptr;
  if (!cc.residual.empty() && ctx.aggregates) return nullptr;
  Scope& scope = *ctx.scope;
  Relation inner = filtered_from(sub.from, cc.inner, nullptr, nullptr);
  int width = int(plan->output.size());
  std::vector<ExpressionPtr> residual;
  Scope outer_alone = outer_only(scope);
  for (const Expr* c : cc.residual) {
    ExpressionPtr b = bind_correlated_condition(*c, inner.columns, outer_alone, width);
    if (!b) return nullptr;
    residual.push_back(std::move(b));
  }
  Scope is;
  is.columns = inner.columns;
  BindContext ictx;
  ictx.scope = &is;
  std::vector<ExpressionPtr> lk, rk;
  for (size_t i = 0; i < cc.inner_keys.size(); ++i) {
    lk.push_back(std::move(cc.outer_keys[i]));
    rk.push_back(bind(*cc.inner_keys[i], ictx));
    if (!unify_keys(lk.back(), rk.back(), sq.pos)) return nullptr;
  }
  int mark = attach(plan, scope, std::move(inner.plan), exec::JoinKind::kMark, std::move(lk),
                    std::move(rk), exec::make_conjunction(residual));
  ExpressionPtr v = column(*plan, mark);
  return sq.negated ? unary(ExprOp::kNot, std::move(v)) : std::move(v);
}

// x [NOT] IN (subquery). Uncorrelated: one null-aware MARK join on x. Correlated by keys
// (s.k = t.k): a MARK join on (keys, x) says whether x is found, and a LEFT JOIN with the
// rows and non-NULL values per key gives the rest of IN's answer: FALSE with no rows, else
// NULL when x is NULL or not found among values that include a NULL, else FALSE.
ExpressionPtr Binder::Impl::join_in(const Expr& sq, PlanPtr& plan, BindContext& ctx) {
  const Query& q = *sq.subquery;
  Scope& scope = *ctx.scope;
  ExpressionPtr needle;
  {
    BindContext nctx = ctx;
    nctx.substitutions = nullptr;
    needle = bind(*sq.args[0], nctx);
  }
  if (contains_subquery(*needle)) return nullptr;
  auto finish = [&](ExpressionPtr v) {
    return sq.negated ? unary(ExprOp::kNot, std::move(v)) : std::move(v);
  };
  std::optional<BoundQuery> alone;
  try {
    alone = query(q, nullptr, nullptr);
  } catch (const BinderError&) {
    alone.reset();  // it reads outer columns
  }
  if (alone) {
    if (alone->plan->output.size() != 1) return nullptr;
    sqlite_never_equal(needle, alone->plan);
    std::vector<ExpressionPtr> lk, rk;
    lk.push_back(std::move(needle));
    rk.push_back(column(*alone->plan, 0));
    if (!unify_keys(lk.back(), rk.back(), sq.pos)) return nullptr;
    int mark = attach(plan, scope, std::move(alone->plan), exec::JoinKind::kMark, std::move(lk),
                      std::move(rk), nullptr, true);
    return finish(column(*plan, mark));
  }
  if (!plain_select(q)) return nullptr;
  const Select& sub = *q.select;
  if (!single_item(sub) || contains_aggregate(*sub.items[0].expr) ||
      has_window(*sub.items[0].expr))
    return nullptr;
  CorrelatedConditions cc;
  if (!split_conditions(sub, ctx, cc)) return nullptr;
  if (cc.inner_keys.empty() || !cc.residual.empty()) return nullptr;
  size_t k = cc.inner_keys.size();
  // Whether x is found among its key's values.
  Relation values = filtered_from(sub.from, cc.inner, nullptr, nullptr);
  Scope vs;
  vs.columns = values.columns;
  BindContext vctx;
  vctx.scope = &vs;
  std::vector<ExpressionPtr> lk, rk;
  for (size_t i = 0; i < k; ++i) {
    lk.push_back(cc.outer_keys[i]->clone());
    rk.push_back(bind(*cc.inner_keys[i], vctx));
    if (!unify_keys(lk.back(), rk.back(), sq.pos)) return nullptr;
  }
  ExpressionPtr item = bind(*sub.items[0].expr, vctx);
  if (contains_subquery(*item)) return nullptr;
  if (needle_never_equals(*needle, item->type)) return nullptr;  // per outer value instead
  lk.push_back(needle->clone());
  rk.push_back(item->clone());
  if (!unify_keys(lk.back(), rk.back(), sq.pos)) return nullptr;
  // Rows and non-NULL values per key.
  auto counted = keyed_aggregate(sub, cc);
  counted->agg->aggregates.push_back(aggregate_call("count", {}, true, sq.pos));
  std::vector<ExpressionPtr> args;
  args.push_back(bind(*sub.items[0].expr, counted->ctx));
  counted->agg->aggregates.push_back(aggregate_call("count", std::move(args), false, sq.pos));
  counted->agg->output.emplace_back("#rows", counted->agg->aggregates[0].function.result_type);
  counted->agg->output.emplace_back("#values", counted->agg->aggregates[1].function.result_type);
  PlanPtr agg = counted->finish();
  std::vector<ExpressionPtr> clk, crk;
  if (!grouped_keys(*agg, cc.outer_keys, clk, crk, sq.pos)) return nullptr;
  int found = attach(plan, scope, std::move(values.plan), exec::JoinKind::kMark, std::move(lk),
                     std::move(rk));
  int base = attach(plan, scope, std::move(agg), exec::JoinKind::kLeft, std::move(clk),
                    std::move(crk));
  ExpressionPtr rows = column(*plan, base + int(k));
  ExpressionPtr non_null = column(*plan, base + int(k) + 1);
  std::vector<std::pair<ExpressionPtr, ExpressionPtr>> b;
  b.emplace_back(unary(ExprOp::kIsNull, rows->clone()), boolean_constant(false));
  b.emplace_back(column(*plan, found), boolean_constant(true));
  b.emplace_back(unary(ExprOp::kIsNull, std::move(needle)), boolean_constant(std::nullopt));
  b.emplace_back(comparison(ExprOp::kGreater, std::move(rows), std::move(non_null), sq.pos),
                 boolean_constant(std::nullopt));
  return finish(case_of(std::move(b), boolean_constant(false)));
}

// x <op> ANY|ALL (S). = ANY is IN and <> ALL is NOT IN (join_in). The others read S's row
// count, non-NULL count and least and greatest value: for S correlated by keys, S's query
// with those four aggregates as its items, grouped by the keys and LEFT JOINed, so S runs
// once for all outer rows. Uncorrelated S is left to bind_quantified (each statistic runs
// once there).
ExpressionPtr Binder::Impl::join_quantified(const Expr& sq, PlanPtr& plan, BindContext& ctx) {
  bool all = sq.quantifier == Quantifier::kAll;
  if ((sq.binary_op == BinaryOp::kEqual && !all) || (sq.binary_op == BinaryOp::kNotEqual && all)) {
    // The IN node borrows the needle and the subquery for the call.
    Expr in;
    in.kind = ExprKind::kInSubquery;
    in.pos = sq.pos;
    in.negated = all;
    auto& self = const_cast<Expr&>(sq);
    in.args.push_back(std::move(self.args[0]));
    in.subquery = std::move(self.subquery);
    ExpressionPtr v;
    try {
      v = join_in(in, plan, ctx);
    } catch (...) {
      self.args[0] = std::move(in.args[0]);
      self.subquery = std::move(in.subquery);
      throw;
    }
    self.args[0] = std::move(in.args[0]);
    self.subquery = std::move(in.subquery);
    return v;
  }
  if (sq.text.empty()) return nullptr;
  ExprPtr stats = quantified_statistics(sq, {{"count", true}, {"count", false}, {"min", false}, {"max", false}});
  if (!stats) return nullptr;
  const Query& q = *stats->subquery;
  const Select& sub = *q.select;
  CorrelatedConditions cc;
  if (!split_conditions(sub, ctx, cc) || cc.inner_keys.empty() || !cc.residual.empty()) return nullptr;
  ExpressionPtr x;
  {
    BindContext nctx = ctx;
    nctx.substitutions = nullptr;
    x = bind(*sq.args[0], nctx);
  }
  if (contains_subquery(*x)) return nullptr;
  BoundQuery grouped = grouped_by_keys(q, cc);
  size_t k = cc.inner_keys.size();
  if (grouped.plan->output.size() != k + 4) return nullptr;
  std::vector<ExpressionPtr> lk, rk;
  if (!grouped_keys(*grouped.plan, cc.outer_keys, lk, rk, sq.pos)) return nullptr;
  int at = attach(plan, *ctx.scope, std::move(grouped.plan), exec::JoinKind::kLeft, std::move(lk), std::move(rk)) +
           int(k);
  quantified_statistics_.push_back(std::move(stats));
  // A key without rows has no group: its counts are 0, its least and greatest NULL.
  auto count = [&](int i) {
    std::vector<ExpressionPtr> kids;
    kids.push_back(column(*plan, at + i));
    Column zero{exec::bigint_type()};
    zero.append<int64_t>(0);
    kids.push_back(cast_to(exec::make_constant(std::move(zero)), kids[0]->type, sq.pos));
    DataType t = kids[0]->type;
    return exec::make_expression(ExprOp::kCoalesce, t, std::move(kids));
  };
  return quantified_answer(sq, std::move(x), [&](const char* function, bool star) -> ExpressionPtr {
    if (std::string_view(function) == "count") return count(star ? 0 : 1);
    return column(*plan, at + (std::string_view(function) == "min" ? 2 : 3));
  });
}

// (SELECT v FROM s WHERE s.k = t.k [ORDER BY o] LIMIT 1): join_scalar_value's first row.
ExpressionPtr Binder::Impl::join_first_row(const Expr& sq, PlanPtr& plan, BindContext& ctx) {
  const Query& q = *sq.subquery;
  const Expr& limit = *q.limit;
  if (limit.kind != ExprKind::kLiteral || limit.literal_kind != LiteralKind::kInteger || limit.text != "1" ||
      q.offset || q.order_by.size() > 1 || q.kind != QueryKind::kSelect || !q.ctes.empty())
    return nullptr;
  const Select& sub = *q.select;
  if (sub.group_by || sub.having || sub.qualify || !sub.windows.empty() || sub.from.empty() ||
      !sub.distinct_on.empty() || sub.distinct || !single_item(sub))
    return nullptr;
  const Expr& item = *sub.items[0].expr;
  if (has_window(item) || contains_aggregate(item)) return nullptr;
  if (!q.order_by.empty()) {
    const Expr& o = *q.order_by[0].expr;
    // ORDER BY 1 and ORDER BY <the item's alias> name the item; an aggregate or window
    // orders nothing here.
    if (o.kind == ExprKind::kLiteral || has_window(o) || contains_aggregate(o)) return nullptr;
    if (o.kind == ExprKind::kColumnRef && o.names.size() == 1 && o.names[0] == sub.items[0].alias) return nullptr;
  }
  CorrelatedConditions cc;
  if (!split_conditions(sub, ctx, cc) || cc.inner_keys.empty() || !cc.residual.empty()) return nullptr;
  return join_scalar_value(sq, cc, plan, *ctx.scope, true);
}

// (SELECT v FROM s WHERE s.k = t.k): s grouped by s.k with COUNT(*) and ANY_VALUE(v), LEFT
// JOINed; a key with more than one row is the single-row error when an outer row reads it.
// With `first_row` (LIMIT 1 [ORDER BY o]) a key's value is its first row's instead: the one
// with the least (greatest) o, a row with a NULL o where the order puts NULLs first or no o
// is non-NULL, or any row without ORDER BY.
ExpressionPtr Binder::Impl::join_scalar_value(const Expr& sq, CorrelatedConditions& cc, PlanPtr& plan,
                                              Scope& scope, bool first_row) {
  const Select& sub = *sq.subquery->select;
  const OrderItem* order = first_row && !sq.subquery->order_by.empty() ? &sq.subquery->order_by[0] : nullptr;
  auto inner = keyed_aggregate(sub, cc);
  PlanPtr& agg = inner->agg;
  size_t k = cc.inner_keys.size();
  ExpressionPtr v = bind(*sub.items[0].expr, inner->ctx);
  scalar_variant[&sq] = variant_type_of(*sub.items[0].expr, inner->ctx);
  if (v->type.id() == TypeId::kNull) v = cast_to(std::move(v), exec::bigint_type(), sq.pos);
  ExpressionPtr key;
  if (order) {
    key = bind(*order->expr, inner->ctx);
    if (contains_subquery(*key)) return nullptr;
  }
  auto add = [&](exec::AggregateCall call, const char* name) {
    agg->output.emplace_back(name, call.function.result_type);
    agg->aggregates.push_back(std::move(call));
  };
  auto of = [](std::vector<ExpressionPtr*> xs) {
    std::vector<ExpressionPtr> args;
    for (ExpressionPtr* x : xs) args.push_back((*x)->clone());
    return args;
  };
  if (!first_row) add(aggregate_call("count", {}, true, sq.pos), "#rows");
  exec::AggregateCall any = aggregate_call("any_value", of({&v}), false, sq.pos);
  if (key) any.filter = unary(ExprOp::kIsNull, key->clone());
  add(std::move(any), "#value");
  if (key) {
    add(aggregate_call(order->descending ? "max_by" : "min_by", of({&v, &key}), false, sq.pos), "#first");
    add(aggregate_call("count", {}, true, sq.pos), "#rows");
    add(aggregate_call("count", of({&key}), false, sq.pos), "#ordered");
  }
  PlanPtr grouped = inner->finish();
  std::vector<ExpressionPtr> lk, rk;
  if (!grouped_keys(*grouped, cc.outer_keys, lk, rk, sq.pos)) return nullptr;
  DataType value_type = v->type;
  int at = attach(plan, scope, std::move(grouped), exec::JoinKind::kLeft, std::move(lk), std::move(rk)) + int(k);
  if (!first_row) return single_row_value_of(*plan, at, value_type, sq.pos);
  if (!key) return column(*plan, at);
  // The row with a NULL o when NULLs come first and there is one, or when no row has a
  // non-NULL o; else the least (greatest).
  ExpressionPtr rows = column(*plan, at + 2), ordered = column(*plan, at + 3);
  std::vector<std::pair<ExpressionPtr, ExpressionPtr>> b;
  if (order->nulls_first.value_or(order->descending)) {
    b.emplace_back(comparison(ExprOp::kGreater, std::move(rows), std::move(ordered), sq.pos), column(*plan, at));
  } else {
    Column zero{exec::bigint_type()};
    zero.append<int64_t>(0);
    b.emplace_back(comparison(ExprOp::kEqual, std::move(ordered), exec::make_constant(std::move(zero)), sq.pos),
                   column(*plan, at));
  }
  return case_of(std::move(b), column(*plan, at + 1));
}

namespace {

// Whether the column references `a` and `b` name one column of a FROM clause where both bind
// (a name that two of its tables have would not bind unqualified).
bool same_column(const Expr& a, const Expr& b) {
  if (a.kind != ExprKind::kColumnRef || b.kind != ExprKind::kColumnRef || a.names.empty() ||
      b.names.empty() || a.names.back() != b.names.back())
    return false;
  return a.names.size() == 1 || b.names.size() == 1 || a.names == b.names;
}

}  // namespace

// (SELECT agg(..) FROM s WHERE s.k = t.k [AND ..] GROUP BY g [HAVING ..]) and (SELECT
// DISTINCT v FROM s WHERE s.k = t.k): the subquery grouped by s.k beside g (DISTINCT v is
// GROUP BY v), then by s.k alone with its row count, LEFT JOINed. An outer row whose key has
// no group reads NULL (no row, unlike an aggregate without GROUP BY); one whose key has two
// or more groups is the single-row error when it reads it. When g is the keys themselves,
// each key has at most one group, and the grouped rows are joined as they are.
ExpressionPtr Binder::Impl::join_grouped_scalar(const Expr& sq, PlanPtr& plan, BindContext& ctx) {
  const Query& q = *sq.subquery;
  if (!q.ctes.empty() || q.offset) return nullptr;
  const Select& sub = *q.select;
  if (sub.qualify || !sub.windows.empty() || sub.from.empty() || !sub.distinct_on.empty() ||
      !single_item(sub))
    return nullptr;
  const Expr& item = *sub.items[0].expr;
  if (has_window(item)) return nullptr;
  bool aggregate = contains_aggregate(item) || (sub.having && contains_aggregate(*sub.having));
  // Grouping sets would leave the keys out of some groups; GROUP BY ALL and plain keys keep
  // them in every group.
  if (sub.group_by && sub.group_by->kind != GroupingKind::kPlain &&
      sub.group_by->kind != GroupingKind::kAll)
    return nullptr;
  // HAVING without GROUP BY is not this shape.
  if (!sub.group_by && sub.having) return nullptr;
  CorrelatedConditions cc;
  if (!split_conditions(sub, ctx, cc) || cc.inner_keys.empty() || !cc.residual.empty()) return nullptr;
  // DISTINCT over an aggregate without GROUP BY keeps its one row: a scalar aggregate.
  if (!sub.group_by && aggregate) return join_scalar_aggregate(sq, cc, plan, *ctx.scope);
  size_t k = cc.inner_keys.size();
  // Whether every GROUP BY key is a correlation key: at most one group per key.
  bool one_group = sub.group_by && sub.group_by->kind == GroupingKind::kPlain;
  if (one_group)
    for (const auto& set : sub.group_by->sets)
      for (const auto& g : set) {
        bool found = false;
        for (const Expr* key : cc.inner_keys) found = found || same_column(*g, *key);
        one_group = one_group && found;
      }
  BoundQuery grouped;
  {
    // SELECT DISTINCT v is GROUP BY ALL (v) here, so that the keys join the grouping (and
    // the groups are distinct already); the Select is the statement's own and gets its
    // clauses back before anything else reads it.
    auto& editable = const_cast<Select&>(sub);
    bool as_group_by_all = !sub.group_by;
    if (as_group_by_all) {
      editable.group_by = GroupBy{GroupingKind::kAll, {}};
      editable.distinct = false;
    }
    struct Restore {
      Select& s;
      bool on;
      ~Restore() {
        if (!on) return;
        s.group_by.reset();
        s.distinct = true;
      }
    } restore{editable, as_group_by_all};
    grouped = grouped_by_keys(q, cc, plan.get());
  }
  if (grouped.plan->output.size() != k + 1) return nullptr;
  DataType value_type = grouped.plan->output[k].type;
  if (value_type.id() == TypeId::kNull) return nullptr;
  scalar_variant[&sq] = grouped.variant_type(k);
  PlanPtr right = std::move(grouped.plan);
  if (!one_group) {
    auto agg = node(PlanKind::kAggregate);
    for (size_t i = 0; i < k; ++i) {
      agg->group_keys.push_back(column(*right, int(i)));
      agg->output.emplace_back("#key" + std::to_string(i), right->output[i].type);
    }
    std::vector<ExpressionPtr> value;
    value.push_back(column(*right, int(k)));
    agg->aggregates.push_back(aggregate_call("count", {}, true, sq.pos));
    agg->output.emplace_back("#rows", agg->aggregates.back().function.result_type);
    agg->aggregates.push_back(aggregate_call("any_value", std::move(value), false, sq.pos));
    agg->output.emplace_back("#value", agg->aggregates.back().function.result_type);
    agg->estimated_rows = right->estimated_rows;
    agg->children.push_back(std::move(right));
    right = std::move(agg);
  }
  std::vector<ExpressionPtr> lk, rk;
  if (!grouped_keys(*right, cc.outer_keys, lk, rk, sq.pos)) return nullptr;
  int at = attach(plan, *ctx.scope, std::move(right), exec::JoinKind::kLeft, std::move(lk),
                  std::move(rk)) + int(k);
  if (one_group) return column(*plan, at);
  return single_row_value_of(*plan, at, value_type, sq.pos);
}

}  // namespace floe::sql
