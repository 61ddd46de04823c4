#include "exec/expression.h"

#include <fmt/format.h>

#include "columnar/value_text.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

ExpressionPtr Expression::clone() const {
  auto e = std::make_unique<Expression>();
  e->op = op;
  e->type = type;
  e->column_index = column_index;
  e->constant = constant;
  for (const auto& c : children) e->children.push_back(c->clone());
  e->function = function;
  e->try_cast = try_cast;
  e->has_else = has_else;
  e->case_insensitive = case_insensitive;
  e->null_on_divide_by_zero = null_on_divide_by_zero;
  e->name = name;
  e->parameter = parameter;
  e->subquery = subquery;
  return e;
}

bool Expression::is_foldable() const {
  if (op == ExprOp::kColumn || op == ExprOp::kRowMark || op == ExprOp::kSubquery || parameter) return false;
  if (op == ExprOp::kFunction && !function.deterministic) return false;
  for (const auto& c : children)
    if (!c->is_foldable()) return false;
  return true;
}

bool Expression::is_deterministic() const {
  if (op == ExprOp::kFunction && !function.deterministic) return false;
  for (const auto& c : children)
    if (!c->is_deterministic()) return false;
  return true;
}

namespace {

const char* op_symbol(ExprOp op) {
  switch (op) {
    case ExprOp::kAdd: return "+";
    case ExprOp::kSubtract: return "-";
    case ExprOp::kMultiply: return "*";
    case ExprOp::kDivide: return "/";
    case ExprOp::kIntegerDivide: return "//";
    case ExprOp::kModulo: return "%";
    case ExprOp::kConcat: return "||";
    case ExprOp::kEqual: return "=";
    case ExprOp::kNotEqual: return "<>";
    case ExprOp::kLess: return "<";
    case ExprOp::kLessEqual: return "<=";
    case ExprOp::kGreater: return ">";
    case ExprOp::kGreaterEqual: return ">=";
    case ExprOp::kIsDistinctFrom: return "IS DISTINCT FROM";
    case ExprOp::kIsNotDistinctFrom: return "IS NOT DISTINCT FROM";
    case ExprOp::kAnd: return "AND";
    case ExprOp::kOr: return "OR";
    default: return "?";
  }
}

}  // namespace

std::string Expression::to_string(bool with_indices) const {
  const bool wi = with_indices;
  switch (op) {
    case ExprOp::kColumn:
    case ExprOp::kRowMark:
      if (wi) return fmt::format("{}#{}", name, column_index);
      return name.empty() ? fmt::format("#{}", column_index) : name;
    case ExprOp::kConstant: {
      // A subquery's parameter changes value between runs: it renders as itself.
      if (wi && !name.empty()) return fmt::format("{}@{}", name, static_cast<const void*>(constant.get()));
      if (constant->is_null(0)) return "NULL";
      std::string s;
      columnar::append_value_text(*constant, 0, s);
      if (type.id() == TypeId::kString) return "'" + s + "'";
      return s;
    }
    case ExprOp::kCast:
      return fmt::format("{}({} AS {})", try_cast ? "TRY_CAST" : "CAST", children[0]->to_string(wi),
                         type.to_string());
    case ExprOp::kFunction:
    case ExprOp::kCoalesce: {
      std::string s = op == ExprOp::kCoalesce ? "coalesce" : function.name;
      s += "(";
      for (size_t i = 0; i < children.size(); ++i) {
        if (i) s += ", ";
        s += children[i]->to_string(wi);
      }
      return s + ")";
    }
    case ExprOp::kSubquery: return "(subquery)";
    case ExprOp::kNegate: return "-(" + children[0]->to_string(wi) + ")";
    case ExprOp::kNot: return "NOT (" + children[0]->to_string(wi) + ")";
    case ExprOp::kIsNull: return "(" + children[0]->to_string(wi) + " IS NULL)";
    case ExprOp::kIsNotNull: return "(" + children[0]->to_string(wi) + " IS NOT NULL)";
    case ExprOp::kIsTrue: return "(" + children[0]->to_string(wi) + " IS TRUE)";
    case ExprOp::kIsFalse: return "(" + children[0]->to_string(wi) + " IS FALSE)";
    case ExprOp::kCase: {
      std::string s = "CASE";
      size_t pairs = (children.size() - (has_else ? 1 : 0)) / 2;
      for (size_t i = 0; i < pairs; ++i)
        s += " WHEN " + children[2 * i]->to_string(wi) + " THEN " + children[2 * i + 1]->to_string(wi);
      if (has_else) s += " ELSE " + children.back()->to_string(wi);
      return s + " END";
    }
    case ExprOp::kInList: {
      std::string s = children[0]->to_string(wi) + " IN (";
      for (size_t i = 1; i < children.size(); ++i) {
        if (i > 1) s += ", ";
        s += children[i]->to_string(wi);
      }
      return s + ")";
    }
    case ExprOp::kLike:
      return "(" + children[0]->to_string(wi) + (case_insensitive ? " ILIKE " : " LIKE ") +
             children[1]->to_string(wi) + ")";
    default:
      return "(" + children[0]->to_string(wi) + " " + op_symbol(op) + " " +
             children[1]->to_string(wi) + ")";
  }
}

ExpressionPtr make_column_ref(int index, DataType type, std::string name) {
  auto e = std::make_unique<Expression>();
  e->op = ExprOp::kColumn;
  e->column_index = index;
  e->type = std::move(type);
  e->name = std::move(name);
  return e;
}

ExpressionPtr make_constant(Column value) {
  auto e = std::make_unique<Expression>();
  e->op = ExprOp::kConstant;
  e->type = value.type();
  e->constant = std::make_shared<const Column>(std::move(value));
  return e;
}

ExpressionPtr make_null_constant(DataType type) {
  Column c(type);
  c.append_null();
  return make_constant(std::move(c));
}

ExpressionPtr make_bool_constant(bool v) {
  Column c{DataType(TypeId::kBoolean)};
  c.append_bool(v);
  return make_constant(std::move(c));
}

ExpressionPtr make_cast(ExpressionPtr e, DataType to, bool try_cast) {
  if (e->type == to) return e;
  auto c = std::make_unique<Expression>();
  c->op = ExprOp::kCast;
  c->type = std::move(to);
  c->try_cast = try_cast;
  c->children.push_back(std::move(e));
  return c;
}

ExpressionPtr make_expression(ExprOp op, DataType type, std::vector<ExpressionPtr> children) {
  auto e = std::make_unique<Expression>();
  e->op = op;
  e->type = std::move(type);
  e->children = std::move(children);
  return e;
}

void split_chain(ExprOp op, ExpressionPtr e, std::vector<ExpressionPtr>& out) {
  if (e->op == op) {
    split_chain(op, std::move(e->children[0]), out);
    split_chain(op, std::move(e->children[1]), out);
    return;
  }
  out.push_back(std::move(e));
}

ExpressionPtr make_conjunction(std::vector<ExpressionPtr>& parts) {
  ExpressionPtr acc;
  for (auto& p : parts) {
    if (!acc) {
      acc = std::move(p);
      continue;
    }
    std::vector<ExpressionPtr> k;
    k.push_back(std::move(acc));
    k.push_back(std::move(p));
    acc = make_expression(ExprOp::kAnd, DataType(TypeId::kBoolean), std::move(k));
  }
  parts.clear();
  return acc;
}

void collect_columns(const Expression& e, std::vector<int>& out) {
  if (e.op == ExprOp::kColumn || e.op == ExprOp::kRowMark) out.push_back(e.column_index);
  for (const auto& c : e.children) collect_columns(*c, out);
}

void remap_columns(Expression& e, const std::vector<int>& mapping) {
  if (e.op == ExprOp::kColumn || e.op == ExprOp::kRowMark) e.column_index = mapping.at(e.column_index);
  for (auto& c : e.children) remap_columns(*c, mapping);
}

}  // namespace floe::exec
