// Conversions between text and values: TO_VARCHAR/TO_CHAR of any value (dates and times
// with a Snowflake format, numbers with a numeric format model: 9 0 . D , G $ S MI FM X),
// TO_NUMBER/TO_DECIMAL/TO_NUMERIC (DECIMAL(38,0), rounded half away from zero), TO_DOUBLE
// and TO_BOOLEAN, each with a TRY_ form that makes bad text NULL.
#include <charconv>
#include <cmath>

#include "columnar/value_text.h"
#include "exec/calendar.h"
#include "exec/column_builder.h"
#include "exec/datetime_format.h"
#include "exec/function_library.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

using i128 = __int128;

// ---- to_varchar ----

Column text_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& x = *a.columns[0];
  std::string buf;
  return map_string(a.columns, a.rows, rt, size_t(a.rows) * 8, [&](int64_t i, StringBuilder& b) {
    buf.clear();
    columnar::append_value_text(x, i, buf);
    b.append(buf);
  });
}

template <typename T>
Column temporal_format_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& x = *a.columns[0];
  FormatArg fmt(a, 1, FormatArg::Style::kSnowflake, "to_varchar");
  std::string buf;
  return map_string(a.columns, a.rows, rt, size_t(a.rows) * 20, [&](int64_t i, StringBuilder& b) {
    int64_t us = std::is_same_v<T, int32_t> ? int64_t(x.value<int32_t>(i)) * kMicrosPerDay
                                            : x.value<int64_t>(i);
    buf.clear();
    fmt.at(i).format(us, 0, buf);
    b.append(buf);
  });
}

// A numeric format model, compiled once.
struct NumberFormat {
  bool fill_mode = false;  // FM: no padding
  bool dollar = false;
  bool hex = false, hex_upper = true;
  enum { kSignDefault, kSignLeadingS, kSignTrailingS, kSignTrailingMI } sign = kSignDefault;
  std::string int_slots;   // '9', '0' and ',' left of the point
  std::string frac_slots;  // '9' and '0' right of the point
  bool point = false;

  NumberFormat(std::string_view f, const char* fn) {
    size_t p = 0;
    auto ci = [&](std::string_view w) {
      if (f.size() - p < w.size()) return false;
      for (size_t k = 0; k < w.size(); ++k)
        if ((f[p + k] | 32) != (w[k] | 32)) return false;
      return true;
    };
    while (p < f.size()) {
      char c = f[p];
      if (ci("FM"))
        fill_mode = true, p += 2;
      else if (ci("MI"))
        sign = kSignTrailingMI, p += 2;
      else if (c == 'S' || c == 's')
        sign = (int_slots.empty() && !point) ? kSignLeadingS : kSignTrailingS, ++p;
      else if (c == '$')
        dollar = true, ++p;
      else if (c == 'X' || c == 'x')
        hex = true, hex_upper = c == 'X', int_slots += '9', ++p;
      else if (c == '9' || c == '0')
        (point ? frac_slots : int_slots) += c, ++p;
      else if ((c == ',' || c == 'G' || c == 'g') && !point)
        int_slots += ',', ++p;
      else if ((c == '.' || c == 'D' || c == 'd') && !point)
        point = true, ++p;
      else
        throw InvalidInputError(
            fmt::format("{}: '{}' in the number format '{}' is not known", fn, c, f));
    }
  }

  size_t width() const {
    return int_slots.size() + (point ? 1 + frac_slots.size() : 0) + (dollar ? 1 : 0) +
           (sign == kSignDefault && !hex ? 1
            : sign == kSignDefault       ? 0
                                         : 1);
  }

  // Formats a non-negative value given as its integer digits and fraction digits (already
  // rounded to frac_slots digits).
  void format(bool negative, std::string_view int_digits, std::string_view frac_digits,
              std::string& out) const {
    if (int_digits == "0" && frac_slots.size() > 0) int_digits = "";
    size_t slots = 0;
    for (char c : int_slots) slots += c != ',';
    if (int_digits.size() > slots || (hex && negative)) {
      out.append(width(), '#');
      return;
    }
    size_t zero_from = int_slots.find('0');
    std::string body;
    // Fill the integer slots from the right.
    size_t d = int_digits.size();
    bool any_digit = false;
    std::string rev;
    for (size_t k = int_slots.size(); k-- > 0;) {
      char slot = int_slots[k];
      bool zero_fill = zero_from != std::string::npos && k >= zero_from;
      if (slot == ',') {
        bool digit_left = d > 0 || (zero_fill && k > zero_from);
        if (digit_left)
          rev += ',';
        else if (!fill_mode)
          rev += ' ';
        continue;
      }
      if (d > 0) {
        rev += int_digits[--d];
        any_digit = true;
      } else if (zero_fill) {
        rev += '0';
        any_digit = true;
      } else if (!fill_mode) {
        rev += ' ';
      }
    }
    if (!any_digit && frac_slots.empty() && !int_slots.empty()) rev.back() = '0';
    body.assign(rev.rbegin(), rev.rend());
    // The sign goes just before the first digit, padding before it.
    size_t first = body.find_first_not_of(' ');
    std::string pad = first == std::string::npos ? body : body.substr(0, first);
    std::string digits = first == std::string::npos ? "" : body.substr(first);
    std::string lead;
    if (sign == kSignDefault && !hex) lead = negative ? "-" : (fill_mode ? "" : " ");
    if (sign == kSignLeadingS) lead = negative ? "-" : "+";
    out += pad;
    out += lead;
    if (dollar) out += '$';
    out += digits;
    if (point) {
      out += '.';
      out += frac_digits;
    }
    if (sign == kSignTrailingS) out += negative ? '-' : '+';
    if (sign == kSignTrailingMI) out += negative ? "-" : (fill_mode ? "" : " ");
  }
};

std::string i128_digits(i128 v) {  // v >= 0
  if (v == 0) return "0";
  std::string s;
  while (v > 0) {
    s += char('0' + int(v % 10));
    v /= 10;
  }
  return std::string(s.rbegin(), s.rend());
}

std::string hex_digits(uint64_t v, bool upper) {
  if (v == 0) return "0";
  std::string s;
  const char* d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  while (v) {
    s += d[v & 15];
    v >>= 4;
  }
  return std::string(s.rbegin(), s.rend());
}

// Formats an unscaled decimal of `scale` with the model (rounding half away from zero).
void format_decimal(const NumberFormat& f, i128 v, int scale, std::string& out) {
  bool neg = v < 0;
  i128 mag = neg ? -v : v;
  int want = int(f.frac_slots.size());
  if (f.hex) {
    if (scale > 0) {
      i128 m = 1;
      for (int k = 0; k < scale; ++k) m *= 10;
      mag = (mag + m / 2) / m;
    }
    f.format(neg,
             mag > i128(UINT64_MAX) ? std::string(64, 'F') : hex_digits(uint64_t(mag), f.hex_upper),
             "", out);
    return;
  }
  if (want < scale) {
    i128 m = 1;
    for (int k = want; k < scale; ++k) m *= 10;
    mag = (mag + m / 2) / m;
    scale = want;
  }
  std::string digits = i128_digits(mag);
  if (int(digits.size()) <= scale) digits.insert(0, size_t(scale + 1) - digits.size(), '0');
  std::string ip = digits.substr(0, digits.size() - size_t(scale));
  std::string fp = digits.substr(digits.size() - size_t(scale));
  fp.append(size_t(want - scale), '0');
  f.format(neg && mag != 0, ip, fp, out);
}

void format_double(const NumberFormat& f, double x, std::string& out) {
  if (!std::isfinite(x)) {
    out += fmt::format("{}", x);
    return;
  }
  int want = int(f.frac_slots.size());
  double r = std::round(std::fabs(x) * std::pow(10.0, want));
  if (r >= 1e38) {
    out.append(f.width(), '#');
    return;
  }
  format_decimal(f, i128(r) * (x < 0 ? -1 : 1), want, out);
}

template <typename T>
Column number_format_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& x = *a.columns[0];
  const Column& fc = *a.columns[1];
  std::optional<NumberFormat> fixed;
  if (is_constant(a, 1) && a.rows > 0 && fc.is_valid(0))
    fixed.emplace(fc.string_at(0), "to_varchar");
  const int scale = x.type().scale();
  std::string buf;
  return map_string(a.columns, a.rows, rt, size_t(a.rows) * 12, [&](int64_t i, StringBuilder& b) {
    std::optional<NumberFormat> own;
    if (!fixed) own.emplace(fc.string_at(i), "to_varchar");
    const NumberFormat& f = fixed ? *fixed : *own;
    buf.clear();
    if constexpr (std::is_same_v<T, double>)
      format_double(f, x.value<double>(i), buf);
    else if constexpr (std::is_same_v<T, int64_t>)
      format_decimal(f, x.value<int64_t>(i), 0, buf);
    else
      format_decimal(f, x.value<i128>(i), scale, buf);
    b.append(buf);
  });
}

std::optional<ScalarFunction> bind_to_varchar(std::span<const DataType> args) {
  if (args.empty() || args.size() > 2 || args[0].is_nested()) return std::nullopt;
  DataType t = value_type(args[0]);
  if (args.size() == 1) return bound(varchar_type(), {t}, text_kernel);
  if (!can_implicitly_cast(args[1], varchar_type())) return std::nullopt;
  ScalarKernel k;
  switch (t.id()) {
    case TypeId::kDate: k = temporal_format_kernel<int32_t>; break;
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: k = temporal_format_kernel<int64_t>; break;
    case TypeId::kInt64: k = number_format_kernel<int64_t>; break;
    case TypeId::kFloat64: k = number_format_kernel<double>; break;
    case TypeId::kDecimal: k = number_format_kernel<i128>; break;
    case TypeId::kString: t = timestamp_type(), k = temporal_format_kernel<int64_t>; break;
    default: return std::nullopt;
  }
  return bound(varchar_type(), {t, varchar_type()}, k);
}

// ---- to_number, to_double ----

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Text as read with a number format: group separators, '$' and blanks dropped, a trailing
// sign moved to the front.
std::string strip_number_format(std::string_view s) {
  std::string out;
  char trailing = 0;
  s = trim(s);
  if (!s.empty() && (s.back() == '-' || s.back() == '+')) {
    trailing = s.back();
    s.remove_suffix(1);
  }
  if (trailing) out += trailing;
  for (char c : s)
    if (c != ',' && c != '$' && c != ' ') out += c;
  return out;
}

// Decimal text ([+-]digits[.digits][e[+-]digits]) rounded half away from zero to an
// integer; false when it is not a number or needs more than 38 digits.
bool parse_integer_rounded(std::string_view s, i128* out) {
  s = trim(s);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) neg = s[0] == '-', s.remove_prefix(1);
  std::string m;
  int64_t point = -1, exp = 0;
  size_t p = 0;
  for (; p < s.size(); ++p) {
    char c = s[p];
    if (c >= '0' && c <= '9')
      m += c;
    else if (c == '.' && point < 0)
      point = int64_t(m.size());
    else
      break;
  }
  if (m.empty()) return false;
  if (p < s.size()) {
    if ((s[p] | 32) != 'e') return false;
    auto r = std::from_chars(s.data() + p + 1 + (s.size() > p + 1 && s[p + 1] == '+'),
                             s.data() + s.size(), exp);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || exp > 100 || exp < -100)
      return false;
  }
  int64_t int_digits = (point < 0 ? int64_t(m.size()) : point) + exp;
  i128 v = 0;
  int significant = 0;
  for (int64_t k = 0; k < int_digits; ++k) {
    int d = k < int64_t(m.size()) ? m[size_t(k)] - '0' : 0;
    v = v * 10 + d;
    if (v != 0 && ++significant > 38) return false;
  }
  if (int_digits >= 0 && int_digits < int64_t(m.size()) && m[size_t(int_digits)] >= '5') ++v;
  i128 limit = 1;
  for (int k = 0; k < 38; ++k) limit *= 10;
  if (v >= limit) return false;
  *out = neg ? -v : v;
  return true;
}

template <bool kTry>
Column to_number_text_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = kTry ? "try_to_number" : "to_number";
  const Column& s = *a.columns[0];
  const Column* fmt_col = a.columns.size() > 1 ? a.columns[1] : nullptr;
  return map_fixed_or_null<i128>(a.columns, a.rows, rt, [&](int64_t i, i128* out) {
    std::string_view v = s.string_at(i);
    bool ok;
    if (fmt_col) {
      std::string_view f = fmt_col->string_at(i);
      std::string t = strip_number_format(v);
      if (f.find_first_of("Xx") != std::string_view::npos) {
        uint64_t u;
        auto r = std::from_chars(t.data(), t.data() + t.size(), u, 16);
        ok = r.ec == std::errc() && r.ptr == t.data() + t.size() && !t.empty();
        if (ok) *out = u;
      } else {
        ok = parse_integer_rounded(t, out);
      }
    } else {
      ok = parse_integer_rounded(v, out);
    }
    if (!ok && !kTry) throw InvalidInputError(fmt::format("{}: '{}' is not a number", fn, v));
    return ok;
  });
}

Column to_number_double_kernel(const ScalarArgs& a, const DataType& rt) {
  const double* x = a.columns[0]->values<double>();
  return map_fixed<i128>(a.columns, a.rows, rt, [&](int64_t i) {
    double r = std::round(x[i]);
    if (!(std::fabs(r) < 1e38))
      throw InvalidInputError(fmt::format("to_number: {} is out of range", x[i]));
    return i128(r);
  });
}

Column to_number_bigint_kernel(const ScalarArgs& a, const DataType& rt) {
  const int64_t* x = a.columns[0]->values<int64_t>();
  return map_fixed<i128>(a.columns, a.rows, rt, [&](int64_t i) { return i128(x[i]); });
}

std::optional<ScalarFunction> bind_to_number_decimal(std::span<const DataType> args) {
  if (args.size() != 1 || args[0].id() != TypeId::kDecimal) return std::nullopt;
  int scale = args[0].scale();
  return bound(DataType::decimal(38, 0), {args[0]},
               [scale](const ScalarArgs& a, const DataType& rt) {
                 const i128* x = a.columns[0]->values<i128>();
                 i128 m = 1;
                 for (int k = 0; k < scale; ++k) m *= 10;
                 return map_fixed<i128>(a.columns, a.rows, rt, [&](int64_t i) {
                   i128 v = x[i], q = v / m, r = v % m;
                   if ((r < 0 ? -r : r) * 2 >= m && m > 1) q += v < 0 ? -1 : 1;
                   return q;
                 });
               });
}

bool parse_double(std::string_view s, double* out) {
  s = trim(s);
  if (s.empty()) return false;
  std::string l;
  for (char c : s) l += char(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (l == "nan") return *out = std::nan(""), true;
  if (l == "inf" || l == "infinity" || l == "+inf" || l == "+infinity")
    return *out = HUGE_VAL, true;
  if (l == "-inf" || l == "-infinity") return *out = -HUGE_VAL, true;
  if (s[0] == '+') s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

template <bool kTry>
Column to_double_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = kTry ? "try_to_double" : "to_double";
  const Column& s = *a.columns[0];
  const bool formatted = a.columns.size() > 1;
  return map_fixed_or_null<double>(a.columns, a.rows, rt, [&](int64_t i, double* out) {
    std::string_view v = s.string_at(i);
    bool ok = formatted ? parse_double(strip_number_format(v), out) : parse_double(v, out);
    if (!ok && !kTry) throw InvalidInputError(fmt::format("{}: '{}' is not a number", fn, v));
    return ok;
  });
}

// ---- to_boolean ----

template <bool kTry>
Column to_boolean_text_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = kTry ? "try_to_boolean" : "to_boolean";
  const Column& s = *a.columns[0];
  return map_fixed_or_null<uint8_t>(a.columns, a.rows, rt, [&](int64_t i, uint8_t* out) {
    std::string_view v = trim(s.string_at(i));
    std::string l;
    for (char c : v.substr(0, 8)) l += char(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (v.size() <= 5) {
      for (const char* t : {"true", "t", "yes", "y", "on", "1"})
        if (l == t) return *out = 1, true;
      for (const char* f : {"false", "f", "no", "n", "off", "0"})
        if (l == f) return *out = 0, true;
    }
    if (!kTry)
      throw InvalidInputError(fmt::format("{}: '{}' is not a boolean", fn, s.string_at(i)));
    return false;
  });
}

Column to_boolean_number_kernel(const ScalarArgs& a, const DataType& rt) {
  const double* x = a.columns[0]->values<double>();
  return map_fixed<uint8_t>(a.columns, a.rows, rt, [&](int64_t i) -> uint8_t { return x[i] != 0; });
}

}  // namespace

void register_conversion_functions(FunctionTable& t) {
  const DataType V = varchar_type(), I = bigint_type(), F = double_type(), B = boolean_type();
  const DataType N = DataType::decimal(38, 0);
  t.add("to_varchar", {"to_char"}).rule("to_varchar(ANY[, VARCHAR])", bind_to_varchar);
  auto to_number = [&](const char* name, std::initializer_list<const char*> aliases,
                       bool try_form) {
    auto& f = t.add(name, aliases);
    if (try_form) {
      f.overload({V}, N, to_number_text_kernel<true>)
          .overload({V, V}, N, to_number_text_kernel<true>);
      return;
    }
    f.rule(std::string(name) + "(DECIMAL)", bind_to_number_decimal)
        .overload({V}, N, to_number_text_kernel<false>)
        .overload({V, V}, N, to_number_text_kernel<false>)
        .overload({I}, N, to_number_bigint_kernel)
        .overload({F}, N, to_number_double_kernel);
  };
  to_number("to_number", {"to_decimal", "to_numeric"}, false);
  to_number("try_to_number", {"try_to_decimal", "try_to_numeric"}, true);
  t.add("to_double")
      .overload({V}, F, to_double_kernel<false>)
      .overload({V, V}, F, to_double_kernel<false>);
  t.add("try_to_double")
      .overload({V}, F, to_double_kernel<true>)
      .overload({V, V}, F, to_double_kernel<true>);
  t.add("to_boolean")
      .overload({B}, B, [](const ScalarArgs& a, const DataType&) { return a.columns[0]->copy(); })
      .overload({V}, B, to_boolean_text_kernel<false>)
      .overload({F}, B, to_boolean_number_kernel);
  t.add("try_to_boolean").overload({V}, B, to_boolean_text_kernel<true>);
}

}  // namespace floe::exec
