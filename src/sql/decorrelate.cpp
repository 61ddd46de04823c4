// Decorrelation: subqueries in WHERE that test for matching rows ([NOT] EXISTS, IN) become
// semi and anti joins, so the inner query runs once for all outer rows instead of once per
// distinct outer value. The subquery's conditions that read only its own columns filter
// its FROM clause; those that read outer columns become the join's keys (equalities) and
// residual condition.
#include <fmt/format.h>

#include <algorithm>

#include "exec/type_rules.h"
#include "sql/binder_internal.h"

namespace floe::sql {

using exec::ExprOp;
using exec::ExpressionPtr;
using exec::PlanKind;
using exec::PlanNode;
using columnar::Column;

void flatten_conjuncts(const Expr* e, std::vector<const Expr*>& out) {
  if (!e) return;
  if (e->kind == ExprKind::kBinary && e->binary_op == BinaryOp::kAnd) {
    flatten_conjuncts(e->args[0].get(), out);
    flatten_conjuncts(e->args[1].get(), out);
    return;
  }
  out.push_back(e);
}

namespace {

// The EXISTS / IN node of a conjunct, and whether it is negated.
const Expr* subquery_test(const Expr& e, bool& negated) {
  negated = false;
  const Expr* x = &e;
  if (x->kind == ExprKind::kUnary && x->unary_op == UnaryOp::kNot) {
    negated = true;
    x = x->args[0].get();
  }
  if (x->kind == ExprKind::kExists) {
    negated = negated != x->negated;
    return x;
  }
  if (x->kind == ExprKind::kInSubquery && !x->negated && !negated) return x;
  return nullptr;
}

bool simple_select(const Query& q) {
  if (q.kind != QueryKind::kSelect || !q.ctes.empty() || q.limit || q.offset) return false;
  const Select& s = *q.select;
  if (s.group_by || s.having || s.qualify || !s.windows.empty() || s.from.empty()) return false;
  for (const auto& it : s.items)
    if (it.expr->kind != ExprKind::kStar && contains_aggregate(*it.expr)) return false;
  return true;
}

// Which sides an expression reads: bit 1 the outer columns (< width), bit 2 the inner.
int sides(const exec::Expression& e, int width) {
  std::vector<int> cols;
  exec::collect_columns(e, cols);
  int s = 0;
  for (int c : cols) s |= c < width ? 1 : 2;
  return s;
}

// x IN (..) as a join key pair: the needle and the subquery's item in their common type;
// false when they have none.
bool add_in_keys(PlanNode& join, ExpressionPtr needle, ExpressionPtr item, const SourcePos& pos) {
  auto t = exec::common_type(needle->type, item->type);
  if (!t) return false;
  columnar::DataType common = t->id() == columnar::TypeId::kNull ? exec::bigint_type() : *t;
  join.left_keys.push_back(cast_to(std::move(needle), common, pos));
  join.right_keys.push_back(cast_to(std::move(item), common, pos));
  return true;
}

// A hash join builds its right child. A semi or anti join whose outer rows (left) are
// estimated fewer than the subquery's swaps its children: the outer rows are hashed and
// flagged as the subquery's rows stream past (RIGHT SEMI / RIGHT ANTI), keeping the same rows.
void build_smaller_side(PlanNode& join) {
  bool semi = join.join_type == exec::JoinKind::kSemi;
  if (join.kind != PlanKind::kHashJoin || (!semi && join.join_type != exec::JoinKind::kAnti))
    return;
  double outer = filtered_rows_estimate(*join.children[0]);
  double inner = filtered_rows_estimate(*join.children[1]);
  if (outer < 0 || inner < 0 || outer >= inner) return;
  join.join_type = semi ? exec::JoinKind::kRightSemi : exec::JoinKind::kRightAnti;
  swap_join_inputs(join);
}

// `outer` becomes the semi or anti `join` of its rows with `inner`'s (outer's columns only).
void join_onto(std::unique_ptr<PlanNode> join, exec::PlanPtr& outer, exec::PlanPtr inner) {
  join->output = outer->output;
  join->estimated_rows = outer->estimated_rows;
  join->children.push_back(std::move(outer));
  join->children.push_back(std::move(inner));
  build_smaller_side(*join);
  outer = std::move(join);
}

void join_onto(std::unique_ptr<PlanNode> join, Relation& rel, exec::PlanPtr inner) {
  join_onto(std::move(join), rel.plan, std::move(inner));
}

}  // namespace

void shift_columns_by(exec::Expression& e, int by) {
  if (e.op == ExprOp::kColumn) e.column_index += by;
  for (auto& c : e.children) shift_columns_by(*c, by);
}

// Replaces the parameter constants of `corr` by the outer values they stand for.
ExpressionPtr substitute_outer(ExpressionPtr e, const Correlation& corr) {
  if (e->op == ExprOp::kConstant) {
    for (size_t i = 0; i < corr.params.size(); ++i)
      if (e->constant.get() == corr.params[i].get()) return corr.outer_values[i]->clone();
    return e;
  }
  for (auto& c : e->children) c = substitute_outer(std::move(c), corr);
  return e;
}

bool contains_subquery(const exec::Expression& e) {
  if (e.op == ExprOp::kSubquery) return true;
  for (const auto& c : e.children)
    if (contains_subquery(*c)) return true;
  return false;
}

bool is_semi_join_candidate(const Expr& e) {
  bool negated;
  const Expr* t = subquery_test(e, negated);
  return t && simple_select(*t->subquery);
}

bool is_in_subquery_conjunct(const Expr& e) {
  return e.kind == ExprKind::kInSubquery && !e.negated;
}

bool Binder::Impl::binds_alone(const Expr& e, Scope& scope) {
  BindContext ctx;
  ctx.scope = &scope;
  try {
    bind(e, ctx);
    return true;
  } catch (const BinderError&) {
    return false;
  }
}

bool Binder::Impl::uncorrelated_in_join(const Expr& conjunct, Relation& rel) {
  if (!is_in_subquery_conjunct(conjunct)) return false;
  Scope rel_scope;
  rel_scope.columns = rel.columns;
  BindContext octx;
  octx.scope = &rel_scope;
  ExpressionPtr needle;
  BoundQuery sub;
  try {
    needle = bind(*conjunct.args[0], octx);
    sub = query(*conjunct.subquery, nullptr, nullptr);  // fails when it is correlated
  } catch (const BinderError&) {
    return false;
  }
  if (contains_subquery(*needle) || sub.plan->output.size() != 1) return false;
  sqlite_never_equal(needle, sub.plan);  // then no row joins: the needle is NULL
  exec::ExpressionPtr item = exec::make_column_ref(0, sub.plan->output[0].type, sub.plan->output[0].name);
  auto join = std::make_unique<PlanNode>();
  join->kind = PlanKind::kHashJoin;
  join->join_type = exec::JoinKind::kSemi;
  if (!add_in_keys(*join, std::move(needle), std::move(item), conjunct.pos)) return false;
  join_onto(std::move(join), rel, std::move(sub.plan));
  return true;
}

bool Binder::Impl::semi_join(const Expr& conjunct, Relation& rel, Scope* outer, Correlation* corr,
                             bool only_smaller_subquery) {
  bool negated;
  const Expr* test = subquery_test(conjunct, negated);
  if (!test) return false;
  const Select& sub = *test->subquery->select;
  Scope outer_scope;
  outer_scope.columns = rel.columns;
  outer_scope.outer = outer;
  outer_scope.correlation = corr;
  // The subquery's conditions: those that bind on its own columns, and the rest.
  std::vector<const Expr*> conds, inner_only, correlated;
  flatten_conjuncts(sub.where.get(), conds);
  Relation probe_rel;
  {
    ExpressionPtr rest;
    probe_rel = from_clause(sub.from, {}, &outer_scope, corr, &rest);
  }
  Scope inner_alone;
  inner_alone.columns = probe_rel.columns;
  for (const Expr* c : conds) {
    BindContext ctx;
    ctx.scope = &inner_alone;
    bool ok = true;
    try {
      bind(*c, ctx);
    } catch (const BinderError&) {
      ok = false;
    }
    (ok ? inner_only : correlated).push_back(c);
  }
  Relation inner = filtered_from(sub.from, inner_only, &outer_scope, corr);
  if (only_smaller_subquery) {
    double inner_rows = filtered_rows_estimate(*inner.plan);
    double outer_rows = filtered_rows_estimate(*rel.plan);
    if (inner_rows >= 0 && outer_rows >= 0 && inner_rows >= outer_rows) return false;
  }
  int width = int(rel.columns.size());
  auto join = std::make_unique<PlanNode>();
  join->join_type = negated ? exec::JoinKind::kAnti : exec::JoinKind::kSemi;
  std::vector<ExpressionPtr> residual;
  // Correlated conditions over [outer columns, inner columns].
  for (const Expr* c : correlated) {
    Scope inner_scope;
    inner_scope.columns = inner.columns;
    inner_scope.outer = &outer_scope;
    Correlation local;
    inner_scope.correlation = &local;
    BindContext ctx;
    ctx.scope = &inner_scope;
    ExpressionPtr b;
    try {
      b = to_boolean(bind(*c, ctx), c->pos, "WHERE");
    } catch (const BinderError&) {
      return false;
    }
    if (contains_subquery(*b)) return false;
    shift_columns_by(*b, width);
    b = substitute_outer(std::move(b), local);
    if (b->op == ExprOp::kEqual) {
      int l = sides(*b->children[0], width), r = sides(*b->children[1], width);
      if ((l == 1 && r == 2) || (l == 2 && r == 1)) {
        ExpressionPtr ok = std::move(l == 1 ? b->children[0] : b->children[1]);
        ExpressionPtr ik = std::move(l == 1 ? b->children[1] : b->children[0]);
        shift_columns_by(*ik, -width);
        join->left_keys.push_back(std::move(ok));
        join->right_keys.push_back(std::move(ik));
        continue;
      }
    }
    residual.push_back(std::move(b));
  }
  if (test->kind == ExprKind::kInSubquery) {
    if (sub.items.size() != 1 || sub.items[0].expr->kind == ExprKind::kStar) return false;
    Scope inner_scope;
    inner_scope.columns = inner.columns;
    BindContext ictx;
    ictx.scope = &inner_scope;
    BindContext octx;
    octx.scope = &outer_scope;
    ExpressionPtr item, needle;
    try {
      item = bind(*sub.items[0].expr, ictx);
      needle = bind(*test->args[0], octx);
    } catch (const BinderError&) {
      return false;
    }
    if (contains_subquery(*item) || contains_subquery(*needle)) return false;
    if (needle_never_equals(*needle, item->type)) return false;
    if (!add_in_keys(*join, std::move(needle), std::move(item), test->pos)) return false;
  }
  join->residual = exec::make_conjunction(residual);
  join->kind = join->left_keys.empty() ? PlanKind::kNestedLoopJoin : PlanKind::kHashJoin;
  join_onto(std::move(join), rel, std::move(inner.plan));
  return true;
}

}  // namespace floe::sql

namespace floe::sql {

namespace {

const Expr* find_scalar_subquery(const Expr& e) {
  if (e.kind == ExprKind::kScalarSubquery) return &e;
  if (e.kind == ExprKind::kExists || e.kind == ExprKind::kInSubquery) return nullptr;
  for (const auto& a : e.args)
    if (a)
      if (const Expr* f = find_scalar_subquery(*a)) return f;
  if (e.case_operand)
    if (const Expr* f = find_scalar_subquery(*e.case_operand)) return f;
  for (const auto& [w, t] : e.when_then) {
    if (const Expr* f = find_scalar_subquery(*w)) return f;
    if (const Expr* f = find_scalar_subquery(*t)) return f;
  }
  if (e.else_expr)
    if (const Expr* f = find_scalar_subquery(*e.else_expr)) return f;
  return nullptr;
}

bool joins_both_sides(const PlanNode& p) {
  exec::JoinKind k = p.join_type;
  return (p.kind == PlanKind::kHashJoin || p.kind == PlanKind::kNestedLoopJoin) &&
         (k == exec::JoinKind::kInner || k == exec::JoinKind::kLeft ||
          k == exec::JoinKind::kRight || k == exec::JoinKind::kFull);
}

}  // namespace

// The operator of `plan` that its output columns `cols` come from, `cols` becoming that
// operator's column indices: through projections of plain columns, filters over joins and
// into the side of a join (or the left of a MARK join) that holds them all. It stops at any
// other operator: a scan, a relation's own filter or a semi join are part of the relation
// found. Every value of those columns in plan's output is among the found operator's.
// nullptr when the columns come from both sides of a join.
const PlanNode* key_relation(const PlanNode& plan, std::vector<int>& cols) {
  const PlanNode* p = &plan;
  for (;;) {
    if (p->kind == PlanKind::kProject) {
      std::vector<int> mapped;
      for (int c : cols) {
        const exec::Expression& e = *p->exprs[size_t(c)];
        if (e.op != ExprOp::kColumn) return p;
        mapped.push_back(e.column_index);
      }
      cols = std::move(mapped);
      p = p->children[0].get();
      continue;
    }
    if (p->kind == PlanKind::kFilter && joins_both_sides(*p->children[0])) {
      p = p->children[0].get();
      continue;
    }
    bool mark = (p->kind == PlanKind::kHashJoin || p->kind == PlanKind::kNestedLoopJoin) &&
                p->join_type == exec::JoinKind::kMark;
    if (!joins_both_sides(*p) && !mark) return p;
    int left_width = int(p->children[0]->output.size());
    bool left = true, right = !mark;
    for (int c : cols) {
      left = left && c < left_width;
      right = right && c >= left_width;
    }
    if (!left && !right) return nullptr;
    if (!left)
      for (int& c : cols) c -= left_width;
    p = p->children[left ? 0 : 1].get();
  }
}

namespace {

// Where in `plan` a semi join on its output columns `cols` may go instead of on top: the
// deepest operator holding them all, reached through projections of plain columns,
// filters and INNER joins (`cols` becoming that operator's column indices). A row an inner
// join pairs keeps its key values, so dropping it below the join drops the same output rows
// as dropping them above; the joins then pair fewer rows. Outer joins are not entered: they
// would emit a dropped row's partners with NULLs.
exec::PlanPtr* semi_join_slot(exec::PlanPtr& plan, std::vector<int>& cols) {
  exec::PlanPtr* slot = &plan;
  for (;;) {
    PlanNode& p = **slot;
    if (p.kind == PlanKind::kProject) {
      std::vector<int> mapped;
      for (int c : cols) {
        const exec::Expression& e = *p.exprs[size_t(c)];
        if (e.op != ExprOp::kColumn) return slot;
        mapped.push_back(e.column_index);
      }
      cols = std::move(mapped);
      slot = &p.children[0];
      continue;
    }
    if (p.kind == PlanKind::kFilter && p.children[0]->kind != PlanKind::kScan) {
      slot = &p.children[0];
      continue;
    }
    if (p.kind != PlanKind::kHashJoin || p.join_type != exec::JoinKind::kInner) return slot;
    int left_width = int(p.children[0]->output.size());
    bool left = true, right = true;
    for (int c : cols) {
      left = left && c < left_width;
      right = right && c >= left_width;
    }
    if (!left && !right) return slot;
    if (!left)
      for (int& c : cols) c -= left_width;
    slot = &p.children[left ? 0 : 1];
  }
}

bool uses_count(const Expr& e) {
  std::vector<const Expr*> aggs;
  collect_aggregates(e, aggs);
  for (const Expr* a : aggs)
    if (a->names.back() == "count" || a->names.back() == "count_if" ||
        a->names.back() == "approx_count_distinct")
      return true;
  return false;
}

}  // namespace

void Binder::Impl::reduce_to_outer_keys(SelectHooks& hooks, const PlanNode& outer,
                                        const std::vector<ExpressionPtr>& outer_keys) {
  std::vector<int> cols;
  for (const auto& k : outer_keys) exec::collect_columns(*k, cols);
  std::sort(cols.begin(), cols.end());
  cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
  if (cols.empty() || outer_keys.size() != hooks.extra_keys.size()) return;
  std::vector<int> at = cols;
  const PlanNode* source = key_relation(outer, at);
  if (!source) return;
  struct Keys {
    std::vector<ExpressionPtr> keys;  // outer_keys over source's columns
    double rows = -1;                 // source's estimate
  };
  auto found = std::make_shared<Keys>();
  found->rows = filtered_rows_estimate(*source);
  if (found->rows < 0) return;
  std::vector<int> mapping(outer.output.size(), -1);
  for (size_t i = 0; i < cols.size(); ++i) mapping[size_t(cols[i])] = at[i];
  for (const auto& k : outer_keys) {
    found->keys.push_back(k->clone());
    exec::remap_columns(*found->keys.back(), mapping);
  }
  std::vector<const Expr*> inner_keys = hooks.extra_keys;
  hooks.reduce_from = [this, found, inner_keys, source](Relation& from) {
    Scope scope;
    scope.columns = from.columns;
    BindContext ctx;
    ctx.scope = &scope;
    std::vector<ExpressionPtr> inner;
    double distinct = 1;
    for (const Expr* k : inner_keys) {
      try {
        inner.push_back(bind(*k, ctx));
      } catch (const BinderError&) {
        return;
      }
      const exec::Expression& e = *inner.back();
      int64_t d = e.op == ExprOp::kColumn ? column_distinct_estimate(*from.plan, e.column_index) : -1;
      distinct = d > 0 && distinct >= 0 ? distinct * double(d) : -1;
    }
    double groups = filtered_rows_estimate(*from.plan);
    if (groups < 0) return;
    if (distinct > 0) groups = std::min(groups, distinct);
    // Much smaller: reading the outer relation again and probing every FROM row once costs
    // less than grouping the rows no outer key needs. The relation is read again rather
    // than shared with the outer query (whose rows stream once, into another join): only a
    // relation estimated small gets here, so the second read costs little.
    if (!(found->rows * 4 < groups)) return;
    exec::PlanPtr copy = exec::copy_plan(*source);
    if (!copy) return;
    // The keys' own relation inside FROM takes the semi join (Q2: partsupp, before its joins
    // with supplier, nation and region).
    std::vector<int> cols;
    for (const auto& e : inner) exec::collect_columns(*e, cols);
    std::sort(cols.begin(), cols.end());
    cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
    std::vector<int> at = cols;
    exec::PlanPtr* slot = semi_join_slot(from.plan, at);
    std::vector<int> mapping(from.plan->output.size(), -1);
    for (size_t i = 0; i < cols.size(); ++i) mapping[size_t(cols[i])] = at[i];
    for (auto& e : inner) exec::remap_columns(*e, mapping);
    auto join = std::make_unique<PlanNode>();
    join->kind = PlanKind::kHashJoin;
    join->join_type = exec::JoinKind::kSemi;
    for (size_t i = 0; i < inner.size(); ++i)
      if (!add_in_keys(*join, std::move(inner[i]), std::move(found->keys[i]), inner_keys[i]->pos))
        return;
    join_onto(std::move(join), *slot, std::move(copy));
  };
}

const Expr* scalar_join_candidate(const Expr& conjunct) {
  const Expr* sq = find_scalar_subquery(conjunct);
  if (!sq) return nullptr;
  const Query& q = *sq->subquery;
  if (q.kind != QueryKind::kSelect || !q.ctes.empty() || q.limit || q.offset) return nullptr;
  const Select& s = *q.select;
  if (s.group_by || s.having || s.qualify || !s.windows.empty() || s.from.empty() || s.distinct)
    return nullptr;
  if (s.items.size() != 1 || s.items[0].expr->kind == ExprKind::kStar) return nullptr;
  if (!contains_aggregate(*s.items[0].expr)) return nullptr;
  std::vector<const Expr*> wins;
  collect_windows(*s.items[0].expr, wins);
  if (!wins.empty()) return nullptr;
  return sq;
}

bool Binder::Impl::scalar_join(const Expr& conjunct, Relation& rel, Scope* outer, Correlation* corr,
                               ExpressionPtr* filter) {
  const Expr* sq = scalar_join_candidate(conjunct);
  if (!sq) return false;
  const Select& sub = *sq->subquery->select;
  const Expr& item = *sub.items[0].expr;
  bool bare_count = item.kind == ExprKind::kFunction && !item.over && item.names.back() == "count";
  // COUNT of no rows is 0, not NULL: only a bare COUNT can be patched after the outer join.
  if (!bare_count && uses_count(item)) return false;
  Scope outer_scope;
  outer_scope.columns = rel.columns;
  outer_scope.outer = outer;
  outer_scope.correlation = corr;
  Relation probe;
  try {
    ExpressionPtr rest;
    probe = from_clause(sub.from, {}, nullptr, nullptr, &rest);
  } catch (const BinderError&) {
    return false;
  }
  Scope inner_alone;
  inner_alone.columns = probe.columns;
  auto binds_in = [&](const Expr& e, Scope& sc) { return binds_alone(e, sc); };
  std::vector<const Expr*> conds;
  flatten_conjuncts(sub.where.get(), conds);
  SelectHooks hooks;
  std::vector<const Expr*> outer_keys;
  for (const Expr* c : conds) {
    if (binds_in(*c, inner_alone)) continue;
    if (c->kind != ExprKind::kBinary || c->binary_op != BinaryOp::kEqual) return false;
    const Expr& a = *c->args[0];
    const Expr& b = *c->args[1];
    Scope outer_alone;
    outer_alone.columns = rel.columns;
    if (binds_in(a, inner_alone) && binds_in(b, outer_alone)) {
      hooks.extra_keys.push_back(&a);
      outer_keys.push_back(&b);
    } else if (binds_in(b, inner_alone) && binds_in(a, outer_alone)) {
      hooks.extra_keys.push_back(&b);
      outer_keys.push_back(&a);
    } else {
      return false;
    }
    hooks.skip_where.push_back(c);
  }
  if (hooks.extra_keys.empty()) return false;  // not correlated: it runs once anyway
  std::vector<ExpressionPtr> outer_bound;
  for (const Expr* o : outer_keys) {
    BindContext octx;
    octx.scope = &outer_scope;
    outer_bound.push_back(bind(*o, octx));
  }
  reduce_to_outer_keys(hooks, *rel.plan, outer_bound);
  BoundQuery grouped;
  try {
    grouped = select(sub, *sq->subquery, nullptr, nullptr, &hooks);
  } catch (const BinderError&) {
    return false;
  }
  size_t k = hooks.extra_keys.size();
  int width = int(rel.columns.size());
  auto join = std::make_unique<PlanNode>();
  join->kind = PlanKind::kHashJoin;
  join->join_type = exec::JoinKind::kLeft;
  for (size_t i = 0; i < k; ++i) {
    ExpressionPtr ok = std::move(outer_bound[i]);
    ExpressionPtr ik = exec::make_column_ref(int(i), grouped.plan->output[i].type, "#key");
    auto t = exec::common_type(ok->type, ik->type);
    if (!t) return false;
    columnar::DataType common = t->id() == columnar::TypeId::kNull ? exec::bigint_type() : *t;
    join->left_keys.push_back(cast_to(std::move(ok), common, sq->pos));
    join->right_keys.push_back(cast_to(std::move(ik), common, sq->pos));
  }
  join->output = rel.plan->output;
  join->output.insert(join->output.end(), grouped.plan->output.begin(), grouped.plan->output.end());
  join->estimated_rows = rel.plan->estimated_rows;
  const columnar::DataType value_type = grouped.plan->output[k].type;
  scalar_variant[sq] = grouped.variant_type(k);
  for (const auto& f : grouped.plan->output) rel.columns.push_back({"", "#subquery", f.type, true});
  join->children.push_back(std::move(rel.plan));
  join->children.push_back(std::move(grouped.plan));
  rel.plan = std::move(join);
  // The conjunct, reading the subquery's value from the joined column.
  ExpressionPtr value = exec::make_column_ref(width + int(k), value_type, "#subquery");
  if (bare_count) {
    Column zero{exec::bigint_type()};
    zero.append<int64_t>(0);
    std::vector<ExpressionPtr> kids;
    kids.push_back(std::move(value));
    kids.push_back(cast_to(exec::make_constant(std::move(zero)), value_type, sq->pos));
    value = exec::make_expression(ExprOp::kCoalesce, value_type, std::move(kids));
  }
  std::map<const Expr*, const exec::Expression*> subs{{sq, value.get()}};
  Scope joined;
  joined.columns = rel.columns;
  joined.outer = outer;
  joined.correlation = corr;
  BindContext ctx;
  ctx.scope = &joined;
  ctx.substitutions = &subs;
  *filter = to_boolean(bind(conjunct, ctx), conjunct.pos, "WHERE");
  return true;
}

}  // namespace floe::sql
