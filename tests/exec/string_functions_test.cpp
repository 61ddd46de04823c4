#include <gtest/gtest.h>

#include "function_test_util.h"

namespace floe::exec {
namespace {

using testing::call;
using testing::Lit;
using N = std::monostate;
using S = std::string;

TEST(StringFunctions, Length) {
  EXPECT_EQ(call("length", {S("héllo")}), "5");
  EXPECT_EQ(call("len", {S("")}), "0");
  EXPECT_EQ(call("char_length", {S("日本語")}), "3");
  EXPECT_EQ(call("octet_length", {S("日本語")}), "9");
  EXPECT_EQ(call("length", {N{}}), "NULL");
}

TEST(StringFunctions, Case) {
  EXPECT_EQ(call("upper", {S("abc Ünïcödé ß")}), "ABC ÜNÏCÖDÉ ß");
  EXPECT_EQ(call("lower", {S("ABC ÀÉÎ ΣΑΣ")}), "abc àéî σασ");
  EXPECT_EQ(call("ucase", {S("")}), "");
  EXPECT_EQ(call("lcase", {N{}}), "NULL");
}

TEST(StringFunctions, Trim) {
  EXPECT_EQ(call("trim", {S("  a b  ")}), "a b");
  EXPECT_EQ(call("ltrim", {S("  a b  ")}), "a b  ");
  EXPECT_EQ(call("rtrim", {S("  a b  ")}), "  a b");
  EXPECT_EQ(call("trim", {S("xxaxyx"), S("xy")}), "a");
  EXPECT_EQ(call("trim", {S("ééaé"), S("é")}), "a");
  EXPECT_EQ(call("rtrim", {S("aé€€"), S("€")}), "aé");
  EXPECT_EQ(call("trim", {S("   ")}), "");
  EXPECT_EQ(call("trim", {S("abc"), S("")}), "abc");
  EXPECT_EQ(call("trim", {S("abc"), N{}}), "NULL");
}

TEST(StringFunctions, Substr) {
  EXPECT_EQ(call("substr", {S("abcdef"), int64_t(2)}), "bcdef");
  EXPECT_EQ(call("substr", {S("abcdef"), int64_t(2), int64_t(3)}), "bcd");
  EXPECT_EQ(call("substring", {S("abcdef"), int64_t(0), int64_t(2)}), "ab");
  EXPECT_EQ(call("substr", {S("abcdef"), int64_t(-2)}), "ef");
  EXPECT_EQ(call("substr", {S("abcdef"), int64_t(-3), int64_t(2)}), "de");
  EXPECT_EQ(call("substr", {S("abc"), int64_t(-5), int64_t(3)}), "a");
  EXPECT_EQ(call("substr", {S("abc"), int64_t(5)}), "");
  EXPECT_EQ(call("substr", {S("abc"), int64_t(1), int64_t(-1)}), "");
  EXPECT_EQ(call("substr", {S("abc"), int64_t(2), int64_t(100)}), "bc");
  EXPECT_EQ(call("substr", {S("日本語テキスト"), int64_t(2), int64_t(3)}), "本語テ");
  EXPECT_EQ(call("substr", {S("日本語テキスト"), int64_t(-3)}), "キスト");
  EXPECT_EQ(call("substr", {S("日本語"), int64_t(-5), int64_t(3)}), "日");
  EXPECT_EQ(call("substr", {S("abc"), N{}}), "NULL");
  EXPECT_EQ(call("substr", {S("abc"), INT64_MIN, INT64_MAX}), "abc");
  EXPECT_EQ(call("substr", {S("abc"), INT64_MAX, INT64_MIN}), "");
  EXPECT_EQ(call("substr", {S("abc"), int64_t(-2), INT64_MAX}), "bc");
  EXPECT_EQ(call("left", {S("héllo"), int64_t(2)}), "hé");
  EXPECT_EQ(call("left", {S("abc"), int64_t(-1)}), "");
  EXPECT_EQ(call("left", {S("abc"), int64_t(10)}), "abc");
  EXPECT_EQ(call("right", {S("héllo"), int64_t(4)}), "éllo");
  EXPECT_EQ(call("right", {S("abc"), int64_t(10)}), "abc");
  EXPECT_EQ(call("right", {S("abc"), int64_t(0)}), "");
}

TEST(StringFunctions, SubstrErrorListsSignatures) {
  std::vector<columnar::DataType> args{columnar::DataType(columnar::TypeId::kInt32)};
  try {
    resolve_scalar_function("substr", args);
    FAIL();
  } catch (const BinderError& e) {
    EXPECT_STREQ(e.what(),
                 "function substr(INTEGER) does not exist; expected substr(VARCHAR, BIGINT[, "
                 "BIGINT]) or substr(BINARY, BIGINT[, BIGINT])");
  }
  EXPECT_FALSE(resolve_scalar_function("no_such_function", args));
}

TEST(StringFunctions, Concat) {
  EXPECT_EQ(call("concat", {S("a"), S("b"), S("c")}), "abc");
  EXPECT_EQ(call("concat", {S("a"), int64_t(1), 2.5}), "a12.5");
  EXPECT_EQ(call("concat", {S("a"), N{}}), "NULL");
  EXPECT_EQ(call("concat_ws", {S(","), S("a"), S("b")}), "a,b");
  EXPECT_EQ(call("concat_ws", {S(","), S("a"), N{}}), "NULL");
  EXPECT_EQ(call("concat_ws", {S(", "), S("a")}), "a");
}

TEST(StringFunctions, ReverseRepeatPad) {
  EXPECT_EQ(call("reverse", {S("abc")}), "cba");
  EXPECT_EQ(call("reverse", {S("añb日")}), "日bña");
  EXPECT_EQ(call("reverse", {S("")}), "");
  EXPECT_EQ(call("repeat", {S("ab"), int64_t(3)}), "ababab");
  EXPECT_EQ(call("repeat", {S("ab"), int64_t(-1)}), "");
  EXPECT_THROW(call("repeat", {S("ab"), int64_t(2000000000)}), InvalidInputError);
  EXPECT_EQ(call("space", {int64_t(3)}), "   ");
  EXPECT_EQ(call("lpad", {S("abc"), int64_t(6), S("xy")}), "xyxabc");
  EXPECT_EQ(call("rpad", {S("abc"), int64_t(6), S("xy")}), "abcxyx");
  EXPECT_EQ(call("lpad", {S("abc"), int64_t(5)}), "  abc");
  EXPECT_EQ(call("lpad", {S("abcdef"), int64_t(3), S("x")}), "abc");
  EXPECT_EQ(call("rpad", {S("abcdef"), int64_t(3), S("x")}), "abc");
  EXPECT_EQ(call("lpad", {S("é"), int64_t(3), S("ñ")}), "ññé");
  EXPECT_EQ(call("rpad", {S("日本"), int64_t(5), S("語x")}), "日本語x語");
  EXPECT_EQ(call("lpad", {S("abc"), int64_t(5), S("")}), "abc");
  EXPECT_EQ(call("lpad", {S("abc"), int64_t(-1), S("x")}), "");
  EXPECT_THROW(call("lpad", {S("abc"), INT64_MAX, S("xy")}), InvalidInputError);
}

TEST(StringFunctions, InitcapAsciiChrTranslate) {
  EXPECT_EQ(call("initcap", {S("hello wORLD-foo bar_baz")}), "Hello World-Foo Bar_Baz");
  EXPECT_EQ(call("initcap", {S("élan vital")}), "Élan Vital");
  EXPECT_EQ(call("initcap", {S("hello world"), S("")}), "Hello world");
  EXPECT_EQ(call("initcap", {S("a-b c"), S("-")}), "A-B c");
  EXPECT_EQ(call("ascii", {S("A")}), "65");
  EXPECT_EQ(call("ascii", {S("€")}), "8364");
  EXPECT_EQ(call("ascii", {S("")}), "0");
  EXPECT_EQ(call("chr", {int64_t(65)}), "A");
  EXPECT_EQ(call("char", {int64_t(8364)}), "€");
  EXPECT_THROW(call("chr", {int64_t(-1)}), InvalidInputError);
  EXPECT_THROW(call("chr", {int64_t(0xD800)}), InvalidInputError);
  EXPECT_EQ(call("translate", {S("abcabc"), S("ab"), S("x")}), "xcxc");
  EXPECT_EQ(call("translate", {S("ñandú"), S("ñú"), S("nu")}), "nandu");
  EXPECT_EQ(call("translate", {S("abc"), S("aa"), S("xy")}), "xbc");
}

TEST(StringFunctions, EditDistanceSoundex) {
  EXPECT_EQ(call("editdistance", {S("kitten"), S("sitting")}), "3");
  EXPECT_EQ(call("levenshtein", {S(""), S("abc")}), "3");
  EXPECT_EQ(call("editdistance", {S("kitten"), S("sitting"), int64_t(2)}), "2");
  EXPECT_EQ(call("editdistance", {S("héllo"), S("hello")}), "1");
  EXPECT_EQ(call("editdistance", {S("abc"), S("abc")}), "0");
  EXPECT_EQ(call("soundex", {S("Robert")}), "R163");
  EXPECT_EQ(call("soundex", {S("Rupert")}), "R163");
  EXPECT_EQ(call("soundex", {S("Tymczak")}), "T522");
  EXPECT_EQ(call("soundex", {S("Pfister")}), "P236");
  EXPECT_EQ(call("soundex", {S("Ashcraft")}), "A261");
  EXPECT_EQ(call("soundex", {S("")}), "");
}

TEST(StringFunctions, ColumnsWithNulls) {
  using columnar::DataType;
  using columnar::TypeId;
  auto s = testing::column_of({S("abc"), N{}, S("日本語"), S("")}, DataType(TypeId::kString));
  auto n = testing::column_of({int64_t(2), int64_t(1), N{}, int64_t(1)}, DataType(TypeId::kInt64));
  auto out = testing::call_columns("left", {&s, &n});
  EXPECT_EQ(testing::texts(out), (std::vector<std::string>{"ab", "NULL", "NULL", ""}));
  auto up = testing::call_columns("upper", {&s});
  EXPECT_EQ(testing::texts(up), (std::vector<std::string>{"ABC", "NULL", "日本語", ""}));
  auto len = testing::call_columns("length", {&s});
  EXPECT_EQ(testing::texts(len), (std::vector<std::string>{"3", "NULL", "3", "0"}));
}

}  // namespace
}  // namespace floe::exec
