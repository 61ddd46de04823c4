#include "iceberg/bound_compare.h"

#include <cmath>
#include <cstring>

#include "base/error.h"

namespace floe::iceberg {

using columnar::TypeId;

namespace {

int64_t load_int(std::string_view b, const columnar::DataType& type) {
  if (b.size() == 4) {
    int32_t v;
    std::memcpy(&v, b.data(), 4);
    return v;
  }
  if (b.size() == 8) {
    int64_t v;
    std::memcpy(&v, b.data(), 8);
    return v;
  }
  throw CorruptDataError(
      fmt::format("Iceberg bound of type {} has {} bytes", type.to_string(), b.size()));
}

double load_float(std::string_view b, const columnar::DataType& type) {
  if (b.size() == 4) {
    float v;
    std::memcpy(&v, b.data(), 4);
    return v;
  }
  if (b.size() == 8) {
    double v;
    std::memcpy(&v, b.data(), 8);
    return v;
  }
  throw CorruptDataError(
      fmt::format("Iceberg bound of type {} has {} bytes", type.to_string(), b.size()));
}

__int128 load_decimal(std::string_view b) {
  if (b.empty() || b.size() > 16)
    throw CorruptDataError(fmt::format("Iceberg decimal bound has {} bytes", b.size()));
  __int128 v = (static_cast<signed char>(b[0]) < 0) ? -1 : 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return v;
}

template <typename T>
int cmp(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

int compare_single_values(const columnar::DataType& type, std::string_view a, std::string_view b) {
  switch (type.id()) {
    case TypeId::kBoolean: return cmp(!a.empty() && a[0] != 0, !b.empty() && b[0] != 0);
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDate:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return cmp(load_int(a, type), load_int(b, type));
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double x = load_float(a, type), y = load_float(b, type);
      if (x == 0 && y == 0) return cmp(!std::signbit(x), !std::signbit(y));
      return cmp(x, y);
    }
    case TypeId::kDecimal: return cmp(load_decimal(a), load_decimal(b));
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kFixedBinary:
    case TypeId::kUuid: {
      size_t n = std::min(a.size(), b.size());
      int c = n ? std::memcmp(a.data(), b.data(), n) : 0;
      if (c != 0) return c < 0 ? -1 : 1;
      return cmp(a.size(), b.size());
    }
    default:
      throw UnsupportedError(fmt::format("bounds of type {} cannot be compared", type.to_string()));
  }
}

}  // namespace floe::iceberg
