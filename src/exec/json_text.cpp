// Reading and writing VARIANT text: a recursive-descent JSON reader that either validates
// (skipping) or writes the normalised form, the member walker, equality and number reading.
#include "exec/json_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "base/error.h"
#include "base/utf8.h"
#include "columnar/value_text.h"

namespace floe::exec {

using columnar::Column;
using columnar::TypeId;

namespace {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

int64_t char_position(std::string_view text, size_t offset) {
  int64_t n = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i)
    n += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  return n;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = char(c | 32);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Appends one character of a string's content in the normalised escape form (the form
// columnar::append_json_string writes, so that to_variant and parse_json agree).
void append_escaped(uint32_t cp, std::string& out) {
  switch (cp) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    default:
      if (cp < 0x20)
        fmt::format_to(std::back_inserter(out), "\\u{:04x}", cp);
      else
        append_utf8(out, cp);
  }
}

// The next byte of a normalised key's content (between the quotes) at s[i], escapes decoded
// (normalised text escapes only characters below 0x80, each one byte).
inline unsigned char key_byte(std::string_view s, size_t& i) {
  char c = s[i++];
  if (c != '\\') return static_cast<unsigned char>(c);
  char e = s[i++];
  switch (e) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'u': {
      int v = 0;
      for (int k = 0; k < 4 && i < s.size(); ++k) v = v * 16 + hex_value(s[i++]);
      return static_cast<unsigned char>(v);
    }
    default: return static_cast<unsigned char>(e);
  }
}

// Byte-wise order of the contents of two normalised keys given with their quotes.
int compare_keys(std::string_view a, std::string_view b) {
  a = a.substr(1, a.size() - 2);
  b = b.substr(1, b.size() - 2);
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    unsigned char x = key_byte(a, i), y = key_byte(b, j);
    if (x != y) return x < y ? -1 : 1;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

// One member of an object being normalised: [begin, end) of `key: value` in the output.
struct Member {
  size_t begin;
  size_t key_end;
  size_t end;
  size_t input_pos;  // where the key starts in the input, for a duplicate-key error
};

class Reader {
 public:
  Reader(std::string_view text, JsonSyntaxError* error, bool allow_duplicates)
      : text_(text), p_(text.data()), e_(text.data() + text.size()), error_(error),
        allow_duplicates_(allow_duplicates) {}

  // Reads one value at the current position, writing its normalised form to `out` unless
  // it is null (then only validating).
  bool value(std::string* out, int depth) {
    if (p_ == e_) return fail(p_, "expected a value, found the end of the text");
    char c = *p_;
    if (c == '{') return object(out, depth + 1);
    if (c == '[') return array(out, depth + 1);
    if (c == '"') return string(out);
    if (c == '-' || is_digit(c)) return number(out);
    return literal(out);
  }

  void skip_space() {
    while (p_ < e_ && is_space(*p_)) ++p_;
  }
  size_t offset() const { return size_t(p_ - text_.data()); }
  void seek(size_t offset) { p_ = text_.data() + offset; }
  bool at_end() const { return p_ == e_; }
  bool fail(const char* at, std::string message) {
    if (error_) {
      error_->position = char_position(text_, size_t(at - text_.data()));
      error_->message = std::move(message);
    }
    return false;
  }

 private:
  bool object(std::string* out, int depth) {
    if (depth > kMaxJsonDepth)
      return fail(p_, fmt::format("nesting deeper than {} levels", kMaxJsonDepth));
    const char* open = p_++;
    if (out) *out += '{';
    const size_t body = out ? out->size() : 0;
    const size_t base = members_.size();
    for (size_t n = 0;; ++n) {
      skip_space();
      if (p_ == e_) return fail(open, "unterminated object");
      if (*p_ == '}') {
        ++p_;
        break;  // also after a trailing comma
      }
      if (n > 0) {
        if (*p_ != ',') return fail(p_, "expected ',' or '}' in an object");
        ++p_;
        if (out) *out += ',';
        skip_space();
        if (p_ < e_ && *p_ == '}') {
          if (out) out->pop_back();
          ++p_;
          break;
        }
      }
      if (p_ == e_) return fail(open, "unterminated object");
      if (*p_ != '"') return fail(p_, "expected a string as the object key");
      const size_t begin = out ? out->size() : 0;
      const size_t input_pos = offset();
      if (!string(out)) return false;
      const size_t key_end = out ? out->size() : 0;
      skip_space();
      if (p_ == e_ || *p_ != ':') return fail(p_, "expected ':' after an object key");
      ++p_;
      if (out) *out += ':';
      skip_space();
      if (!value(out, depth)) return false;
      if (out) members_.push_back({begin, key_end, out->size(), input_pos});
    }
    bool ok = !out || sort_members(*out, body, base);
    members_.resize(base);
    if (ok && out) *out += '}';
    return ok;
  }

  // Puts the members written from out[body] (members_[base..]) in key order; a duplicate
  // key is an error, or keeps its last value when duplicates are allowed.
  bool sort_members(std::string& out, size_t body, size_t base) {
    const size_t n = members_.size() - base;
    auto key = [&](size_t i) {
      const Member& m = members_[base + i];
      return std::string_view(out).substr(m.begin, m.key_end - m.begin);
    };
    bool sorted = true;
    for (size_t i = 1; i < n && sorted; ++i) sorted = compare_keys(key(i - 1), key(i)) < 0;
    if (sorted) return true;
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t x, size_t y) { return compare_keys(key(x), key(y)) < 0; });
    std::string sorted_body;
    sorted_body.reserve(out.size() - body);
    for (size_t k = 0; k < n; ++k) {
      if (k + 1 < n && compare_keys(key(order[k]), key(order[k + 1])) == 0) {
        if (!allow_duplicates_) {
          std::string name;
          decode_json_string(key(order[k + 1]), name);
          return fail(text_.data() + members_[base + order[k + 1]].input_pos,
                      fmt::format("duplicate key '{}'", name));
        }
        continue;  // the later one (stable order) wins
      }
      const Member& m = members_[base + order[k]];
      if (!sorted_body.empty()) sorted_body += ',';
      sorted_body.append(out, m.begin, m.end - m.begin);
    }
    out.resize(body);
    out += sorted_body;
    return true;
  }

  bool array(std::string* out, int depth) {
    if (depth > kMaxJsonDepth)
      return fail(p_, fmt::format("nesting deeper than {} levels", kMaxJsonDepth));
    const char* open = p_++;
    if (out) *out += '[';
    for (size_t n = 0;; ++n) {
      skip_space();
      if (p_ == e_) return fail(open, "unterminated array");
      if (*p_ == ']') {
        ++p_;
        break;
      }
      if (n > 0) {
        if (*p_ != ',') return fail(p_, "expected ',' or ']' in an array");
        ++p_;
        skip_space();
        if (p_ < e_ && *p_ == ']') {
          ++p_;
          break;
        }
        if (out) *out += ',';
      }
      if (!value(out, depth)) return false;
    }
    if (out) *out += ']';
    return true;
  }

  bool string(std::string* out) {
    const char* open = p_++;
    if (out) *out += '"';
    for (;;) {
      const char* run = p_;
      while (p_ < e_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20)
        ++p_;
      if (out) out->append(run, p_);
      if (p_ == e_) return fail(open, "unterminated string");
      if (*p_ == '"') {
        ++p_;
        if (out) *out += '"';
        return true;
      }
      if (*p_ != '\\') return fail(p_, "a control character in a string must be escaped");
      const char* esc = p_++;
      if (p_ == e_) return fail(open, "unterminated string");
      char c = *p_++;
      uint32_t cp;
      switch (c) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u': {
          if (!hex4(&cp)) return fail(esc, "expected four hex digits after \\u");
          if (cp >= 0xDC00 && cp <= 0xDFFF) return fail(esc, "unpaired surrogate in \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low;
            if (e_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u')
              return fail(esc, "unpaired surrogate in \\u escape");
            p_ += 2;
            if (!hex4(&low) || low < 0xDC00 || low > 0xDFFF)
              return fail(esc, "unpaired surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          break;
        }
        default: return fail(esc, fmt::format("invalid escape '\\{}' in a string", c));
      }
      if (out) append_escaped(cp, *out);
    }
  }

  bool hex4(uint32_t* cp) {
    if (e_ - p_ < 4) return false;
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      int h = hex_value(p_[k]);
      if (h < 0) return false;
      v = v * 16 + uint32_t(h);
    }
    p_ += 4;
    *cp = v;
    return true;
  }

  bool number(std::string* out) {
    const char* start = p_;
    if (*p_ == '-') ++p_;
    if (p_ == e_ || !is_digit(*p_)) return fail(p_, "expected a digit");
    if (*p_ == '0') {
      ++p_;
      if (p_ < e_ && is_digit(*p_)) return fail(start, "a number must not start with 0");
    } else {
      while (p_ < e_ && is_digit(*p_)) ++p_;
    }
    if (p_ < e_ && *p_ == '.') {
      ++p_;
      if (p_ == e_ || !is_digit(*p_)) return fail(p_, "expected a digit after the decimal point");
      while (p_ < e_ && is_digit(*p_)) ++p_;
    }
    if (p_ < e_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < e_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == e_ || !is_digit(*p_)) return fail(p_, "expected a digit in the exponent");
      while (p_ < e_ && is_digit(*p_)) ++p_;
    }
    if (out) out->append(start, p_);
    return true;
  }

  bool literal(std::string* out) {
    const char* start = p_;
    char word[6];
    size_t n = 0;
    while (p_ < e_ && ((*p_ | 32) >= 'a' && (*p_ | 32) <= 'z')) {
      if (n < sizeof word) word[n] = char(*p_ | 32);
      ++n, ++p_;
    }
    std::string_view w(word, std::min(n, sizeof word));
    if (n <= 5 && (w == "true" || w == "false" || w == "null")) {
      if (out) *out += w;
      return true;
    }
    if (n == 0) {
      p_ = start;
      return fail(start, fmt::format("unexpected character '{}'", *start));
    }
    return fail(start, fmt::format("unknown keyword '{}'", std::string_view(start, n)));
  }

  std::string_view text_;
  const char* p_;
  const char* e_;
  JsonSyntaxError* error_;
  bool allow_duplicates_;
  std::vector<Member> members_;
};

}  // namespace

std::string_view json_kind_name(JsonKind kind) {
  switch (kind) {
    case JsonKind::kObject: return "OBJECT";
    case JsonKind::kArray: return "ARRAY";
    case JsonKind::kString: return "VARCHAR";
    case JsonKind::kInteger: return "INTEGER";
    case JsonKind::kDecimal: return "DECIMAL";
    case JsonKind::kDouble: return "DOUBLE";
    case JsonKind::kBoolean: return "BOOLEAN";
    case JsonKind::kNull: return "NULL_VALUE";
  }
  return "NULL_VALUE";
}

bool normalize_json(std::string_view text, std::string& out, JsonSyntaxError* error,
                    bool allow_duplicate_keys) {
  Reader r(text, error, allow_duplicate_keys);
  r.skip_space();
  if (!r.value(&out, 0)) return false;
  r.skip_space();
  if (!r.at_end()) return r.fail(text.data() + r.offset(), "unexpected text after the JSON value");
  return true;
}

void normalize_variant(std::string_view value, std::string& out, std::string_view fn) {
  JsonSyntaxError err;
  if (!normalize_json(value, out, &err, true))
    throw InvalidInputError(fmt::format("{}: '{}' is not VARIANT text (JSON): {}", fn,
                                        shown_value(value), err.text()));
}

std::string shown_value(std::string_view value) {
  if (value.size() <= 60) return std::string(value);
  size_t cut = 60;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return std::string(value.substr(0, cut)) + "...";
}

size_t json_value_end(std::string_view text, size_t begin, JsonSyntaxError* error) {
  Reader r(text, error, true);
  r.seek(begin);
  if (!r.value(nullptr, 0)) return std::string_view::npos;
  return r.offset();
}

std::string_view trim_json_space(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

JsonKind json_kind(std::string_view v, std::string_view fn) {
  if (!v.empty()) {
    switch (v[0]) {
      case '{': return JsonKind::kObject;
      case '[': return JsonKind::kArray;
      case '"': return JsonKind::kString;
      case 't':
      case 'T':
      case 'f':
      case 'F': return JsonKind::kBoolean;
      case 'n':
      case 'N': return JsonKind::kNull;
      default: break;
    }
    if (v[0] == '-' || is_digit(v[0])) {
      size_t digits = 0;
      bool fraction = false;
      for (char c : v) {
        if (is_digit(c))
          ++digits;
        else if (c == '.')
          fraction = true;
        else if (c == 'e' || c == 'E')
          return JsonKind::kDouble;
        else if (c != '-')
          break;
      }
      if (digits > 38) return JsonKind::kDouble;
      return fraction ? JsonKind::kDecimal : JsonKind::kInteger;
    }
  }
  throw InvalidInputError(
      fmt::format("{}: '{}' is not VARIANT text (JSON)", fn, shown_value(v)));
}

void decode_json_string(std::string_view raw, std::string& out) {
  std::string_view s = raw.substr(1, raw.size() - 2);
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c != '\\') {
      size_t j = s.find('\\', i);
      if (j == std::string_view::npos) j = s.size();
      out.append(s.data() + i, j - i);
      i = j;
      continue;
    }
    char e = s[i + 1];
    i += 2;
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        auto hex = [&](size_t at) {
          uint32_t v = 0;
          for (size_t k = 0; k < 4 && at + k < s.size(); ++k)
            v = v * 16 + uint32_t(hex_value(s[at + k]));
          return v;
        };
        uint32_t cp = hex(i);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= s.size()) {
          uint32_t low = hex(i + 2);
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        append_utf8(out, cp);
        break;
      }
      default: out += e;
    }
  }
}

bool json_string_equals(std::string_view raw, std::string_view name) {
  std::string_view inner = raw.substr(1, raw.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return inner == name;
  std::string decoded;
  decode_json_string(raw, decoded);
  return decoded == name;
}

// ---- JsonItems ----

JsonItems::JsonItems(std::string_view container, std::string_view fn)
    : text_(container), fn_(fn), close_(container.empty() || container[0] == '{' ? '}' : ']') {
  FLOE_CHECK(!container.empty() && (container[0] == '{' || container[0] == '['),
             "JsonItems over '{}'", container.substr(0, 20));
}

void JsonItems::fail(size_t at, std::string_view message) const {
  fail_syntax({char_position(text_, at), std::string(message)});
}

void JsonItems::fail_syntax(const JsonSyntaxError& error) const {
  throw InvalidInputError(fmt::format("{}: '{}' is not VARIANT text (JSON): {}", fn_,
                                      shown_value(text_), error.text()));
}

void JsonItems::skip_space() {
  while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
}

bool JsonItems::next(std::string_view* key, std::string_view* value) {
  if (done_) return false;
  skip_space();
  if (pos_ >= text_.size()) fail(0, close_ == '}' ? "unterminated object" : "unterminated array");
  if (text_[pos_] == close_) {
    done_ = true;
    return false;
  }
  if (!first_) {
    if (text_[pos_] != ',')
      fail(pos_, close_ == '}' ? "expected ',' or '}' in an object"
                               : "expected ',' or ']' in an array");
    ++pos_;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == close_) {
      done_ = true;
      return false;
    }
  }
  first_ = false;
  JsonSyntaxError err;
  if (close_ == '}') {
    if (pos_ >= text_.size() || text_[pos_] != '"')
      fail(pos_, "expected a string as the object key");
    size_t end = json_value_end(text_, pos_, &err);
    if (end == std::string_view::npos) fail_syntax(err);
    *key = text_.substr(pos_, end - pos_);
    pos_ = end;
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != ':') fail(pos_, "expected ':' after an object key");
    ++pos_;
    skip_space();
  } else {
    *key = {};
  }
  size_t end = json_value_end(text_, pos_, &err);
  if (end == std::string_view::npos) fail_syntax(err);
  *value = text_.substr(pos_, end - pos_);
  pos_ = end;
  return true;
}

// ---- numbers and equality ----

namespace {

// A number as sign, significant digits (no leading or trailing zeros) and the power of ten
// of the digit after the last: 120.5 is {+, "1205", -1}. Zero has no digits.
struct DecimalParts {
  bool negative = false;
  std::string digits;
  int64_t exponent = 0;
};

// Reads [+-]digits[.digits][e[+-]digits] (the whole text); false otherwise.
bool decimal_parts(std::string_view s, DecimalParts* out) {
  size_t i = 0;
  out->negative = false;
  out->digits.clear();
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) out->negative = s[i++] == '-';
  int64_t point_shift = 0;
  bool any = false, point = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (is_digit(c)) {
      any = true;
      if (point) --point_shift;
      if (c == '0' && out->digits.empty()) continue;
      out->digits += c;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any) return false;
  int64_t exp = 0;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') return false;
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == s.size()) return false;
    for (; i < s.size(); ++i) {
      if (!is_digit(s[i])) return false;
      if (exp < 100000) exp = exp * 10 + (s[i] - '0');
    }
    if (neg) exp = -exp;
  }
  // Leading zeros of the fraction were skipped but counted in point_shift; trailing zeros go.
  size_t keep = out->digits.find_last_not_of('0');
  int64_t dropped = 0;
  if (keep == std::string::npos) {
    out->digits.clear();
  } else {
    dropped = int64_t(out->digits.size() - keep - 1);
    out->digits.resize(keep + 1);
  }
  out->exponent = exp + point_shift + dropped;
  if (out->digits.empty()) out->negative = false, out->exponent = 0;
  return true;
}

bool numbers_equal(std::string_view a, std::string_view b) {
  if (a == b) return true;
  DecimalParts x, y;
  if (!decimal_parts(a, &x) || !decimal_parts(b, &y)) return false;
  return x.negative == y.negative && x.digits == y.digits && x.exponent == y.exponent;
}

bool is_number_kind(JsonKind k) {
  return k == JsonKind::kInteger || k == JsonKind::kDecimal || k == JsonKind::kDouble;
}

}  // namespace

bool json_equal(std::string_view a, std::string_view b) {
  JsonKind ka = json_kind(a, "json_equal"), kb = json_kind(b, "json_equal");
  if (is_number_kind(ka) && is_number_kind(kb)) return numbers_equal(a, b);
  if (ka != kb) return false;
  if (ka != JsonKind::kObject && ka != JsonKind::kArray) return a == b;
  JsonItems x(a, "json_equal"), y(b, "json_equal");
  std::string_view xk, xv, yk, yv;
  for (;;) {
    bool more_x = x.next(&xk, &xv), more_y = y.next(&yk, &yv);
    if (more_x != more_y) return false;
    if (!more_x) return true;
    if (xk != yk || !json_equal(xv, yv)) return false;
  }
}

bool json_number_to_integer(std::string_view number, __int128* out) {
  DecimalParts d;
  if (!decimal_parts(trim_json_space(number), &d)) return false;
  const int64_t n = int64_t(d.digits.size());
  if (n == 0) return *out = 0, true;
  // Digits left of the point: n + exponent.
  int64_t int_digits = n + d.exponent;
  if (int_digits > 38) return false;
  __int128 v = 0;
  for (int64_t k = 0; k < int_digits; ++k) v = v * 10 + (k < n ? d.digits[size_t(k)] - '0' : 0);
  if (int_digits >= 0 && int_digits < n && d.digits[size_t(int_digits)] >= '5') ++v;
  __int128 limit = 1;
  for (int k = 0; k < 38; ++k) limit *= 10;
  if (v >= limit) return false;
  *out = d.negative ? -v : v;
  return true;
}

bool json_number_to_double(std::string_view number, double* out) {
  std::string_view s = trim_json_space(number);
  if (s.empty()) return false;
  bool neg = s[0] == '-';
  std::string_view body = s[0] == '-' || s[0] == '+' ? s.substr(1) : s;
  std::string l;
  for (char c : body.substr(0, 9)) l += char(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (body.size() <= 8) {
    if (l == "nan") return *out = std::nan(""), true;
    if (l == "inf" || l == "infinity") return *out = neg ? -HUGE_VAL : HUGE_VAL, true;
  }
  if (body.empty() || !(is_digit(body[0]) || body[0] == '.')) return false;
  auto r = std::from_chars(body.data(), body.data() + body.size(), *out);
  if (r.ec == std::errc::result_out_of_range) {
    DecimalParts d;
    if (!decimal_parts(body, &d)) return false;
    *out = d.exponent > 0 ? HUGE_VAL : 0.0;
  } else if (r.ec != std::errc() || r.ptr != body.data() + body.size()) {
    return false;
  }
  if (neg) *out = -*out;
  return true;
}

// ---- SQL values as VARIANT text ----

namespace {

void append_double(double v, std::string& out) {
  if (!std::isfinite(v)) {
    out += std::isnan(v) ? "\"NaN\"" : v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  out.append(buf, r.ptr);
}

// Writes nested values field by field; the caller normalises the result (key order).
void append_raw(const Column& c, int64_t row, std::string& out) {
  if (c.is_null(row)) {
    out += "null";
    return;
  }
  switch (c.type().id()) {
    case TypeId::kFloat32: append_double(c.value<float>(row), out); return;
    case TypeId::kFloat64: append_double(c.value<double>(row), out); return;
    case TypeId::kStruct: {
      out += '{';
      const auto& fields = c.type().children();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ',';
        columnar::append_json_string(fields[i].name, out);
        out += ':';
        append_raw(c.child(i), row, out);
      }
      out += '}';
      return;
    }
    case TypeId::kList: {
      out += '[';
      const int32_t* o = c.offsets();
      for (int32_t i = o[row]; i < o[row + 1]; ++i) {
        if (i > o[row]) out += ',';
        append_raw(c.child(0), i, out);
      }
      out += ']';
      return;
    }
    case TypeId::kMap: {
      out += '{';
      const int32_t* o = c.offsets();
      const Column& entries = c.child(0);
      for (int32_t i = o[row]; i < o[row + 1]; ++i) {
        if (i > o[row]) out += ',';
        std::string key;
        columnar::append_value_text(entries.child(0), i, key);
        columnar::append_json_string(key, out);
        out += ':';
        append_raw(entries.child(1), i, out);
      }
      out += '}';
      return;
    }
    default: columnar::append_value_json(c, row, out);
  }
}

}  // namespace

void append_variant(const Column& c, int64_t row, std::string& out) {
  if (c.is_null(row) || !c.type().is_nested()) return append_raw(c, row, out);
  std::string raw;
  append_raw(c, row, raw);
  JsonSyntaxError err;
  bool ok = normalize_json(raw, out, &err, true);
  FLOE_CHECK(ok, "a nested value wrote invalid JSON: {}", err.text());
}

}  // namespace floe::exec
