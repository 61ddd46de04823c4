#include "columnar/value_parse.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "base/civil_time.h"

namespace floe::columnar {

namespace {

template <typename T>
bool parse_int(std::string_view s, T* out) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

template <typename T>
bool parse_float(std::string_view s, T* out) {
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower == "nan") {
    *out = std::numeric_limits<T>::quiet_NaN();
    return true;
  }
  if (lower == "inf" || lower == "infinity" || lower == "+inf" || lower == "+infinity") {
    *out = std::numeric_limits<T>::infinity();
    return true;
  }
  if (lower == "-inf" || lower == "-infinity") {
    *out = -std::numeric_limits<T>::infinity();
    return true;
  }
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_decimal(std::string_view s, int precision, int scale, __int128* out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  __int128 v = 0;
  int digits = 0, frac = 0;
  bool dot = false, any = false;
  for (char c : s) {
    if (c == '.') {
      if (dot) return false;
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    any = true;
    if (dot) {
      if (++frac > scale) {
        if (c != '0') return false;  // would need rounding
        continue;
      }
    }
    v = v * 10 + (c - '0');
    if (v != 0) ++digits;
    if (digits > 38) return false;
  }
  if (!any) return false;
  for (; frac < scale; ++frac) v *= 10;
  __int128 limit = 1;
  for (int i = 0; i < precision; ++i) limit *= 10;
  if (v >= limit) return false;
  *out = neg ? -v : v;
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_hex(std::string_view s, std::string* out) {
  if (s.starts_with("\\x") || s.starts_with("0x")) s.remove_prefix(2);
  if (s.size() % 2) return false;
  out->clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(char(hi * 16 + lo));
  }
  return true;
}

}  // namespace

bool append_parsed_value(Column& c, std::string_view s) {
  const DataType& t = c.type();
  switch (t.id()) {
    case TypeId::kBoolean: {
      std::string l(s);
      std::transform(l.begin(), l.end(), l.begin(), ::tolower);
      if (l == "true" || l == "1" || l == "t" || l == "yes") return c.append_bool(true), true;
      if (l == "false" || l == "0" || l == "f" || l == "no") return c.append_bool(false), true;
      return false;
    }
#define FLOE_INT_CASE(ID, T)             \
  case TypeId::ID: {                     \
    T v;                                 \
    if (!parse_int(s, &v)) return false; \
    c.append<T>(v);                      \
    return true;                         \
  }
      FLOE_INT_CASE(kInt8, int8_t)
      FLOE_INT_CASE(kInt16, int16_t)
      FLOE_INT_CASE(kInt32, int32_t)
      FLOE_INT_CASE(kInt64, int64_t)
      FLOE_INT_CASE(kUInt8, uint8_t)
      FLOE_INT_CASE(kUInt16, uint16_t)
      FLOE_INT_CASE(kUInt32, uint32_t)
      FLOE_INT_CASE(kUInt64, uint64_t)
#undef FLOE_INT_CASE
    case TypeId::kFloat32: {
      float v;
      if (!parse_float(s, &v)) return false;
      c.append<float>(v);
      return true;
    }
    case TypeId::kFloat64: {
      double v;
      if (!parse_float(s, &v)) return false;
      c.append<double>(v);
      return true;
    }
    case TypeId::kDecimal: {
      __int128 v;
      if (!parse_decimal(s, t.precision(), t.scale(), &v)) return false;
      c.append<__int128>(v);
      return true;
    }
    case TypeId::kString: c.append_string(s); return true;
    case TypeId::kBinary:
    case TypeId::kFixedBinary: {
      std::string bytes;
      if (!parse_hex(s, &bytes)) return false;
      if (t.id() == TypeId::kFixedBinary) {
        if (int(bytes.size()) != t.width()) return false;
        c.append_fixed(bytes);
      } else {
        c.append_string(bytes);
      }
      return true;
    }
    case TypeId::kUuid: {
      std::string hex;
      for (char ch : s)
        if (ch != '-') hex += ch;
      std::string bytes;
      if (hex.size() != 32 || !parse_hex(hex, &bytes)) return false;
      c.append_fixed(bytes);
      return true;
    }
    case TypeId::kDate: {
      auto d = parse_date(s);
      if (!d) return false;
      c.append<int32_t>(*d);
      return true;
    }
    case TypeId::kTime: {
      auto v = parse_time_micros(s);
      if (!v) return false;
      c.append<int64_t>(t.unit() == TimeUnit::kNano ? *v * 1000 : *v);
      return true;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      auto v = parse_timestamp_micros(s);
      if (!v) return false;
      int64_t x = *v;
      if (t.unit() == TimeUnit::kMilli) {
        if (x % 1000) return false;
        x /= 1000;
      } else if (t.unit() == TimeUnit::kNano) {
        x *= 1000;
      }
      c.append<int64_t>(x);
      return true;
    }
    default: return false;
  }
}

}  // namespace floe::columnar
