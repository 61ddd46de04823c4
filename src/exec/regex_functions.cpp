// Regular expression functions on RE2: REGEXP_LIKE/RLIKE (the whole value must match, as
// Snowflake), REGEXP_REPLACE, REGEXP_SUBSTR, REGEXP_COUNT, REGEXP_INSTR, REGEXP_EXTRACT
// (DuckDB) and REGEXP_MATCHES (a match anywhere). Snowflake's parameters: 'c' case
// sensitive (default), 'i' case-insensitive, 'm' multi-line, 's' '.' matches newline,
// 'e' extract a group. POSIX forms RE2 spells differently are translated ([[:<:]] and
// [[:>:]] word boundaries, {,n}). Positions are 1-based code points. A pattern is compiled
// once when constant, otherwise when it changes from the row before.
#include <re2/re2.h>

#include <memory>

#include "columnar/value_text.h"
#include "exec/column_builder.h"
#include "exec/function_library.h"
#include "exec/utf8_text.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;

namespace {

struct RegexParams {
  bool case_sensitive = true;
  bool multi_line = false;
  bool dot_all = false;
  bool extract = false;
};

RegexParams parse_params(const char* fn, std::string_view p) {
  RegexParams r;
  for (char c : p) {
    switch (c) {
      case 'c': r.case_sensitive = true; break;
      case 'i': r.case_sensitive = false; break;
      case 'm': r.multi_line = true; break;
      case 's': r.dot_all = true; break;
      case 'e': r.extract = true; break;
      default:
        throw InvalidInputError(
            fmt::format("{}: unknown regular expression parameter '{}'", fn, c));
    }
  }
  return r;
}

// Snowflake/POSIX spellings RE2 does not read.
std::string translate_pattern(std::string_view p) {
  std::string out;
  out.reserve(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\' && i + 1 < p.size()) {
      out += p.substr(i, 2);
      ++i;
      continue;
    }
    if (p.substr(i).starts_with("[[:<:]]") || p.substr(i).starts_with("[[:>:]]")) {
      out += "\\b";
      i += 6;
      continue;
    }
    if (p[i] == '{' && i + 1 < p.size() && p[i + 1] == ',') {
      out += "{0";
      continue;
    }
    out += p[i];
  }
  return out;
}

std::unique_ptr<RE2> compile(const char* fn, std::string_view pattern, const RegexParams& params) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_case_sensitive(params.case_sensitive);
  o.set_dot_nl(params.dot_all);
  std::string p = translate_pattern(pattern);
  if (params.multi_line) p = "(?m)" + p;
  auto re = std::make_unique<RE2>(p, o);
  if (!re->ok())
    throw InvalidInputError(
        fmt::format("{}: invalid regular expression '{}': {}", fn, pattern, re->error()));
  return re;
}

// The pattern and parameter arguments of a call, compiled once when both are constant.
class RegexArg {
 public:
  RegexArg(const ScalarArgs& a, size_t pattern, std::optional<size_t> params, const char* fn)
      : pattern_(*a.columns[pattern]),
        params_(params && *params < a.columns.size() ? a.columns[*params] : nullptr),
        fn_(fn) {
    bool constant = is_constant(a, pattern) && (!params_ || is_constant(a, *params));
    if (constant && a.rows > 0 && pattern_.is_valid(0) && (!params_ || params_->is_valid(0))) at(0);
    fixed_ = constant && re_ != nullptr;
  }
  const RE2& at(int64_t i) {
    if (fixed_) return *re_;
    std::string_view p = pattern_.string_at(i);
    std::string_view q = params_ ? params_->string_at(i) : std::string_view();
    if (!re_ || p != last_pattern_ || q != last_params_) {
      params = parse_params(fn_, q);
      re_ = compile(fn_, p, params);
      last_pattern_.assign(p);
      last_params_.assign(q);
    }
    return *re_;
  }
  RegexParams params;

 private:
  const Column& pattern_;
  const Column* params_;
  const char* fn_;
  bool fixed_ = false;
  std::unique_ptr<RE2> re_;
  std::string last_pattern_, last_params_;
};

re2::StringPiece piece(std::string_view s) { return re2::StringPiece(s.data(), s.size()); }
std::string_view view(re2::StringPiece s) { return std::string_view(s.data(), s.size()); }

// Byte offset of 1-based code point `position`; npos past the end (no match can start).
size_t start_offset(const char* fn, std::string_view s, int64_t position) {
  if (position < 1)
    throw InvalidInputError(fmt::format("{}: position {} is not positive", fn, position));
  if (position == 1) return 0;
  if (position - 1 > int64_t(s.size())) return std::string_view::npos;
  size_t off = utf8_offset(s, position - 1);
  if (off == s.size() && utf8_length(s) < position - 1) return std::string_view::npos;
  return off;
}

int64_t optional_int(const ScalarArgs& a, size_t i, int64_t row, int64_t fallback) {
  return i < a.columns.size() ? a.columns[i]->value<int64_t>(row) : fallback;
}

// Calls f(match groups) for successive matches from `from`; f returns false to stop.
// Empty matches advance by one code point.
template <typename F>
void for_each_match(const RE2& re, std::string_view s, size_t from, int ngroups,
                    re2::StringPiece* groups, F&& f) {
  size_t pos = from;
  while (pos <= s.size()) {
    if (!re.Match(piece(s), pos, s.size(), RE2::UNANCHORED, groups, ngroups)) return;
    if (!f(groups)) return;
    size_t end = size_t(groups[0].data() - s.data()) + groups[0].size();
    if (groups[0].empty()) {
      if (end >= s.size()) return;
      end += utf8_sequence_length(static_cast<unsigned char>(s[end]));
    }
    pos = end;
  }
}

// ---- regexp_like ----

template <bool kFull>
Column like_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  RegexArg re(a, 1, 2, kFull ? "regexp_like" : "regexp_matches");
  return map_fixed<uint8_t>(a.columns, a.rows, rt, [&](int64_t i) -> uint8_t {
    const RE2& r = re.at(i);
    return kFull ? RE2::FullMatch(piece(s.string_at(i)), r)
                 : RE2::PartialMatch(piece(s.string_at(i)), r);
  });
}

// ---- regexp_replace ----

// A replacement with \0..\9 group references; "\\" is a backslash.
struct Replacement {
  std::vector<std::pair<std::string, int>> parts;  // literal, then group (-1 = none)
  int max_group = -1;

  explicit Replacement(std::string_view r) {
    std::string lit;
    for (size_t i = 0; i < r.size(); ++i) {
      if (r[i] == '\\' && i + 1 < r.size()) {
        char n = r[i + 1];
        if (n >= '0' && n <= '9') {
          parts.emplace_back(std::move(lit), n - '0');
          lit.clear();
          max_group = std::max(max_group, n - '0');
          ++i;
          continue;
        }
        if (n == '\\') {
          lit += '\\';
          ++i;
          continue;
        }
      }
      lit += r[i];
    }
    parts.emplace_back(std::move(lit), -1);
  }
};

Column replace_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = "regexp_replace";
  const Column& s = *a.columns[0];
  const Column* rep = a.columns.size() > 2 ? a.columns[2] : nullptr;
  RegexArg re(a, 1, 5, fn);
  std::optional<Replacement> fixed;
  if (!rep)
    fixed.emplace("");
  else if (is_constant(a, 2) && a.rows > 0 && rep->is_valid(0))
    fixed.emplace(rep->string_at(0));
  re2::StringPiece groups[10];
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    std::string_view v = s.string_at(i);
    const RE2& r = re.at(i);
    std::optional<Replacement> own;
    if (!fixed) own.emplace(rep->string_at(i));
    const Replacement& rp = fixed ? *fixed : *own;
    if (rp.max_group > r.NumberOfCapturingGroups())
      throw InvalidInputError(
          fmt::format("{}: the replacement refers to group {} of a pattern with {}", fn,
                      rp.max_group, r.NumberOfCapturingGroups()));
    int64_t occurrence = optional_int(a, 4, i, 0);
    if (occurrence < 0)
      throw InvalidInputError(fmt::format("{}: occurrence {} is negative", fn, occurrence));
    size_t from = start_offset(fn, v, optional_int(a, 3, i, 1));
    if (from == std::string_view::npos) return b.append(v);
    int ngroups = std::max(1, rp.max_group + 1);
    size_t copied = 0;
    int64_t seen = 0;
    for_each_match(r, v, from, ngroups, groups, [&](re2::StringPiece* g) {
      ++seen;
      if (occurrence != 0 && seen != occurrence) return true;
      size_t at = size_t(g[0].data() - v.data());
      b.add(v.substr(copied, at - copied));
      for (const auto& [lit, group] : rp.parts) {
        b.add(lit);
        if (group >= 0) b.add(view(g[group]));
      }
      copied = at + g[0].size();
      return occurrence == 0;
    });
    b.add(v.substr(copied));
    b.commit(0);
  });
}

// ---- regexp_substr, regexp_instr, regexp_count, regexp_extract ----

// The group a call extracts: group_num when given (which implies 'e'), 1 with 'e', else 0.
int extract_group(const char* fn, const RE2& r, const RegexParams& p, const ScalarArgs& a,
                  size_t group_arg, int64_t i) {
  int64_t g =
      group_arg < a.columns.size() ? a.columns[group_arg]->value<int64_t>(i) : (p.extract ? 1 : 0);
  if (g < 0 || g > r.NumberOfCapturingGroups())
    throw InvalidInputError(fmt::format("{}: group {} does not exist in a pattern with {} groups",
                                        fn, g, r.NumberOfCapturingGroups()));
  return int(g);
}

// REGEXP_SUBSTR's and REGEXP_SUBSTR_ALL's matches in row `i` (subject 0, pattern 1,
// position 2, occurrence 3, parameters 4, group 5): `found(text)` with the chosen group's
// text (nullopt when the group took no part) for each match from the occurrence on, until
// it returns false.
template <typename Found>
void each_substr_match(const char* fn, const ScalarArgs& a, RegexArg& re, int64_t i,
                       std::vector<re2::StringPiece>& groups, Found&& found) {
  std::string_view v = a.columns[0]->string_at(i);
  const RE2& r = re.at(i);
  int group = extract_group(fn, r, re.params, a, 5, i);
  int64_t occurrence = optional_int(a, 3, i, 1);
  if (occurrence < 1)
    throw InvalidInputError(fmt::format("{}: occurrence {} is not positive", fn, occurrence));
  size_t from = start_offset(fn, v, optional_int(a, 2, i, 1));
  if (from == std::string_view::npos) return;
  groups.assign(size_t(group) + 1, {});
  int64_t seen = 0;
  for_each_match(r, v, from, group + 1, groups.data(), [&](re2::StringPiece* g) {
    if (++seen < occurrence) return true;
    return found(g[group].data() ? std::optional<std::string_view>(view(g[group]))
                                 : std::nullopt);
  });
}

Column substr_kernel(const ScalarArgs& a, const DataType& rt) {
  RegexArg re(a, 1, 4, "regexp_substr");
  std::vector<re2::StringPiece> groups;
  return map_string(a.columns, a.rows, rt, 0, [&](int64_t i, StringBuilder& b) {
    std::optional<std::string_view> first;
    each_substr_match("regexp_substr", a, re, i, groups,
                      [&](std::optional<std::string_view> m) {
                        first = m;
                        return false;
                      });
    if (first)
      b.append(*first);
    else
      b.append_null();
  });
}

// REGEXP_SUBSTR_ALL (REGEXP_EXTRACT_ALL): every match from the occurrence on, as an ARRAY of
// strings (a group's text with 'e' or a group number); an empty array when none matches.
Column substr_all_kernel(const ScalarArgs& a, const DataType& rt) {
  RegexArg re(a, 1, 4, "regexp_substr_all");
  std::vector<re2::StringPiece> groups;
  std::string out;
  return map_string(a.columns, a.rows, rt, 0, [&](int64_t i, StringBuilder& b) {
    out = "[";
    each_substr_match("regexp_substr_all", a, re, i, groups,
                      [&](std::optional<std::string_view> m) {
                        if (!m) return true;  // a match without the group adds nothing
                        if (out.size() > 1) out += ',';
                        columnar::append_json_string(*m, out);
                        return true;
                      });
    out += ']';
    b.append(out);
  });
}

Column instr_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = "regexp_instr";
  const Column& s = *a.columns[0];
  RegexArg re(a, 1, 5, fn);
  std::vector<re2::StringPiece> groups;
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) -> int64_t {
    std::string_view v = s.string_at(i);
    const RE2& r = re.at(i);
    int group = extract_group(fn, r, re.params, a, 6, i);
    int64_t occurrence = optional_int(a, 3, i, 1);
    int64_t option = optional_int(a, 4, i, 0);
    if (occurrence < 1)
      throw InvalidInputError(fmt::format("{}: occurrence {} is not positive", fn, occurrence));
    if (option != 0 && option != 1)
      throw InvalidInputError(fmt::format("{}: option {} is neither 0 nor 1", fn, option));
    size_t from = start_offset(fn, v, optional_int(a, 2, i, 1));
    if (from == std::string_view::npos) return 0;
    groups.assign(size_t(group) + 1, {});
    int64_t result = 0, seen = 0;
    for_each_match(r, v, from, group + 1, groups.data(), [&](re2::StringPiece* g) {
      if (++seen < occurrence) return true;
      if (!g[group].data()) return false;
      size_t at = size_t(g[group].data() - v.data()) + (option ? g[group].size() : 0);
      result = utf8_length(v.substr(0, at)) + 1;
      return false;
    });
    return result;
  });
}

Column count_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = "regexp_count";
  const Column& s = *a.columns[0];
  RegexArg re(a, 1, 3, fn);
  re2::StringPiece group;
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) -> int64_t {
    std::string_view v = s.string_at(i);
    const RE2& r = re.at(i);
    size_t from = start_offset(fn, v, optional_int(a, 2, i, 1));
    if (from == std::string_view::npos) return 0;
    int64_t n = 0;
    for_each_match(r, v, from, 1, &group, [&](re2::StringPiece*) { return ++n, true; });
    return n;
  });
}

Column extract_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = "regexp_extract";
  const Column& s = *a.columns[0];
  RegexArg re(a, 1, std::nullopt, fn);
  std::vector<re2::StringPiece> groups;
  return map_string(a.columns, a.rows, rt, 0, [&](int64_t i, StringBuilder& b) {
    std::string_view v = s.string_at(i);
    const RE2& r = re.at(i);
    int64_t g = optional_int(a, 2, i, 0);
    if (g < 0 || g > r.NumberOfCapturingGroups())
      throw InvalidInputError(fmt::format("{}: group {} does not exist in a pattern with {} groups",
                                          fn, g, r.NumberOfCapturingGroups()));
    groups.assign(size_t(g) + 1, {});
    if (r.Match(piece(v), 0, v.size(), RE2::UNANCHORED, groups.data(), int(g) + 1))
      b.append(view(groups[size_t(g)]));
    else
      b.append({});
  });
}

}  // namespace

void register_regex_functions(FunctionTable& t) {
  const DataType V = varchar_type(), I = bigint_type(), B = boolean_type();
  t.add("regexp_like", {"rlike", "regexp_full_match"})
      .overload({V, V}, B, like_kernel<true>)
      .overload({V, V, V}, B, like_kernel<true>);
  t.add("regexp_matches")
      .overload({V, V}, B, like_kernel<false>)
      .overload({V, V, V}, B, like_kernel<false>);
  t.add("regexp_replace")
      .overload({V, V}, V, replace_kernel)
      .overload({V, V, V}, V, replace_kernel)
      .overload({V, V, V, I}, V, replace_kernel)
      .overload({V, V, V, I, I}, V, replace_kernel)
      .overload({V, V, V, I, I, V}, V, replace_kernel);
  t.add("regexp_substr")
      .overload({V, V}, V, substr_kernel)
      .overload({V, V, I}, V, substr_kernel)
      .overload({V, V, I, I}, V, substr_kernel)
      .overload({V, V, I, I, V}, V, substr_kernel)
      .overload({V, V, I, I, V, I}, V, substr_kernel);
  t.add("regexp_substr_all", {"regexp_extract_all"})
      .overload({V, V}, V, substr_all_kernel)
      .overload({V, V, I}, V, substr_all_kernel)
      .overload({V, V, I, I}, V, substr_all_kernel)
      .overload({V, V, I, I, V}, V, substr_all_kernel)
      .overload({V, V, I, I, V, I}, V, substr_all_kernel);
  t.add("regexp_instr")
      .overload({V, V}, I, instr_kernel)
      .overload({V, V, I}, I, instr_kernel)
      .overload({V, V, I, I}, I, instr_kernel)
      .overload({V, V, I, I, I}, I, instr_kernel)
      .overload({V, V, I, I, I, V}, I, instr_kernel)
      .overload({V, V, I, I, I, V, I}, I, instr_kernel);
  t.add("regexp_count")
      .overload({V, V}, I, count_kernel)
      .overload({V, V, I}, I, count_kernel)
      .overload({V, V, I, V}, I, count_kernel);
  t.add("regexp_extract")
      .overload({V, V}, V, extract_kernel)
      .overload({V, V, I}, V, extract_kernel);
}

}  // namespace floe::exec
