// Binding expressions: names to columns (or to outer columns, which become parameters of
// the subquery's plan), functions to the library, operators to typed kernels with the
// casts their operands need.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <strings.h>

#include <atomic>
#include <cctype>

#include "columnar/column_cast.h"
#include "columnar/value_compare.h"
#include "columnar/value_parse.h"
#include "exec/date_part.h"
#include "exec/expression_evaluator.h"
#include "exec/type_rules.h"
#include "sql/binder_internal.h"
#include "sql/parser.h"

namespace floe::sql {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;
using exec::ExprOp;
using exec::ExpressionPtr;

[[noreturn]] void bind_error(const SourcePos& pos, const std::string& message) {
  throw BinderError(fmt::format("line {}, column {}: {}", pos.line, pos.column, message));
}

int64_t interval_literal(const Expr& iv, std::string& unit) {
  std::string text = iv.text, u = iv.interval_unit;
  if (u.empty()) {
    size_t sp = text.find(' ');
    if (sp != std::string::npos) {
      u = text.substr(sp + 1);
      text = text.substr(0, sp);
    }
  }
  if (u.empty()) bind_error(iv.pos, "INTERVAL needs a unit");
  // Plural to singular ("days" -> "day"), leaving short units as they are ("ms", "us").
  if (u.size() > 2 && (u.back() == 's' || u.back() == 'S')) u.pop_back();
  for (char& ch : u) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  unit = u;
  Column n{exec::bigint_type()};
  if (!columnar::append_parsed_value(n, text) || n.is_null(0))
    bind_error(iv.pos, fmt::format("INTERVAL '{}': not a whole number", iv.text));
  return n.value<int64_t>(0);
}

std::string name_text(const ObjectName& name) {
  std::string s;
  for (size_t i = 0; i < name.size(); ++i) s += (i ? "." : "") + name[i];
  return s;
}

namespace {

bool is_window_call(const Expr& e) { return e.kind == ExprKind::kFunction && e.over; }

bool is_aggregate_call(const Expr& e) {
  if (e.kind != ExprKind::kFunction || e.over || e.names.size() != 1) return false;
  const std::string& n = e.names[0];
  return exec::is_aggregate_name(n) || n == "count_if" || n == "array_agg";
}

}  // namespace

void collect_aggregates(const Expr& e, std::vector<const Expr*>& out) {
  if (is_aggregate_call(e)) {
    out.push_back(&e);
    return;
  }
  // Subqueries have their own aggregates.
  for (const auto& a : e.args) collect_aggregates(*a, out);
  if (e.case_operand) collect_aggregates(*e.case_operand, out);
  for (const auto& [w, t] : e.when_then) {
    collect_aggregates(*w, out);
    collect_aggregates(*t, out);
  }
  if (e.else_expr) collect_aggregates(*e.else_expr, out);
  if (e.over) {
    for (const auto& p : e.over->partition_by) collect_aggregates(*p, out);
    for (const auto& o : e.over->order_by) collect_aggregates(*o.expr, out);
  }
}

bool contains_aggregate(const Expr& e) {
  std::vector<const Expr*> v;
  collect_aggregates(e, v);
  return !v.empty();
}

void collect_windows(const Expr& e, std::vector<const Expr*>& out) {
  if (is_window_call(e)) {
    out.push_back(&e);
    return;
  }
  for (const auto& a : e.args) collect_windows(*a, out);
  if (e.case_operand) collect_windows(*e.case_operand, out);
  for (const auto& [w, t] : e.when_then) {
    collect_windows(*w, out);
    collect_windows(*t, out);
  }
  if (e.else_expr) collect_windows(*e.else_expr, out);
}

ExpressionPtr cast_to(ExpressionPtr e, const DataType& type, const SourcePos& pos) {
  if (e->type == type) return e;
  if (e->type.id() != TypeId::kNull && !columnar::can_cast(e->type, type))
    bind_error(pos, fmt::format("cannot cast {} to {}", e->type.to_string(), type.to_string()));
  if (e->is_constant()) {
    // Fold: a literal cast once, with the error (a bad date literal) raised now.
    Column c = e->type.id() == TypeId::kNull ? [&] { Column n(type); n.append_null(); return n; }()
                                             : columnar::cast_column(*e->constant, type);
    return exec::make_constant(std::move(c));
  }
  return exec::make_cast(std::move(e), type);
}

ExpressionPtr Binder::Impl::to_boolean(ExpressionPtr e, const SourcePos& pos, const char* what) {
  if (e->type.id() == TypeId::kBoolean) return e;
  if (e->type.id() == TypeId::kNull) return cast_to(std::move(e), exec::boolean_type(), pos);
  if (options.dialect == Dialect::kSqlite && exec::is_numeric(e->type)) {
    // SQLite: any non-zero number is true.
    auto zero = exec::make_constant([] { Column c{DataType(TypeId::kInt64)}; c.append<int64_t>(0); return c; }());
    return comparison(ExprOp::kNotEqual, std::move(e), std::move(zero), pos);
  }
  bind_error(pos, fmt::format("{} must be BOOLEAN, not {}", what, e->type.to_string()));
}

ExpressionPtr Binder::Impl::bind_literal(const Expr& e) {
  switch (e.literal_kind) {
    case LiteralKind::kNull:
      return exec::make_null_constant(DataType(TypeId::kNull));
    case LiteralKind::kBoolean:
      return exec::make_bool_constant(e.bool_value);
    case LiteralKind::kInteger: {
      Column c{DataType(TypeId::kInt64)};
      if (columnar::append_parsed_value(c, e.text)) return exec::make_constant(std::move(c));
      if (e.text.size() <= 38) {
        Column d{DataType::decimal(38, 0)};
        if (columnar::append_parsed_value(d, e.text)) return exec::make_constant(std::move(d));
      }
      Column f{exec::double_type()};
      if (columnar::append_parsed_value(f, e.text)) return exec::make_constant(std::move(f));
      bind_error(e.pos, fmt::format("integer literal {} is out of range", e.text));
    }
    case LiteralKind::kDecimal: {
      std::string t = e.text;
      size_t dot = t.find('.');
      int scale = dot == std::string::npos ? 0 : int(t.size() - dot - 1);
      int digits = 0;
      for (char ch : t) digits += (ch >= '0' && ch <= '9');
      if (digits <= 38 && scale <= 37) {
        if (t.back() == '.') t.pop_back();
        if (!t.empty() && t[0] == '.') t = "0" + t;
        Column d{DataType::decimal(std::max(digits, scale + 1), scale)};
        if (columnar::append_parsed_value(d, t)) return exec::make_constant(std::move(d));
      }
      [[fallthrough]];
    }
    case LiteralKind::kFloat: {
      Column f{exec::double_type()};
      if (columnar::append_parsed_value(f, e.text)) return exec::make_constant(std::move(f));
      bind_error(e.pos, fmt::format("bad number {}", e.text));
    }
    case LiteralKind::kString: {
      Column c{exec::varchar_type()};
      c.append_string(e.text);
      return exec::make_constant(std::move(c));
    }
    case LiteralKind::kBlob: {
      Column c{DataType(TypeId::kBinary)};
      c.append_string(e.text);
      return exec::make_constant(std::move(c));
    }
    case LiteralKind::kTyped: {
      Column c{exec::varchar_type()};
      c.append_string(e.text);
      DataType t = Binder::resolve_type(e.type);
      Column v(t);
      if (!columnar::append_parsed_value(v, e.text))
        bind_error(e.pos, fmt::format("'{}' is not a valid {}", e.text, t.to_string()));
      return exec::make_constant(std::move(v));
    }
  }
  bind_error(e.pos, "unknown literal");
}

ExpressionPtr Binder::Impl::bind_column(const Expr& e, BindContext& ctx) {
  const auto& parts = e.names;
  std::string col = parts.back();
  std::string table = parts.size() >= 2 ? parts[parts.size() - 2] : "";
  // Search this scope, then enclosing ones (a correlated reference).
  Scope* scope = ctx.scope;
  auto find_in = [&](Scope& s, bool exact) -> int {
    int found = -1;
    for (size_t i = 0; i < s.columns.size(); ++i) {
      const auto& c = s.columns[i];
      if (c.hidden) continue;
      bool name_ok = exact ? c.name == col : strcasecmp(c.name.c_str(), col.c_str()) == 0;
      if (!name_ok) continue;
      if (!table.empty()) {
        bool t_ok = exact ? c.table == table : strcasecmp(c.table.c_str(), table.c_str()) == 0;
        if (!t_ok) continue;
      }
      if (found >= 0 && !(s.columns[size_t(found)].table == c.table && !table.empty()))
        bind_error(e.pos, fmt::format("column reference '{}' is ambiguous", name_text(parts)));
      found = int(i);
    }
    return found;
  };
  int idx = find_in(*scope, true);
  if (idx < 0) idx = find_in(*scope, false);
  if (idx >= 0) {
    const auto& c = scope->columns[size_t(idx)];
    return exec::make_column_ref(idx, c.type, c.name);
  }
  if (scope->outer && scope->correlation) {
    // Bind in the outer scope, then make it a parameter of this query.
    BindContext outer_ctx;
    outer_ctx.scope = scope->outer;
    ExpressionPtr outer;
    try {
      outer = bind_column(e, outer_ctx);
    } catch (const BinderError&) {
      outer = nullptr;
    }
    if (outer) {
      Correlation& corr = *scope->correlation;
      std::string key = outer->to_string(true);
      auto it = corr.by_name.find(key);
      if (it != corr.by_name.end()) return it->second->clone();
      auto param = std::make_shared<Column>(outer->type);
      param->append_null();
      auto p = std::make_unique<exec::Expression>();
      p->op = ExprOp::kConstant;
      p->type = outer->type;
      p->constant = param;
      p->parameter = true;
      p->name = outer->name;
      corr.params.push_back(param);
      corr.outer_values.push_back(std::move(outer));
      corr.by_name.emplace(key, p->clone());
      return p;
    }
  }
  bind_error(e.pos, fmt::format("column '{}' does not exist", name_text(parts)));
}

namespace {

bool is_exact_number(const DataType& t) { return exec::is_integer(t) || t.id() == TypeId::kDecimal; }

// `constant` in the type of the column side `other` of a comparison, when it converts to it
// exactly (24 for a DECIMAL(15,2) column is 24.00): then the column is compared as it is,
// not cast to the common type on every row, and the scan can prune by the comparison.
// nullptr when the constant does not fit or would be rounded.
ExpressionPtr constant_in_type_of(const ExpressionPtr& constant, const ExpressionPtr& other,
                                  const DataType& common) {
  if (!constant->is_constant() || other->is_foldable()) return nullptr;
  if (!is_exact_number(constant->type) || !is_exact_number(other->type) || !is_exact_number(common))
    return nullptr;
  if (other->type == common || constant->constant->is_null(0)) return nullptr;
  try {
    Column narrow = columnar::cast_column(*constant->constant, other->type);
    Column back = columnar::cast_column(narrow, common);
    Column wide = columnar::cast_column(*constant->constant, common);
    if (columnar::compare_values(back, 0, wide, 0) != 0) return nullptr;
    return exec::make_constant(std::move(narrow));
  } catch (const std::exception&) {
    return nullptr;  // out of the column type's range: compared in the common type
  }
}

}  // namespace

ExpressionPtr Binder::Impl::comparison(ExprOp op, ExpressionPtr a, ExpressionPtr b,
                                       const SourcePos& pos) {
  auto t = exec::common_type(a->type, b->type);
  if (!t)
    bind_error(pos, fmt::format("cannot compare {} with {}", a->type.to_string(), b->type.to_string()));
  DataType common = t->id() == TypeId::kNull ? exec::bigint_type() : *t;
  if (auto nb = constant_in_type_of(b, a, common)) {
    b = std::move(nb);
    common = a->type;
  } else if (auto na = constant_in_type_of(a, b, common)) {
    a = std::move(na);
    common = b->type;
  }
  std::vector<ExpressionPtr> kids;
  kids.push_back(cast_to(std::move(a), common, pos));
  kids.push_back(cast_to(std::move(b), common, pos));
  return exec::make_expression(op, exec::boolean_type(), std::move(kids));
}

namespace {

void unify(std::vector<ExpressionPtr>& es, const SourcePos& pos, const char* what);

// A COALESCE or CASE that is REAL only because an INTEGER branch was cast to the type of the
// others. SQLite types each value on its own: on the rows that take that branch the value
// is an integer.
bool integer_branch_among_reals(const exec::Expression& e) {
  if (!exec::is_floating(e.type) || (e.op != ExprOp::kCoalesce && e.op != ExprOp::kCase)) return false;
  for (size_t i = 0; i < e.children.size(); ++i) {
    bool value = e.op == ExprOp::kCoalesce || i % 2 == 1 || (e.has_else && i + 1 == e.children.size());
    const exec::Expression& c = *e.children[i];
    if (value && c.op == ExprOp::kCast && exec::is_integer(c.children[0]->type)) return true;
  }
  return false;
}

}  // namespace

// SQLite: `mixed op other` with `mixed` as above is the operation in each branch, so that a
// branch's integer takes integer arithmetic (COALESCE(43, avg(x)) / -65 is 0, not -0.66).
ExpressionPtr Binder::Impl::arithmetic_in_branches(BinaryOp op, ExpressionPtr mixed, ExpressionPtr other,
                                                   bool mixed_left, const SourcePos& pos) {
  auto apply = [&](ExpressionPtr v) {
    if (v->op == ExprOp::kCast && exec::is_integer(v->children[0]->type)) v = std::move(v->children[0]);
    return mixed_left ? arithmetic(op, std::move(v), other->clone(), pos)
                      : arithmetic(op, other->clone(), std::move(v), pos);
  };
  std::vector<ExpressionPtr> conditions, values;
  if (mixed->op == ExprOp::kCoalesce) {
    // COALESCE(a, b, c) is CASE WHEN a IS NOT NULL THEN a WHEN b IS NOT NULL THEN b ELSE c END.
    for (size_t i = 0; i + 1 < mixed->children.size(); ++i) {
      std::vector<ExpressionPtr> k;
      k.push_back(mixed->children[i]->clone());
      conditions.push_back(exec::make_expression(ExprOp::kIsNotNull, exec::boolean_type(), std::move(k)));
    }
    for (auto& c : mixed->children) values.push_back(apply(std::move(c)));
  } else {
    size_t pairs = mixed->children.size() / 2;
    for (size_t i = 0; i < pairs; ++i) {
      conditions.push_back(std::move(mixed->children[2 * i]));
      values.push_back(apply(std::move(mixed->children[2 * i + 1])));
    }
    if (mixed->has_else) values.push_back(apply(std::move(mixed->children.back())));
  }
  bool has_else = values.size() > conditions.size();
  unify(values, pos, "CASE");
  DataType t = values[0]->type;
  std::vector<ExpressionPtr> kids;
  for (size_t i = 0; i < conditions.size(); ++i) {
    kids.push_back(std::move(conditions[i]));
    kids.push_back(std::move(values[i]));
  }
  if (has_else) kids.push_back(std::move(values.back()));
  auto c = exec::make_expression(ExprOp::kCase, t, std::move(kids));
  c->has_else = has_else;
  return c;
}

ExpressionPtr Binder::Impl::arithmetic(BinaryOp op, ExpressionPtr a, ExpressionPtr b,
                                       const SourcePos& pos) {
  if (options.dialect == Dialect::kSqlite) {
    if (integer_branch_among_reals(*a) && !integer_branch_among_reals(*b))
      return arithmetic_in_branches(op, std::move(a), std::move(b), true, pos);
    if (integer_branch_among_reals(*b) && !integer_branch_among_reals(*a))
      return arithmetic_in_branches(op, std::move(b), std::move(a), false, pos);
  }
  if (a->type.id() == TypeId::kNull && b->type.id() == TypeId::kNull) {
    a = cast_to(std::move(a), exec::bigint_type(), pos);
    b = cast_to(std::move(b), exec::bigint_type(), pos);
  } else if (a->type.id() == TypeId::kNull) {
    a = cast_to(std::move(a), b->type, pos);
  } else if (b->type.id() == TypeId::kNull) {
    b = cast_to(std::move(b), a->type, pos);
  }
  // Text in arithmetic is read as a number (Snowflake, SQLite).
  if (exec::is_text(a->type) && exec::is_numeric(b->type)) a = cast_to(std::move(a), exec::double_type(), pos);
  if (exec::is_text(b->type) && exec::is_numeric(a->type)) b = cast_to(std::move(b), exec::double_type(), pos);
  if (!exec::is_numeric(a->type) || !exec::is_numeric(b->type))
    bind_error(pos, fmt::format("operator does not apply to {} and {}", a->type.to_string(),
                                b->type.to_string()));
  ExprOp eop = op == BinaryOp::kAdd ? ExprOp::kAdd
               : op == BinaryOp::kSubtract ? ExprOp::kSubtract
               : op == BinaryOp::kMultiply ? ExprOp::kMultiply
               : op == BinaryOp::kDivide ? ExprOp::kDivide
                                         : ExprOp::kModulo;
  bool sqlite = options.dialect == Dialect::kSqlite;
  DataType result;
  bool ints = exec::is_integer(a->type) && exec::is_integer(b->type);
  bool floats = exec::is_floating(a->type) || exec::is_floating(b->type);
  if (ints) {
    if (eop == ExprOp::kDivide && !sqlite) {
      result = exec::double_type();
    } else {
      result = exec::bigint_type();
      if (eop == ExprOp::kDivide) eop = ExprOp::kIntegerDivide;
    }
    a = cast_to(std::move(a), result, pos);
    b = cast_to(std::move(b), result, pos);
  } else if (floats || eop == ExprOp::kDivide) {
    result = exec::double_type();
    a = cast_to(std::move(a), result, pos);
    b = cast_to(std::move(b), result, pos);
  } else {
    // Decimals (and integers meeting decimals).
    auto as_decimal = [&](ExpressionPtr x) {
      if (x->type.id() == TypeId::kDecimal) return x;
      return cast_to(std::move(x), DataType::decimal(19, 0), pos);
    };
    a = as_decimal(std::move(a));
    b = as_decimal(std::move(b));
    if (eop == ExprOp::kMultiply) {
      int scale = a->type.scale() + b->type.scale();
      if (scale > 38) scale = 38;
      result = DataType::decimal(std::min(38, a->type.precision() + b->type.precision()), scale);
    } else {
      DataType common = *exec::common_type(a->type, b->type);
      int whole = common.precision() - common.scale() + (eop == ExprOp::kModulo ? 0 : 1);
      result = DataType::decimal(std::min(38, whole + common.scale()), common.scale());
      a = cast_to(std::move(a), DataType::decimal(common.precision(), common.scale()), pos);
      b = cast_to(std::move(b), DataType::decimal(common.precision(), common.scale()), pos);
    }
  }
  std::vector<ExpressionPtr> kids;
  kids.push_back(std::move(a));
  kids.push_back(std::move(b));
  auto e = exec::make_expression(eop, result, std::move(kids));
  e->null_on_divide_by_zero = sqlite;
  return e;
}

ExpressionPtr Binder::Impl::bind_binary(const Expr& e, BindContext& ctx) {
  ExpressionPtr a = bind(*e.args[0], ctx);
  // An INTERVAL operand is read below, as DATEADD's unit and amount.
  ExpressionPtr b = e.args[1]->kind == ExprKind::kInterval ? exec::make_null_constant(exec::bigint_type())
                                                           : bind(*e.args[1], ctx);
  switch (e.binary_op) {
    case BinaryOp::kAnd:
    case BinaryOp::kOr: {
      std::vector<ExpressionPtr> kids;
      kids.push_back(to_boolean(std::move(a), e.args[0]->pos, "an operand of AND/OR"));
      kids.push_back(to_boolean(std::move(b), e.args[1]->pos, "an operand of AND/OR"));
      return exec::make_expression(e.binary_op == BinaryOp::kAnd ? ExprOp::kAnd : ExprOp::kOr,
                                   exec::boolean_type(), std::move(kids));
    }
    case BinaryOp::kEqual: return comparison(ExprOp::kEqual, std::move(a), std::move(b), e.pos);
    case BinaryOp::kNotEqual: return comparison(ExprOp::kNotEqual, std::move(a), std::move(b), e.pos);
    case BinaryOp::kLess: return comparison(ExprOp::kLess, std::move(a), std::move(b), e.pos);
    case BinaryOp::kLessEqual: return comparison(ExprOp::kLessEqual, std::move(a), std::move(b), e.pos);
    case BinaryOp::kGreater: return comparison(ExprOp::kGreater, std::move(a), std::move(b), e.pos);
    case BinaryOp::kGreaterEqual:
      return comparison(ExprOp::kGreaterEqual, std::move(a), std::move(b), e.pos);
    case BinaryOp::kIsDistinctFrom:
      return comparison(ExprOp::kIsDistinctFrom, std::move(a), std::move(b), e.pos);
    case BinaryOp::kIsNotDistinctFrom:
      return comparison(ExprOp::kIsNotDistinctFrom, std::move(a), std::move(b), e.pos);
    case BinaryOp::kConcat: {
      std::vector<ExpressionPtr> kids;
      kids.push_back(cast_to(std::move(a), exec::varchar_type(), e.pos));
      kids.push_back(cast_to(std::move(b), exec::varchar_type(), e.pos));
      return exec::make_expression(ExprOp::kConcat, exec::varchar_type(), std::move(kids));
    }
    case BinaryOp::kAdd: case BinaryOp::kSubtract: {
      // date/timestamp +/- integer days, and +/- INTERVAL
      bool temporal = exec::is_temporal(a->type);
      if (temporal && (e.args[1]->kind == ExprKind::kInterval || exec::is_integer(b->type))) {
        std::string unit = "day";
        ExpressionPtr amount = std::move(b);
        if (e.args[1]->kind == ExprKind::kInterval) {
          Column n{exec::bigint_type()};
          n.append<int64_t>(interval_literal(*e.args[1], unit));
          amount = exec::make_constant(std::move(n));
        }
        if (e.binary_op == BinaryOp::kSubtract) {
          std::vector<ExpressionPtr> k;
          k.push_back(cast_to(std::move(amount), exec::bigint_type(), e.pos));
          amount = exec::make_expression(ExprOp::kNegate, exec::bigint_type(), std::move(k));
        }
        Column u{exec::varchar_type()};
        u.append_string(unit);
        std::vector<DataType> types{exec::varchar_type(), amount->type, a->type};
        auto fn = exec::resolve_scalar_function("dateadd", types);
        if (!fn) bind_error(e.pos, "date arithmetic needs the dateadd function");
        std::vector<ExpressionPtr> kids;
        kids.push_back(exec::make_constant(std::move(u)));
        kids.push_back(std::move(amount));
        kids.push_back(std::move(a));
        for (size_t i = 0; i < kids.size(); ++i) kids[i] = cast_to(std::move(kids[i]), fn->arg_types[i], e.pos);
        auto call = exec::make_expression(ExprOp::kFunction, fn->result_type, std::move(kids));
        call->function = *fn;
        return call;
      }
      if (e.binary_op == BinaryOp::kSubtract && exec::is_temporal(a->type) && exec::is_temporal(b->type)) {
        Column u{exec::varchar_type()};
        u.append_string("day");
        std::vector<DataType> types{exec::varchar_type(), b->type, a->type};
        auto fn = exec::resolve_scalar_function("datediff", types);
        if (!fn) bind_error(e.pos, "date subtraction needs the datediff function");
        std::vector<ExpressionPtr> kids;
        kids.push_back(exec::make_constant(std::move(u)));
        kids.push_back(std::move(b));
        kids.push_back(std::move(a));
        for (size_t i = 0; i < kids.size(); ++i) kids[i] = cast_to(std::move(kids[i]), fn->arg_types[i], e.pos);
        auto call = exec::make_expression(ExprOp::kFunction, fn->result_type, std::move(kids));
        call->function = *fn;
        return call;
      }
      return arithmetic(e.binary_op, std::move(a), std::move(b), e.pos);
    }
    case BinaryOp::kMultiply: case BinaryOp::kDivide: case BinaryOp::kModulo:
      return arithmetic(e.binary_op, std::move(a), std::move(b), e.pos);
    default: {
      // Bitwise operators are functions in the library.
      const char* fname = e.binary_op == BinaryOp::kBitAnd ? "bitand"
                          : e.binary_op == BinaryOp::kBitOr ? "bitor"
                          : e.binary_op == BinaryOp::kBitXor ? "bitxor"
                          : e.binary_op == BinaryOp::kShiftLeft ? "bitshiftleft" : "bitshiftright";
      std::vector<DataType> types{a->type, b->type};
      auto fn = exec::resolve_scalar_function(fname, types);
      if (!fn) bind_error(e.pos, fmt::format("bitwise operators are not supported ({})", fname));
      std::vector<ExpressionPtr> kids;
      kids.push_back(cast_to(std::move(a), fn->arg_types[0], e.pos));
      kids.push_back(cast_to(std::move(b), fn->arg_types[1], e.pos));
      auto call = exec::make_expression(ExprOp::kFunction, fn->result_type, std::move(kids));
      call->function = *fn;
      return call;
    }
  }
}

namespace {

// The common type of a list of expressions (BIGINT when all are NULL); an error naming
// `what` when they have none.
DataType common_type_of(const std::vector<ExpressionPtr>& es, const SourcePos& pos, const char* what) {
  DataType t(TypeId::kNull);
  for (const auto& e : es) {
    auto c = exec::common_type(t, e->type);
    if (!c) bind_error(pos, fmt::format("{}: {} and {} have no common type", what, t.to_string(),
                                        e->type.to_string()));
    t = *c;
  }
  return t.id() == TypeId::kNull ? exec::bigint_type() : t;
}

// The common type of a list of expressions, casting them all to it.
void unify(std::vector<ExpressionPtr>& es, const SourcePos& pos, const char* what) {
  DataType t = common_type_of(es, pos, what);
  for (auto& e : es) e = cast_to(std::move(e), t, pos);
}

// For `x IN (constants)` whose common type is `t`: the constants cast to x's type when each
// converts exactly, so x is compared as it is stored (see constant_in_type_of). False, with
// `es` unchanged, otherwise.
bool narrow_in_list(std::vector<ExpressionPtr>& es, const DataType& t) {
  const ExpressionPtr& x = es[0];
  if (x->type.id() == TypeId::kNull) return false;
  std::vector<ExpressionPtr> narrow(es.size());
  for (size_t i = 1; i < es.size(); ++i) {
    if (es[i]->type == x->type) continue;
    narrow[i] = constant_in_type_of(es[i], x, t);
    if (!narrow[i]) return false;
  }
  for (size_t i = 1; i < es.size(); ++i)
    if (narrow[i]) es[i] = std::move(narrow[i]);
  return true;
}

}  // namespace

namespace {
bool is_variant_syntax(const Expr& e);
}  // namespace

// x <op> ANY|ALL (subquery), other than = ANY (which is IN) and <> ALL (NOT IN), evaluated
// per outer value when join_quantified could not make joins of it. Each statistic is a
// scalar subquery (uncorrelated ones run once).
ExpressionPtr Binder::Impl::bind_quantified(const Expr& e, BindContext& ctx) {
  if (e.text.empty()) bind_error(e.pos, "quantified comparison without its subquery text");
  bool all = e.quantifier == Quantifier::kAll;
  BinaryOp op = e.binary_op;
  if (op == BinaryOp::kNotEqual && all) {  // x <> ALL (S) is NOT (x = ANY (S))
    Expr in;
    in.kind = ExprKind::kInSubquery;
    in.pos = e.pos;
    auto& self = const_cast<Expr&>(e);
    in.args.push_back(std::move(self.args[0]));
    in.subquery = std::move(self.subquery);
    BindContext c2 = ctx;
    auto r = bind_subquery(in, c2);
    self.args[0] = std::move(in.args[0]);
    self.subquery = std::move(in.subquery);
    std::vector<ExpressionPtr> k;
    k.push_back(to_boolean(std::move(r), e.pos, "NOT"));
    return exec::make_expression(ExprOp::kNot, exec::boolean_type(), std::move(k));
  }
  ExpressionPtr x = bind(*e.args[0], ctx);
  return quantified_answer(e, std::move(x), [&](const char* function, bool star) {
    ExprPtr sq = quantified_statistics(e, {{function, star}});
    if (!sq)
      sq = parse_expression(fmt::format("(SELECT {}({}) FROM ({}) AS __floe_quantified(__floe_v))", function,
                                        star ? "*" : "__floe_v", e.text));
    return bind(*sq, ctx);
  });
}

// For SELECT y FROM .. WHERE .., the same query with its item inside aggregates, one item
// each: (SELECT max(y) FROM .. WHERE ..), which is decorrelated like any scalar aggregate.
// DISTINCT is dropped: it changes neither the least or greatest value nor whether S is empty
// or holds a NULL, the only things the counts are used for.
ExprPtr Binder::Impl::quantified_statistics(const Expr& e, const std::vector<Statistic>& stats) {
  ExprPtr sq = parse_expression("(" + e.text + ")");
  if (sq->kind != ExprKind::kScalarSubquery || !plain_select(*sq->subquery)) return nullptr;
  Select& s = *sq->subquery->select;
  if (s.items.size() != 1 || s.items[0].expr->kind == ExprKind::kStar || contains_aggregate(*s.items[0].expr))
    return nullptr;
  std::vector<const Expr*> windows;
  collect_windows(*s.items[0].expr, windows);
  if (!windows.empty()) return nullptr;
  s.items.clear();
  for (const auto& [function, star] : stats) {
    auto call = std::make_unique<Expr>();
    call->kind = ExprKind::kFunction;
    call->pos = e.pos;
    call->names = {function};
    if (star) {
      call->star_arg = true;
    } else {
      // Its own copy of the item, parsed from the text again.
      ExprPtr copy = parse_expression("(" + e.text + ")");
      call->args.push_back(std::move(copy->subquery->select->items[0].expr));
    }
    SelectItem it;
    it.expr = std::move(call);
    s.items.push_back(std::move(it));
  }
  s.distinct = false;
  sq->subquery->order_by.clear();
  return sq;
}

// The answer of x <op> ANY|ALL (S) from S's row count, non-NULL count and least or greatest
// value (`stat` gives each: count(*), count(y), min(y), max(y); nullptr when it cannot, which
// makes this nullptr), with SQL's three-valued rules. E.g. x > ALL (S) is TRUE when S is
// empty, FALSE when x <= max(S), NULL when x or an element of S is NULL (and no element
// decides), else TRUE.
ExpressionPtr Binder::Impl::quantified_answer(const Expr& e, ExpressionPtr x,
                                              const std::function<ExpressionPtr(const char*, bool)>& stat) {
  bool all = e.quantifier == Quantifier::kAll;
  BinaryOp op = e.binary_op;
  auto boolean = [](std::optional<bool> v) {
    Column c{exec::boolean_type()};
    if (v) c.append_bool(*v);
    else c.append_null();
    return exec::make_constant(std::move(c));
  };
  auto is_null = [](ExpressionPtr x) {
    std::vector<ExpressionPtr> k;
    k.push_back(std::move(x));
    return exec::make_expression(ExprOp::kIsNull, exec::boolean_type(), std::move(k));
  };
  auto any_of = [](ExpressionPtr a, ExpressionPtr b) {
    std::vector<ExpressionPtr> k;
    k.push_back(std::move(a));
    k.push_back(std::move(b));
    return exec::make_expression(ExprOp::kOr, exec::boolean_type(), std::move(k));
  };
  auto both = [](ExpressionPtr a, ExpressionPtr b) {
    std::vector<ExpressionPtr> k;
    k.push_back(std::move(a));
    k.push_back(std::move(b));
    return exec::make_expression(ExprOp::kAnd, exec::boolean_type(), std::move(k));
  };
  ExpressionPtr count = stat("count", true);
  if (!count) return nullptr;
  ExpressionPtr non_null = stat("count", false);
  if (!non_null) return nullptr;
  ExpressionPtr least, greatest;
  bool want_least = op == BinaryOp::kEqual || op == BinaryOp::kNotEqual ||
                    (all == (op == BinaryOp::kLess || op == BinaryOp::kLessEqual));
  bool want_greatest = op == BinaryOp::kEqual || op == BinaryOp::kNotEqual || !want_least;
  if (want_least && !(least = stat("min", false))) return nullptr;
  if (want_greatest && !(greatest = stat("max", false))) return nullptr;
  Column zero{exec::bigint_type()};
  zero.append<int64_t>(0);
  // The decisive test: a non-NULL element that settles the answer (FALSE for ALL, TRUE for
  // ANY) when the comparison with it holds.
  ExpressionPtr decisive;
  switch (op) {
    case BinaryOp::kGreater:       // ALL: x <= max -> FALSE; ANY: x > min -> TRUE
    case BinaryOp::kGreaterEqual:  // ALL: x < max  -> FALSE; ANY: x >= min -> TRUE
      decisive = all ? comparison(op == BinaryOp::kGreater ? ExprOp::kLessEqual : ExprOp::kLess, x->clone(),
                                  std::move(greatest), e.pos)
                     : comparison(op == BinaryOp::kGreater ? ExprOp::kGreater : ExprOp::kGreaterEqual, x->clone(),
                                  std::move(least), e.pos);
      break;
    case BinaryOp::kLess:
    case BinaryOp::kLessEqual:
      decisive = all ? comparison(op == BinaryOp::kLess ? ExprOp::kGreaterEqual : ExprOp::kGreater, x->clone(),
                                  std::move(least), e.pos)
                     : comparison(op == BinaryOp::kLess ? ExprOp::kLess : ExprOp::kLessEqual, x->clone(),
                                  std::move(greatest), e.pos);
      break;
    case BinaryOp::kEqual:     // = ALL: an element other than x -> FALSE
    case BinaryOp::kNotEqual:  // <> ANY: an element other than x -> TRUE
      decisive = any_of(comparison(ExprOp::kNotEqual, x->clone(), std::move(least), e.pos),
                        comparison(ExprOp::kNotEqual, x->clone(), std::move(greatest), e.pos));
      break;
    default:
      bind_error(e.pos, "ANY and ALL take a comparison (= <> < <= > >=)");
  }
  // CASE WHEN count = 0 THEN <ALL> WHEN x IS NULL THEN NULL WHEN decisive THEN <not ALL>
  //      WHEN non_null < count THEN NULL ELSE <ALL> END
  std::vector<ExpressionPtr> kids;
  kids.push_back(comparison(ExprOp::kEqual, count->clone(), exec::make_constant(std::move(zero)), e.pos));
  kids.push_back(boolean(all));
  kids.push_back(is_null(x->clone()));
  kids.push_back(boolean(std::nullopt));
  kids.push_back(both(comparison(ExprOp::kGreater, non_null->clone(), [] {
                        Column z{exec::bigint_type()};
                        z.append<int64_t>(0);
                        return exec::make_constant(std::move(z));
                      }(), e.pos),
                      std::move(decisive)));
  kids.push_back(boolean(!all));
  kids.push_back(comparison(ExprOp::kLess, std::move(non_null), std::move(count), e.pos));
  kids.push_back(boolean(std::nullopt));
  auto c = exec::make_expression(ExprOp::kCase, exec::boolean_type(), std::move(kids));
  c->children.push_back(boolean(all));
  c->has_else = true;
  return c;
}

// TO_NUMBER(x, precision, scale) (and TO_DECIMAL, TO_NUMERIC, their TRY_ forms): x as a
// DECIMAL(precision, scale), rounded half away from zero; text is read (trimmed) with up to
// 18 fractional digits first.
ExpressionPtr Binder::Impl::bind_to_number_with_scale(const Expr& e, BindContext& ctx) {
  const std::string& name = e.names.back();
  const bool try_form = name.rfind("try_", 0) == 0;
  auto constant_int = [&](const Expr& a, const char* what) {
    Column c = columnar::cast_column(evaluate_constant_expr_for(*this, a),
                                     DataType(TypeId::kInt64), what);
    if (c.is_null(0)) bind_error(a.pos, fmt::format("{}: the {} is NULL", name, what));
    return c.value<int64_t>(0);
  };
  const int64_t precision = constant_int(*e.args[1], "precision");
  const int64_t scale = constant_int(*e.args[2], "scale");
  if (precision < 1 || precision > 38)
    bind_error(e.args[1]->pos, fmt::format("{}: the precision {} is not between 1 and 38", name,
                                           precision));
  if (scale < 0 || scale > precision)
    bind_error(e.args[2]->pos, fmt::format("{}: the scale {} is not between 0 and {}", name,
                                           scale, precision));
  ExpressionPtr x = bind(*e.args[0], ctx);
  if (exec::is_text(x->type)) {
    std::vector<ExpressionPtr> trim_args;
    trim_args.push_back(std::move(x));
    x = exec::make_cast(call_function("trim", std::move(trim_args), e.pos),
                        DataType::decimal(38, 18), try_form);
  }
  return exec::make_cast(std::move(x), DataType::decimal(int(precision), int(scale)), try_form);
}

// Snowflake's SEQ1/SEQ2/SEQ4/SEQ8([0|1]): unique, increasing integers, one per row the
// expression is evaluated for, from 0 (a counter of this statement's own; each batch takes
// the next stretch, so values are unique but follow batches, not the rows' order).
ExpressionPtr Binder::Impl::bind_sequence(const Expr& e) {
  const std::string& name = e.names.back();
  if (e.args.size() > 1)
    bind_error(e.pos, fmt::format("{} takes at most one argument (0 or 1)", name));
  if (!e.args.empty()) {
    Column sign = evaluate_constant_expr_for(*this, *e.args[0]);
    Column n = columnar::cast_column(sign, DataType(TypeId::kInt64), name);
    if (n.is_null(0) || (n.value<int64_t>(0) != 0 && n.value<int64_t>(0) != 1))
      bind_error(e.args[0]->pos, fmt::format("{}: the argument is 0 or 1", name));
  }
  const DataType type = name == "seq8" ? DataType(TypeId::kInt64) : name == "seq4"
                                                                      ? DataType(TypeId::kInt32)
                                                                      : name == "seq2"
                                                                      ? DataType(TypeId::kInt16)
                                                                      : DataType(TypeId::kInt8);
  auto next = std::make_shared<std::atomic<int64_t>>(0);
  exec::ScalarFunction f;
  f.name = name;
  f.result_type = type;
  f.deterministic = false;
  f.kernel = [next](const exec::ScalarArgs& a, const DataType& result) {
    const int64_t first = next->fetch_add(a.rows);
    Column out(result);
    out.reserve(a.rows);
    for (int64_t i = 0; i < a.rows; ++i) {
      const int64_t v = first + i;
      switch (result.id()) {
        case TypeId::kInt64: out.append<int64_t>(v); break;
        case TypeId::kInt32: out.append<int32_t>(int32_t(uint32_t(v))); break;  // wraps
        case TypeId::kInt16: out.append<int16_t>(int16_t(uint16_t(v))); break;
        default: out.append<int8_t>(int8_t(uint8_t(v))); break;
      }
    }
    return out;
  };
  auto call = exec::make_expression(exec::ExprOp::kFunction, type, {});
  call->function = std::move(f);
  call->name = name;
  return call;
}

namespace {

// Which argument of a function names a date or time part (npos: none).
size_t date_part_argument(const std::string& fn) {
  static const char* const first[] = {"date_trunc", "datetrunc", "dateadd", "date_add",
                                      "timestampadd", "timeadd", "datediff", "date_diff",
                                      "timestampdiff", "timediff", "date_part", "datepart"};
  for (const char* f : first)
    if (fn == f) return 0;
  if (fn == "last_day") return 1;
  return fn == "time_slice" ? 2 : std::string::npos;
}

// Snowflake writes date parts as bare words (DATEADD(hour, 1, ts), DATEDIFF(day, a, b),
// DATE_TRUNC(month, d), LAST_DAY(d, week), TIME_SLICE(ts, 15, minute)): such a word is the
// part's name, not a column.
bool is_bare_date_part(const Expr& a) {
  if (a.kind != ExprKind::kColumnRef || a.names.size() != 1) return false;
  try {
    exec::parse_date_part(a.names[0], "");
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

ExpressionPtr Binder::Impl::bind_function(const Expr& e, BindContext& ctx) {
  std::string name = e.names.back();
  // Aggregates and windows computed below this expression are columns here.
  if (ctx.windows) {
    auto it = ctx.windows->index.find(&e);
    if (it != ctx.windows->index.end()) {
      auto result =
          exec::make_column_ref(it->second, ctx.scope->columns[size_t(it->second)].type, name);
      if (name != "ratio_to_report") return result;
      // The window computed the partition's SUM (bind_select.cpp): x / NULLIFZERO(sum).
      std::vector<ExpressionPtr> sum;
      sum.push_back(std::move(result));
      return arithmetic(BinaryOp::kDivide, bind(*e.args[0], ctx),
                        call_function("nullifzero", std::move(sum), e.pos), e.pos);
    }
  }
  if (e.over) bind_error(e.pos, fmt::format("window function {} is not allowed here", name));
  if (ctx.aggregates) {
    auto it = ctx.aggregates->aggregate_index.find(&e);
    if (it != ctx.aggregates->aggregate_index.end())
      return exec::make_column_ref(it->second, ctx.scope->columns[size_t(it->second)].type, name);
  }
  if (name == "grouping" || name == "grouping_id") return bind_grouping(e, ctx);
  if (name.rfind("system$", 0) == 0) {
    // SYSTEM$ functions ask the catalog (SYSTEM$PIPE_STATUS('p')): constant arguments, a
    // constant VARCHAR result.
    std::vector<std::string> args;
    for (const auto& a : e.args) {
      ExpressionPtr v = bind(*a, ctx);
      if (!v->is_constant() || !exec::is_text(v->type))
        bind_error(a->pos, fmt::format("{} takes constant string arguments", name));
      Column c = exec::evaluate_constant(*v);
      args.push_back(c.is_null(0) ? std::string() : std::string(c.string_at(0)));
    }
    auto value = catalog.system_function(name, args);
    if (!value) bind_error(e.pos, fmt::format("unknown function {}", name));
    Column out{exec::varchar_type()};
    out.append_string(*value);
    return exec::make_constant(std::move(out));
  }
  if (exec::is_aggregate_name(name) || name == "count_if" || name == "array_agg") {
    bind_error(e.pos, fmt::format("aggregate function {} is not allowed here", name));
  }
  if (name == "seq1" || name == "seq2" || name == "seq4" || name == "seq8") return bind_sequence(e);
  if (name == "try_to_time" && e.args.size() == 1)  // TRY_CAST(x AS TIME): NULL if not a time
    return exec::make_cast(bind(*e.args[0], ctx), DataType::time(), /*try_cast=*/true);
  if ((name == "to_number" || name == "to_decimal" || name == "to_numeric" ||
       name == "try_to_number" || name == "try_to_decimal" || name == "try_to_numeric") &&
      e.args.size() == 3)
    return bind_to_number_with_scale(e, ctx);
  std::vector<ExpressionPtr> args;
  const size_t part_argument = date_part_argument(name);
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (i == part_argument && is_bare_date_part(*e.args[i])) {
      Column part{exec::varchar_type()};
      part.append_string(e.args[i]->names[0]);
      args.push_back(exec::make_constant(std::move(part)));
      continue;
    }
    args.push_back(bind(*e.args[i], ctx));
  }
  // VARIANT builders read a VARCHAR argument as VARIANT text: a SQL string becomes one
  // through to_variant (object keys stay strings).
  {
    bool keys_and_values = name == "object_construct" || name == "object_construct_keep_null";
    bool values = keys_and_values || name == "array_construct" || name == "array_append" ||
                  name == "array_contains" || name == "object_insert" ||
                  name == "array_position" || name == "to_array";
    for (size_t i = 0; values && i < args.size(); ++i) {
      bool value_position = keys_and_values ? (i % 2 == 1)
                            : name == "array_append" ? i == 1
                            : (name == "array_contains" || name == "array_position" ||
                               name == "to_array") ? i == 0
                            : name == "object_insert" ? i == 2
                                                      : true;
      if (!value_position || !exec::is_text(args[i]->type)) continue;
      if (is_variant_expr(*e.args[i], ctx)) {
        args[i] = variant_value(*e.args[i], std::move(args[i]), ctx);
        continue;
      }
      std::vector<ExpressionPtr> k;
      k.push_back(std::move(args[i]));
      args[i] = call_function("to_variant", std::move(k), e.args[i]->pos);
    }
  }
  // Special forms.
  if (name == "coalesce" || name == "ifnull" || name == "nvl") {
    if (args.empty()) bind_error(e.pos, fmt::format("{} needs arguments", name));
    if (options.dialect == Dialect::kSqlite) {
      // SQLite types each value on its own: arguments after a non-NULL constant are never
      // reached and do not change the type of the result.
      for (size_t i = 0; i < args.size(); ++i)
        if (args[i]->is_constant() && !args[i]->constant->is_null(0)) {
          args.resize(i + 1);
          break;
        }
    }
    unify(args, e.pos, name.c_str());
    DataType t = args[0]->type;
    return exec::make_expression(ExprOp::kCoalesce, t, std::move(args));
  }
  if (name == "nullif") {
    if (args.size() != 2) bind_error(e.pos, "NULLIF takes two arguments");
    // The result has the first argument's type; the comparison is in the common type.
    if (args[0]->type.id() == TypeId::kNull) args[0] = cast_to(std::move(args[0]), args[1]->type.id() == TypeId::kNull ? exec::bigint_type() : args[1]->type, e.pos);
    DataType t = args[0]->type;
    auto cond = comparison(ExprOp::kEqual, args[0]->clone(), std::move(args[1]), e.pos);
    std::vector<ExpressionPtr> kids;
    kids.push_back(std::move(cond));
    kids.push_back(exec::make_null_constant(t));
    kids.push_back(std::move(args[0]));
    auto c = exec::make_expression(ExprOp::kCase, t, std::move(kids));
    c->has_else = true;
    return c;
  }
  if (name == "iff" || name == "if") {
    if (args.size() != 3) bind_error(e.pos, "IFF takes three arguments");
    ExpressionPtr cond = to_boolean(std::move(args[0]), e.pos, "the condition of IFF");
    std::vector<ExpressionPtr> branches;
    branches.push_back(std::move(args[1]));
    branches.push_back(std::move(args[2]));
    unify(branches, e.pos, "IFF");
    DataType t = branches[0]->type;
    std::vector<ExpressionPtr> kids;
    kids.push_back(std::move(cond));
    kids.push_back(std::move(branches[0]));
    kids.push_back(std::move(branches[1]));
    auto c = exec::make_expression(ExprOp::kCase, t, std::move(kids));
    c->has_else = true;
    return c;
  }
  std::vector<DataType> types;
  for (const auto& a : args) types.push_back(a->type);
  auto fn = exec::resolve_scalar_function(name, types);
  if (!fn) bind_error(e.pos, fmt::format("function {} does not exist", name));
  for (size_t i = 0; i < args.size() && i < fn->arg_types.size(); ++i)
    args[i] = cast_to(std::move(args[i]), fn->arg_types[i], e.pos);
  auto call = exec::make_expression(ExprOp::kFunction, fn->result_type, std::move(args));
  call->function = *fn;
  call->name = name;
  if (call->is_foldable()) {
    try {
      return exec::make_constant(exec::evaluate_constant(*call));
    } catch (const InvalidInputError&) {
      // Leave the error to run time: the branch may never be taken.
    }
  }
  return call;
}

bool Binder::Impl::needle_never_equals(const exec::Expression& needle, const DataType& element) const {
  TypeId id = needle.type.id();
  if (options.dialect != Dialect::kSqlite || !exec::is_numeric(element) ||
      (id != TypeId::kString && id != TypeId::kBinary) || !needle.is_foldable())
    return false;
  if (id == TypeId::kString) {
    try {
      (void)columnar::cast_column(exec::evaluate_constant(needle), element);
      return false;  // '2' is the number 2 (SQLite's numeric affinity)
    } catch (const Error&) {
    }
  }
  return true;
}

bool Binder::Impl::sqlite_never_equal(ExpressionPtr& needle, exec::PlanPtr& inner) const {
  if (inner->output.size() != 1 || !needle_never_equals(*needle, inner->output[0].type)) return false;
  DataType inner_type = inner->output[0].type;
  needle = exec::make_null_constant(inner_type);
  std::vector<ExpressionPtr> k;
  k.push_back(exec::make_column_ref(0, inner_type, inner->output[0].name));
  auto nulls = std::make_unique<exec::PlanNode>();
  nulls->kind = exec::PlanKind::kFilter;
  nulls->output = inner->output;
  nulls->predicate = exec::make_expression(ExprOp::kIsNull, exec::boolean_type(), std::move(k));
  nulls->estimated_rows = inner->estimated_rows;
  nulls->children.push_back(std::move(inner));
  inner = std::move(nulls);
  return true;
}

ExpressionPtr Binder::Impl::bind_subquery(const Expr& e, BindContext& ctx) {
  Scope* outer = ctx.scope;
  auto corr = std::make_unique<Correlation>();
  BoundQuery inner = query(*e.subquery, outer, corr.get());
  auto sq = std::make_shared<exec::Subquery>();
  sq->threads = options.threads;
  sq->params = corr->params;
  auto expr = std::make_unique<exec::Expression>();
  expr->op = ExprOp::kSubquery;
  expr->subquery = sq;
  if (e.kind == ExprKind::kExists) {
    sq->kind = exec::SubqueryKind::kExists;
    expr->type = exec::boolean_type();
  } else {
    if (inner.plan->output.size() != 1 && !e.names.empty())
      bind_error(e.pos, fmt::format("IN {0}: table {0} has {1} columns; IN a table needs a table "
                                    "of one column (or IN (SELECT column FROM {0}))",
                                    fmt::join(e.names, "."), inner.plan->output.size()));
    if (inner.plan->output.size() != 1)
      bind_error(e.pos, fmt::format("the subquery returns {} columns; it must return one",
                                    inner.plan->output.size()));
    if (e.kind == ExprKind::kScalarSubquery) {
      sq->kind = exec::SubqueryKind::kScalar;
      scalar_variant[&e] = inner.variant_type(0);
      expr->type = inner.plan->output[0].type;
      if (expr->type.id() == TypeId::kNull) expr->type = exec::bigint_type();
    } else {
      sq->kind = exec::SubqueryKind::kIn;
      expr->type = exec::boolean_type();
      ExpressionPtr needle = bind(*e.args[0], ctx);
      sqlite_never_equal(needle, inner.plan);
      DataType inner_type = inner.plan->output[0].type;
      auto common = exec::common_type(needle->type, inner_type);
      if (!common)
        bind_error(e.pos, fmt::format("cannot compare {} with {}", needle->type.to_string(),
                                      inner_type.to_string()));
      DataType t = common->id() == TypeId::kNull ? exec::bigint_type() : *common;
      needle = cast_to(std::move(needle), t, e.pos);
      if (!(inner_type == t)) {
        auto proj = std::make_unique<exec::PlanNode>();
        proj->kind = exec::PlanKind::kProject;
        proj->output = {columnar::Field(inner.plan->output[0].name, t)};
        proj->exprs.push_back(cast_to(exec::make_column_ref(0, inner_type, inner.names[0]), t, e.pos));
        proj->children.push_back(std::move(inner.plan));
        inner.plan = std::move(proj);
      }
      expr->children.push_back(std::move(needle));
    }
  }
  for (auto& v : corr->outer_values) expr->children.push_back(std::move(v));
  sq->plan = std::move(inner.plan);
  if (e.negated) {
    std::vector<ExpressionPtr> k;
    k.push_back(std::move(expr));
    return exec::make_expression(ExprOp::kNot, exec::boolean_type(), std::move(k));
  }
  return expr;
}

namespace {

// Whether an expression yields a VARIANT (JSON text), as far as its syntax tells: a path,
// or a function that returns one. A VARIANT column is stored as VARCHAR: its binding says
// so (is_variant_expr).
bool is_variant_syntax(const Expr& e) {
  if (e.kind == ExprKind::kPath || e.kind == ExprKind::kArray) return true;
  if (e.kind != ExprKind::kFunction || e.over) return false;
  static const char* const kVariantFunctions[] = {
      "parse_json", "try_parse_json", "get_path", "get", "get_ignore_case", "object_construct",
      "object_construct_keep_null", "array_construct", "to_variant", "as_object", "as_array",
      "object_insert", "object_delete", "array_append", "array_cat", "strip_null_value",
      "array_slice", "array_compact", "array_distinct", "array_intersection", "array_except",
      "array_flatten", "array_sort", "array_min", "array_max", "to_array",
      "regexp_substr_all", "regexp_extract_all"};
  for (const char* f : kVariantFunctions)
    if (e.names.back() == f) return true;
  return false;
}

std::string path_text(const Expr& e) {
  std::string p;
  for (size_t i = 0; i < e.path.size(); ++i) {
    const PathElement& el = e.path[i];
    if (el.is_index) {
      if (el.index_expr) throw UnsupportedError("a computed subscript in a VARIANT path is not supported yet");
      p += "[" + std::to_string(el.index) + "]";
      continue;
    }
    bool plain = !el.field.empty();
    for (char c : el.field) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!plain) {
      std::string q;
      for (char c : el.field) q += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
      p += "[\"" + q + "\"]";
    } else {
      p += (p.empty() ? "" : ".") + el.field;
    }
  }
  return p;
}

}  // namespace

ExpressionPtr Binder::Impl::call_function(const std::string& name, std::vector<ExpressionPtr> args,
                                          const SourcePos& pos) {
  std::vector<DataType> types;
  for (const auto& a : args) types.push_back(a->type);
  auto fn = exec::resolve_scalar_function(name, types);
  if (!fn) bind_error(pos, fmt::format("function {} does not exist", name));
  for (size_t i = 0; i < args.size() && i < fn->arg_types.size(); ++i)
    args[i] = cast_to(std::move(args[i]), fn->arg_types[i], pos);
  auto call = exec::make_expression(ExprOp::kFunction, fn->result_type, std::move(args));
  call->function = *fn;
  call->name = name;
  return call;
}

ExpressionPtr Binder::Impl::bind(const Expr& e, BindContext& ctx) {
  if (ctx.substitutions) {
    auto it = ctx.substitutions->find(&e);
    if (it != ctx.substitutions->end()) return it->second->clone();
  }
  // After aggregation: an expression equal to a group key is that key's column.
  if (ctx.aggregates && e.kind != ExprKind::kLiteral && !contains_aggregate(e) &&
      !(e.kind == ExprKind::kFunction && e.over)) {
    BindContext pre;
    pre.scope = ctx.aggregates->input;
    ExpressionPtr b;
    try {
      b = bind(e, pre);
    } catch (const BinderError&) {
      b = nullptr;
    }
    if (b) {
      std::string text = b->to_string(true);
      for (size_t k = 0; k < ctx.aggregates->key_text.size(); ++k)
        if (ctx.aggregates->key_text[k] == text)
          return exec::make_column_ref(int(k), ctx.aggregates->key_types[k],
                                       ctx.aggregates->key_names[k]);
      if (e.kind == ExprKind::kColumnRef && b->op == ExprOp::kColumn) {
        auto bare = ctx.aggregates->bare_columns.find(b->column_index);
        if (bare != ctx.aggregates->bare_columns.end())
          return exec::make_column_ref(bare->second, b->type, b->name);
      }
      if (e.kind == ExprKind::kColumnRef && b->op == ExprOp::kColumn)
        bind_error(e.pos, fmt::format("column '{}' must appear in the GROUP BY clause or be used "
                                      "in an aggregate function",
                                      name_text(e.names)));
      if (b->is_foldable()) return b;
    }
  }
  switch (e.kind) {
    case ExprKind::kLiteral:
      return bind_literal(e);
    case ExprKind::kColumnRef:
      return bind_column(e, ctx);
    case ExprKind::kStar:
      bind_error(e.pos, "* is not allowed here");
    case ExprKind::kPositional: {
      // $n: the n-th column of the FROM clause (Snowflake's `SELECT $1 FROM VALUES (..)`),
      // bound as that column's name would be.
      int seen = 0;
      for (const auto& c : ctx.scope->columns) {
        if (c.hidden || ++seen != e.index) continue;
        Expr named;
        named.kind = ExprKind::kColumnRef;
        named.pos = e.pos;
        if (!c.table.empty()) named.names.push_back(c.table);
        named.names.push_back(c.name);
        return bind_column(named, ctx);
      }
      bind_error(e.pos,
                 fmt::format("${} names no column: the FROM clause has {} columns", e.index, seen));
    }
    case ExprKind::kParameter:
      bind_error(e.pos, "parameters (?) are not supported outside prepared statements");
    case ExprKind::kUnary: {
      ExpressionPtr a = bind(*e.args[0], ctx);
      switch (e.unary_op) {
        case UnaryOp::kNot: {
          std::vector<ExpressionPtr> k;
          k.push_back(to_boolean(std::move(a), e.pos, "the operand of NOT"));
          return exec::make_expression(ExprOp::kNot, exec::boolean_type(), std::move(k));
        }
        case UnaryOp::kPlus:
          if (exec::is_text(a->type)) return cast_to(std::move(a), exec::double_type(), e.pos);
          return a;
        case UnaryOp::kNegate: {
          if (a->type.id() == TypeId::kNull) return a;
          if (exec::is_text(a->type)) a = cast_to(std::move(a), exec::double_type(), e.pos);
          if (!exec::is_numeric(a->type))
            bind_error(e.pos, fmt::format("cannot negate {}", a->type.to_string()));
          DataType t = exec::is_integer(a->type) ? exec::bigint_type()
                       : a->type.id() == TypeId::kDecimal ? a->type : exec::double_type();
          std::vector<ExpressionPtr> k;
          k.push_back(cast_to(std::move(a), t, e.pos));
          auto n = exec::make_expression(ExprOp::kNegate, t, std::move(k));
          if (n->is_foldable()) return exec::make_constant(exec::evaluate_constant(*n));
          return n;
        }
        case UnaryOp::kBitNot: {
          std::vector<DataType> types{a->type};
          auto fn = exec::resolve_scalar_function("bitnot", types);
          if (!fn) bind_error(e.pos, "~ is not supported");
          std::vector<ExpressionPtr> k;
          k.push_back(cast_to(std::move(a), fn->arg_types[0], e.pos));
          auto call = exec::make_expression(ExprOp::kFunction, fn->result_type, std::move(k));
          call->function = *fn;
          return call;
        }
      }
      break;
    }
    case ExprKind::kBinary: {
      auto r = bind_binary(e, ctx);
      if (r->is_foldable() && r->op != ExprOp::kConstant) {
        try {
          return exec::make_constant(exec::evaluate_constant(*r));
        } catch (const InvalidInputError&) {
        }
      }
      return r;
    }
    case ExprKind::kFunction:
      return bind_function(e, ctx);
    case ExprKind::kCast: {
      ExpressionPtr a = bind(*e.args[0], ctx);
      DataType t = Binder::resolve_type(e.type);
      if (is_variant_expr(*e.args[0], ctx) && e.type.name != "VARIANT" && e.type.name != "OBJECT" &&
          e.type.name != "ARRAY") {
        a = variant_value(*e.args[0], std::move(a), ctx);
        // A VARIANT to a SQL type: strings lose their quotes, numbers and booleans convert.
        const char* via = exec::is_integer(t) ? "variant_to_bigint"
                          : (exec::is_floating(t) || t.id() == TypeId::kDecimal) ? "variant_to_double"
                          : t.id() == TypeId::kBoolean ? "variant_to_boolean" : "variant_to_varchar";
        std::vector<ExpressionPtr> k;
        k.push_back(std::move(a));
        a = call_function(via, std::move(k), e.pos);
      }
      if (options.dialect == Dialect::kSqlite && exec::is_floating(a->type) && exec::is_integer(t)) {
        // SQLite truncates a real toward zero when it becomes an integer.
        std::vector<DataType> types{exec::double_type()};
        auto fn = exec::resolve_scalar_function("trunc", types);
        if (fn) {
          std::vector<ExpressionPtr> k;
          k.push_back(cast_to(std::move(a), exec::double_type(), e.pos));
          a = exec::make_expression(ExprOp::kFunction, fn->result_type, std::move(k));
          a->function = *fn;
          a->name = "trunc";
          if (a->is_foldable()) a = exec::make_constant(exec::evaluate_constant(*a));
        }
      }
      if (a->type.id() != TypeId::kNull && !columnar::can_cast(a->type, t))
        bind_error(e.pos, fmt::format("cannot cast {} to {}", a->type.to_string(), t.to_string()));
      if (a->is_constant() && !e.try_cast) return cast_to(std::move(a), t, e.pos);
      return exec::make_cast(std::move(a), t, e.try_cast);
    }
    case ExprKind::kCase: {
      std::vector<ExpressionPtr> conds, values;
      ExpressionPtr operand;
      if (e.case_operand) operand = bind(*e.case_operand, ctx);
      for (const auto& [w, t] : e.when_then) {
        ExpressionPtr c = bind(*w, ctx);
        if (operand) c = comparison(ExprOp::kEqual, operand->clone(), std::move(c), w->pos);
        conds.push_back(to_boolean(std::move(c), w->pos, "a WHEN condition"));
        values.push_back(bind(*t, ctx));
      }
      if (e.else_expr) values.push_back(bind(*e.else_expr, ctx));
      unify(values, e.pos, "CASE");
      DataType t = values[0]->type;
      std::vector<ExpressionPtr> kids;
      for (size_t i = 0; i < conds.size(); ++i) {
        kids.push_back(std::move(conds[i]));
        kids.push_back(std::move(values[i]));
      }
      auto c = exec::make_expression(ExprOp::kCase, t, std::move(kids));
      if (e.else_expr) {
        c->children.push_back(std::move(values.back()));
        c->has_else = true;
      }
      return c;
    }
    case ExprKind::kInList: {
      if (e.args.size() == 1) {
        // x IN () is FALSE and x NOT IN () is TRUE, even for a NULL x.
        bind(*e.args[0], ctx);
        return exec::make_bool_constant(e.negated);
      }
      std::vector<ExpressionPtr> all;
      all.push_back(bind(*e.args[0], ctx));
      for (size_t i = 1; i < e.args.size(); ++i) all.push_back(bind(*e.args[i], ctx));
      DataType common = common_type_of(all, e.pos, "IN");
      if (!narrow_in_list(all, common))
        for (auto& x : all) x = cast_to(std::move(x), common, e.pos);
      auto in = exec::make_expression(ExprOp::kInList, exec::boolean_type(), std::move(all));
      if (!e.negated) return in;
      std::vector<ExpressionPtr> k;
      k.push_back(std::move(in));
      return exec::make_expression(ExprOp::kNot, exec::boolean_type(), std::move(k));
    }
    case ExprKind::kInSubquery:
    case ExprKind::kExists:
    case ExprKind::kScalarSubquery:
      return bind_subquery(e, ctx);
    case ExprKind::kQuantified: {
      if (e.binary_op == BinaryOp::kEqual && e.quantifier == Quantifier::kAny) {
        Expr copy;
        copy.kind = ExprKind::kInSubquery;
        copy.pos = e.pos;
        // Share the subquery node: bind_subquery only reads it.
        copy.args.push_back(nullptr);
        BindContext c2 = ctx;
        auto& self = const_cast<Expr&>(e);
        copy.args[0] = std::move(self.args[0]);
        copy.subquery = std::move(self.subquery);
        auto r = bind_subquery(copy, c2);
        self.args[0] = std::move(copy.args[0]);
        self.subquery = std::move(copy.subquery);
        return r;
      }
      return bind_quantified(e, ctx);
    }
    case ExprKind::kBetween: {
      ExpressionPtr x = bind(*e.args[0], ctx);
      ExpressionPtr lo = bind(*e.args[1], ctx);
      ExpressionPtr hi = bind(*e.args[2], ctx);
      std::vector<ExpressionPtr> kids;
      kids.push_back(comparison(ExprOp::kGreaterEqual, x->clone(), std::move(lo), e.pos));
      kids.push_back(comparison(ExprOp::kLessEqual, std::move(x), std::move(hi), e.pos));
      auto both = exec::make_expression(ExprOp::kAnd, exec::boolean_type(), std::move(kids));
      if (!e.negated) return both;
      std::vector<ExpressionPtr> k;
      k.push_back(std::move(both));
      return exec::make_expression(ExprOp::kNot, exec::boolean_type(), std::move(k));
    }
    case ExprKind::kLike: {
      ExpressionPtr x = cast_to(bind(*e.args[0], ctx), exec::varchar_type(), e.pos);
      std::vector<ExpressionPtr> likes;
      size_t patterns_end = e.args.size();
      ExpressionPtr escape;
      if (e.quantifier == Quantifier::kNone && e.args.size() > 2) {
        escape = cast_to(bind(*e.args[2], ctx), exec::varchar_type(), e.pos);
        patterns_end = 2;
      }
      for (size_t i = 1; i < patterns_end; ++i) {
        std::vector<ExpressionPtr> kids;
        kids.push_back(x->clone());
        kids.push_back(cast_to(bind(*e.args[i], ctx), exec::varchar_type(), e.pos));
        if (escape) kids.push_back(escape->clone());
        auto l = exec::make_expression(ExprOp::kLike, exec::boolean_type(), std::move(kids));
        l->case_insensitive = e.case_insensitive;
        likes.push_back(std::move(l));
      }
      ExpressionPtr acc = std::move(likes[0]);
      for (size_t i = 1; i < likes.size(); ++i) {
        std::vector<ExpressionPtr> kids;
        kids.push_back(std::move(acc));
        kids.push_back(std::move(likes[i]));
        acc = exec::make_expression(e.quantifier == Quantifier::kAll ? ExprOp::kAnd : ExprOp::kOr,
                                    exec::boolean_type(), std::move(kids));
      }
      if (!e.negated) return acc;
      std::vector<ExpressionPtr> k;
      k.push_back(std::move(acc));
      return exec::make_expression(ExprOp::kNot, exec::boolean_type(), std::move(k));
    }
    case ExprKind::kIsNull: {
      std::vector<ExpressionPtr> k;
      k.push_back(bind(*e.args[0], ctx));
      return exec::make_expression(e.negated ? ExprOp::kIsNotNull : ExprOp::kIsNull,
                                   exec::boolean_type(), std::move(k));
    }
    case ExprKind::kIsBool: {
      std::vector<ExpressionPtr> k;
      k.push_back(to_boolean(bind(*e.args[0], ctx), e.pos, "the operand of IS TRUE/FALSE"));
      auto t = exec::make_expression(e.bool_value ? ExprOp::kIsTrue : ExprOp::kIsFalse,
                                     exec::boolean_type(), std::move(k));
      if (!e.negated) return t;
      std::vector<ExpressionPtr> n;
      n.push_back(std::move(t));
      return exec::make_expression(ExprOp::kNot, exec::boolean_type(), std::move(n));
    }
    case ExprKind::kPath: {
      // v:a.b[0] is GET_PATH(v, 'a.b[0]'), a VARIANT.
      std::vector<ExpressionPtr> args;
      args.push_back(bind(*e.args[0], ctx));
      Column p{exec::varchar_type()};
      p.append_string(path_text(e));
      args.push_back(exec::make_constant(std::move(p)));
      return call_function("get_path", std::move(args), e.pos);
    }
    case ExprKind::kArray: {
      std::vector<ExpressionPtr> args;
      for (const auto& a : e.args) {
        ExpressionPtr v = bind(*a, ctx);
        if (exec::is_text(v->type) && is_variant_expr(*a, ctx)) {
          v = variant_value(*a, std::move(v), ctx);
        } else if (exec::is_text(v->type)) {
          std::vector<ExpressionPtr> k;
          k.push_back(std::move(v));
          v = call_function("to_variant", std::move(k), a->pos);
        }
        args.push_back(std::move(v));
      }
      return call_function("array_construct", std::move(args), e.pos);
    }
    case ExprKind::kLambda:
      bind_error(e.pos, "lambdas are not supported yet");
    case ExprKind::kInterval:
      bind_error(e.pos, "an INTERVAL is only allowed added to or subtracted from a date or timestamp");
  }
  bind_error(e.pos, "unsupported expression");
}

ExpressionPtr Binder::Impl::variant_value(const Expr& e, ExpressionPtr bound, BindContext& ctx) {
  if (is_variant_syntax(e)) return bound;
  std::vector<ExpressionPtr> k;
  k.push_back(std::move(bound));
  return call_function("variant_of_text", std::move(k), e.pos);
}

JsonType Binder::Impl::variant_type_of(const Expr& e, BindContext& ctx) {
  if (is_variant_syntax(e)) {
    // Snowflake's builders of objects and arrays type their results OBJECT and ARRAY; a
    // path, PARSE_JSON and the rest give VARIANT.
    if (e.kind == ExprKind::kArray) return JsonType::kArray;
    if (e.kind != ExprKind::kFunction) return JsonType::kVariant;
    const std::string& f = e.names.back();
    if (f == "object_construct" || f == "object_construct_keep_null" || f == "as_object" ||
        f == "object_insert" || f == "object_delete")
      return JsonType::kObject;
    if (f == "array_construct" || f == "as_array" || f == "array_append" || f == "array_cat" ||
        f == "array_slice" || f == "array_compact" || f == "array_distinct" ||
        f == "array_intersection" || f == "array_except" || f == "array_flatten" ||
        f == "array_sort" || f == "to_array" || f == "regexp_substr_all" ||
        f == "regexp_extract_all")
      return JsonType::kArray;
    return JsonType::kVariant;
  }
  if (e.kind == ExprKind::kScalarSubquery) {
    // Recorded when the subquery was bound (the select list binds an item before asking).
    auto it = scalar_variant.find(&e);
    return it == scalar_variant.end() ? JsonType::kNone : it->second;
  }
  if (e.kind != ExprKind::kColumnRef || !ctx.scope) return JsonType::kNone;
  ExpressionPtr c;
  try {
    c = bind(e, ctx);  // after aggregation, a group key's column
  } catch (const BinderError&) {
    return JsonType::kNone;
  }
  if (c->op != ExprOp::kColumn || size_t(c->column_index) >= ctx.scope->columns.size())
    return JsonType::kNone;
  return ctx.scope->columns[size_t(c->column_index)].variant;
}

const char* json_type_name(JsonType t) {
  switch (t) {
    case JsonType::kNone:
      return "";
    case JsonType::kVariant:
      return "VARIANT";
    case JsonType::kObject:
      return "OBJECT";
    case JsonType::kArray:
      return "ARRAY";
  }
  return "";
}

JsonType json_type_of_name(std::string_view name) {
  if (name == "VARIANT" || name == "JSON") return JsonType::kVariant;
  if (name == "OBJECT") return JsonType::kObject;
  if (name == "ARRAY") return JsonType::kArray;
  return JsonType::kNone;
}

// GROUPING(a, b, ..) (and GROUPING_ID): per argument, from the first, one bit that is 1 when
// the row's grouping set leaves that key out (a subtotal over it), as in Snowflake and the
// SQL standard. The aggregate's grouping-id column has one bit per key, the first key
// highest; without grouping sets every key is in every row's set, so it is 0.
ExpressionPtr Binder::Impl::bind_grouping(const Expr& e, BindContext& ctx) {
  if (!ctx.aggregates || !ctx.aggregates->input)
    bind_error(e.pos, "GROUPING is only allowed with GROUP BY (in the select list, HAVING or ORDER BY)");
  if (e.args.empty()) bind_error(e.pos, "GROUPING needs at least one GROUP BY key");
  const AggregateSlots& slots = *ctx.aggregates;
  std::vector<size_t> keys;
  for (const auto& a : e.args) {
    BindContext in;
    in.scope = slots.input;
    std::string text = bind(*a, in)->to_string(true);
    auto it = std::find(slots.key_text.begin(), slots.key_text.end(), text);
    if (it == slots.key_text.end()) bind_error(a->pos, "a GROUPING argument must be a GROUP BY key");
    keys.push_back(size_t(it - slots.key_text.begin()));
  }
  auto number = [](int64_t v) {
    Column c{exec::bigint_type()};
    c.append<int64_t>(v);
    return exec::make_constant(std::move(c));
  };
  if (slots.grouping_id_column < 0) return number(0);
  auto op = [](ExprOp o, ExpressionPtr a, ExpressionPtr b) {
    std::vector<ExpressionPtr> k;
    k.push_back(std::move(a));
    k.push_back(std::move(b));
    return exec::make_expression(o, exec::bigint_type(), std::move(k));
  };
  const size_t n = slots.key_text.size();
  ExpressionPtr sum;
  for (size_t i = 0; i < keys.size(); ++i) {
    ExpressionPtr id = exec::make_column_ref(slots.grouping_id_column, exec::bigint_type(), "grouping_id");
    // (id >> (n - 1 - key)) & 1, moved to the argument's place.
    ExpressionPtr bit = op(ExprOp::kModulo, op(ExprOp::kIntegerDivide, std::move(id), number(int64_t(1) << (n - 1 - keys[i]))), number(2));
    bit = op(ExprOp::kMultiply, std::move(bit), number(int64_t(1) << (keys.size() - 1 - i)));
    sum = sum ? op(ExprOp::kAdd, std::move(sum), std::move(bit)) : std::move(bit);
  }
  return sum;
}

}  // namespace floe::sql
