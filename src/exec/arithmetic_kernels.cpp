#include "exec/arithmetic_kernels.h"

#include <algorithm>
#include <cmath>

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

constexpr __int128 pow10_128(int n) {
  __int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}
const __int128 kDecimalLimit = pow10_128(38);

[[noreturn]] void overflow(const char* what) {
  throw InvalidInputError(fmt::format("{} overflow", what));
}
[[noreturn]] void divide_by_zero() { throw InvalidInputError("division by zero"); }

template <typename T, typename Fn>
void binary_loop(const Operand& a, const Operand& b, T* out, int64_t rows, Fn fn) {
  const T* x = a.column->values<T>();
  const T* y = b.column->values<T>();
  if (!a.constant && !b.constant) {
    for (int64_t i = 0; i < rows; ++i) out[i] = fn(x[i], y[i], i);
  } else if (b.constant && !a.constant) {
    T v = y[0];
    for (int64_t i = 0; i < rows; ++i) out[i] = fn(x[i], v, i);
  } else if (a.constant && !b.constant) {
    T v = x[0];
    for (int64_t i = 0; i < rows; ++i) out[i] = fn(v, y[i], i);
  } else {
    for (int64_t i = 0; i < rows; ++i) out[i] = fn(x[0], y[0], i);
  }
}

// Rows whose result is NULL although both inputs are valid (division by zero in NULL mode).
struct ExtraNulls {
  std::vector<int64_t> rows;
};

template <typename T>
void integer_op(ExprOp op, const Operand& a, const Operand& b, T* out, int64_t rows,
                bool null_zero, ExtraNulls& extra) {
  // Invalid rows hold arbitrary values: only the valid ones may raise errors.
  auto valid = [&](int64_t i) { return a.valid(i) && b.valid(i); };
  switch (op) {
    case ExprOp::kAdd:
      binary_loop<T>(a, b, out, rows, [&](T p, T q, int64_t i) {
        T r;
        if (__builtin_add_overflow(p, q, &r) && valid(i)) overflow("integer");
        return r;
      });
      break;
    case ExprOp::kSubtract:
      binary_loop<T>(a, b, out, rows, [&](T p, T q, int64_t i) {
        T r;
        if (__builtin_sub_overflow(p, q, &r) && valid(i)) overflow("integer");
        return r;
      });
      break;
    case ExprOp::kMultiply:
      binary_loop<T>(a, b, out, rows, [&](T p, T q, int64_t i) {
        T r;
        if (__builtin_mul_overflow(p, q, &r) && valid(i)) overflow("integer");
        return r;
      });
      break;
    case ExprOp::kDivide:
    case ExprOp::kIntegerDivide:
    case ExprOp::kModulo: {
      bool mod = op == ExprOp::kModulo;
      binary_loop<T>(a, b, out, rows, [&](T p, T q, int64_t i) -> T {
        if (q == 0) {
          if (!valid(i)) return 0;
          if (!null_zero) divide_by_zero();
          extra.rows.push_back(i);
          return 0;
        }
        if (q == -1) return mod ? 0 : T(0) - p;  // avoids INT64_MIN / -1 trapping
        return mod ? p % q : p / q;
      });
      break;
    }
    default:
      throw InternalError("integer_op: unexpected operator");
  }
}

void double_op(ExprOp op, const Operand& a, const Operand& b, double* out, int64_t rows,
               bool null_zero, ExtraNulls& extra) {
  auto valid = [&](int64_t i) { return a.valid(i) && b.valid(i); };
  switch (op) {
    case ExprOp::kAdd:
      binary_loop<double>(a, b, out, rows, [](double p, double q, int64_t) { return p + q; });
      break;
    case ExprOp::kSubtract:
      binary_loop<double>(a, b, out, rows, [](double p, double q, int64_t) { return p - q; });
      break;
    case ExprOp::kMultiply:
      binary_loop<double>(a, b, out, rows, [](double p, double q, int64_t) { return p * q; });
      break;
    case ExprOp::kDivide:
    case ExprOp::kIntegerDivide:
    case ExprOp::kModulo: {
      binary_loop<double>(a, b, out, rows, [&](double p, double q, int64_t i) -> double {
        if (q == 0) {
          if (!valid(i)) return 0;
          if (!null_zero) divide_by_zero();
          extra.rows.push_back(i);
          return 0;
        }
        if (op == ExprOp::kModulo) return std::fmod(p, q);
        if (op == ExprOp::kIntegerDivide) return std::trunc(p / q);
        return p / q;
      });
      break;
    }
    default:
      throw InternalError("double_op: unexpected operator");
  }
}

void decimal_op(ExprOp op, const Operand& a, const Operand& b, __int128* out, int64_t rows,
                bool null_zero, ExtraNulls& extra) {
  auto valid = [&](int64_t i) { return a.valid(i) && b.valid(i); };
  auto check = [&](__int128 r, int64_t i) {
    if ((r >= kDecimalLimit || r <= -kDecimalLimit) && valid(i)) overflow("decimal");
    return r;
  };
  // When the operands' precisions cannot give a result of more than 38 digits, the checks
  // are left out (values within their precision cannot overflow), which lets the loops run
  // without a branch per row. Unsigned arithmetic keeps values outside their declared
  // precision (a foreign file's) from being undefined behaviour.
  int pa = a.column->type().precision(), pb = b.column->type().precision();
  using U = unsigned __int128;
  switch (op) {
    case ExprOp::kAdd:
      if (std::max(pa, pb) < 38) {
        binary_loop<__int128>(a, b, out, rows,
                              [](__int128 p, __int128 q, int64_t) { return __int128(U(p) + U(q)); });
        break;
      }
      binary_loop<__int128>(a, b, out, rows, [&](__int128 p, __int128 q, int64_t i) {
        __int128 r;
        if (__builtin_add_overflow(p, q, &r) && valid(i)) overflow("decimal");
        return check(r, i);
      });
      break;
    case ExprOp::kSubtract:
      if (std::max(pa, pb) < 38) {
        binary_loop<__int128>(a, b, out, rows,
                              [](__int128 p, __int128 q, int64_t) { return __int128(U(p) - U(q)); });
        break;
      }
      binary_loop<__int128>(a, b, out, rows, [&](__int128 p, __int128 q, int64_t i) {
        __int128 r;
        if (__builtin_sub_overflow(p, q, &r) && valid(i)) overflow("decimal");
        return check(r, i);
      });
      break;
    case ExprOp::kMultiply:
      if (pa + pb <= 38) {
        binary_loop<__int128>(a, b, out, rows,
                              [](__int128 p, __int128 q, int64_t) { return __int128(U(p) * U(q)); });
        break;
      }
      binary_loop<__int128>(a, b, out, rows, [&](__int128 p, __int128 q, int64_t i) {
        __int128 r;
        if (__builtin_mul_overflow(p, q, &r) && valid(i)) overflow("decimal");
        return check(r, i);
      });
      break;
    case ExprOp::kModulo:
      binary_loop<__int128>(a, b, out, rows, [&](__int128 p, __int128 q, int64_t i) -> __int128 {
        if (q == 0) {
          if (!valid(i)) return 0;
          if (!null_zero) divide_by_zero();
          extra.rows.push_back(i);
          return 0;
        }
        return p % q;
      });
      break;
    default:
      throw InternalError("decimal_op: unexpected operator");
  }
}

}  // namespace

Column arithmetic(ExprOp op, const DataType& result, const Operand& a, const Operand& b,
                  int64_t rows, bool null_on_divide_by_zero) {
  Column out(result);
  ExtraNulls extra;
  switch (result.id()) {
    case TypeId::kInt64:
      out.data_buffer().resize(size_t(rows) * 8);
      integer_op<int64_t>(op, a, b, out.mutable_values<int64_t>(), rows, null_on_divide_by_zero,
                          extra);
      break;
    case TypeId::kFloat64:
      out.data_buffer().resize(size_t(rows) * 8);
      double_op(op, a, b, out.mutable_values<double>(), rows, null_on_divide_by_zero, extra);
      break;
    case TypeId::kDecimal:
      out.data_buffer().resize(size_t(rows) * 16);
      decimal_op(op, a, b, out.mutable_values<__int128>(), rows, null_on_divide_by_zero, extra);
      break;
    default:
      throw InternalError(fmt::format("arithmetic on {}", result.to_string()));
  }
  set_combined_validity(out, rows, a, &b);
  if (!extra.rows.empty()) {
    Buffer& v = out.validity_buffer();
    if (v.empty()) {
      v.resize(bitmap_bytes(rows));
      std::memset(v.data(), 0xff, v.size());
    }
    int64_t nulls = out.null_count();
    for (int64_t r : extra.rows)
      if (bit_get(v.data(), r)) {
        bit_clear(v.data(), r);
        ++nulls;
      }
    out.set_size(rows, nulls);
  }
  return out;
}

Column negate(const Operand& a, int64_t rows) {
  const DataType& t = a.column->type();
  Column out(t);
  auto run = [&](auto tag) {
    using T = decltype(tag);
    out.data_buffer().resize(size_t(rows) * sizeof(T));
    T* o = out.mutable_values<T>();
    const T* x = a.column->values<T>();
    for (int64_t i = 0; i < rows; ++i) {
      T v = x[a.constant ? 0 : i];
      if constexpr (std::is_integral_v<T>) {
        if (v == std::numeric_limits<T>::min() && a.valid(i)) overflow("integer");
      }
      o[i] = T(0) - v;
    }
  };
  switch (t.id()) {
    case TypeId::kInt64: run(int64_t{}); break;
    case TypeId::kFloat64: run(double{}); break;
    case TypeId::kDecimal: run(__int128{}); break;
    default: throw InternalError(fmt::format("negate on {}", t.to_string()));
  }
  set_combined_validity(out, rows, a);
  return out;
}

Column concat(const Operand& a, const Operand& b, int64_t rows) {
  Column out{DataType(TypeId::kString)};
  out.reserve(rows);
  for (int64_t i = 0; i < rows; ++i) {
    if (!a.valid(i) || !b.valid(i)) {
      out.append_null();
      continue;
    }
    std::string_view x = a.column->string_at(a.constant ? 0 : i);
    std::string_view y = b.column->string_at(b.constant ? 0 : i);
    std::string s;
    s.reserve(x.size() + y.size());
    s.append(x).append(y);
    out.append_string(s);
  }
  return out;
}

}  // namespace floe::exec
