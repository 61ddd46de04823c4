#include "iceberg/transform.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "base/bits.h"
#include "base/civil_time.h"
#include "base/utf8.h"
#include "columnar/value_text.h"
#include "iceberg/murmur3.h"
#include "iceberg/single_value.h"

namespace floe::iceberg {

using columnar::Column;
using columnar::DataType;
using columnar::TimeUnit;
using columnar::TypeId;
using formats::ColumnPredicate;
using formats::CompareOp;
using Kind = Transform::Kind;

namespace {


int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Microseconds, as Appendix B hashes times and timestamps; wraps rather than overflow for
// millisecond values beyond ±292,000 years.
int64_t to_micros(int64_t v, TimeUnit u) {
  switch (u) {
    case TimeUnit::kMilli: return int64_t(uint64_t(v) * 1000u);
    case TimeUnit::kMicro: return v;
    case TimeUnit::kNano: return floor_div(v, 1000);
  }
  return v;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::kIdentity: return "identity";
    case Kind::kBucket: return "bucket";
    case Kind::kTruncate: return "truncate";
    case Kind::kYear: return "year";
    case Kind::kMonth: return "month";
    case Kind::kDay: return "day";
    case Kind::kHour: return "hour";
    case Kind::kVoid: return "void";
    case Kind::kUnknown: return "unknown";
  }
  return "unknown";
}

bool is_timestamp(TypeId id) { return id == TypeId::kTimestamp || id == TypeId::kTimestampTz; }

bool is_primitive(TypeId id) {
  switch (id) {
    case TypeId::kNull:
    case TypeId::kStruct:
    case TypeId::kList:
    case TypeId::kMap: return false;
    default: return true;
  }
}

void copy_validity(const Column& src, Column& out) {
  if (src.null_count() > 0) out.validity_buffer() = src.validity_buffer().copy();
}

// A fixed-width result: out[i] = f(i) for valid rows, 0 for null ones.
template <typename Out, typename F>
Column map_fixed(const Column& src, DataType out_type, F f) {
  Column out(std::move(out_type));
  const int64_t n = src.size();
  out.data_buffer().resize(size_t(n) * sizeof(Out));
  Out* dst = out.data_buffer().as<Out>();
  if (src.null_count() == 0) {
    for (int64_t i = 0; i < n; ++i) dst[i] = f(i);
  } else {
    for (int64_t i = 0; i < n; ++i) dst[i] = src.is_valid(i) ? f(i) : Out{};
  }
  copy_validity(src, out);
  out.set_size(n, src.null_count());
  return out;
}

Column all_null(const DataType& type, int64_t n) {
  Column out(type);
  if (!is_primitive(type.id())) {
    for (int64_t i = 0; i < n; ++i) out.append_null();
    return out;
  }
  out.validity_buffer().resize_zeroed(size_t(bitmap_bytes(n)));
  if (type.is_variable_width()) {
    out.offsets_buffer().resize_zeroed(size_t(n + 1) * 4);
  } else {
    out.data_buffer().resize_zeroed(size_t(n) * size_t(type.byte_width()));
  }
  out.set_size(n, n);
  return out;
}

Column bucket_column(const Column& src, int32_t n_buckets) {
  const DataType& t = src.type();
  auto bucket_of = [n_buckets](int32_t hash) {
    return int32_t((hash & std::numeric_limits<int32_t>::max()) % n_buckets);
  };
  DataType out_type(TypeId::kInt32);
  switch (t.id()) {
    case TypeId::kInt32:
    case TypeId::kDate: {
      const int32_t* v = src.values<int32_t>();
      return map_fixed<int32_t>(src, out_type,
                                [&](int64_t i) { return bucket_of(murmur3_hash_long(v[i])); });
    }
    case TypeId::kInt64: {
      const int64_t* v = src.values<int64_t>();
      return map_fixed<int32_t>(src, out_type,
                                [&](int64_t i) { return bucket_of(murmur3_hash_long(v[i])); });
    }
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      const int64_t* v = src.values<int64_t>();
      TimeUnit u = t.unit();
      return map_fixed<int32_t>(src, out_type, [&](int64_t i) {
        return bucket_of(murmur3_hash_long(to_micros(v[i], u)));
      });
    }
    case TypeId::kDecimal: {
      const __int128* v = src.values<__int128>();
      return map_fixed<int32_t>(src, out_type, [&](int64_t i) {
        char buf[16];
        return bucket_of(murmur3_x86_32(decimal_min_bytes(v[i], buf)));
      });
    }
    case TypeId::kString:
    case TypeId::kBinary:
      return map_fixed<int32_t>(
          src, out_type, [&](int64_t i) { return bucket_of(murmur3_x86_32(src.string_at(i))); });
    case TypeId::kFixedBinary:
    case TypeId::kUuid:
      return map_fixed<int32_t>(
          src, out_type, [&](int64_t i) { return bucket_of(murmur3_x86_32(src.fixed_at(i))); });
    default: break;
  }
  throw InternalError(fmt::format("bucket on {} passed type checks", t.to_string()));
}

// v - (((v % W) + W) % W): the remainder made non-negative without the overflow that
// v % W + W risks, subtracted in wrapping arithmetic as Java does at the type's limits.
template <typename T, typename U>
T truncate_integer(T v, T w) {
  T r = v % w;
  if (r < 0) r += w;
  return T(U(v) - U(r));
}

Column truncate_column(const Column& src, int32_t width) {
  const DataType& t = src.type();
  switch (t.id()) {
    case TypeId::kInt32: {
      const int32_t* v = src.values<int32_t>();
      return map_fixed<int32_t>(
          src, t, [&](int64_t i) { return truncate_integer<int32_t, uint32_t>(v[i], width); });
    }
    case TypeId::kInt64: {
      const int64_t* v = src.values<int64_t>();
      return map_fixed<int64_t>(
          src, t, [&](int64_t i) { return truncate_integer<int64_t, uint64_t>(v[i], width); });
    }
    case TypeId::kDecimal: {
      const __int128* v = src.values<__int128>();
      return map_fixed<__int128>(src, t, [&](int64_t i) {
        return truncate_integer<__int128, unsigned __int128>(v[i], width);
      });
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      const bool text = t.id() == TypeId::kString;
      const int64_t n = src.size();
      Column out(t);
      out.offsets_buffer().resize(size_t(n + 1) * 4);
      out.data_buffer().reserve(src.data_buffer().size());
      int32_t* o = out.offsets_buffer().as<int32_t>();
      o[0] = 0;
      for (int64_t i = 0; i < n; ++i) {
        size_t len = 0;
        if (src.is_valid(i)) {
          std::string_view s = src.string_at(i);
          len = text ? utf8_prefix_bytes(s, size_t(width)) : std::min(s.size(), size_t(width));
          out.data_buffer().append(s.data(), len);
        }
        o[i + 1] = o[i] + int32_t(len);
      }
      copy_validity(src, out);
      out.set_size(n, src.null_count());
      return out;
    }
    default: break;
  }
  throw InternalError(fmt::format("truncate on {} passed type checks", t.to_string()));
}

int32_t years_from_days(int64_t days) { return int32_t(civil_from_days(days).year - 1970); }

int32_t months_from_days(int64_t days) {
  CivilDate c = civil_from_days(days);
  return int32_t((c.year - 1970) * 12 + int64_t(c.month) - 1);
}

Column time_column(Kind kind, const Column& src) {
  const DataType& t = src.type();
  DataType out_type(kind == Kind::kDay ? TypeId::kDate : TypeId::kInt32);
  if (t.id() == TypeId::kDate) {
    const int32_t* v = src.values<int32_t>();
    switch (kind) {
      case Kind::kYear:
        return map_fixed<int32_t>(src, out_type, [&](int64_t i) { return years_from_days(v[i]); });
      case Kind::kMonth:
        return map_fixed<int32_t>(src, out_type, [&](int64_t i) { return months_from_days(v[i]); });
      default: return map_fixed<int32_t>(src, out_type, [&](int64_t i) { return v[i]; });
    }
  }
  const int64_t* v = src.values<int64_t>();
  const int64_t per_hour = units_per_second(t.unit()) * 3600;
  const int64_t per_day = per_hour * 24;
  switch (kind) {
    case Kind::kYear:
      return map_fixed<int32_t>(
          src, out_type, [&](int64_t i) { return years_from_days(floor_div(v[i], per_day)); });
    case Kind::kMonth:
      return map_fixed<int32_t>(
          src, out_type, [&](int64_t i) { return months_from_days(floor_div(v[i], per_day)); });
    case Kind::kDay:
      return map_fixed<int32_t>(src, out_type,
                                [&](int64_t i) { return int32_t(floor_div(v[i], per_day)); });
    default:
      return map_fixed<int32_t>(src, out_type,
                                [&](int64_t i) { return int32_t(floor_div(v[i], per_hour)); });
  }
}

// ---- Java's text forms (toHumanString) ----

// Java's Double.toString / Float.toString: shortest digits that round-trip, written plainly
// for 1e-3 <= |v| < 1e7 ("100.0", "0.001") and as "1.0E7" / "1.0E-4" otherwise.
template <typename F>
std::string java_float_string(F v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view s(buf, size_t(r.ptr - buf));
  std::string out;
  if (s[0] == '-') {
    out += '-';
    s.remove_prefix(1);
  }
  size_t e = s.find('e');
  std::string digits;
  for (char c : s.substr(0, e))
    if (c != '.') digits += c;
  int exp = 0;
  std::string_view es = s.substr(e + 1);
  if (es[0] == '+') es.remove_prefix(1);
  std::from_chars(es.data(), es.data() + es.size(), exp);
  if (exp >= -3 && exp < 7) {
    if (exp >= 0) {
      while (int(digits.size()) < exp + 1) digits += '0';
      out += digits.substr(0, size_t(exp) + 1);
      out += '.';
      out += digits.size() > size_t(exp) + 1 ? digits.substr(size_t(exp) + 1) : "0";
    } else {
      out += "0.";
      out.append(size_t(-exp - 1), '0');
      out += digits;
    }
  } else {
    out += digits[0];
    out += '.';
    out += digits.size() > 1 ? digits.substr(1) : "0";
    out += fmt::format("E{}", exp);
  }
  return out;
}

// Java's BigDecimal.toString for a non-negative scale: plain unless the adjusted exponent is
// below -6, then scientific ("1E-7", "1.23E-8", "0E-10").
std::string java_decimal_string(__int128 unscaled, int scale) {
  std::string plain = columnar::decimal_to_string(unscaled, 0);
  bool neg = unscaled < 0;
  std::string digits = neg ? plain.substr(1) : plain;
  int64_t adjusted = -int64_t(scale) + int64_t(digits.size()) - 1;
  if (scale == 0 || adjusted >= -6) return columnar::decimal_to_string(unscaled, scale);
  std::string out = neg ? "-" : "";
  out += digits[0];
  if (digits.size() > 1) {
    out += '.';
    out += digits.substr(1);
  }
  out += fmt::format("E{}", adjusted);
  return out;
}

std::string base64(std::string_view bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 |
                 uint8_t(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Java's String.format("%04d-%02d-%02d") of a day (TransformUtil.humanDay).
std::string human_day(int64_t days) {
  CivilDate c = civil_from_days(days);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

// Java's LocalTime.toString: "10:00", "10:00:01", "10:00:00.500", "10:00:00.000001".
std::string human_time(int64_t nanos_of_day) {
  int64_t secs = floor_div(nanos_of_day, 1000000000);
  int64_t nano = nanos_of_day - secs * 1000000000;
  std::string out = fmt::format("{:02}:{:02}", secs / 3600, (secs / 60) % 60);
  if (secs % 60 > 0 || nano > 0) {
    out += fmt::format(":{:02}", secs % 60);
    if (nano > 0) {
      if (nano % 1000000 == 0)
        out += fmt::format(".{:03}", nano / 1000000);
      else if (nano % 1000 == 0)
        out += fmt::format(".{:06}", nano / 1000);
      else
        out += fmt::format(".{:09}", nano);
    }
  }
  return out;
}

// Java's Transform.toHumanString(type, value) for a valid value of the column's type.
std::string human_value(const Column& c, int64_t row) {
  const DataType& t = c.type();
  switch (t.id()) {
    case TypeId::kFloat32: return java_float_string(c.value<float>(row));
    case TypeId::kFloat64: return java_float_string(c.value<double>(row));
    case TypeId::kDecimal: return java_decimal_string(c.value<__int128>(row), t.scale());
    case TypeId::kBinary: return base64(c.string_at(row));
    case TypeId::kFixedBinary: return base64(c.fixed_at(row));
    case TypeId::kDate: return human_day(c.value<int32_t>(row));
    case TypeId::kTime: {
      int64_t v = c.value<int64_t>(row);
      int64_t nanos = t.unit() == TimeUnit::kNano ? v : to_micros(v, t.unit()) * 1000;
      return human_time(nanos);
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      // Java's humanTimestamp* are DateTimeUtil's ISO forms, the JSON single-value forms.
      return to_json_single_value(c, row).get<std::string>();
    default: {
      std::string out;
      columnar::append_value_text(c, row, out);
      return out;
    }
  }
}

// ---- projection ----

// `c` as a column of type `to` when the values carry over unchanged (same type, date and int
// sharing int32 days, decimal precision widening) or widen (int to long, float to double).
std::optional<Column> retype(Column c, const DataType& to) {
  const DataType& from = c.type();
  if (from == to) return c;
  auto int32_like = [](TypeId id) { return id == TypeId::kInt32 || id == TypeId::kDate; };
  bool same_layout =
      (int32_like(from.id()) && int32_like(to.id())) ||
      (from.id() == TypeId::kDecimal && to.id() == TypeId::kDecimal && from.scale() == to.scale());
  if (same_layout) {
    Column out(to);
    out.data_buffer() = c.data_buffer().copy();
    copy_validity(c, out);
    out.set_size(c.size(), c.null_count());
    return out;
  }
  if (from.id() == TypeId::kInt32 && to.id() == TypeId::kInt64) {
    const int32_t* v = c.values<int32_t>();
    return map_fixed<int64_t>(c, to, [&](int64_t i) { return int64_t(v[i]); });
  }
  if (from.id() == TypeId::kFloat32 && to.id() == TypeId::kFloat64) {
    const float* v = c.values<float>();
    return map_fixed<double>(c, to, [&](int64_t i) { return double(v[i]); });
  }
  return std::nullopt;
}

// The one-row literal `values[0]` moved by `delta` (±1 in the source's unit), or nullopt
// when that overflows (a bound at the type's limit, which no narrower predicate can state).
std::optional<Column> step_literal(const Column& values, int delta) {
  Column out = values.slice(0, 1);
  switch (out.type().id()) {
    case TypeId::kInt32:
    case TypeId::kDate: {
      int32_t* v = out.mutable_values<int32_t>();
      if (__builtin_add_overflow(v[0], delta, &v[0])) return std::nullopt;
      return out;
    }
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      int64_t* v = out.mutable_values<int64_t>();
      if (__builtin_add_overflow(v[0], int64_t(delta), &v[0])) return std::nullopt;
      return out;
    }
    case TypeId::kDecimal: {
      __int128* v = out.mutable_values<__int128>();
      if (__builtin_add_overflow(v[0], __int128(delta), &v[0])) return std::nullopt;
      return out;
    }
    default: return std::nullopt;
  }
}

std::optional<ColumnPredicate> make_term(const std::string& name, CompareOp op, Column values,
                                         const DataType& partition_type) {
  std::optional<Column> typed = retype(std::move(values), partition_type);
  if (!typed) return std::nullopt;
  return ColumnPredicate{name, op, std::move(*typed)};
}

// Java's truncateInteger/truncateLong/truncateDecimal: < v is <= f(v - 1), > v is >= f(v + 1).
std::optional<ColumnPredicate> project_ordered_integer(const Transform& t, const std::string& name,
                                                       const DataType& partition_type,
                                                       const ColumnPredicate& term) {
  std::optional<Column> literal;
  CompareOp op = term.op;
  switch (term.op) {
    case CompareOp::kLt:
      literal = step_literal(term.values, -1);
      op = CompareOp::kLe;
      break;
    case CompareOp::kGt:
      literal = step_literal(term.values, +1);
      op = CompareOp::kGe;
      break;
    case CompareOp::kLe:
    case CompareOp::kGe:
    case CompareOp::kEq: literal = term.values.slice(0, 1); break;
    case CompareOp::kIn: literal = term.values.copy(); break;
    default: return std::nullopt;
  }
  if (!literal) return std::nullopt;
  return make_term(name, op, apply_transform(t, *literal), partition_type);
}

// Java's truncateArray for strings and binaries: truncation is monotonic, so < and <= become
// <= trunc(v), > and >= become >= trunc(v).
std::optional<ColumnPredicate> project_truncated_array(const Transform& t, const std::string& name,
                                                       const DataType& partition_type,
                                                       const ColumnPredicate& term) {
  CompareOp op;
  switch (term.op) {
    case CompareOp::kLt:
    case CompareOp::kLe: op = CompareOp::kLe; break;
    case CompareOp::kGt:
    case CompareOp::kGe: op = CompareOp::kGe; break;
    case CompareOp::kEq: op = CompareOp::kEq; break;
    case CompareOp::kIn:
      return make_term(name, CompareOp::kIn, apply_transform(t, term.values), partition_type);
    default: return std::nullopt;
  }
  return make_term(name, op, apply_transform(t, term.values.slice(0, 1)), partition_type);
}

// Java's fixInclusiveTimeProjection: versions up to 0.10.0 wrote pre-epoch time partitions
// one too large, so negative bounds widen by one to keep those files.
void fix_inclusive_time_projection(ColumnPredicate& p) {
  if (p.values.type().byte_width() != 4) return;
  const int32_t* v = p.values.values<int32_t>();
  auto negative = [&](int64_t i) { return p.values.is_valid(i) && v[i] < 0; };
  switch (p.op) {
    case CompareOp::kLt:
    case CompareOp::kLe:
      if (negative(0)) p.values.mutable_values<int32_t>()[0] += 1;
      return;
    case CompareOp::kEq:
    case CompareOp::kIn: {
      bool any = false;
      for (int64_t i = 0; i < p.values.size(); ++i) any = any || negative(i);
      if (!any) return;
      Column fixed(p.values.type());
      for (int64_t i = 0; i < p.values.size(); ++i) {
        if (p.values.is_null(i)) {
          fixed.append_null();
          continue;
        }
        fixed.append<int32_t>(v[i]);
        if (v[i] < 0) fixed.append<int32_t>(v[i] + 1);
      }
      p.op = CompareOp::kIn;
      p.values = std::move(fixed);
      return;
    }
    default: return;
  }
}

}  // namespace

Transform parse_transform(std::string_view text) {
  Transform t;
  size_t open = text.find('[');
  if (open != std::string_view::npos && !text.empty() && text.back() == ']') {
    std::string_view name = text.substr(0, open);
    bool bucket = iequals(name, "bucket");
    if (bucket || iequals(name, "truncate")) {
      std::string_view arg = text.substr(open + 1, text.size() - open - 2);
      int32_t v = 0;
      auto r = std::from_chars(arg.data(), arg.data() + arg.size(), v);
      bool digits_only = !arg.empty() && arg.find_first_not_of("0123456789") == arg.npos;
      FLOE_CORRUPT_IF(
          !digits_only || r.ec != std::errc() || r.ptr != arg.data() + arg.size() || v <= 0,
          "partition transform \"{}\": the {} must be a positive integer", text,
          bucket ? "number of buckets" : "width");
      t.kind = bucket ? Kind::kBucket : Kind::kTruncate;
      t.param = v;
      return t;
    }
  }
  static constexpr std::pair<std::string_view, Kind> kPlain[] = {
      {"identity", Kind::kIdentity}, {"year", Kind::kYear}, {"month", Kind::kMonth},
      {"day", Kind::kDay},           {"hour", Kind::kHour}, {"void", Kind::kVoid}};
  for (const auto& [name, kind] : kPlain) {
    if (iequals(text, name)) {
      t.kind = kind;
      return t;
    }
  }
  t.kind = Kind::kUnknown;
  t.text = std::string(text);
  return t;
}

std::string to_string(const Transform& t) {
  switch (t.kind) {
    case Kind::kBucket:
    case Kind::kTruncate: return fmt::format("{}[{}]", kind_name(t.kind), t.param);
    case Kind::kUnknown: return t.text;
    default: return std::string(kind_name(t.kind));
  }
}

bool transform_accepts(const Transform& t, const DataType& source) {
  TypeId id = source.id();
  switch (t.kind) {
    case Kind::kIdentity: return is_primitive(id);
    case Kind::kBucket:
      if (t.param <= 0) return false;
      switch (id) {
        case TypeId::kInt32:
        case TypeId::kInt64:
        case TypeId::kDecimal:
        case TypeId::kDate:
        case TypeId::kTime:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz:
        case TypeId::kString:
        case TypeId::kUuid:
        case TypeId::kFixedBinary:
        case TypeId::kBinary: return true;
        default: return false;
      }
    case Kind::kTruncate:
      return t.param > 0 &&
             (id == TypeId::kInt32 || id == TypeId::kInt64 || id == TypeId::kDecimal ||
              id == TypeId::kString || id == TypeId::kBinary);
    case Kind::kYear:
    case Kind::kMonth:
    case Kind::kDay: return id == TypeId::kDate || is_timestamp(id);
    case Kind::kHour: return is_timestamp(id);
    case Kind::kVoid:
    case Kind::kUnknown: return true;
  }
  return false;
}

DataType transform_result_type(const Transform& t, const DataType& source) {
  if (!transform_accepts(t, source))
    throw InvalidInputError(fmt::format("partition transform {} cannot be applied to a {} column",
                                        to_string(t), source.to_string()));
  switch (t.kind) {
    case Kind::kBucket:
    case Kind::kYear:
    case Kind::kMonth:
    case Kind::kHour: return DataType(TypeId::kInt32);
    case Kind::kDay: return DataType(TypeId::kDate);
    case Kind::kUnknown: return DataType(TypeId::kString);
    default: return source;
  }
}

Column apply_transform(const Transform& t, const Column& source) {
  DataType result = transform_result_type(t, source.type());
  switch (t.kind) {
    case Kind::kIdentity: return source.copy();
    case Kind::kVoid: return all_null(result, source.size());
    case Kind::kBucket: return bucket_column(source, t.param);
    case Kind::kTruncate: return truncate_column(source, t.param);
    case Kind::kYear:
    case Kind::kMonth:
    case Kind::kDay:
    case Kind::kHour: return time_column(t.kind, source);
    case Kind::kUnknown: break;
  }
  throw UnsupportedError(fmt::format(
      "partition transform \"{}\" is not known to floe; its values cannot be computed", t.text));
}

std::string partition_value_to_path(const Transform& t, const Column& values, int64_t row) {
  FLOE_CHECK(row >= 0 && row < values.size(), "row {} of {}", row, values.size());
  if (t.kind == Kind::kVoid || values.is_null(row)) return "null";
  switch (t.kind) {
    case Kind::kYear:
    case Kind::kMonth:
    case Kind::kDay:
    case Kind::kHour: {
      FLOE_CHECK(values.type().byte_width() == 4, "{} partition values typed {}", to_string(t),
                 values.type().to_string());
      int64_t v = values.value<int32_t>(row);
      switch (t.kind) {
        case Kind::kYear: return fmt::format("{:04}", 1970 + v);
        case Kind::kMonth:
          return fmt::format("{:04}-{:02}", 1970 + floor_div(v, 12),
                             1 + (v - floor_div(v, 12) * 12));
        case Kind::kDay: return human_day(v);
        default: {
          int64_t day = floor_div(v, 24);
          return fmt::format("{}-{:02}", human_day(day), v - day * 24);
        }
      }
    }
    default: return human_value(values, row);
  }
}

std::string partition_path_segment(std::string_view name, std::string_view human_value) {
  // java.net.URLEncoder with UTF-8: letters, digits and ".-*_" stay, space becomes '+',
  // every other byte is %XX in upper-case hex.
  auto encode = [](std::string_view s, std::string& out) {
    static const char* kHex = "0123456789ABCDEF";
    for (char ch : s) {
      uint8_t c = uint8_t(ch);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '-' || c == '*' || c == '_') {
        out += char(c);
      } else if (c == ' ') {
        out += '+';
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
  };
  std::string out;
  encode(name, out);
  out += '=';
  encode(human_value, out);
  return out;
}

std::optional<ColumnPredicate> project_inclusive(const Transform& t,
                                                 const std::string& partition_field_name,
                                                 const DataType& partition_type,
                                                 const ColumnPredicate& source_term) {
  if (t.kind == Kind::kVoid || t.kind == Kind::kUnknown) return std::nullopt;
  // Every transform keeps NULLs NULL; these terms have no literals (their values' type says
  // nothing of the source column).
  const CompareOp op = source_term.op;
  if (op == CompareOp::kIsNull || op == CompareOp::kIsNotNull)
    return ColumnPredicate{partition_field_name, op, Column(partition_type)};
  // The literals are typed as the source column: refuse a source the transform cannot take.
  transform_result_type(t, source_term.values.type());
  if (source_term.values.size() == 0) return std::nullopt;
  switch (t.kind) {
    case Kind::kIdentity:
      return make_term(partition_field_name, op, source_term.values.copy(), partition_type);
    case Kind::kBucket:
      if (op == CompareOp::kEq)
        return make_term(partition_field_name, op,
                         apply_transform(t, source_term.values.slice(0, 1)), partition_type);
      if (op == CompareOp::kIn)
        return make_term(partition_field_name, op, apply_transform(t, source_term.values),
                         partition_type);
      return std::nullopt;
    case Kind::kTruncate: {
      TypeId id = source_term.values.type().id();
      if (id == TypeId::kString || id == TypeId::kBinary)
        return project_truncated_array(t, partition_field_name, partition_type, source_term);
      return project_ordered_integer(t, partition_field_name, partition_type, source_term);
    }
    case Kind::kYear:
    case Kind::kMonth:
    case Kind::kDay:
    case Kind::kHour: {
      auto p = project_ordered_integer(t, partition_field_name, partition_type, source_term);
      // Java's Dates skips the fix for day(date), which is the date itself.
      bool day_of_date = t.kind == Kind::kDay && source_term.values.type().id() == TypeId::kDate;
      if (p && !day_of_date) fix_inclusive_time_projection(*p);
      return p;
    }
    default: return std::nullopt;
  }
}

}  // namespace floe::iceberg
