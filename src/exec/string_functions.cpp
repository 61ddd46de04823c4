// String functions that measure, cut, pad, join and recase text by code point: LENGTH,
// LOWER/UPPER, TRIM, SUBSTR, LEFT/RIGHT, CONCAT, REVERSE, REPEAT, LPAD/RPAD, INITCAP,
// ASCII/CHR, TRANSLATE, EDITDISTANCE, SOUNDEX. Snowflake's semantics, DuckDB's names too.
#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <vector>

#include "exec/column_builder.h"
#include "exec/function_library.h"
#include "exec/utf8_text.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

locale_t utf8_locale() {
  static locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t(0));
  return l;
}

}  // namespace

uint32_t unicode_lower(uint32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
  locale_t l = utf8_locale();
  return l ? uint32_t(towlower_l(wint_t(cp), l)) : cp;
}
uint32_t unicode_upper(uint32_t cp) {
  if (cp < 0x80) return cp >= 'a' && cp <= 'z' ? cp - 32 : cp;
  locale_t l = utf8_locale();
  return l ? uint32_t(towupper_l(wint_t(cp), l)) : cp;
}
bool unicode_is_alnum(uint32_t cp) {
  if (cp < 0x80) return (cp | 32) - 'a' < 26 || cp - '0' < 10;
  locale_t l = utf8_locale();
  return l && iswalnum_l(wint_t(cp), l);
}

namespace {

// ---- length ----

Column length_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  return map_fixed<int64_t>(a.columns, a.rows, rt,
                            [&](int64_t i) { return utf8_length(s.string_at(i)); });
}

Column octet_length_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const int32_t* o = s.offsets();
  return map_fixed<int64_t>(a.columns, a.rows, rt,
                            [&](int64_t i) { return int64_t(o[i + 1] - o[i]); });
}

// ---- case ----

template <bool kUpper>
Column case_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    std::string_view v = s.string_at(i);
    // A non-ASCII code point of 2+ bytes maps to at most 4 bytes; ASCII stays ASCII.
    char* out = b.extend(v.size() * 2);
    size_t n = 0;
    const char* p = v.data();
    const char* end = p + v.size();
    while (p < end) {
      auto c = static_cast<unsigned char>(*p);
      if (c < 0x80) {
        out[n++] = char(kUpper ? (unsigned(c - 'a') < 26 ? c - 32 : c)
                               : (unsigned(c - 'A') < 26 ? c + 32 : c));
        ++p;
        continue;
      }
      uint32_t cp = utf8_next(p, end);
      n += utf8_encode(out + n, kUpper ? unicode_upper(cp) : unicode_lower(cp));
    }
    b.commit(n);
  });
}

// ---- trim ----

template <bool kLeft, bool kRight>
Column trim_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column* chars = a.columns.size() > 1 ? a.columns[1] : nullptr;
  std::optional<CodePointSet> fixed;
  if (!chars)
    fixed.emplace(" ");
  else if (is_constant(a, 1) && a.rows > 0 && chars->is_valid(0))
    fixed.emplace(chars->string_at(0));
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    if (fixed) return b.append(fixed->trim(s.string_at(i), kLeft, kRight));
    CodePointSet set(chars->string_at(i));
    b.append(set.trim(s.string_at(i), kLeft, kRight));
  });
}

// ---- substr, left, right ----

// [from, end) in code points (0-based) of Snowflake's SUBSTR(s, start[, length]) over a
// value of n code points: start 0 is 1, a negative start counts from the end, a part
// before the first character is cut off; empty when length <= 0.
inline void substr_bounds(int64_t n, int64_t start, bool has_len, int64_t len, int64_t* from,
                          int64_t* end) {
  int64_t f = start > 0 ? start - 1 : start == 0 ? 0 : n + start;
  int64_t e = n;
  if (has_len) e = len <= 0 ? f : (len > n - f ? n : f + len);
  *from = std::clamp<int64_t>(f, 0, n);
  *end = std::clamp<int64_t>(e, *from, n);
}

template <bool kBytes>
Column substr_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column& start = *a.columns[1];
  const Column* len = a.columns.size() > 2 ? a.columns[2] : nullptr;
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    std::string_view v = s.string_at(i);
    // Values hold under 2^31 bytes: bounds beyond +-2^40 act alike and cannot overflow.
    constexpr int64_t kFar = int64_t(1) << 40;
    int64_t st = std::clamp<int64_t>(start.value<int64_t>(i), -kFar, kFar);
    int64_t ln = len ? std::clamp<int64_t>(len->value<int64_t>(i), -kFar, kFar) : 0;
    if (kBytes || is_ascii(v)) {
      int64_t f, e;
      substr_bounds(int64_t(v.size()), st, len, ln, &f, &e);
      return b.append(v.substr(size_t(f), size_t(e - f)));
    }
    if (st > 0 && (!len || ln >= 0)) {  // no need to count the whole value
      size_t f = utf8_offset(v, st - 1);
      std::string_view rest = v.substr(f);
      return b.append(len ? rest.substr(0, utf8_offset(rest, ln)) : rest);
    }
    int64_t f, e;
    substr_bounds(utf8_length(v), st, len, ln, &f, &e);
    size_t bf = utf8_offset(v, f);
    std::string_view rest = v.substr(bf);
    b.append(rest.substr(0, utf8_offset(rest, e - f)));
  });
}

template <bool kLeft>
Column left_right_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column& n = *a.columns[1];
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    std::string_view v = s.string_at(i);
    int64_t k = n.value<int64_t>(i);
    if (k <= 0) return b.append({});
    if (kLeft)
      return b.append(
          v.substr(0, is_ascii(v) ? size_t(std::min<int64_t>(k, v.size())) : utf8_offset(v, k)));
    int64_t len = utf8_length(v);
    if (k >= len) return b.append(v);
    b.append(v.substr(utf8_offset(v, len - k)));
  });
}

// ---- insert ----

// Snowflake's INSERT(base, pos, len, text): the `len` characters from position `pos`
// (1-based) replaced by `text`; a position past the end appends.
Column insert_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column& pos = *a.columns[1];
  const Column& len = *a.columns[2];
  const Column& text = *a.columns[3];
  std::string out;
  return map_string(a.columns, a.rows, rt, string_bytes(s) + string_bytes(text),
                    [&](int64_t i, StringBuilder& b) {
                      const int64_t p = pos.value<int64_t>(i), n = len.value<int64_t>(i);
                      if (p < 1 || n < 0)
                        throw InvalidInputError(fmt::format(
                            "insert: position {} and length {} must be 1 or more and 0 or more",
                            p, n));
                      std::string_view v = s.string_at(i);
                      const size_t from = utf8_offset(v, p - 1);
                      const size_t to = from + utf8_offset(v.substr(from), n);
                      out.assign(v.substr(0, from));
                      out += text.string_at(i);
                      out += v.substr(to);
                      b.append(out);
                    });
}

// ---- concat ----

Column concat_kernel(const ScalarArgs& a, const DataType& rt) {
  size_t hint = 0;
  for (const Column* c : a.columns) hint += string_bytes(*c);
  return map_string(a.columns, a.rows, rt, hint, [&](int64_t i, StringBuilder& b) {
    for (const Column* c : a.columns) b.add(c->string_at(i));
    b.commit(0);
  });
}

Column concat_ws_kernel(const ScalarArgs& a, const DataType& rt) {
  size_t hint = 0;
  for (const Column* c : a.columns) hint += string_bytes(*c);
  const Column& sep = *a.columns[0];
  return map_string(a.columns, a.rows, rt, hint, [&](int64_t i, StringBuilder& b) {
    std::string_view sv = sep.string_at(i);
    for (size_t k = 1; k < a.columns.size(); ++k) {
      if (k > 1) b.add(sv);
      b.add(a.columns[k]->string_at(i));
    }
    b.commit(0);
  });
}

// CONCAT takes any scalar values as text (BINARY when every argument is binary).
std::optional<ScalarFunction> bind_concat(std::span<const DataType> args, size_t min_args,
                                          ScalarKernel kernel) {
  if (args.size() < min_args) return std::nullopt;
  bool binary = min_args == 1;
  for (const auto& t : args) {
    if (t.is_nested()) return std::nullopt;
    if (t.id() != TypeId::kBinary && t.id() != TypeId::kFixedBinary) binary = false;
  }
  DataType each = binary ? binary_type() : varchar_type();
  return bound(each, std::vector<DataType>(args.size(), each), std::move(kernel));
}

// ---- reverse, repeat, pad, space ----

Column reverse_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    std::string_view v = s.string_at(i);
    char* out = b.extend(v.size());
    size_t n = v.size();
    if (is_ascii(v)) {
      for (size_t k = 0; k < n; ++k) out[k] = v[n - 1 - k];
    } else {
      size_t pos = 0;
      while (pos < n) {
        size_t len = utf8_sequence_length(static_cast<unsigned char>(v[pos]));
        if (len > n - pos) len = 1;
        std::memcpy(out + (n - pos - len), v.data() + pos, len);
        pos += len;
      }
    }
    b.commit(n);
  });
}

void check_result_size(const char* fn, int64_t bytes) {
  if (bytes > int64_t(std::numeric_limits<int32_t>::max()))
    throw InvalidInputError(fmt::format("{}: a result of {} bytes is too long", fn, bytes));
}

Column repeat_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column& n = *a.columns[1];
  return map_string(a.columns, a.rows, rt, 0, [&](int64_t i, StringBuilder& b) {
    std::string_view v = s.string_at(i);
    int64_t k = n.value<int64_t>(i);
    if (k <= 0 || v.empty()) return b.append({});
    if (k > int64_t(std::numeric_limits<int32_t>::max()) / int64_t(v.size()))
      check_result_size("repeat", std::numeric_limits<int64_t>::max());
    char* out = b.extend(v.size() * size_t(k));
    for (int64_t r = 0; r < k; ++r) std::memcpy(out + size_t(r) * v.size(), v.data(), v.size());
    b.commit(v.size() * size_t(k));
  });
}

Column space_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& n = *a.columns[0];
  return map_string(a.columns, a.rows, rt, 0, [&](int64_t i, StringBuilder& b) {
    int64_t k = std::max<int64_t>(0, n.value<int64_t>(i));
    check_result_size("space", k);
    std::memset(b.extend(size_t(k)), ' ', size_t(k));
    b.commit(size_t(k));
  });
}

template <bool kLeft>
Column pad_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column& len = *a.columns[1];
  const Column* pad = a.columns.size() > 2 ? a.columns[2] : nullptr;
  const char* fn = kLeft ? "lpad" : "rpad";
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    std::string_view v = s.string_at(i);
    std::string_view p = pad ? pad->string_at(i) : std::string_view(" ");
    int64_t want = len.value<int64_t>(i);
    if (want <= 0) return b.append({});
    check_result_size(fn, want);
    int64_t have = utf8_length(v);
    if (have >= want) return b.append(v.substr(0, utf8_offset(v, want)));
    if (p.empty()) return b.append(v);
    int64_t fill = want - have;
    int64_t pad_chars = utf8_length(p);
    int64_t cycles = fill / pad_chars, rest = fill % pad_chars;
    size_t rest_bytes = utf8_offset(p, rest);
    int64_t fill_bytes = cycles * int64_t(p.size()) + int64_t(rest_bytes);
    check_result_size(fn, fill_bytes + int64_t(v.size()));
    char* out = b.extend(size_t(fill_bytes) + v.size());
    char* f = kLeft ? out : out + v.size();
    if (!v.empty()) std::memcpy(kLeft ? out + fill_bytes : out, v.data(), v.size());
    for (int64_t c = 0; c < cycles; ++c) std::memcpy(f + c * int64_t(p.size()), p.data(), p.size());
    std::memcpy(f + cycles * int64_t(p.size()), p.data(), rest_bytes);
    b.commit(size_t(fill_bytes) + v.size());
  });
}

// ---- initcap ----

constexpr std::string_view kInitcapDelimiters = " \t\n\r\v\f!?@\"^#$&~_,.:;+-*%/|\\[](){}<>";

Column initcap_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column* delims = a.columns.size() > 1 ? a.columns[1] : nullptr;
  std::optional<CodePointSet> fixed;
  if (!delims)
    fixed.emplace(kInitcapDelimiters);
  else if (is_constant(a, 1) && a.rows > 0 && delims->is_valid(0))
    fixed.emplace(delims->string_at(0));
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    std::optional<CodePointSet> own;
    if (!fixed) own.emplace(delims->string_at(i));
    const CodePointSet& set = fixed ? *fixed : *own;
    std::string_view v = s.string_at(i);
    char* out = b.extend(v.size() * 2);
    size_t n = 0;
    bool start = true;
    const char* p = v.data();
    const char* end = p + v.size();
    while (p < end) {
      uint32_t cp = utf8_next(p, end);
      bool delim = set.contains(cp);
      n += utf8_encode(out + n, delim ? cp : start ? unicode_upper(cp) : unicode_lower(cp));
      start = delim;
    }
    b.commit(n);
  });
}

// ---- ascii, chr, translate ----

Column ascii_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) -> int64_t {
    std::string_view v = s.string_at(i);
    if (v.empty()) return 0;
    const char* p = v.data();
    return utf8_next(p, p + v.size());
  });
}

Column chr_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& n = *a.columns[0];
  return map_string(a.columns, a.rows, rt, size_t(a.rows), [&](int64_t i, StringBuilder& b) {
    int64_t cp = n.value<int64_t>(i);
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      throw InvalidInputError(fmt::format("chr: {} is not a Unicode code point", cp));
    b.commit(utf8_encode(b.extend(4), uint32_t(cp)));
  });
}

// TRANSLATE's mapping: code points of `from` to those of `to` at the same place, or
// removed when `to` is shorter; the first occurrence in `from` wins.
struct Translation {
  static constexpr int32_t kKeep = -2, kRemove = -1;
  int32_t ascii[128];
  std::vector<std::pair<uint32_t, int32_t>> other;

  Translation(std::string_view from, std::string_view to) {
    std::fill(std::begin(ascii), std::end(ascii), kKeep);
    const char* f = from.data();
    const char* fe = f + from.size();
    const char* t = to.data();
    const char* te = t + to.size();
    while (f < fe) {
      uint32_t c = utf8_next(f, fe);
      int32_t r = t < te ? int32_t(utf8_next(t, te)) : kRemove;
      if (c < 128) {
        if (ascii[c] == kKeep) ascii[c] = r;
      } else if (lookup(c) == kKeep) {
        other.emplace_back(c, r);
      }
    }
  }
  int32_t lookup(uint32_t c) const {
    if (c < 128) return ascii[c];
    for (auto& m : other)
      if (m.first == c) return m.second;
    return kKeep;
  }
};

Column translate_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  const Column& from = *a.columns[1];
  const Column& to = *a.columns[2];
  std::optional<Translation> fixed;
  if (is_constant(a, 1) && is_constant(a, 2) && a.rows > 0 && from.is_valid(0) && to.is_valid(0))
    fixed.emplace(from.string_at(0), to.string_at(0));
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    std::optional<Translation> own;
    if (!fixed) own.emplace(from.string_at(i), to.string_at(i));
    const Translation& tr = fixed ? *fixed : *own;
    std::string_view v = s.string_at(i);
    char* out = b.extend(v.size() * 4);
    size_t n = 0;
    const char* p = v.data();
    const char* end = p + v.size();
    while (p < end) {
      const char* at = p;
      uint32_t c = utf8_next(p, end);
      int32_t r = tr.lookup(c);
      if (r == Translation::kKeep) {
        std::memcpy(out + n, at, size_t(p - at));
        n += size_t(p - at);
      } else if (r >= 0) {
        n += utf8_encode(out + n, uint32_t(r));
      }
    }
    b.commit(n);
  });
}

// ---- editdistance, soundex ----

// Levenshtein distance of two code point sequences, capped at `cap` (stops early).
template <typename T>
int64_t levenshtein(const T* x, int64_t n, const T* y, int64_t m, int64_t cap,
                    std::vector<int64_t>& row) {
  if (n < m) {
    std::swap(x, y);
    std::swap(n, m);
  }
  if (n - m >= cap) return cap;
  row.resize(size_t(m) + 1);
  for (int64_t j = 0; j <= m; ++j) row[size_t(j)] = j;
  for (int64_t i = 1; i <= n; ++i) {
    int64_t diag = row[0];
    row[0] = i;
    int64_t best = row[0];
    for (int64_t j = 1; j <= m; ++j) {
      int64_t up = row[size_t(j)];
      int64_t v = std::min({up + 1, row[size_t(j - 1)] + 1, diag + (x[i - 1] != y[j - 1])});
      row[size_t(j)] = v;
      diag = up;
      best = std::min(best, v);
    }
    if (best >= cap) return cap;
  }
  return std::min(row[size_t(m)], cap);
}

Column editdistance_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& x = *a.columns[0];
  const Column& y = *a.columns[1];
  const Column* max = a.columns.size() > 2 ? a.columns[2] : nullptr;
  std::vector<int64_t> row;
  std::vector<uint32_t> cx, cy;
  auto decode = [](std::string_view v, std::vector<uint32_t>& out) {
    out.clear();
    const char* p = v.data();
    const char* end = p + v.size();
    while (p < end) out.push_back(utf8_next(p, end));
  };
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) -> int64_t {
    std::string_view u = x.string_at(i), w = y.string_at(i);
    int64_t cap =
        max ? std::max<int64_t>(0, max->value<int64_t>(i)) : std::numeric_limits<int64_t>::max();
    if (is_ascii(u) && is_ascii(w))
      return levenshtein(u.data(), int64_t(u.size()), w.data(), int64_t(w.size()), cap, row);
    decode(u, cx);
    decode(w, cy);
    return levenshtein(cx.data(), int64_t(cx.size()), cy.data(), int64_t(cy.size()), cap, row);
  });
}

char soundex_code(char c) {
  static constexpr char kCodes[] = "01230120022455012623010202";  // a..z
  return kCodes[(c | 32) - 'a'];
}

Column soundex_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  return map_string(a.columns, a.rows, rt, size_t(a.rows) * 4, [&](int64_t i, StringBuilder& b) {
    std::string_view v = s.string_at(i);
    char* out = b.extend(4);
    size_t n = 0;
    char last = 0;
    for (char c : v) {
      if (unsigned((c | 32) - 'a') > 25) continue;
      char code = soundex_code(c);
      if (n == 0) {
        out[n++] = char(c & ~32);
        last = code;
        continue;
      }
      if (code == '0') {
        if ((c | 32) != 'h' && (c | 32) != 'w') last = 0;  // H and W do not separate codes
        continue;
      }
      if (code != last) out[n++] = code;
      last = code;
      if (n == 4) break;
    }
    if (n > 0)
      while (n < 4) out[n++] = '0';
    b.commit(n);
  });
}

}  // namespace

void register_string_functions(FunctionTable& t) {
  const DataType V = varchar_type(), I = bigint_type(), B = binary_type();
  t.add("length", {"len", "char_length", "character_length"})
      .overload({V}, I, length_kernel)
      .overload({B}, I, octet_length_kernel);
  t.add("octet_length").overload({V}, I, octet_length_kernel).overload({B}, I, octet_length_kernel);
  t.add("lower", {"lcase"}).overload({V}, V, case_kernel<false>);
  t.add("upper", {"ucase"}).overload({V}, V, case_kernel<true>);
  t.add("trim", {"btrim"})
      .overload({V}, V, trim_kernel<true, true>)
      .overload({V, V}, V, trim_kernel<true, true>);
  t.add("ltrim")
      .overload({V}, V, trim_kernel<true, false>)
      .overload({V, V}, V, trim_kernel<true, false>);
  t.add("rtrim")
      .overload({V}, V, trim_kernel<false, true>)
      .overload({V, V}, V, trim_kernel<false, true>);
  t.add("substr", {"substring"})
      .overload({V, I}, V, substr_kernel<false>)
      .overload({V, I, I}, V, substr_kernel<false>)
      .overload({B, I}, B, substr_kernel<true>)
      .overload({B, I, I}, B, substr_kernel<true>);
  t.add("left").overload({V, I}, V, left_right_kernel<true>);
  t.add("insert").overload({V, I, I, V}, V, insert_kernel);
  t.add("right").overload({V, I}, V, left_right_kernel<false>);
  t.add("concat").rule("concat(ANY[, ...])", [](std::span<const DataType> args) {
    return bind_concat(args, 1, concat_kernel);
  });
  t.add("concat_ws").rule("concat_ws(VARCHAR, ANY[, ...])", [](std::span<const DataType> args) {
    return bind_concat(args, 2, concat_ws_kernel);
  });
  t.add("reverse").overload({V}, V, reverse_kernel);
  t.add("repeat").overload({V, I}, V, repeat_kernel);
  t.add("space").overload({I}, V, space_kernel);
  t.add("lpad").overload({V, I}, V, pad_kernel<true>).overload({V, I, V}, V, pad_kernel<true>);
  t.add("rpad").overload({V, I}, V, pad_kernel<false>).overload({V, I, V}, V, pad_kernel<false>);
  t.add("initcap").overload({V}, V, initcap_kernel).overload({V, V}, V, initcap_kernel);
  t.add("ascii", {"unicode"}).overload({V}, I, ascii_kernel);
  t.add("chr", {"char"}).overload({I}, V, chr_kernel);
  t.add("translate").overload({V, V, V}, V, translate_kernel);
  t.add("editdistance", {"levenshtein"})
      .overload({V, V}, I, editdistance_kernel)
      .overload({V, V, I}, I, editdistance_kernel);
  t.add("soundex").overload({V}, V, soundex_kernel);
}

}  // namespace floe::exec
