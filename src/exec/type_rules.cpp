#include "exec/type_rules.h"

#include <algorithm>

namespace floe::exec {

using columnar::DataType;
using columnar::TypeId;

bool is_integer(const DataType& t) {
  switch (t.id()) {
    case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kInt64:
    case TypeId::kUInt8: case TypeId::kUInt16: case TypeId::kUInt32: case TypeId::kUInt64:
      return true;
    default:
      return false;
  }
}
bool is_floating(const DataType& t) {
  return t.id() == TypeId::kFloat32 || t.id() == TypeId::kFloat64;
}
bool is_numeric(const DataType& t) {
  return is_integer(t) || is_floating(t) || t.id() == TypeId::kDecimal;
}
bool is_temporal(const DataType& t) {
  return t.id() == TypeId::kDate || t.id() == TypeId::kTime || t.id() == TypeId::kTimestamp ||
         t.id() == TypeId::kTimestampTz;
}
bool is_text(const DataType& t) { return t.id() == TypeId::kString; }

DataType bigint_type() { return DataType(TypeId::kInt64); }
DataType double_type() { return DataType(TypeId::kFloat64); }
DataType boolean_type() { return DataType(TypeId::kBoolean); }
DataType varchar_type() { return DataType(TypeId::kString); }

namespace {

// Digits an integer type needs as a decimal.
int integer_digits(const DataType& t) {
  switch (t.id()) {
    case TypeId::kInt8: case TypeId::kUInt8: return 3;
    case TypeId::kInt16: case TypeId::kUInt16: return 5;
    case TypeId::kInt32: case TypeId::kUInt32: return 10;
    default: return 19;
  }
}

int integer_rank(const DataType& t) {
  switch (t.id()) {
    case TypeId::kInt8: return 1;
    case TypeId::kUInt8: return 2;
    case TypeId::kInt16: return 3;
    case TypeId::kUInt16: return 4;
    case TypeId::kInt32: return 5;
    case TypeId::kUInt32: return 6;
    case TypeId::kInt64: return 7;
    default: return 8;  // uint64
  }
}

DataType wider_integer(const DataType& a, const DataType& b) {
  const DataType& w = integer_rank(a) >= integer_rank(b) ? a : b;
  // A signed and an unsigned type of the same width meet one size up (BIGINT at most).
  bool mixed = (a.id() == TypeId::kUInt8 || a.id() == TypeId::kUInt16 ||
                a.id() == TypeId::kUInt32 || a.id() == TypeId::kUInt64) !=
               (b.id() == TypeId::kUInt8 || b.id() == TypeId::kUInt16 ||
                b.id() == TypeId::kUInt32 || b.id() == TypeId::kUInt64);
  if (!mixed) return w;
  switch (w.id()) {
    case TypeId::kUInt8: return DataType(TypeId::kInt16);
    case TypeId::kUInt16: return DataType(TypeId::kInt32);
    default: return DataType(TypeId::kInt64);
  }
}

DataType decimal_meeting(int p1, int s1, int p2, int s2) {
  int scale = std::max(s1, s2);
  int whole = std::max(p1 - s1, p2 - s2);
  return DataType::decimal(std::min(38, whole + scale), scale);
}

}  // namespace

std::optional<DataType> common_type(const DataType& a, const DataType& b) {
  if (a == b) return a;
  if (a.id() == TypeId::kNull) return b;
  if (b.id() == TypeId::kNull) return a;
  if (is_integer(a) && is_integer(b)) return wider_integer(a, b);
  if (is_floating(a) || is_floating(b)) {
    if (is_numeric(a) && is_numeric(b)) return double_type();
  }
  if (a.id() == TypeId::kDecimal && b.id() == TypeId::kDecimal)
    return decimal_meeting(a.precision(), a.scale(), b.precision(), b.scale());
  if (a.id() == TypeId::kDecimal && is_integer(b))
    return decimal_meeting(a.precision(), a.scale(), integer_digits(b), 0);
  if (b.id() == TypeId::kDecimal && is_integer(a))
    return decimal_meeting(b.precision(), b.scale(), integer_digits(a), 0);
  if (is_text(a) && !b.is_nested()) return b;
  if (is_text(b) && !a.is_nested()) return a;
  if (a.id() == TypeId::kDate && (b.id() == TypeId::kTimestamp || b.id() == TypeId::kTimestampTz))
    return b;
  if (b.id() == TypeId::kDate && (a.id() == TypeId::kTimestamp || a.id() == TypeId::kTimestampTz))
    return a;
  if ((a.id() == TypeId::kTimestamp || a.id() == TypeId::kTimestampTz) &&
      (b.id() == TypeId::kTimestamp || b.id() == TypeId::kTimestampTz)) {
    TypeId id = (a.id() == TypeId::kTimestampTz || b.id() == TypeId::kTimestampTz)
                    ? TypeId::kTimestampTz : TypeId::kTimestamp;
    auto unit = std::max(a.unit(), b.unit());
    return id == TypeId::kTimestampTz ? DataType::timestamp_tz(unit) : DataType::timestamp(unit);
  }
  if (a.id() == TypeId::kTime && b.id() == TypeId::kTime)
    return DataType::time(std::max(a.unit(), b.unit()));
  if ((a.id() == TypeId::kBinary || a.id() == TypeId::kFixedBinary) &&
      (b.id() == TypeId::kBinary || b.id() == TypeId::kFixedBinary))
    return DataType(TypeId::kBinary);
  return std::nullopt;
}

bool can_implicitly_cast(const DataType& from, const DataType& to) {
  if (from == to || from.id() == TypeId::kNull) return true;
  if (is_text(from)) return !to.is_nested();
  if (is_integer(from) && is_integer(to)) {
    auto w = wider_integer(from, to);
    return w == to;
  }
  if (is_integer(from) && (to.id() == TypeId::kDecimal || is_floating(to))) return true;
  if (from.id() == TypeId::kDecimal && is_floating(to)) return true;
  if (from.id() == TypeId::kDecimal && to.id() == TypeId::kDecimal)
    return to.scale() >= from.scale() && to.precision() - to.scale() >= from.precision() - from.scale();
  if (from.id() == TypeId::kFloat32 && to.id() == TypeId::kFloat64) return true;
  if (from.id() == TypeId::kDate &&
      (to.id() == TypeId::kTimestamp || to.id() == TypeId::kTimestampTz))
    return true;
  if (from.id() == TypeId::kTimestamp && to.id() == TypeId::kTimestampTz) return true;
  if (from.id() == TypeId::kFixedBinary && to.id() == TypeId::kBinary) return true;
  return false;
}

}  // namespace floe::exec
