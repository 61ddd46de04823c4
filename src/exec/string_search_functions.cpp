// String functions that search and split: POSITION/CHARINDEX/STRPOS, CONTAINS,
// STARTSWITH/ENDSWITH, REPLACE, SPLIT, SPLIT_PART, STRTOK. Positions are 1-based code
// points; the search itself is bytewise (UTF-8 keeps code points aligned).
#include <vector>

#include "exec/column_builder.h"
#include "exec/function_library.h"
#include "exec/utf8_text.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::Field;

namespace {

// 1-based code point position of `needle` in `hay` at or after code point `start`; 0 when
// absent. An empty needle is found at `start` while that is within the value (or just past).
int64_t find_position(std::string_view hay, std::string_view needle, int64_t start) {
  if (start < 1) start = 1;
  bool ascii = is_ascii(hay);
  int64_t chars = ascii ? int64_t(hay.size()) : -1;
  if (needle.empty()) {
    if (chars < 0) chars = utf8_length(hay);
    return start <= chars + 1 ? start : 0;
  }
  size_t off = ascii ? size_t(std::min<int64_t>(start - 1, int64_t(hay.size())))
                     : utf8_offset(hay, start - 1);
  size_t at = hay.find(needle, off);
  if (at == std::string_view::npos) return 0;
  return start + (ascii ? int64_t(at - off) : utf8_length(hay.substr(off, at - off)));
}

// POSITION(needle, haystack[, start]) as Snowflake; STRPOS(haystack, needle) as DuckDB.
template <bool kNeedleFirst>
Column position_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& needle = *a.columns[kNeedleFirst ? 0 : 1];
  const Column& hay = *a.columns[kNeedleFirst ? 1 : 0];
  const Column* start = a.columns.size() > 2 ? a.columns[2] : nullptr;
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) {
    return find_position(hay.string_at(i), needle.string_at(i),
                         start ? start->value<int64_t>(i) : 1);
  });
}

enum class Match { kContains, kStarts, kEnds };

template <Match kMatch>
Column match_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column& p = *a.columns[1];
  return map_fixed<uint8_t>(a.columns, a.rows, rt, [&](int64_t i) -> uint8_t {
    std::string_view v = s.string_at(i), w = p.string_at(i);
    if constexpr (kMatch == Match::kContains) return v.find(w) != std::string_view::npos;
    if constexpr (kMatch == Match::kStarts) return v.starts_with(w);
    return v.ends_with(w);
  });
}

Column replace_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column& from = *a.columns[1];
  const Column* to = a.columns.size() > 2 ? a.columns[2] : nullptr;
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    std::string_view v = s.string_at(i), f = from.string_at(i);
    std::string_view r = to ? to->string_at(i) : std::string_view();
    if (f.empty()) return b.append(v);
    size_t pos = 0;
    for (size_t at; (at = v.find(f, pos)) != std::string_view::npos; pos = at + f.size()) {
      b.add(v.substr(pos, at - pos));
      b.add(r);
    }
    b.add(v.substr(pos));
    b.commit(0);
  });
}

// The parts of v between separators; an empty separator leaves v whole.
void split_parts(std::string_view v, std::string_view sep, std::vector<std::string_view>& out) {
  out.clear();
  if (sep.empty()) {
    out.push_back(v);
    return;
  }
  size_t pos = 0;
  for (size_t at; (at = v.find(sep, pos)) != std::string_view::npos; pos = at + sep.size())
    out.push_back(v.substr(pos, at - pos));
  out.push_back(v.substr(pos));
}

// Tokens of v between runs of delimiter code points (empty tokens are skipped).
void tokens(std::string_view v, const CodePointSet& delims, std::vector<std::string_view>& out) {
  out.clear();
  const char* p = v.data();
  const char* end = p + v.size();
  const char* tok = nullptr;
  while (p < end) {
    const char* at = p;
    uint32_t cp = utf8_next(p, end);
    if (delims.contains(cp)) {
      if (tok) out.emplace_back(tok, size_t(at - tok));
      tok = nullptr;
    } else if (!tok) {
      tok = at;
    }
  }
  if (tok) out.emplace_back(tok, size_t(end - tok));
}

DataType varchar_list() { return DataType::list_of(Field("element", varchar_type(), true)); }

// Builds a LIST(VARCHAR) result from parts(i, vector) for rows where all args are valid.
template <typename Parts>
Column list_result(const ScalarArgs& a, const DataType& rt, Parts&& parts) {
  RowMask m = valid_rows(a.columns, a.rows);
  Column out(rt);
  out.reserve(a.rows);
  Column& child = out.child(0);
  child.reserve(a.rows);
  std::vector<std::string_view> v;
  for_rows(
      m, a.rows,
      [&](int64_t i) {
        parts(i, v);
        for (auto p : v) child.append_string(p);
        out.append_list_end();
      },
      [&](int64_t) { out.append_null(); });
  return out;
}

Column split_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column& sep = *a.columns[1];
  return list_result(a, rt, [&](int64_t i, std::vector<std::string_view>& v) {
    split_parts(s.string_at(i), sep.string_at(i), v);
  });
}

Column split_part_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column& sep = *a.columns[1];
  const Column& n = *a.columns[2];
  std::vector<std::string_view> parts;
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    split_parts(s.string_at(i), sep.string_at(i), parts);
    int64_t k = n.value<int64_t>(i);
    int64_t count = int64_t(parts.size());
    if (k == 0) k = 1;
    int64_t idx = k > 0 ? k - 1 : k < -count ? -1 : count + k;
    b.append(idx >= 0 && idx < count ? parts[size_t(idx)] : std::string_view());
  });
}

// Delimiters of STRTOK: the constant ones set up once.
struct Delimiters {
  const Column* column;
  std::optional<CodePointSet> fixed;

  Delimiters(const ScalarArgs& a, size_t arg)
      : column(arg < a.columns.size() ? a.columns[arg] : nullptr) {
    if (!column)
      fixed.emplace(" ");
    else if (is_constant(a, arg) && a.rows > 0 && column->is_valid(0))
      fixed.emplace(column->string_at(0));
  }
  template <typename F>
  void with(int64_t i, F&& f) {
    if (fixed) return f(*fixed);
    CodePointSet own(column->string_at(i));
    f(own);
  }
};

Column strtok_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column* part = a.columns.size() > 2 ? a.columns[2] : nullptr;
  Delimiters delims(a, 1);
  std::vector<std::string_view> toks;
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    int64_t k = part ? part->value<int64_t>(i) : 1;
    if (k < 1) throw InvalidInputError(fmt::format("strtok: part {} is not a positive integer", k));
    delims.with(i, [&](const CodePointSet& set) { tokens(s.string_at(i), set, toks); });
    if (k > int64_t(toks.size())) return b.append_null();
    b.append(toks[size_t(k - 1)]);
  });
}

Column strtok_to_array_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  Delimiters delims(a, 1);
  return list_result(a, rt, [&](int64_t i, std::vector<std::string_view>& v) {
    delims.with(i, [&](const CodePointSet& set) { tokens(s.string_at(i), set, v); });
  });
}

}  // namespace

void register_string_search_functions(FunctionTable& t) {
  const DataType V = varchar_type(), I = bigint_type(), B = boolean_type();
  t.add("position", {"charindex"})
      .overload({V, V}, I, position_kernel<true>)
      .overload({V, V, I}, I, position_kernel<true>);
  t.add("strpos", {"instr"}).overload({V, V}, I, position_kernel<false>);
  t.add("contains").overload({V, V}, B, match_kernel<Match::kContains>);
  t.add("startswith", {"starts_with"}).overload({V, V}, B, match_kernel<Match::kStarts>);
  t.add("endswith", {"ends_with"}).overload({V, V}, B, match_kernel<Match::kEnds>);
  t.add("replace").overload({V, V}, V, replace_kernel).overload({V, V, V}, V, replace_kernel);
  t.add("split", {"string_split", "str_split"}).overload({V, V}, varchar_list(), split_kernel);
  t.add("split_part").overload({V, V, I}, V, split_part_kernel);
  t.add("strtok")
      .overload({V}, V, strtok_kernel)
      .overload({V, V}, V, strtok_kernel)
      .overload({V, V, I}, V, strtok_kernel);
  t.add("strtok_to_array")
      .overload({V}, varchar_list(), strtok_to_array_kernel)
      .overload({V, V}, varchar_list(), strtok_to_array_kernel);
}

}  // namespace floe::exec
