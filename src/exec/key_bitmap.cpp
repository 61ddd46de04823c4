#include "exec/key_bitmap.h"

#include <algorithm>
#include <limits>

#include "exec/type_rules.h"

namespace floe::exec {

using columnar::Column;
using columnar::TypeId;

namespace {

constexpr uint64_t kMinBits = uint64_t(1) << 20;
constexpr uint64_t kMaxBits = uint64_t(1) << 26;

}  // namespace

bool is_integer_key_type(const columnar::DataType& type) {
  return (is_integer(type) && type.id() != TypeId::kUInt64) || type.id() == TypeId::kDate;
}

IntegerKeyRange integer_key_range(const Column& c) {
  IntegerKeyRange r;
  r.min = std::numeric_limits<int64_t>::max();
  r.max = std::numeric_limits<int64_t>::min();
  const int64_t n = c.size();
  visit_integer_keys(c, [&](const auto* x) {
    for (int64_t i = 0; i < n; ++i) {
      if (c.is_null(i)) continue;
      r.min = std::min<int64_t>(r.min, int64_t(x[i]));
      r.max = std::max<int64_t>(r.max, int64_t(x[i]));
      ++r.values;
    }
  });
  if (r.values == 0) r.min = r.max = 0;
  return r;
}

std::optional<KeyBitmap> KeyBitmap::of(const Column& keys) {
  if (!is_integer_key_type(keys.type())) return std::nullopt;
  const int64_t n = keys.size();
  const IntegerKeyRange range = integer_key_range(keys);
  if (range.values == 0 || uint64_t(range.max) - uint64_t(range.min) >= kMaxBits) return std::nullopt;
  const uint64_t span = range.span();
  if (span > std::max<uint64_t>(kMinBits, uint64_t(range.values) * 64)) return std::nullopt;
  const int64_t lo = range.min;
  KeyBitmap b;
  b.min_ = lo;
  b.span_ = span;
  b.bits_.assign(size_t((span + 63) / 64), 0);
  visit_integer_keys(keys, [&](const auto* x) {
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
  visit_integer_keys(values, [&](const auto* x) {
    for (int64_t i = 0; i < n; ++i) keep[size_t(i)] &= uint8_t(contains(int64_t(x[i])));
  });
  if (values.null_count() > 0)
    for (int64_t i = 0; i < n; ++i)
      if (values.is_null(i)) keep[size_t(i)] = 0;
}

}  // namespace floe::exec
