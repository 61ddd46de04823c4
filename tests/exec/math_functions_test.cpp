#include <gtest/gtest.h>

#include <cmath>

#include "function_test_util.h"

namespace floe::exec {
namespace {

using columnar::DataType;
using columnar::TypeId;
using testing::call;
using N = std::monostate;
using S = std::string;

// Calls a function on one DECIMAL(p,s) value given as text, plus literal arguments.
std::string call_decimal(const std::string& name, const std::string& value, int p, int s,
                         std::vector<testing::Lit> more = {}) {
  columnar::Column text{DataType(TypeId::kString)};
  text.append_string(value);
  columnar::Column dec = columnar::cast_column(text, DataType::decimal(p, s));
  std::vector<columnar::Column> cols;
  for (auto& m : more) cols.push_back(testing::column_of({m}, testing::type_of(m)));
  std::vector<const columnar::Column*> ptrs{&dec};
  for (auto& c : cols) ptrs.push_back(&c);
  auto out = testing::call_columns(name, ptrs);
  return testing::texts(out)[0] + " " + out.type().to_string();
}

TEST(MathFunctions, Abs) {
  EXPECT_EQ(call("abs", {int64_t(-3)}), "3");
  EXPECT_EQ(call("abs", {-2.5}), "2.5");
  EXPECT_EQ(call("abs", {N{}}), "NULL");
  EXPECT_THROW(call("abs", {INT64_MIN}), InvalidInputError);
  EXPECT_EQ(call_decimal("abs", "-12.34", 10, 2), "12.34 DECIMAL(10,2)");
  EXPECT_EQ(call("sign", {int64_t(-3)}), "-1");
  EXPECT_EQ(call("sign", {0.0}), "0");
  EXPECT_EQ(call_decimal("sign", "0.01", 5, 2), "1 BIGINT");
}

TEST(MathFunctions, RoundDouble) {
  EXPECT_EQ(call("round", {2.5}), "3");
  EXPECT_EQ(call("round", {-2.5}), "-3");
  EXPECT_EQ(call("round", {3.14159, int64_t(2)}), "3.14");
  EXPECT_EQ(call("round", {1234.5, int64_t(-2)}), "1200");
  EXPECT_EQ(call("round", {1250.0, int64_t(-2)}), "1300");
  EXPECT_EQ(call("trunc", {-3.99}), "-3");
  EXPECT_EQ(call("truncate", {3.999, int64_t(2)}), "3.99");
  EXPECT_EQ(call("ceil", {1.01}), "2");
  EXPECT_EQ(call("ceiling", {-1.5}), "-1");
  EXPECT_EQ(call("floor", {-1.5}), "-2");
  EXPECT_EQ(call("floor", {1.567, int64_t(1)}), "1.5");
  EXPECT_EQ(call("ceil", {1.561, int64_t(2)}), "1.57");
  EXPECT_EQ(call("round", {1e300, int64_t(10)}), "1e+300");
}

TEST(MathFunctions, RoundBigint) {
  EXPECT_EQ(call("round", {int64_t(1250), int64_t(-2)}), "1300");
  EXPECT_EQ(call("round", {int64_t(-1250), int64_t(-2)}), "-1300");
  EXPECT_EQ(call("round", {int64_t(1249), int64_t(-2)}), "1200");
  EXPECT_EQ(call("round", {int64_t(7), int64_t(2)}), "7");
  EXPECT_EQ(call("trunc", {int64_t(-1299), int64_t(-2)}), "-1200");
  EXPECT_EQ(call("ceil", {int64_t(1201), int64_t(-2)}), "1300");
  EXPECT_EQ(call("floor", {int64_t(-1201), int64_t(-2)}), "-1300");
  EXPECT_EQ(call("round", {int64_t(5), int64_t(-30)}), "0");
  EXPECT_THROW(call("round", {INT64_MAX, int64_t(-1)}), InvalidInputError);
  EXPECT_EQ(call("round", {int64_t(42)}), "42");
  EXPECT_EQ(testing::result_type("round", {int64_t(42)}), "BIGINT");
}

TEST(MathFunctions, RoundDecimal) {
  EXPECT_EQ(call_decimal("round", "12.345", 10, 3, {int64_t(2)}), "12.350 DECIMAL(11,3)");
  EXPECT_EQ(call_decimal("round", "-12.345", 10, 3, {int64_t(2)}), "-12.350 DECIMAL(11,3)");
  EXPECT_EQ(call_decimal("round", "12.5", 10, 1), "13 DECIMAL(10,0)");
  EXPECT_EQ(call_decimal("round", "-12.5", 10, 1), "-13 DECIMAL(10,0)");
  EXPECT_EQ(call_decimal("round", "9.99", 3, 2, {int64_t(1)}), "10.00 DECIMAL(4,2)");
  EXPECT_EQ(call_decimal("round", "1234.5", 6, 1, {int64_t(-2)}), "1200.0 DECIMAL(7,1)");
  EXPECT_EQ(call_decimal("trunc", "-12.99", 5, 2), "-12 DECIMAL(4,0)");
  EXPECT_EQ(call_decimal("ceil", "12.01", 5, 2), "13 DECIMAL(4,0)");
  EXPECT_EQ(call_decimal("floor", "-12.01", 5, 2), "-13 DECIMAL(4,0)");
  EXPECT_EQ(call_decimal("floor", "-12.011", 6, 3, {int64_t(2)}), "-12.020 DECIMAL(7,3)");
  EXPECT_EQ(call_decimal("round", "12.34", 4, 2, {int64_t(5)}), "12.34 DECIMAL(5,2)");
  EXPECT_EQ(call_decimal("round", "4.5", 38, 1, {int64_t(-40)}), "0.0 DECIMAL(38,1)");
}

TEST(MathFunctions, RootsAndLogs) {
  EXPECT_EQ(call("sqrt", {int64_t(16)}), "4");
  EXPECT_EQ(call("cbrt", {27.0}), "3");
  EXPECT_EQ(call("square", {3.0}), "9");
  EXPECT_EQ(call("exp", {0.0}), "1");
  EXPECT_EQ(call("ln", {1.0}), "0");
  EXPECT_EQ(call("log10", {1000.0}), "3");
  EXPECT_EQ(call("log2", {8.0}), "3");
  EXPECT_EQ(call("log", {2.0, 8.0}), "3");
  EXPECT_EQ(call("log", {100.0}), "2");
  EXPECT_EQ(call("power", {2.0, 10.0}), "1024");
  EXPECT_EQ(call("pow", {int64_t(2), int64_t(-1)}), "0.5");
  try {
    call("sqrt", {-1.0});
    FAIL();
  } catch (const InvalidInputError& e) {
    EXPECT_STREQ(e.what(), "sqrt: cannot take the square root of -1");
  }
  EXPECT_THROW(call("ln", {0.0}), InvalidInputError);
  EXPECT_THROW(call("log", {1.0, 5.0}), InvalidInputError);
  EXPECT_THROW(call("log", {2.0, -5.0}), InvalidInputError);
  EXPECT_EQ(call("sqrt", {N{}}), "NULL");
}

TEST(MathFunctions, Trigonometry) {
  EXPECT_EQ(call("pi", {}), "3.141592653589793");
  EXPECT_EQ(call("sin", {0.0}), "0");
  EXPECT_EQ(call("cos", {0.0}), "1");
  EXPECT_EQ(call("degrees", {std::numbers::pi}), "180");
  EXPECT_EQ(call("radians", {180.0}), "3.141592653589793");
  EXPECT_EQ(call("atan2", {1.0, 1.0}), "0.7853981633974483");
  EXPECT_EQ(call("asin", {1.0}), "1.5707963267948966");
  EXPECT_THROW(call("acos", {2.0}), InvalidInputError);
  EXPECT_THROW(call("cot", {0.0}), InvalidInputError);
  EXPECT_EQ(call("isnan", {std::nan("")}), "true");
}

TEST(MathFunctions, ModDivIntegers) {
  EXPECT_EQ(call("mod", {int64_t(10), int64_t(3)}), "1");
  EXPECT_EQ(call("mod", {int64_t(-10), int64_t(3)}), "-1");
  EXPECT_EQ(call("mod", {INT64_MIN, int64_t(-1)}), "0");
  EXPECT_EQ(call("mod", {10.5, 3.0}), "1.5");
  EXPECT_THROW(call("mod", {int64_t(1), int64_t(0)}), InvalidInputError);
  EXPECT_EQ(call_decimal("mod", "10.5", 5, 1, {int64_t(3)}), "1.5 DECIMAL(20,1)");
  EXPECT_EQ(call("div0", {int64_t(1), int64_t(0)}), "0");
  EXPECT_EQ(call("div0", {int64_t(1), int64_t(4)}), "0.25");
  EXPECT_EQ(call("div0", {int64_t(1), N{}}), "NULL");
  EXPECT_EQ(call("div0null", {int64_t(1), N{}}), "0");
  EXPECT_EQ(call("div0null", {N{}, N{}}), "NULL");
  EXPECT_EQ(call("factorial", {int64_t(0)}), "1");
  EXPECT_EQ(call("factorial", {int64_t(20)}), "2432902008176640000");
  EXPECT_THROW(call("factorial", {int64_t(21)}), InvalidInputError);
  EXPECT_EQ(call("gcd", {int64_t(12), int64_t(-18)}), "6");
  EXPECT_EQ(call("gcd", {int64_t(0), int64_t(0)}), "0");
  EXPECT_EQ(call("lcm", {int64_t(4), int64_t(6)}), "12");
  EXPECT_THROW(call("lcm", {INT64_MAX, INT64_MAX - 1}), InvalidInputError);
  EXPECT_EQ(call("bit_count", {int64_t(255)}), "8");
  EXPECT_EQ(call("bit_count", {int64_t(-1)}), "64");
}

TEST(MathFunctions, WidthBucket) {
  EXPECT_EQ(call("width_bucket", {5.35, 0.024, 10.06, int64_t(5)}), "3");
  EXPECT_EQ(call("width_bucket", {-1.0, 0.0, 10.0, int64_t(5)}), "0");
  EXPECT_EQ(call("width_bucket", {10.0, 0.0, 10.0, int64_t(5)}), "6");
  EXPECT_EQ(call("width_bucket", {8.0, 10.0, 0.0, int64_t(5)}), "2");
  EXPECT_THROW(call("width_bucket", {1.0, 0.0, 10.0, int64_t(0)}), InvalidInputError);
}

TEST(MathFunctions, Random) {
  auto f = resolve_scalar_function("random", {});
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->deterministic);
  EXPECT_EQ(f->result_type.to_string(), "BIGINT");
  ScalarArgs args{{}, {}, 100};
  auto a = f->kernel(args, f->result_type);
  auto b = f->kernel(args, f->result_type);
  EXPECT_EQ(a.size(), 100);
  EXPECT_NE(a.value<int64_t>(0), b.value<int64_t>(0));
  EXPECT_EQ(call("random", {int64_t(42)}), call("random", {int64_t(42)}));
}

}  // namespace
}  // namespace floe::exec
