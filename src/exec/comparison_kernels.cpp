#include "exec/comparison_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/short_copy.h"
#include "columnar/value_compare.h"

namespace floe::exec {

using columnar::Column;
using columnar::TypeId;

namespace {

// Floats order NaN above every number and equal to itself, as the sort does.
template <typename T>
inline int cmp3(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    bool xn = std::isnan(x), yn = std::isnan(y);
    if (xn || yn) return xn == yn ? 0 : (xn ? 1 : -1);
  }
  return x < y ? -1 : (x > y ? 1 : 0);
}

inline bool decide(ExprOp op, int c) {
  switch (op) {
    case ExprOp::kEqual: case ExprOp::kIsNotDistinctFrom: return c == 0;
    case ExprOp::kNotEqual: case ExprOp::kIsDistinctFrom: return c != 0;
    case ExprOp::kLess: return c < 0;
    case ExprOp::kLessEqual: return c <= 0;
    case ExprOp::kGreater: return c > 0;
    default: return c >= 0;
  }
}

template <typename T, typename Op>
void compare_loop(const T* x, bool xc, const T* y, bool yc, uint8_t* out, int64_t rows, Op op) {
  if (xc && !yc) {
    T v = x[0];
    for (int64_t i = 0; i < rows; ++i) out[i] = op(v, y[i]);
  } else if (yc && !xc) {
    T v = y[0];
    for (int64_t i = 0; i < rows; ++i) out[i] = op(x[i], v);
  } else if (xc && yc) {
    uint8_t r = op(x[0], y[0]);
    for (int64_t i = 0; i < rows; ++i) out[i] = r;
  } else {
    for (int64_t i = 0; i < rows; ++i) out[i] = op(x[i], y[i]);
  }
}

template <typename T>
void compare_fixed(ExprOp op, const Operand& a, const Operand& b, uint8_t* out, int64_t rows) {
  const T* x = a.column->values<T>();
  const T* y = b.column->values<T>();
  bool xc = a.constant, yc = b.constant;
  switch (op) {
    case ExprOp::kEqual: case ExprOp::kIsNotDistinctFrom:
      compare_loop(x, xc, y, yc, out, rows, [](T p, T q) -> uint8_t { return cmp3(p, q) == 0; });
      break;
    case ExprOp::kNotEqual: case ExprOp::kIsDistinctFrom:
      compare_loop(x, xc, y, yc, out, rows, [](T p, T q) -> uint8_t { return cmp3(p, q) != 0; });
      break;
    case ExprOp::kLess:
      compare_loop(x, xc, y, yc, out, rows, [](T p, T q) -> uint8_t { return cmp3(p, q) < 0; });
      break;
    case ExprOp::kLessEqual:
      compare_loop(x, xc, y, yc, out, rows, [](T p, T q) -> uint8_t { return cmp3(p, q) <= 0; });
      break;
    case ExprOp::kGreater:
      compare_loop(x, xc, y, yc, out, rows, [](T p, T q) -> uint8_t { return cmp3(p, q) > 0; });
      break;
    default:
      compare_loop(x, xc, y, yc, out, rows, [](T p, T q) -> uint8_t { return cmp3(p, q) >= 0; });
      break;
  }
}

// Equal byte strings: the lengths first; short ones without calling memcmp.
inline bool equal_bytes(std::string_view p, std::string_view q) {
  return p.size() == q.size() && equal_short(p.data(), q.data(), p.size());
}

inline int compare_bytes(std::string_view p, std::string_view q) {
  int c = p.compare(q);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

Column compare(ExprOp op, const Operand& a, const Operand& b, int64_t rows) {
  Buffer values(size_t(rows > 0 ? rows : 1));
  uint8_t* out = values.data();
  const auto& type = a.column->type();
  bool distinct = op == ExprOp::kIsDistinctFrom || op == ExprOp::kIsNotDistinctFrom;
  bool fixed = visit_fixed_width(type.id(), [&](auto tag) {
    using T = decltype(tag);
    compare_fixed<T>(op, a, b, out, rows);
  });
  if (!fixed) {
    auto tid = type.id();
    bool equality = op == ExprOp::kEqual || op == ExprOp::kNotEqual || distinct;
    if ((tid == TypeId::kString || tid == TypeId::kBinary) && equality) {
      bool want = op == ExprOp::kEqual || op == ExprOp::kIsNotDistinctFrom;
      for (int64_t i = 0; i < rows; ++i)
        out[i] = equal_bytes(a.column->string_at(a.constant ? 0 : i),
                             b.column->string_at(b.constant ? 0 : i)) == want;
    } else if (tid == TypeId::kString || tid == TypeId::kBinary) {
      for (int64_t i = 0; i < rows; ++i)
        out[i] = decide(op, compare_bytes(a.column->string_at(a.constant ? 0 : i),
                                          b.column->string_at(b.constant ? 0 : i)));
    } else if (tid == TypeId::kFixedBinary || tid == TypeId::kUuid) {
      for (int64_t i = 0; i < rows; ++i)
        out[i] = decide(op, compare_bytes(a.column->fixed_at(a.constant ? 0 : i),
                                          b.column->fixed_at(b.constant ? 0 : i)));
    } else {
      // Nested values: compare through the generic comparator (rows must be valid).
      for (int64_t i = 0; i < rows; ++i) {
        int64_t ia = a.constant ? 0 : i, ib = b.constant ? 0 : i;
        out[i] = (a.column->is_valid(ia) && b.column->is_valid(ib))
                     ? decide(op, columnar::compare_values(*a.column, ia, *b.column, ib))
                     : 0;
      }
    }
  }
  Column result = bool_column(std::move(values), rows);
  if (!distinct) {
    set_combined_validity(result, rows, a, &b);
    return result;
  }
  // IS [NOT] DISTINCT FROM: NULL equals NULL, NULL differs from a value; never NULL.
  if (a.column->null_count() || b.column->null_count()) {
    bool want_equal = op == ExprOp::kIsNotDistinctFrom;
    uint8_t* o = result.mutable_values<uint8_t>();
    for (int64_t i = 0; i < rows; ++i) {
      bool na = !a.valid(i), nb = !b.valid(i);
      if (na || nb) o[i] = (na && nb) == want_equal;
    }
  }
  result.set_size(rows, 0);
  return result;
}

bool in_constant_list(const Operand& x, std::span<const Operand> items, int64_t rows,
                      Column& out) {
  const auto& type = x.column->type();
  if (x.constant) return false;
  for (const Operand& item : items)
    if (!item.constant || !(item.column->type() == type)) return false;
  bool item_null = false;
  for (const Operand& item : items) item_null = item_null || item.column->is_null(0);
  Buffer values(size_t(rows > 0 ? rows : 1));
  uint8_t* o = values.data();
  const auto tid = type.id();
  bool done = visit_fixed_width(tid, [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> wanted;
    for (const Operand& item : items)
      if (item.column->is_valid(0)) wanted.push_back(item.column->values<T>()[0]);
    const T* v = x.column->values<T>();
    for (int64_t i = 0; i < rows; ++i) {
      uint8_t hit = 0;
      for (const T& w : wanted) hit |= uint8_t(cmp3(v[i], w) == 0);
      o[i] = hit;
    }
  });
  if (!done && (tid == TypeId::kString || tid == TypeId::kBinary)) {
    std::vector<std::string_view> wanted;
    for (const Operand& item : items)
      if (item.column->is_valid(0)) wanted.push_back(item.column->string_at(0));
    if (wanted.size() <= 8) {
      for (int64_t i = 0; i < rows; ++i) {
        const std::string_view s = x.column->string_at(i);
        uint8_t hit = 0;
        for (const auto& w : wanted)
          if (equal_bytes(s, w)) {
            hit = 1;
            break;
          }
        o[i] = hit;
      }
    } else {
      const std::unordered_set<std::string_view> set(wanted.begin(), wanted.end());
      for (int64_t i = 0; i < rows; ++i) o[i] = uint8_t(set.count(x.column->string_at(i)) > 0);
    }
    done = true;
  }
  if (!done) return false;
  out = bool_column(std::move(values), rows);
  set_combined_validity(out, rows, x);
  if (item_null) {  // no match with a NULL item: NULL
    const uint8_t* hit = out.values<uint8_t>();
    int64_t misses = 0;
    for (int64_t i = 0; i < rows; ++i) misses += x.valid(i) && !hit[i];
    if (misses > 0) {
      Buffer& valid = out.validity_buffer();
      if (valid.empty()) {
        valid.resize(bitmap_bytes(rows));
        std::memset(valid.data(), 0xff, valid.size());
      }
      for (int64_t i = 0; i < rows; ++i)
        if (x.valid(i) && !hit[i]) bit_clear(valid.data(), i);
      out.set_size(rows, out.null_count() + misses);
    }
  }
  return true;
}

}  // namespace floe::exec
