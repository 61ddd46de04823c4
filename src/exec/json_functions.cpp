// Snowflake's semi-structured functions that read VARIANT text (json_text.h says how VARIANT
// travels): PARSE_JSON, TRY_PARSE_JSON, CHECK_JSON; GET_PATH (the `:` operator), GET,
// JSON_EXTRACT_PATH_TEXT; the casts the binder calls for v::TYPE (variant_to_varchar,
// variant_to_bigint, variant_to_double, variant_to_boolean); AS_*; TYPEOF and IS_*; TO_JSON,
// TO_VARIANT, STRIP_NULL_VALUE. The constructors and modifiers are in
// json_construct_functions.cpp.
#include <cmath>
#include <limits>

#include "exec/column_builder.h"
#include "exec/function_library.h"
#include "exec/json_path.h"
#include "exec/json_text.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

void register_json_construct_functions(FunctionTable& t);  // json_construct_functions.cpp

namespace {

using i128 = __int128;

// ---- parse_json, try_parse_json, check_json ----

// PARSE_JSON's optional 'd' (duplicate keys allowed, the last wins) or 's' (strict).
class DuplicateKeysArg {
 public:
  DuplicateKeysArg(const ScalarArgs& a, size_t i, std::string_view fn) : fn_(fn) {
    if (i >= a.columns.size()) return;
    col_ = a.columns[i];
    if (is_constant(a, i) && a.rows > 0 && col_->is_valid(0)) {
      fixed_ = read(col_->string_at(0));
      col_ = nullptr;
    }
  }
  bool at(int64_t row) const { return col_ ? read(col_->string_at(row)) : fixed_; }

 private:
  bool read(std::string_view p) const {
    if (p == "d" || p == "D") return true;
    if (p == "s" || p == "S") return false;
    throw InvalidInputError(
        fmt::format("{}: '{}' is not a parameter; expected 'd' (allow duplicate keys) or 's'",
                    fn_, shown_value(p)));
  }
  std::string_view fn_;
  const Column* col_ = nullptr;
  bool fixed_ = false;
};

template <bool kTry>
Column parse_json_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = kTry ? "try_parse_json" : "parse_json";
  const Column& s = *a.columns[0];
  DuplicateKeysArg duplicates(a, 1, fn);
  std::string buf;
  JsonSyntaxError err;
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    std::string_view text = s.string_at(i);
    // Snowflake: empty or blank text is NULL, not an error.
    if (trim_json_space(text).empty()) return b.append_null();
    buf.clear();
    if (normalize_json(text, buf, &err, duplicates.at(i))) return b.append(buf);
    if (kTry) return b.append_null();
    throw InvalidInputError(
        fmt::format("{}: '{}' is not JSON: {}", fn, shown_value(text), err.text()));
  });
}

Column check_json_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  JsonSyntaxError err;
  std::string scratch;
  return map_string(a.columns, a.rows, rt, 0, [&](int64_t i, StringBuilder& b) {
    std::string_view text = s.string_at(i);
    scratch.clear();
    // A full read: it also sees the duplicate keys PARSE_JSON refuses.
    if (trim_json_space(text).empty() || normalize_json(text, scratch, &err))
      return b.append_null();
    b.append(err.text());
  });
}

// ---- get_path, get, json_extract_path_text ----

// A path argument, compiled once when constant (or when a row repeats the previous path).
class PathArg {
 public:
  PathArg(const ScalarArgs& a, size_t i, std::string_view fn) : col_(*a.columns[i]), fn_(fn) {
    if (is_constant(a, i) && a.rows > 0 && col_.is_valid(0)) {
      path_ = JsonPath::parse(col_.string_at(0), fn);
      fixed_ = true;
    }
  }
  const JsonPath& at(int64_t row) {
    if (fixed_) return path_;
    std::string_view text = col_.string_at(row);
    if (!compiled_ || text != last_) {
      path_ = JsonPath::parse(text, fn_);
      last_.assign(text);
      compiled_ = true;
    }
    return path_;
  }

 private:
  const Column& col_;
  std::string_view fn_;
  JsonPath path_;
  std::string last_;
  bool fixed_ = false;
  bool compiled_ = false;
};

Column get_path_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  PathArg path(a, 1, "get_path");
  std::string buf;
  return map_string(a.columns, a.rows, rt, 0, [&](int64_t i, StringBuilder& b) {
    auto found = path.at(i).find(v.string_at(i), "get_path");
    if (!found) return b.append_null();
    buf.clear();
    normalize_variant(*found, buf, "get_path");
    b.append(buf);
  });
}

// GET_IGNORE_CASE(object, key): the value of the key that equals `key` in any letter case
// (an exact match wins over others).
Column get_ignore_case_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  const Column& k = *a.columns[1];
  std::string buf, decoded;
  return map_string(a.columns, a.rows, rt, 0, [&](int64_t i, StringBuilder& b) {
    std::string_view doc = trim_json_space(v.string_at(i));
    if (json_kind(doc, "get_ignore_case") != JsonKind::kObject) return b.append_null();
    std::string_view name = k.string_at(i);
    std::string_view key, value, chosen;
    bool found = false;
    JsonItems items(doc, "get_ignore_case");
    while (items.next(&key, &value)) {
      if (json_string_equals(key, name)) {
        chosen = value;
        found = true;
        break;
      }
      if (found) continue;
      decoded.clear();
      decode_json_string(key, decoded);
      if (decoded.size() == name.size() &&
          std::equal(decoded.begin(), decoded.end(), name.begin(), [](char x, char y) {
            return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
          })) {
        chosen = value;
        found = true;
      }
    }
    if (!found) return b.append_null();
    buf.clear();
    normalize_variant(chosen, buf, "get_ignore_case");
    b.append(buf);
  });
}

// GET(v, key) on an object, GET(v, index) on an array; NULL for the other kind.
template <bool kIndex>
Column get_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  const Column& k = *a.columns[1];
  JsonPath path;
  std::string buf;
  return map_string(a.columns, a.rows, rt, 0, [&](int64_t i, StringBuilder& b) {
    std::string_view doc = trim_json_space(v.string_at(i));
    JsonKind kind = json_kind(doc, "get");
    std::string_view key, value;
    bool found = false;
    if (kIndex) {
      int64_t want = k.value<int64_t>(i);
      if (kind == JsonKind::kArray && want >= 0) {
        JsonItems items(doc, "get");
        for (int64_t n = 0; !found && items.next(&key, &value); ++n) found = n == want;
      }
    } else if (kind == JsonKind::kObject) {
      std::string_view name = k.string_at(i);
      JsonItems items(doc, "get");
      while (!found && items.next(&key, &value)) found = json_string_equals(key, name);
    }
    if (!found) return b.append_null();
    buf.clear();
    normalize_variant(value, buf, "get");
    b.append(buf);
  });
}

// A scalar's text: strings without quotes, other values as JSON; NULL for JSON null.
bool append_scalar_text(std::string_view value, std::string& out, std::string_view fn) {
  switch (json_kind(value, fn)) {
    case JsonKind::kNull: return false;
    case JsonKind::kString: {
      JsonSyntaxError err;
      if (json_value_end(value, 0, &err) != value.size())
        throw InvalidInputError(fmt::format("{}: '{}' is not VARIANT text (JSON): {}", fn,
                                            shown_value(value), err.text()));
      decode_json_string(value, out);
      return true;
    }
    default: normalize_variant(value, out, fn); return true;
  }
}

Column json_extract_path_text_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  PathArg path(a, 1, "json_extract_path_text");
  std::string buf;
  return map_string(a.columns, a.rows, rt, 0, [&](int64_t i, StringBuilder& b) {
    auto found = path.at(i).find(v.string_at(i), "json_extract_path_text");
    buf.clear();
    if (!found || !append_scalar_text(*found, buf, "json_extract_path_text"))
      return b.append_null();
    b.append(buf);
  });
}

// ---- casts of VARIANT to SQL types ----

// The trimmed value of a row and its kind; scalars are validated whole.
struct Scalar {
  std::string_view text;
  JsonKind kind;
};

Scalar read_scalar(std::string_view row_text, std::string_view fn) {
  Scalar s{trim_json_space(row_text), JsonKind::kNull};
  s.kind = json_kind(s.text, fn);
  if (s.kind != JsonKind::kObject && s.kind != JsonKind::kArray) {
    JsonSyntaxError err;
    if (json_value_end(s.text, 0, &err) != s.text.size())
      throw InvalidInputError(fmt::format("{}: '{}' is not VARIANT text (JSON): {}", fn,
                                          shown_value(s.text), err.text()));
  }
  return s;
}

bool is_number(JsonKind k) {
  return k == JsonKind::kInteger || k == JsonKind::kDecimal || k == JsonKind::kDouble;
}

[[noreturn]] void cannot_cast(std::string_view fn, std::string_view value, std::string_view type) {
  throw InvalidInputError(
      fmt::format("{}: cannot cast the VARIANT value {} to {}", fn, shown_value(value), type));
}

Column variant_to_varchar_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  std::string buf;
  return map_string(a.columns, a.rows, rt, string_bytes(v), [&](int64_t i, StringBuilder& b) {
    buf.clear();
    std::string_view text = trim_json_space(v.string_at(i));
    if (!append_scalar_text(text, buf, "variant_to_varchar")) return b.append_null();
    b.append(buf);
  });
}

// The integer a VARIANT value casts to, rounded half away from zero; false for JSON null.
bool variant_integer(std::string_view row_text, int64_t* out, const char* fn) {
  Scalar s = read_scalar(row_text, fn);
  i128 v = 0;
  std::string decoded;
  switch (s.kind) {
    case JsonKind::kNull: return false;
    case JsonKind::kBoolean: *out = (s.text[0] | 32) == 't'; return true;
    case JsonKind::kString:
      decode_json_string(s.text, decoded);
      if (!json_number_to_integer(decoded, &v)) cannot_cast(fn, s.text, "BIGINT");
      break;
    case JsonKind::kInteger:
    case JsonKind::kDecimal:
    case JsonKind::kDouble:
      if (!json_number_to_integer(s.text, &v)) cannot_cast(fn, s.text, "BIGINT");
      break;
    default: cannot_cast(fn, s.text, "BIGINT");
  }
  if (v > std::numeric_limits<int64_t>::max() || v < std::numeric_limits<int64_t>::min())
    throw InvalidInputError(fmt::format("{}: the VARIANT value {} is out of the BIGINT range", fn,
                                        shown_value(s.text)));
  *out = int64_t(v);
  return true;
}

Column variant_to_bigint_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  return map_fixed_or_null<int64_t>(a.columns, a.rows, rt, [&](int64_t i, int64_t* out) {
    return variant_integer(v.string_at(i), out, "variant_to_bigint");
  });
}

Column variant_to_double_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  const char* fn = "variant_to_double";
  std::string decoded;
  return map_fixed_or_null<double>(a.columns, a.rows, rt, [&](int64_t i, double* out) {
    Scalar s = read_scalar(v.string_at(i), fn);
    switch (s.kind) {
      case JsonKind::kNull: return false;
      case JsonKind::kBoolean: *out = (s.text[0] | 32) == 't' ? 1.0 : 0.0; return true;
      case JsonKind::kString:
        decoded.clear();
        decode_json_string(s.text, decoded);
        if (!json_number_to_double(decoded, out)) cannot_cast(fn, s.text, "DOUBLE");
        return true;
      case JsonKind::kInteger:
      case JsonKind::kDecimal:
      case JsonKind::kDouble:
        if (!json_number_to_double(s.text, out)) cannot_cast(fn, s.text, "DOUBLE");
        return true;
      default: cannot_cast(fn, s.text, "DOUBLE");
    }
  });
}

// TO_BOOLEAN's words: true/t/yes/y/on/1 and false/f/no/n/off/0, any case.
bool boolean_word(std::string_view s, bool* out) {
  s = trim_json_space(s);
  if (s.size() > 5) return false;
  std::string l;
  for (char c : s) l += char(c >= 'A' && c <= 'Z' ? c + 32 : c);
  for (const char* t : {"true", "t", "yes", "y", "on", "1"})
    if (l == t) return *out = true, true;
  for (const char* f : {"false", "f", "no", "n", "off", "0"})
    if (l == f) return *out = false, true;
  return false;
}

Column variant_to_boolean_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  const char* fn = "variant_to_boolean";
  std::string decoded;
  return map_fixed_or_null<uint8_t>(a.columns, a.rows, rt, [&](int64_t i, uint8_t* out) {
    Scalar s = read_scalar(v.string_at(i), fn);
    bool b = false;
    double d = 0;
    switch (s.kind) {
      case JsonKind::kNull: return false;
      case JsonKind::kBoolean: b = (s.text[0] | 32) == 't'; break;
      case JsonKind::kString:
        decoded.clear();
        decode_json_string(s.text, decoded);
        if (!boolean_word(decoded, &b)) cannot_cast(fn, s.text, "BOOLEAN");
        break;
      case JsonKind::kInteger:
      case JsonKind::kDecimal:
      case JsonKind::kDouble:
        if (!json_number_to_double(s.text, &d)) cannot_cast(fn, s.text, "BOOLEAN");
        b = d != 0;
        break;
      default: cannot_cast(fn, s.text, "BOOLEAN");
    }
    *out = b;
    return true;
  });
}

// ---- as_* ----

Column as_varchar_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  return map_string(a.columns, a.rows, rt, string_bytes(v), [&](int64_t i, StringBuilder& b) {
    Scalar s = read_scalar(v.string_at(i), "as_varchar");
    if (s.kind != JsonKind::kString) return b.append_null();
    std::string decoded;
    decode_json_string(s.text, decoded);
    b.append(decoded);
  });
}

Column as_integer_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  return map_fixed_or_null<int64_t>(a.columns, a.rows, rt, [&](int64_t i, int64_t* out) {
    Scalar s = read_scalar(v.string_at(i), "as_integer");
    if (s.kind != JsonKind::kInteger && s.kind != JsonKind::kDecimal) return false;
    return variant_integer(s.text, out, "as_integer");
  });
}

Column as_double_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  return map_fixed_or_null<double>(a.columns, a.rows, rt, [&](int64_t i, double* out) {
    Scalar s = read_scalar(v.string_at(i), "as_double");
    return is_number(s.kind) && json_number_to_double(s.text, out);
  });
}

Column as_boolean_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  return map_fixed_or_null<uint8_t>(a.columns, a.rows, rt, [&](int64_t i, uint8_t* out) {
    Scalar s = read_scalar(v.string_at(i), "as_boolean");
    if (s.kind != JsonKind::kBoolean) return false;
    *out = (s.text[0] | 32) == 't';
    return true;
  });
}

constexpr unsigned kind_bit(JsonKind k) { return 1u << unsigned(k); }

// AS_OBJECT, AS_ARRAY, and STRIP_NULL_VALUE (every kind but JSON null): the value when its
// kind is in `mask`, else NULL.
ScalarKernel keep_kind(unsigned mask, const char* fn) {
  return [mask, fn](const ScalarArgs& a, const DataType& rt) {
    const Column& v = *a.columns[0];
    std::string buf;
    return map_string(a.columns, a.rows, rt, string_bytes(v), [&](int64_t i, StringBuilder& b) {
      std::string_view text = trim_json_space(v.string_at(i));
      if (!(mask & kind_bit(json_kind(text, fn)))) return b.append_null();
      buf.clear();
      normalize_variant(text, buf, fn);
      b.append(buf);
    });
  };
}

// ---- typeof, is_* ----

Column typeof_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  return map_string(a.columns, a.rows, rt, size_t(a.rows) * 7, [&](int64_t i, StringBuilder& b) {
    b.append(json_kind_name(json_kind(trim_json_space(v.string_at(i)), "typeof")));
  });
}

// IS_ARRAY, IS_INTEGER and the like: whether the value's kind is in `mask`.
ScalarKernel is_kind(unsigned mask, const char* fn) {
  return [mask, fn](const ScalarArgs& a, const DataType& rt) {
    const Column& v = *a.columns[0];
    return map_fixed<uint8_t>(a.columns, a.rows, rt, [&](int64_t i) -> uint8_t {
      return (mask & kind_bit(json_kind(trim_json_space(v.string_at(i)), fn))) != 0;
    });
  };
}

// ---- to_json, to_variant ----

Column to_json_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  std::string buf;
  return map_string(a.columns, a.rows, rt, string_bytes(v), [&](int64_t i, StringBuilder& b) {
    buf.clear();
    normalize_variant(v.string_at(i), buf, "to_json");
    b.append(buf);
  });
}

Column to_variant_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& x = *a.columns[0];
  std::string buf;
  return map_string(a.columns, a.rows, rt, size_t(a.rows) * 8, [&](int64_t i, StringBuilder& b) {
    buf.clear();
    append_variant(x, i, buf);
    b.append(buf);
  });
}

// The value of a column declared VARIANT: its text when that is JSON, else the text as a
// JSON string (a plain string written into the column by an INSERT of text).
Column variant_of_text_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& s = *a.columns[0];
  std::string buf;
  return map_string(a.columns, a.rows, rt, string_bytes(s), [&](int64_t i, StringBuilder& b) {
    std::string_view text = s.string_at(i);
    buf.clear();
    if (!trim_json_space(text).empty() && normalize_json(text, buf, nullptr, true)) return b.append(buf);
    buf.clear();
    append_variant(s, i, buf);
    b.append(buf);
  });
}

// TO_VARIANT takes any value: text becomes a JSON string (never parsed), numbers numbers.
std::optional<ScalarFunction> bind_to_variant(std::span<const DataType> args) {
  if (args.size() != 1) return std::nullopt;
  DataType t = args[0].is_nested() ? args[0] : value_type(args[0]);
  return bound(varchar_type(), {t}, to_variant_kernel);
}

}  // namespace

void register_json_functions(FunctionTable& t) {
  const DataType V = varchar_type(), I = bigint_type(), F = double_type(), B = boolean_type();
  t.add("parse_json")
      .overload({V}, V, parse_json_kernel<false>)
      .overload({V, V}, V, parse_json_kernel<false>);
  t.add("try_parse_json")
      .overload({V}, V, parse_json_kernel<true>)
      .overload({V, V}, V, parse_json_kernel<true>);
  t.add("check_json").overload({V}, V, check_json_kernel);
  t.add("get_path").overload({V, V}, V, get_path_kernel);
  t.add("get").overload({V, V}, V, get_kernel<false>).overload({V, I}, V, get_kernel<true>);
  t.add("get_ignore_case").overload({V, V}, V, get_ignore_case_kernel);
  t.add("json_extract_path_text").overload({V, V}, V, json_extract_path_text_kernel);

  t.add("variant_to_varchar").overload({V}, V, variant_to_varchar_kernel);
  t.add("variant_to_bigint").overload({V}, I, variant_to_bigint_kernel);
  t.add("variant_to_double").overload({V}, F, variant_to_double_kernel);
  t.add("variant_to_boolean").overload({V}, B, variant_to_boolean_kernel);

  t.add("as_varchar", {"as_char"}).overload({V}, V, as_varchar_kernel);
  t.add("as_integer").overload({V}, I, as_integer_kernel);
  t.add("as_double", {"as_real"}).overload({V}, F, as_double_kernel);
  t.add("as_boolean").overload({V}, B, as_boolean_kernel);
  t.add("as_object").overload({V}, V, keep_kind(kind_bit(JsonKind::kObject), "as_object"));
  t.add("as_array").overload({V}, V, keep_kind(kind_bit(JsonKind::kArray), "as_array"));
  t.add("strip_null_value")
      .overload({V}, V, keep_kind(~kind_bit(JsonKind::kNull), "strip_null_value"));

  t.add("typeof").overload({V}, V, typeof_kernel);
  const unsigned numbers = kind_bit(JsonKind::kInteger) | kind_bit(JsonKind::kDecimal) |
                           kind_bit(JsonKind::kDouble);
  auto is = [&](const char* name, std::initializer_list<const char*> aliases, unsigned mask) {
    t.add(name, aliases).overload({V}, B, is_kind(mask, name));
  };
  is("is_array", {}, kind_bit(JsonKind::kArray));
  is("is_object", {}, kind_bit(JsonKind::kObject));
  is("is_null_value", {}, kind_bit(JsonKind::kNull));
  is("is_varchar", {"is_char"}, kind_bit(JsonKind::kString));
  is("is_integer", {}, kind_bit(JsonKind::kInteger));
  is("is_decimal", {}, kind_bit(JsonKind::kInteger) | kind_bit(JsonKind::kDecimal));
  is("is_double", {"is_real"}, numbers);
  is("is_boolean", {}, kind_bit(JsonKind::kBoolean));

  t.add("to_json").overload({V}, V, to_json_kernel);
  t.add("to_variant").rule("to_variant(ANY)", bind_to_variant);
  t.add("variant_of_text").overload({V}, V, variant_of_text_kernel);
  register_json_construct_functions(t);
}

}  // namespace floe::exec
