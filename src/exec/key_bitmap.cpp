#include "exec/key_bitmap.h"

#include <algorithm>
#include <limits>

namespace floe::exec {

using columnar::Column;
using columnar::TypeId;

namespace {

constexpr uint64_t kMinBits = uint64_t(1) << 20;
constexpr uint64_t kMaxBits = uint64_t(1) << 26;

// fn(pointer to the values as their C type) for the types KeyBitmap tests.
template <typename Fn>
bool with_values(const Column& c, Fn&& fn) {
  switch (c.type().id()) {
    case TypeId::kInt8: fn(c.values<int8_t>()); return true;
    case TypeId::kInt16: fn(c.values<int16_t>()); return true;
    case TypeId::kInt32:
    case TypeId::kDate: fn(c.values<int32_t>()); return true;
    case TypeId::kInt64: fn(c.values<int64_t>()); return true;
    case TypeId::kUInt8: fn(c.values<uint8_t>()); return true;
    case TypeId::kUInt16: fn(c.values<uint16_t>()); return true;
    case TypeId::kUInt32: fn(c.values<uint32_t>()); return true;
    default: return false;  // UINT64 may not fit int64_t
  }
}

}  // namespace

bool KeyBitmap::applies_to(const columnar::DataType& type) {
  switch (type.id()) {
    case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kDate:
    case TypeId::kInt64: case TypeId::kUInt8: case TypeId::kUInt16: case TypeId::kUInt32:
      return true;
    default:
      return false;
  }
}

std::optional<KeyBitmap> KeyBitmap::of(const Column& keys) {
  if (!applies_to(keys.type())) return std::nullopt;
  const int64_t n = keys.size();
  int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
  int64_t valid = 0;
  with_values(keys, [&](const auto* x) {
    for (int64_t i = 0; i < n; ++i) {
      if (keys.is_null(i)) continue;
      lo = std::min<int64_t>(lo, int64_t(x[i]));
      hi = std::max<int64_t>(hi, int64_t(x[i]));
      ++valid;
    }
  });
  if (valid == 0) return std::nullopt;
  // hi - lo as unsigned: the full int64 range would overflow a signed difference.
  uint64_t span = uint64_t(hi) - uint64_t(lo);
  if (span >= kMaxBits) return std::nullopt;
  ++span;
  if (span > std::max<uint64_t>(kMinBits, uint64_t(valid) * 64)) return std::nullopt;
  KeyBitmap b;
  b.min_ = lo;
  b.span_ = span;
  b.bits_.assign(size_t((span + 63) / 64), 0);
  with_values(keys, [&](const auto* x) {
    for (int64_t i = 0; i < n; ++i) {
      if (keys.is_null(i)) continue;
      uint64_t d = uint64_t(int64_t(x[i])) - uint64_t(lo);
      b.bits_[d >> 6] |= uint64_t(1) << (d & 63);
    }
  });
  return b;
}

void KeyBitmap::drop_absent(const Column& values, std::vector<uint8_t>& keep) const {
  const int64_t n = values.size();
  with_values(values, [&](const auto* x) {
    for (int64_t i = 0; i < n; ++i) keep[size_t(i)] &= uint8_t(contains(int64_t(x[i])));
  });
  if (values.null_count() > 0)
    for (int64_t i = 0; i < n; ++i)
      if (values.is_null(i)) keep[size_t(i)] = 0;
}

}  // namespace floe::exec
