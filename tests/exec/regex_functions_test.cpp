#include <gtest/gtest.h>

#include "function_test_util.h"

namespace floe::exec {
namespace {

using columnar::DataType;
using columnar::TypeId;
using testing::call;
using N = std::monostate;
using S = std::string;
using I = int64_t;

TEST(RegexFunctions, Like) {
  EXPECT_EQ(call("regexp_like", {S("abc123"), S("[a-z]+\\d+")}), "true");
  EXPECT_EQ(call("regexp_like", {S("abc123x"), S("[a-z]+\\d+")}), "false");  // whole value
  EXPECT_EQ(call("rlike", {S("ABC"), S("abc"), S("i")}), "true");
  EXPECT_EQ(call("rlike", {S("ABC"), S("abc"), S("ic")}), "false");  // the last one wins
  EXPECT_EQ(call("regexp_like", {S("a\nb"), S("a.b")}), "false");
  EXPECT_EQ(call("regexp_like", {S("a\nb"), S("a.b"), S("s")}), "true");
  EXPECT_EQ(call("regexp_like", {S("日本語"), S("...")}), "true");
  EXPECT_EQ(call("regexp_like", {S("x"), S("[[:alpha:]]")}), "true");
  EXPECT_EQ(call("regexp_like", {S("a"), N{}}), "NULL");
  EXPECT_EQ(call("regexp_matches", {S("xxabcxx"), S("abc")}), "true");
  try {
    call("regexp_like", {S("a"), S("(a")});
    FAIL();
  } catch (const InvalidInputError& e) {
    EXPECT_NE(std::string(e.what()).find("regexp_like: invalid regular expression '(a'"),
              std::string::npos);
  }
  EXPECT_THROW(call("regexp_like", {S("a"), S("a"), S("q")}), InvalidInputError);
  EXPECT_THROW(call("regexp_like", {S("aa"), S("(a)\\1")}), InvalidInputError);
}

TEST(RegexFunctions, PosixTranslations) {
  EXPECT_EQ(call("regexp_count", {S("cat concat cat"), S("[[:<:]]cat[[:>:]]")}), "2");
  EXPECT_EQ(call("regexp_like", {S("aa"), S("a{,2}")}), "true");
}

TEST(RegexFunctions, Replace) {
  EXPECT_EQ(call("regexp_replace", {S("a1b22c333"), S("\\d+")}), "abc");
  EXPECT_EQ(call("regexp_replace", {S("a1b22c333"), S("\\d+"), S("#")}), "a#b#c#");
  EXPECT_EQ(call("regexp_replace", {S("a1b22c333"), S("\\d+"), S("#"), I(4)}), "a1b#c#");
  EXPECT_EQ(call("regexp_replace", {S("a1b22c333"), S("\\d+"), S("#"), I(1), I(2)}), "a1b#c333");
  EXPECT_EQ(call("regexp_replace", {S("John Smith"), S("(\\w+) (\\w+)"), S("\\2, \\1")}),
            "Smith, John");
  EXPECT_EQ(call("regexp_replace", {S("ABC abc"), S("b"), S("x"), I(1), I(0), S("i")}), "AxC axc");
  EXPECT_EQ(call("regexp_replace", {S("abc"), S("x*"), S("-")}), "-a-b-c-");
  EXPECT_EQ(call("regexp_replace", {S("日本"), S(""), S("|")}), "|日|本|");
  EXPECT_EQ(call("regexp_replace", {S("abc"), S("b"), S("x"), I(10)}), "abc");
  EXPECT_EQ(call("regexp_replace", {S("a.b"), S("\\."), S("\\\\")}), "a\\b");
  EXPECT_THROW(call("regexp_replace", {S("abc"), S("b"), S("\\1")}), InvalidInputError);
  EXPECT_THROW(call("regexp_replace", {S("abc"), S("b"), S("x"), I(0)}), InvalidInputError);
}

TEST(RegexFunctions, SubstrInstrCount) {
  EXPECT_EQ(call("regexp_substr", {S("a1b22c333"), S("\\d+")}), "1");
  EXPECT_EQ(call("regexp_substr", {S("a1b22c333"), S("\\d+"), I(1), I(3)}), "333");
  EXPECT_EQ(call("regexp_substr", {S("a1b22c333"), S("\\d+"), I(1), I(4)}), "NULL");
  EXPECT_EQ(call("regexp_substr", {S("key=value"), S("(\\w+)=(\\w+)"), I(1), I(1), S("e")}), "key");
  EXPECT_EQ(call("regexp_substr", {S("key=value"), S("(\\w+)=(\\w+)"), I(1), I(1), S("e"), I(2)}),
            "value");
  EXPECT_EQ(call("regexp_substr", {S("日本語abc"), S("[a-z]+"), I(2)}), "abc");
  EXPECT_EQ(call("regexp_instr", {S("日本語abc"), S("[a-z]+")}), "4");
  EXPECT_EQ(call("regexp_instr", {S("日本語abc"), S("[a-z]+"), I(1), I(1), I(1)}), "7");
  EXPECT_EQ(call("regexp_instr", {S("a1b22"), S("\\d+"), I(1), I(2)}), "4");
  EXPECT_EQ(call("regexp_instr", {S("a1b22"), S("x")}), "0");
  EXPECT_EQ(call("regexp_instr", {S("k=v"), S("(\\w)=(\\w)"), I(1), I(1), I(0), S(""), I(2)}), "3");
  EXPECT_EQ(call("regexp_count", {S("a1b22c333"), S("\\d")}), "6");
  EXPECT_EQ(call("regexp_count", {S("a1b22c333"), S("\\d+"), I(3)}), "2");
  EXPECT_EQ(call("regexp_count", {S("AaA"), S("a"), I(1), S("i")}), "3");
  EXPECT_EQ(call("regexp_count", {S(""), S("a")}), "0");
  EXPECT_EQ(call("regexp_extract", {S("abc123def"), S("\\d+")}), "123");
  EXPECT_EQ(call("regexp_extract", {S("abc123def"), S("([a-z]+)(\\d+)"), I(2)}), "123");
  EXPECT_EQ(call("regexp_extract", {S("abc"), S("\\d+")}), "");
  EXPECT_THROW(call("regexp_extract", {S("abc"), S("(a)"), I(2)}), InvalidInputError);
}

TEST(RegexFunctions, PatternPerRow) {
  auto s = testing::column_of({S("abc"), S("123"), N{}, S("x")}, DataType(TypeId::kString));
  auto p =
      testing::column_of({S("[a-z]+"), S("[a-z]+"), S("x"), S("\\d")}, DataType(TypeId::kString));
  EXPECT_EQ(testing::texts(testing::call_columns("regexp_like", {&s, &p})),
            (std::vector<std::string>{"true", "false", "NULL", "false"}));
}

}  // namespace
}  // namespace floe::exec
