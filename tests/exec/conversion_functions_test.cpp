#include <gtest/gtest.h>

#include "function_test_util.h"

namespace floe::exec {
namespace {

using columnar::DataType;
using columnar::TypeId;
using testing::call;
using testing::date;
using testing::time;
using testing::ts;
using N = std::monostate;
using S = std::string;
using I = int64_t;

TEST(ConversionFunctions, ToVarchar) {
  EXPECT_EQ(call("to_varchar", {I(42)}), "42");
  EXPECT_EQ(call("to_char", {2.5}), "2.5");
  EXPECT_EQ(call("to_varchar", {true}), "true");
  EXPECT_EQ(call("to_varchar", {date("2024-02-29")}), "2024-02-29");
  EXPECT_EQ(call("to_varchar", {N{}}), "NULL");
  EXPECT_EQ(call("to_varchar", {date("2024-02-29"), S("DD/MM/YYYY")}), "29/02/2024");
  EXPECT_EQ(call("to_char", {ts("2024-02-29 13:04:05.678"), S("MON DD, YYYY HH12:MI:SS.FF2 PM")}),
            "Feb 29, 2024 01:04:05.67 PM");
  EXPECT_EQ(call("to_char", {time("13:04:05"), S("HH24\"h\"MI")}), "13h04");
  EXPECT_EQ(testing::result_type("to_char", {I(1)}), "VARCHAR");
}

TEST(ConversionFunctions, NumberFormats) {
  EXPECT_EQ(call("to_char", {I(1234567), S("9,999,999")}), " 1,234,567");
  EXPECT_EQ(call("to_char", {I(-1234), S("9,999,999")}), "    -1,234");
  EXPECT_EQ(call("to_char", {I(1234), S("FM9,999,999")}), "1,234");
  EXPECT_EQ(call("to_char", {I(42), S("00000")}), " 00042");
  EXPECT_EQ(call("to_char", {3.14159, S("999.99")}), "   3.14");
  EXPECT_EQ(call("to_char", {-0.5, S("FM990.00")}), "-0.50");
  EXPECT_EQ(call("to_char", {2.345, S("FM9.99")}), "2.35");
  EXPECT_EQ(call("to_char", {I(12345), S("999")}), "####");
  EXPECT_EQ(call("to_char", {I(5), S("FM$999")}), "$5");
  EXPECT_EQ(call("to_char", {I(-5), S("FM999MI")}), "5-");
  EXPECT_EQ(call("to_char", {I(5), S("S999")}), "  +5");
  EXPECT_EQ(call("to_char", {I(255), S("XX")}), "FF");
  EXPECT_EQ(call("to_char", {I(255), S("FMxxxx")}), "ff");
  EXPECT_THROW(call("to_char", {I(5), S("99Q")}), InvalidInputError);
}

TEST(ConversionFunctions, ToNumber) {
  EXPECT_EQ(call("to_number", {S("12.5")}), "13");
  EXPECT_EQ(call("to_number", {S("-12.5")}), "-13");
  EXPECT_EQ(call("to_number", {S(" 42 ")}), "42");
  EXPECT_EQ(call("to_decimal", {S("1.5e3")}), "1500");
  EXPECT_EQ(call("to_numeric", {S("1,234.50"), S("9,999.99")}), "1235");
  EXPECT_EQ(call("to_number", {S("$1,000-"), S("$9,999MI")}), "-1000");
  EXPECT_EQ(call("to_number", {S("ff"), S("XX")}), "255");
  EXPECT_EQ(call("to_number", {2.5}), "3");
  EXPECT_EQ(call("to_number", {I(7)}), "7");
  EXPECT_EQ(testing::result_type("to_number", {S("1")}), "DECIMAL(38,0)");
  try {
    call("to_number", {S("abc")});
    FAIL();
  } catch (const InvalidInputError& e) {
    EXPECT_STREQ(e.what(), "to_number: 'abc' is not a number");
  }
  EXPECT_THROW(call("to_number", {S("1" + std::string(40, '0'))}), InvalidInputError);
  EXPECT_EQ(call("try_to_number", {S("abc")}), "NULL");
  EXPECT_EQ(call("try_to_decimal", {S("9.4")}), "9");
  EXPECT_EQ(call("to_double", {S("1.25e2")}), "125");
  EXPECT_EQ(call("to_double", {S("-inf")}), "-inf");
  EXPECT_EQ(call("to_double", {S("1,000.5"), S("9,999.9")}), "1000.5");
  EXPECT_THROW(call("to_double", {S("x1")}), InvalidInputError);
  EXPECT_EQ(call("try_to_double", {S("x1")}), "NULL");
}

TEST(ConversionFunctions, ToBoolean) {
  EXPECT_EQ(call("to_boolean", {S("yes")}), "true");
  EXPECT_EQ(call("to_boolean", {S("OFF")}), "false");
  EXPECT_EQ(call("to_boolean", {I(0)}), "false");
  EXPECT_EQ(call("to_boolean", {2.5}), "true");
  EXPECT_THROW(call("to_boolean", {S("maybe")}), InvalidInputError);
  EXPECT_EQ(call("try_to_boolean", {S("maybe")}), "NULL");
}

TEST(ConversionFunctions, EveryNameResolvesSorted) {
  auto names = scalar_function_names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_GT(names.size(), 200u);
  for (const char* n : {"substr", "substring", "regexp_like", "rlike", "dateadd", "timestampadd",
                        "to_char", "md5", "nvl", "ifnull", "greatest", "convert_timezone"})
    EXPECT_TRUE(std::binary_search(names.begin(), names.end(), n)) << n;
}

}  // namespace
}  // namespace floe::exec
