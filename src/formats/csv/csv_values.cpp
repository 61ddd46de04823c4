#include "formats/csv/csv_values.h"

#include <charconv>

#include "base/civil_time.h"
#include "base/error.h"

namespace floe::formats::csv {

using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::TimeUnit;
using columnar::TypeId;

namespace {

constexpr size_t kMaxTextInMessage = 80;

inline bool ieq(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

template <typename T>
bool parse_int(std::string_view s, T* out) {
  const char* b = s.data();
  const char* e = b + s.size();
  if (b < e && *b == '+') ++b;
  auto [ptr, ec] = std::from_chars(b, e, *out);
  return ec == std::errc() && ptr == e && b < e;
}

template <typename T>
bool parse_float(std::string_view s, T* out) {
  const char* b = s.data();
  const char* e = b + s.size();
  if (b < e && *b == '+') ++b;
  auto [ptr, ec] = std::from_chars(b, e, *out, std::chars_format::general);
  return ec == std::errc() && ptr == e && b < e;
}

// Plain-looking numbers only ("nan", "inf" are accepted for declared float columns but
// must not make inference call a column of words DOUBLE).
bool looks_numeric(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  return i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.');
}

// [+-]digits[.digits]; digits past the scale round half away from zero.
bool parse_decimal(std::string_view s, int precision, int scale, __int128* out) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  __int128 limit = 1;
  for (int k = 0; k < precision; ++k) limit *= 10;
  const __int128 max_before_shift = (limit - 1) / 10;
  __int128 v = 0;
  int frac = 0, round_digit = -1;
  bool point = false, any = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    any = true;
    if (point && frac == scale) {
      if (round_digit < 0) round_digit = c - '0';
      continue;
    }
    if (v > max_before_shift) return false;
    v = v * 10 + (c - '0');
    frac += point;
  }
  if (!any) return false;
  for (; frac < scale; ++frac) {
    if (v > max_before_shift) return false;
    v *= 10;
  }
  if (round_digit >= 5) ++v;
  if (v >= limit) return false;
  *out = neg ? -v : v;
  return true;
}

int64_t micros_to_unit(int64_t micros, TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMilli: return micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000);
    case TimeUnit::kMicro: return micros;
    case TimeUnit::kNano: return micros * 1000;
  }
  return micros;
}

}  // namespace

ColumnPlan plan_for(const Field& f) {
  const DataType& t = f.type;
  switch (t.id()) {
    case TypeId::kBoolean: return {Kind::kBool};
    case TypeId::kInt8: return {Kind::kInt8};
    case TypeId::kInt16: return {Kind::kInt16};
    case TypeId::kInt32: return {Kind::kInt32};
    case TypeId::kInt64: return {Kind::kInt64};
    case TypeId::kUInt8: return {Kind::kUInt8};
    case TypeId::kUInt16: return {Kind::kUInt16};
    case TypeId::kUInt32: return {Kind::kUInt32};
    case TypeId::kUInt64: return {Kind::kUInt64};
    case TypeId::kFloat32: return {Kind::kFloat32};
    case TypeId::kFloat64: return {Kind::kFloat64};
    case TypeId::kDecimal: return {Kind::kDecimal, TimeUnit::kMicro, t.precision(), t.scale()};
    case TypeId::kString: return {Kind::kString};
    case TypeId::kBinary: return {Kind::kBinary};
    case TypeId::kDate: return {Kind::kDate};
    case TypeId::kTime: return {Kind::kTime, t.unit()};
    case TypeId::kTimestamp: return {Kind::kTimestamp, t.unit()};
    case TypeId::kTimestampTz: return {Kind::kTimestampTz, t.unit()};
    default:
      throw UnsupportedError(fmt::format("CSV column '{}' of type {}: CSV reads only scalar types",
                                         f.name, t.to_string()));
  }
}

bool convert(const ColumnPlan& plan, std::string_view s, Cell& c) {
  switch (plan.kind) {
    case Kind::kBool:
      if (ieq(s, "true") || ieq(s, "t") || s == "1") {
        c.u = 1;
        return true;
      }
      if (ieq(s, "false") || ieq(s, "f") || s == "0") {
        c.u = 0;
        return true;
      }
      return false;
    case Kind::kInt8:
    case Kind::kInt16:
    case Kind::kInt32:
    case Kind::kInt64: {
      if (!parse_int(s, &c.i)) return false;
      int64_t lo = plan.kind == Kind::kInt8    ? INT8_MIN
                   : plan.kind == Kind::kInt16 ? INT16_MIN
                   : plan.kind == Kind::kInt32 ? INT32_MIN
                                               : INT64_MIN;
      int64_t hi = plan.kind == Kind::kInt8    ? INT8_MAX
                   : plan.kind == Kind::kInt16 ? INT16_MAX
                   : plan.kind == Kind::kInt32 ? INT32_MAX
                                               : INT64_MAX;
      return c.i >= lo && c.i <= hi;
    }
    case Kind::kUInt8:
    case Kind::kUInt16:
    case Kind::kUInt32:
    case Kind::kUInt64: {
      if (!s.empty() && s[0] == '-') return false;
      if (!parse_int(s, &c.u)) return false;
      uint64_t hi = plan.kind == Kind::kUInt8    ? UINT8_MAX
                    : plan.kind == Kind::kUInt16 ? UINT16_MAX
                    : plan.kind == Kind::kUInt32 ? UINT32_MAX
                                                 : UINT64_MAX;
      return c.u <= hi;
    }
    case Kind::kFloat32: return parse_float(s, &c.f);
    case Kind::kFloat64: return parse_float(s, &c.d);
    case Kind::kDecimal: return parse_decimal(s, plan.precision, plan.scale, &c.dec);
    case Kind::kString:
    case Kind::kBinary: c.s = s; return true;
    case Kind::kDate: {
      auto d = parse_date(s);
      if (!d) return false;
      c.i = *d;
      return true;
    }
    case Kind::kTime: {
      auto t = parse_time_micros(s);
      if (!t) return false;
      c.i = micros_to_unit(*t, plan.unit);
      return true;
    }
    case Kind::kTimestamp:
    case Kind::kTimestampTz: {
      auto t = parse_timestamp_micros(s);
      if (!t) return false;
      c.i = micros_to_unit(*t, plan.unit);
      return true;
    }
  }
  return false;
}

void append_cell(const ColumnPlan& plan, const Cell& c, Column& col) {
  if (c.null) {
    col.append_null();
    return;
  }
  switch (plan.kind) {
    case Kind::kBool: col.append<uint8_t>(uint8_t(c.u)); return;
    case Kind::kInt8: col.append<int8_t>(int8_t(c.i)); return;
    case Kind::kInt16: col.append<int16_t>(int16_t(c.i)); return;
    case Kind::kInt32: col.append<int32_t>(int32_t(c.i)); return;
    case Kind::kInt64: col.append<int64_t>(c.i); return;
    case Kind::kUInt8: col.append<uint8_t>(uint8_t(c.u)); return;
    case Kind::kUInt16: col.append<uint16_t>(uint16_t(c.u)); return;
    case Kind::kUInt32: col.append<uint32_t>(uint32_t(c.u)); return;
    case Kind::kUInt64: col.append<uint64_t>(c.u); return;
    case Kind::kFloat32: col.append<float>(c.f); return;
    case Kind::kFloat64: col.append<double>(c.d); return;
    case Kind::kDecimal: col.append<__int128>(c.dec); return;
    case Kind::kString:
    case Kind::kBinary: col.append_string(c.s); return;
    case Kind::kDate: col.append<int32_t>(int32_t(c.i)); return;
    case Kind::kTime:
    case Kind::kTimestamp:
    case Kind::kTimestampTz: col.append<int64_t>(c.i); return;
  }
}

uint8_t candidates_of(std::string_view s) {
  uint8_t m = 0;
  if (ieq(s, "true") || ieq(s, "false")) return kCandBool;
  if (looks_numeric(s)) {
    int64_t i;
    double d;
    if (parse_int(s, &i)) m |= kCandBigint | kCandDouble;
    else if (parse_float(s, &d)) m |= kCandDouble;
  }
  if (s.size() >= 8 && s[4] == '-') {
    if (parse_date(s)) m |= kCandDate;
    bool zone = false;
    if (parse_timestamp_micros(s, &zone)) m |= zone ? kCandTimestampTz : kCandTimestamp;
  }
  return m;
}

DataType type_of(uint8_t mask, bool seen) {
  if (!seen) return DataType(TypeId::kString);
  if (mask & kCandBool) return DataType(TypeId::kBoolean);
  if (mask & kCandBigint) return DataType(TypeId::kInt64);
  if (mask & kCandDouble) return DataType(TypeId::kFloat64);
  if (mask & kCandDate) return DataType(TypeId::kDate);
  if (mask & kCandTimestamp) return DataType::timestamp();
  if (mask & kCandTimestampTz) return DataType::timestamp_tz();
  return DataType(TypeId::kString);
}

std::string shorten(std::string_view s) {
  if (s.size() <= kMaxTextInMessage) return std::string(s);
  return std::string(s.substr(0, kMaxTextInMessage)) + "...";
}

}  // namespace floe::formats::csv
