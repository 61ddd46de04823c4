#include <gtest/gtest.h>

#include "function_test_util.h"

namespace floe::exec {
namespace {

using columnar::DataType;
using columnar::TypeId;
using testing::call;
using N = std::monostate;
using S = std::string;

TEST(ConditionalFunctions, GreatestLeast) {
  EXPECT_EQ(call("greatest", {int64_t(1), int64_t(5), int64_t(3)}), "5");
  EXPECT_EQ(call("least", {int64_t(1), int64_t(5), int64_t(-3)}), "-3");
  EXPECT_EQ(call("greatest", {int64_t(1), 2.5}), "2.5");
  EXPECT_EQ(testing::result_type("greatest", {int64_t(1), 2.5}), "DOUBLE");
  EXPECT_EQ(call("greatest", {S("apple"), S("banana")}), "banana");
  EXPECT_EQ(call("greatest", {int64_t(1), N{}}), "NULL");
  EXPECT_EQ(call("least", {S("b")}), "b");
  EXPECT_EQ(call("greatest", {1.0, std::nan("")}), "nan");
  EXPECT_THROW(resolve_scalar_function("greatest", {}), BinderError);
  std::vector<DataType> mixed{DataType(TypeId::kDate), DataType(TypeId::kBoolean)};
  EXPECT_THROW(resolve_scalar_function("greatest", mixed), BinderError);
}

TEST(ConditionalFunctions, GreatestOfColumns) {
  auto a = testing::column_of({int64_t(1), int64_t(7), N{}, int64_t(4)}, DataType(TypeId::kInt64));
  auto b = testing::column_of({int64_t(3), int64_t(2), int64_t(1), int64_t(4)},
                              DataType(TypeId::kInt64));
  EXPECT_EQ(testing::texts(testing::call_columns("greatest", {&a, &b})),
            (std::vector<std::string>{"3", "7", "NULL", "4"}));
  EXPECT_EQ(testing::texts(testing::call_columns("least", {&a, &b})),
            (std::vector<std::string>{"1", "2", "NULL", "4"}));
}

TEST(ConditionalFunctions, Nvl) {
  EXPECT_EQ(call("nvl", {N{}, int64_t(2)}), "2");
  EXPECT_EQ(call("ifnull", {int64_t(1), int64_t(2)}), "1");
  EXPECT_EQ(call("nvl", {N{}, N{}}), "NULL");
  EXPECT_EQ(call("nvl", {N{}, S("x")}), "x");
  EXPECT_EQ(call("nvl2", {int64_t(1), S("a"), S("b")}), "a");
  EXPECT_EQ(call("nvl2", {N{}, S("a"), S("b")}), "b");
  EXPECT_EQ(call("nvl2", {N{}, S("a"), N{}}), "NULL");
  auto a = testing::column_of({S("x"), N{}, N{}}, DataType(TypeId::kString));
  auto b = testing::column_of({S("y"), S("z"), N{}}, DataType(TypeId::kString));
  EXPECT_EQ(testing::texts(testing::call_columns("nvl", {&a, &b})),
            (std::vector<std::string>{"x", "z", "NULL"}));
}

TEST(ConditionalFunctions, ZeroNull) {
  EXPECT_EQ(call("zeroifnull", {N{}}), "0");
  EXPECT_EQ(call("zeroifnull", {int64_t(3)}), "3");
  EXPECT_EQ(call("zeroifnull", {1.5}), "1.5");
  EXPECT_EQ(call("nullifzero", {int64_t(0)}), "NULL");
  EXPECT_EQ(call("nullifzero", {0.0}), "NULL");
  EXPECT_EQ(call("nullifzero", {int64_t(4)}), "4");
  EXPECT_THROW(call("zeroifnull", {S("a")}), BinderError);
}

TEST(ConditionalFunctions, EqualNullAndDecode) {
  EXPECT_EQ(call("equal_null", {N{}, N{}}), "true");
  EXPECT_EQ(call("equal_null", {int64_t(1), N{}}), "false");
  EXPECT_EQ(call("equal_null", {int64_t(1), 1.0}), "true");
  EXPECT_EQ(call("equal_null", {S("a"), S("b")}), "false");
  EXPECT_EQ(call("decode", {int64_t(2), int64_t(1), S("one"), int64_t(2), S("two")}), "two");
  EXPECT_EQ(call("decode", {int64_t(3), int64_t(1), S("one"), int64_t(2), S("two")}), "NULL");
  EXPECT_EQ(call("decode", {int64_t(3), int64_t(1), S("one"), S("other")}), "other");
  EXPECT_EQ(call("decode", {N{}, int64_t(1), S("one"), N{}, S("null")}), "null");
  EXPECT_EQ(call("decode", {S("b"), S("a"), int64_t(1), S("b"), 2.5, int64_t(0)}), "2.5");
  EXPECT_THROW(
      resolve_scalar_function("decode", std::vector<DataType>(2, DataType(TypeId::kInt64))),
      BinderError);
}

}  // namespace
}  // namespace floe::exec
