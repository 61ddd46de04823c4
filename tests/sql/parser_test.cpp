#include "sql/parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "base/error.h"

namespace floe::sql {
namespace {

// --- Helpers -------------------------------------------------------------------------------

QueryPtr parse_query(std::string_view sql) {
  Statement s = parse_statement(sql);
  EXPECT_EQ(s.kind, StatementKind::kQuery) << sql;
  return std::move(s.query);
}

Select& select_of(Query& q) {
  EXPECT_EQ(q.kind, QueryKind::kSelect);
  return *q.select;
}

// A compact rendering of an expression tree, for precedence checks.
std::string show(const Expr& e);

std::string show_list(const std::vector<ExprPtr>& args, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < args.size(); ++i) {
    if (i > from) out += ", ";
    out += show(*args[i]);
  }
  return out;
}

std::string binary_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSubtract: return "-";
    case BinaryOp::kMultiply: return "*";
    case BinaryOp::kDivide: return "/";
    case BinaryOp::kModulo: return "%";
    case BinaryOp::kConcat: return "||";
    case BinaryOp::kEqual: return "=";
    case BinaryOp::kNotEqual: return "<>";
    case BinaryOp::kLess: return "<";
    case BinaryOp::kLessEqual: return "<=";
    case BinaryOp::kGreater: return ">";
    case BinaryOp::kGreaterEqual: return ">=";
    case BinaryOp::kIsDistinctFrom: return "IS DISTINCT FROM";
    case BinaryOp::kIsNotDistinctFrom: return "IS NOT DISTINCT FROM";
    case BinaryOp::kAnd: return "AND";
    case BinaryOp::kOr: return "OR";
    case BinaryOp::kBitAnd: return "&";
    case BinaryOp::kBitOr: return "|";
    case BinaryOp::kBitXor: return "^";
    case BinaryOp::kShiftLeft: return "<<";
    case BinaryOp::kShiftRight: return ">>";
  }
  return "?";
}

std::string show(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kLiteral:
      switch (e.literal_kind) {
        case LiteralKind::kNull: return "NULL";
        case LiteralKind::kString: return "'" + e.text + "'";
        case LiteralKind::kTyped: return e.type.name + " '" + e.text + "'";
        default: return e.text;
      }
    case ExprKind::kColumnRef: {
      std::string out;
      for (const auto& n : e.names) out += (out.empty() ? "" : ".") + n;
      return out;
    }
    case ExprKind::kStar: return e.names.empty() ? "*" : e.names[0] + ".*";
    case ExprKind::kPositional: return "$" + std::to_string(e.index);
    case ExprKind::kParameter: return "?" + std::to_string(e.index);
    case ExprKind::kUnary: {
      const char* op = e.unary_op == UnaryOp::kNegate ? "-"
                       : e.unary_op == UnaryOp::kPlus ? "+"
                       : e.unary_op == UnaryOp::kNot  ? "NOT "
                                                      : "~";
      return std::string("(") + op + show(*e.args[0]) + ")";
    }
    case ExprKind::kBinary:
      return "(" + show(*e.args[0]) + " " + binary_name(e.binary_op) + " " + show(*e.args[1]) + ")";
    case ExprKind::kFunction: {
      std::string out;
      for (const auto& n : e.names) out += (out.empty() ? "" : ".") + n;
      out += "(";
      if (e.distinct) out += "DISTINCT ";
      if (e.star_arg) out += "*";
      for (size_t i = 0; i < e.args.size(); ++i) {
        if (i > 0) out += ", ";
        if (!e.arg_names.empty() && !e.arg_names[i].empty()) out += e.arg_names[i] + " => ";
        out += show(*e.args[i]);
      }
      return out + ")";
    }
    case ExprKind::kCast:
      return std::string(e.try_cast ? "TRY_CAST(" : "CAST(") + show(*e.args[0]) + " AS " +
             e.type.name + ")";
    case ExprKind::kCase: {
      std::string out = "CASE";
      if (e.case_operand) out += " " + show(*e.case_operand);
      for (const auto& [w, t] : e.when_then) out += " WHEN " + show(*w) + " THEN " + show(*t);
      if (e.else_expr) out += " ELSE " + show(*e.else_expr);
      return out + " END";
    }
    case ExprKind::kInList:
      return "(" + show(*e.args[0]) + (e.negated ? " NOT IN (" : " IN (") + show_list(e.args, 1) +
             "))";
    case ExprKind::kInSubquery:
      return "(" + show(*e.args[0]) + (e.negated ? " NOT IN " : " IN ") + "subquery)";
    case ExprKind::kExists: return e.negated ? "NOT EXISTS(subquery)" : "EXISTS(subquery)";
    case ExprKind::kScalarSubquery: return "(subquery)";
    case ExprKind::kQuantified:
      return "(" + show(*e.args[0]) + " " + binary_name(e.binary_op) +
             (e.quantifier == Quantifier::kAll ? " ALL" : " ANY") + " subquery)";
    case ExprKind::kBetween:
      return "(" + show(*e.args[0]) + (e.negated ? " NOT BETWEEN " : " BETWEEN ") +
             show(*e.args[1]) + " AND " + show(*e.args[2]) + ")";
    case ExprKind::kLike: {
      std::string op = e.case_insensitive ? "ILIKE" : "LIKE";
      if (e.negated) op = "NOT " + op;
      if (e.quantifier != Quantifier::kNone) {
        return "(" + show(*e.args[0]) + " " + op +
               (e.quantifier == Quantifier::kAll ? " ALL (" : " ANY (") + show_list(e.args, 1) +
               "))";
      }
      std::string out = "(" + show(*e.args[0]) + " " + op + " " + show(*e.args[1]);
      if (e.args.size() > 2) out += " ESCAPE " + show(*e.args[2]);
      return out + ")";
    }
    case ExprKind::kIsNull:
      return "(" + show(*e.args[0]) + (e.negated ? " IS NOT NULL)" : " IS NULL)");
    case ExprKind::kIsBool:
      return "(" + show(*e.args[0]) + (e.negated ? " IS NOT " : " IS ") +
             (e.bool_value ? "TRUE)" : "FALSE)");
    case ExprKind::kPath: {
      std::string out = show(*e.args[0]);
      for (const auto& p : e.path) {
        if (!p.is_index) {
          out += ":" + p.field;
        } else if (p.index_expr) {
          out += "[" + show(*p.index_expr) + "]";
        } else {
          out += "[" + std::to_string(p.index) + "]";
        }
      }
      return out;
    }
    case ExprKind::kArray: return "[" + show_list(e.args) + "]";
    case ExprKind::kInterval:
      return "INTERVAL '" + e.text + "'" + (e.interval_unit.empty() ? "" : " " + e.interval_unit);
    case ExprKind::kLambda: {
      std::string out = "(";
      for (size_t i = 0; i < e.lambda_params.size(); ++i) {
        out += (i ? ", " : "") + e.lambda_params[i];
      }
      return out + ") -> " + show(*e.args[0]);
    }
  }
  return "?";
}

std::string show_expr(std::string_view sql) { return show(*parse_expression(sql)); }

// The message of the SyntaxError that parsing `sql` throws ("" when it parses).
std::string error_of(std::string_view sql) {
  try {
    parse_statements(sql);
  } catch (const SyntaxError& e) {
    return e.what();
  }
  return "";
}

// --- Expressions ---------------------------------------------------------------------------

TEST(ParserExpressions, Precedence) {
  EXPECT_EQ(show_expr("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(show_expr("1 * 2 + 3"), "((1 * 2) + 3)");
  EXPECT_EQ(show_expr("1 - 2 - 3"), "((1 - 2) - 3)");
  EXPECT_EQ(show_expr("a OR b AND c"), "(a OR (b AND c))");
  EXPECT_EQ(show_expr("a AND b OR c"), "((a AND b) OR c)");
  EXPECT_EQ(show_expr("NOT a = b"), "(NOT (a = b))");
  EXPECT_EQ(show_expr("NOT a AND b"), "((NOT a) AND b)");
  EXPECT_EQ(show_expr("- - 5"), "(-(-5))");
  EXPECT_EQ(show_expr("- - + 67"), "(-(-(+67)))");
  EXPECT_EQ(show_expr("NOT - 5"), "(NOT (-5))");
  EXPECT_EQ(show_expr("-a * b"), "((-a) * b)");
  EXPECT_EQ(show_expr("~a & b | c ^ d"), "(((~a) & b) | (c ^ d))");
  EXPECT_EQ(show_expr("a << 2 + 1"), "(a << (2 + 1))");
  EXPECT_EQ(show_expr("a || b + c"), "((a || b) + c)");
  EXPECT_EQ(show_expr("a = 1 OR b <> 2 AND c >= 3"), "((a = 1) OR ((b <> 2) AND (c >= 3)))");
  EXPECT_EQ(show_expr("a == b"), "(a = b)");
  EXPECT_EQ(show_expr("a != b"), "(a <> b)");
  EXPECT_EQ(show_expr("a % b / c"), "((a % b) / c)");
  EXPECT_EQ(show_expr("NOT NULL IS NULL"), "(NOT (NULL IS NULL))");
  EXPECT_EQ(show_expr("a = NOT b AND c"), "((a = (NOT b)) AND c)");
  EXPECT_EQ(show_expr("(1 + 2) * 3"), "((1 + 2) * 3)");
  EXPECT_EQ(show_expr("-x::int"), "(-CAST(x AS INT))");
}

TEST(ParserExpressions, Predicates) {
  EXPECT_EQ(show_expr("a IS NULL"), "(a IS NULL)");
  EXPECT_EQ(show_expr("a IS NOT NULL AND b"), "((a IS NOT NULL) AND b)");
  EXPECT_EQ(show_expr("a NOT NULL"), "(a IS NOT NULL)");
  EXPECT_EQ(show_expr("a IS TRUE"), "(a IS TRUE)");
  EXPECT_EQ(show_expr("a IS NOT FALSE"), "(a IS NOT FALSE)");
  EXPECT_EQ(show_expr("a IS DISTINCT FROM b"), "(a IS DISTINCT FROM b)");
  EXPECT_EQ(show_expr("a IS NOT DISTINCT FROM b"), "(a IS NOT DISTINCT FROM b)");
  EXPECT_EQ(show_expr("a IS b"), "(a IS NOT DISTINCT FROM b)");
  EXPECT_EQ(show_expr("a IN (1, 2, 3)"), "(a IN (1, 2, 3))");
  EXPECT_EQ(show_expr("a NOT IN (1)"), "(a NOT IN (1))");
  EXPECT_EQ(show_expr("1 IN ()"), "(1 IN ())");
  EXPECT_EQ(show_expr("a IN (SELECT x FROM t)"), "(a IN subquery)");
  EXPECT_EQ(show_expr("a IN ((SELECT 1), 2)"), "(a IN ((subquery), 2))");
  EXPECT_EQ(show_expr("a IN ((SELECT 1) UNION (SELECT 2))"), "(a IN subquery)");
  EXPECT_EQ(show_expr("a NOT IN t1"), "(a NOT IN subquery)");
  EXPECT_EQ(show_expr("a BETWEEN 1 AND 2 AND b"), "((a BETWEEN 1 AND 2) AND b)");
  EXPECT_EQ(show_expr("a NOT BETWEEN - 1 AND b + 1"), "(a NOT BETWEEN (-1) AND (b + 1))");
  EXPECT_EQ(show_expr("a LIKE 'x%'"), "(a LIKE 'x%')");
  EXPECT_EQ(show_expr("a NOT ILIKE 'x!%' ESCAPE '!'"), "(a NOT ILIKE 'x!%' ESCAPE '!')");
  EXPECT_EQ(show_expr("a LIKE ANY ('a%', 'b%')"), "(a LIKE ANY ('a%', 'b%'))");
  EXPECT_EQ(show_expr("a LIKE ALL ('a%')"), "(a LIKE ALL ('a%'))");
  EXPECT_EQ(show_expr("a RLIKE '^x'"), "regexp_like(a, '^x')");
  EXPECT_EQ(show_expr("a NOT REGEXP '^x'"), "(NOT regexp_like(a, '^x'))");
  EXPECT_EQ(show_expr("a > ANY (SELECT x FROM t)"), "(a > ANY subquery)");
  EXPECT_EQ(show_expr("a = ALL (SELECT x FROM t)"), "(a = ALL subquery)");
  EXPECT_EQ(show_expr("a <> SOME (SELECT x FROM t)"), "(a <> ANY subquery)");
  EXPECT_EQ(show_expr("EXISTS (SELECT 1)"), "EXISTS(subquery)");
  EXPECT_EQ(show_expr("NOT EXISTS (SELECT 1) AND a"), "(NOT EXISTS(subquery) AND a)");
  EXPECT_EQ(show_expr("(SELECT 1) + 2"), "((subquery) + 2)");
  EXPECT_EQ(show_expr("((SELECT 1) + 2) * 3"), "(((subquery) + 2) * 3)");
}

TEST(ParserExpressions, Literals) {
  auto lit = [](std::string_view sql) { return parse_expression(sql); };
  EXPECT_EQ(lit("123")->literal_kind, LiteralKind::kInteger);
  EXPECT_EQ(lit("123456789012345678901234567890")->text, "123456789012345678901234567890");
  EXPECT_EQ(lit("1.5")->literal_kind, LiteralKind::kDecimal);
  EXPECT_EQ(lit(".5")->text, ".5");
  EXPECT_EQ(lit("1.")->literal_kind, LiteralKind::kDecimal);
  EXPECT_EQ(lit("1e10")->literal_kind, LiteralKind::kFloat);
  EXPECT_EQ(lit("1.5E-3")->text, "1.5E-3");
  EXPECT_EQ(lit("'it''s'")->text, "it's");
  EXPECT_EQ(lit("'a\\nb'")->text, "a\\nb");  // no backslash escapes in '..'
  EXPECT_EQ(lit("E'a\\nb\\t\\'c\\x41\\u00e9'")->text, "a\nb\t'cA\xc3\xa9");
  EXPECT_EQ(lit("$$it's $ \"raw\"$$")->text, "it's $ \"raw\"");
  EXPECT_EQ(lit("$tag$a$$b$tag$")->text, "a$$b");
  EXPECT_EQ(lit("X'303132'")->literal_kind, LiteralKind::kBlob);
  EXPECT_EQ(lit("x'303132'")->text, "012");
  EXPECT_EQ(lit("TRUE")->literal_kind, LiteralKind::kBoolean);
  EXPECT_TRUE(lit("true")->bool_value);
  EXPECT_FALSE(lit("FALSE")->bool_value);
  EXPECT_EQ(lit("NULL")->literal_kind, LiteralKind::kNull);
  EXPECT_EQ(show_expr("DATE '2024-01-01'"), "DATE '2024-01-01'");
  EXPECT_EQ(show_expr("timestamp '2024-01-01 10:00'"), "TIMESTAMP '2024-01-01 10:00'");
  EXPECT_EQ(show_expr("TIME '10:00'"), "TIME '10:00'");
  EXPECT_EQ(show_expr("INTERVAL '3 days'"), "INTERVAL '3 days'");
  EXPECT_EQ(show_expr("INTERVAL '3' DAY"), "INTERVAL '3' DAY");
  EXPECT_EQ(show_expr("INTERVAL 3 HOURS"), "INTERVAL '3' HOUR");
  EXPECT_EQ(show_expr("INTERVAL -2 month"), "INTERVAL '-2' MONTH");
  EXPECT_EQ(show_expr("[1, 2, a]"), "[1, 2, a]");
  EXPECT_EQ(show_expr("ARRAY[1]"), "[1]");
  EXPECT_EQ(show_expr("[]"), "[]");
  EXPECT_EQ(show_expr("{'a': 1, 'b': x + 1}"), "object_construct('a', 1, 'b', (x + 1))");
  EXPECT_EQ(show_expr("? + ? + ?5"), "((?1 + ?2) + ?5)");
  EXPECT_EQ(show_expr("$1 + $12"), "($1 + $12)");
  ExprPtr named = parse_expression(":name");
  EXPECT_EQ(named->kind, ExprKind::kParameter);
  EXPECT_EQ(named->text, "name");
}

TEST(ParserExpressions, SpecialForms) {
  EXPECT_EQ(show_expr("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END"),
            "CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END");
  EXPECT_EQ(show_expr("CASE - a WHEN 1 THEN 'x' END"), "CASE (-a) WHEN 1 THEN 'x' END");
  EXPECT_EQ(show_expr("CAST(a AS INTEGER)"), "CAST(a AS INTEGER)");
  EXPECT_EQ(show_expr("CAST ( NULL AS SIGNED )"), "CAST(NULL AS SIGNED)");
  EXPECT_EQ(show_expr("TRY_CAST(a AS VARCHAR(10))"), "TRY_CAST(a AS VARCHAR)");
  EXPECT_EQ(show_expr("a::double precision::text"), "CAST(CAST(a AS DOUBLE PRECISION) AS TEXT)");
  EXPECT_EQ(show_expr("EXTRACT(YEAR FROM d)"), "date_part('year', d)");
  EXPECT_EQ(show_expr("extract('month' FROM d)"), "date_part('month', d)");
  EXPECT_EQ(show_expr("POSITION('b' IN s)"), "position('b', s)");
  EXPECT_EQ(show_expr("position('b', s)"), "position('b', s)");
  EXPECT_EQ(show_expr("SUBSTRING(s FROM 2 FOR 3)"), "substring(s, 2, 3)");
  EXPECT_EQ(show_expr("SUBSTRING(s FROM 2)"), "substring(s, 2)");
  EXPECT_EQ(show_expr("substring(s, 2, 3)"), "substring(s, 2, 3)");
  EXPECT_EQ(show_expr("TRIM(s)"), "trim(s)");
  EXPECT_EQ(show_expr("TRIM(s, 'x')"), "trim(s, 'x')");
  EXPECT_EQ(show_expr("TRIM(BOTH FROM s)"), "trim(s)");
  EXPECT_EQ(show_expr("TRIM(LEADING 'x' FROM s)"), "ltrim(s, 'x')");
  EXPECT_EQ(show_expr("TRIM(TRAILING FROM s)"), "rtrim(s)");
  EXPECT_EQ(show_expr("TRIM('x' FROM s)"), "trim(s, 'x')");
  EXPECT_EQ(show_expr("COUNT(*)"), "count(*)");
  EXPECT_EQ(show_expr("COUNT ( * )"), "count(*)");
  EXPECT_EQ(show_expr("count(DISTINCT a)"), "count(DISTINCT a)");
  EXPECT_EQ(show_expr("sum(ALL a)"), "sum(a)");
  EXPECT_EQ(show_expr("left(s, 2) || right(s, 1)"), "(left(s, 2) || right(s, 1))");
  EXPECT_EQ(show_expr("coalesce(a, b, 1)"), "coalesce(a, b, 1)");
  EXPECT_EQ(show_expr("CURRENT_DATE"), "current_date()");
  EXPECT_EQ(show_expr("current_timestamp(3)"), "current_timestamp(3)");
  EXPECT_EQ(show_expr("my_schema.my_func(1)"), "my_schema.my_func(1)");
  EXPECT_EQ(show_expr("flatten(input => v, outer => TRUE)"), "flatten(input => v, outer => true)");
  EXPECT_EQ(show_expr("f(1, name => 2)"), "f(1, name => 2)");
  EXPECT_EQ(show_expr("transform(arr, x -> x + 1)"), "transform(arr, (x) -> (x + 1))");
  EXPECT_EQ(show_expr("reduce(arr, 0, (acc, x) -> acc + x)"),
            "reduce(arr, 0, (acc, x) -> (acc + x))");
  EXPECT_EQ(show_expr("filter(arr, (x -> x > 1))"), "filter(arr, (x) -> (x > 1))");
  EXPECT_EQ(show_expr("filter(arr, (x) -> x > 1)"), "filter(arr, (x) -> (x > 1))");

  ExprPtr agg = parse_expression("count(x) FILTER (WHERE x > 1)");
  ASSERT_TRUE(agg->filter);
  EXPECT_EQ(show(*agg->filter), "(x > 1)");
  ExprPtr listagg = parse_expression("LISTAGG(x, ',') WITHIN GROUP (ORDER BY y DESC)");
  ASSERT_EQ(listagg->order_by.size(), 1u);
  EXPECT_TRUE(listagg->order_by[0].descending);
  ExprPtr array_agg = parse_expression("ARRAY_AGG(x ORDER BY y NULLS FIRST)");
  ASSERT_EQ(array_agg->order_by.size(), 1u);
  EXPECT_EQ(array_agg->order_by[0].nulls_first, std::optional<bool>(true));
  EXPECT_TRUE(parse_expression("FIRST_VALUE(x IGNORE NULLS) OVER (ORDER BY t)")->ignore_nulls);
  EXPECT_TRUE(parse_expression("LAG(x) IGNORE NULLS OVER (ORDER BY t)")->ignore_nulls);
  EXPECT_FALSE(parse_expression("LAG(x) RESPECT NULLS OVER (ORDER BY t)")->ignore_nulls);
}

TEST(ParserExpressions, Windows) {
  ExprPtr e = parse_expression(
      "sum(x) OVER (PARTITION BY a, b ORDER BY c DESC NULLS LAST ROWS BETWEEN UNBOUNDED "
      "PRECEDING AND 1 FOLLOWING)");
  ASSERT_TRUE(e->over);
  EXPECT_EQ(e->over->partition_by.size(), 2u);
  ASSERT_EQ(e->over->order_by.size(), 1u);
  EXPECT_EQ(e->over->order_by[0].nulls_first, std::optional<bool>(false));
  ASSERT_TRUE(e->over->frame);
  EXPECT_EQ(e->over->frame->unit, FrameUnit::kRows);
  EXPECT_EQ(e->over->frame->start.kind, FrameBoundKind::kUnboundedPreceding);
  EXPECT_EQ(e->over->frame->end.kind, FrameBoundKind::kFollowing);
  EXPECT_EQ(show(*e->over->frame->end.offset), "1");

  ExprPtr range = parse_expression("avg(x) OVER (ORDER BY d RANGE INTERVAL '1' DAY PRECEDING)");
  EXPECT_EQ(range->over->frame->unit, FrameUnit::kRange);
  EXPECT_EQ(range->over->frame->start.kind, FrameBoundKind::kPreceding);
  EXPECT_EQ(range->over->frame->end.kind, FrameBoundKind::kCurrentRow);
  EXPECT_EQ(parse_expression("rank() OVER (GROUPS CURRENT ROW)")->over->frame->unit,
            FrameUnit::kGroups);
  EXPECT_EQ(parse_expression("rank() OVER w")->over->base_name, "w");
  ExprPtr based = parse_expression("rank() OVER (w ORDER BY x)");
  EXPECT_EQ(based->over->base_name, "w");
  EXPECT_EQ(based->over->order_by.size(), 1u);
}

TEST(ParserExpressions, NamesAndPaths) {
  EXPECT_EQ(show_expr("MyCol"), "mycol");
  EXPECT_EQ(show_expr("\"MyCol\""), "MyCol");
  EXPECT_EQ(show_expr("\"a\"\"b\""), "a\"b");
  EXPECT_EQ(show_expr("`Tick`"), "Tick");
  EXPECT_EQ(show_expr("S.T.Col"), "s.t.col");
  EXPECT_EQ(show_expr("t.*"), "t.*");
  // Keywords that are common column names.
  EXPECT_EQ(show_expr("date + time + timestamp + value + name + type + key + first + last"),
            "((((((((date + time) + timestamp) + value) + name) + type) + key) + first) + last)");
  EXPECT_EQ(show_expr("comment || count || year || month || day || hour || position"),
            "((((((comment || count) || year) || month) || day) || hour) || position)");
  EXPECT_EQ(show_expr("date(x) + count(y) + year(z)"), "((date(x) + count(y)) + year(z))");
  EXPECT_EQ(show_expr("t.from"), "t.from");
  EXPECT_EQ(show_expr("v:items[0].Name"), "v:items[0]:Name");
  EXPECT_EQ(show_expr("v:\"Quoted Key\""), "v:Quoted Key");
  EXPECT_EQ(show_expr("v['a'][i + 1]"), "v:a[(i + 1)]");
  EXPECT_EQ(show_expr("v:a::string"), "CAST(v:a AS STRING)");
  EXPECT_EQ(show_expr("f(x).field"), "f(x):field");
  EXPECT_EQ(error_of("SELECT a COLLATE NOCASE FROM t").find("COLLATE is not supported") !=
                std::string::npos,
            true);
}

TEST(ParserExpressions, Types) {
  auto type_of = [](std::string_view sql) {
    ExprPtr e = parse_expression(sql);
    EXPECT_EQ(e->kind, ExprKind::kCast);
    return e->type;
  };
  TypeName t = type_of("CAST(x AS decimal(10, 2))");
  EXPECT_EQ(t.name, "DECIMAL");
  EXPECT_EQ(t.params, (std::vector<int64_t>{10, 2}));
  EXPECT_EQ(type_of("x::timestamp with time zone").name, "TIMESTAMP WITH TIME ZONE");
  TypeName ts = type_of("x::TIMESTAMP(3) WITHOUT TIME ZONE");
  EXPECT_EQ(ts.name, "TIMESTAMP WITHOUT TIME ZONE");
  EXPECT_EQ(ts.params, (std::vector<int64_t>{3}));
  TypeName cv = type_of("x::character varying(10)");
  EXPECT_EQ(cv.name, "CHARACTER VARYING");
  EXPECT_EQ(cv.params, (std::vector<int64_t>{10}));
  TypeName arr = type_of("x::ARRAY(INT)");
  ASSERT_EQ(arr.fields.size(), 1u);
  EXPECT_EQ(arr.fields[0].first, "");
  EXPECT_EQ(arr.fields[0].second.name, "INT");
  TypeName map = type_of("x::MAP(VARCHAR, LIST(INT))");
  ASSERT_EQ(map.fields.size(), 2u);
  EXPECT_EQ(map.fields[1].second.name, "LIST");
  EXPECT_EQ(map.fields[1].second.fields[0].second.name, "INT");
  TypeName st = type_of("x::STRUCT(a INT, \"B\" VARCHAR)");
  ASSERT_EQ(st.fields.size(), 2u);
  EXPECT_EQ(st.fields[0].first, "a");
  EXPECT_EQ(st.fields[1].first, "B");
  TypeName pg_array = type_of("x::INT[]");
  EXPECT_EQ(pg_array.name, "ARRAY");
  EXPECT_EQ(pg_array.fields[0].second.name, "INT");
  for (std::string_view name : {"INTEGER", "TEXT", "REAL", "FLOAT", "VARIANT", "OBJECT"}) {
    EXPECT_EQ(type_of("CAST(x AS " + std::string(name) + ")").name, name);
  }
}

// --- Queries -------------------------------------------------------------------------------

TEST(ParserQueries, SelectClauses) {
  QueryPtr q = parse_query(
      "SELECT DISTINCT a AS x, b y, t.*, * EXCLUDE (c, d), count(*) FROM t1, t2 AS u "
      "WHERE a > 1 GROUP BY a, 2 HAVING count(*) > 1 WINDOW w AS (PARTITION BY a) "
      "QUALIFY rank() OVER w = 1 ORDER BY 1 DESC, b NULLS FIRST LIMIT 10 OFFSET 5");
  Select& s = select_of(*q);
  EXPECT_TRUE(s.distinct);
  ASSERT_EQ(s.items.size(), 5u);
  EXPECT_EQ(s.items[0].alias, "x");
  EXPECT_EQ(s.items[1].alias, "y");
  EXPECT_EQ(s.items[2].expr->kind, ExprKind::kStar);
  EXPECT_EQ(s.items[2].expr->names, (std::vector<std::string>{"t"}));
  EXPECT_EQ(s.items[3].expr->exclude, (std::vector<std::string>{"c", "d"}));
  ASSERT_EQ(s.from.size(), 2u);
  EXPECT_EQ(s.from[1]->alias, "u");
  ASSERT_TRUE(s.where);
  ASSERT_TRUE(s.group_by);
  EXPECT_EQ(s.group_by->kind, GroupingKind::kPlain);
  ASSERT_EQ(s.group_by->sets.size(), 1u);
  EXPECT_EQ(show_list(s.group_by->sets[0]), "a, 2");
  ASSERT_TRUE(s.having);
  ASSERT_EQ(s.windows.size(), 1u);
  EXPECT_EQ(s.windows[0].name, "w");
  ASSERT_TRUE(s.qualify);
  ASSERT_EQ(q->order_by.size(), 2u);
  EXPECT_TRUE(q->order_by[0].descending);
  EXPECT_EQ(q->order_by[1].nulls_first, std::optional<bool>(true));
  EXPECT_EQ(show(*q->limit), "10");
  EXPECT_EQ(show(*q->offset), "5");

  QueryPtr all = parse_query("SELECT ALL * FROM tab1 cor0");
  EXPECT_FALSE(select_of(*all).distinct);
  EXPECT_EQ(select_of(*all).from[0]->alias, "cor0");
  QueryPtr top = parse_query("SELECT TOP 3 a FROM t ORDER BY a");
  EXPECT_EQ(show(*top->limit), "3");
  EXPECT_EQ(top->order_by.size(), 1u);
  QueryPtr fetch = parse_query("SELECT a FROM t OFFSET 2 ROWS FETCH FIRST 5 ROWS ONLY");
  EXPECT_EQ(show(*fetch->limit), "5");
  EXPECT_EQ(show(*fetch->offset), "2");
  QueryPtr sqlite_limit = parse_query("SELECT a FROM t LIMIT 4, 10");
  EXPECT_EQ(show(*sqlite_limit->offset), "4");
  EXPECT_EQ(show(*sqlite_limit->limit), "10");
  QueryPtr on = parse_query("SELECT DISTINCT ON (a) a, b FROM t");
  EXPECT_EQ(select_of(*on).distinct_on.size(), 1u);
  QueryPtr no_from = parse_query("SELECT 1, 'x' AS \"Label\", 2 AS 'str alias'");
  EXPECT_TRUE(select_of(*no_from).from.empty());
  EXPECT_EQ(select_of(*no_from).items[1].alias, "Label");
  EXPECT_EQ(select_of(*no_from).items[2].alias, "str alias");
  EXPECT_EQ(select_of(*parse_query("SELECT * EXCLUDE a FROM t")).items[0].expr->exclude,
            (std::vector<std::string>{"a"}));
}

TEST(ParserQueries, GroupingSets) {
  auto group_by = [](std::string_view sql) {
    Statement s = parse_statement(sql);
    return std::move(*s.query->select->group_by);
  };
  GroupBy rollup = group_by("SELECT 1 FROM t GROUP BY ROLLUP (a, (b, c))");
  EXPECT_EQ(rollup.kind, GroupingKind::kRollup);
  ASSERT_EQ(rollup.sets.size(), 2u);
  EXPECT_EQ(show_list(rollup.sets[0]), "a");
  EXPECT_EQ(show_list(rollup.sets[1]), "b, c");
  GroupBy cube = group_by("SELECT 1 FROM t GROUP BY CUBE (a, b)");
  EXPECT_EQ(cube.kind, GroupingKind::kCube);
  EXPECT_EQ(cube.sets.size(), 2u);
  GroupBy sets = group_by("SELECT 1 FROM t GROUP BY GROUPING SETS ((a, b), (a), (), (a + 1) * 2)");
  EXPECT_EQ(sets.kind, GroupingKind::kGroupingSets);
  ASSERT_EQ(sets.sets.size(), 4u);
  EXPECT_EQ(show_list(sets.sets[0]), "a, b");
  EXPECT_EQ(show_list(sets.sets[1]), "a");
  EXPECT_TRUE(sets.sets[2].empty());
  EXPECT_EQ(show_list(sets.sets[3]), "((a + 1) * 2)");
  EXPECT_EQ(group_by("SELECT 1 FROM t GROUP BY ALL").kind, GroupingKind::kAll);
  // A mixed list is expanded into the grouping sets it stands for.
  GroupBy mixed = group_by("SELECT 1 FROM t GROUP BY a, ROLLUP (b, c)");
  EXPECT_EQ(mixed.kind, GroupingKind::kGroupingSets);
  ASSERT_EQ(mixed.sets.size(), 3u);
  EXPECT_EQ(show_list(mixed.sets[0]), "a, b, c");
  EXPECT_EQ(show_list(mixed.sets[1]), "a, b");
  EXPECT_EQ(show_list(mixed.sets[2]), "a");
  GroupBy mixed_cube = group_by("SELECT 1 FROM t GROUP BY CUBE (a, b), c");
  ASSERT_EQ(mixed_cube.sets.size(), 4u);
  EXPECT_EQ(show_list(mixed_cube.sets[0]), "a, b, c");
  EXPECT_EQ(show_list(mixed_cube.sets[3]), "c");
}

TEST(ParserQueries, SetOperations) {
  QueryPtr q = parse_query("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT SELECT 4");
  // (1 UNION (2 INTERSECT 3)) EXCEPT 4
  ASSERT_EQ(q->kind, QueryKind::kSetOperation);
  EXPECT_EQ(q->set_op, SetOp::kExcept);
  ASSERT_EQ(q->left->kind, QueryKind::kSetOperation);
  EXPECT_EQ(q->left->set_op, SetOp::kUnion);
  EXPECT_EQ(q->left->right->set_op, SetOp::kIntersect);

  QueryPtr all =
      parse_query("SELECT a FROM t UNION ALL BY NAME SELECT b FROM u ORDER BY 1 LIMIT 2");
  EXPECT_TRUE(all->set_all);
  EXPECT_TRUE(all->by_name);
  EXPECT_EQ(all->order_by.size(), 1u);  // on the set operation, not on its right side
  EXPECT_TRUE(all->right->order_by.empty());
  EXPECT_TRUE(all->limit);
  EXPECT_EQ(parse_query("SELECT 1 MINUS SELECT 2")->set_op, SetOp::kExcept);
  EXPECT_FALSE(parse_query("SELECT 1 UNION DISTINCT SELECT 2")->set_all);

  QueryPtr nested =
      parse_query("(SELECT a FROM t ORDER BY a LIMIT 3) UNION ALL (SELECT b FROM u) ORDER BY 1");
  ASSERT_EQ(nested->kind, QueryKind::kSetOperation);
  ASSERT_EQ(nested->left->kind, QueryKind::kNested);
  EXPECT_TRUE(nested->left->nested->limit);
  EXPECT_EQ(nested->right->kind, QueryKind::kSelect);
  EXPECT_EQ(nested->order_by.size(), 1u);
  QueryPtr grouped = parse_query("(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3");
  EXPECT_EQ(grouped->set_op, SetOp::kIntersect);
  EXPECT_EQ(grouped->left->set_op, SetOp::kUnion);
  EXPECT_EQ(parse_query("((SELECT 1))")->kind, QueryKind::kSelect);
  QueryPtr reordered = parse_query("(SELECT a FROM t LIMIT 5) ORDER BY a");
  ASSERT_EQ(reordered->kind, QueryKind::kNested);
  EXPECT_EQ(reordered->order_by.size(), 1u);
}

TEST(ParserQueries, WithAndValues) {
  QueryPtr q = parse_query(
      "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5), "
      "s AS (SELECT 2) SELECT * FROM r, s");
  EXPECT_TRUE(q->recursive);
  ASSERT_EQ(q->ctes.size(), 2u);
  EXPECT_EQ(q->ctes[0].name, "r");
  EXPECT_EQ(q->ctes[0].column_aliases, (std::vector<std::string>{"n"}));
  EXPECT_EQ(q->ctes[0].query->kind, QueryKind::kSetOperation);
  EXPECT_EQ(q->kind, QueryKind::kSelect);
  QueryPtr v = parse_query("VALUES (1, 'a'), (2, 'b')");
  ASSERT_EQ(v->kind, QueryKind::kValues);
  ASSERT_EQ(v->values.size(), 2u);
  EXPECT_EQ(show_list(v->values[1]), "2, 'b'");
}

TEST(ParserQueries, FromClause) {
  auto from_of = [](std::string_view sql) {
    Statement s = parse_statement(sql);
    return std::move(s.query->select->from);
  };
  auto joins = from_of(
      "SELECT * FROM a INNER JOIN b ON a.x = b.x LEFT OUTER JOIN c USING (y, z) "
      "RIGHT JOIN d ON TRUE FULL JOIN e ON 1 = 1 CROSS JOIN f NATURAL JOIN g JOIN h");
  ASSERT_EQ(joins.size(), 1u);
  const TableRef* j = joins[0].get();
  std::vector<JoinType> types;
  std::vector<bool> natural;
  while (j->kind == TableRefKind::kJoin) {
    types.push_back(j->join_type);
    natural.push_back(j->natural);
    j = j->left.get();
  }
  EXPECT_EQ(j->name, (ObjectName{"a"}));
  EXPECT_EQ(types, (std::vector<JoinType>{JoinType::kInner, JoinType::kInner, JoinType::kCross,
                                          JoinType::kFull, JoinType::kRight, JoinType::kLeft,
                                          JoinType::kInner}));
  EXPECT_EQ(natural, (std::vector<bool>{false, true, false, false, false, false, false}));

  auto sub = from_of("SELECT * FROM (SELECT 1 AS x) AS s (y), (SELECT 2), LATERAL (SELECT 3) l");
  ASSERT_EQ(sub.size(), 3u);
  EXPECT_EQ(sub[0]->kind, TableRefKind::kSubquery);
  EXPECT_EQ(sub[0]->alias, "s");
  EXPECT_EQ(sub[0]->column_aliases, (std::vector<std::string>{"y"}));
  EXPECT_EQ(sub[1]->alias, "");
  EXPECT_TRUE(sub[2]->lateral);

  auto values = from_of("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(x, y)");
  ASSERT_EQ(values[0]->kind, TableRefKind::kValues);
  EXPECT_EQ(values[0]->values.size(), 2u);
  EXPECT_EQ(values[0]->column_aliases, (std::vector<std::string>{"x", "y"}));

  auto funcs = from_of(
      "SELECT * FROM read_parquet('x/*.parquet') p, TABLE(FLATTEN(input => t.col)) f, "
      "t, LATERAL FLATTEN(input => v:items) i");
  EXPECT_EQ(funcs[0]->kind, TableRefKind::kFunction);
  EXPECT_EQ(funcs[0]->name, (ObjectName{"read_parquet"}));
  EXPECT_EQ(funcs[0]->alias, "p");
  EXPECT_EQ(funcs[1]->kind, TableRefKind::kFunction);
  EXPECT_EQ(funcs[1]->name, (ObjectName{"flatten"}));
  EXPECT_EQ(funcs[1]->arg_names, (std::vector<std::string>{"input"}));
  EXPECT_EQ(funcs[3]->kind, TableRefKind::kFunction);
  EXPECT_TRUE(funcs[3]->lateral);
  EXPECT_EQ(show(*funcs[3]->args[0]), "v:items");

  auto parens = from_of("SELECT * FROM (a JOIN b ON a.x = b.x), ((SELECT 1) UNION (SELECT 2)) u");
  EXPECT_EQ(parens[0]->kind, TableRefKind::kJoin);
  EXPECT_EQ(parens[1]->kind, TableRefKind::kSubquery);
  EXPECT_EQ(parens[1]->alias, "u");
  auto sub_join = from_of("SELECT * FROM ((SELECT 1 AS x) s JOIN b ON s.x = b.x)");
  EXPECT_EQ(sub_join[0]->kind, TableRefKind::kJoin);
  EXPECT_EQ(sub_join[0]->left->kind, TableRefKind::kSubquery);

  auto qualified = from_of("SELECT * FROM db.Schema.\"Tbl\" NOT INDEXED");
  EXPECT_EQ(qualified[0]->name, (ObjectName{"db", "schema", "Tbl"}));
}

TEST(ParserQueries, TimeTravel) {
  auto travel = [](std::string_view sql) {
    Statement s = parse_statement(sql);
    TableRef& t = *s.query->select->from[0];
    EXPECT_TRUE(t.time_travel.has_value()) << sql;
    TimeTravel tt;
    if (t.time_travel) tt = std::move(*t.time_travel);
    return std::make_pair(t.alias, std::move(tt));
  };
  auto [a1, at] = travel("SELECT * FROM t AT(SNAPSHOT => 123) AS x");
  EXPECT_EQ(a1, "x");
  EXPECT_FALSE(at.before);
  EXPECT_EQ(at.kind, "SNAPSHOT");
  EXPECT_EQ(show(*at.value), "123");
  TimeTravel ts = travel("SELECT * FROM t AT(TIMESTAMP => '2024-01-01'::timestamp)").second;
  EXPECT_EQ(ts.kind, "TIMESTAMP");
  EXPECT_EQ(show(*ts.value), "CAST('2024-01-01' AS TIMESTAMP)");
  TimeTravel before = travel("SELECT * FROM t BEFORE(STATEMENT => 'q1')").second;
  EXPECT_TRUE(before.before);
  EXPECT_EQ(before.kind, "STATEMENT");
  EXPECT_EQ(travel("SELECT * FROM t AT(OFFSET => -60)").second.kind, "OFFSET");
  EXPECT_EQ(travel("SELECT * FROM t FOR SYSTEM_TIME AS OF '2024-01-01'").second.kind, "TIMESTAMP");
  EXPECT_EQ(travel("SELECT * FROM t FOR TIMESTAMP AS OF '2024-01-01'").second.kind, "TIMESTAMP");
  EXPECT_EQ(travel("SELECT * FROM t TIMESTAMP AS OF '2024-01-01'").second.kind, "TIMESTAMP");
  EXPECT_EQ(travel("SELECT * FROM t VERSION AS OF 42").second.kind, "SNAPSHOT");
  EXPECT_EQ(travel("SELECT * FROM t FOR VERSION AS OF 'tag1'").second.kind, "VERSION");
  EXPECT_EQ(travel("SELECT * FROM t x AT(SNAPSHOT => 1)").first, "x");
}

// --- Statements ------------------------------------------------------------------------------

TEST(ParserStatements, CreateTable) {
  Statement s = parse_statement(
      "CREATE OR REPLACE TRANSIENT TABLE IF NOT EXISTS db.s.events ("
      "  id BIGINT NOT NULL PRIMARY KEY COMMENT 'the key',"
      "  name VARCHAR(40) DEFAULT 'x' NOT NULL UNIQUE,"
      "  amount DECIMAL(10, 2) NULL,"
      "  ts TIMESTAMP WITH TIME ZONE,"
      "  tags ARRAY(VARCHAR),"
      "  PRIMARY KEY (id), UNIQUE (name, ts))"
      " PARTITION BY (day(ts), bucket(16, id)) CLUSTER BY (name DESC)"
      " WITH ('format-version' = '2') TBLPROPERTIES ('write.format.default' = 'parquet')"
      " DATA_RETENTION_TIME_IN_DAYS = 1 COMMENT = 'events'");
  ASSERT_EQ(s.kind, StatementKind::kCreateTable);
  const CreateTable& c = *s.create_table;
  EXPECT_TRUE(c.or_replace);
  EXPECT_TRUE(c.if_not_exists);
  EXPECT_TRUE(c.temporary);
  EXPECT_TRUE(c.transient);
  EXPECT_EQ(c.name, (ObjectName{"db", "s", "events"}));
  ASSERT_EQ(c.columns.size(), 5u);
  EXPECT_EQ(c.columns[0].name, "id");
  EXPECT_EQ(c.columns[0].type.name, "BIGINT");
  EXPECT_TRUE(c.columns[0].not_null);
  EXPECT_TRUE(c.columns[0].primary_key);
  EXPECT_EQ(c.columns[0].comment, "the key");
  EXPECT_EQ(show(*c.columns[1].default_value), "'x'");
  EXPECT_TRUE(c.columns[1].not_null);
  EXPECT_TRUE(c.columns[1].unique);
  EXPECT_EQ(c.columns[2].type.params, (std::vector<int64_t>{10, 2}));
  EXPECT_FALSE(c.columns[2].not_null);
  EXPECT_EQ(c.columns[3].type.name, "TIMESTAMP WITH TIME ZONE");
  EXPECT_EQ(c.columns[4].type.fields[0].second.name, "VARCHAR");
  EXPECT_EQ(c.primary_key, (std::vector<std::string>{"id"}));
  ASSERT_EQ(c.unique_keys.size(), 1u);
  EXPECT_EQ(c.unique_keys[0], (std::vector<std::string>{"name", "ts"}));
  EXPECT_EQ(show_list(c.partition_by), "day(ts), bucket(16, id)");
  ASSERT_EQ(c.sort_by.size(), 1u);
  EXPECT_TRUE(c.sort_by[0].descending);
  ASSERT_EQ(c.properties.size(), 3u);
  EXPECT_EQ(c.properties[0].key, "format-version");
  EXPECT_EQ(c.properties[0].value, "2");
  EXPECT_EQ(c.properties[1].key, "write.format.default");
  EXPECT_EQ(c.properties[2].key, "DATA_RETENTION_TIME_IN_DAYS");
  EXPECT_EQ(c.properties[2].value, "1");
  EXPECT_EQ(c.comment, "events");

  Statement sqlite = parse_statement("CREATE TABLE t1( x INTEGER PRIMARY KEY, y VARCHAR(8) )");
  EXPECT_EQ(sqlite.create_table->columns.size(), 2u);
  Statement temp = parse_statement("CREATE TEMP TABLE t (a INT) ORDER BY (a) PARTITION BY a");
  EXPECT_TRUE(temp.create_table->temporary);
  EXPECT_FALSE(temp.create_table->transient);
  EXPECT_EQ(temp.create_table->sort_by.size(), 1u);
  EXPECT_EQ(temp.create_table->partition_by.size(), 1u);
  Statement ctas = parse_statement("CREATE TABLE t2 AS SELECT * FROM t1");
  ASSERT_TRUE(ctas.create_table->as_query);
  EXPECT_TRUE(ctas.create_table->columns.empty());
  Statement like = parse_statement("CREATE TABLE t3 LIKE s.t1");
  EXPECT_EQ(like.create_table->like, (ObjectName{"s", "t1"}));
  Statement sort_by = parse_statement("CREATE TABLE t4 (a INT) SORT BY a, b DESC");
  EXPECT_EQ(sort_by.create_table->sort_by.size(), 2u);
}

TEST(ParserStatements, ViewsNamespacesIndexesDrops) {
  std::string sql = "CREATE OR REPLACE VIEW IF NOT EXISTS v (a, b) AS  SELECT x, y FROM t  ";
  Statement v = parse_statement(sql);
  ASSERT_EQ(v.kind, StatementKind::kCreateView);
  EXPECT_TRUE(v.create_view->or_replace);
  EXPECT_TRUE(v.create_view->if_not_exists);
  EXPECT_EQ(v.create_view->column_aliases, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(v.create_view->query_text, "SELECT x, y FROM t");
  EXPECT_EQ(v.text, "CREATE OR REPLACE VIEW IF NOT EXISTS v (a, b) AS  SELECT x, y FROM t");
  EXPECT_TRUE(parse_statement("CREATE TEMP VIEW v2 AS SELECT 1").create_view->temporary);
  EXPECT_TRUE(parse_statement("CREATE TEMPORARY VIEW v2 AS SELECT 1").create_view->temporary);

  Statement db = parse_statement("CREATE DATABASE IF NOT EXISTS analytics");
  ASSERT_EQ(db.kind, StatementKind::kCreateNamespace);
  EXPECT_EQ(db.create_namespace->kind, ObjectKind::kDatabase);
  EXPECT_TRUE(db.create_namespace->if_not_exists);
  Statement schema = parse_statement("CREATE OR REPLACE SCHEMA analytics.raw");
  EXPECT_EQ(schema.create_namespace->kind, ObjectKind::kSchema);
  EXPECT_EQ(schema.create_namespace->name, (ObjectName{"analytics", "raw"}));
  EXPECT_TRUE(schema.create_namespace->or_replace);

  Statement idx = parse_statement("CREATE UNIQUE INDEX IF NOT EXISTS i1 ON t1(a DESC, b)");
  ASSERT_EQ(idx.kind, StatementKind::kCreateIndex);
  EXPECT_TRUE(idx.create_index->unique);
  EXPECT_TRUE(idx.create_index->if_not_exists);
  EXPECT_EQ(idx.create_index->index_name, "i1");
  EXPECT_EQ(idx.create_index->columns, (std::vector<std::string>{"a", "b"}));

  struct DropCase {
    std::string sql;
    ObjectKind kind;
  };
  for (const DropCase& d :
       std::vector<DropCase>{{"DROP TABLE IF EXISTS t CASCADE PURGE", ObjectKind::kTable},
                             {"DROP VIEW v", ObjectKind::kView},
                             {"DROP SCHEMA s RESTRICT", ObjectKind::kSchema},
                             {"DROP DATABASE d", ObjectKind::kDatabase},
                             {"DROP INDEX t1i1;", ObjectKind::kIndex}}) {
    Statement s = parse_statement(d.sql);
    ASSERT_EQ(s.kind, StatementKind::kDrop) << d.sql;
    EXPECT_EQ(s.drop->kind, d.kind) << d.sql;
  }
  Statement drop = parse_statement("DROP TABLE IF EXISTS t CASCADE PURGE");
  EXPECT_TRUE(drop.drop->if_exists);
  EXPECT_TRUE(drop.drop->cascade);
  EXPECT_TRUE(drop.drop->purge);
}

TEST(ParserStatements, InsertUpdateDeleteMerge) {
  Statement ins = parse_statement("INSERT INTO t1(e,c,b) VALUES(103,102,100), (1, 2, 3)");
  ASSERT_EQ(ins.kind, StatementKind::kInsert);
  EXPECT_EQ(ins.insert->columns, (std::vector<std::string>{"e", "c", "b"}));
  ASSERT_EQ(ins.insert->query->kind, QueryKind::kValues);
  EXPECT_EQ(ins.insert->query->values.size(), 2u);
  EXPECT_EQ(parse_statement("INSERT INTO t SELECT * FROM u").insert->query->kind,
            QueryKind::kSelect);
  EXPECT_EQ(parse_statement("INSERT INTO t (SELECT * FROM u)").insert->query->kind,
            QueryKind::kSelect);
  EXPECT_TRUE(parse_statement("INSERT INTO t DEFAULT VALUES").insert->default_values);
  EXPECT_TRUE(parse_statement("INSERT OVERWRITE INTO t SELECT 1").insert->overwrite);
  EXPECT_TRUE(parse_statement("INSERT OR REPLACE INTO t VALUES (1)").insert->or_replace);
  EXPECT_TRUE(parse_statement("INSERT OR IGNORE INTO t VALUES (1)").insert->or_ignore);
  Statement replace = parse_statement("REPLACE INTO t1 VALUES(2, 'replace')");
  ASSERT_EQ(replace.kind, StatementKind::kInsert);
  EXPECT_TRUE(replace.insert->or_replace);
  EXPECT_EQ(replace.insert->table, (ObjectName{"t1"}));

  Statement upd =
      parse_statement("UPDATE t AS a SET x = x + 1, a.y = DEFAULT FROM u WHERE a.k = u.k");
  ASSERT_EQ(upd.kind, StatementKind::kUpdate);
  EXPECT_EQ(upd.update->alias, "a");
  ASSERT_EQ(upd.update->assignments.size(), 2u);
  EXPECT_EQ(upd.update->assignments[1].column, (std::vector<std::string>{"a", "y"}));
  EXPECT_FALSE(upd.update->assignments[1].value);
  EXPECT_EQ(upd.update->from.size(), 1u);
  EXPECT_TRUE(upd.update->where);
  EXPECT_EQ(parse_statement("UPDATE t1 SET x=3, x=4, x=5").update->assignments.size(), 3u);
  EXPECT_EQ(parse_statement("UPDATE t1 b SET x = 1").update->alias, "b");

  Statement del = parse_statement("DELETE FROM t x USING u, v WHERE x.a = u.a");
  ASSERT_EQ(del.kind, StatementKind::kDelete);
  EXPECT_EQ(del.del->alias, "x");
  EXPECT_EQ(del.del->using_tables.size(), 2u);
  EXPECT_TRUE(del.del->where);

  Statement m = parse_statement(
      "MERGE INTO t AS tgt USING (SELECT * FROM s) AS src ON tgt.id = src.id "
      "WHEN MATCHED AND src.del THEN DELETE "
      "WHEN MATCHED THEN UPDATE SET v = src.v "
      "WHEN NOT MATCHED BY TARGET AND src.v > 0 THEN INSERT (id, v) VALUES (src.id, src.v) "
      "WHEN NOT MATCHED THEN INSERT * "
      "WHEN NOT MATCHED BY SOURCE THEN UPDATE SET v = 0");
  ASSERT_EQ(m.kind, StatementKind::kMerge);
  EXPECT_EQ(m.merge->target_alias, "tgt");
  EXPECT_EQ(m.merge->source->alias, "src");
  ASSERT_EQ(m.merge->clauses.size(), 5u);
  EXPECT_EQ(m.merge->clauses[0].action, MergeAction::kDelete);
  EXPECT_TRUE(m.merge->clauses[0].condition);
  EXPECT_EQ(m.merge->clauses[1].action, MergeAction::kUpdate);
  EXPECT_EQ(m.merge->clauses[1].assignments.size(), 1u);
  EXPECT_FALSE(m.merge->clauses[2].matched);
  EXPECT_EQ(m.merge->clauses[2].insert_columns, (std::vector<std::string>{"id", "v"}));
  EXPECT_EQ(m.merge->clauses[2].insert_values.size(), 2u);
  EXPECT_TRUE(m.merge->clauses[3].insert_star);
  EXPECT_TRUE(m.merge->clauses[4].by_source);
  Statement star = parse_statement(
      "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET * "
      "WHEN NOT MATCHED THEN INSERT ALL BY NAME");
  EXPECT_TRUE(star.merge->clauses[0].update_star);
  EXPECT_TRUE(star.merge->clauses[1].insert_star);
  EXPECT_EQ(star.merge->source->name, (ObjectName{"s"}));

  Statement tr = parse_statement("TRUNCATE TABLE IF EXISTS s.t");
  ASSERT_EQ(tr.kind, StatementKind::kTruncate);
  EXPECT_TRUE(tr.truncate_if_exists);
  EXPECT_EQ(tr.truncate_table, (ObjectName{"s", "t"}));
  EXPECT_EQ(parse_statement("TRUNCATE t").truncate_table, (ObjectName{"t"}));
}

TEST(ParserStatements, AlterTable) {
  auto alter = [](std::string_view sql) {
    Statement s = parse_statement(sql);
    EXPECT_EQ(s.kind, StatementKind::kAlterTable) << sql;
    return std::move(s.alter_table);
  };
  auto add = alter("ALTER TABLE IF EXISTS t ADD COLUMN IF NOT EXISTS c INT NOT NULL");
  EXPECT_TRUE(add->if_exists);
  EXPECT_EQ(add->action, AlterAction::kAddColumn);
  EXPECT_TRUE(add->if_not_exists);
  EXPECT_EQ(add->column.name, "c");
  EXPECT_TRUE(add->column.not_null);
  EXPECT_EQ(alter("ALTER TABLE t ADD c INT")->action, AlterAction::kAddColumn);
  auto drop = alter("ALTER TABLE t DROP COLUMN IF EXISTS c");
  EXPECT_EQ(drop->action, AlterAction::kDropColumn);
  EXPECT_TRUE(drop->column_if_exists);
  EXPECT_FALSE(drop->if_exists);
  EXPECT_EQ(drop->names, (std::vector<std::string>{"c"}));
  auto rename = alter("ALTER TABLE t RENAME COLUMN a TO b");
  EXPECT_EQ(rename->action, AlterAction::kRenameColumn);
  EXPECT_EQ(rename->new_name, "b");
  auto rename_table = alter("ALTER TABLE t RENAME TO s.t2");
  EXPECT_EQ(rename_table->action, AlterAction::kRenameTable);
  EXPECT_EQ(rename_table->new_table, (ObjectName{"s", "t2"}));
  auto type = alter("ALTER TABLE t ALTER COLUMN c SET DATA TYPE BIGINT");
  EXPECT_EQ(type->action, AlterAction::kAlterColumnType);
  EXPECT_EQ(type->column.type.name, "BIGINT");
  EXPECT_EQ(alter("ALTER TABLE t ALTER c TYPE DOUBLE")->action, AlterAction::kAlterColumnType);
  EXPECT_EQ(alter("ALTER TABLE t ALTER COLUMN c DROP NOT NULL")->action, AlterAction::kDropNotNull);
  EXPECT_EQ(alter("ALTER TABLE t ALTER COLUMN c SET NOT NULL")->action, AlterAction::kSetNotNull);
  auto props = alter("ALTER TABLE t SET TBLPROPERTIES ('a' = 'b', 'c' = '1')");
  EXPECT_EQ(props->action, AlterAction::kSetProperties);
  EXPECT_EQ(props->properties.size(), 2u);
  EXPECT_EQ(alter("ALTER TABLE t SET (k = v)")->properties[0].value, "v");
  EXPECT_EQ(alter("ALTER TABLE t SET DATA_RETENTION_TIME_IN_DAYS = 3")->properties[0].key,
            "DATA_RETENTION_TIME_IN_DAYS");
  auto unset = alter("ALTER TABLE t UNSET TBLPROPERTIES ('a', 'c')");
  EXPECT_EQ(unset->action, AlterAction::kUnsetProperties);
  EXPECT_EQ(unset->names, (std::vector<std::string>{"a", "c"}));
  auto add_field = alter("ALTER TABLE t ADD PARTITION FIELD bucket(16, id)");
  EXPECT_EQ(add_field->action, AlterAction::kAddPartitionField);
  EXPECT_EQ(show(*add_field->partition_expr), "bucket(16, id)");
  EXPECT_EQ(alter("ALTER TABLE t DROP PARTITION FIELD day(ts)")->action,
            AlterAction::kDropPartitionField);
  EXPECT_EQ(alter("ALTER TABLE t PARTITION BY (a, day(ts))")->partition_exprs.size(), 2u);
  auto cluster = alter("ALTER TABLE t CLUSTER BY (a, b DESC)");
  EXPECT_EQ(cluster->action, AlterAction::kSetSortOrder);
  EXPECT_EQ(cluster->sort_by.size(), 2u);
  EXPECT_EQ(alter("ALTER TABLE t WRITE ORDERED BY a")->sort_by.size(), 1u);
  auto comment = alter("ALTER TABLE t SET COMMENT = 'hello'");
  EXPECT_EQ(comment->action, AlterAction::kSetComment);
  EXPECT_EQ(comment->comment, "hello");
}

TEST(ParserStatements, ShowDescribeExplainSessions) {
  Statement tables = parse_statement("SHOW TERSE TABLES IN analytics.raw LIKE 'ev%'");
  ASSERT_EQ(tables.kind, StatementKind::kShow);
  EXPECT_EQ(tables.show->kind, ShowKind::kTables);
  EXPECT_TRUE(tables.show->terse);
  EXPECT_EQ(tables.show->in, (ObjectName{"analytics", "raw"}));
  EXPECT_EQ(tables.show->like, "ev%");
  EXPECT_EQ(parse_statement("SHOW TABLES LIKE 'x' IN s").show->like, "x");
  EXPECT_EQ(parse_statement("SHOW VIEWS").show->kind, ShowKind::kViews);
  EXPECT_EQ(parse_statement("SHOW SCHEMAS IN DATABASE d").show->in, (ObjectName{"d"}));
  EXPECT_EQ(parse_statement("SHOW DATABASES").show->kind, ShowKind::kDatabases);
  EXPECT_EQ(parse_statement("SHOW FUNCTIONS LIKE 'date%'").show->kind, ShowKind::kFunctions);
  Statement cols = parse_statement("SHOW COLUMNS IN t");
  EXPECT_EQ(cols.show->kind, ShowKind::kColumns);
  EXPECT_EQ(cols.show->in, (ObjectName{"t"}));
  EXPECT_EQ(parse_statement("SHOW CREATE TABLE s.t").show->kind, ShowKind::kCreateTable);
  EXPECT_EQ(parse_statement("SHOW SNAPSHOTS IN t").show->kind, ShowKind::kSnapshots);

  Statement desc = parse_statement("DESCRIBE TABLE s.t");
  ASSERT_EQ(desc.kind, StatementKind::kDescribe);
  EXPECT_EQ(desc.describe->name, (ObjectName{"s", "t"}));
  EXPECT_EQ(parse_statement("DESC t").describe->name, (ObjectName{"t"}));
  EXPECT_TRUE(parse_statement("DESCRIBE SELECT 1").describe->query);

  Statement ex = parse_statement("EXPLAIN ANALYZE VERBOSE SELECT 1");
  ASSERT_EQ(ex.kind, StatementKind::kExplain);
  EXPECT_TRUE(ex.explain->analyze);
  EXPECT_TRUE(ex.explain->verbose);
  EXPECT_EQ(ex.explain->statement->kind, StatementKind::kQuery);
  EXPECT_EQ(ex.explain->statement->text, "SELECT 1");
  EXPECT_EQ(parse_statement("EXPLAIN INSERT INTO t VALUES (1)").explain->statement->kind,
            StatementKind::kInsert);

  for (std::string_view begin : {"BEGIN", "BEGIN TRANSACTION", "BEGIN WORK", "START TRANSACTION"}) {
    EXPECT_EQ(parse_statement(begin).kind, StatementKind::kBegin) << begin;
  }
  EXPECT_EQ(parse_statement("COMMIT").kind, StatementKind::kCommit);
  EXPECT_EQ(parse_statement("COMMIT WORK").kind, StatementKind::kCommit);
  EXPECT_EQ(parse_statement("ROLLBACK").kind, StatementKind::kRollback);
  EXPECT_EQ(parse_statement("ROLLBACK WORK").kind, StatementKind::kRollback);

  Statement use = parse_statement("USE DATABASE analytics");
  ASSERT_EQ(use.kind, StatementKind::kUse);
  EXPECT_EQ(use.use->kind, ObjectKind::kDatabase);
  EXPECT_EQ(parse_statement("USE SCHEMA a.b").use->name, (ObjectName{"a", "b"}));
  EXPECT_EQ(parse_statement("USE raw").use->kind, ObjectKind::kSchema);
  EXPECT_EQ(parse_statement("USE default").use->name, (ObjectName{"default"}));
  EXPECT_EQ(parse_statement("USE SCHEMA default;").use->name, (ObjectName{"default"}));

  Statement set = parse_statement("SET threads = 4");
  ASSERT_EQ(set.kind, StatementKind::kSet);
  EXPECT_EQ(set.set->name, "threads");
  EXPECT_EQ(show(*set.set->value), "4");
  EXPECT_EQ(parse_statement("SET s3.region TO 'eu-west-1'").set->name, "s3.region");
  Statement session = parse_statement("ALTER SESSION SET TIMEZONE = 'UTC'");
  EXPECT_EQ(session.kind, StatementKind::kSet);
  EXPECT_EQ(session.set->name, "timezone");
  EXPECT_TRUE(parse_statement("UNSET threads").set->unset);
  EXPECT_TRUE(parse_statement("RESET threads").set->unset);
}

TEST(ParserStatements, ScriptsAndText) {
  std::vector<Statement> script =
      parse_statements("  SELECT 1; ;\n-- comment\nINSERT INTO t VALUES (';');\n SELECT 'a'  ");
  ASSERT_EQ(script.size(), 3u);
  EXPECT_EQ(script[0].text, "SELECT 1");
  EXPECT_EQ(script[1].text, "INSERT INTO t VALUES (';')");
  EXPECT_EQ(script[1].pos.line, 3);
  EXPECT_EQ(script[1].pos.column, 1);
  EXPECT_EQ(script[2].text, "SELECT 'a'");
  EXPECT_EQ(script[2].pos.line, 4);
  EXPECT_EQ(script[2].pos.column, 2);
  EXPECT_TRUE(parse_statements("").empty());
  EXPECT_TRUE(parse_statements(" ; -- nothing\n /* at all */ ;").empty());
  // Positions of nested nodes point at their first token.
  Statement s = parse_statement("SELECT a,\n  b + 1 AS c FROM t");
  const Expr& plus = *s.query->select->items[1].expr;
  EXPECT_EQ(plus.pos.line, 2);
  EXPECT_EQ(plus.pos.column, 3);
  EXPECT_EQ(plus.pos.offset, 12);
  EXPECT_EQ(s.query->select->from[0]->pos.column, 19);
  // Parameters are numbered per statement.
  std::vector<Statement> params = parse_statements("SELECT ?, ?; SELECT ?");
  EXPECT_EQ(params[1].query->select->items[0].expr->index, 1);
}

// --- Errors ----------------------------------------------------------------------------------

TEST(ParserErrors, MessagesPointAtTheMistake) {
  EXPECT_EQ(error_of("SELECT a, b, FROM t"),
            "syntax error at line 1, column 14: expected an expression, found 'FROM'\n"
            "  SELECT a, b, FROM t\n"
            "               ^");
  EXPECT_EQ(error_of("SELECT * FROM WHERE x = 1"),
            "syntax error at line 1, column 15: expected a table name, found 'WHERE'\n"
            "  SELECT * FROM WHERE x = 1\n"
            "                ^");
  EXPECT_EQ(error_of("SELECT (1 + 2 FROM t"),
            "syntax error at line 1, column 15: expected ')', found 'FROM'\n"
            "  SELECT (1 + 2 FROM t\n"
            "                ^");
  EXPECT_EQ(error_of("SELECT 'abc"),
            "syntax error at line 1, column 8: expected ' to close the string that starts here, "
            "found end of input\n"
            "  SELECT 'abc\n"
            "         ^");
  EXPECT_EQ(error_of("SELECT a FROM"),
            "syntax error at line 1, column 14: expected a table name, found end of input\n"
            "  SELECT a FROM\n"
            "               ^");
  EXPECT_EQ(error_of("SELECT 1;\nSELECT *\n  FROM t WHERE\n"),
            "syntax error at line 3, column 15: expected an expression, found end of input\n"
            "    FROM t WHERE\n"
            "                ^");
  EXPECT_EQ(error_of("SELECT 1 /* never closed"),
            "syntax error at line 1, column 10: expected */ to close the comment that starts "
            "here, found end of input\n"
            "  SELECT 1 /* never closed\n"
            "           ^");
  EXPECT_EQ(error_of("SELECT 12abc"),
            "syntax error at line 1, column 8: expected a number, found '12abc'\n"
            "  SELECT 12abc\n"
            "         ^");
  EXPECT_EQ(error_of("SELECT \"unclosed"),
            "syntax error at line 1, column 8: expected \" to close the identifier that starts "
            "here, found end of input\n"
            "  SELECT \"unclosed\n"
            "         ^");
  // Columns count characters, and tabs stay tabs under the caret.
  EXPECT_EQ(error_of("SELECT '\xc3\xa9t\xc3\xa9',\tFROM t"),
            "syntax error at line 1, column 15: expected an expression, found 'FROM'\n"
            "  SELECT '\xc3\xa9t\xc3\xa9',\tFROM t\n"
            "               \t^");
  EXPECT_NE(error_of("SELECT 1 #").find("expected an SQL token, found '#'"), std::string::npos);
  EXPECT_NE(error_of("SELECT CASE WHEN a THEN 1").find("expected WHEN, ELSE or END, found end"),
            std::string::npos);
  EXPECT_NE(error_of("SELECT 1 2").find("expected ';' or end of input, found '2'"),
            std::string::npos);
  EXPECT_NE(error_of("SELEC 1").find("expected a statement, found 'SELEC'"), std::string::npos);
  EXPECT_NE(error_of("SELECT count(DISTINCT *) FROM t").find("expected an expression, found '*'"),
            std::string::npos);
  EXPECT_THROW(parse_statement("SELECT 1; SELECT 2"), SyntaxError);
  // Nested parentheses that are no subquery are tried as one once per position: 40 levels
  // in FROM under 20 in the select list would take 2^40 attempts otherwise.
  std::string nested = "SELECT " + std::string(20, '(') + "SELECT a FROM " + std::string(40, '(') + "x";
  EXPECT_THROW(parse_statement(nested), SyntaxError);
  EXPECT_THROW(parse_statement(""), SyntaxError);
  EXPECT_THROW(parse_expression("a b"), SyntaxError);
  EXPECT_THROW(parse_expression(""), SyntaxError);
  EXPECT_THROW(parse_expression("x'123'"), SyntaxError);  // odd number of hex digits
}

TEST(ParserErrors, LongLinesAreCutAroundThePosition) {
  std::string sql = "SELECT " + std::string(200, ' ') + "a +, b FROM t";
  std::string message = error_of(sql);
  EXPECT_NE(message.find("column 211: expected an expression, found ','"), std::string::npos);
  size_t excerpt = message.find('\n');
  size_t caret = message.find('\n', excerpt + 1);
  ASSERT_NE(caret, std::string::npos);
  EXPECT_LT(caret - excerpt, 140u);
  // The caret sits under the comma.
  std::string line = message.substr(excerpt + 1, caret - excerpt - 1);
  std::string marks = message.substr(caret + 1);
  ASSERT_EQ(marks.back(), '^');
  EXPECT_EQ(line[marks.size() - 1], ',');
}

TEST(ParserErrors, RefusedConstructsSaySo) {
  auto refused = [](std::string_view sql, std::string_view what) {
    std::string message = error_of(sql);
    EXPECT_NE(message.find(std::string(what) + " is not supported"), std::string::npos)
        << sql << "\n"
        << message;
  };
  refused("CREATE TRIGGER t1r1 UPDATE ON t1 BEGIN SELECT 1; END;", "CREATE TRIGGER");
  refused("DROP TRIGGER t1r1", "DROP TRIGGER");
  refused("REINDEX t1i1", "REINDEX");
  refused("CREATE VIRTUAL TABLE t USING fts5(a)", "CREATE VIRTUAL");
  refused("CREATE MATERIALIZED VIEW v AS SELECT 1", "CREATE MATERIALIZED");
  refused("VACUUM", "VACUUM");
  refused("PRAGMA table_info(t)", "PRAGMA");
  refused("INSERT OR ABORT INTO t VALUES (1)", "INSERT OR ABORT");
  refused("CREATE TABLE t (a INT CHECK (a > 0))", "CHECK");
  refused("CREATE TABLE t (a INT REFERENCES u (a))", "REFERENCES");
  refused("SELECT a FROM t ORDER BY a COLLATE NOCASE", "COLLATE");
  refused("SELECT * FROM t FETCH FIRST 1 ROWS WITH TIES", "FETCH .. WITH TIES");
  refused("SELECT a INTO t2 FROM t", "SELECT INTO");
  std::string message = error_of("CREATE TRIGGER t1r1 UPDATE ON t1 BEGIN SELECT 1; END;");
  EXPECT_EQ(message.rfind("syntax error at line 1, column 1: CREATE TRIGGER is not supported", 0),
            0u);
}

TEST(ParserErrors, NestingIsBounded) {
  std::string ok = std::string(900, '(') + "1" + std::string(900, ')');
  EXPECT_NO_THROW(parse_expression(ok));
  std::string deep = std::string(5000, '(') + "1" + std::string(5000, ')');
  std::string message;
  try {
    parse_expression(deep);
  } catch (const SyntaxError& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("expected at most 1000 levels of nesting"), std::string::npos);
  std::string minus(5000, '-');
  EXPECT_THROW(parse_expression(minus + "1"), SyntaxError);
  std::string not_chain;
  for (int i = 0; i < 3000; ++i) not_chain += "NOT ";
  EXPECT_THROW(parse_expression(not_chain + "1"), SyntaxError);
  std::string subqueries;
  for (int i = 0; i < 2000; ++i) subqueries += "SELECT * FROM (";
  EXPECT_THROW(parse_statement(subqueries + "SELECT 1" + std::string(2000, ')')), SyntaxError);
  std::string types = "CAST(x AS ";
  for (int i = 0; i < 2000; ++i) types += "ARRAY(";
  EXPECT_THROW(parse_expression(types + "INT" + std::string(2001, ')')), SyntaxError);
  std::string explains;
  for (int i = 0; i < 2000; ++i) explains += "EXPLAIN ";
  EXPECT_THROW(parse_statement(explains + "SELECT 1"), SyntaxError);
  // Long flat chains are loops, not recursion.
  std::string sum = "1";
  for (int i = 0; i < 20000; ++i) sum += " + 1";
  EXPECT_NO_THROW(parse_expression(sum));
}

// --- split_statements ---------------------------------------------------------------------------

TEST(ParserSplit, RespectsQuotesCommentsAndNesting) {
  bool complete = false;
  std::vector<std::string> parts = split_statements(
      "SELECT ';' AS a; -- a comment; with a semicolon\n"
      "SELECT \"x;y\" FROM t /* ; */;\n"
      "CREATE FUNCTION f() AS $$ SELECT 1; $$;\n"
      "SELECT E'it\\'s;' , (SELECT 1; 2);;  \n",
      &complete);
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0], "SELECT ';' AS a");
  EXPECT_EQ(parts[1], "SELECT \"x;y\" FROM t");
  EXPECT_EQ(parts[2], "CREATE FUNCTION f() AS $$ SELECT 1; $$");
  EXPECT_EQ(parts[3], "SELECT E'it\\'s;' , (SELECT 1; 2)");
  EXPECT_TRUE(complete);

  parts = split_statements("SELECT 1; SELECT 2", &complete);
  EXPECT_EQ(parts.size(), 2u);
  EXPECT_FALSE(complete);
  split_statements("SELECT 1; -- just a comment\n /* and another */ ", &complete);
  EXPECT_TRUE(complete);
  parts = split_statements("SELECT 'unterminated; still the string", &complete);
  EXPECT_EQ(parts.size(), 1u);
  EXPECT_FALSE(complete);
  split_statements("SELECT 1; /* open comment", &complete);
  EXPECT_FALSE(complete);
  split_statements("SELECT (1;", &complete);
  EXPECT_FALSE(complete);
  split_statements("SELECT $$ open", &complete);
  EXPECT_FALSE(complete);
  EXPECT_TRUE(split_statements("").empty());
  EXPECT_TRUE(split_statements(" ;; -- x\n").empty());
  EXPECT_EQ(split_statements("SELECT $1 + $2; SELECT 3"),
            (std::vector<std::string>{"SELECT $1 + $2", "SELECT 3"}));
}

// --- The sqllogictest corpus -----------------------------------------------------------------

// Statements that floe refuses on purpose (valid SQLite, not supported by floe).
bool refused_on_purpose(std::string_view sql) {
  auto starts_with = [&](std::string_view prefix) {
    if (sql.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(sql[i])) != prefix[i]) return false;
    }
    return true;
  };
  return starts_with("CREATE TRIGGER") || starts_with("DROP TRIGGER") || starts_with("REINDEX");
}

struct CorpusRecord {
  std::string_view sql;       // into the file's text
  bool expect_error = false;  // statement error
  bool foreign = false;       // only for another engine: may use its syntax
  std::string_view file;
  size_t line = 0;
};

struct Corpus {
  std::vector<std::string> texts;  // one per file, kept for the records' views
  std::vector<std::string> names;
  std::vector<CorpusRecord> records;
};

// Reads the records of every .test file: `statement ok|error` or `query ..` followed by SQL
// lines up to `----` or a blank line. The conditions in front of a record say whether SQLite
// runs it (onlyif sqlite, skipif <other>) or only another engine does.
Corpus read_corpus(const std::filesystem::path& root) {
  Corpus corpus;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".test") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  corpus.texts.reserve(files.size());
  corpus.names.reserve(files.size());
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::string& text = corpus.texts.emplace_back();
    text.resize(std::filesystem::file_size(path));
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    std::string_view file = corpus.names.emplace_back(path.filename().string());
    // Lines as [begin, end) pointers, without their \r\n.
    std::vector<std::pair<const char*, const char*>> lines;
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
      const char* e = nl ? nl : end;
      lines.emplace_back(p, (e > p && e[-1] == '\r') ? e - 1 : e);
      p = nl ? nl + 1 : end;
    }
    auto starts = [](const std::pair<const char*, const char*>& l, std::string_view prefix) {
      return static_cast<size_t>(l.second - l.first) >= prefix.size() &&
             std::memcmp(l.first, prefix.data(), prefix.size()) == 0;
    };
    auto word_at = [](const std::pair<const char*, const char*>& l, size_t n) {
      std::string_view w(l.first + n, l.second - l.first - n);
      return w.substr(0, w.find_first_of(" \t#"));
    };
    bool foreign = false;  // the conditions in front of the next record
    for (size_t i = 0; i < lines.size(); ++i) {
      const auto& line = lines[i];
      if (starts(line, "onlyif ")) {
        foreign = foreign || word_at(line, 7) != "sqlite";
        continue;
      }
      if (starts(line, "skipif ")) {
        foreign = foreign || word_at(line, 7) == "sqlite";
        continue;
      }
      if (starts(line, "halt")) {
        if (!foreign) break;  // the rest of the file is not for SQLite
        foreign = false;
        continue;
      }
      bool statement = starts(line, "statement ");
      if (!statement && !starts(line, "query ")) {
        if (line.first != line.second && line.first[0] != '#') foreign = false;
        continue;
      }
      CorpusRecord r;
      r.expect_error = statement && starts(line, "statement error");
      r.foreign = foreign;
      r.file = file;
      r.line = i + 1;
      foreign = false;
      const char* sql_begin = nullptr;
      const char* sql_end = nullptr;
      for (++i; i < lines.size(); ++i) {
        const auto& l = lines[i];
        if (l.first == l.second ||
            (l.second - l.first == 4 && std::memcmp(l.first, "----", 4) == 0)) {
          break;
        }
        if (!sql_begin) sql_begin = l.first;
        sql_end = l.second;
      }
      if (sql_begin) r.sql = std::string_view(sql_begin, sql_end - sql_begin);
      while (i < lines.size() && lines[i].first != lines[i].second) ++i;  // expected results
      corpus.records.push_back(r);
    }
  }
  return corpus;
}

TEST(ParserCorpus, SqllogictestRecordsParse) {
  std::filesystem::path root = FLOE_TESTDATA_DIR "/sqllogictest/test";
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "no corpus at " << root;
  auto started = std::chrono::steady_clock::now();
  std::clock_t cpu_started = std::clock();
  Corpus corpus = read_corpus(root);
  const std::vector<CorpusRecord>& records = corpus.records;
  auto read_done = std::chrono::steady_clock::now();
  std::clock_t cpu_read_done = std::clock();

  // Records are parsed on two threads: a Debug build spends most of its time building and
  // freeing syntax trees, and the corpus should take seconds, not tens of them.
  struct Counts {
    size_t expected_ok = 0, parsed = 0, refused = 0, refused_as_expected = 0;
    size_t expected_error = 0, error_parsed = 0, foreign = 0, foreign_parsed = 0;
    std::vector<std::string> failures;  // the first few
  };
  auto run = [&](size_t begin, size_t end, Counts& c) {
    for (size_t i = begin; i < end; ++i) {
      const CorpusRecord& r = records[i];
      bool ok = true;
      std::string message;
      try {
        parse_statements(r.sql);
      } catch (const SyntaxError& e) {
        ok = false;
        message = e.what();
      }
      if (r.foreign) {
        ++c.foreign;
        c.foreign_parsed += ok;
      } else if (r.expect_error) {
        ++c.expected_error;
        c.error_parsed += ok;
      } else if (refused_on_purpose(r.sql)) {
        ++c.refused;
        if (!ok && message.find("is not supported") != std::string::npos) {
          ++c.refused_as_expected;
        } else if (c.failures.size() < 10) {
          c.failures.push_back(std::string(r.file) + ":" + std::to_string(r.line) +
                               ": floe refuses this on purpose\n" + std::string(r.sql) + "\n" +
                               message);
        }
      } else {
        ++c.expected_ok;
        c.parsed += ok;
        if (!ok && c.failures.size() < 10) {
          c.failures.push_back(std::string(r.file) + ":" + std::to_string(r.line) + "\n" +
                               std::string(r.sql) + "\n" + message);
        }
      }
    }
  };
  Counts counts[2];
  size_t half = records.size() / 2;
  std::thread second(run, half, records.size(), std::ref(counts[1]));
  run(0, half, counts[0]);
  second.join();
  Counts total;
  for (const Counts& c : counts) {
    total.expected_ok += c.expected_ok;
    total.parsed += c.parsed;
    total.refused += c.refused;
    total.refused_as_expected += c.refused_as_expected;
    total.expected_error += c.expected_error;
    total.error_parsed += c.error_parsed;
    total.foreign += c.foreign;
    total.foreign_parsed += c.foreign_parsed;
    for (const std::string& f : c.failures) ADD_FAILURE() << f;
  }
  auto parse_done = std::chrono::steady_clock::now();
  std::clock_t cpu_parse_done = std::clock();
  auto cpu_ms = [](std::clock_t d) { return static_cast<long>(d * 1000.0 / CLOCKS_PER_SEC); };
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  std::cout << "sqllogictest corpus: " << records.size() << " records; " << total.expected_ok
            << " expected to parse, " << total.parsed << " parsed; " << total.refused
            << " refused on purpose (CREATE TRIGGER, DROP TRIGGER, REINDEX); "
            << total.expected_error << " expected to fail (" << total.error_parsed
            << " of them parse: their errors come later); " << total.foreign
            << " for other engines only (" << total.foreign_parsed << " of them parse). "
            << "Reading took " << ms(read_done - started) << " ms ("
            << cpu_ms(cpu_read_done - cpu_started) << " ms of CPU), parsing "
            << ms(parse_done - read_done) << " ms (" << cpu_ms(cpu_parse_done - cpu_read_done)
            << " ms of CPU on two threads).\n";
  EXPECT_EQ(total.parsed, total.expected_ok);
  EXPECT_EQ(total.refused_as_expected, total.refused);
}

TEST(ParserIngestion, StagesCopyAndPipes) {
  Statement st = parse_statement(
      "CREATE OR REPLACE STAGE raw.land URL = 's3://b/p/' FILE_FORMAT = (TYPE = CSV NULL_IF = ('\\N', '')) "
      "COPY_OPTIONS = (ON_ERROR = 'SKIP_FILE_5%')");
  ASSERT_EQ(st.kind, StatementKind::kCreateObject);
  EXPECT_EQ(st.create_object->kind, ObjectKind::kStage);
  EXPECT_TRUE(st.create_object->or_replace);
  ASSERT_EQ(st.create_object->options.size(), 3u);
  EXPECT_EQ(st.create_object->options[1].value.kind, ingest::OptionValue::Kind::kGroup);
  EXPECT_EQ(st.create_object->options[1].value.group[1].value.items.size(), 2u);

  Statement c = parse_statement(
      "COPY INTO raw.t (a, b) FROM @raw.land/2024/ PATTERN = '.*[.]csv' ON_ERROR = CONTINUE FORCE = TRUE");
  ASSERT_EQ(c.kind, StatementKind::kCopy);
  EXPECT_FALSE(c.copy->into_location);
  EXPECT_EQ(c.copy->location, "@raw.land/2024/");
  EXPECT_EQ(c.copy->columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.copy->options.size(), 3u);

  Statement t = parse_statement("COPY INTO t FROM (SELECT $1, $2:x::int, metadata$filename FROM @s (PATTERN => '.*'))");
  ASSERT_TRUE(t.copy->query);
  EXPECT_EQ(t.copy->query_text, "SELECT $1, $2:x::int, metadata$filename FROM @s (PATTERN => '.*')");

  Statement u = parse_statement("COPY INTO @out/x/ FROM t PARTITION BY (day) FILE_FORMAT = (TYPE = PARQUET)");
  EXPECT_TRUE(u.copy->into_location);
  EXPECT_EQ(u.copy->partition_by_text, "(day)");

  Statement put = parse_statement("PUT file://landing/a/*.csv @~/in AUTO_COMPRESS = FALSE");
  ASSERT_EQ(put.kind, StatementKind::kStageCommand);
  EXPECT_EQ(put.stage_command->local, "landing/a/*.csv");
  EXPECT_EQ(put.stage_command->stage, "@~/in");

  Statement pipe = parse_statement("CREATE PIPE p AUTO_INGEST = TRUE AS COPY INTO t FROM @s");
  ASSERT_TRUE(pipe.create_object->copy);
  EXPECT_EQ(pipe.create_object->copy_text, "COPY INTO t FROM @s");

  Statement dq = parse_statement("CREATE DATA QUALITY RULESET r ON TABLE raw.t RULES = 'Rules = [ RowCount > 0 ]'");
  EXPECT_EQ(dq.create_object->kind, ObjectKind::kQualityRuleset);
  EXPECT_EQ(dq.create_object->on_table, (ObjectName{"raw", "t"}));

  EXPECT_THROW(parse_statement("COPY INTO t FROM"), SyntaxError);
  EXPECT_THROW(parse_statement("PUT landing/a.csv @s"), SyntaxError);
  EXPECT_THROW(parse_statement("LIST land"), SyntaxError);
}

}  // namespace
}  // namespace floe::sql
