// DQDL rules: parsing, their SQL, their evaluation. Layer: ingest.
#include "ingest/quality_rules.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

#include "base/error.h"

namespace floe::ingest {
namespace {

struct Tok {
  enum Kind { kWord, kString, kNumber, kOp, kPunct, kEnd } kind = kEnd;
  std::string text;
};

std::vector<Tok> tokenize(const std::string& s) {
  std::vector<Tok> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '"') {
      std::string v;
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        v += s[i++];
      }
      if (i >= s.size()) throw InvalidInputError("data quality rules: a \"quoted\" value is not closed");
      ++i;
      out.push_back({Tok::kString, v});
    } else if (std::isdigit(static_cast<unsigned char>(c)) || (c == '-' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t j = i + 1;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == 'e' || s[j] == 'E')) ++j;
      out.push_back({Tok::kNumber, s.substr(i, j - i)});
      i = j;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i + 1;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      out.push_back({Tok::kWord, s.substr(i, j - i)});
      i = j;
    } else if (c == '=' || c == '!' || c == '<' || c == '>') {
      std::string op(1, c);
      if (i + 1 < s.size() && s[i + 1] == '=') op += '=';
      if (op == "!") throw InvalidInputError("data quality rules: '!' must be '!='");
      out.push_back({Tok::kOp, op});
      i += op.size();
    } else if (c == '[' || c == ']' || c == ',' || c == '(' || c == ')') {
      out.push_back({Tok::kPunct, std::string(1, c)});
      ++i;
    } else {
      throw InvalidInputError(fmt::format("data quality rules: unexpected character '{}'", c));
    }
  }
  out.push_back({Tok::kEnd, ""});
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string sql_string(const std::string& v) {
  std::string out = "'";
  for (char c : v) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// A column as SQL names it: plain when it is a simple lower-case name, quoted otherwise.
std::string sql_column(const std::string& c) {
  bool plain = !c.empty() && !std::isdigit(static_cast<unsigned char>(c[0]));
  for (char ch : c) plain &= std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) || ch == '_';
  if (plain) return c;
  std::string out = "\"";
  for (char ch : c) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

bool compare(const std::string& op, double a, double b) {
  if (op == "=") return a == b;
  if (op == "!=") return a != b;
  if (op == ">") return a > b;
  if (op == ">=") return a >= b;
  if (op == "<") return a < b;
  return a <= b;
}

// One expression: `= x`, `between a and b`, `in [..]`, `not in [..]`, `matches "re"`.
struct Constraint {
  std::string kind;  // op, between, in, not_in, matches
  std::string op;
  std::vector<Tok> values;
  std::string text;
};

class RuleParser {
 public:
  explicit RuleParser(const std::string& s) : toks_(tokenize(s)) {}

  std::vector<QualityRule> ruleset() {
    if (at_word("rules")) {
      ++i_;
      expect_op("=");
    }
    expect_punct("[");
    std::vector<QualityRule> rules;
    while (!at_punct("]")) {
      rules.push_back(rule());
      if (!at_punct(",")) break;
      ++i_;
    }
    expect_punct("]");
    if (toks_[i_].kind != Tok::kEnd) fail("end of the rules after ']'");
    if (rules.empty()) throw InvalidInputError("data quality rules: the ruleset has no rules");
    return rules;
  }

 private:
  const Tok& peek() const { return toks_[i_]; }
  bool at_word(const char* w) const { return peek().kind == Tok::kWord && lower(peek().text) == w; }
  bool at_punct(const char* p) const { return peek().kind == Tok::kPunct && peek().text == p; }
  [[noreturn]] void fail(const std::string& what) const {
    throw InvalidInputError(fmt::format("data quality rules: expected {}, found '{}'{}", what, peek().text,
                                        rule_start_.empty() ? "" : " in rule " + rule_start_));
  }
  void expect_punct(const char* p) {
    if (!at_punct(p)) fail(fmt::format("'{}'", p));
    ++i_;
  }
  void expect_op(const char* op) {
    if (peek().kind != Tok::kOp || peek().text != op) fail(fmt::format("'{}'", op));
    ++i_;
  }
  std::string column() {
    if (peek().kind != Tok::kString) fail("a \"column\" name");
    return toks_[i_++].text;
  }
  Tok value() {
    const Tok& t = peek();
    if (t.kind == Tok::kString || t.kind == Tok::kNumber) return toks_[i_++];
    if (t.kind == Tok::kWord) {
      std::string w = lower(t.text);
      if (w == "null" || w == "empty" || w == "whitespaces_only") return toks_[i_++];
    }
    fail("a value (a number or a \"string\")");
  }
  double number() {
    if (peek().kind != Tok::kNumber) fail("a number");
    try {
      double v = std::stod(toks_[i_].text);
      ++i_;
      return v;
    } catch (const std::out_of_range&) {
      fail("a number within a DOUBLE's range");
    }
  }
  Constraint constraint() {
    Constraint c;
    size_t from = i_;
    if (at_word("between")) {
      ++i_;
      c.kind = "between";
      c.values.push_back(value());
      if (!at_word("and")) fail("AND in between .. and ..");
      ++i_;
      c.values.push_back(value());
    } else if (at_word("in") || at_word("not")) {
      c.kind = at_word("not") ? "not_in" : "in";
      if (c.kind == "not_in") {
        ++i_;
        if (!at_word("in")) fail("IN after NOT");
      }
      ++i_;
      expect_punct("[");
      while (!at_punct("]")) {
        c.values.push_back(value());
        if (!at_punct(",")) break;
        ++i_;
      }
      expect_punct("]");
    } else if (at_word("matches")) {
      ++i_;
      c.kind = "matches";
      if (peek().kind != Tok::kString) fail("a \"regular expression\"");
      c.values.push_back(toks_[i_++]);
    } else if (peek().kind == Tok::kOp) {
      c.kind = "op";
      c.op = toks_[i_++].text;
      c.values.push_back(value());
    } else {
      fail("a comparison (= != > >= < <=), between, in, not in or matches");
    }
    for (size_t k = from; k < i_; ++k) c.text += (c.text.empty() ? "" : " ") + (toks_[k].kind == Tok::kString ? "\"" + toks_[k].text + "\"" : toks_[k].text);
    return c;
  }
  // The check of a numeric metric against a numeric constraint.
  std::function<bool(double)> numeric_check(const Constraint& c) {
    auto num = [&](const Tok& t) {
      if (t.kind != Tok::kNumber) throw InvalidInputError(fmt::format("data quality rules: {} needs numbers", rule_start_));
      return std::stod(t.text);
    };
    if (c.kind == "op") {
      double v = num(c.values[0]);
      std::string op = c.op;
      return [op, v](double m) { return compare(op, m, v); };
    }
    if (c.kind == "between") {
      double a = num(c.values[0]), b = num(c.values[1]);
      return [a, b](double m) { return m >= a && m <= b; };  // inclusive, as SQL's BETWEEN
    }
    if (c.kind == "in" || c.kind == "not_in") {
      std::vector<double> vs;
      for (const auto& t : c.values) vs.push_back(num(t));
      bool negate = c.kind == "not_in";
      return [vs, negate](double m) {
        bool in = false;
        for (double v : vs) in |= m == v;
        return in != negate;
      };
    }
    throw InvalidInputError(fmt::format("data quality rules: {} does not take matches", rule_start_));
  }
  std::string literal(const Tok& t) { return t.kind == Tok::kNumber ? t.text : sql_string(t.text); }
  // The SQL condition a row's value passes (NULL fails, except for != and not in).
  std::string row_condition(const std::string& x, const Constraint& c) {
    if (c.kind == "op") {
      std::string op = c.op == "!=" ? "<>" : c.op;
      if (c.op == "!=") return fmt::format("({} IS NULL OR {} <> {})", x, x, literal(c.values[0]));
      return fmt::format("({} {} {})", x, op, literal(c.values[0]));
    }
    if (c.kind == "between")
      return fmt::format("({} BETWEEN {} AND {})", x, literal(c.values[0]), literal(c.values[1]));
    if (c.kind == "matches") return fmt::format("regexp_like({}, {})", x, sql_string(c.values[0].text));
    std::vector<std::string> parts;
    std::string list;
    for (const auto& t : c.values) {
      std::string w = t.kind == Tok::kWord ? lower(t.text) : "";
      if (w == "null") parts.push_back(fmt::format("{} IS NULL", x));
      else if (w == "empty") parts.push_back(fmt::format("{} = ''", x));
      else if (w == "whitespaces_only") parts.push_back(fmt::format("(trim({}) = '' AND {} <> '')", x, x));
      else list += (list.empty() ? "" : ", ") + literal(t);
    }
    if (!list.empty()) parts.push_back(fmt::format("{} IN ({})", x, list));
    std::string any;
    for (const auto& p : parts) any += (any.empty() ? "" : " OR ") + p;
    if (any.empty()) any = "FALSE";
    if (c.kind == "not_in") return fmt::format("NOT coalesce(({}), FALSE)", any);
    return fmt::format("coalesce(({}), FALSE)", any);
  }
  std::string where_suffix() {
    if (!at_word("where")) return "";
    ++i_;
    if (peek().kind != Tok::kString) fail("a \"SQL predicate\" after where");
    return " WHERE " + toks_[i_++].text;
  }

  QualityRule rule() {
    size_t from = i_;
    if (peek().kind != Tok::kWord) fail("a rule type (IsComplete, ColumnValues, RowCount, ...)");
    std::string type = toks_[i_++].text;
    rule_start_ = type;
    QualityRule r;
    std::string t = lower(type);
    auto share = [](const std::string& cond, const std::string& where) {
      return fmt::format("SELECT CASE WHEN count(*) = 0 THEN 1.0 ELSE sum(CASE WHEN {} THEN 1 ELSE 0 END) * 1.0 / count(*) END FROM {{table}}{}",
                         cond, where);
    };
    if (t == "rowcount") {
      Constraint c = constraint();
      r.holds = numeric_check(c);
      r.constraint = c.text;
      r.metric_sql = "SELECT count(*) FROM {table}" + where_suffix();
    } else if (t == "iscomplete" || t == "isunique" || t == "isprimarykey") {
      std::string col = sql_column(column());
      std::string where = where_suffix();
      if (t == "iscomplete") r.metric_sql = share(fmt::format("{} IS NOT NULL", col), where);
      else if (t == "isunique")
        r.metric_sql = fmt::format("SELECT CASE WHEN count(*) = 0 THEN 1.0 ELSE count(DISTINCT {}) * 1.0 / count(*) END FROM {{table}}{}", col, where);
      else
        r.metric_sql = fmt::format(
            "SELECT CASE WHEN count(*) = 0 THEN 1.0 WHEN count({0}) < count(*) THEN 0.0 ELSE count(DISTINCT {0}) * 1.0 / count(*) END FROM {{table}}{1}",
            col, where);
      r.holds = [](double m) { return m == 1.0; };
      r.constraint = "= 1.0";
    } else if (t == "completeness" || t == "uniqueness") {
      std::string col = sql_column(column());
      Constraint c = constraint();
      r.holds = numeric_check(c);
      r.constraint = c.text;
      std::string where = where_suffix();
      r.metric_sql = t == "completeness"
                         ? share(fmt::format("{} IS NOT NULL", col), where)
                         : fmt::format("SELECT CASE WHEN sum(n) IS NULL THEN 1.0 ELSE sum(CASE WHEN n = 1 THEN n ELSE 0 END) * 1.0 / sum(n) END "
                                       "FROM (SELECT count(*) AS n FROM {{table}}{} GROUP BY {}) AS groups",
                                       where, col);
    } else if (t == "columnvalues" || t == "columnlength") {
      std::string col = sql_column(column());
      Constraint c = constraint();
      std::string x = t == "columnlength" ? fmt::format("length(coalesce(CAST({} AS VARCHAR), ''))", col) : col;
      std::string cond = row_condition(x, c);
      r.constraint = c.text;
      std::string where;
      std::function<bool(double)> threshold = [](double m) { return m == 1.0; };
      for (int k = 0; k < 2; ++k) {
        if (at_word("with")) {
          ++i_;
          if (!at_word("threshold")) fail("threshold after with");
          ++i_;
          if (peek().kind != Tok::kOp) fail("a comparison after with threshold");
          std::string op = toks_[i_++].text;
          double v = number();
          threshold = [op, v](double m) { return compare(op, m, v); };
          r.constraint += fmt::format(" with threshold {} {}", op, v);
        } else if (at_word("where")) {
          where = where_suffix();
        }
      }
      r.holds = threshold;
      r.metric_sql = share(cond, where);
    } else if (t == "mean" || t == "sum" || t == "minimum" || t == "maximum" || t == "standarddeviation" ||
               t == "distinctvaluescount") {
      std::string col = sql_column(column());
      Constraint c = constraint();
      r.holds = numeric_check(c);
      r.constraint = c.text;
      std::string agg = t == "mean" ? "avg({})" : t == "sum" ? "sum({})" : t == "minimum" ? "min({})"
                        : t == "maximum" ? "max({})" : t == "standarddeviation" ? "stddev_samp({})" : "count(DISTINCT {})";
      r.metric_sql = "SELECT CAST(" + fmt::format(fmt::runtime(agg), col) + " AS DOUBLE) FROM {table}" + where_suffix();
    } else if (t == "customsql") {
      if (peek().kind != Tok::kString) fail("a \"SELECT ..\" for CustomSql");
      std::string q = toks_[i_++].text;
      Constraint c = constraint();
      r.holds = numeric_check(c);
      r.constraint = c.text;
      // `primary` is the table the rules check.
      std::string out;
      for (size_t k = 0; k < q.size();) {
        bool boundary = k == 0 || !(std::isalnum(static_cast<unsigned char>(q[k - 1])) || q[k - 1] == '_');
        if (boundary && lower(q.substr(k, 7)) == "primary" &&
            (k + 7 == q.size() || !(std::isalnum(static_cast<unsigned char>(q[k + 7])) || q[k + 7] == '_'))) {
          out += "{table}";
          k += 7;
        } else {
          out += q[k++];
        }
      }
      r.metric_sql = "SELECT CAST((" + out + ") AS DOUBLE)";
    } else {
      throw UnsupportedError(fmt::format(
          "data quality rule type {} is not supported (RowCount, IsComplete, Completeness, IsUnique, IsPrimaryKey, "
          "Uniqueness, ColumnValues, ColumnLength, Mean, Sum, Minimum, Maximum, StandardDeviation, "
          "DistinctValuesCount, CustomSql)",
          type));
    }
    if (at_word("and") || at_word("or")) throw UnsupportedError("composite data quality rules ((r1) and (r2)) are not supported; list the rules separately");
    for (size_t k = from; k < i_; ++k)
      r.text += (r.text.empty() ? "" : " ") + (toks_[k].kind == Tok::kString ? "\"" + toks_[k].text + "\"" : toks_[k].text);
    rule_start_.clear();
    return r;
  }

  std::vector<Tok> toks_;
  size_t i_ = 0;
  std::string rule_start_;
};

std::string replace_table(const std::string& sql, const std::string& table) {
  std::string out = sql;
  for (size_t p; (p = out.find("{table}")) != std::string::npos;) out.replace(p, 7, table);
  return out;
}

std::string shown(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", int64_t(v));
  return fmt::format("{}", v);
}

}  // namespace

std::vector<QualityRule> parse_quality_rules(const std::string& dqdl) { return RuleParser(dqdl).ruleset(); }

std::vector<RuleOutcome> evaluate_quality_rules(
    const std::vector<QualityRule>& rules, const std::string& table_sql,
    const std::function<std::optional<double>(const std::string& sql)>& metric) {
  std::vector<RuleOutcome> out;
  for (const auto& r : rules) {
    RuleOutcome o;
    o.rule = r.text;
    try {
      o.metric = metric(replace_table(r.metric_sql, table_sql));
      bool ok = o.metric && r.holds(*o.metric);
      o.outcome = ok ? "PASS" : "FAIL";
      if (!ok)
        o.message = fmt::format("Value: {} does not meet the constraint requirement ({})!",
                                o.metric ? shown(*o.metric) : "NULL", r.constraint);
    } catch (const std::exception& e) {
      o.outcome = "ERROR";
      o.message = e.what();
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace floe::ingest
