#include "exec/dense_key_map.h"

#include <algorithm>
#include <limits>

#include "exec/key_bitmap.h"

namespace floe::exec {

using columnar::Column;

namespace {

constexpr uint64_t kMinSpan = uint64_t(1) << 16;
constexpr uint64_t kMaxSpan = uint64_t(1) << 26;

}  // namespace

std::optional<DenseKeyMap> DenseKeyMap::of(std::span<const Column* const> parts) {
  IntegerKeyRange range;
  range.min = std::numeric_limits<int64_t>::max();
  range.max = std::numeric_limits<int64_t>::min();
  int64_t rows = 0;
  for (const Column* c : parts) {
    if (!is_integer_key_type(c->type())) return std::nullopt;
    const IntegerKeyRange r = integer_key_range(*c);
    rows += c->size();
    if (r.values == 0) continue;
    range.min = std::min(range.min, r.min);
    range.max = std::max(range.max, r.max);
    range.values += r.values;
  }
  if (range.values == 0 || rows >= int64_t(std::numeric_limits<int32_t>::max()) ||
      uint64_t(range.max) - uint64_t(range.min) >= kMaxSpan)
    return std::nullopt;
  const uint64_t span = range.span();
  if (span > std::max<uint64_t>(kMinSpan, uint64_t(range.values) * 4)) return std::nullopt;
  DenseKeyMap m;
  m.min_ = range.min;
  m.span_ = span;
  m.has_null_key_ = range.values < rows;
  m.head_.assign(size_t(span), -1);
  m.next_.resize(size_t(rows));
  // Backwards, so that each chain lists its rows in row order.
  int64_t end = rows;
  for (size_t p = parts.size(); p-- > 0;) {
    const Column& c = *parts[p];
    const int64_t first = end - c.size();
    visit_integer_keys(c, [&](const auto* x) {
      for (int64_t i = c.size(); i-- > 0;) {
        const int64_t row = first + i;
        if (c.null_count() > 0 && c.is_null(i)) {
          m.next_[size_t(row)] = -1;
          continue;
        }
        int32_t& head = m.head_[size_t(uint64_t(int64_t(x[i])) - uint64_t(m.min_))];
        m.next_[size_t(row)] = head;
        head = int32_t(row);
      }
    });
    end = first;
  }
  return m;
}

void DenseKeyMap::find_all(const Column& values, int64_t* ids, uint8_t* null_key) const {
  const int64_t n = values.size();
  visit_integer_keys(values, [&](const auto* x) {
    for (int64_t i = 0; i < n; ++i) {
      uint64_t d = uint64_t(int64_t(x[i])) - uint64_t(min_);
      ids[i] = d < span_ && head_[size_t(d)] >= 0 ? int64_t(d) : -1;
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
