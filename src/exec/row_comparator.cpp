#include "exec/row_comparator.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "columnar/value_compare.h"
#include "exec/normalized_sort.h"
#include "exec/vector_ops.h"

namespace floe::exec {

using columnar::Column;
using columnar::TypeId;

namespace {

// One key's comparison as a single call: the values' type, direction and whether NULLs can
// occur are fixed when it is built.
template <typename Values>
std::function<int(uint32_t, uint32_t)> key_comparison(const Column* c, bool descending,
                                                      bool nulls_first, Values values) {
  int null_order = nulls_first ? -1 : 1;
  bool has_nulls = c->null_count() > 0;
  if (!has_nulls && !descending) return values;
  if (!has_nulls) return [values](uint32_t a, uint32_t b) { return -values(a, b); };
  int dir = descending ? -1 : 1;
  return [values, dir, null_order, c](uint32_t a, uint32_t b) {
    bool na = c->is_null(a), nb = c->is_null(b);
    if (na || nb) return na == nb ? 0 : (na ? null_order : -null_order);
    return dir * values(a, b);
  };
}

}  // namespace

RowComparator::RowComparator(std::vector<SortColumn> keys) {
  for (const auto& k : keys) {
    const Column* c = k.column;
    bool fixed = visit_fixed_width(c->type().id(), [&](auto tag) {
      using T = decltype(tag);
      const T* v = c->values<T>();
      keys_.push_back(key_comparison(c, k.descending, k.nulls_first, [v](uint32_t a, uint32_t b) {
        T x = v[a], y = v[b];
        if constexpr (std::is_floating_point_v<T>) {
          bool xn = std::isnan(x), yn = std::isnan(y);
          if (xn || yn) return xn == yn ? 0 : (xn ? 1 : -1);
        }
        return x < y ? -1 : (x > y ? 1 : 0);
      }));
    });
    if (fixed) continue;
    if (c->type().is_variable_width()) {
      keys_.push_back(key_comparison(c, k.descending, k.nulls_first, [c](uint32_t a, uint32_t b) {
        int r = c->string_at(a).compare(c->string_at(b));
        return r < 0 ? -1 : (r > 0 ? 1 : 0);
      }));
    } else {
      keys_.push_back(key_comparison(c, k.descending, k.nulls_first, [c](uint32_t a, uint32_t b) {
        return columnar::compare_values(*c, a, *c, b);
      }));
    }
  }
}

namespace {

// One key's values (both valid), as RowComparator's per-type comparisons order them.
int compare_valid(const Column& x, int64_t a, const Column& y, int64_t b) {
  int result = 0;
  bool fixed = visit_fixed_width(x.type().id(), [&](auto tag) {
    using T = decltype(tag);
    T u = x.values<T>()[a], v = y.values<T>()[b];
    if constexpr (std::is_floating_point_v<T>) {
      bool un = std::isnan(u), vn = std::isnan(v);
      if (un || vn) {
        result = un == vn ? 0 : (un ? 1 : -1);
        return;
      }
    }
    result = u < v ? -1 : (u > v ? 1 : 0);
  });
  if (fixed) return result;
  if (x.type().is_variable_width()) {
    int r = x.string_at(a).compare(y.string_at(b));
    return r < 0 ? -1 : (r > 0 ? 1 : 0);
  }
  return columnar::compare_values(x, a, y, b);
}

}  // namespace

int compare_rows(const std::vector<SortColumn>& left, int64_t a,
                 const std::vector<const Column*>& right, int64_t b) {
  for (size_t i = 0; i < left.size(); ++i) {
    const Column& x = *left[i].column;
    const Column& y = *right[i];
    bool na = x.is_null(a), nb = y.is_null(b);
    int c;
    if (na || nb) {
      int null_order = left[i].nulls_first ? -1 : 1;
      c = na == nb ? 0 : (na ? null_order : -null_order);
    } else {
      c = (left[i].descending ? -1 : 1) * compare_valid(x, a, y, b);
    }
    if (c) return c;
  }
  return 0;
}

std::vector<uint32_t> sorted_order(const std::vector<SortColumn>& keys, int64_t rows,
                                   int64_t limit, int threads) {
  RowComparator cmp(keys);
  if (auto order = normalized_sorted_order(keys, cmp, rows, limit, threads))
    return std::move(*order);
  std::vector<uint32_t> order(static_cast<size_t>(rows));
  std::iota(order.begin(), order.end(), 0u);
  auto less = [&](uint32_t a, uint32_t b) {
    int c = cmp.compare(a, b);
    return c ? c < 0 : a < b;
  };
  if (limit >= 0 && limit < rows) {
    // A heap pays off for a few rows; for many, select them first, then sort those.
    if (limit <= 4096) {
      std::partial_sort(order.begin(), order.begin() + limit, order.end(), less);
    } else {
      std::nth_element(order.begin(), order.begin() + limit, order.end(), less);
      std::sort(order.begin(), order.begin() + limit, less);
    }
    order.resize(size_t(limit));
  } else {
    std::sort(order.begin(), order.end(), less);
  }
  return order;
}

}  // namespace floe::exec
