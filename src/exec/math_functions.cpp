// Numeric functions over BIGINT, DOUBLE and DECIMAL: ABS, CEIL/FLOOR/ROUND/TRUNC (with
// digits; half away from zero; decimals keep their scale), SIGN, roots, logarithms, powers,
// trigonometry, MOD, DIV0, FACTORIAL, GCD/LCM, WIDTH_BUCKET, RANDOM. Domain errors
// (square root of a negative, logarithm of zero) are InvalidInputErrors naming the value.
#include <array>
#include <bit>
#include <cmath>
#include <numbers>
#include <random>

#include "columnar/value_text.h"
#include "exec/column_builder.h"
#include "exec/function_library.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

using i128 = __int128;

i128 pow10_i128(int k) {
  static const auto table = [] {
    std::array<i128, 39> t{};
    t[0] = 1;
    for (int i = 1; i < 39; ++i) t[i] = t[i - 1] * 10;
    return t;
  }();
  return table[size_t(k)];
}

std::string num_text(double x) { return fmt::format("{}", x); }

[[noreturn]] void domain_error(const char* fn, const std::string& what) {
  throw InvalidInputError(fmt::format("{}: {}", fn, what));
}

// ---- kernels from value functions ----

template <typename In, typename Out, typename F>
ScalarKernel unary(F f) {
  return [f](const ScalarArgs& a, const DataType& rt) {
    const In* x = a.columns[0]->values<In>();
    return map_fixed<Out>(a.columns, a.rows, rt, [&](int64_t i) { return f(x[i]); });
  };
}

template <typename A, typename B, typename Out, typename F>
ScalarKernel binary(F f) {
  return [f](const ScalarArgs& a, const DataType& rt) {
    const A* x = a.columns[0]->values<A>();
    const B* y = a.columns[1]->values<B>();
    return map_fixed<Out>(a.columns, a.rows, rt, [&](int64_t i) { return f(x[i], y[i]); });
  };
}

// ---- rounding ----

enum class Rounding { kRound, kTrunc, kCeil, kFloor };

double round_double(double x, Rounding r) {
  switch (r) {
    case Rounding::kRound: return std::round(x);
    case Rounding::kTrunc: return std::trunc(x);
    case Rounding::kCeil: return std::ceil(x);
    case Rounding::kFloor: return std::floor(x);
  }
  return x;
}

double round_double_digits(double x, int64_t d, Rounding r) {
  if (!std::isfinite(x)) return x;
  if (d == 0) return round_double(x, r);
  if (d > 0) {
    if (d > 308) return x;
    double m = std::pow(10.0, double(d));
    double y = x * m;
    if (!std::isfinite(y)) return x;
    return round_double(y, r) / m;
  }
  if (d < -308) return 0.0;
  double m = std::pow(10.0, double(-d));
  return round_double(x / m, r) * m;
}

// Rounds the quotient q (remainder rem of divisor m) of a signed value.
template <typename T>
T adjust_quotient(T q, T rem, T m, Rounding r) {
  switch (r) {
    case Rounding::kRound: {
      T twice = rem < 0 ? -rem : rem;
      if (twice >= m - twice) q += rem < 0 ? -1 : 1;
      return q;
    }
    case Rounding::kTrunc: return q;
    case Rounding::kCeil: return rem > 0 ? q + 1 : q;
    case Rounding::kFloor: return rem < 0 ? q - 1 : q;
  }
  return q;
}

int64_t round_bigint_digits(const char* fn, int64_t x, int64_t d, Rounding r) {
  if (d >= 0) return x;
  if (d < -18) {  // 10^19 is beyond BIGINT: the result is 0 or out of range
    if (adjust_quotient<i128>(0, x, pow10_i128(19), r) != 0)
      domain_error(fn, fmt::format("{} rounded to {} digits is out of range", x, d));
    return 0;
  }
  int64_t m = int64_t(pow10_i128(int(-d)));
  int64_t q = adjust_quotient<int64_t>(x / m, x % m, m, r);
  int64_t out;
  if (__builtin_mul_overflow(q, m, &out))
    domain_error(fn, fmt::format("{} rounded to {} digits is out of range", x, d));
  return out;
}

// A decimal rounded to `d` fractional digits, kept at scale `s` (or at scale 0 when
// `to_integer`), checked against precision `p`.
i128 round_decimal(const char* fn, i128 v, int s, int64_t d, bool to_integer, int p, Rounding r) {
  if (to_integer) d = 0;
  i128 out;
  if (d >= s) {
    out = v;
  } else {
    int64_t k = int64_t(s) - d;
    if (k > 38) {  // |v| < 10^38 is below half of 10^k: 0, or a carry out of range
      if (r != Rounding::kRound && adjust_quotient<i128>(0, v, pow10_i128(38), r) != 0)
        domain_error(fn, "result out of range");
      out = 0;
    } else {
      i128 m = pow10_i128(int(k));
      i128 q = adjust_quotient<i128>(v / m, v % m, m, r);
      if (to_integer) {
        out = q;
      } else {
        if (q >= pow10_i128(38 - int(k)) || q <= -pow10_i128(38 - int(k)))
          domain_error(fn, "result out of range");
        out = q * m;
      }
    }
  }
  i128 limit = pow10_i128(p);
  if (out >= limit || out <= -limit)
    domain_error(fn, fmt::format("{} does not fit DECIMAL({},{})",
                                 columnar::decimal_to_string(out, to_integer ? 0 : s), p,
                                 to_integer ? 0 : s));
  return out;
}

template <Rounding kR>
ScalarKernel rounding_kernel_double() {
  return [](const ScalarArgs& a, const DataType& rt) {
    const double* x = a.columns[0]->values<double>();
    if (a.columns.size() == 1)
      return map_fixed<double>(a.columns, a.rows, rt,
                               [&](int64_t i) { return round_double(x[i], kR); });
    const int64_t* d = a.columns[1]->values<int64_t>();
    return map_fixed<double>(a.columns, a.rows, rt,
                             [&](int64_t i) { return round_double_digits(x[i], d[i], kR); });
  };
}

template <Rounding kR>
ScalarKernel rounding_kernel_bigint(const char* fn) {
  return [fn](const ScalarArgs& a, const DataType& rt) {
    const int64_t* x = a.columns[0]->values<int64_t>();
    if (a.columns.size() == 1) return a.columns[0]->copy();
    const int64_t* d = a.columns[1]->values<int64_t>();
    return map_fixed<int64_t>(a.columns, a.rows, rt,
                              [&](int64_t i) { return round_bigint_digits(fn, x[i], d[i], kR); });
  };
}

// ROUND/TRUNC/CEIL/FLOOR of a DECIMAL(p,s): to DECIMAL(p-s+1, 0) without digits, to
// DECIMAL(p+1, s) with digits (one more digit for a carry, at most 38).
template <Rounding kR>
BindRule rounding_decimal_rule(const char* fn) {
  return [fn](std::span<const DataType> args) -> std::optional<ScalarFunction> {
    if (args.empty() || args.size() > 2 || args[0].id() != TypeId::kDecimal) return std::nullopt;
    if (args.size() == 2 && !can_implicitly_cast(args[1], bigint_type())) return std::nullopt;
    const int p = args[0].precision(), s = args[0].scale();
    const bool to_integer = args.size() == 1;
    DataType rt = to_integer ? DataType::decimal(std::min(38, p - s + 1), 0)
                             : DataType::decimal(std::min(38, p + 1), s);
    std::vector<DataType> at{args[0]};
    if (!to_integer) at.push_back(bigint_type());
    return bound(rt, at, [fn, s, to_integer](const ScalarArgs& a, const DataType& rt) {
      const i128* x = a.columns[0]->values<i128>();
      const int64_t* d = to_integer ? nullptr : a.columns[1]->values<int64_t>();
      return map_fixed<i128>(a.columns, a.rows, rt, [&](int64_t i) {
        return round_decimal(fn, x[i], s, d ? d[i] : 0, to_integer, rt.precision(), kR);
      });
    });
  };
}

// TRUNC(date_or_timestamp, part) is DATE_TRUNC(part, date_or_timestamp).
std::optional<ScalarFunction> bind_trunc_temporal(std::span<const DataType> args) {
  if (args.size() != 2 || !is_temporal(args[0]) || !is_text(args[1])) return std::nullopt;
  DataType swapped[2] = {args[1], args[0]};
  auto f = resolve_scalar_function("date_trunc", swapped);
  if (!f) return std::nullopt;
  ScalarKernel inner = f->kernel;
  return bound(f->result_type, {f->arg_types[1], f->arg_types[0]},
               [inner](const ScalarArgs& a, const DataType& rt) {
                 const Column* cols[2] = {a.columns[1], a.columns[0]};
                 bool constant[2] = {is_constant(a, 1), is_constant(a, 0)};
                 return inner(ScalarArgs{cols, constant, a.rows}, rt);
               });
}

template <Rounding kR>
void add_rounding(FunctionTable& t, const char* name, std::initializer_list<const char*> aliases) {
  const DataType I = bigint_type(), D = double_type();
  auto& f = t.add(name, aliases)
                .overload({I}, I, rounding_kernel_bigint<kR>(name))
                .overload({I, I}, I, rounding_kernel_bigint<kR>(name))
                .overload({D}, D, rounding_kernel_double<kR>())
                .overload({D, I}, D, rounding_kernel_double<kR>());
  BindRule decimal = rounding_decimal_rule<kR>(name);
  if (kR == Rounding::kTrunc) {
    f.rule(std::string(name) + "(DECIMAL[, BIGINT]) or trunc(DATE|TIMESTAMP, VARCHAR)",
           [decimal](std::span<const DataType> args) {
             if (auto r = bind_trunc_temporal(args)) return r;
             return decimal(args);
           });
  } else {
    f.rule(std::string(name) + "(DECIMAL[, BIGINT])", decimal);
  }
}

// ---- abs, sign ----

std::optional<ScalarFunction> bind_abs_decimal(std::span<const DataType> args) {
  if (args.size() != 1 || args[0].id() != TypeId::kDecimal) return std::nullopt;
  return bound(args[0], {args[0]}, unary<i128, i128>([](i128 v) { return v < 0 ? -v : v; }));
}

std::optional<ScalarFunction> bind_sign_decimal(std::span<const DataType> args) {
  if (args.size() != 1 || args[0].id() != TypeId::kDecimal) return std::nullopt;
  return bound(bigint_type(), {args[0]},
               unary<i128, int64_t>([](i128 v) { return int64_t(v > 0) - int64_t(v < 0); }));
}

// ---- mod ----

std::optional<ScalarFunction> bind_mod_decimal(std::span<const DataType> args) {
  if (args.size() != 2) return std::nullopt;
  bool dec = args[0].id() == TypeId::kDecimal || args[1].id() == TypeId::kDecimal;
  if (!dec || !is_numeric(args[0]) || !is_numeric(args[1]) || is_floating(args[0]) ||
      is_floating(args[1]))
    return std::nullopt;
  auto c = common_type(args[0], args[1]);
  if (!c || c->id() != TypeId::kDecimal) return std::nullopt;
  return bound(*c, {*c, *c}, binary<i128, i128, i128>([](i128 x, i128 y) {
    if (y == 0) domain_error("mod", "division by zero");
    return x % y;
  }));
}

// ---- random ----

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

Column random_kernel(const ScalarArgs& a, const DataType& rt) {
  FixedBuilder<int64_t> b(rt, a.rows);
  int64_t* d = b.data();
  if (!a.columns.empty()) {
    // A seed gives the same sequence for the same seed: row i draws the i-th number.
    const Column& seed = *a.columns[0];
    for (int64_t i = 0; i < a.rows; ++i) {
      uint64_t state = uint64_t(seed.is_valid(i) ? seed.value<int64_t>(i) : 0) +
                       uint64_t(i) * 0x9E3779B97F4A7C15ULL;
      d[i] = int64_t(splitmix64(state));
    }
    return b.finish();
  }
  static thread_local uint64_t state = [] {
    std::random_device rd;
    return (uint64_t(rd()) << 32) ^ rd();
  }();
  for (int64_t i = 0; i < a.rows; ++i) d[i] = int64_t(splitmix64(state));
  return b.finish();
}

// ---- integer functions ----

int64_t factorial(int64_t n) {
  if (n < 0 || n > 20) domain_error("factorial", fmt::format("{} is out of range (0 to 20)", n));
  int64_t r = 1;
  for (int64_t k = 2; k <= n; ++k) r *= k;
  return r;
}

uint64_t magnitude(int64_t v) { return v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v); }

uint64_t gcd_u(uint64_t a, uint64_t b) {
  while (b) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

int64_t gcd(int64_t a, int64_t b) {
  uint64_t g = gcd_u(magnitude(a), magnitude(b));
  if (g > uint64_t(INT64_MAX))
    domain_error("gcd", fmt::format("gcd({}, {}) is out of range", a, b));
  return int64_t(g);
}

int64_t lcm(int64_t a, int64_t b) {
  if (a == 0 || b == 0) return 0;
  uint64_t ua = magnitude(a), ub = magnitude(b);
  uint64_t l;
  if (__builtin_mul_overflow(ua / gcd_u(ua, ub), ub, &l) || l > uint64_t(INT64_MAX))
    domain_error("lcm", fmt::format("lcm({}, {}) is out of range", a, b));
  return int64_t(l);
}

Column width_bucket_kernel(const ScalarArgs& a, const DataType& rt) {
  const double* x = a.columns[0]->values<double>();
  const double* lo = a.columns[1]->values<double>();
  const double* hi = a.columns[2]->values<double>();
  const int64_t* n = a.columns[3]->values<int64_t>();
  return map_fixed<int64_t>(a.columns, a.rows, rt, [&](int64_t i) -> int64_t {
    if (n[i] <= 0)
      domain_error("width_bucket", fmt::format("bucket count {} must be positive", n[i]));
    if (lo[i] == hi[i] || !std::isfinite(lo[i]) || !std::isfinite(hi[i]))
      domain_error("width_bucket", fmt::format("bounds {} and {} must be finite and differ",
                                               num_text(lo[i]), num_text(hi[i])));
    if (std::isnan(x[i])) domain_error("width_bucket", "NaN has no bucket");
    double width = hi[i] - lo[i];
    double pos = (x[i] - lo[i]) / width;  // both directions: 0..1 inside
    if (pos < 0) return 0;
    if (pos >= 1) return n[i] + 1;
    double bucket = std::floor(pos * double(n[i]));
    return bucket >= double(n[i]) ? n[i] : int64_t(bucket) + 1;
  });
}

// ---- division ----

template <bool kNullAsZero>
Column div0_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& x = *a.columns[0];
  const Column& y = *a.columns[1];
  FixedBuilder<double> b(rt, a.rows);
  for (int64_t i = 0; i < a.rows; ++i) {
    bool xv = x.is_valid(i), yv = y.is_valid(i);
    if (kNullAsZero && !yv) {
      if (xv)
        b.set(i, 0.0);
      else
        b.set_null(i);
      continue;
    }
    if (!xv || !yv) {
      b.set_null(i);
      continue;
    }
    double d = y.value<double>(i);
    b.set(i, d == 0 ? 0.0 : x.value<double>(i) / d);
  }
  return b.finish();
}

}  // namespace

void register_math_functions(FunctionTable& t) {
  const DataType I = bigint_type(), D = double_type(), B = boolean_type();
  t.add("abs")
      .rule("abs(DECIMAL)", bind_abs_decimal)
      .overload({I}, I, unary<int64_t, int64_t>([](int64_t v) {
                  if (v == INT64_MIN) domain_error("abs", fmt::format("{} is out of range", v));
                  return v < 0 ? -v : v;
                }))
      .overload({D}, D, unary<double, double>([](double v) { return std::fabs(v); }));
  add_rounding<Rounding::kCeil>(t, "ceil", {"ceiling"});
  add_rounding<Rounding::kFloor>(t, "floor", {});
  add_rounding<Rounding::kRound>(t, "round", {});
  add_rounding<Rounding::kTrunc>(t, "trunc", {"truncate"});
  t.add("sign", {"signum"})
      .rule("sign(DECIMAL)", bind_sign_decimal)
      .overload({I}, I,
                unary<int64_t, int64_t>([](int64_t v) { return int64_t(v > 0) - int64_t(v < 0); }))
      .overload({D}, I,
                unary<double, int64_t>([](double v) { return int64_t(v > 0) - int64_t(v < 0); }));

  t.add("sqrt").overload({D}, D, unary<double, double>([](double x) {
                           if (x < 0)
                             domain_error("sqrt", "cannot take the square root of " + num_text(x));
                           return std::sqrt(x);
                         }));
  t.add("cbrt").overload({D}, D, unary<double, double>([](double x) {
                           // glibc's cbrt may be one ulp off; exact cubes come out exact.
                           double y = std::cbrt(x), r = std::round(y);
                           return r * r * r == x ? r : y;
                         }));
  t.add("square").overload({D}, D, unary<double, double>([](double x) { return x * x; }));
  t.add("exp").overload({D}, D, unary<double, double>([](double x) { return std::exp(x); }));
  auto log_of = [](const char* fn, double x) {
    if (x <= 0) domain_error(fn, "cannot take the logarithm of " + num_text(x));
  };
  t.add("ln").overload({D}, D, unary<double, double>([log_of](double x) {
                         log_of("ln", x);
                         return std::log(x);
                       }));
  t.add("log10").overload({D}, D, unary<double, double>([log_of](double x) {
                            log_of("log10", x);
                            return std::log10(x);
                          }));
  t.add("log2").overload({D}, D, unary<double, double>([log_of](double x) {
                           log_of("log2", x);
                           return std::log2(x);
                         }));
  // LOG(base, x) as Snowflake; LOG(x) is the base 10 logarithm.
  t.add("log")
      .overload({D}, D, unary<double, double>([log_of](double x) {
                  log_of("log", x);
                  return std::log10(x);
                }))
      .overload({D, D}, D, binary<double, double, double>([log_of](double base, double x) {
                  if (base <= 0 || base == 1)
                    domain_error(
                        "log", "base " + num_text(base) + " is not positive and different from 1");
                  log_of("log", x);
                  return std::log(x) / std::log(base);
                }));
  t.add("power", {"pow"})
      .overload({D, D}, D,
                binary<double, double, double>([](double x, double y) { return std::pow(x, y); }));
  t.add("pi").overload({}, D, [](const ScalarArgs& a, const DataType& rt) {
    FixedBuilder<double> b(rt, a.rows);
    std::fill(b.data(), b.data() + a.rows, std::numbers::pi);
    return b.finish();
  });
  auto trig = [&](const char* name, auto f) {
    t.add(name).overload({D}, D, unary<double, double>(f));
  };
  trig("sin", [](double x) { return std::sin(x); });
  trig("cos", [](double x) { return std::cos(x); });
  trig("tan", [](double x) { return std::tan(x); });
  trig("atan", [](double x) { return std::atan(x); });
  trig("sinh", [](double x) { return std::sinh(x); });
  trig("cosh", [](double x) { return std::cosh(x); });
  trig("tanh", [](double x) { return std::tanh(x); });
  trig("degrees", [](double x) { return x * (180.0 / std::numbers::pi); });
  trig("radians", [](double x) { return x * (std::numbers::pi / 180.0); });
  trig("asin", [](double x) {
    if (x < -1 || x > 1) domain_error("asin", num_text(x) + " is outside [-1, 1]");
    return std::asin(x);
  });
  trig("acos", [](double x) {
    if (x < -1 || x > 1) domain_error("acos", num_text(x) + " is outside [-1, 1]");
    return std::acos(x);
  });
  trig("cot", [](double x) {
    double tn = std::tan(x);
    if (tn == 0) domain_error("cot", "cot(" + num_text(x) + ") is infinite");
    return 1.0 / tn;
  });
  t.add("atan2").overload({D, D}, D, binary<double, double, double>([](double y, double x) {
                            return std::atan2(y, x);
                          }));
  t.add("isnan").overload(
      {D}, B, unary<double, uint8_t>([](double x) -> uint8_t { return std::isnan(x); }));
  t.add("isinf").overload(
      {D}, B, unary<double, uint8_t>([](double x) -> uint8_t { return std::isinf(x); }));
  t.add("isfinite").overload({D}, B, unary<double, uint8_t>([](double x) -> uint8_t {
                               return std::isfinite(x);
                             }));

  t.add("mod")
      .rule("mod(DECIMAL, DECIMAL)", bind_mod_decimal)
      .overload({I, I}, I, binary<int64_t, int64_t, int64_t>([](int64_t x, int64_t y) -> int64_t {
                  if (y == 0) domain_error("mod", "division by zero");
                  return y == -1 ? 0 : x % y;
                }))
      .overload({D, D}, D, binary<double, double, double>([](double x, double y) {
                  if (y == 0) domain_error("mod", "division by zero");
                  return std::fmod(x, y);
                }));
  // Snowflake's bitwise functions over integers (shifts past 63 bits give 0).
  t.add("bitand")
      .overload({I, I}, I, binary<int64_t, int64_t, int64_t>([](int64_t x, int64_t y) {
                  return x & y;
                }));
  t.add("bitor")
      .overload({I, I}, I, binary<int64_t, int64_t, int64_t>([](int64_t x, int64_t y) {
                  return x | y;
                }));
  t.add("bitxor")
      .overload({I, I}, I, binary<int64_t, int64_t, int64_t>([](int64_t x, int64_t y) {
                  return x ^ y;
                }));
  t.add("bitnot").overload({I}, I, unary<int64_t, int64_t>([](int64_t x) { return ~x; }));
  t.add("bitshiftleft")
      .overload({I, I}, I, binary<int64_t, int64_t, int64_t>([](int64_t x, int64_t n) {
                  if (n < 0) domain_error("bitshiftleft", "a negative shift");
                  return n > 63 ? int64_t(0) : int64_t(uint64_t(x) << n);
                }));
  t.add("bitshiftright")
      .overload({I, I}, I, binary<int64_t, int64_t, int64_t>([](int64_t x, int64_t n) {
                  if (n < 0) domain_error("bitshiftright", "a negative shift");
                  return n > 63 ? (x < 0 ? int64_t(-1) : int64_t(0)) : x >> n;
                }));
  t.add("div0").overload({D, D}, D, div0_kernel<false>);
  t.add("div0null").overload({D, D}, D, div0_kernel<true>);
  t.add("factorial").overload({I}, I, unary<int64_t, int64_t>([](int64_t n) {
                                return factorial(n);
                              }));
  t.add("gcd").overload(
      {I, I}, I, binary<int64_t, int64_t, int64_t>([](int64_t x, int64_t y) { return gcd(x, y); }));
  t.add("lcm").overload(
      {I, I}, I, binary<int64_t, int64_t, int64_t>([](int64_t x, int64_t y) { return lcm(x, y); }));
  t.add("bit_count").overload({I}, I, unary<int64_t, int64_t>([](int64_t v) {
                                return int64_t(std::popcount(uint64_t(v)));
                              }));
  t.add("width_bucket").overload({D, D, D, I}, I, width_bucket_kernel);
  t.add("random").overload({}, I, random_kernel).overload({I}, I, random_kernel).nondeterministic();
}

}  // namespace floe::exec
