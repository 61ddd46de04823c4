#include "iceberg/single_value.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "base/bytes.h"
#include "base/civil_time.h"
#include "columnar/value_text.h"

namespace floe::iceberg {

using columnar::Column;
using columnar::DataType;
using columnar::TimeUnit;
using columnar::TypeId;
using json = nlohmann::json;

namespace {

constexpr int64_t kNanosPerDay = 86400LL * 1000000000;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }


template <typename T>
std::string le_bytes(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

template <typename T>
T load(std::string_view b) {
  return load_le<T>(reinterpret_cast<const uint8_t*>(b.data()));
}

// Iceberg stores times in microseconds, timestamps in microseconds or (timestamp_ns)
// nanoseconds: the unit of the stored form of a columnar type.
TimeUnit iceberg_unit(const DataType& t) {
  if (t.id() != TypeId::kTime && t.unit() == TimeUnit::kNano) return TimeUnit::kNano;
  return TimeUnit::kMicro;
}

// `v` in unit `from` as unit `to`: exact when widening (InvalidInputError on overflow),
// rounded toward negative infinity when narrowing.
int64_t convert_units(int64_t v, TimeUnit from, TimeUnit to, const DataType& type) {
  int64_t f = units_per_second(from), t = units_per_second(to);
  if (f == t) return v;
  if (f > t) return floor_div(v, f / t);
  int64_t out;
  if (__builtin_mul_overflow(v, t / f, &out))
    throw InvalidInputError(
        fmt::format("{} value {} is outside the range of its Iceberg form", type.to_string(), v));
  return out;
}

[[noreturn]] void bad_length(const DataType& type, std::string_view expected, size_t got) {
  throw CorruptDataError(fmt::format("single-value bytes for {}: expected {}, got {} bytes",
                                     type.to_string(), expected, got));
}

// ---- ISO-8601 text as java.time's ISO_LOCAL_DATE / ISO_LOCAL_TIME write it ----

void append_iso_date(int64_t days, std::string& out) {
  CivilDate c = civil_from_days(days);
  if (c.year > 9999)
    out += fmt::format("+{}", c.year);
  else if (c.year < 0)
    out += fmt::format("-{:04}", -c.year);
  else
    out += fmt::format("{:04}", c.year);
  out += fmt::format("-{:02}-{:02}", c.month, c.day);
}

// "HH:mm:ss" and, when non-zero, the fraction without trailing zeros (".1", ".000001").
void append_iso_time(int64_t nanos_of_day, std::string& out) {
  int64_t secs = nanos_of_day / 1000000000, nano = nanos_of_day % 1000000000;
  out += fmt::format("{:02}:{:02}:{:02}", secs / 3600, (secs / 60) % 60, secs % 60);
  if (nano != 0) {
    std::string frac = fmt::format("{:09}", nano);
    while (frac.back() == '0') frac.pop_back();
    out += '.';
    out += frac;
  }
}

// Nanoseconds since midnight of "HH:mm[:ss[.f{1,9}]]", or -1.
int64_t parse_iso_time_nanos(std::string_view s) {
  auto two = [&](size_t at, int64_t* v) {
    if (at + 2 > s.size() || s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9')
      return false;
    *v = (s[at] - '0') * 10 + (s[at + 1] - '0');
    return true;
  };
  int64_t h, m, sec = 0, frac = 0;
  if (!two(0, &h) || s.size() < 5 || s[2] != ':' || !two(3, &m)) return -1;
  size_t p = 5;
  if (p < s.size()) {
    if (s[p] != ':' || !two(p + 1, &sec)) return -1;
    p += 3;
    if (p < s.size()) {
      if (s[p] != '.') return -1;
      size_t digits = s.size() - p - 1;
      if (digits < 1 || digits > 9) return -1;
      for (size_t i = p + 1; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        frac = frac * 10 + (s[i] - '0');
      }
      for (size_t i = digits; i < 9; ++i) frac *= 10;
    }
  }
  if (h > 23 || m > 59 || sec > 59) return -1;
  return ((h * 60 + m) * 60 + sec) * 1000000000 + frac;
}

struct ParsedTimestamp {
  int64_t days = 0;
  int64_t nanos_of_day = 0;
  bool has_offset = false;
  int64_t offset_seconds = 0;
};

// "yyyy-MM-ddTHH:mm[:ss[.f]]" with an optional "Z" or "±HH:MM[:SS]" offset.
bool parse_iso_timestamp(std::string_view s, ParsedTimestamp* out) {
  size_t t = s.find_first_of("Tt ");
  if (t == std::string_view::npos) return false;
  auto date = parse_date(s.substr(0, t));
  if (!date) return false;
  std::string_view rest = s.substr(t + 1);
  size_t z = rest.find_first_of("Zz+-");
  std::string_view time = rest.substr(0, z);
  int64_t nod = parse_iso_time_nanos(time);
  if (nod < 0) return false;
  out->days = *date;
  out->nanos_of_day = nod;
  if (z == std::string_view::npos) return true;
  std::string_view off = rest.substr(z);
  out->has_offset = true;
  if (off == "Z" || off == "z") return true;
  auto num = [&](size_t at) {
    if (at + 2 > off.size()) return -1;
    if (off[at] < '0' || off[at] > '9' || off[at + 1] < '0' || off[at + 1] > '9') return -1;
    return (off[at] - '0') * 10 + (off[at + 1] - '0');
  };
  int hh = num(1), mm = 0, ss = 0;
  if (hh < 0) return false;
  size_t p = 3;
  if (p < off.size()) {
    if (off[p] != ':' || (mm = num(p + 1)) < 0) return false;
    p += 3;
    if (p < off.size()) {
      if (off[p] != ':' || (ss = num(p + 1)) < 0) return false;
      p += 3;
    }
  }
  if (p != off.size() || hh > 18 || mm > 59 || ss > 59) return false;
  out->offset_seconds = (off[0] == '-' ? -1 : 1) * (hh * 3600 + mm * 60 + ss);
  return true;
}

// Decimal text ("14.20", "-0.5", "1.420E+1") as an unscaled value of exactly `scale`
// (Java's BigDecimal scale must equal the type's) within `precision` digits.
bool parse_decimal_text(std::string_view s, int precision, int scale, __int128* out) {
  size_t p = 0;
  bool neg = false;
  if (p < s.size() && (s[p] == '-' || s[p] == '+')) neg = s[p++] == '-';
  unsigned __int128 v = 0;
  int digits = 0, frac = 0;
  bool dot = false, any = false;
  for (; p < s.size() && s[p] != 'e' && s[p] != 'E'; ++p) {
    char c = s[p];
    if (c == '.') {
      if (dot) return false;
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    any = true;
    if (dot) ++frac;
    if (v != 0 || c != '0') ++digits;
    if (digits > 38) return false;
    v = v * 10 + unsigned(c - '0');
  }
  if (!any) return false;
  int exponent = 0;
  if (p < s.size()) {
    std::string_view e = s.substr(p + 1);
    if (!e.empty() && e[0] == '+') e.remove_prefix(1);
    auto r = std::from_chars(e.data(), e.data() + e.size(), exponent);
    if (e.empty() || r.ec != std::errc() || r.ptr != e.data() + e.size()) return false;
  }
  if (int64_t(frac) - exponent != scale) return false;
  if (digits > precision) return false;
  *out = neg ? -static_cast<__int128>(v) : static_cast<__int128>(v);
  return true;
}

bool parse_hex_text(std::string_view s, std::string* out) {
  auto nibble = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (s.size() % 2) return false;
  out->clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = nibble(s[i]), lo = nibble(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(char(hi * 16 + lo));
  }
  return true;
}

bool parse_uuid_text(std::string_view s, std::string* out) {
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return false;
  std::string hex;
  for (size_t i = 0; i < s.size(); ++i)
    if (i != 8 && i != 13 && i != 18 && i != 23) hex += s[i];
  return parse_hex_text(hex, out);
}

std::string hex_text(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

json float_json(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

void append_json(Column& c, const json& j);

[[noreturn]] void bad_json(const DataType& type, const json& j, std::string_view why = {}) {
  throw CorruptDataError(fmt::format("JSON single value {} is not a {} value{}{}", j.dump(),
                                     type.to_string(), why.empty() ? "" : ": ", why));
}

template <typename T>
void append_json_integer(Column& c, const json& j) {
  if (j.is_number_unsigned()) {
    uint64_t u = j.get<uint64_t>();
    if (u > uint64_t(std::numeric_limits<T>::max())) bad_json(c.type(), j, "out of range");
    c.append<T>(T(u));
  } else if (j.is_number_integer()) {
    int64_t v = j.get<int64_t>();
    if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max())
      bad_json(c.type(), j, "out of range");
    c.append<T>(T(v));
  } else {
    bad_json(c.type(), j);
  }
}

template <typename T>
void append_json_float(Column& c, const json& j) {
  if (j.is_number()) {
    c.append<T>(T(j.get<double>()));
    return;
  }
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "NaN") return c.append<T>(std::numeric_limits<T>::quiet_NaN());
    if (s == "Infinity") return c.append<T>(std::numeric_limits<T>::infinity());
    if (s == "-Infinity") return c.append<T>(-std::numeric_limits<T>::infinity());
  }
  bad_json(c.type(), j);
}

void append_json(Column& c, const json& j) {
  const DataType& t = c.type();
  if (j.is_null()) return c.append_null();
  switch (t.id()) {
    case TypeId::kBoolean:
      if (!j.is_boolean()) bad_json(t, j);
      return c.append_bool(j.get<bool>());
    case TypeId::kInt32: return append_json_integer<int32_t>(c, j);
    case TypeId::kInt64: return append_json_integer<int64_t>(c, j);
    case TypeId::kFloat32: return append_json_float<float>(c, j);
    case TypeId::kFloat64: return append_json_float<double>(c, j);
    case TypeId::kStruct: {
      if (!j.is_object()) bad_json(t, j);
      const auto& fields = t.children();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (!fields[i].field_id)
          throw InvalidInputError(fmt::format(
              "struct field {} has no field id to find its JSON single value by", fields[i].name));
        auto it = j.find(std::to_string(*fields[i].field_id));
        if (it == j.end())
          c.child(i).append_null();
        else
          append_json(c.child(i), *it);
      }
      return c.append_struct_valid();
    }
    case TypeId::kList:
      if (!j.is_array()) bad_json(t, j);
      for (const auto& e : j) append_json(c.child(0), e);
      return c.append_list_end();
    case TypeId::kMap: {
      auto keys = j.is_object() ? j.find("keys") : j.end();
      auto values = j.is_object() ? j.find("values") : j.end();
      if (!j.is_object() || keys == j.end() || values == j.end() || !keys->is_array() ||
          !values->is_array() || keys->size() != values->size())
        bad_json(t, j, "expected {\"keys\": [...], \"values\": [...]} of equal lengths");
      Column& entries = c.child(0);
      for (size_t i = 0; i < keys->size(); ++i) {
        append_json(entries.child(0), (*keys)[i]);
        append_json(entries.child(1), (*values)[i]);
        entries.append_struct_valid();
      }
      return c.append_list_end();
    }
    default: break;
  }
  if (!j.is_string()) bad_json(t, j);
  const std::string& s = j.get_ref<const std::string&>();
  switch (t.id()) {
    case TypeId::kDecimal: {
      __int128 v;
      if (!parse_decimal_text(s, t.precision(), t.scale(), &v))
        bad_json(t, j, fmt::format("expected exactly {} digits after the point", t.scale()));
      return c.append<__int128>(v);
    }
    case TypeId::kString: return c.append_string(s);
    case TypeId::kUuid: {
      std::string bytes;
      if (!parse_uuid_text(s, &bytes)) bad_json(t, j);
      return c.append_fixed(bytes);
    }
    case TypeId::kBinary:
    case TypeId::kFixedBinary: {
      std::string bytes;
      if (!parse_hex_text(s, &bytes)) bad_json(t, j, "expected hexadecimal bytes");
      if (t.id() == TypeId::kBinary) return c.append_string(bytes);
      if (int(bytes.size()) != t.width())
        bad_json(t, j, fmt::format("expected {} bytes, got {}", t.width(), bytes.size()));
      return c.append_fixed(bytes);
    }
    case TypeId::kDate: {
      auto d = parse_date(s);
      if (!d) bad_json(t, j);
      return c.append<int32_t>(*d);
    }
    case TypeId::kTime: {
      int64_t nod = parse_iso_time_nanos(s);
      if (nod < 0) bad_json(t, j);
      // Iceberg's time is microseconds; a finer column keeps what the text gave.
      return c.append<int64_t>(convert_units(nod, TimeUnit::kNano, t.unit(), t));
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      ParsedTimestamp p;
      if (!parse_iso_timestamp(s, &p)) bad_json(t, j);
      bool tz = t.id() == TypeId::kTimestampTz;
      if (!tz && p.has_offset) bad_json(t, j, "a timestamp without zone has no offset");
      if (tz && !p.has_offset) bad_json(t, j, "a timestamp with zone needs the offset +00:00");
      if (tz && p.offset_seconds != 0) bad_json(t, j, "the offset must be +00:00");
      int64_t ups = units_per_second(t.unit());
      int64_t per_day = ups * 86400, v;
      if (__builtin_mul_overflow(p.days, per_day, &v) ||
          __builtin_add_overflow(v, p.nanos_of_day / (1000000000 / ups), &v))
        bad_json(t, j, "out of range");
      return c.append<int64_t>(v);
    }
    default: break;
  }
  throw UnsupportedError(
      fmt::format("{} values have no Iceberg JSON single-value form", t.to_string()));
}

}  // namespace

std::string_view decimal_min_bytes(__int128 unscaled, char (&buf)[16]) {
  unsigned __int128 u = static_cast<unsigned __int128>(unscaled);
  for (int i = 15; i >= 0; --i) {
    buf[i] = char(uint8_t(u));
    u >>= 8;
  }
  int first = 0;
  while (first < 15) {
    uint8_t b = uint8_t(buf[first]), next = uint8_t(buf[first + 1]);
    bool redundant = (b == 0x00 && !(next & 0x80)) || (b == 0xff && (next & 0x80));
    if (!redundant) break;
    ++first;
  }
  return std::string_view(buf + first, size_t(16 - first));
}

std::string to_single_value_bytes(const Column& c, int64_t row) {
  FLOE_CHECK(row >= 0 && row < c.size() && c.is_valid(row), "row {} of {} must hold a value", row,
             c.size());
  const DataType& t = c.type();
  switch (t.id()) {
    case TypeId::kBoolean: return std::string(1, c.value<uint8_t>(row) ? '\x01' : '\x00');
    case TypeId::kInt32:
    case TypeId::kDate: return le_bytes(c.value<int32_t>(row));
    case TypeId::kInt64: return le_bytes(c.value<int64_t>(row));
    case TypeId::kFloat32: return le_bytes(c.value<float>(row));
    case TypeId::kFloat64: return le_bytes(c.value<double>(row));
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return le_bytes(convert_units(c.value<int64_t>(row), t.unit(), iceberg_unit(t), t));
    case TypeId::kString:
    case TypeId::kBinary: return std::string(c.string_at(row));
    case TypeId::kFixedBinary:
    case TypeId::kUuid: return std::string(c.fixed_at(row));
    case TypeId::kDecimal: {
      char buf[16];
      return std::string(decimal_min_bytes(c.value<__int128>(row), buf));
    }
    default: break;
  }
  throw UnsupportedError(
      fmt::format("{} values have no Iceberg binary single-value form", t.to_string()));
}

Column from_single_value_bytes(const DataType& t, std::string_view b) {
  Column c(t);
  switch (t.id()) {
    case TypeId::kBoolean:
      if (b.size() != 1) bad_length(t, "1 byte", b.size());
      c.append_bool(b[0] != 0);
      return c;
    case TypeId::kInt32:
    case TypeId::kDate:
      if (b.size() != 4) bad_length(t, "4 bytes", b.size());
      c.append<int32_t>(load<int32_t>(b));
      return c;
    case TypeId::kInt64:
      // 4 bytes: written while the column was an int, before its promotion to long.
      if (b.size() == 4)
        c.append<int64_t>(load<int32_t>(b));
      else if (b.size() == 8)
        c.append<int64_t>(load<int64_t>(b));
      else
        bad_length(t, "4 or 8 bytes", b.size());
      return c;
    case TypeId::kFloat32:
      if (b.size() != 4) bad_length(t, "4 bytes", b.size());
      c.append<float>(load<float>(b));
      return c;
    case TypeId::kFloat64:
      if (b.size() == 4)
        c.append<double>(double(load<float>(b)));
      else if (b.size() == 8)
        c.append<double>(load<double>(b));
      else
        bad_length(t, "4 or 8 bytes", b.size());
      return c;
    case TypeId::kTime:
    case TypeId::kTimestampTz:
      if (b.size() != 8) bad_length(t, "8 bytes", b.size());
      c.append<int64_t>(convert_units(load<int64_t>(b), iceberg_unit(t), t.unit(), t));
      return c;
    case TypeId::kTimestamp:
      if (b.size() == 4) {
        // A date's days, written before the column was promoted to a timestamp (v3).
        int64_t days = load<int32_t>(b), v;
        if (__builtin_mul_overflow(days, units_per_second(t.unit()) * 86400, &v))
          throw InvalidInputError(fmt::format("date {} is outside the range of {}",
                                              format_date(int32_t(days)), t.to_string()));
        c.append<int64_t>(v);
      } else if (b.size() == 8) {
        c.append<int64_t>(convert_units(load<int64_t>(b), iceberg_unit(t), t.unit(), t));
      } else {
        bad_length(t, "4 or 8 bytes", b.size());
      }
      return c;
    case TypeId::kString:
    case TypeId::kBinary: c.append_string(b); return c;
    case TypeId::kFixedBinary:
    case TypeId::kUuid:
      if (int(b.size()) != t.byte_width())
        bad_length(t, fmt::format("{} bytes", t.byte_width()), b.size());
      c.append_fixed(b);
      return c;
    case TypeId::kDecimal: {
      if (b.empty() || b.size() > 16) bad_length(t, "1 to 16 bytes", b.size());
      // Sign-extend the big-endian two's complement.
      unsigned __int128 u = (uint8_t(b[0]) & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
      for (char ch : b) u = (u << 8) | uint8_t(ch);
      c.append<__int128>(static_cast<__int128>(u));
      return c;
    }
    default: break;
  }
  throw UnsupportedError(
      fmt::format("{} values have no Iceberg binary single-value form", t.to_string()));
}

json to_json_single_value(const Column& c, int64_t row) {
  FLOE_CHECK(row >= 0 && row < c.size(), "row {} of {}", row, c.size());
  if (c.is_null(row)) return nullptr;
  const DataType& t = c.type();
  switch (t.id()) {
    case TypeId::kBoolean: return c.value<uint8_t>(row) != 0;
    case TypeId::kInt32: return c.value<int32_t>(row);
    case TypeId::kInt64: return c.value<int64_t>(row);
    case TypeId::kFloat32: {
      float f = c.value<float>(row);
      if (!std::isfinite(f)) return float_json(f);
      // The double nearest the float's shortest text, so 0.1f is written 0.1 as Java does.
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, f);
      double d = 0;
      std::from_chars(buf, r.ptr, d);
      return d;
    }
    case TypeId::kFloat64: return float_json(c.value<double>(row));
    case TypeId::kDecimal: return columnar::decimal_to_string(c.value<__int128>(row), t.scale());
    case TypeId::kString: return std::string(c.string_at(row));
    case TypeId::kBinary: return hex_text(c.string_at(row));
    case TypeId::kFixedBinary: return hex_text(c.fixed_at(row));
    case TypeId::kUuid: {
      std::string s;
      columnar::append_value_text(c, row, s);
      return s;
    }
    case TypeId::kDate: {
      std::string s;
      append_iso_date(c.value<int32_t>(row), s);
      return s;
    }
    case TypeId::kTime: {
      std::string s;
      int64_t nod = convert_units(c.value<int64_t>(row), t.unit(), TimeUnit::kNano, t);
      append_iso_time(nod - floor_div(nod, kNanosPerDay) * kNanosPerDay, s);
      return s;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      // Milliseconds are written as the microseconds Iceberg stores; nanoseconds stay.
      int64_t v = c.value<int64_t>(row);
      TimeUnit unit = t.unit() == TimeUnit::kMilli ? TimeUnit::kMicro : t.unit();
      v = convert_units(v, t.unit(), unit, t);
      int64_t ups = units_per_second(unit);
      int64_t per_day = ups * 86400;
      int64_t days = floor_div(v, per_day);
      std::string s;
      append_iso_date(days, s);
      s += 'T';
      append_iso_time((v - days * per_day) * (1000000000 / ups), s);
      if (t.id() == TypeId::kTimestampTz) s += "+00:00";
      return s;
    }
    case TypeId::kStruct: {
      json out = json::object();
      const auto& fields = t.children();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (!fields[i].field_id)
          throw InvalidInputError(fmt::format(
              "struct field {} has no field id to key its JSON single value", fields[i].name));
        // Java writes only the fields that hold a value; absent means null.
        if (c.child(i).is_valid(row))
          out[std::to_string(*fields[i].field_id)] = to_json_single_value(c.child(i), row);
      }
      return out;
    }
    case TypeId::kList: {
      json out = json::array();
      const int32_t* o = c.offsets();
      for (int32_t i = o[row]; i < o[row + 1]; ++i)
        out.push_back(to_json_single_value(c.child(0), i));
      return out;
    }
    case TypeId::kMap: {
      json keys = json::array(), values = json::array();
      const int32_t* o = c.offsets();
      const Column& entries = c.child(0);
      for (int32_t i = o[row]; i < o[row + 1]; ++i) {
        keys.push_back(to_json_single_value(entries.child(0), i));
        values.push_back(to_json_single_value(entries.child(1), i));
      }
      return json{{"keys", std::move(keys)}, {"values", std::move(values)}};
    }
    default: break;
  }
  throw UnsupportedError(
      fmt::format("{} values have no Iceberg JSON single-value form", t.to_string()));
}

Column from_json_single_value(const DataType& type, const json& j) {
  Column c(type);
  append_json(c, j);
  return c;
}

}  // namespace floe::iceberg
