// Binding queries: FROM items to scans and joins (WHERE conjuncts placed at the lowest
// join that sees their columns, equalities between two sides made hash-join keys, simple
// comparisons pushed into Iceberg scans), then aggregation, windows, projection, DISTINCT,
// ORDER BY and LIMIT; set operations, VALUES and WITH.
#include <fmt/format.h>

#include <strings.h>

#include <cctype>

#include "columnar/column_cast.h"
#include "columnar/type_parse.h"
#include "exec/expression_evaluator.h"
#include "exec/range_source.h"
#include "exec/shared_result_source.h"
#include "exec/table_sources.h"
#include "exec/type_rules.h"
#include "sql/binder_internal.h"
#include "sql/join_order.h"
#include "sql/parser.h"
#include "sql/plan_passes.h"

namespace floe::sql {

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

PlanPtr node(PlanKind kind) {
  auto n = std::make_unique<PlanNode>();
  n->kind = kind;
  return n;
}

std::vector<Field> fields_of(const std::vector<ColumnBinding>& cols) {
  std::vector<Field> f;
  for (const auto& c : cols) f.emplace_back(c.name, c.type);
  return f;
}

void split_conjuncts(ExpressionPtr e, std::vector<ExpressionPtr>& out) {
  exec::split_chain(ExprOp::kAnd, std::move(e), out);
}

ExpressionPtr conjunction(std::vector<ExpressionPtr>& parts) { return exec::make_conjunction(parts); }

// Column range [lo, hi) an expression reads; lo = INT_MAX when none.
void column_range(const exec::Expression& e, int& lo, int& hi) {
  std::vector<int> cols;
  exec::collect_columns(e, cols);
  for (int c : cols) {
    lo = std::min(lo, c);
    hi = std::max(hi, c + 1);
  }
}

// Shifts column references by -offset (an expression over a join's right side).
void shift_columns(exec::Expression& e, int offset) {
  if (e.op == ExprOp::kColumn || e.op == ExprOp::kRowMark) e.column_index -= offset;
  for (auto& c : e.children) shift_columns(*c, offset);
}

// Lowers `col op constant` to a scan predicate term when the types allow it.
bool lower_to_scan(const exec::Expression& e, const std::vector<int>& scan_columns,
                   const columnar::Schema& schema, formats::ScanPredicate& out) {
  auto col_of = [&](const exec::Expression& x) -> int {
    const exec::Expression* y = &x;
    if (y->op != ExprOp::kColumn) return -1;
    return y->column_index;
  };
  formats::CompareOp op;
  switch (e.op) {
    case ExprOp::kEqual: op = formats::CompareOp::kEq; break;
    case ExprOp::kNotEqual: op = formats::CompareOp::kNe; break;
    case ExprOp::kLess: op = formats::CompareOp::kLt; break;
    case ExprOp::kLessEqual: op = formats::CompareOp::kLe; break;
    case ExprOp::kGreater: op = formats::CompareOp::kGt; break;
    case ExprOp::kGreaterEqual: op = formats::CompareOp::kGe; break;
    case ExprOp::kIsNull: case ExprOp::kIsNotNull: {
      int c = col_of(*e.children[0]);
      if (c < 0) return false;
      out.terms.push_back({schema.fields[size_t(scan_columns[size_t(c)])].name,
                           e.op == ExprOp::kIsNull ? formats::CompareOp::kIsNull
                                                   : formats::CompareOp::kIsNotNull,
                           Column()});
      return true;
    }
    case ExprOp::kInList: {
      // col IN (constants of its type); a NULL in the list never makes a row pass.
      int c = col_of(*e.children[0]);
      if (c < 0) return false;
      const Field& f = schema.fields[size_t(scan_columns[size_t(c)])];
      if (!(f.type == e.children[0]->type)) return false;
      Column values(f.type);
      for (size_t i = 1; i < e.children.size(); ++i) {
        const exec::Expression& k = *e.children[i];
        if (!k.is_constant() || !(k.type == f.type)) return false;
        if (!k.constant->is_null(0)) values.append_range(*k.constant, 0, 1);
      }
      if (values.size() == 0) return false;
      out.terms.push_back({f.name, formats::CompareOp::kIn, std::move(values)});
      return true;
    }
    default: return false;
  }
  int c = col_of(*e.children[0]);
  const exec::Expression* k = e.children[1].get();
  if (c < 0) {
    c = col_of(*e.children[1]);
    k = e.children[0].get();
    // Flip the comparison.
    switch (op) {
      case formats::CompareOp::kLt: op = formats::CompareOp::kGt; break;
      case formats::CompareOp::kLe: op = formats::CompareOp::kGe; break;
      case formats::CompareOp::kGt: op = formats::CompareOp::kLt; break;
      case formats::CompareOp::kGe: op = formats::CompareOp::kLe; break;
      default: break;
    }
  }
  if (c < 0 || !k->is_constant() || k->constant->is_null(0)) return false;
  const Field& f = schema.fields[size_t(scan_columns[size_t(c)])];
  if (!(f.type == k->type)) return false;  // the comparison casts the column: not exact
  out.terms.push_back({f.name, op, k->constant->copy()});
  return true;
}

// (A AND B) OR (A AND C) is A AND (B OR C): a condition every branch of an OR repeats is
// taken out, so a join key hidden in an OR still becomes a hash-join key.
void factor_disjunction(ExpressionPtr e, std::vector<ExpressionPtr>& out) {
  if (e->op != ExprOp::kOr) {
    out.push_back(std::move(e));
    return;
  }
  std::vector<ExpressionPtr> branches;
  exec::split_chain(ExprOp::kOr, std::move(e), branches);
  std::vector<std::vector<ExpressionPtr>> parts(branches.size());
  for (size_t b = 0; b < branches.size(); ++b) split_conjuncts(std::move(branches[b]), parts[b]);
  std::vector<ExpressionPtr> common;
  for (size_t i = 0; i < parts[0].size(); ++i) {
    std::string text = parts[0][i]->to_string(true);
    if (!parts[0][i]->is_deterministic()) continue;
    bool everywhere = true;
    for (size_t b = 1; b < parts.size() && everywhere; ++b) {
      bool found = false;
      for (const auto& p : parts[b]) found = found || (p && p->to_string(true) == text);
      everywhere = found;
    }
    if (!everywhere) continue;
    for (size_t b = 1; b < parts.size(); ++b)
      for (auto& p : parts[b])
        if (p && p->to_string(true) == text) {
          p.reset();
          break;
        }
    common.push_back(std::move(parts[0][i]));
  }
  // Rebuild the OR of what is left in each branch (a branch left empty is TRUE).
  ExpressionPtr rest;
  bool always = false;
  for (auto& branch : parts) {
    std::vector<ExpressionPtr> left;
    for (auto& p : branch)
      if (p) left.push_back(std::move(p));
    if (left.empty()) {
      always = true;
      continue;
    }
    ExpressionPtr c = conjunction(left);
    if (!rest) {
      rest = std::move(c);
      continue;
    }
    std::vector<ExpressionPtr> k;
    k.push_back(std::move(rest));
    k.push_back(std::move(c));
    rest = exec::make_expression(ExprOp::kOr, exec::boolean_type(), std::move(k));
  }
  for (auto& c : common) out.push_back(std::move(c));
  if (!always && rest) out.push_back(std::move(rest));
}

// Puts the filter `c` (over `plan`'s output columns) as low in `plan` as it means the same:
// into a scan (whose pushed predicate prunes files, row groups and pages), or below a join
// onto the side it reads when that side's rows are not null-extended by the join (either
// side of an inner join, the left of a LEFT, semi, anti or MARK join, the right of a RIGHT
// join); otherwise a filter node above.
void attach_filter(PlanPtr& plan, ExpressionPtr c) {
  PlanNode& p = *plan;
  if (p.kind == PlanKind::kScan) {
    lower_to_scan(*c, p.scan_columns, p.source->schema(), p.pushed);
    if (p.predicate) {
      std::vector<ExpressionPtr> two;
      two.push_back(std::move(p.predicate));
      two.push_back(std::move(c));
      p.predicate = conjunction(two);
    } else {
      p.predicate = std::move(c);
    }
    return;
  }
  if ((p.kind == PlanKind::kHashJoin || p.kind == PlanKind::kNestedLoopJoin) && c->is_deterministic() &&
      !contains_subquery(*c)) {
    std::vector<int> cols;
    exec::collect_columns(*c, cols);
    int left_width = int(p.children[0]->output.size());
    bool left_only = !cols.empty(), right_only = !cols.empty();
    for (int x : cols) {
      left_only = left_only && x < left_width;
      right_only = right_only && x >= left_width;
    }
    exec::JoinKind k = p.join_type;
    if (left_only &&
        (k == exec::JoinKind::kInner || k == exec::JoinKind::kLeft || k == exec::JoinKind::kSemi ||
         k == exec::JoinKind::kAnti || k == exec::JoinKind::kMark)) {
      attach_filter(p.children[0], std::move(c));
      return;
    }
    if (right_only && (k == exec::JoinKind::kInner || k == exec::JoinKind::kRight)) {
      shift_columns(*c, left_width);
      attach_filter(p.children[1], std::move(c));
      return;
    }
    // A right semi or anti join's output is its right child's rows, columns unchanged.
    if (!cols.empty() && (k == exec::JoinKind::kRightSemi || k == exec::JoinKind::kRightAnti)) {
      attach_filter(p.children[1], std::move(c));
      return;
    }
  }
  // Through a projection of the columns it reads (one that reorders a join's columns).
  if (p.kind == PlanKind::kProject && c->is_deterministic() && !contains_subquery(*c)) {
    std::vector<int> cols;
    exec::collect_columns(*c, cols);
    std::vector<int> mapping(p.exprs.size(), -1);
    bool plain = !cols.empty();
    for (int x : cols) {
      const exec::Expression& e = *p.exprs[size_t(x)];
      plain = plain && e.op == ExprOp::kColumn;
      mapping[size_t(x)] = e.column_index;
    }
    if (plain) {
      exec::remap_columns(*c, mapping);
      attach_filter(p.children[0], std::move(c));
      return;
    }
  }
  auto f = std::make_unique<PlanNode>();
  f->kind = PlanKind::kFilter;
  f->output = p.output;
  f->predicate = std::move(c);
  f->estimated_rows = p.estimated_rows;
  f->children.push_back(std::move(plan));
  plan = std::move(f);
}

// An outer join hashes its right child. When its left child is estimated smaller the
// children swap (LEFT becomes RIGHT and RIGHT LEFT, FULL stays FULL), under a projection that
// gives the columns in their order again, so that the smaller side is the one hashed.
void build_smaller_outer_side(PlanPtr& plan) {
  PlanNode& j = *plan;
  exec::JoinKind k = j.join_type;
  if (j.kind != PlanKind::kHashJoin ||
      (k != exec::JoinKind::kLeft && k != exec::JoinKind::kRight && k != exec::JoinKind::kFull))
    return;
  double left = filtered_rows_estimate(*j.children[0]);
  double right = filtered_rows_estimate(*j.children[1]);
  if (left < 0 || right < 0 || left >= right) return;
  int left_width = int(j.children[0]->output.size());
  int right_width = int(j.children[1]->output.size());
  swap_join_inputs(j);
  j.join_type = k == exec::JoinKind::kLeft    ? exec::JoinKind::kRight
                : k == exec::JoinKind::kRight ? exec::JoinKind::kLeft
                                              : exec::JoinKind::kFull;
  auto p = node(PlanKind::kProject);
  p->output = j.output;
  for (int g = 0; g < left_width + right_width; ++g) {
    int at = g < left_width ? right_width + g : g - left_width;
    p->exprs.push_back(exec::make_column_ref(at, j.output[size_t(g)].type, j.output[size_t(g)].name));
  }
  j.output = j.children[0]->output;
  j.output.insert(j.output.end(), j.children[1]->output.begin(), j.children[1]->output.end());
  p->estimated_rows = j.estimated_rows;
  p->children.push_back(std::move(plan));
  plan = std::move(p);
}

// An OR over several relations implies, for a relation every branch restricts, the OR of
// those restrictions: (n1 = 'FRANCE' AND n2 = 'GERMANY') OR (n1 = 'GERMANY' AND n2 =
// 'FRANCE') implies n1 IN ('FRANCE', 'GERMANY') and the same of n2. The implied filters
// (added beside the OR, which stays) go onto their relation before it is joined.
// `rel_of` gives each column's relation.
void implied_filters(const exec::Expression& e, const std::vector<int>& rel_of, size_t relations,
                     std::vector<ExpressionPtr>& out) {
  if (e.op != ExprOp::kOr || !e.is_deterministic()) return;
  std::vector<ExpressionPtr> branches;
  exec::split_chain(ExprOp::kOr, e.clone(), branches);
  std::vector<std::vector<ExpressionPtr>> parts(branches.size());
  for (size_t b = 0; b < branches.size(); ++b) split_conjuncts(std::move(branches[b]), parts[b]);
  auto only_rel = [&](const exec::Expression& x) -> int {
    std::vector<int> cols;
    exec::collect_columns(x, cols);
    if (cols.empty() || contains_subquery(x)) return -1;
    int r = rel_of[size_t(cols[0])];
    for (int c : cols)
      if (rel_of[size_t(c)] != r) return -1;
    return r;
  };
  for (size_t r = 0; r < relations; ++r) {
    std::vector<ExpressionPtr> per_branch;
    for (auto& branch : parts) {
      std::vector<ExpressionPtr> mine;
      for (const auto& p : branch)
        if (only_rel(*p) == int(r)) mine.push_back(p->clone());
      if (mine.empty()) break;
      per_branch.push_back(conjunction(mine));
    }
    if (per_branch.size() != parts.size()) continue;
    ExpressionPtr any = std::move(per_branch[0]);
    for (size_t b = 1; b < per_branch.size(); ++b) {
      std::vector<ExpressionPtr> k;
      k.push_back(std::move(any));
      k.push_back(std::move(per_branch[b]));
      any = exec::make_expression(ExprOp::kOr, exec::boolean_type(), std::move(k));
    }
    out.push_back(std::move(any));
  }
}

size_t conjunct_count(const exec::Expression& e) {
  return e.op == ExprOp::kAnd ? conjunct_count(*e.children[0]) + conjunct_count(*e.children[1]) : 1;
}

// The share of a relation's estimated rows that its own filters are taken to keep: for a
// scan, what the table's column bounds say of the comparisons pushed into it, and a fifth
// for any other condition; a fifth for other filtered relations.
double filter_factor(const PlanNode& p) {
  if (p.kind == PlanKind::kScan && p.predicate && !p.pushed.empty() && p.source) {
    double s = p.source->selectivity(p.pushed);
    if (s >= 0) return conjunct_count(*p.predicate) > p.pushed.terms.size() ? s * 0.2 : s;
  }
  bool semi = (p.kind == PlanKind::kHashJoin || p.kind == PlanKind::kNestedLoopJoin) &&
              (p.join_type == exec::JoinKind::kSemi || p.join_type == exec::JoinKind::kAnti ||
               p.join_type == exec::JoinKind::kRightSemi ||
               p.join_type == exec::JoinKind::kRightAnti);
  return p.predicate || p.kind == PlanKind::kFilter || semi ? 0.2 : 1.0;
}

}  // namespace

double filtered_rows_estimate(const PlanNode& p) {
  return p.estimated_rows < 0 ? -1 : double(p.estimated_rows) * filter_factor(p);
}

void swap_join_inputs(PlanNode& join) {
  if (join.residual) {
    // Over [left columns, right columns] before, [right columns, left columns] after.
    size_t lw = join.children[0]->output.size(), rw = join.children[1]->output.size();
    std::vector<int> mapping(lw + rw);
    for (size_t i = 0; i < lw; ++i) mapping[i] = int(rw + i);
    for (size_t i = 0; i < rw; ++i) mapping[lw + i] = int(i);
    exec::remap_columns(*join.residual, mapping);
  }
  std::swap(join.left_keys, join.right_keys);
  std::swap(join.children[0], join.children[1]);
}

int64_t column_distinct_estimate(const PlanNode& plan, int column) {
  const PlanNode* p = &plan;
  while (p->kind == PlanKind::kFilter) p = p->children[0].get();
  if (p->kind != PlanKind::kScan) return -1;
  return p->source->distinct_estimate(p->scan_columns[size_t(column)]);
}

formats::ScanPredicate pushdown_predicate(const exec::Expression& condition,
                                          const columnar::Schema& schema) {
  std::vector<ExpressionPtr> parts;
  split_conjuncts(condition.clone(), parts);
  std::vector<int> identity;
  for (size_t i = 0; i < schema.fields.size(); ++i) identity.push_back(int(i));
  formats::ScanPredicate out;
  for (const auto& p : parts)
    if (!contains_subquery(*p)) lower_to_scan(*p, identity, schema, out);
  return out;
}

Binder::Binder(BindCatalog& catalog, BindOptions options)
    : impl_(std::make_unique<Impl>(catalog, std::move(options))) {}
Binder::~Binder() = default;

BoundQuery Binder::bind_query(const Query& q) { return impl_->query(q, nullptr, nullptr); }

ExpressionPtr Binder::bind_expression(const Expr& expr, const columnar::Schema& schema,
                                      const std::string& table) {
  Scope scope;
  for (const auto& f : schema.fields) scope.columns.push_back({table, f.name, f.type});
  BindContext ctx;
  ctx.scope = &scope;
  return impl_->bind(expr, ctx);
}

Column evaluate_constant_expr_for(Binder::Impl& impl, const Expr& e) {
  Scope none;
  BindContext ctx;
  ctx.scope = &none;
  auto b = impl.bind(e, ctx);
  if (!b->is_foldable()) bind_error(e.pos, "a constant is needed here");
  return exec::evaluate_constant(*b);
}

Column evaluate_constant_expr(Binder& binder, const Expr& expr) {
  columnar::Schema none;
  auto e = binder.bind_expression(expr, none);
  return exec::evaluate_constant(*e);
}

DataType Binder::resolve_type(const TypeName& t) {
  const std::string& n = t.name;
  auto p = [&](size_t i, int64_t d) { return t.params.size() > i ? t.params[i] : d; };
  if (n == "INT" || n == "INTEGER" || n == "INT4" || n == "MEDIUMINT" || n == "SIGNED") return DataType(TypeId::kInt32);
  if (n == "BIGINT" || n == "INT8" || n == "LONG") return DataType(TypeId::kInt64);
  if (n == "SMALLINT" || n == "INT2" || n == "SHORT") return DataType(TypeId::kInt16);
  if (n == "TINYINT" || n == "BYTEINT" || n == "INT1") return DataType(TypeId::kInt8);
  if (n == "HUGEINT") return DataType::decimal(38, 0);
  if (n == "REAL" || n == "FLOAT" || n == "FLOAT4" || n == "FLOAT8" || n == "DOUBLE" ||
      n == "DOUBLE PRECISION")
    return DataType(n == "FLOAT4" ? TypeId::kFloat32 : TypeId::kFloat64);
  if (n == "DECIMAL" || n == "NUMERIC" || n == "NUMBER" || n == "DEC") {
    int prec = int(p(0, 38)), scale = int(p(1, 0));
    if (prec < 1 || prec > 38 || scale < 0 || scale > prec)
      throw BinderError(fmt::format("line {}, column {}: DECIMAL({}, {}) is out of range (precision 1..38, scale 0..precision)",
                                    t.pos.line, t.pos.column, prec, scale));
    return DataType::decimal(prec, scale);
  }
  if (n == "VARCHAR" || n == "TEXT" || n == "STRING" || n == "CHAR" || n == "CHARACTER" ||
      n == "CHARACTER VARYING" || n == "NVARCHAR" || n == "NCHAR" || n == "CLOB" || n == "CHAR VARYING")
    return DataType(TypeId::kString);
  if (n == "BOOLEAN" || n == "BOOL") return DataType(TypeId::kBoolean);
  if (n == "DATE") return DataType(TypeId::kDate);
  if (n == "TIME") return DataType::time();
  if (n == "TIMESTAMP" || n == "TIMESTAMP_NTZ" || n == "DATETIME" || n == "TIMESTAMP WITHOUT TIME ZONE")
    return DataType::timestamp();
  if (n == "TIMESTAMPTZ" || n == "TIMESTAMP_TZ" || n == "TIMESTAMP_LTZ" || n == "TIMESTAMP WITH TIME ZONE")
    return DataType::timestamp_tz();
  if (n == "BINARY" || n == "VARBINARY" || n == "BLOB" || n == "BYTEA" || n == "BYTES") return DataType(TypeId::kBinary);
  if (n == "UUID") return DataType(TypeId::kUuid);
  if (n == "LIST" || n == "ARRAY" || n == "STRUCT" || n == "MAP") {
    if (n == "LIST" || n == "ARRAY") {
      if (t.fields.empty()) return DataType(TypeId::kString);  // Snowflake's ARRAY: VARIANT text
      return DataType::list_of(Field("element", resolve_type(t.fields[0].second)));
    }
    if (n == "MAP") {
      if (t.fields.size() != 2) throw BinderError("MAP needs a key and a value type");
      return DataType::map_of(Field("key", resolve_type(t.fields[0].second), false),
                              Field("value", resolve_type(t.fields[1].second)));
    }
    std::vector<Field> fs;
    for (const auto& [name, ft] : t.fields) fs.emplace_back(name, resolve_type(ft));
    return DataType::struct_of(std::move(fs));
  }
  // VARIANT values are JSON text in a VARCHAR column (docs/sql.md: readable by every engine).
  if (n == "VARIANT" || n == "OBJECT" || n == "JSON") return DataType(TypeId::kString);
  throw BinderError(fmt::format("line {}, column {}: unknown type {}", t.pos.line, t.pos.column, n));
}

// --- FROM --------------------------------------------------------------------------------

bool Binder::Impl::share_cte(CteEntry& entry) {
  // Bound on its own (not in the scope of the reference that reads it first); a query that
  // does not bind so (it names columns of an enclosing query) is bound at each reference.
  entry.binding = true;
  BoundQuery b;
  try {
    b = query(*entry.cte->query, nullptr, nullptr);
  } catch (const BinderError&) {
    entry.binding = false;
    entry.share = false;
    return false;
  }
  entry.binding = false;
  run_plan_passes(*b.plan);
  entry.schema = {};
  entry.variant.clear();
  for (size_t i = 0; i < b.names.size(); ++i) {
    const auto& aliases = entry.cte->column_aliases;
    entry.schema.fields.emplace_back(i < aliases.size() ? aliases[i] : b.names[i], b.plan->output[i].type);
    entry.variant.push_back(b.variant_type(i));
  }
  exec::ExecOptions eo;
  eo.threads = options.threads;
  eo.memory_limit = options.memory_limit;
  eo.temp_directory = options.temp_directory;
  entry.shared = std::make_shared<exec::SharedResult>(std::move(b.plan), eo);
  return true;
}

Relation Binder::Impl::cte_scan(std::shared_ptr<exec::TableSource> source, const CteEntry& entry,
                                const std::string& alias) {
  Relation r;
  auto scan = node(PlanKind::kScan);
  for (size_t i = 0; i < entry.schema.fields.size(); ++i) {
    const auto& f = entry.schema.fields[i];
    scan->scan_columns.push_back(int(i));
    scan->output.push_back(f);
    r.columns.push_back({alias, f.name, f.type});
    r.columns.back().variant = i < entry.variant.size() ? entry.variant[i] : JsonType::kNone;
  }
  scan->estimated_rows = source->estimated_rows();
  r.estimated_rows = scan->estimated_rows;
  scan->source = std::move(source);
  r.plan = std::move(scan);
  return r;
}

Relation Binder::Impl::from_item(const TableRef& t, Scope* outer, Correlation* corr) {
  Relation r;
  switch (t.kind) {
    case TableRefKind::kStage:
      bind_error(t.pos, fmt::format("a stage ({}) is read only by COPY INTO <table> FROM (SELECT .. FROM {}); "
                                    "to query staged files use read_csv/read_json/read_parquet on their location",
                                    t.name[0], t.name[0]));
    case TableRefKind::kNamed: {
      std::string alias = t.alias.empty() ? t.name.back() : t.alias;
      // WITH names first.
      if (t.name.size() == 1) {
        for (auto it = ctes.rbegin(); it != ctes.rend(); ++it) {
          auto found = it->find(t.name[0]);
          if (found == it->end()) continue;
          const CommonTableExpr* cte = found->second.cte;
          if (found->second.rows)
            return cte_scan(std::make_shared<exec::MemoryTableSource>(t.name[0], found->second.schema,
                                                                      found->second.rows),
                            found->second, alias);
          if (found->second.binding)
            bind_error(t.pos, fmt::format("'{}' refers to itself; a recursive query is WITH RECURSIVE "
                                          "name AS (anchor UNION [ALL] step)", t.name[0]));
          if (found->second.share && (found->second.shared || share_cte(found->second)))
            return cte_scan(std::make_shared<exec::SharedResultSource>(t.name[0], found->second.schema,
                                                                       found->second.shared),
                            found->second, alias);
          found->second.binding = true;
          BoundQuery b;
          try {
            b = query(*cte->query, outer, corr);
          } catch (...) {
            found->second.binding = false;
            throw;
          }
          found->second.binding = false;
          for (size_t i = 0; i < b.names.size(); ++i) {
            std::string name = i < cte->column_aliases.size() ? cte->column_aliases[i] : b.names[i];
            r.columns.push_back({alias, name, b.plan->output[i].type});
            r.columns.back().variant = b.variant_type(i);
          }
          r.plan = std::move(b.plan);
          r.estimated_rows = r.plan->estimated_rows;
          return r;
        }
      }
      if (auto view = catalog.view_query(t.name)) {
        if (++view_depth > 32) bind_error(t.pos, "views nest too deeply (a view refers to itself?)");
        Statement st = parse_statement(*view);
        if (st.kind != StatementKind::kQuery) bind_error(t.pos, "view is not a query");
        catalog.enter_view(t.name);
        struct Leave {
          BindCatalog& c;
          ~Leave() { c.leave_view(); }
        } leave{catalog};
        BoundQuery b = query(*st.query, outer, corr);
        --view_depth;
        for (size_t i = 0; i < b.names.size(); ++i) {
          r.columns.push_back({alias, b.names[i], b.plan->output[i].type});
          r.columns.back().variant = b.variant_type(i);
        }
        r.plan = std::move(b.plan);
        return r;
      }
      auto source = catalog.open_table(t.name, t.time_travel ? &*t.time_travel : nullptr);
      if (!source) bind_error(t.pos, fmt::format("table '{}' does not exist", name_text(t.name)));
      auto scan = node(PlanKind::kScan);
      const auto& schema = source->schema();
      for (size_t i = 0; i < schema.fields.size(); ++i) {
        scan->scan_columns.push_back(int(i));
        scan->output.push_back(schema.fields[i]);
        r.columns.push_back({alias, schema.fields[i].name, schema.fields[i].type});
        std::string declared = source->variant_type(int(i));
        if (declared.empty()) continue;
        JsonType type = json_type_of_name(declared);
        r.columns.back().variant = type == JsonType::kNone ? JsonType::kVariant : type;
      }
      scan->estimated_rows = source->estimated_rows();
      r.estimated_rows = scan->estimated_rows;
      scan->source = std::move(source);
      r.plan = std::move(scan);
      return r;
    }
    case TableRefKind::kSubquery: {
      BoundQuery b = query(*t.subquery, outer, corr);
      for (size_t i = 0; i < b.names.size(); ++i) {
        std::string name = i < t.column_aliases.size() ? t.column_aliases[i] : b.names[i];
        r.columns.push_back({t.alias, name, b.plan->output[i].type});
        r.columns.back().variant = b.variant_type(i);
      }
      r.plan = std::move(b.plan);
      return r;
    }
    case TableRefKind::kValues: {
      Query vq;
      vq.kind = QueryKind::kValues;
      // Bind the rows through a VALUES query (shares the type rules).
      auto& self = const_cast<TableRef&>(t);
      vq.values = std::move(self.values);
      BoundQuery b = query(vq, outer, corr);
      self.values = std::move(vq.values);
      for (size_t i = 0; i < b.names.size(); ++i) {
        std::string name = i < t.column_aliases.size() ? t.column_aliases[i] : b.names[i];
        r.columns.push_back({t.alias, name, b.plan->output[i].type});
      }
      r.plan = std::move(b.plan);
      return r;
    }
    case TableRefKind::kFunction: {
      std::string fname = t.name.back();
      if (fname == "read_parquet" || fname == "read_csv" || fname == "read_csv_auto" ||
          fname == "read_json" || fname == "read_ndjson") {
        if (t.args.empty()) bind_error(t.pos, fmt::format("{} needs a file name or glob", fname));
        Scope none;
        BindContext ctx;
        ctx.scope = &none;
        auto arg = bind(*t.args[0], ctx);
        if (!arg->is_constant() || arg->type.id() != TypeId::kString)
          bind_error(t.pos, fmt::format("{}: the file name must be a string literal", fname));
        formats::FileReadOptions opts;
        opts.format = fname == "read_parquet" ? formats::FileFormat::kParquet
                      : (fname == "read_json" || fname == "read_ndjson") ? formats::FileFormat::kNdjson
                                                                         : formats::FileFormat::kCsv;
        auto source = std::make_shared<exec::FileGlobSource>(std::string(arg->constant->string_at(0)), opts);
        auto scan = node(PlanKind::kScan);
        std::string alias = t.alias.empty() ? fname : t.alias;
        const auto& schema = source->schema();
        for (size_t i = 0; i < schema.fields.size(); ++i) {
          scan->scan_columns.push_back(int(i));
          scan->output.push_back(schema.fields[i]);
          std::string name = i < t.column_aliases.size() ? t.column_aliases[i] : schema.fields[i].name;
          r.columns.push_back({alias, name, schema.fields[i].type});
        }
        scan->source = std::move(source);
        r.plan = std::move(scan);
        return r;
      }
      if (fname == "range" || fname == "generate_series") {
        if (t.args.empty() || t.args.size() > 3)
          bind_error(t.pos, fmt::format("{} takes (stop), (start, stop) or (start, stop, step)", fname));
        std::vector<int64_t> v;
        for (const auto& a : t.args) {
          Column c = evaluate_constant_expr_for(*this, *a);
          Column n = columnar::cast_column(c, columnar::DataType(TypeId::kInt64), fname + " argument");
          if (n.is_null(0)) bind_error(a->pos, fmt::format("{}: an argument is NULL", fname));
          v.push_back(n.value<int64_t>(0));
        }
        int64_t start = v.size() == 1 ? 0 : v[0];
        int64_t stop = v.size() == 1 ? v[0] : v[1];
        int64_t step = v.size() == 3 ? v[2] : 1;
        if (step == 0) bind_error(t.args.back()->pos, fmt::format("{}: the step cannot be 0", fname));
        auto source = std::make_shared<exec::RangeSource>(fname, start, stop, step,
                                                          fname == "generate_series");
        auto scan = node(PlanKind::kScan);
        std::string alias = t.alias.empty() ? fname : t.alias;
        scan->scan_columns.push_back(0);
        scan->output.push_back(source->schema().fields[0]);
        std::string name = t.column_aliases.empty() ? fname : t.column_aliases[0];
        r.columns.push_back({alias, name, source->schema().fields[0].type});
        scan->estimated_rows = source->estimated_rows();
        r.estimated_rows = scan->estimated_rows;
        scan->source = std::move(source);
        r.plan = std::move(scan);
        return r;
      }
      if (fname == "generator") {
        // Snowflake's GENERATOR(ROWCOUNT => n): n rows without columns, numbered by SEQ4(),
        // SEQ8() or ROW_NUMBER() in the select list.
        int64_t rows = -1;
        for (size_t i = 0; i < t.args.size(); ++i) {
          std::string arg = i < t.arg_names.size() ? t.arg_names[i] : std::string();
          for (char& ch : arg) ch = char(std::tolower(static_cast<unsigned char>(ch)));
          if (arg == "timelimit")
            bind_error(t.args[i]->pos, "GENERATOR: TIMELIMIT is not supported; give ROWCOUNT");
          if (arg != "rowcount" && !(arg.empty() && i == 0))
            bind_error(t.args[i]->pos, "GENERATOR takes ROWCOUNT => <number of rows>");
          Column c = evaluate_constant_expr_for(*this, *t.args[i]);
          Column n = columnar::cast_column(c, columnar::DataType(TypeId::kInt64), "ROWCOUNT");
          if (n.is_null(0) || n.value<int64_t>(0) < 0)
            bind_error(t.args[i]->pos, "GENERATOR: ROWCOUNT must be a number of rows, 0 or more");
          rows = n.value<int64_t>(0);
        }
        if (rows < 0) bind_error(t.pos, "GENERATOR needs ROWCOUNT => <number of rows>");
        auto source = std::make_shared<exec::RangeSource>("generator", 0, rows, 1, false);
        auto scan = node(PlanKind::kScan);
        scan->scan_columns.push_back(0);
        scan->output.push_back(source->schema().fields[0]);
        // The row's number stays out of *: GENERATOR's rows have no columns.
        r.columns.push_back({t.alias.empty() ? fname : t.alias, "generator",
                             source->schema().fields[0].type, /*hidden=*/true});
        scan->estimated_rows = source->estimated_rows();
        r.estimated_rows = scan->estimated_rows;
        scan->source = std::move(source);
        r.plan = std::move(scan);
        return r;
      }
      bind_error(t.pos, fmt::format("table function {} does not exist", fname));
    }
    case TableRefKind::kJoin: {
      Relation left = from_item(*t.left, outer, corr);
      Relation right = from_item(*t.right, outer, corr);
      auto j = node(PlanKind::kNestedLoopJoin);
      JoinType jt = t.join_type;
      j->join_type = jt == JoinType::kLeft ? exec::JoinKind::kLeft
                     : jt == JoinType::kRight ? exec::JoinKind::kRight
                     : jt == JoinType::kFull ? exec::JoinKind::kFull
                                             : exec::JoinKind::kInner;
      Scope scope;
      scope.columns = left.columns;
      scope.columns.insert(scope.columns.end(), right.columns.begin(), right.columns.end());
      scope.outer = outer;
      scope.correlation = corr;
      ExpressionPtr cond;
      std::vector<std::string> using_cols = t.using_columns;
      if (t.natural) {
        for (const auto& lc : left.columns)
          for (const auto& rc : right.columns)
            if (lc.name == rc.name) using_cols.push_back(lc.name);
      }
      if (t.on) {
        BindContext ctx;
        ctx.scope = &scope;
        cond = to_boolean(bind(*t.on, ctx), t.on->pos, "the ON condition");
      } else if (!using_cols.empty()) {
        std::vector<ExpressionPtr> parts;
        for (const auto& u : using_cols) {
          int li = -1, ri = -1;
          for (size_t i = 0; i < left.columns.size(); ++i) if (left.columns[i].name == u) li = int(i);
          for (size_t i = 0; i < right.columns.size(); ++i) if (right.columns[i].name == u) ri = int(i);
          if (li < 0 || ri < 0) bind_error(t.pos, fmt::format("USING column '{}' is not on both sides", u));
          parts.push_back(comparison(ExprOp::kEqual,
                                     exec::make_column_ref(li, left.columns[size_t(li)].type, u),
                                     exec::make_column_ref(int(left.columns.size()) + ri,
                                                           right.columns[size_t(ri)].type, u),
                                     t.pos));
        }
        cond = conjunction(parts);
      }
      int left_width = int(left.columns.size());
      if (cond) {
        std::vector<ExpressionPtr> parts, rest;
        split_conjuncts(std::move(cond), parts);
        for (auto& p : parts) {
          if (p->op == ExprOp::kEqual && !contains_subquery(*p)) {
            int l0 = INT32_MAX, h0 = -1, l1 = INT32_MAX, h1 = -1;
            column_range(*p->children[0], l0, h0);
            column_range(*p->children[1], l1, h1);
            bool a_left = h0 > 0 && h0 <= left_width, b_right = l1 != INT32_MAX && l1 >= left_width;
            bool a_right = l0 != INT32_MAX && l0 >= left_width, b_left = h1 > 0 && h1 <= left_width;
            if ((a_left && b_right) || (a_right && b_left)) {
              ExpressionPtr lk = std::move(a_left ? p->children[0] : p->children[1]);
              ExpressionPtr rk = std::move(a_left ? p->children[1] : p->children[0]);
              shift_columns(*rk, left_width);
              j->left_keys.push_back(std::move(lk));
              j->right_keys.push_back(std::move(rk));
              continue;
            }
          }
          // A condition on the side whose rows the join may null-extend filters that side
          // before the join (an unmatched row is null-extended either way); conditions on
          // the preserved side decide matches and stay.
          std::vector<int> cols;
          exec::collect_columns(*p, cols);
          bool right_only = !cols.empty(), left_only = !cols.empty();
          for (int x : cols) {
            right_only = right_only && x >= left_width;
            left_only = left_only && x < left_width;
          }
          bool pushable = p->is_deterministic() && !contains_subquery(*p);
          if (pushable && right_only && (jt == JoinType::kLeft || jt == JoinType::kInner || jt == JoinType::kCross)) {
            shift_columns(*p, left_width);
            attach_filter(right.plan, std::move(p));
            continue;
          }
          if (pushable && left_only && (jt == JoinType::kRight || jt == JoinType::kInner || jt == JoinType::kCross)) {
            attach_filter(left.plan, std::move(p));
            continue;
          }
          rest.push_back(std::move(p));
        }
        j->residual = conjunction(rest);
        if (!j->left_keys.empty()) j->kind = PlanKind::kHashJoin;
      }
      if (t.join_type == JoinType::kCross) j->join_type = exec::JoinKind::kInner;
      j->output = fields_of(scope.columns);
      j->children.push_back(std::move(left.plan));
      j->children.push_back(std::move(right.plan));
      r.plan = std::move(j);
      build_smaller_outer_side(r.plan);
      r.columns = std::move(scope.columns);
      return r;
    }
  }
  bind_error(t.pos, "unsupported FROM item");
}

void Binder::Impl::flatten(const TableRef& t, Relation& rel, Scope* outer, Correlation* corr) {
  Scope scope;
  scope.columns = rel.columns;
  scope.outer = outer;
  scope.correlation = corr;
  BindContext ctx;
  ctx.scope = &scope;
  auto f = node(PlanKind::kFlatten);
  static const char* const kNames[] = {"input", "path", "outer", "recursive", "mode"};
  for (size_t i = 0; i < t.args.size(); ++i) {
    std::string name = i < t.arg_names.size() && !t.arg_names[i].empty() ? t.arg_names[i]
                       : i < 5 ? kNames[i] : "";
    for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (name == "input") {
      f->flatten_input = cast_to(bind(*t.args[i], ctx), exec::varchar_type(), t.args[i]->pos);
      continue;
    }
    BindContext none;
    Scope empty;
    none.scope = &empty;
    auto v = bind(*t.args[i], none);
    if (!v->is_foldable()) bind_error(t.args[i]->pos, fmt::format("FLATTEN's {} must be a constant", name));
    Column c = exec::evaluate_constant(*v);
    if (name == "path" || name == "mode") {
      Column s = columnar::cast_column(c, exec::varchar_type());
      std::string text = s.is_null(0) ? "" : std::string(s.string_at(0));
      if (name == "path") f->flatten_path = text;
      else {
        for (char& ch : text) ch = char(std::toupper(static_cast<unsigned char>(ch)));
        if (text != "BOTH" && text != "OBJECT" && text != "ARRAY")
          bind_error(t.args[i]->pos, "FLATTEN's mode is 'BOTH', 'OBJECT' or 'ARRAY'");
        f->flatten_mode = text;
      }
    } else if (name == "outer" || name == "recursive") {
      Column b = columnar::cast_column(c, exec::boolean_type());
      bool on = b.is_valid(0) && b.value<uint8_t>(0);
      (name == "outer" ? f->flatten_outer : f->flatten_recursive) = on;
    } else {
      bind_error(t.args[i]->pos, fmt::format("FLATTEN has no argument '{}'", name));
    }
  }
  if (!f->flatten_input) bind_error(t.pos, "FLATTEN needs INPUT => <variant>");
  std::string alias = t.alias.empty() ? "flatten" : t.alias;
  f->output = rel.plan->output;
  const std::pair<const char*, DataType> cols[] = {
      {"seq", exec::bigint_type()}, {"key", exec::varchar_type()}, {"path", exec::varchar_type()},
      {"index", exec::bigint_type()}, {"value", exec::varchar_type()}, {"this", exec::varchar_type()}};
  for (const auto& [n, type] : cols) {
    f->output.emplace_back(n, type);
    rel.columns.push_back({alias, n, type});
    if (n == std::string_view("value") || n == std::string_view("this"))
      rel.columns.back().variant = JsonType::kVariant;
  }
  f->children.push_back(std::move(rel.plan));
  rel.plan = std::move(f);
  rel.estimated_rows = rel.estimated_rows >= 0 ? rel.estimated_rows * 4 : -1;
}

namespace {

bool is_flatten_call(const TableRef& t) {
  return t.kind == TableRefKind::kFunction && t.name.back() == "flatten";
}

// The FROM items of an inner or cross JOIN tree written with ON (or nothing), and its ON
// conjuncts: such a join means the same as those items with the conjuncts in WHERE, so it
// gets the same join ordering, pushdown and inference. Outer joins, USING, NATURAL and
// LATERAL items keep their tree (one FROM item).
void flatten_inner_joins(const TableRef& t, std::vector<const TableRef*>& items,
                         std::vector<const Expr*>& on) {
  auto plain = [](const TableRef& x) { return !x.lateral && !is_flatten_call(x); };
  if (t.kind == TableRefKind::kJoin &&
      (t.join_type == JoinType::kInner || t.join_type == JoinType::kCross) && !t.natural &&
      t.using_columns.empty() && plain(*t.left) && plain(*t.right)) {
    flatten_inner_joins(*t.left, items, on);
    flatten_inner_joins(*t.right, items, on);
    flatten_conjuncts(t.on.get(), on);
    return;
  }
  items.push_back(&t);
}

// Equalities between columns of two FROM items make their values the same, so a filter on
// one column holds of the other: a.k = b.k AND a.k = 3 gives b.k = 3 too, which prunes b's
// scan. Only between columns of one type (the filter is re-used as bound) that is not
// floating point (-0.0 = 0.0 yet they differ).
void infer_across_equalities(std::vector<ExpressionPtr>& conjuncts, const std::vector<int>& rel_of) {
  std::vector<int> parent(rel_of.size());
  for (size_t i = 0; i < parent.size(); ++i) parent[i] = int(i);
  std::function<int(int)> root = [&](int x) { return parent[size_t(x)] == x ? x : parent[size_t(x)] = root(parent[size_t(x)]); };
  bool any = false;
  for (const auto& c : conjuncts) {
    if (c->op != ExprOp::kEqual) continue;
    const auto& a = *c->children[0];
    const auto& b = *c->children[1];
    if (a.op != ExprOp::kColumn || b.op != ExprOp::kColumn || !(a.type == b.type) ||
        exec::is_floating(a.type) || rel_of[size_t(a.column_index)] == rel_of[size_t(b.column_index)])
      continue;
    parent[size_t(root(a.column_index))] = root(b.column_index);
    any = true;
  }
  if (!any) return;
  std::set<std::string> have;
  for (const auto& c : conjuncts) have.insert(c->to_string(true));
  std::vector<ExpressionPtr> derived;
  for (const auto& c : conjuncts) {
    if (!c->is_deterministic() || contains_subquery(*c)) continue;
    std::vector<int> cols;
    exec::collect_columns(*c, cols);
    if (cols.empty() || std::any_of(cols.begin(), cols.end(), [&](int x) { return x != cols[0]; })) continue;
    int g = cols[0];
    for (size_t other = 0; other < parent.size(); ++other) {
      if (int(other) == g || root(int(other)) != root(g) || rel_of[other] == rel_of[size_t(g)]) continue;
      std::vector<int> mapping(rel_of.size());
      for (size_t i = 0; i < mapping.size(); ++i) mapping[i] = int(i);
      mapping[size_t(g)] = int(other);
      ExpressionPtr d = c->clone();
      exec::remap_columns(*d, mapping);
      if (have.insert(d->to_string(true)).second) derived.push_back(std::move(d));
    }
  }
  for (auto& d : derived) conjuncts.push_back(std::move(d));
}

}  // namespace

Relation Binder::Impl::from_clause(const std::vector<TableRefPtr>& from,
                                   const std::vector<const Expr*>& where_in, Scope* outer,
                                   Correlation* corr, ExpressionPtr* remaining,
                                   std::vector<const Expr*>* pushable) {
  std::vector<Relation> rels;
  std::vector<const Expr*> where = where_in;
  std::vector<const TableRef*> items;
  for (size_t i = 0; i < from.size(); ++i) {
    // A LATERAL FLATTEN reads the whole FROM item before it: that item stays one.
    if (i + 1 < from.size() && is_flatten_call(*from[i + 1])) items.push_back(from[i].get());
    else flatten_inner_joins(*from[i], items, where);
  }
  for (const TableRef* t : items) {
    if (is_flatten_call(*t)) {
      // LATERAL FLATTEN reads the FROM item before it (or a constant).
      if (rels.empty()) {
        Relation one;
        auto v = node(PlanKind::kValues);
        columnar::Batch b;
        b.rows_without_columns = 1;
        v->rows.push_back(std::move(b));
        one.plan = std::move(v);
        rels.push_back(std::move(one));
      }
      flatten(*t, rels.back(), outer, corr);
      continue;
    }
    rels.push_back(from_item(*t, outer, corr));
  }
  if (rels.empty()) {
    Relation one;
    auto v = node(PlanKind::kValues);
    columnar::Batch b;
    b.rows_without_columns = 1;
    v->rows.push_back(std::move(b));
    one.plan = std::move(v);
    rels.push_back(std::move(one));
  }
  // All columns, in FROM order: the scope WHERE binds in.
  Scope all;
  std::vector<int> offset;
  for (auto& r : rels) {
    offset.push_back(int(all.columns.size()));
    all.columns.insert(all.columns.end(), r.columns.begin(), r.columns.end());
  }
  all.outer = outer;
  all.correlation = corr;
  std::vector<ExpressionPtr> conjuncts;
  for (const Expr* w : where) {
    BindContext ctx;
    ctx.scope = &all;
    std::vector<ExpressionPtr> parts;
    split_conjuncts(to_boolean(bind(*w, ctx), w->pos, "WHERE"), parts);
    for (auto& p : parts) factor_disjunction(std::move(p), conjuncts);
  }
  // Filters on one relation go onto it (and into its scan).
  std::vector<int> rel_of(all.columns.size());
  for (size_t r = 0; r < rels.size(); ++r)
    for (size_t c = 0; c < rels[r].columns.size(); ++c) rel_of[size_t(offset[r]) + c] = int(r);
  if (rels.size() > 1) {
    std::vector<ExpressionPtr> implied;
    for (const auto& c : conjuncts) implied_filters(*c, rel_of, rels.size(), implied);
    for (auto& i : implied) conjuncts.push_back(std::move(i));
    infer_across_equalities(conjuncts, rel_of);
  }
  std::vector<ExpressionPtr> multi;
  for (auto& c : conjuncts) {
    int lo = INT32_MAX, hi = -1;
    column_range(*c, lo, hi);
    if (lo == INT32_MAX || contains_subquery(*c) || !c->is_deterministic()) {
      multi.push_back(std::move(c));
      continue;
    }
    int r = rel_of[size_t(lo)];
    if (rel_of[size_t(hi - 1)] != r) {
      multi.push_back(std::move(c));
      continue;
    }
    shift_columns(*c, offset[size_t(r)]);
    attach_filter(rels[size_t(r)].plan, std::move(c));
  }
  // Subquery tests that read one FROM item join it alone, before the items are joined
  // (an EXISTS or IN of a plain subquery only when its rows are estimated fewer than the
  // item's). They are bound without the enclosing scopes, so a test that reads more than
  // that item does not bind and stays for after the joins.
  if (pushable && rels.size() > 1) {
    std::vector<const Expr*> kept;
    for (const Expr* c : *pushable) {
      bool pushed = false;
      for (size_t r = 0; r < rels.size() && !pushed; ++r)
        pushed = is_semi_join_candidate(*c) ? semi_join(*c, rels[r], nullptr, nullptr, true)
                                            : uncorrelated_in_join(*c, rels[r]);
      if (!pushed) kept.push_back(c);
    }
    *pushable = std::move(kept);
  }
  // Join order and plan (sql/join_order.h), by the relations' estimated rows and the
  // equalities between a column of one and a column of another, whose selectivity is 1 /
  // the larger distinct estimate (a relation's row count when unknown).
  size_t n = rels.size();
  std::vector<JoinRelation> joined(n);
  for (size_t r = 0; r < n; ++r) {
    const PlanNode& p = *rels[r].plan;
    joined[r].raw = p.estimated_rows >= 0 ? double(p.estimated_rows) : 1e6;
    joined[r].est = joined[r].raw * filter_factor(p);
    joined[r].offset = offset[r];
    joined[r].columns = int(rels[r].columns.size());
  }
  auto bare_column = [](const exec::Expression& e) -> int {
    const exec::Expression* x = &e;
    if (x->op == ExprOp::kCast) x = x->children[0].get();
    return x->op == ExprOp::kColumn ? x->column_index : -1;
  };
  auto ndv_of = [&](int global) -> double {
    size_t r = size_t(rel_of[size_t(global)]);
    int64_t d = column_distinct_estimate(*rels[r].plan, global - offset[r]);
    return d > 0 ? double(d) : std::max(1.0, joined[r].est);
  };
  std::vector<JoinEdge> edges;
  for (const auto& c : multi) {
    if (c->op != ExprOp::kEqual) continue;
    int x = bare_column(*c->children[0]), y = bare_column(*c->children[1]);
    if (x < 0 || y < 0) continue;
    size_t a = size_t(rel_of[size_t(x)]), b = size_t(rel_of[size_t(y)]);
    if (a == b) continue;
    edges.push_back({a, b, std::max(ndv_of(x), ndv_of(y))});
  }
  for (size_t r = 0; r < n; ++r) joined[r].plan = std::move(rels[r].plan);
  std::vector<int> pos;
  PlanPtr plan = join_relations(joined, edges, multi, pos);
  // Back to FROM order, which the rest of the query binds against.
  bool reordered = false;
  for (size_t g = 0; g < pos.size(); ++g) reordered = reordered || pos[g] != int(g);
  if (reordered) {
    auto p = node(PlanKind::kProject);
    for (size_t g = 0; g < pos.size(); ++g) {
      p->exprs.push_back(exec::make_column_ref(pos[g], plan->output[size_t(pos[g])].type,
                                               all.columns[g].name));
      p->output.push_back(plan->output[size_t(pos[g])]);
    }
    p->estimated_rows = plan->estimated_rows;
    p->children.push_back(std::move(plan));
    plan = std::move(p);
  }
  Relation out;
  out.plan = std::move(plan);
  out.columns = std::move(all.columns);
  *remaining = conjunction(multi);
  return out;
}

}  // namespace floe::sql
