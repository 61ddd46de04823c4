#include "formats/scan_predicate.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "base/short_copy.h"
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

namespace {

// Keeps the rows of `sel` (every row of the batch before the first term) for which `pass`
// holds; NULL rows never pass.
template <typename Pass>
void keep_rows(columnar::SelectionVector& sel, bool& started, int64_t n, const Column& c,
               Pass pass) {
  size_t k = 0;
  const bool nulls = c.null_count() > 0;
  if (!started) {
    sel.resize(size_t(n));
    for (int64_t r = 0; r < n; ++r) {
      sel[k] = uint32_t(r);
      k += (!nulls || c.is_valid(r)) && pass(r);
    }
    started = true;
  } else {
    for (size_t i = 0; i < sel.size(); ++i) {
      uint32_t r = sel[i];
      sel[k] = r;
      k += (!nulls || c.is_valid(r)) && pass(r);
    }
  }
  sel.resize(k);
}

// A comparison of a fixed-width column whose values order as T, one loop per operator.
template <typename T>
void keep_fixed(const ColumnPredicate& t, const Column& c, columnar::SelectionVector& sel,
                bool& started, int64_t n) {
  const T* v = c.values<T>();
  const T* lit = t.values.values<T>();
  switch (t.op) {
    case CompareOp::kEq: keep_rows(sel, started, n, c, [&, x = lit[0]](int64_t r) { return v[r] == x; }); break;
    case CompareOp::kNe: keep_rows(sel, started, n, c, [&, x = lit[0]](int64_t r) { return v[r] != x; }); break;
    case CompareOp::kLt: keep_rows(sel, started, n, c, [&, x = lit[0]](int64_t r) { return v[r] < x; }); break;
    case CompareOp::kLe: keep_rows(sel, started, n, c, [&, x = lit[0]](int64_t r) { return v[r] <= x; }); break;
    case CompareOp::kGt: keep_rows(sel, started, n, c, [&, x = lit[0]](int64_t r) { return v[r] > x; }); break;
    case CompareOp::kGe: keep_rows(sel, started, n, c, [&, x = lit[0]](int64_t r) { return v[r] >= x; }); break;
    default: {  // IN
      const int64_t m = t.values.size();
      keep_rows(sel, started, n, c, [&](int64_t r) {
        for (int64_t j = 0; j < m; ++j)
          if (v[r] == lit[j]) return true;
        return false;
      });
    }
  }
}

void keep_strings(const ColumnPredicate& t, const Column& c, columnar::SelectionVector& sel,
                  bool& started, int64_t n) {
  const int32_t* off = c.offsets();
  const char* bytes = reinterpret_cast<const char*>(c.data_buffer().data());
  if (t.op == CompareOp::kEq || t.op == CompareOp::kIn) {
    std::vector<std::string_view> lits;
    for (int64_t j = 0; j < t.values.size(); ++j) lits.push_back(t.values.string_at(j));
    keep_rows(sel, started, n, c, [&](int64_t r) {
      const size_t len = size_t(off[r + 1] - off[r]);
      const char* x = bytes + off[r];
      for (std::string_view lit : lits)
        if (lit.size() == len && equal_short(x, lit.data(), len)) return true;
      return false;
    });
    return;
  }
  const std::string_view lit = t.values.string_at(0);
  keep_rows(sel, started, n, c, [&](int64_t r) {
    int cmp = c.string_at(r).compare(lit);
    return compare_holds(t.op, cmp < 0 ? -1 : cmp > 0 ? 1 : 0);
  });
}

void keep_any(const ColumnPredicate& t, const Column& c, columnar::SelectionVector& sel,
              bool& started, int64_t n) {
  using columnar::TypeId;
  if (t.op == CompareOp::kIsNull || t.op == CompareOp::kIsNotNull) {
    const bool want_null = t.op == CompareOp::kIsNull;
    // keep_rows drops NULL rows, so IS NULL tests validity itself.
    size_t k = 0;
    if (!started) {
      sel.resize(size_t(n));
      for (int64_t r = 0; r < n; ++r) {
        sel[k] = uint32_t(r);
        k += c.is_null(r) == want_null;
      }
      started = true;
    } else {
      for (size_t i = 0; i < sel.size(); ++i) {
        sel[k] = sel[i];
        k += c.is_null(sel[i]) == want_null;
      }
    }
    sel.resize(k);
    return;
  }
  if (t.values.size() == 0) {  // IN () holds for no row
    started = true;
    sel.clear();
    return;
  }
  if (c.type() == t.values.type()) {
    switch (c.type().id()) {
      case TypeId::kBoolean:
      case TypeId::kUInt8: return keep_fixed<uint8_t>(t, c, sel, started, n);
      case TypeId::kInt8: return keep_fixed<int8_t>(t, c, sel, started, n);
      case TypeId::kInt16: return keep_fixed<int16_t>(t, c, sel, started, n);
      case TypeId::kUInt16: return keep_fixed<uint16_t>(t, c, sel, started, n);
      case TypeId::kInt32:
      case TypeId::kDate: return keep_fixed<int32_t>(t, c, sel, started, n);
      case TypeId::kUInt32: return keep_fixed<uint32_t>(t, c, sel, started, n);
      case TypeId::kInt64:
      case TypeId::kTime:
      case TypeId::kTimestamp:
      case TypeId::kTimestampTz: return keep_fixed<int64_t>(t, c, sel, started, n);
      case TypeId::kUInt64: return keep_fixed<uint64_t>(t, c, sel, started, n);
      case TypeId::kDecimal: return keep_fixed<__int128>(t, c, sel, started, n);
      case TypeId::kString:
      case TypeId::kBinary: return keep_strings(t, c, sel, started, n);
      default: break;  // floats (NaN orders above every number), fixed binaries: below
    }
  }
  if (t.op == CompareOp::kIn) {
    keep_rows(sel, started, n, c, [&](int64_t r) {
      for (int64_t v = 0; v < t.values.size(); ++v)
        if (columnar::compare_values(c, r, t.values, v) == 0) return true;
      return false;
    });
    return;
  }
  keep_rows(sel, started, n, c, [&](int64_t r) {
    return compare_holds(t.op, columnar::compare_values(c, r, t.values, 0));
  });
}

}  // namespace

namespace {

void narrow(const ScanPredicate& p, const columnar::Batch& b, columnar::SelectionVector& sel,
            bool started) {
  const int64_t n = b.num_rows();
  // Terms on fixed-width columns first: they are the cheap ones, and the rows they leave are
  // all the string comparisons then look at.
  std::vector<std::pair<const ColumnPredicate*, const Column*>> order;
  for (const auto& t : p.terms) {
    int i = b.schema.find(t.column);
    FLOE_CHECK(i >= 0, "predicate column '{}' is not in the batch", t.column);
    order.emplace_back(&t, &b.columns[size_t(i)]);
  }
  std::stable_partition(order.begin(), order.end(),
                        [](const auto& o) { return !o.second->type().is_variable_width(); });
  for (const auto& [t, c] : order) {
    keep_any(*t, *c, sel, started, n);
    if (started && sel.empty()) return;
  }
  if (!started) {
    sel.resize(size_t(n));
    for (int64_t r = 0; r < n; ++r) sel[size_t(r)] = uint32_t(r);
  }
  for (const KeyFilter& f : p.key_filters) {
    if (sel.empty()) return;
    if (!f.active()) continue;
    int i = b.schema.find(f.column);
    FLOE_CHECK(i >= 0, "key filter column '{}' is not in the batch", f.column);
    keep_key_filter_rows(f, b.columns[size_t(i)], sel);
  }
}

}  // namespace

void keep_key_filter_rows(const KeyFilter& f, const Column& column,
                          columnar::SelectionVector& sel) {
  if (int64_t(sel.size()) == column.size()) keep_key_filter_values(f, column, sel);
  else keep_key_filter_values(f, column.take(sel), sel);
}

void keep_key_filter_values(const KeyFilter& f, const Column& values,
                            columnar::SelectionVector& sel) {
  FLOE_CHECK(values.size() == int64_t(sel.size()), "{} values for {} selected rows",
             values.size(), sel.size());
  std::vector<uint8_t> keep(size_t(values.size()), 1);
  f.may_match(values, keep);
  size_t k = 0;
  for (size_t j = 0; j < sel.size(); ++j) {
    sel[k] = sel[j];
    k += keep[j] != 0;
  }
  sel.resize(k);
}

columnar::SelectionVector evaluate_predicate(const ScanPredicate& p, const columnar::Batch& b) {
  columnar::SelectionVector sel;
  narrow(p, b, sel, false);
  return sel;
}

void narrow_selection(const ScanPredicate& p, const columnar::Batch& b,
                      columnar::SelectionVector& sel) {
  narrow(p, b, sel, true);
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
