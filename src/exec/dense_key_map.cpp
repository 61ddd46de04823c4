#include "exec/dense_key_map.h"

#include <algorithm>

#include "exec/key_bitmap.h"

namespace floe::exec {

using columnar::Column;

namespace {

constexpr uint64_t kMinSpan = uint64_t(1) << 16;
constexpr uint64_t kMaxSpan = uint64_t(1) << 26;

}  // namespace

std::optional<DenseKeyMap> DenseKeyMap::of(const Column& build_keys,
                                           const PartitionedKeyIndex& index) {
  if (!is_integer_key_type(build_keys.type())) return std::nullopt;
  const IntegerKeyRange range = integer_key_range(build_keys);
  if (range.values == 0 || uint64_t(range.max) - uint64_t(range.min) >= kMaxSpan) return std::nullopt;
  const uint64_t span = range.span();
  if (span > std::max<uint64_t>(kMinSpan, uint64_t(index.key_count()) * 4)) return std::nullopt;
  DenseKeyMap m;
  m.min_ = range.min;
  m.span_ = span;
  m.ids_.assign(size_t(span), 0);
  bool ok = true;
  visit_integer_keys(build_keys, [&](const auto* x) {
    index.for_each_id([&](int64_t id) {
      int64_t row = index.first_row(id);
      // (an index of these keys has no such row, and no id past 2^32 - 2)
      if (row < 0 || row >= build_keys.size() || build_keys.is_null(row) || id >= int64_t(UINT32_MAX)) {
        ok = false;
        return;
      }
      m.ids_[size_t(uint64_t(int64_t(x[row])) - uint64_t(m.min_))] = uint32_t(id + 1);
    });
  });
  if (!ok) return std::nullopt;
  return m;
}

void DenseKeyMap::find_all(const Column& values, int64_t* ids, uint8_t* null_key) const {
  const int64_t n = values.size();
  visit_integer_keys(values, [&](const auto* x) {
    for (int64_t i = 0; i < n; ++i) {
      uint64_t d = uint64_t(int64_t(x[i])) - uint64_t(min_);
      ids[i] = d < span_ ? int64_t(ids_[size_t(d)]) - 1 : -1;
    }
  });
  if (values.null_count() > 0)
    for (int64_t i = 0; i < n; ++i)
      if (values.is_null(i)) {
        ids[i] = -1;
        null_key[i] = 1;
      }
}

}  // namespace floe::exec
