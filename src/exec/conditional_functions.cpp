// Functions that choose among their arguments, over any type brought to the arguments'
// common type: NVL/IFNULL, NVL2, ZEROIFNULL, NULLIFZERO, EQUAL_NULL, DECODE (NULL matches
// NULL, as Snowflake), GREATEST/LEAST (NULL when any argument is NULL, as Snowflake).
// COALESCE, NULLIF, IFF and CASE are special forms of the binder, not kernels here.
#include <cmath>

#include "columnar/value_compare.h"
#include "exec/column_builder.h"
#include "exec/function_library.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

using i128 = __int128;

// Physical value classes a kernel is instantiated for; kGeneric uses compare_values.
struct Generic {};

template <typename F>
auto with_value_class(const DataType& t, F&& f) {
  switch (t.id()) {
    case TypeId::kBoolean: return f(uint8_t{});
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return f(int64_t{});
    case TypeId::kDate: return f(int32_t{});
    case TypeId::kFloat64: return f(double{});
    case TypeId::kDecimal: return f(i128{});
    case TypeId::kString:
    case TypeId::kBinary: return f(std::string_view{});
    default: return f(Generic{});
  }
}

template <typename T>
struct Values {
  const Column& c;
  T operator[](int64_t i) const {
    if constexpr (std::is_same_v<T, std::string_view>)
      return c.string_at(i);
    else
      return c.value<T>(i);
  }
};

// Three-way comparison of valid values; NaN is above every number and equal to itself.
template <typename T>
int compare_at(const Column& a, int64_t i, const Column& b, int64_t j) {
  if constexpr (std::is_same_v<T, Generic>) {
    return columnar::compare_values(a, i, b, j);
  } else {
    T x = Values<T>{a}[i], y = Values<T>{b}[j];
    if constexpr (std::is_same_v<T, double>) {
      bool xn = std::isnan(x), yn = std::isnan(y);
      if (xn || yn) return int(xn) - int(yn);
    }
    if constexpr (std::is_same_v<T, std::string_view>) {
      int c = x.compare(y);
      return (c > 0) - (c < 0);
    } else {
      return (x > y) - (x < y);
    }
  }
}

// A column of `type` whose row i is row i of columns[pick[i]], or NULL when pick[i] < 0 or
// that value is NULL.
Column gather(std::span<const Column* const> cols, const std::vector<int32_t>& pick,
              const DataType& type, int64_t rows) {
  auto is_valid = [&](int64_t i) {
    return pick[size_t(i)] >= 0 && cols[size_t(pick[size_t(i)])]->is_valid(i);
  };
  if (type.id() == TypeId::kString || type.id() == TypeId::kBinary) {
    size_t hint = 0;
    for (const Column* c : cols)
      if (c->type().is_variable_width()) hint = std::max(hint, string_bytes(*c));
    StringBuilder b(type, rows, hint);
    for (int64_t i = 0; i < rows; ++i) {
      if (is_valid(i))
        b.append(cols[size_t(pick[size_t(i)])]->string_at(i));
      else
        b.append_null();
    }
    return b.finish();
  }
  int w = type.byte_width();
  if (w > 0 && !type.is_nested()) {
    Column out(type);
    out.data_buffer().resize(size_t(rows) * size_t(w));
    uint8_t* d = out.data_buffer().data();
    int64_t nulls = 0;
    for (int64_t i = 0; i < rows; ++i) {
      if (is_valid(i)) {
        std::memcpy(d + i * w, cols[size_t(pick[size_t(i)])]->data_buffer().data() + i * w,
                    size_t(w));
        continue;
      }
      std::memset(d + i * w, 0, size_t(w));
      if (nulls++ == 0) {
        out.validity_buffer().resize(size_t(bitmap_bytes(rows)));
        std::memset(out.validity_buffer().data(), 0xff, out.validity_buffer().size());
      }
      bit_clear(out.validity_buffer().data(), i);
    }
    out.set_size(rows, nulls);
    return out;
  }
  Column out(type);
  for (int64_t i = 0; i < rows; ++i) {
    if (is_valid(i))
      out.append_range(*cols[size_t(pick[size_t(i)])], i, 1);
    else
      out.append_null();
  }
  return out;
}

// ---- greatest, least ----

template <bool kGreatest>
Column extreme_kernel(const ScalarArgs& a, const DataType& rt) {
  std::vector<int32_t> pick(size_t(a.rows), 0);
  RowMask m = valid_rows(a.columns, a.rows);
  with_value_class(rt, [&](auto tag) {
    using T = decltype(tag);
    for_rows(
        m, a.rows,
        [&](int64_t i) {
          int32_t best = 0;
          for (size_t k = 1; k < a.columns.size(); ++k) {
            int c = compare_at<T>(*a.columns[k], i, *a.columns[size_t(best)], i);
            if (kGreatest ? c > 0 : c < 0) best = int32_t(k);
          }
          pick[size_t(i)] = best;
        },
        [&](int64_t i) { pick[size_t(i)] = -1; });
  });
  return gather(a.columns, pick, rt, a.rows);
}

template <bool kGreatest>
std::optional<ScalarFunction> bind_extreme(std::span<const DataType> args) {
  if (args.empty()) return std::nullopt;
  auto t = common_value_type(args);
  if (!t || t->is_nested()) return std::nullopt;
  return bound(*t, std::vector<DataType>(args.size(), *t), extreme_kernel<kGreatest>);
}

// ---- nvl, nvl2 ----

Column nvl_kernel(const ScalarArgs& a, const DataType& rt) {
  std::vector<int32_t> pick(size_t(a.rows));
  const Column& x = *a.columns[0];
  for (int64_t i = 0; i < a.rows; ++i) pick[size_t(i)] = x.is_valid(i) ? 0 : 1;
  return gather(a.columns, pick, rt, a.rows);
}

std::optional<ScalarFunction> bind_nvl(std::span<const DataType> args) {
  if (args.size() != 2) return std::nullopt;
  auto t = common_value_type(args);
  if (!t) return std::nullopt;
  return bound(*t, {*t, *t}, nvl_kernel);
}

Column nvl2_kernel(const ScalarArgs& a, const DataType& rt) {
  std::vector<int32_t> pick(size_t(a.rows));
  const Column& x = *a.columns[0];
  for (int64_t i = 0; i < a.rows; ++i) pick[size_t(i)] = x.is_valid(i) ? 1 : 2;
  return gather(a.columns, pick, rt, a.rows);
}

std::optional<ScalarFunction> bind_nvl2(std::span<const DataType> args) {
  if (args.size() != 3) return std::nullopt;
  auto t = common_value_type(args.subspan(1));
  if (!t) return std::nullopt;
  return bound(*t, {value_type(args[0]), *t, *t}, nvl2_kernel);
}

// ---- zeroifnull, nullifzero ----

template <typename T>
Column zeroifnull_typed(const Column& x, const DataType& rt, int64_t rows) {
  FixedBuilder<T> b(rt, rows);
  const T* v = x.values<T>();
  for (int64_t i = 0; i < rows; ++i) b.set(i, x.is_valid(i) ? v[i] : T{});
  return b.finish();
}

template <typename T>
Column nullifzero_typed(const Column& x, const DataType& rt, int64_t rows) {
  FixedBuilder<T> b(rt, rows);
  const T* v = x.values<T>();
  for (int64_t i = 0; i < rows; ++i) {
    if (x.is_valid(i) && v[i] != T{})
      b.set(i, v[i]);
    else
      b.set_null(i);
  }
  return b.finish();
}

template <bool kZeroIfNull>
std::optional<ScalarFunction> bind_zero_null(std::span<const DataType> args) {
  if (args.size() != 1) return std::nullopt;
  DataType t = args[0].id() == TypeId::kNull ? bigint_type() : value_type(args[0]);
  if (!is_numeric(t)) return std::nullopt;
  return bound(t, {t}, [](const ScalarArgs& a, const DataType& rt) {
    const Column& x = *a.columns[0];
    switch (rt.id()) {
      case TypeId::kInt64:
        return kZeroIfNull ? zeroifnull_typed<int64_t>(x, rt, a.rows)
                           : nullifzero_typed<int64_t>(x, rt, a.rows);
      case TypeId::kFloat64:
        return kZeroIfNull ? zeroifnull_typed<double>(x, rt, a.rows)
                           : nullifzero_typed<double>(x, rt, a.rows);
      default:
        return kZeroIfNull ? zeroifnull_typed<i128>(x, rt, a.rows)
                           : nullifzero_typed<i128>(x, rt, a.rows);
    }
  });
}

// ---- equal_null, decode ----

// NULL-safe equality of row i of two columns of one type.
template <typename T>
bool same_at(const Column& a, const Column& b, int64_t i) {
  bool av = a.is_valid(i), bv = b.is_valid(i);
  if (!av || !bv) return av == bv;
  return compare_at<T>(a, i, b, i) == 0;
}

Column equal_null_kernel(const ScalarArgs& a, const DataType& rt) {
  FixedBuilder<uint8_t> b(rt, a.rows);
  const Column& x = *a.columns[0];
  const Column& y = *a.columns[1];
  with_value_class(x.type(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < a.rows; ++i) b.set(i, same_at<T>(x, y, i));
  });
  return b.finish();
}

std::optional<ScalarFunction> bind_equal_null(std::span<const DataType> args) {
  if (args.size() != 2) return std::nullopt;
  auto t = common_value_type(args);
  if (!t || t->is_nested()) return std::nullopt;
  return bound(boolean_type(), {*t, *t}, equal_null_kernel);
}

// DECODE(expr, search1, result1, ..., [default]): arguments 1, 3, 5 ... are searches.
Column decode_kernel(const ScalarArgs& a, const DataType& rt) {
  const size_t n = a.columns.size();
  const size_t pairs = (n - 1) / 2;
  const bool has_default = (n - 1) % 2 == 1;
  const Column& x = *a.columns[0];
  std::vector<int32_t> pick(size_t(a.rows));
  with_value_class(x.type(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < a.rows; ++i) {
      int32_t p = has_default ? int32_t(n - 1) : -1;
      for (size_t k = 0; k < pairs; ++k) {
        if (same_at<T>(x, *a.columns[1 + 2 * k], i)) {
          p = int32_t(2 + 2 * k);
          break;
        }
      }
      pick[size_t(i)] = p;
    }
  });
  // Results and default are gathered; the searches are never picked.
  return gather(a.columns, pick, rt, a.rows);
}

std::optional<ScalarFunction> bind_decode(std::span<const DataType> args) {
  if (args.size() < 3) return std::nullopt;
  std::vector<DataType> searches{args[0]}, results;
  for (size_t k = 1; k + 1 < args.size(); k += 2) {
    searches.push_back(args[k]);
    results.push_back(args[k + 1]);
  }
  if ((args.size() - 1) % 2 == 1) results.push_back(args.back());
  auto st = common_value_type(searches);
  auto rt = common_value_type(results);
  if (!st || !rt || st->is_nested()) return std::nullopt;
  std::vector<DataType> at(args.size(), *rt);
  at[0] = *st;
  for (size_t k = 1; k + 1 < args.size(); k += 2) at[k] = *st;
  return bound(*rt, at, decode_kernel);
}

}  // namespace

void register_conditional_functions(FunctionTable& t) {
  t.add("greatest").rule("greatest(ANY[, ...])", bind_extreme<true>);
  t.add("least").rule("least(ANY[, ...])", bind_extreme<false>);
  t.add("nvl", {"ifnull"}).rule("nvl(ANY, ANY)", bind_nvl);
  t.add("nvl2").rule("nvl2(ANY, ANY, ANY)", bind_nvl2);
  t.add("zeroifnull").rule("zeroifnull(NUMBER)", bind_zero_null<true>);
  t.add("nullifzero").rule("nullifzero(NUMBER)", bind_zero_null<false>);
  t.add("equal_null").rule("equal_null(ANY, ANY)", bind_equal_null);
  t.add("decode").rule("decode(ANY, ANY, ANY[, ANY, ANY ...][, ANY])", bind_decode);
}

}  // namespace floe::exec
