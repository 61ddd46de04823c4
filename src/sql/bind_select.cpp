// Binding a SELECT block after its FROM clause: aggregation (with grouping sets), HAVING,
// windows, QUALIFY, the select list, DISTINCT, ORDER BY, LIMIT; and the query forms around
// SELECT blocks: set operations, VALUES, WITH.
#include <fmt/format.h>

#include <cmath>
#include <map>

#include "columnar/column_cast.h"
#include "columnar/value_text.h"
#include "exec/expression_evaluator.h"
#include "exec/type_rules.h"
#include "sql/binder_internal.h"
#include "sql/cte_references.h"

namespace floe::sql {

// ORDER BY ALL (one item whose expression is a star) as its positions 1..columns, each with
// the item's direction and NULL order; empty for any other ORDER BY.
std::vector<OrderItem> order_by_all(const std::vector<OrderItem>& order_by, size_t columns) {
  std::vector<OrderItem> out;
  if (order_by.size() != 1 || order_by[0].expr->kind != ExprKind::kStar) return out;
  for (size_t i = 0; i < columns; ++i) {
    OrderItem item;
    item.expr = std::make_unique<Expr>();
    item.expr->kind = ExprKind::kLiteral;
    item.expr->literal_kind = LiteralKind::kInteger;
    item.expr->text = std::to_string(i + 1);
    item.expr->pos = order_by[0].expr->pos;
    item.descending = order_by[0].descending;
    item.nulls_first = order_by[0].nulls_first;
    out.push_back(std::move(item));
  }
  return out;
}

using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::TypeId;
using exec::ExprOp;
using exec::ExpressionPtr;
using exec::PlanKind;
using exec::PlanNode;
using exec::PlanPtr;

namespace {

// A WITH query whose rows are fewer than its input's (GROUP BY, DISTINCT): worth computing
// once when it is read more than once, where re-reading the input would cost more.
bool reduces_input(const Query& q) {
  return q.kind == QueryKind::kSelect && q.select && (q.select->group_by || q.select->distinct);
}

PlanPtr make_node(PlanKind kind) {
  auto n = std::make_unique<PlanNode>();
  n->kind = kind;
  return n;
}

std::string output_name(const Expr& expr, const std::string& alias, const exec::Expression& bound) {
  if (!alias.empty()) return alias;
  if (expr.kind == ExprKind::kColumnRef) return expr.names.back();
  if (expr.kind == ExprKind::kFunction) return expr.names.back();
  if (bound.op == ExprOp::kColumn && !bound.name.empty()) return bound.name;
  return bound.to_string();
}

// A RANGE frame's offset: a non-negative constant number (fractions allowed).
double constant_range_offset(Binder::Impl& impl, const Expr& e) {
  Scope none;
  BindContext ctx;
  ctx.scope = &none;
  auto b = impl.bind(e, ctx);
  if (!b->is_foldable()) bind_error(e.pos, "a RANGE frame offset must be a constant");
  Column c = exec::evaluate_constant(*cast_to(std::move(b), exec::double_type(), e.pos));
  if (c.is_null(0) || c.value<double>(0) < 0) bind_error(e.pos, "a RANGE frame offset must be a non-negative number");
  return c.value<double>(0);
}

// An INTERVAL frame offset in the units of the ORDER BY key `key` (days for a DATE, the
// timestamp's own unit). Only fixed-length units: a month or a year is not a fixed number
// of days, so their frames are refused rather than approximated.
double range_interval_offset(const Expr& iv, const DataType& key) {
  std::string unit;
  int64_t n = interval_literal(iv, unit);
  if (n < 0) bind_error(iv.pos, "a RANGE frame offset must not be negative");
  static const std::map<std::string, double> seconds = {
      {"week", 604800}, {"day", 86400}, {"hour", 3600}, {"minute", 60}, {"second", 1},
      {"millisecond", 1e-3}, {"microsecond", 1e-6}, {"w", 604800}, {"d", 86400}, {"h", 3600},
      {"min", 60}, {"mi", 60}, {"m", 60}, {"s", 1}, {"sec", 1}, {"ms", 1e-3}, {"us", 1e-6}};
  auto it = seconds.find(unit);
  if (it == seconds.end())
    bind_error(iv.pos, fmt::format("a RANGE frame offset of INTERVAL '{}' has no fixed length; use "
                                   "weeks, days, hours, minutes, seconds, milliseconds or microseconds", iv.text));
  if (key.id() == TypeId::kDate) {
    if (std::fmod(it->second, 86400) != 0)
      bind_error(iv.pos, "a RANGE frame over a DATE key takes an INTERVAL of whole days or weeks");
    return double(n) * (it->second / 86400);
  }
  if (key.id() != TypeId::kTimestamp && key.id() != TypeId::kTimestampTz)
    bind_error(iv.pos, "an INTERVAL frame offset needs a DATE or TIMESTAMP ORDER BY key");
  return double(n) * it->second * double(columnar::units_per_second(key.unit()));
}

int64_t constant_count(Binder::Impl& impl, const Expr& e, const char* what) {
  Scope none;
  BindContext ctx;
  ctx.scope = &none;
  auto b = impl.bind(e, ctx);
  if (!b->is_foldable()) bind_error(e.pos, fmt::format("{} must be a constant", what));
  Column c = exec::evaluate_constant(*cast_to(std::move(b), exec::bigint_type(), e.pos));
  if (c.is_null(0)) return -1;
  int64_t v = c.value<int64_t>(0);
  if (v < 0) bind_error(e.pos, fmt::format("{} must not be negative", what));
  return v;
}

PlanPtr project(PlanPtr child, std::vector<ExpressionPtr> exprs, const std::vector<std::string>& names) {
  auto p = make_node(PlanKind::kProject);
  for (size_t i = 0; i < exprs.size(); ++i) p->output.emplace_back(names[i], exprs[i]->type);
  p->exprs = std::move(exprs);
  p->estimated_rows = child->estimated_rows;
  p->children.push_back(std::move(child));
  return p;
}

exec::WindowFunctionKind window_kind(const std::string& n, bool& is_aggregate) {
  is_aggregate = false;
  if (n == "row_number") return exec::WindowFunctionKind::kRowNumber;
  if (n == "rank") return exec::WindowFunctionKind::kRank;
  if (n == "dense_rank") return exec::WindowFunctionKind::kDenseRank;
  if (n == "percent_rank") return exec::WindowFunctionKind::kPercentRank;
  if (n == "cume_dist") return exec::WindowFunctionKind::kCumeDist;
  if (n == "ntile") return exec::WindowFunctionKind::kNtile;
  if (n == "lag") return exec::WindowFunctionKind::kLag;
  if (n == "lead") return exec::WindowFunctionKind::kLead;
  if (n == "first_value") return exec::WindowFunctionKind::kFirstValue;
  if (n == "last_value") return exec::WindowFunctionKind::kLastValue;
  if (n == "nth_value") return exec::WindowFunctionKind::kNthValue;
  is_aggregate = true;
  return exec::WindowFunctionKind::kAggregate;
}

}  // namespace

Relation Binder::Impl::filtered_from(const std::vector<TableRefPtr>& from_items,
                                     const std::vector<const Expr*>& conjuncts, Scope* outer,
                                     Correlation* corr) {
  ExpressionPtr remaining;
  std::vector<const Expr*> plain, subqueries, scalars;
  std::vector<const Expr*> unjoined;
  std::vector<const Expr*> pushable;  // may join one FROM item before the items are joined
  for (const Expr* c : conjuncts) {
    if (is_semi_join_candidate(*c)) pushable.push_back(c);
    else if (scalar_join_candidate(*c)) scalars.push_back(c);
    else if (is_in_subquery_conjunct(*c)) pushable.push_back(c);
    else if (mentions_subquery(*c)) unjoined.push_back(c);  // after the joins below
    else plain.push_back(c);
  }
  Relation from = from_clause(from_items, plain, outer, corr, &remaining, &pushable);
  for (const Expr* c : pushable) (is_semi_join_candidate(*c) ? subqueries : unjoined).push_back(c);
  auto add_filter = [&](ExpressionPtr f) {
    auto filter = make_node(PlanKind::kFilter);
    filter->output = from.plan->output;
    filter->predicate = std::move(f);
    filter->estimated_rows = from.plan->estimated_rows;
    filter->children.push_back(std::move(from.plan));
    from.plan = std::move(filter);
  };
  if (remaining) add_filter(std::move(remaining));
  for (const Expr* c : subqueries)
    if (!semi_join(*c, from, outer, corr)) unjoined.push_back(c);
  for (const Expr* c : scalars) {
    ExpressionPtr f;
    if (scalar_join(*c, from, outer, corr, &f)) add_filter(std::move(f));
    else unjoined.push_back(c);
  }
  for (const Expr* c : unjoined) {
    Scope all;
    all.columns = from.columns;
    all.outer = outer;
    all.correlation = corr;
    BindContext wctx;
    wctx.scope = &all;
    // Its subqueries that can be joins become them; the filter reads their columns.
    SubqueryJoins joins;
    join_subqueries({c}, {}, from.plan, wctx, joins);
    from.columns = all.columns;
    if (!joins.subs.empty()) wctx.substitutions = &joins.subs;
    add_filter(to_boolean(bind(*c, wctx), c->pos, "WHERE"));
  }
  return from;
}

BoundQuery Binder::Impl::select(const Select& s, const Query& q, Scope* outer, Correlation* corr,
                                const SelectHooks* hooks) {
  std::vector<const Expr*> conjuncts, kept;
  flatten_conjuncts(s.where.get(), conjuncts);
  for (const Expr* c : conjuncts)
    if (!hooks || std::find(hooks->skip_where.begin(), hooks->skip_where.end(), c) == hooks->skip_where.end())
      kept.push_back(c);
  Relation from = filtered_from(s.from, kept, outer, corr);
  if (hooks && hooks->reduce_from) hooks->reduce_from(from);
  if (hooks && hooks->empty_input) {
    auto none = make_node(PlanKind::kEmpty);
    none->output = from.plan->output;
    none->estimated_rows = 0;
    from.plan = std::move(none);
  }
  PlanPtr plan = std::move(from.plan);
  Scope scope;
  scope.columns = from.columns;
  scope.outer = outer;
  scope.correlation = corr;
  // Expand * in the select list.
  struct Item {
    const Expr* expr;
    std::string alias;
    int star_column = -1;  // a column of the FROM scope
  };
  std::vector<Item> items;
  for (const auto& it : s.items) {
    if (it.expr->kind == ExprKind::kStar) {
      std::string qual = it.expr->names.empty() ? "" : it.expr->names.back();
      bool any = false;
      for (size_t c = 0; c < scope.columns.size(); ++c) {
        if (scope.columns[c].hidden) continue;
        if (!qual.empty() && scope.columns[c].table != qual) continue;
        const std::string& column = scope.columns[c].name;
        bool excluded = false;
        for (const auto& x : it.expr->exclude) excluded = excluded || x == column;
        if (excluded) continue;
        any = true;
        std::string name = column;
        for (const auto& [from, to] : it.expr->rename)
          if (from == column) name = to;
        const Expr* replaced = nullptr;
        for (const auto& [value, target] : it.expr->replace)
          if (target == column) replaced = value.get();
        if (replaced) {
          items.push_back({replaced, name, -1});
          continue;
        }
        items.push_back({nullptr, name, int(c)});
      }
      if (!any && !qual.empty()) bind_error(it.expr->pos, fmt::format("table '{}' is not in FROM", qual));
      auto named = [&](const std::string& col) {
        for (const auto& b : scope.columns)
          if (!b.hidden && b.name == col && (qual.empty() || b.table == qual)) return true;
        return false;
      };
      for (const auto& [from, to] : it.expr->rename)
        if (!named(from))
          bind_error(it.expr->pos, fmt::format("RENAME: no column '{}' in *", from));
      for (const auto& [value, target] : it.expr->replace)
        if (!named(target))
          bind_error(value->pos, fmt::format("REPLACE: no column '{}' in *", target));
      continue;
    }
    items.push_back({it.expr.get(), it.alias, -1});
  }
  // Aggregation.
  std::vector<const Expr*> aggs;
  for (const auto& it : items) if (it.expr) collect_aggregates(*it.expr, aggs);
  if (s.having) collect_aggregates(*s.having, aggs);
  if (s.qualify) collect_aggregates(*s.qualify, aggs);
  for (const auto& o : q.order_by) collect_aggregates(*o.expr, aggs);
  AggregateSlots slots;
  bool aggregated = !aggs.empty() || s.group_by.has_value() || (hooks && hooks->key_count() > 0);
  // Correlated subqueries inside aggregate arguments (sum((SELECT .. WHERE s.k = t.k)))
  // become joins onto the FROM rows the aggregates read.
  SubqueryJoins aggregate_joins;
  if (aggregated) {
    BindContext in;
    in.scope = &scope;
    {
      std::vector<const Expr*> args;
      for (const Expr* a : aggs) {
        for (const auto& x : a->args) args.push_back(x.get());
        args.push_back(a->filter.get());
        for (const auto& o : a->order_by) args.push_back(o.expr.get());
      }
      join_subqueries(args, {}, plan, in, aggregate_joins);
      if (!aggregate_joins.subs.empty()) in.substitutions = &aggregate_joins.subs;
    }
    auto agg = make_node(PlanKind::kAggregate);
    // Group keys (an integer literal is a select-list position; a name may be an alias).
    std::vector<const Expr*> key_asts;
    std::vector<std::vector<int>> sets;
    if (hooks) {
      for (const Expr* k : hooks->extra_keys) {
        key_asts.push_back(k);
        agg->group_keys.push_back(bind(*k, in));
      }
      for (size_t c = scope.columns.size() - hooks->key_columns; c < scope.columns.size(); ++c) {
        key_asts.push_back(nullptr);
        agg->group_keys.push_back(
            exec::make_column_ref(int(c), scope.columns[c].type, scope.columns[c].name));
      }
    }
    if (s.group_by && s.group_by->kind == GroupingKind::kAll) {
      // GROUP BY ALL: every select item without an aggregate (or window) is a key.
      for (const auto& item : items) {
        if (!item.expr) {
          key_asts.push_back(nullptr);
          agg->group_keys.push_back(exec::make_column_ref(
              item.star_column, scope.columns[size_t(item.star_column)].type, item.alias));
          continue;
        }
        std::vector<const Expr*> w;
        collect_windows(*item.expr, w);
        if (contains_aggregate(*item.expr) || !w.empty()) continue;
        key_asts.push_back(item.expr);
        agg->group_keys.push_back(bind(*item.expr, in));
      }
    } else if (s.group_by) {
      const auto& gb = *s.group_by;
      std::vector<std::vector<int>> elem_keys;
      for (const auto& set : gb.sets) {
        std::vector<int> ids;
        for (const auto& k : set) {
          const Expr* ke = k.get();
          if (ke->kind == ExprKind::kLiteral && ke->literal_kind == LiteralKind::kInteger) {
            int64_t pos = std::stoll(ke->text);
            if (pos < 1 || pos > int64_t(items.size()))
              bind_error(ke->pos, fmt::format("GROUP BY position {} is not in the select list", pos));
            const Item& item = items[size_t(pos - 1)];
            if (!item.expr) {
              key_asts.push_back(nullptr);
              agg->group_keys.push_back(exec::make_column_ref(item.star_column, scope.columns[size_t(item.star_column)].type, item.alias));
              ids.push_back(int(agg->group_keys.size() - 1));
              continue;
            }
            ke = item.expr;
          } else if (ke->kind == ExprKind::kColumnRef && ke->names.size() == 1) {
            const std::string name = ke->names[0];  // ke changes below
            bool in_from = false;
            for (const auto& c : scope.columns) in_from = in_from || c.name == name;
            if (!in_from)
              for (const auto& item : items)
                if (item.expr && item.alias == name) {
                  ke = item.expr;
                  break;
                }
          }
          // A key named in several grouping sets is one key (its column is NULL only in the
          // sets without it).
          ExpressionPtr bound = bind(*ke, in);
          std::string text = bound->to_string(true);
          int same = -1;
          for (size_t g = 0; g < agg->group_keys.size() && same < 0; ++g)
            if (agg->group_keys[g]->to_string(true) == text) same = int(g);
          if (same >= 0) {
            ids.push_back(same);
            continue;
          }
          key_asts.push_back(ke);
          agg->group_keys.push_back(std::move(bound));
          ids.push_back(int(agg->group_keys.size() - 1));
        }
        elem_keys.push_back(ids);
      }
      if (gb.kind == GroupingKind::kRollup) {
        for (size_t n = elem_keys.size() + 1; n-- > 0;) {
          std::vector<int> set;
          for (size_t i = 0; i < n; ++i) set.insert(set.end(), elem_keys[i].begin(), elem_keys[i].end());
          sets.push_back(set);
        }
      } else if (gb.kind == GroupingKind::kCube) {
        size_t m = elem_keys.size();
        for (size_t mask = (size_t(1) << m); mask-- > 0;) {
          std::vector<int> set;
          for (size_t i = 0; i < m; ++i)
            if (mask & (size_t(1) << (m - 1 - i))) set.insert(set.end(), elem_keys[i].begin(), elem_keys[i].end());
          sets.push_back(set);
        }
      } else if (gb.kind == GroupingKind::kGroupingSets) {
        sets = elem_keys;
      }
    }
    for (const auto& k : agg->group_keys) {
      slots.key_text.push_back(k->to_string(true));
      slots.key_types.push_back(k->type);
      slots.key_names.push_back(k->op == ExprOp::kColumn ? k->name : k->to_string());
    }
    agg->grouping_sets = sets;
    slots.input = &scope;
    // Aggregate calls (the same call text shares one slot).
    std::map<std::string, int> seen;
    int base = int(agg->group_keys.size());
    for (const Expr* a : aggs) {
      std::string name = a->names.back();
      exec::AggregateOptions opts;
      opts.star = a->star_arg;
      std::vector<ExpressionPtr> args;
      size_t nargs = a->args.size();
      if (name == "listagg" || name == "string_agg" || name == "group_concat") {
        if (nargs >= 2) {
          Column sep = evaluate_constant_expr_for(*this, *a->args[1]);
          opts.separator = sep.is_null(0) ? "" : std::string(sep.string_at(0));
          nargs = 1;
        } else {
          opts.separator = name == "group_concat" ? "," : "";
        }
      }
      if (name == "percentile_cont" || name == "percentile_disc") {
        if (nargs < 1 || a->order_by.empty())
          bind_error(a->pos, fmt::format("{}(fraction) WITHIN GROUP (ORDER BY x) is the form", name));
        Column f = evaluate_constant_expr_for(*this, *a->args[0]);
        opts.fraction = f.is_null(0) ? 0.5 : std::stod([&] { std::string t; columnar::append_value_text(f, 0, t); return t; }());
        args.push_back(bind(*a->order_by[0].expr, in));
        nargs = 0;
      } else if (name == "approx_percentile") {
        // Answered exactly, as PERCENTILE_CONT of the fraction (an estimate may be exact).
        if (nargs != 2 || !a->order_by.empty())
          bind_error(a->pos, "approx_percentile(x, fraction) is the form");
        Column f = columnar::cast_column(evaluate_constant_expr_for(*this, *a->args[1]),
                                         DataType(TypeId::kFloat64), "approx_percentile");
        if (f.is_null(0) || !(f.value<double>(0) >= 0 && f.value<double>(0) <= 1))
          bind_error(a->args[1]->pos, "approx_percentile: the fraction is between 0 and 1");
        opts.fraction = f.value<double>(0);
        args.push_back(bind(*a->args[0], in));
        name = "percentile_cont";
        nargs = 0;
      } else if (!a->order_by.empty() && name != "listagg" && name != "string_agg" && name != "array_agg") {
        bind_error(a->pos, fmt::format("{} does not take ORDER BY", name));
      }
      if (name == "count_if") {
        if (nargs != 1) bind_error(a->pos, "COUNT_IF takes one argument");
        ExpressionPtr c = to_boolean(bind(*a->args[0], in), a->pos, "COUNT_IF's argument");
        std::vector<ExpressionPtr> k;
        k.push_back(std::move(c));
        k.push_back(exec::make_bool_constant(true));
        auto cs = exec::make_expression(ExprOp::kCase, exec::boolean_type(), std::move(k));
        args.push_back(std::move(cs));
        name = "count";
        nargs = 0;
      }
      for (size_t i = 0; i < nargs; ++i) {
        if (contains_aggregate(*a->args[i]))
          bind_error(a->args[i]->pos, "aggregate calls cannot be nested");
        args.push_back(bind(*a->args[i], in));
      }
      std::string order_text;
      if (!a->order_by.empty() && (name == "listagg" || name == "string_agg" || name == "array_agg")) {
        // WITHIN GROUP (ORDER BY ..): the keys follow the value.
        for (const auto& o : a->order_by) {
          if (contains_aggregate(*o.expr)) bind_error(o.expr->pos, "aggregate calls cannot be nested");
          args.push_back(bind(*o.expr, in));
          bool nulls_first = o.nulls_first.value_or(o.descending);
          opts.order.emplace_back(o.descending, nulls_first);
          order_text += fmt::format(" order {}{}", o.descending ? "d" : "a", nulls_first ? "f" : "l");
        }
      }
      // ARRAY_UNIQUE_AGG(x) is ARRAY_AGG(DISTINCT x).
      bool distinct = a->distinct;
      if (name == "array_unique_agg") {
        name = "array_agg";
        distinct = true;
      }
      std::vector<DataType> types;
      for (const auto& x : args) types.push_back(x->type);
      auto fn = exec::resolve_aggregate(name, types, distinct, opts);
      if (!fn) bind_error(a->pos, fmt::format("aggregate {} does not exist", name));
      for (size_t i = 0; i < args.size() && i < fn->arg_types.size(); ++i)
        args[i] = cast_to(std::move(args[i]), fn->arg_types[i], a->pos);
      exec::AggregateCall call;
      call.function = *fn;
      call.args = std::move(args);
      if (a->filter) call.filter = to_boolean(bind(*a->filter, in), a->filter->pos, "FILTER");
      std::string text = name + (distinct ? " distinct" : "") + "(";
      for (const auto& x : call.args) text += x->to_string(true) + ",";
      text += call.filter ? " filter " + call.filter->to_string(true) : "";
      text += ")" + opts.separator + std::to_string(opts.fraction) + order_text;
      auto it = seen.find(text);
      if (it != seen.end()) {
        slots.aggregate_index[a] = it->second;
        continue;
      }
      int idx = base + int(agg->aggregates.size());
      seen[text] = idx;
      slots.aggregate_index[a] = idx;
      slots.aggregate_types.push_back(fn->result_type);
      agg->aggregates.push_back(std::move(call));
    }
    if (options.dialect == Dialect::kSqlite && sets.empty()) {
      // SQLite lets a query name a column that is neither grouped nor aggregated and takes
      // its value from some row of the group: one ANY_VALUE per FROM column (column pruning
      // drops those no expression uses).
      for (size_t c = 0; c < scope.columns.size(); ++c) {
        std::vector<DataType> t{scope.columns[c].type};
        auto fn = exec::resolve_aggregate("any_value", t, false, {});
        if (!fn) continue;
        exec::AggregateCall call;
        call.function = *fn;
        call.args.push_back(exec::make_column_ref(int(c), scope.columns[c].type, scope.columns[c].name));
        slots.bare_columns[int(c)] = base + int(agg->aggregates.size());
        slots.aggregate_types.push_back(fn->result_type);
        agg->aggregates.push_back(std::move(call));
      }
    }
    Scope post;
    for (size_t k = 0; k < agg->group_keys.size(); ++k) {
      agg->output.emplace_back(slots.key_names[k], slots.key_types[k]);
      post.columns.push_back({"", slots.key_names[k], slots.key_types[k]});
      // A VARIANT key stays VARIANT: the groups are its JSON texts.
      post.columns.back().variant =
          key_asts[k] ? variant_type_of(*key_asts[k], in)
                      : scope.columns[size_t(agg->group_keys[k]->column_index)].variant;
    }
    for (size_t i = 0; i < agg->aggregates.size(); ++i) {
      agg->output.emplace_back(agg->aggregates[i].function.name, slots.aggregate_types[i]);
      post.columns.push_back({"", agg->aggregates[i].function.name, slots.aggregate_types[i]});
    }
    if (!sets.empty()) {
      slots.grouping_id_column = int(post.columns.size());
      agg->output.emplace_back("grouping_id", exec::bigint_type());
      post.columns.push_back({"", "grouping_id", exec::bigint_type(), true});
    }
    agg->children.push_back(std::move(plan));
    plan = std::move(agg);
    post.outer = outer;
    post.correlation = corr;
    scope_after_aggregate_.push_back(std::make_unique<Scope>(std::move(post)));
  }
  Scope* cur = aggregated ? scope_after_aggregate_.back().get() : &scope;
  BindContext ctx;
  ctx.scope = cur;
  ctx.aggregates = aggregated ? &slots : nullptr;
  // Correlated subqueries of the select list, HAVING, QUALIFY and ORDER BY become joins onto
  // the rows these clauses read (after aggregation, those outside aggregate calls).
  SubqueryJoins joins;
  {
    std::vector<const Expr*> exprs;
    for (const auto& it : items) exprs.push_back(it.expr);
    exprs.push_back(s.having.get());
    exprs.push_back(s.qualify.get());
    for (const auto& o : q.order_by) exprs.push_back(o.expr.get());
    std::set<const Expr*> skip(aggs.begin(), aggs.end());
    join_subqueries(exprs, skip, plan, ctx, joins);
    if (!joins.subs.empty()) ctx.substitutions = &joins.subs;
  }
  if (s.having) {
    if (!aggregated) bind_error(s.having->pos, "HAVING needs GROUP BY or an aggregate");
    auto f = make_node(PlanKind::kFilter);
    f->output = plan->output;
    f->predicate = to_boolean(bind(*s.having, ctx), s.having->pos, "HAVING");
    f->children.push_back(std::move(plan));
    plan = std::move(f);
  }
  // Windows.
  std::vector<const Expr*> wins;
  for (const auto& it : items) if (it.expr) collect_windows(*it.expr, wins);
  if (s.qualify) collect_windows(*s.qualify, wins);
  for (const auto& o : q.order_by) collect_windows(*o.expr, wins);
  WindowSlots wslots;
  if (!wins.empty()) {
    auto w = make_node(PlanKind::kWindow);
    w->output = plan->output;
    Scope wscope = *cur;
    for (const Expr* we : wins) {
      const WindowSpec* spec = we->over.get();
      WindowSpec merged;
      if (!spec->base_name.empty()) {
        const NamedWindow* base = nullptr;
        for (const auto& nw : s.windows) if (nw.name == spec->base_name) base = &nw;
        if (!base) bind_error(spec->pos, fmt::format("window '{}' is not defined", spec->base_name));
        spec = base->spec.get();
      }
      exec::WindowCall call;
      bool is_agg;
      std::string name = we->names.back();
      // RATIO_TO_REPORT(x) is x over the SUM of x in its whole partition (its ORDER BY does
      // not matter, Snowflake says; a frame is refused): the window computes that sum, the
      // division is bound where the call is read (bind_function).
      const bool ratio_to_report = name == "ratio_to_report";
      if (ratio_to_report) {
        if (we->over->frame || spec->frame)
          bind_error(spec->pos, "ratio_to_report takes no window frame");
        if (we->args.size() != 1 || we->star_arg || we->distinct)
          bind_error(we->pos, "ratio_to_report takes one numeric argument");
        name = "sum";
      }
      call.kind = window_kind(name, is_agg);
      for (const auto& p : spec->partition_by) call.partition_by.push_back(bind(*p, ctx));
      const auto& order = !we->over->order_by.empty() ? we->over->order_by : spec->order_by;
      for (const auto& o : order) {
        exec::SortKey k;
        k.expr = bind(*o.expr, ctx);
        k.descending = o.descending;
        k.nulls_first = o.nulls_first.value_or(o.descending);
        call.order_by.push_back(std::move(k));
      }
      call.ignore_nulls = we->ignore_nulls;
      if (ratio_to_report) call.order_by.clear();
      const auto& frame = we->over->frame ? we->over->frame : spec->frame;
      if (call.order_by.empty()) call.frame.whole_partition = true;
      if (frame) {
        call.frame.whole_partition = false;
        call.frame.rows = frame->unit == FrameUnit::kRows;
        std::vector<std::pair<const Expr*, double*>> intervals;
        auto conv = [&](const FrameBound& b, exec::FrameBoundType& t, int64_t& off) {
          switch (b.kind) {
            case FrameBoundKind::kUnboundedPreceding: t = exec::FrameBoundType::kUnboundedPreceding; break;
            case FrameBoundKind::kUnboundedFollowing: t = exec::FrameBoundType::kUnboundedFollowing; break;
            case FrameBoundKind::kCurrentRow: t = exec::FrameBoundType::kCurrentRow; break;
            case FrameBoundKind::kPreceding:
            case FrameBoundKind::kFollowing:
              t = b.kind == FrameBoundKind::kPreceding ? exec::FrameBoundType::kPreceding : exec::FrameBoundType::kFollowing;
              if (call.frame.rows) {
                off = constant_count(*this, *b.offset, "a frame offset");
              } else {
                // RANGE: a non-negative number in the ORDER BY key's units, or an INTERVAL
                // (converted to them below, once the key's type is checked).
                double& off_range = &b == &frame->start ? call.frame.start_range : call.frame.end_range;
                if (b.offset->kind == ExprKind::kInterval) intervals.push_back({b.offset.get(), &off_range});
                else off_range = constant_range_offset(*this, *b.offset);
              }
              break;
          }
        };
        conv(frame->start, call.frame.start, call.frame.start_offset);
        conv(frame->end, call.frame.end, call.frame.end_offset);
        if (!call.frame.rows && (call.frame.start == exec::FrameBoundType::kPreceding ||
                                 call.frame.end == exec::FrameBoundType::kFollowing ||
                                 call.frame.start == exec::FrameBoundType::kFollowing ||
                                 call.frame.end == exec::FrameBoundType::kPreceding)) {
          // RANGE .. n PRECEDING / FOLLOWING: rows whose key is within n of this row's.
          bool ok = call.order_by.size() == 1;
          if (ok) {
            auto t = call.order_by[0].expr->type.id();
            bool timestamp = t == TypeId::kTimestamp || t == TypeId::kTimestampTz;
            ok = exec::is_integer(call.order_by[0].expr->type) || exec::is_floating(call.order_by[0].expr->type) ||
                 t == TypeId::kDecimal || t == TypeId::kDate || timestamp;
            if (ok && timestamp && intervals.size() != size_t(call.frame.start == exec::FrameBoundType::kPreceding ||
                                                              call.frame.start == exec::FrameBoundType::kFollowing) +
                                                           size_t(call.frame.end == exec::FrameBoundType::kPreceding ||
                                                                  call.frame.end == exec::FrameBoundType::kFollowing))
              bind_error(spec->pos, "a RANGE frame over a TIMESTAMP key needs INTERVAL offsets, e.g. INTERVAL '1 hour'");
          }
          if (!ok)
            bind_error(spec->pos,
                       "a RANGE frame with an offset needs exactly one ORDER BY key of a number, DATE or TIMESTAMP "
                       "type (the offset is in its units: days or an INTERVAL for a DATE, an INTERVAL for a "
                       "TIMESTAMP); use ROWS otherwise");
          for (auto& [iv, off] : intervals) *off = range_interval_offset(*iv, call.order_by[0].expr->type);
        }
      }
      if (is_agg) {
        std::vector<ExpressionPtr> args;
        for (const auto& a : we->args) args.push_back(bind(*a, ctx));
        std::vector<DataType> types;
        for (const auto& x : args) types.push_back(x->type);
        exec::AggregateOptions opts;
        opts.star = we->star_arg;
        auto fn = exec::resolve_aggregate(name, types, we->distinct, opts);
        if (!fn) bind_error(we->pos, fmt::format("{} is not a window function", name));
        for (size_t i = 0; i < args.size() && i < fn->arg_types.size(); ++i)
          args[i] = cast_to(std::move(args[i]), fn->arg_types[i], we->pos);
        call.aggregate = *fn;
        call.args = std::move(args);
        call.type = fn->result_type;
      } else {
        for (const auto& a : we->args) call.args.push_back(bind(*a, ctx));
        switch (call.kind) {
          case exec::WindowFunctionKind::kRowNumber: case exec::WindowFunctionKind::kRank:
          case exec::WindowFunctionKind::kDenseRank:
            call.type = exec::bigint_type();
            call.args.clear();
            break;
          case exec::WindowFunctionKind::kPercentRank: case exec::WindowFunctionKind::kCumeDist:
            call.type = exec::double_type();
            call.args.clear();
            break;
          case exec::WindowFunctionKind::kNtile:
            if (we->args.size() != 1) bind_error(we->pos, "NTILE takes one argument");
            call.offset = constant_count(*this, *we->args[0], "NTILE's bucket count");
            call.args.clear();
            call.type = exec::bigint_type();
            break;
          case exec::WindowFunctionKind::kLag: case exec::WindowFunctionKind::kLead: {
            if (call.args.empty()) bind_error(we->pos, fmt::format("{} needs an argument", name));
            call.type = call.args[0]->type;
            if (we->args.size() > 1) call.offset = constant_count(*this, *we->args[1], "the LAG/LEAD offset");
            std::vector<ExpressionPtr> kept;
            kept.push_back(std::move(call.args[0]));
            if (we->args.size() > 2) {
              std::vector<ExpressionPtr> both;
              both.push_back(kept[0]->clone());
              both.push_back(std::move(call.args[2]));
              DataType t = *exec::common_type(both[0]->type, both[1]->type);
              kept[0] = cast_to(std::move(kept[0]), t, we->pos);
              kept.push_back(cast_to(std::move(both[1]), t, we->pos));
              call.type = t;
            }
            call.args = std::move(kept);
            break;
          }
          case exec::WindowFunctionKind::kNthValue:
            if (we->args.size() != 2) bind_error(we->pos, "NTH_VALUE takes two arguments");
            call.offset = constant_count(*this, *we->args[1], "NTH_VALUE's position");
            call.args.resize(1);
            call.type = call.args[0]->type;
            break;
          default:
            if (call.args.size() != 1) bind_error(we->pos, fmt::format("{} takes one argument", name));
            call.type = call.args[0]->type;
            break;
        }
      }
      int idx = int(w->output.size());
      w->output.emplace_back(name, call.type);
      wscope.columns.push_back({"", name, call.type});
      wslots.index[we] = idx;
      wslots.types.push_back(call.type);
      w->windows.push_back(std::move(call));
    }
    w->children.push_back(std::move(plan));
    plan = std::move(w);
    scope_after_aggregate_.push_back(std::make_unique<Scope>(std::move(wscope)));
    cur = scope_after_aggregate_.back().get();
    ctx.scope = cur;
    ctx.windows = &wslots;
  }
  if (s.qualify) {
    auto f = make_node(PlanKind::kFilter);
    f->output = plan->output;
    f->predicate = to_boolean(bind(*s.qualify, ctx), s.qualify->pos, "QUALIFY");
    f->children.push_back(std::move(plan));
    plan = std::move(f);
  }
  // The select list, then ORDER BY keys not in it (hidden columns).
  std::vector<ExpressionPtr> exprs;
  std::vector<std::string> names;
  std::vector<JsonType> variant;
  for (const auto& it : items) {
    ExpressionPtr e;
    if (!it.expr) {
      const auto& c = scope.columns[size_t(it.star_column)];
      variant.push_back(c.variant);
      if (aggregated) {
        Expr ref;
        ref.kind = ExprKind::kColumnRef;
        ref.names = {c.table, c.name};
        if (c.table.empty()) ref.names = {c.name};
        e = bind(ref, ctx);
      } else {
        e = exec::make_column_ref(it.star_column, c.type, c.name);
      }
    } else {
      e = bind(*it.expr, ctx);
      variant.push_back(variant_type_of(*it.expr, ctx));
    }
    std::string name = it.expr ? output_name(*it.expr, it.alias, *e) : it.alias;
    if (it.expr && it.alias.empty() && !joins.subs.empty() && mentions_subquery(*it.expr)) {
      // Named as it was before its subqueries became joins.
      BindContext shown = ctx;
      shown.substitutions = &joins.display;
      name = output_name(*it.expr, it.alias, *bind(*it.expr, shown));
    }
    names.push_back(name);
    exprs.push_back(std::move(e));
  }
  if (hooks && hooks->key_count() > 0) {
    std::vector<ExpressionPtr> with_keys;
    std::vector<std::string> key_names;
    for (size_t k = 0; k < hooks->key_count(); ++k) {
      with_keys.push_back(exec::make_column_ref(int(k), slots.key_types[k], slots.key_names[k]));
      key_names.push_back("#key" + std::to_string(k));
    }
    for (auto& e : exprs) with_keys.push_back(std::move(e));
    key_names.insert(key_names.end(), names.begin(), names.end());
    exprs = std::move(with_keys);
    names = std::move(key_names);
    variant.insert(variant.begin(), hooks->key_count(), JsonType::kNone);
  }
  size_t visible = exprs.size();
  std::vector<exec::SortKey> sort;
  std::vector<OrderItem> all_columns = order_by_all(q.order_by, visible);
  for (const auto& o : all_columns.empty() ? q.order_by : all_columns) {
    exec::SortKey k;
    k.descending = o.descending;
    k.nulls_first = o.nulls_first.value_or(o.descending);
    int target = -1;
    const Expr& oe = *o.expr;
    if (oe.kind == ExprKind::kLiteral && oe.literal_kind == LiteralKind::kInteger) {
      int64_t pos = std::stoll(oe.text);
      if (pos < 1 || pos > int64_t(visible))
        bind_error(oe.pos, fmt::format("ORDER BY position {} is not in the select list", pos));
      target = int(pos - 1);
    } else if (oe.kind == ExprKind::kColumnRef && oe.names.size() == 1) {
      for (size_t i = 0; i < visible && target < 0; ++i)
        if (!s.items.empty() && names[i] == oe.names[0] &&
            (i >= items.size() || !items[i].alias.empty() || items[i].expr == nullptr ||
             items[i].expr->kind == ExprKind::kColumnRef))
          target = int(i);
    }
    if (target < 0) {
      ExpressionPtr e = bind(oe, ctx);
      std::string text = e->to_string(true);
      for (size_t i = 0; i < visible && target < 0; ++i)
        if (exprs[i]->to_string(true) == text) target = int(i);
      if (target < 0) {
        if (s.distinct) bind_error(oe.pos, "with SELECT DISTINCT, ORDER BY expressions must appear in the select list");
        target = int(exprs.size());
        names.push_back("#order" + std::to_string(target));
        exprs.push_back(std::move(e));
      }
    }
    k.expr = exec::make_column_ref(target, exprs[size_t(target)]->type, names[size_t(target)]);
    sort.push_back(std::move(k));
  }
  plan = project(std::move(plan), std::move(exprs), names);
  if (s.distinct) {
    auto d = make_node(PlanKind::kDistinct);
    d->output = plan->output;
    d->children.push_back(std::move(plan));
    plan = std::move(d);
  }
  int64_t limit = q.limit ? constant_count(*this, *q.limit, "LIMIT") : -1;
  int64_t offset = q.offset ? constant_count(*this, *q.offset, "OFFSET") : 0;
  if (offset < 0) offset = 0;
  if (!sort.empty()) {
    auto st = make_node(PlanKind::kSort);
    st->output = plan->output;
    st->sort_keys = std::move(sort);
    st->limit = limit;
    st->offset = offset;
    st->children.push_back(std::move(plan));
    plan = std::move(st);
  }
  if (limit >= 0 || offset > 0) {
    auto l = make_node(PlanKind::kLimit);
    l->output = plan->output;
    l->limit = limit;
    l->offset = offset;
    l->children.push_back(std::move(plan));
    plan = std::move(l);
  }
  if (names.size() > visible) {
    std::vector<ExpressionPtr> keep;
    std::vector<std::string> kn;
    for (size_t i = 0; i < visible; ++i) {
      keep.push_back(exec::make_column_ref(int(i), plan->output[i].type, names[i]));
      kn.push_back(names[i]);
    }
    plan = project(std::move(plan), std::move(keep), kn);
    names = kn;
  }
  BoundQuery b;
  b.plan = std::move(plan);
  b.names = names;
  b.variant = std::move(variant);
  return b;
}

BoundQuery Binder::Impl::query(const Query& q, Scope* outer, Correlation* corr) {
  bool pushed = false;
  if (!q.ctes.empty()) {
    ctes.emplace_back();
    pushed = true;
    for (size_t i = 0; i < q.ctes.size(); ++i) {
      const CommonTableExpr& c = q.ctes[i];
      CteEntry& entry = ctes.back()[c.name] = CteEntry{};
      entry.cte = &c;
      if (q.recursive) {
        materialize_recursive(c, entry, outer, corr);
      } else if (!outer && !corr && reduces_input(*c.query)) {
        int reads = cte_references(q, c.name, /*with_list=*/false);
        for (size_t j = i + 1; j < q.ctes.size() && reads >= 0; ++j) {
          int more = cte_references(*q.ctes[j].query, c.name);
          reads = more < 0 ? -1 : reads + more;
        }
        entry.share = reads >= 2;
      }
    }
  }
  struct Pop {
    Binder::Impl* self;
    bool on;
    ~Pop() { if (on) self->ctes.pop_back(); }
  } pop{this, pushed};
  BoundQuery b;
  switch (q.kind) {
    case QueryKind::kSelect:
      return select(*q.select, q, outer, corr);
    case QueryKind::kNested:
      b = query(*q.nested, outer, corr);
      break;
    case QueryKind::kValues: {
      if (q.values.empty()) bind_error(q.pos, "VALUES needs at least one row");
      size_t width = q.values[0].size();
      Scope none;
      none.outer = outer;
      none.correlation = corr;
      BindContext ctx;
      ctx.scope = &none;
      std::vector<std::vector<ExpressionPtr>> rows;
      std::vector<DataType> types(width, DataType(TypeId::kNull));
      for (const auto& row : q.values) {
        if (row.size() != width)
          bind_error(q.pos, fmt::format("VALUES rows have {} and {} values", width, row.size()));
        rows.emplace_back();
        for (size_t c = 0; c < width; ++c) {
          rows.back().push_back(bind(*row[c], ctx));
          auto t = exec::common_type(types[c], rows.back()[c]->type);
          if (!t) bind_error(row[c]->pos, fmt::format("VALUES column {} mixes {} and {}", c + 1,
                                                       types[c].to_string(), rows.back()[c]->type.to_string()));
          types[c] = *t;
        }
      }
      auto v = make_node(PlanKind::kValues);
      std::vector<std::string> names;
      for (size_t c = 0; c < width; ++c) {
        if (types[c].id() == TypeId::kNull) types[c] = exec::varchar_type();
        names.push_back("column" + std::to_string(c + 1));
        v->output.emplace_back(names.back(), types[c]);
      }
      columnar::Batch batch;
      batch.schema.fields = v->output;
      batch.rows_without_columns = int64_t(rows.size());
      for (size_t c = 0; c < width; ++c) {
        Column col(types[c]);
        col.reserve(int64_t(rows.size()));
        for (auto& r : rows) {
          ExpressionPtr e = cast_to(std::move(r[c]), types[c], q.pos);
          if (!e->is_foldable())
            bind_error(q.pos, "VALUES rows must be constant (column references are not allowed)");
          Column one = exec::evaluate_constant(*e);
          col.append_column(one);
        }
        batch.columns.push_back(std::move(col));
      }
      v->rows.push_back(std::move(batch));
      v->estimated_rows = int64_t(rows.size());
      b.plan = std::move(v);
      b.names = names;
      break;
    }
    case QueryKind::kSetOperation: {
      BoundQuery l = query(*q.left, outer, corr);
      BoundQuery r = query(*q.right, outer, corr);
      if (l.plan->output.size() != r.plan->output.size())
        bind_error(q.pos, fmt::format("each side of a set operation must have as many columns ({} and {})",
                                      l.plan->output.size(), r.plan->output.size()));
      size_t n = l.plan->output.size();
      std::vector<DataType> types;
      for (size_t i = 0; i < n; ++i) {
        JsonType lv = l.variant_type(i), rv = r.variant_type(i);
        if (lv != JsonType::kNone || rv != JsonType::kNone) {
          // As in Snowflake, a VARIANT branch makes the column VARIANT: the other branch's
          // values become VARIANT too (a string a JSON string, a number a JSON number).
          types.push_back(exec::varchar_type());
          b.variant.push_back(lv == rv || rv == JsonType::kNone ? lv
                              : lv == JsonType::kNone          ? rv
                                                               : JsonType::kVariant);
          continue;
        }
        auto t = exec::common_type(l.plan->output[i].type, r.plan->output[i].type);
        if (!t) bind_error(q.pos, fmt::format("set operation column {}: {} and {} do not meet", i + 1,
                                              l.plan->output[i].type.to_string(), r.plan->output[i].type.to_string()));
        types.push_back(t->id() == TypeId::kNull ? exec::bigint_type() : *t);
        b.variant.push_back(JsonType::kNone);
      }
      auto conform = [&](BoundQuery& side) {
        bool same = true;
        for (size_t i = 0; i < n; ++i)
          same = same && side.plan->output[i].type == types[i] &&
                 (!b.is_variant(i) || side.is_variant(i));
        if (same) return;
        std::vector<ExpressionPtr> ex;
        for (size_t i = 0; i < n; ++i) {
          ExpressionPtr c = exec::make_column_ref(int(i), side.plan->output[i].type, side.names[i]);
          if (b.is_variant(i) && !side.is_variant(i) && c->type.id() != TypeId::kNull) {
            std::vector<ExpressionPtr> k;
            k.push_back(std::move(c));
            c = call_function("to_variant", std::move(k), q.pos);
          }
          ex.push_back(cast_to(std::move(c), types[i], q.pos));
        }
        side.plan = project(std::move(side.plan), std::move(ex), side.names);
      };
      conform(l);
      conform(r);
      PlanPtr p;
      if (q.set_op == SetOp::kUnion) {
        p = make_node(PlanKind::kUnionAll);
        p->output = l.plan->output;
        p->children.push_back(std::move(l.plan));
        p->children.push_back(std::move(r.plan));
        if (!q.set_all) {
          auto d = make_node(PlanKind::kDistinct);
          d->output = p->output;
          d->children.push_back(std::move(p));
          p = std::move(d);
        }
      } else {
        p = make_node(PlanKind::kSetOperation);
        p->output = l.plan->output;
        p->set_intersect = q.set_op == SetOp::kIntersect;
        p->set_all = q.set_all;
        p->children.push_back(std::move(l.plan));
        p->children.push_back(std::move(r.plan));
      }
      b.plan = std::move(p);
      b.names = l.names;
      break;
    }
  }
  // ORDER BY / LIMIT on a set operation, VALUES or nested query: by output columns.
  if (!q.order_by.empty()) {
    auto st = make_node(PlanKind::kSort);
    st->output = b.plan->output;
    std::vector<OrderItem> all_columns = order_by_all(q.order_by, b.names.size());
    for (const auto& o : all_columns.empty() ? q.order_by : all_columns) {
      exec::SortKey k;
      k.descending = o.descending;
      k.nulls_first = o.nulls_first.value_or(o.descending);
      const Expr& oe = *o.expr;
      int target = -1;
      if (oe.kind == ExprKind::kLiteral && oe.literal_kind == LiteralKind::kInteger) {
        int64_t pos = std::stoll(oe.text);
        if (pos >= 1 && pos <= int64_t(b.names.size())) target = int(pos - 1);
      } else if (oe.kind == ExprKind::kColumnRef) {
        for (size_t i = 0; i < b.names.size() && target < 0; ++i)
          if (b.names[i] == oe.names.back()) target = int(i);
      }
      if (target < 0) bind_error(oe.pos, "ORDER BY of a set operation must name an output column or position");
      k.expr = exec::make_column_ref(target, b.plan->output[size_t(target)].type, b.names[size_t(target)]);
      st->sort_keys.push_back(std::move(k));
    }
    st->children.push_back(std::move(b.plan));
    b.plan = std::move(st);
  }
  int64_t limit = q.limit ? constant_count(*this, *q.limit, "LIMIT") : -1;
  int64_t offset = q.offset ? constant_count(*this, *q.offset, "OFFSET") : 0;
  if (limit >= 0 || offset > 0) {
    auto l = make_node(PlanKind::kLimit);
    l->output = b.plan->output;
    l->limit = limit;
    l->offset = std::max<int64_t>(offset, 0);
    l->children.push_back(std::move(b.plan));
    b.plan = std::move(l);
  }
  return b;
}

}  // namespace floe::sql
