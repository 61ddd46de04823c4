#include <gtest/gtest.h>

#include "function_test_util.h"

namespace floe::exec {
namespace {

using testing::call;
using N = std::monostate;
using S = std::string;

TEST(StringSearchFunctions, Position) {
  EXPECT_EQ(call("position", {S("b"), S("abcb")}), "2");
  EXPECT_EQ(call("position", {S("b"), S("abcb"), int64_t(3)}), "4");
  EXPECT_EQ(call("charindex", {S("z"), S("abc")}), "0");
  EXPECT_EQ(call("position", {S("語"), S("日本語")}), "3");
  EXPECT_EQ(call("position", {S("語"), S("日本語日本語"), int64_t(4)}), "6");
  EXPECT_EQ(call("position", {S(""), S("abc")}), "1");
  EXPECT_EQ(call("position", {S(""), S("abc"), int64_t(4)}), "4");
  EXPECT_EQ(call("position", {S(""), S("abc"), int64_t(5)}), "0");
  EXPECT_EQ(call("position", {S("a"), S("abc"), int64_t(-3)}), "1");
  EXPECT_EQ(call("position", {S("a"), S("abc"), int64_t(10)}), "0");
  EXPECT_EQ(call("strpos", {S("abcb"), S("cb")}), "3");
  EXPECT_EQ(call("instr", {S("日本語"), S("本")}), "2");
  EXPECT_EQ(call("strpos", {S("abc"), N{}}), "NULL");
}

TEST(StringSearchFunctions, ContainsStartsEnds) {
  EXPECT_EQ(call("contains", {S("abc"), S("bc")}), "true");
  EXPECT_EQ(call("contains", {S("abc"), S("")}), "true");
  EXPECT_EQ(call("contains", {S("abc"), S("x")}), "false");
  EXPECT_EQ(call("startswith", {S("abc"), S("ab")}), "true");
  EXPECT_EQ(call("starts_with", {S("abc"), S("b")}), "false");
  EXPECT_EQ(call("endswith", {S("abc"), S("bc")}), "true");
  EXPECT_EQ(call("ends_with", {S("abc"), N{}}), "NULL");
}

TEST(StringSearchFunctions, Replace) {
  EXPECT_EQ(call("replace", {S("abcabc"), S("b"), S("XY")}), "aXYcaXYc");
  EXPECT_EQ(call("replace", {S("abcabc"), S("bc")}), "aa");
  EXPECT_EQ(call("replace", {S("abc"), S(""), S("x")}), "abc");
  EXPECT_EQ(call("replace", {S("aaa"), S("aa"), S("b")}), "ba");
  EXPECT_EQ(call("replace", {S("abc"), S("b"), N{}}), "NULL");
}

TEST(StringSearchFunctions, SplitAndParts) {
  EXPECT_EQ(call("split", {S("a,b,,c"), S(",")}), R"(["a","b","","c"])");
  EXPECT_EQ(call("split", {S("abc"), S("")}), R"(["abc"])");
  EXPECT_EQ(call("split", {S(""), S(",")}), R"([""])");
  EXPECT_EQ(call("split", {N{}, S(",")}), "NULL");
  EXPECT_EQ(call("split_part", {S("a.b.c"), S("."), int64_t(2)}), "b");
  EXPECT_EQ(call("split_part", {S("a.b.c"), S("."), int64_t(-1)}), "c");
  EXPECT_EQ(call("split_part", {S("a.b.c"), S("."), int64_t(0)}), "a");
  EXPECT_EQ(call("split_part", {S("a.b.c"), S("."), int64_t(4)}), "");
  EXPECT_EQ(call("split_part", {S("a.b.c"), S("."), int64_t(-4)}), "");
  EXPECT_EQ(call("split_part", {S("a.b"), S(""), int64_t(1)}), "a.b");
  EXPECT_EQ(call("split_part", {S("a.b"), S("."), INT64_MIN}), "");
  EXPECT_EQ(call("strtok", {S("a.b c")}), "a.b");
  EXPECT_EQ(call("strtok", {S("a..b,c"), S(".,"), int64_t(2)}), "b");
  EXPECT_EQ(call("strtok", {S("a..b,c"), S(".,"), int64_t(4)}), "NULL");
  EXPECT_EQ(call("strtok", {S(""), S(",")}), "NULL");
  EXPECT_EQ(call("strtok", {S("x→y→z"), S("→"), int64_t(3)}), "z");
  EXPECT_THROW(call("strtok", {S("abc"), S(","), int64_t(0)}), InvalidInputError);
  EXPECT_EQ(call("strtok_to_array", {S(" a  b ")}), R"(["a","b"])");
}

}  // namespace
}  // namespace floe::exec
