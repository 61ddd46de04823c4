// The binder's private state: scopes of visible columns, the aggregate and window slots a
// SELECT's expressions refer to, and correlation with enclosing queries. Layer: sql
// (private to binder files).
#pragma once

#include <functional>
#include <map>
#include <set>

#include "exec/subquery.h"
#include "sql/binder.h"

namespace floe::exec {
class SharedResult;
}

namespace floe::sql {

struct ColumnBinding {
  std::string table;  // alias or table name ("" for derived columns)
  std::string name;
  columnar::DataType type;
  bool hidden = false;  // a column the binder added (a decorrelated subquery's): not in *
  // Text that is VARIANT: a table's column declared VARIANT, OBJECT or ARRAY, or a view's,
  // subquery's or CTE's output column whose expression yields one.
  JsonType variant = JsonType::kNone;
};

// How a decorrelated scalar subquery is bound: its correlated conditions are left out of
// its WHERE and the inner sides of their equalities become extra GROUP BY keys, output
// before the select list.
// empty_input: the FROM clause yields no rows (for the value an aggregate has over none).
// reduce_from: called with the FROM relation (its WHERE applied) before the grouping; it may
// keep fewer of its rows (those whose keys the outer query has).
struct Relation;
struct SelectHooks {
  std::vector<const Expr*> extra_keys;
  // Also grouped by the last `key_columns` columns of the FROM relation (those reduce_from
  // appends), after extra_keys; both come first in the output, as #key columns.
  size_t key_columns = 0;
  std::vector<const Expr*> skip_where;
  bool empty_input = false;
  std::function<void(Relation&)> reduce_from;
  size_t key_count() const { return extra_keys.size() + key_columns; }
};

struct Correlation;

struct Scope {
  std::vector<ColumnBinding> columns;
  Scope* outer = nullptr;              // the enclosing query's scope (for correlation)
  Correlation* correlation = nullptr;  // where outer references of this scope are recorded
};

// Outer values a subquery reads: each becomes a parameter column of the inner plan.
struct Correlation {
  std::vector<exec::ExpressionPtr> outer_values;  // bound in the outer scope
  std::vector<std::shared_ptr<columnar::Column>> params;
  std::map<std::string, exec::ExpressionPtr> by_name;  // outer value text -> param expr
};

// Aggregation in a SELECT: its output is the group keys, then the aggregates.
struct AggregateSlots {
  Scope* input = nullptr;                   // the FROM scope
  std::vector<std::string> key_text;        // bound keys, rendered, to match expressions
  std::vector<columnar::DataType> key_types;
  std::vector<std::string> key_names;
  std::map<const Expr*, int> aggregate_index;  // aggregate call -> output column
  std::vector<columnar::DataType> aggregate_types;
  std::map<int, int> bare_columns;  // SQLite dialect: FROM column -> its ANY_VALUE output
  bool has_grouping_id = false;
  int grouping_id_column = -1;
};

struct WindowSlots {
  std::map<const Expr*, int> index;  // window call -> output column
  std::vector<columnar::DataType> types;
};

struct BindContext {
  Scope* scope = nullptr;
  const std::map<const Expr*, const exec::Expression*>* substitutions = nullptr;
  AggregateSlots* aggregates = nullptr;  // set after aggregation
  WindowSlots* windows = nullptr;        // set after the window operator
  bool allow_aggregates = false;
};

// Subqueries of an expression that became joins: each stands for an expression over the
// joined columns (ctx.substitutions while the expression binds).
// `display` renders as the subquery did before (for output column names).
struct SubqueryJoins {
  std::map<const Expr*, const exec::Expression*> subs, display;
  std::vector<exec::ExpressionPtr> values;
};

// A subquery's WHERE conditions, by what they read: its own FROM only, or outer columns
// too; of the latter, equalities of an inner and an outer expression are correlation keys.
struct CorrelatedConditions {
  std::vector<const Expr*> inner;
  std::vector<const Expr*> correlated;
  std::vector<const Expr*> inner_keys;
  std::vector<exec::ExpressionPtr> outer_keys;  // bound in the outer context
  std::vector<const Expr*> residual;            // correlated, not key equalities
};

struct Relation {
  exec::PlanPtr plan;
  std::vector<ColumnBinding> columns;
  int64_t estimated_rows = -1;
};

// A subquery's FROM (with its own conditions) under an AGGREGATE grouped by its correlation
// keys (outputs #key0 ..): the caller adds aggregates bound in `ctx`, then finish() gives the
// aggregate with the FROM as its input.
struct KeyedAggregate {
  Relation from;
  Scope scope;
  BindContext ctx;
  exec::PlanPtr agg;
  exec::PlanPtr finish();
};

struct Binder::Impl {
  BindCatalog& catalog;
  BindOptions options;
  // WITH names visible while binding, innermost last.
  struct CteEntry {
    const CommonTableExpr* cte = nullptr;
    // A recursive CTE, computed while binding: its rows, read by every reference.
    std::shared_ptr<const std::vector<columnar::Batch>> rows;
    columnar::Schema schema;
    std::vector<JsonType> variant;  // per column of `rows`: VARIANT text (as the anchor's)
    bool binding = false;  // its own query is being bound (a reference to itself)
    // Read more than once and reducing its input (GROUP BY, DISTINCT), in a statement's
    // outermost WITH: computed once, when first read, for every reference.
    bool share = false;
    std::shared_ptr<exec::SharedResult> shared;
  };
  std::vector<std::map<std::string, CteEntry>> ctes;
  // WITH RECURSIVE name AS (anchor UNION [ALL] step): the step runs on the previous step's
  // rows until it adds none (bind_recursive.cpp).
  void materialize_recursive(const CommonTableExpr& cte, CteEntry& entry, Scope* outer,
                             Correlation* corr);
  // A WITH query read more than once: binds it for a SharedResult (false when it does not
  // bind on its own).
  bool share_cte(CteEntry& entry);
  // One reference to a WITH query whose rows are held (recursive, or shared): a scan of
  // `source`, with the entry's column names and VARIANT types.
  Relation cte_scan(std::shared_ptr<exec::TableSource> source, const CteEntry& entry,
                    const std::string& alias);
  int view_depth = 0;
  // Per scalar subquery bound so far: the VARIANT, OBJECT or ARRAY type of its one column.
  std::map<const Expr*, JsonType> scalar_variant;
  // Scopes after aggregation/windows, kept alive while the statement binds.
  std::vector<std::unique_ptr<Scope>> scope_after_aggregate_;
  // The scalar aggregates join_quantified made of quantified comparisons' subqueries.
  std::vector<ExprPtr> quantified_statistics_;

  Impl(BindCatalog& c, BindOptions o) : catalog(c), options(std::move(o)) {}

  // Expressions (bind_expression.cpp).
  exec::ExpressionPtr bind(const Expr& e, BindContext& ctx);
  exec::ExpressionPtr bind_column(const Expr& e, BindContext& ctx);
  exec::ExpressionPtr bind_quantified(const Expr& e, BindContext& ctx);
  // The subquery of a quantified comparison `e` with its item replaced by aggregates of it,
  // one item each (a function name; count(*) when the flag is set), or nullptr when it is
  // not a plain SELECT of one item.
  using Statistic = std::pair<const char*, bool>;
  ExprPtr quantified_statistics(const Expr& e, const std::vector<Statistic>& stats);
  exec::ExpressionPtr quantified_answer(const Expr& e, exec::ExpressionPtr x,
                                        const std::function<exec::ExpressionPtr(const char*, bool)>& stat);
  exec::ExpressionPtr bind_function(const Expr& e, BindContext& ctx);
  exec::ExpressionPtr bind_binary(const Expr& e, BindContext& ctx);
  exec::ExpressionPtr bind_subquery(const Expr& e, BindContext& ctx);
  // SQLite's `x IN (subquery)` where x is a text or blob constant that is no number and the
  // subquery gives numbers: no element equals x, so the needle becomes a NULL and the
  // subquery its NULLs (the answer is NULL when the set holds one, else FALSE). True when
  // it rewrote them.
  bool sqlite_never_equal(exec::ExpressionPtr& needle, exec::PlanPtr& inner) const;
  // Whether SQLite's rule above applies to a needle and the type of the set's elements.
  bool needle_never_equals(const exec::Expression& needle, const columnar::DataType& element) const;
  exec::ExpressionPtr bind_literal(const Expr& e);
  // A library function on bound arguments (cast to its signature).
  exec::ExpressionPtr bind_sequence(const Expr& e);
  exec::ExpressionPtr bind_to_number_with_scale(const Expr& e, BindContext& ctx);
  exec::ExpressionPtr call_function(const std::string& name, std::vector<exec::ExpressionPtr> args,
                                    const SourcePos& pos);
  exec::ExpressionPtr comparison(exec::ExprOp op, exec::ExpressionPtr a, exec::ExpressionPtr b,
                                 const SourcePos& pos);
  exec::ExpressionPtr arithmetic(BinaryOp op, exec::ExpressionPtr a, exec::ExpressionPtr b,
                                 const SourcePos& pos);
  exec::ExpressionPtr arithmetic_in_branches(BinaryOp op, exec::ExpressionPtr mixed, exec::ExpressionPtr other,
                                             bool mixed_left, const SourcePos& pos);
  exec::ExpressionPtr to_boolean(exec::ExpressionPtr e, const SourcePos& pos, const char* what);

  // Queries (bind_query.cpp).
  BoundQuery query(const Query& q, Scope* outer, Correlation* corr);
  BoundQuery select(const Select& s, const Query& q, Scope* outer, Correlation* corr,
                    const SelectHooks* hooks = nullptr);
  // A WHERE conjunct comparing with a correlated scalar aggregate subquery: the subquery
  // becomes a grouped relation LEFT JOINed to `rel` on its correlation keys, and the
  // conjunct a filter over the joined columns. false when the shape does not allow it.
  bool scalar_join(const Expr& conjunct, Relation& rel, Scope* outer, Correlation* corr,
                   exec::ExpressionPtr* filter);
  Relation from_item(const TableRef& t, Scope* outer, Correlation* corr);
  // Whether `e` yields VARIANT text: by its syntax (a path, PARSE_JSON, ..) or as a column
  // declared VARIANT, OBJECT or ARRAY.
  bool is_variant_expr(const Expr& e, BindContext& ctx) {
    return variant_type_of(e, ctx) != JsonType::kNone;
  }
  // Which of VARIANT, OBJECT and ARRAY `e` yields (kNone: none of them).
  JsonType variant_type_of(const Expr& e, BindContext& ctx);
  exec::ExpressionPtr bind_grouping(const Expr& e, BindContext& ctx);
  // `bound` (the value of `e`, which is_variant_expr) as valid VARIANT text: a declared
  // VARIANT column's text is JSON, or a plain string that becomes a JSON string.
  exec::ExpressionPtr variant_value(const Expr& e, exec::ExpressionPtr bound, BindContext& ctx);
  // LATERAL FLATTEN(INPUT => .., PATH => .., OUTER => .., RECURSIVE => .., MODE => ..) over
  // the rows of `rel`, whose columns it extends.
  void flatten(const TableRef& t, Relation& rel, Scope* outer, Correlation* corr);
  // `pushable`: WHERE conjuncts testing a subquery (EXISTS, IN) that may become a semi or
  // anti join of the one FROM item they read, before the items are joined (so that the
  // join order sees the smaller item); those pushed are removed from it.
  Relation from_clause(const std::vector<TableRefPtr>& from,
                       const std::vector<const Expr*>& where, Scope* outer, Correlation* corr,
                       exec::ExpressionPtr* remaining, std::vector<const Expr*>* pushable = nullptr);

  // FROM and WHERE: from_clause, then the subquery conjuncts that become joins, then the
  // rest as a filter.
  Relation filtered_from(const std::vector<TableRefPtr>& from, const std::vector<const Expr*>& where,
                         Scope* outer, Correlation* corr);

  // Decorrelation (decorrelate.cpp): a WHERE conjunct [NOT] EXISTS (subquery) or
  // x IN (subquery) becomes a semi or anti join of `rel` with the subquery's FROM; false
  // (nothing changed) when the subquery's shape does not allow it, or, with
  // `only_smaller_subquery` (one FROM item before the joins), when the subquery's rows are
  // not estimated fewer than rel's: such a join hardly reduces rel, and after the joins it
  // can hash their (often fewer) rows instead.
  bool semi_join(const Expr& conjunct, Relation& rel, Scope* outer, Correlation* corr,
                 bool only_smaller_subquery = false);
  // x IN (subquery) of any shape, when the subquery is uncorrelated and x reads only `rel`:
  // a semi join of `rel` with the subquery's rows; false (nothing changed) otherwise.
  bool uncorrelated_in_join(const Expr& conjunct, Relation& rel);
  // Whether `e` binds in `scope` (its enclosing scopes as the scope says).
  bool binds_alone(const Expr& e, Scope& scope);
  // A decorrelated scalar subquery grouped by hooks.extra_keys and joined to `outer` on
  // `outer_keys` (over outer's columns) needs only the groups of keys some outer row has.
  // When those keys come from one relation of `outer` estimated much smaller than the
  // groups, sets hooks.reduce_from to semi-join the subquery's FROM rows with a copy of that
  // relation (read again: cheap when it is small), as a delim join would. `outer` must stay
  // as it is until the subquery with these hooks is bound.
  void reduce_to_outer_keys(SelectHooks& hooks, const exec::PlanNode& outer,
                            const std::vector<exec::ExpressionPtr>& outer_keys);

  // Subqueries inside expressions (subquery_joins.cpp): the correlated scalar, EXISTS, IN
  // and quantified (ANY / ALL) subqueries of `exprs` (and uncorrelated IN), outside the
  // nodes of `skip`, whose shape allows it are joined onto `plan`, whose columns ctx.scope
  // lists; the joined columns are
  // appended to that scope, hidden, and `joins` maps each subquery to its value over them.
  // The others are left to per-value evaluation.
  void join_subqueries(const std::vector<const Expr*>& exprs,
                       const std::set<const Expr*>& skip, exec::PlanPtr& plan, BindContext& ctx,
                       SubqueryJoins& joins);
  // One subquery: its value over the joined columns, or nullptr (nothing changed).
  exec::ExpressionPtr join_subquery(const Expr& sq, exec::PlanPtr& plan, BindContext& ctx);
  // false when the subquery's FROM does not bind on its own.
  bool split_conditions(const Select& sub, BindContext& outer_ctx, CorrelatedConditions& out);
  exec::ExpressionPtr join_scalar_aggregate(const Expr& sq, CorrelatedConditions& cc,
                                            exec::PlanPtr& plan, Scope& scope);
  // A correlated condition of a subquery over [outer columns (`width` of them, bound in
  // `outer_alone`), the subquery's FROM columns `inner`]; nullptr when it reads a subquery.
  exec::ExpressionPtr bind_correlated_condition(const Expr& c,
                                                const std::vector<ColumnBinding>& inner,
                                                Scope& outer_alone, int width);
  bool outer_domain(const Select& sub, const CorrelatedConditions& cc,
                    const exec::PlanNode& outer, Scope& outer_alone, std::vector<int>& columns,
                    exec::PlanPtr& domain);
  exec::ExpressionPtr join_exists_by_domain(const Expr& sq, CorrelatedConditions& cc,
                                            exec::PlanPtr& plan, BindContext& ctx);
  exec::ExpressionPtr join_scalar_aggregate_by_domain(const Expr& sq, CorrelatedConditions& cc,
                                                      exec::PlanPtr& plan, Scope& scope);
  // A grouped scalar aggregate (its keys first, then its value) LEFT JOINed to `plan` on
  // lk = rk, and the value an outer row reads: the aggregate's over no rows when it has no
  // group.
  exec::ExpressionPtr attach_scalar_aggregate(const Expr& sq, const CorrelatedConditions& cc,
                                              BoundQuery grouped, size_t keys,
                                              std::vector<exec::ExpressionPtr> lk,
                                              std::vector<exec::ExpressionPtr> rk,
                                              exec::PlanPtr& plan, Scope& scope);
  exec::ExpressionPtr join_scalar_value(const Expr& sq, CorrelatedConditions& cc,
                                        exec::PlanPtr& plan, Scope& scope, bool first_row = false);
  exec::ExpressionPtr join_exists(const Expr& sq, CorrelatedConditions& cc, exec::PlanPtr& plan,
                                  BindContext& ctx);
  exec::ExpressionPtr join_in(const Expr& sq, exec::PlanPtr& plan, BindContext& ctx);
  exec::ExpressionPtr join_quantified(const Expr& sq, exec::PlanPtr& plan, BindContext& ctx);
  // The aggregating subquery `q` grouped by its correlation keys too (its output: the keys,
  // then its items), its correlated conditions left out.
  // The subquery grouped by its correlation keys; with `outer`, its FROM first keeps only
  // the rows of keys the outer relation has (see reduce_to_outer_keys).
  BoundQuery grouped_by_keys(const Query& q, const CorrelatedConditions& cc,
                             const exec::PlanNode* outer = nullptr);
  std::unique_ptr<KeyedAggregate> keyed_aggregate(const Select& sub, const CorrelatedConditions& cc);
  exec::ExpressionPtr join_first_row(const Expr& sq, exec::PlanPtr& plan, BindContext& ctx);
  // A scalar subquery with GROUP BY, or DISTINCT, correlated by keys: nullptr when its
  // shape is not one join_grouped_scalar knows.
  exec::ExpressionPtr join_grouped_scalar(const Expr& sq, exec::PlanPtr& plan, BindContext& ctx);
};

// Helpers shared by binder files.
void flatten_conjuncts(const Expr* e, std::vector<const Expr*>& out);
bool is_semi_join_candidate(const Expr& e);
// x IN (subquery), not negated, of any subquery shape.
bool is_in_subquery_conjunct(const Expr& e);
bool mentions_subquery(const Expr& e);  // a subquery node outside nested subqueries
// Bound expressions of a decorrelated condition over [outer columns, inner columns].
void shift_columns_by(exec::Expression& e, int by);
exec::ExpressionPtr substitute_outer(exec::ExpressionPtr e, const Correlation& corr);
bool contains_subquery(const exec::Expression& e);
const Expr* scalar_join_candidate(const Expr& conjunct);  // the subquery node, or nullptr
// The rows a relation's plan is expected to give after its own filters (-1 unknown): its
// estimate, a fifth of it when a filter or a semi or anti join reduces it. The join order
// and the choice of a semi join's build side compare these.
double filtered_rows_estimate(const exec::PlanNode& p);
// The operator of `plan` that its output columns `cols` come from (`cols` becoming its column
// indices), through projections, filters and the side of a join holding them all; nullptr
// when they come from both sides of a join (decorrelate.cpp says more).
const exec::PlanNode* key_relation(const exec::PlanNode& plan, std::vector<int>& cols);
// Swaps a join's children and its left and right keys, and rewrites the residual for the
// swapped column order; the caller sets the join kind and output that go with it.
void swap_join_inputs(exec::PlanNode& join);
// An upper estimate of the distinct values of output column `column` of `plan` when it is a
// scan (perhaps under filters), else -1.
int64_t column_distinct_estimate(const exec::PlanNode& plan, int column);
[[noreturn]] void bind_error(const SourcePos& pos, const std::string& message);
std::string name_text(const ObjectName& name);
bool contains_aggregate(const Expr& e);
// SELECT .. FROM .. WHERE .. without grouping, windows, LIMIT or WITH.
bool plain_select(const Query& q);
void collect_aggregates(const Expr& e, std::vector<const Expr*>& out);
void collect_windows(const Expr& e, std::vector<const Expr*>& out);
columnar::Column evaluate_constant_expr_for(Binder::Impl& impl, const Expr& e);
// An INTERVAL literal's whole amount and its unit, lower case and singular ("day").
int64_t interval_literal(const Expr& interval, std::string& unit);
exec::ExpressionPtr cast_to(exec::ExpressionPtr e, const columnar::DataType& type,
                            const SourcePos& pos);

}  // namespace floe::sql
