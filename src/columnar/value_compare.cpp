#include "columnar/value_compare.h"

#include <cmath>
#include <cstring>

namespace floe::columnar {

namespace {

template <typename T>
int cmp(T x, T y) {
  return x < y ? -1 : (y < x ? 1 : 0);
}

template <typename F>
int cmp_float(F x, F y) {
  bool nx = std::isnan(x), ny = std::isnan(y);
  if (nx || ny) return int(nx) - int(ny);
  return cmp(x, y);
}

int cmp_bytes(std::string_view x, std::string_view y) {
  size_t n = std::min(x.size(), y.size());
  int c = n ? std::memcmp(x.data(), y.data(), n) : 0;
  if (c != 0) return c < 0 ? -1 : 1;
  return cmp(x.size(), y.size());
}

}  // namespace

int compare_values(const Column& a, int64_t i, const Column& b, int64_t j) {
  const DataType& t = a.type();
  FLOE_CHECK(t.id() == b.type().id(), "comparing {} with {}", t.to_string(),
             b.type().to_string());
  switch (t.id()) {
    case TypeId::kNull: return 0;
    case TypeId::kBoolean: return cmp(a.value<uint8_t>(i), b.value<uint8_t>(j));
    case TypeId::kInt8: return cmp(a.value<int8_t>(i), b.value<int8_t>(j));
    case TypeId::kInt16: return cmp(a.value<int16_t>(i), b.value<int16_t>(j));
    case TypeId::kInt32:
    case TypeId::kDate: return cmp(a.value<int32_t>(i), b.value<int32_t>(j));
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      // Units may differ between a statistic and a literal: compare in the finer one.
      int64_t x = a.value<int64_t>(i), y = b.value<int64_t>(j);
      if (t.id() != TypeId::kInt64 && t.unit() != b.type().unit()) {
        auto scale = [](TimeUnit u) {
          return u == TimeUnit::kMilli ? 1000000LL : u == TimeUnit::kMicro ? 1000LL : 1LL;
        };
        __int128 xs = __int128(x) * scale(t.unit()), ys = __int128(y) * scale(b.type().unit());
        return cmp(xs, ys);
      }
      return cmp(x, y);
    }
    case TypeId::kUInt8: return cmp(a.value<uint8_t>(i), b.value<uint8_t>(j));
    case TypeId::kUInt16: return cmp(a.value<uint16_t>(i), b.value<uint16_t>(j));
    case TypeId::kUInt32: return cmp(a.value<uint32_t>(i), b.value<uint32_t>(j));
    case TypeId::kUInt64: return cmp(a.value<uint64_t>(i), b.value<uint64_t>(j));
    case TypeId::kFloat32: return cmp_float(a.value<float>(i), b.value<float>(j));
    case TypeId::kFloat64: return cmp_float(a.value<double>(i), b.value<double>(j));
    case TypeId::kDecimal: {
      __int128 x = a.value<__int128>(i), y = b.value<__int128>(j);
      int sa = t.scale(), sb = b.type().scale();
      // Bring both to the larger scale; 38 digits plus a rescale fit in 128 bits for the
      // magnitudes statistics and literals take in practice.
      for (; sa < sb; ++sa) x *= 10;
      for (; sb < sa; ++sb) y *= 10;
      return cmp(x, y);
    }
    case TypeId::kString:
    case TypeId::kBinary: return cmp_bytes(a.string_at(i), b.string_at(j));
    case TypeId::kFixedBinary:
    case TypeId::kUuid: return cmp_bytes(a.fixed_at(i), b.fixed_at(j));
    default:
      throw UnsupportedError(fmt::format("values of type {} cannot be ordered", t.to_string()));
  }
}

}  // namespace floe::columnar
