#include "columnar/column_cast.h"

#include <cmath>
#include <limits>

#include "base/error.h"
#include "columnar/value_parse.h"
#include "columnar/value_text.h"

namespace floe::columnar {

namespace {

bool is_integer(TypeId t) {
  switch (t) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64: return true;
    default: return false;
  }
}

bool is_float(TypeId t) { return t == TypeId::kFloat32 || t == TypeId::kFloat64; }
bool is_timestamp(TypeId t) { return t == TypeId::kTimestamp || t == TypeId::kTimestampTz; }

// Reads value i of an integer column as a 128-bit integer.
__int128 int_at(const Column& c, int64_t i) {
  switch (c.type().id()) {
    case TypeId::kInt8: return c.value<int8_t>(i);
    case TypeId::kInt16: return c.value<int16_t>(i);
    case TypeId::kInt32: return c.value<int32_t>(i);
    case TypeId::kInt64: return c.value<int64_t>(i);
    case TypeId::kUInt8: return c.value<uint8_t>(i);
    case TypeId::kUInt16: return c.value<uint16_t>(i);
    case TypeId::kUInt32: return c.value<uint32_t>(i);
    case TypeId::kUInt64: return c.value<uint64_t>(i);
    case TypeId::kDate: return c.value<int32_t>(i);
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return c.value<int64_t>(i);
    case TypeId::kDecimal: return c.value<__int128>(i);
    case TypeId::kBoolean: return c.value<uint8_t>(i);
    default: throw InternalError("int_at on a non-integer column");
  }
}

[[noreturn]] void does_not_fit(const Column& c, int64_t row, const DataType& to,
                               const std::string& what, int64_t row_offset) {
  std::string text;
  append_value_text(c, row, text);
  throw InvalidInputError(fmt::format("{}: row {}: value {} does not fit in {}", what,
                                      row_offset + row + 1, text, to.to_string()));
}

template <typename T>
void append_int(Column& out, __int128 v) {
  out.append<T>(T(v));
}

bool int_fits(TypeId to, __int128 v) {
  switch (to) {
    case TypeId::kInt8: return v >= INT8_MIN && v <= INT8_MAX;
    case TypeId::kInt16: return v >= INT16_MIN && v <= INT16_MAX;
    case TypeId::kInt32:
    case TypeId::kDate: return v >= INT32_MIN && v <= INT32_MAX;
    case TypeId::kInt64: return v >= INT64_MIN && v <= INT64_MAX;
    case TypeId::kUInt8: return v >= 0 && v <= UINT8_MAX;
    case TypeId::kUInt16: return v >= 0 && v <= UINT16_MAX;
    case TypeId::kUInt32: return v >= 0 && v <= UINT32_MAX;
    case TypeId::kUInt64: return v >= 0 && v <= __int128(UINT64_MAX);
    default: return true;
  }
}

void append_integer_as(Column& out, TypeId to, __int128 v) {
  switch (to) {
    case TypeId::kInt8: out.append<int8_t>(int8_t(v)); break;
    case TypeId::kInt16: out.append<int16_t>(int16_t(v)); break;
    case TypeId::kInt32:
    case TypeId::kDate: out.append<int32_t>(int32_t(v)); break;
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: out.append<int64_t>(int64_t(v)); break;
    case TypeId::kUInt8: out.append<uint8_t>(uint8_t(v)); break;
    case TypeId::kUInt16: out.append<uint16_t>(uint16_t(v)); break;
    case TypeId::kUInt32: out.append<uint32_t>(uint32_t(v)); break;
    case TypeId::kUInt64: out.append<uint64_t>(uint64_t(v)); break;
    case TypeId::kDecimal: out.append<__int128>(v); break;
    default: throw InternalError("append_integer_as on a non-integer type");
  }
}

__int128 pow10(int n) {
  __int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

}  // namespace

bool can_cast(const DataType& from, const DataType& to) {
  TypeId f = from.id(), t = to.id();
  if (from == to) return true;
  if (f == TypeId::kNull) return true;
  if (t == TypeId::kString) return true;
  if (f == TypeId::kString) return !to.is_nested();
  if (is_integer(f) && (is_integer(t) || is_float(t) || t == TypeId::kDecimal)) return true;
  if (is_float(f) && (is_float(t) || is_integer(t) || t == TypeId::kDecimal)) return true;
  if (f == TypeId::kDecimal && (t == TypeId::kDecimal || is_float(t) || is_integer(t))) return true;
  if (is_timestamp(f) && is_timestamp(t)) return true;
  if (f == TypeId::kTime && t == TypeId::kTime) return true;
  if (f == TypeId::kDate && is_timestamp(t)) return true;
  if (is_timestamp(f) && t == TypeId::kDate) return true;
  if (f == TypeId::kBinary && t == TypeId::kFixedBinary) return true;
  if ((f == TypeId::kFixedBinary || f == TypeId::kUuid) && t == TypeId::kBinary) return true;
  if (from.is_nested() && f == t) {
    const auto& a = from.children();
    const auto& b = to.children();
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!can_cast(a[i].type, b[i].type)) return false;
    return true;
  }
  return false;
}

Column cast_column(const Column& c, const DataType& to, const std::string& what,
                   int64_t row_offset) {
  const DataType& from = c.type();
  if (from == to) return c.copy();
  TypeId f = from.id(), t = to.id();
  const int64_t n = c.size();
  Column out(to);
  out.reserve(n);

  if (f == TypeId::kNull) {
    for (int64_t i = 0; i < n; ++i) out.append_null();
    return out;
  }
  if (from.is_nested() && f == t && can_cast(from, to)) {
    // Same shape: cast the children, keep offsets and validity.
    Column result(to);
    result.validity_buffer() = c.validity_buffer().copy();
    result.offsets_buffer() = c.offsets_buffer().copy();
    result.children().clear();
    for (size_t k = 0; k < c.num_children(); ++k)
      result.children().push_back(cast_column(c.child(k), to.children()[k].type,
                                              what + "." + to.children()[k].name,
                                              to.id() == TypeId::kStruct ? row_offset : 0));
    result.set_size(n, c.null_count());
    return result;
  }
  if (t == TypeId::kString) {
    std::string text;
    for (int64_t i = 0; i < n; ++i) {
      if (c.is_null(i)) {
        out.append_null();
        continue;
      }
      text.clear();
      append_value_text(c, i, text);
      out.append_string(text);
    }
    return out;
  }
  if (f == TypeId::kString) {
    for (int64_t i = 0; i < n; ++i) {
      if (c.is_null(i)) {
        out.append_null();
        continue;
      }
      if (!append_parsed_value(out, c.string_at(i)))
        throw InvalidInputError(fmt::format("{}: row {}: '{}' is not a valid {}", what,
                                            row_offset + i + 1, c.string_at(i), to.to_string()));
    }
    return out;
  }
  auto each = [&](auto&& fn) {
    for (int64_t i = 0; i < n; ++i) {
      if (c.is_null(i))
        out.append_null();
      else
        fn(i);
    }
  };
  if (is_integer(f) && is_integer(t)) {
    each([&](int64_t i) {
      __int128 v = int_at(c, i);
      if (!int_fits(t, v)) does_not_fit(c, i, to, what, row_offset);
      append_integer_as(out, t, v);
    });
    return out;
  }
  if (is_integer(f) && is_float(t)) {
    each([&](int64_t i) {
      double v = double(int_at(c, i));
      if (t == TypeId::kFloat32)
        out.append<float>(float(v));
      else
        out.append<double>(v);
    });
    return out;
  }
  if (is_integer(f) && t == TypeId::kDecimal) {
    __int128 scale = pow10(to.scale());
    __int128 limit = pow10(to.precision());
    each([&](int64_t i) {
      __int128 v = int_at(c, i) * scale;
      if (v >= limit || v <= -limit) does_not_fit(c, i, to, what, row_offset);
      out.append<__int128>(v);
    });
    return out;
  }
  if (is_float(f) && is_float(t)) {
    each([&](int64_t i) {
      double v = f == TypeId::kFloat32 ? double(c.value<float>(i)) : c.value<double>(i);
      if (t == TypeId::kFloat32)
        out.append<float>(float(v));
      else
        out.append<double>(v);
    });
    return out;
  }
  if (f == TypeId::kDecimal && t == TypeId::kDecimal) {
    int ds = to.scale() - from.scale();
    if (ds >= 0 && to.precision() - ds >= from.precision()) {
      // Every value fits: the same unscaled values (times 10^ds), no checks.
      out.append_range(c, 0, n);
      if (ds > 0) {
        // Unsigned: a NULL slot's arbitrary value may not fit, and is never read.
        auto m = static_cast<unsigned __int128>(pow10(ds));
        __int128* v = out.mutable_values<__int128>();
        for (int64_t i = 0; i < n; ++i) v[i] = static_cast<__int128>(static_cast<unsigned __int128>(v[i]) * m);
      }
      return out;
    }
    __int128 limit = pow10(to.precision());
    const __int128 up = ds >= 0 ? pow10(ds) : 1;
    each([&](int64_t i) {
      __int128 v = c.value<__int128>(i);
      if (ds >= 0) {
        v *= up;
      } else {
        __int128 p = pow10(-ds);
        __int128 q = v / p, r = v % p;
        // Round half away from zero.
        if (2 * (r < 0 ? -r : r) >= p) q += v < 0 ? -1 : 1;
        v = q;
      }
      if (v >= limit || v <= -limit) does_not_fit(c, i, to, what, row_offset);
      out.append<__int128>(v);
    });
    return out;
  }
  if (is_float(f) && (is_integer(t) || t == TypeId::kDecimal)) {
    // Rounded half away from zero (as Snowflake and DuckDB do); NaN, infinities and values
    // out of the target's range do not fit.
    double scale = t == TypeId::kDecimal ? std::pow(10.0, to.scale()) : 1.0;
    __int128 limit = t == TypeId::kDecimal ? pow10(to.precision()) : 0;
    each([&](int64_t i) {
      double v = f == TypeId::kFloat32 ? double(c.value<float>(i)) : c.value<double>(i);
      double r = std::round(v * scale);
      if (!std::isfinite(r) || std::fabs(r) >= 1.7e38) does_not_fit(c, i, to, what, row_offset);
      __int128 q = __int128(r);
      if (t == TypeId::kDecimal) {
        if (q >= limit || q <= -limit) does_not_fit(c, i, to, what, row_offset);
        out.append<__int128>(q);
      } else {
        if (!int_fits(t, q)) does_not_fit(c, i, to, what, row_offset);
        append_integer_as(out, t, q);
      }
    });
    return out;
  }
  if (f == TypeId::kDecimal && is_integer(t)) {
    __int128 p = pow10(from.scale());
    each([&](int64_t i) {
      __int128 v = c.value<__int128>(i);
      __int128 q = v / p, r = v % p;
      if (2 * (r < 0 ? -r : r) >= p) q += v < 0 ? -1 : 1;
      if (!int_fits(t, q)) does_not_fit(c, i, to, what, row_offset);
      append_integer_as(out, t, q);
    });
    return out;
  }
  if (f == TypeId::kDecimal && is_float(t)) {
    double scale = std::pow(10.0, from.scale());
    each([&](int64_t i) {
      double v = double(c.value<__int128>(i)) / scale;
      if (t == TypeId::kFloat32)
        out.append<float>(float(v));
      else
        out.append<double>(v);
    });
    return out;
  }
  if ((is_timestamp(f) && is_timestamp(t)) || (f == TypeId::kTime && t == TypeId::kTime)) {
    int64_t a = units_per_second(from.unit()), b = units_per_second(to.unit());
    each([&](int64_t i) {
      int64_t v = c.value<int64_t>(i);
      if (b >= a) {
        __int128 w = __int128(v) * (b / a);
        if (w > INT64_MAX || w < INT64_MIN) does_not_fit(c, i, to, what, row_offset);
        out.append<int64_t>(int64_t(w));
      } else {
        int64_t d = a / b;
        int64_t q = v / d;
        if (v % d < 0) --q;  // floor
        out.append<int64_t>(q);
      }
    });
    return out;
  }
  if (f == TypeId::kDate && is_timestamp(t)) {
    int64_t per_day = 86400 * units_per_second(to.unit());
    each([&](int64_t i) { out.append<int64_t>(int64_t(c.value<int32_t>(i)) * per_day); });
    return out;
  }
  if (is_timestamp(f) && t == TypeId::kDate) {
    int64_t per_day = 86400 * units_per_second(from.unit());
    each([&](int64_t i) {
      int64_t v = c.value<int64_t>(i);
      int64_t d = v / per_day;
      if (v % per_day < 0) --d;
      out.append<int32_t>(int32_t(d));
    });
    return out;
  }
  if (f == TypeId::kBinary && t == TypeId::kFixedBinary) {
    each([&](int64_t i) {
      auto s = c.string_at(i);
      if (int(s.size()) != to.width()) does_not_fit(c, i, to, what, row_offset);
      out.append_fixed(s);
    });
    return out;
  }
  if ((f == TypeId::kFixedBinary || f == TypeId::kUuid) && t == TypeId::kBinary) {
    each([&](int64_t i) { out.append_string(c.fixed_at(i)); });
    return out;
  }
  throw UnsupportedError(
      fmt::format("{}: cannot cast {} to {}", what, from.to_string(), to.to_string()));
}

}  // namespace floe::columnar
