#include "formats/scan_predicate.h"

#include <cctype>

#include "columnar/value_compare.h"
#include "columnar/value_parse.h"

namespace floe::formats {

using columnar::Column;

namespace {

class PredicateParser {
 public:
  PredicateParser(std::string_view text, const columnar::Schema& schema)
      : text_(text), schema_(schema) {}

  ScanPredicate parse() {
    ScanPredicate p;
    skip_space();
    if (pos_ == text_.size()) return p;
    while (true) {
      p.terms.push_back(term());
      skip_space();
      if (pos_ == text_.size()) break;
      if (!keyword("AND")) fail("AND or the end of the filter");
    }
    return p;
  }

 private:
  [[noreturn]] void fail(std::string_view expected) {
    throw InvalidInputError(fmt::format("filter: expected {} at position {}: '{}'", expected,
                                        pos_ + 1, text_.substr(pos_, 20)));
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool keyword(std::string_view kw) {
    skip_space();
    if (text_.size() - pos_ < kw.size()) return false;
    for (size_t i = 0; i < kw.size(); ++i)
      if (std::toupper(static_cast<unsigned char>(text_[pos_ + i])) != kw[i]) return false;
    size_t end = pos_ + kw.size();
    if (end < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[end])) ||
                               text_[end] == '_'))
      return false;
    pos_ = end;
    return true;
  }
  std::string identifier() {
    skip_space();
    std::string id;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      size_t end = text_.find('"', pos_ + 1);
      if (end == std::string_view::npos) fail("a closing \"");
      id = std::string(text_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end + 1;
      return id;
    }
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
                                   text_[pos_] == '_' || text_[pos_] == '.'))
      id += text_[pos_++];
    if (id.empty()) fail("a column name");
    return id;
  }
  std::string literal() {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '\'') {
      std::string s;
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) fail("a closing '");
        if (text_[pos_] == '\'') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\'') {
            s += '\'';
            pos_ += 2;
            continue;
          }
          ++pos_;
          return s;
        }
        s += text_[pos_++];
      }
    }
    std::string s;
    while (pos_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[pos_])) &&
           text_[pos_] != ',' && text_[pos_] != ')')
      s += text_[pos_++];
    if (s.empty()) fail("a value");
    return s;
  }
  void add_literal(Column& values, const std::string& lit, const std::string& column) {
    if (!columnar::append_parsed_value(values, lit))
      throw InvalidInputError(fmt::format("filter: '{}' is not a {} value for column '{}'", lit,
                                          values.type().to_string(), column));
  }
  ColumnPredicate term() {
    size_t start = pos_;
    std::string name = identifier();
    int idx = schema_.find(name);
    if (idx < 0) {
      pos_ = start;
      throw InvalidInputError(
          fmt::format("filter: no column named '{}' at position {}", name, start + 1));
    }
    const columnar::DataType& type = schema_.fields[size_t(idx)].type;
    if (type.is_nested())
      throw UnsupportedError(fmt::format("filter: column '{}' is {}; filters compare "
                                         "primitive columns",
                                         name, type.to_string()));
    ColumnPredicate t{name, CompareOp::kEq, Column(type)};
    if (keyword("IS")) {
      t.op = keyword("NOT") ? CompareOp::kIsNotNull : CompareOp::kIsNull;
      if (!keyword("NULL")) fail("NULL");
      return t;
    }
    if (keyword("IN")) {
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != '(') fail("(");
      ++pos_;
      t.op = CompareOp::kIn;
      while (true) {
        add_literal(t.values, literal(), name);
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == ')') {
          ++pos_;
          break;
        }
        fail(", or )");
      }
      return t;
    }
    skip_space();
    static const std::pair<std::string_view, CompareOp> kOps[] = {
        {"==", CompareOp::kEq}, {"!=", CompareOp::kNe}, {"<>", CompareOp::kNe},
        {"<=", CompareOp::kLe}, {">=", CompareOp::kGe}, {"=", CompareOp::kEq},
        {"<", CompareOp::kLt},  {">", CompareOp::kGt}};
    bool found = false;
    for (auto [sym, op] : kOps) {
      if (text_.substr(pos_, sym.size()) == sym) {
        t.op = op;
        pos_ += sym.size();
        found = true;
        break;
      }
    }
    if (!found) fail("a comparison (=, !=, <, <=, >, >=), IS or IN");
    add_literal(t.values, literal(), name);
    return t;
  }

  std::string_view text_;
  const columnar::Schema& schema_;
  size_t pos_ = 0;
};

bool compare_holds(CompareOp op, int c) {
  switch (op) {
    case CompareOp::kEq: return c == 0;
    case CompareOp::kNe: return c != 0;
    case CompareOp::kLt: return c < 0;
    case CompareOp::kLe: return c <= 0;
    case CompareOp::kGt: return c > 0;
    case CompareOp::kGe: return c >= 0;
    default: return false;
  }
}

}  // namespace

ScanPredicate parse_scan_predicate(std::string_view text, const columnar::Schema& schema) {
  return PredicateParser(text, schema).parse();
}

columnar::SelectionVector evaluate_predicate(const ScanPredicate& p, const columnar::Batch& b) {
  columnar::SelectionVector sel;
  int64_t n = b.num_rows();
  std::vector<int> cols;
  for (const auto& t : p.terms) {
    int i = b.schema.find(t.column);
    FLOE_CHECK(i >= 0, "predicate column '{}' is not in the batch", t.column);
    cols.push_back(i);
  }
  for (int64_t r = 0; r < n; ++r) {
    bool ok = true;
    for (size_t k = 0; k < p.terms.size() && ok; ++k) {
      const ColumnPredicate& t = p.terms[k];
      const Column& c = b.columns[size_t(cols[k])];
      bool null = c.is_null(r);
      switch (t.op) {
        case CompareOp::kIsNull: ok = null; break;
        case CompareOp::kIsNotNull: ok = !null; break;
        case CompareOp::kIn: {
          ok = false;
          if (null) break;
          for (int64_t v = 0; v < t.values.size() && !ok; ++v)
            ok = columnar::compare_values(c, r, t.values, v) == 0;
          break;
        }
        default: ok = !null && compare_holds(t.op, columnar::compare_values(c, r, t.values, 0));
      }
    }
    if (ok) sel.push_back(uint32_t(r));
  }
  return sel;
}

bool range_may_match(const ColumnPredicate& t, const Column* min, const Column* max,
                     bool has_nulls, bool all_null) {
  switch (t.op) {
    case CompareOp::kIsNull: return has_nulls;
    case CompareOp::kIsNotNull: return !all_null;
    default: break;
  }
  if (all_null) return false;
  if (!min || !max) return true;  // no bounds: cannot rule anything out
  // Float statistics leave NaN out, and NaN orders above every number: a range can hide
  // rows that satisfy >, >= or != whatever its max says.
  columnar::TypeId id = t.values.type().id();
  bool is_float = id == columnar::TypeId::kFloat32 || id == columnar::TypeId::kFloat64;
  if (is_float && (t.op == CompareOp::kGt || t.op == CompareOp::kGe || t.op == CompareOp::kNe))
    return true;
  auto lo = [&](int64_t v) { return columnar::compare_values(t.values, v, *min, 0); };
  auto hi = [&](int64_t v) { return columnar::compare_values(t.values, v, *max, 0); };
  switch (t.op) {
    case CompareOp::kEq: return lo(0) >= 0 && hi(0) <= 0;
    case CompareOp::kNe:
      return !(lo(0) == 0 && hi(0) == 0);  // only a range of one value equal to it is out
    case CompareOp::kLt: return lo(0) > 0;   // some value < literal iff min < literal
    case CompareOp::kLe: return lo(0) >= 0;
    case CompareOp::kGt: return hi(0) < 0;   // max > literal
    case CompareOp::kGe: return hi(0) <= 0;
    case CompareOp::kIn:
      for (int64_t v = 0; v < t.values.size(); ++v)
        if (lo(v) >= 0 && hi(v) <= 0) return true;
      return false;
    default: return true;
  }
}

}  // namespace floe::formats
