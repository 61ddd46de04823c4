#include <gtest/gtest.h>

#include "columnar/column.h"
#include "function_test_util.h"

namespace floe::exec {
namespace {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;
using testing::call;
using N = std::monostate;
using S = std::string;
using I = int64_t;

// The message of the InvalidInputError `f` throws, or "" when it throws none.
template <typename F>
std::string invalid_input(F&& f) {
  try {
    f();
  } catch (const InvalidInputError& e) {
    return e.what();
  }
  return "";
}

TEST(JsonFunctions, ParseJsonNormalises) {
  EXPECT_EQ(call("parse_json", {S(R"( { "b" : 1, "a" : [1, 2 ,{"z":null, "y":true}] } )")}),
            R"({"a":[1,2,{"y":true,"z":null}],"b":1})");
  EXPECT_EQ(call("parse_json", {S("12.50")}), "12.50");
  EXPECT_EQ(call("parse_json", {S("-0.5e-3")}), "-0.5e-3");
  EXPECT_EQ(call("parse_json", {S(R"("caf\u00e9 \/ \"q\" \u0001 \ud83d\ude00")")}),
            R"("café / \"q\" \u0001 😀")");
  EXPECT_EQ(call("parse_json", {S("null")}), "null");
  EXPECT_EQ(call("parse_json", {S(" TRUE ")}), "true");
  EXPECT_EQ(call("parse_json", {S("[False, NULL,]")}), "[false,null]");
  EXPECT_EQ(call("parse_json", {S(R"({"a":1,})")}), R"({"a":1})");
  EXPECT_EQ(call("parse_json", {S("{}")}), "{}");
  EXPECT_EQ(call("parse_json", {S("[ ]")}), "[]");
  // Keys sort by their bytes, escapes decoded.
  EXPECT_EQ(call("parse_json", {S(R"({"b\"":1,"b":2,"a\n":3,"B":4})")}),
            R"({"B":4,"a\n":3,"b":2,"b\"":1})");
  EXPECT_EQ(call("parse_json", {S("")}), "NULL");
  EXPECT_EQ(call("parse_json", {S("  \n ")}), "NULL");
  EXPECT_EQ(call("parse_json", {N{}}), "NULL");
  EXPECT_EQ(testing::result_type("parse_json", {S("1")}), "VARCHAR");
}

TEST(JsonFunctions, ParseJsonErrorsNameThePosition) {
  EXPECT_EQ(invalid_input([] { call("parse_json", {S(R"({"a":})")}); }),
            R"(parse_json: '{"a":}' is not JSON: unexpected character '}' at position 6)");
  EXPECT_EQ(invalid_input([] { call("parse_json", {S(R"({"a" 1})")}); }),
            R"(parse_json: '{"a" 1}' is not JSON: expected ':' after an object key at position 6)");
  EXPECT_EQ(invalid_input([] { call("parse_json", {S("[1, tru]")}); }),
            "parse_json: '[1, tru]' is not JSON: unknown keyword 'tru' at position 5");
  // Positions count characters, not bytes.
  EXPECT_EQ(invalid_input([] { call("parse_json", {S(R"(["é" x])")}); }),
            R"(parse_json: '["é" x]' is not JSON: expected ',' or ']' in an array at position 6)");
  EXPECT_EQ(invalid_input([] { call("parse_json", {S(R"({"a":1,"a":2})")}); }),
            R"(parse_json: '{"a":1,"a":2}' is not JSON: duplicate key 'a' at position 8)");
  EXPECT_NE(invalid_input([] { call("parse_json", {S("[1] [2]")}); }), "");
  EXPECT_NE(invalid_input([] { call("parse_json", {S("01")}); }), "");
  EXPECT_NE(invalid_input([] { call("parse_json", {S("1.")}); }), "");
  EXPECT_NE(invalid_input([] { call("parse_json", {S("\"abc")}); }), "");
  EXPECT_NE(invalid_input([] { call("parse_json", {S("\"a\tb\"")}); }), "");
  EXPECT_NE(invalid_input([] { call("parse_json", {S(R"("\ud800")")}); }), "");
  EXPECT_NE(invalid_input([] { call("parse_json", {S(R"("\x")")}); }), "");
  EXPECT_NE(invalid_input([] { call("parse_json", {S("NaN")}); }), "");
  EXPECT_NE(invalid_input([] { call("parse_json", {S("{1:2}")}); }), "");
  EXPECT_NE(invalid_input([] { call("parse_json", {S("[1,,2]")}); }), "");
}

TEST(JsonFunctions, ParseJsonDuplicatesAndDepth) {
  EXPECT_EQ(call("parse_json", {S(R"({"a":1,"b":0,"a":2})"), S("d")}), R"({"a":2,"b":0})");
  EXPECT_NE(invalid_input([] { call("parse_json", {S(R"({"a":1,"a":2})"), S("s")}); }), "");
  EXPECT_NE(invalid_input([] { call("parse_json", {S("1"), S("x")}); }), "");
  std::string deep(1000, '['), too_deep(1001, '[');
  deep += std::string(1000, ']');
  too_deep += std::string(1001, ']');
  EXPECT_EQ(call("parse_json", {deep}), deep);
  EXPECT_NE(invalid_input([&] { call("parse_json", {too_deep}); }).find("nesting deeper than 1000"),
            std::string::npos);
}

TEST(JsonFunctions, TryParseAndCheckJson) {
  EXPECT_EQ(call("try_parse_json", {S("[1, 2")}), "NULL");
  EXPECT_EQ(call("try_parse_json", {S(R"({"x" : "abc"})")}), R"({"x":"abc"})");
  EXPECT_EQ(call("try_parse_json", {S(R"({"a":1,"a":2})")}), "NULL");
  EXPECT_EQ(call("try_parse_json", {S(R"({"a":1,"a":2})"), S("d")}), R"({"a":2})");
  EXPECT_EQ(call("check_json", {S(R"({"a": [1]})")}), "NULL");
  EXPECT_EQ(call("check_json", {S("")}), "NULL");
  EXPECT_EQ(call("check_json", {N{}}), "NULL");
  EXPECT_EQ(call("check_json", {S("[1, 2")}), "unterminated array at position 1");
  EXPECT_EQ(call("check_json", {S(R"({"a":1,"a":2})")}), "duplicate key 'a' at position 8");
}

const char* kDoc = R"({"a": {"b": [{"c": 1}, {"c": "x"}]}, "k y": 2, "q\"": 3, "n": null})";

TEST(JsonFunctions, GetPath) {
  EXPECT_EQ(call("get_path", {S(kDoc), S("a.b[1].c")}), R"("x")");
  EXPECT_EQ(call("get_path", {S(kDoc), S("a.b[0]")}), R"({"c":1})");
  EXPECT_EQ(call("get_path", {S(kDoc), S("a")}), R"({"b":[{"c":1},{"c":"x"}]})");
  EXPECT_EQ(call("get_path", {S(kDoc), S("a[\"b\"][0].c")}), "1");
  EXPECT_EQ(call("get_path", {S(kDoc), S("['a']['b'][0]['c']")}), "1");
  EXPECT_EQ(call("get_path", {S(kDoc), S("[\"k y\"]")}), "2");
  EXPECT_EQ(call("get_path", {S(kDoc), S("\"k y\"")}), "2");
  EXPECT_EQ(call("get_path", {S(kDoc), S("k y")}), "2");
  EXPECT_EQ(call("get_path", {S(kDoc), S("['q\"']")}), "3");
  EXPECT_EQ(call("get_path", {S(kDoc), S("n")}), "null");  // JSON null, not SQL NULL
  EXPECT_EQ(call("get_path", {S(kDoc), S("")}), call("parse_json", {S(kDoc)}));
  // Missing keys, indexes past the end, and steps into the wrong kind are SQL NULL.
  EXPECT_EQ(call("get_path", {S(kDoc), S("a.z")}), "NULL");
  EXPECT_EQ(call("get_path", {S(kDoc), S("A")}), "NULL");
  EXPECT_EQ(call("get_path", {S(kDoc), S("a.b[2]")}), "NULL");
  EXPECT_EQ(call("get_path", {S(kDoc), S("a.b.c")}), "NULL");
  EXPECT_EQ(call("get_path", {S(kDoc), S("a.b[0].c[0]")}), "NULL");
  EXPECT_EQ(call("get_path", {S(kDoc), S("[0]")}), "NULL");
  EXPECT_EQ(call("get_path", {S("[10, 20]"), S("[1]")}), "20");
  EXPECT_EQ(call("get_path", {S("[10, 20]"), S("[-1]")}), "NULL");
  EXPECT_EQ(call("get_path", {N{}, S("a")}), "NULL");
  EXPECT_EQ(call("get_path", {S(kDoc), N{}}), "NULL");
  for (const char* bad : {"a[", "a[x]", "a..b", ".a", "a.", "a[0", "['a]", "a[0]x"})
    EXPECT_NE(invalid_input([&] { call("get_path", {S(kDoc), S(bad)}); }), "") << bad;
  EXPECT_EQ(invalid_input([] { call("get_path", {S(kDoc), S("a[x]")}); }),
            "get_path: invalid path 'a[x]': expected an index or a quoted key after '['");
  EXPECT_EQ(invalid_input([] { call("get_path", {S("abc"), S("a")}); }),
            "get_path: 'abc' is not VARIANT text (JSON)");
  EXPECT_NE(invalid_input([] { call("get_path", {S(R"({"a" 1})"), S("a")}); }), "");
}

TEST(JsonFunctions, GetPathOverColumns) {
  Column docs = testing::column_of({S(R"({"a":1})"), N{}, S(R"({"a":[2,3]})"), S("[4]")},
                                   DataType(TypeId::kString));
  Column paths = testing::column_of({S("a"), S("a"), S("a[1]"), S("[0]")},
                                    DataType(TypeId::kString));
  EXPECT_EQ(testing::texts(testing::call_columns("get_path", {&docs, &paths})),
            (std::vector<std::string>{"1", "NULL", "3", "4"}));
  Column one = testing::column_of({S("a"), S("a"), S("a"), S("a")}, DataType(TypeId::kString));
  EXPECT_EQ(testing::texts(testing::call_columns("get_path", {&docs, &one}, {false, true})),
            (std::vector<std::string>{"1", "NULL", "[2,3]", "NULL"}));
}

TEST(JsonFunctions, Get) {
  EXPECT_EQ(call("get", {S(kDoc), S("k y")}), "2");
  EXPECT_EQ(call("get", {S(kDoc), S("a.b")}), "NULL");  // a key, not a path
  EXPECT_EQ(call("get", {S("[1, [2], 3]"), I(1)}), "[2]");
  EXPECT_EQ(call("get", {S("[1]"), I(1)}), "NULL");
  EXPECT_EQ(call("get", {S("[1]"), S("a")}), "NULL");
  EXPECT_EQ(call("get", {S(R"({"a":1})"), I(0)}), "NULL");
  EXPECT_EQ(call("get", {S("7"), S("a")}), "NULL");
}

TEST(JsonFunctions, JsonExtractPathText) {
  const char* doc =
      R"({"a": {"b": "hi \"there\""}, "n": 1.50, "o": {"y": [1], "x": true}, "z": null})";
  EXPECT_EQ(call("json_extract_path_text", {S(doc), S("a.b")}), "hi \"there\"");
  EXPECT_EQ(call("json_extract_path_text", {S(doc), S("n")}), "1.50");
  EXPECT_EQ(call("json_extract_path_text", {S(doc), S("o")}), R"({"x":true,"y":[1]})");
  EXPECT_EQ(call("json_extract_path_text", {S(doc), S("o.x")}), "true");
  EXPECT_EQ(call("json_extract_path_text", {S(doc), S("z")}), "NULL");
  EXPECT_EQ(call("json_extract_path_text", {S(doc), S("missing")}), "NULL");
  EXPECT_NE(invalid_input([] { call("json_extract_path_text", {S("{\"a\":"), S("a")}); }), "");
}

TEST(JsonFunctions, VariantToVarcharAndBigint) {
  EXPECT_EQ(call("variant_to_varchar", {S(R"("abc")")}), "abc");
  EXPECT_EQ(call("variant_to_varchar", {S(R"("a\nb")")}), "a\nb");
  EXPECT_EQ(call("variant_to_varchar", {S("12.50")}), "12.50");
  EXPECT_EQ(call("variant_to_varchar", {S("true")}), "true");
  EXPECT_EQ(call("variant_to_varchar", {S(R"({"b":1, "a":[2]})")}), R"({"a":[2],"b":1})");
  EXPECT_EQ(call("variant_to_varchar", {S("null")}), "NULL");
  EXPECT_EQ(call("variant_to_varchar", {N{}}), "NULL");

  EXPECT_EQ(call("variant_to_bigint", {S("12")}), "12");
  EXPECT_EQ(call("variant_to_bigint", {S(R"("12")")}), "12");
  EXPECT_EQ(call("variant_to_bigint", {S(R"(" 7 ")")}), "7");
  EXPECT_EQ(call("variant_to_bigint", {S("12.5")}), "13");
  EXPECT_EQ(call("variant_to_bigint", {S("-12.5")}), "-13");
  EXPECT_EQ(call("variant_to_bigint", {S(R"("-2.4")")}), "-2");
  EXPECT_EQ(call("variant_to_bigint", {S("1e3")}), "1000");
  EXPECT_EQ(call("variant_to_bigint", {S("true")}), "1");
  EXPECT_EQ(call("variant_to_bigint", {S("null")}), "NULL");
  EXPECT_EQ(call("variant_to_bigint", {S("-9223372036854775808")}), "-9223372036854775808");
  EXPECT_EQ(invalid_input([] { call("variant_to_bigint", {S(R"("abc")")}); }),
            R"(variant_to_bigint: cannot cast the VARIANT value "abc" to BIGINT)");
  EXPECT_EQ(invalid_input([] { call("variant_to_bigint", {S("[1]")}); }),
            "variant_to_bigint: cannot cast the VARIANT value [1] to BIGINT");
  EXPECT_EQ(invalid_input([] { call("variant_to_bigint", {S("9223372036854775808")}); }),
            "variant_to_bigint: the VARIANT value 9223372036854775808 is out of the BIGINT range");
  EXPECT_NE(invalid_input([] { call("variant_to_bigint", {S("1e40")}); }), "");
  EXPECT_NE(invalid_input([] { call("variant_to_bigint", {S("12 x")}); }), "");
}

TEST(JsonFunctions, VariantToDoubleAndBoolean) {
  EXPECT_EQ(call("variant_to_double", {S("1.5")}), "1.5");
  EXPECT_EQ(call("variant_to_double", {S("2.5e+00")}), "2.5");
  EXPECT_EQ(call("variant_to_double", {S(R"("12")")}), "12");
  EXPECT_EQ(call("variant_to_double", {S(R"("NaN")")}), "nan");
  EXPECT_EQ(call("variant_to_double", {S(R"("-Infinity")")}), "-inf");
  EXPECT_EQ(call("variant_to_double", {S("false")}), "0");
  EXPECT_EQ(call("variant_to_double", {S("null")}), "NULL");
  EXPECT_EQ(invalid_input([] { call("variant_to_double", {S(R"("x1")")}); }),
            R"(variant_to_double: cannot cast the VARIANT value "x1" to DOUBLE)");
  EXPECT_NE(invalid_input([] { call("variant_to_double", {S("{}")}); }), "");

  EXPECT_EQ(call("variant_to_boolean", {S("true")}), "true");
  EXPECT_EQ(call("variant_to_boolean", {S(R"("yes")")}), "true");
  EXPECT_EQ(call("variant_to_boolean", {S(R"("OFF")")}), "false");
  EXPECT_EQ(call("variant_to_boolean", {S("0")}), "false");
  EXPECT_EQ(call("variant_to_boolean", {S("0.5")}), "true");
  EXPECT_EQ(call("variant_to_boolean", {S("null")}), "NULL");
  EXPECT_EQ(invalid_input([] { call("variant_to_boolean", {S(R"("maybe")")}); }),
            R"(variant_to_boolean: cannot cast the VARIANT value "maybe" to BOOLEAN)");
}

TEST(JsonFunctions, AsFunctions) {
  EXPECT_EQ(call("as_varchar", {S(R"("a\"b")")}), "a\"b");
  EXPECT_EQ(call("as_char", {S("1")}), "NULL");
  EXPECT_EQ(call("as_integer", {S("7")}), "7");
  EXPECT_EQ(call("as_integer", {S("7.5")}), "8");
  EXPECT_EQ(call("as_integer", {S(R"("7")")}), "NULL");
  EXPECT_EQ(call("as_integer", {S("7e0")}), "NULL");
  EXPECT_EQ(call("as_double", {S("7")}), "7");
  EXPECT_EQ(call("as_double", {S("7.25e1")}), "72.5");
  EXPECT_EQ(call("as_double", {S(R"("7")")}), "NULL");
  EXPECT_EQ(call("as_boolean", {S("false")}), "false");
  EXPECT_EQ(call("as_boolean", {S("0")}), "NULL");
  EXPECT_EQ(call("as_object", {S(R"({ "b":1,"a":2 })")}), R"({"a":2,"b":1})");
  EXPECT_EQ(call("as_object", {S("[1]")}), "NULL");
  EXPECT_EQ(call("as_array", {S("[1, 2]")}), "[1,2]");
  EXPECT_EQ(call("as_array", {S("{}")}), "NULL");
  EXPECT_EQ(call("as_array", {N{}}), "NULL");
}

TEST(JsonFunctions, TypeofAndIs) {
  EXPECT_EQ(call("typeof", {S(R"({"a":1})")}), "OBJECT");
  EXPECT_EQ(call("typeof", {S(" [1]")}), "ARRAY");
  EXPECT_EQ(call("typeof", {S(R"("s")")}), "VARCHAR");
  EXPECT_EQ(call("typeof", {S("-12")}), "INTEGER");
  EXPECT_EQ(call("typeof", {S("1.5")}), "DECIMAL");
  EXPECT_EQ(call("typeof", {S("1.5e3")}), "DOUBLE");
  EXPECT_EQ(call("typeof", {S(std::string(39, '9'))}), "DOUBLE");
  EXPECT_EQ(call("typeof", {S("true")}), "BOOLEAN");
  EXPECT_EQ(call("typeof", {S("null")}), "NULL_VALUE");
  EXPECT_EQ(call("typeof", {N{}}), "NULL");
  EXPECT_NE(invalid_input([] { call("typeof", {S("abc")}); }), "");

  EXPECT_EQ(call("is_array", {S("[]")}), "true");
  EXPECT_EQ(call("is_array", {S("{}")}), "false");
  EXPECT_EQ(call("is_object", {S("{}")}), "true");
  EXPECT_EQ(call("is_null_value", {S("null")}), "true");
  EXPECT_EQ(call("is_null_value", {N{}}), "NULL");
  EXPECT_EQ(call("is_varchar", {S(R"("x")")}), "true");
  EXPECT_EQ(call("is_integer", {S("3")}), "true");
  EXPECT_EQ(call("is_integer", {S("3.0")}), "false");
  EXPECT_EQ(call("is_decimal", {S("3.0")}), "true");
  EXPECT_EQ(call("is_decimal", {S("3e0")}), "false");
  EXPECT_EQ(call("is_double", {S("3")}), "true");
  EXPECT_EQ(call("is_double", {S(R"("3")")}), "false");
  EXPECT_EQ(call("is_boolean", {S("false")}), "true");
}

TEST(JsonFunctions, ToJsonToVariantStripNull) {
  EXPECT_EQ(call("to_json", {S(R"({ "b" : [ 1 ], "a" : "x" })")}), R"({"a":"x","b":[1]})");
  EXPECT_EQ(call("to_json", {S("null")}), "null");
  EXPECT_EQ(call("strip_null_value", {S("null")}), "NULL");
  EXPECT_EQ(call("strip_null_value", {S(" 1 ")}), "1");
  EXPECT_EQ(call("to_variant", {S("abc")}), R"("abc")");
  EXPECT_EQ(call("to_variant", {S("{\"a\":1}")}), R"("{\"a\":1}")");  // text stays text
  EXPECT_EQ(call("to_variant", {I(5)}), "5");
  EXPECT_EQ(call("to_variant", {2.5}), "2.5e+00");
  EXPECT_EQ(call("typeof", {call("to_variant", {2.0})}), "DOUBLE");
  EXPECT_EQ(call("to_variant", {true}), "true");
  EXPECT_EQ(call("to_variant", {testing::date("2024-02-29")}), R"("2024-02-29")");
  EXPECT_EQ(call("to_variant", {testing::ts("2024-02-29 13:04:05")}), R"("2024-02-29 13:04:05")");
  EXPECT_EQ(call("to_variant", {testing::Typed{"1.50", DataType::decimal(5, 2)}}), "1.50");
  EXPECT_EQ(call("to_variant", {N{}}), "NULL");
}

TEST(JsonFunctions, ToVariantOfNestedValues) {
  Column list(DataType::list_of(columnar::Field("element", DataType(TypeId::kInt64))));
  list.child(0).append<int64_t>(1);
  list.child(0).append<int64_t>(2);
  list.append_list_end();
  EXPECT_EQ(testing::texts(testing::call_columns("to_variant", {&list})),
            (std::vector<std::string>{"[1,2]"}));
  Column st(DataType::struct_of({columnar::Field("z", DataType(TypeId::kString)),
                                 columnar::Field("a", DataType(TypeId::kFloat64))}));
  st.child(0).append_string("q");
  st.child(1).append<double>(0.5);
  st.append_struct_valid();
  EXPECT_EQ(testing::texts(testing::call_columns("to_variant", {&st})),
            (std::vector<std::string>{R"({"a":5e-01,"z":"q"})"}));
}

TEST(JsonFunctions, ArrayConstruct) {
  EXPECT_EQ(call("array_construct", {I(1), 2.5, true, S(R"("x")"), S(R"({"b":1, "a":2})"), N{},
                                     testing::date("2024-02-29")}),
            R"([1,2.5e+00,true,"x",{"a":2,"b":1},null,"2024-02-29"])");
  EXPECT_EQ(call("array_construct", {}), "[]");
  EXPECT_EQ(call("array_construct", {call("to_variant", {S("plain text")})}), R"(["plain text"])");
  EXPECT_EQ(invalid_input([] { call("array_construct", {I(1), S("abc")}); }),
            "array_construct: argument 2 'abc' is not VARIANT text (JSON): unknown keyword 'abc' "
            "at position 1; a SQL string becomes a VARIANT through to_variant()");
}

TEST(JsonFunctions, ObjectConstruct) {
  EXPECT_EQ(call("object_construct", {S("b"), I(1), S("a"), S(R"("x")"), S("c"), N{}}),
            R"({"a":"x","b":1})");
  EXPECT_EQ(call("object_construct_keep_null", {S("b"), I(1), S("c"), N{}}), R"({"b":1,"c":null})");
  EXPECT_EQ(call("object_construct", {N{}, I(1), S("k"), S("null")}), R"({"k":null})");
  EXPECT_EQ(call("object_construct", {S("k\"q"), S("[1, 2]")}), R"({"k\"q":[1,2]})");
  EXPECT_EQ(call("object_construct", {}), "{}");
  EXPECT_EQ(invalid_input([] { call("object_construct", {S("a"), I(1), S("a"), I(2)}); }),
            "object_construct: duplicate key 'a'");
  EXPECT_THROW(call("object_construct", {I(1), I(2)}), BinderError);
  EXPECT_THROW(call("object_construct", {S("a")}), BinderError);
}

TEST(JsonFunctions, ArraySizeContains) {
  EXPECT_EQ(call("array_size", {S("[1, 2, [3, 4]]")}), "3");
  EXPECT_EQ(call("array_size", {S("[]")}), "0");
  EXPECT_EQ(call("array_size", {S("{\"a\":1}")}), "NULL");
  EXPECT_EQ(call("array_size", {N{}}), "NULL");
  EXPECT_EQ(call("array_contains", {I(2), S("[1, 2]")}), "true");
  EXPECT_EQ(call("array_contains", {2.0, S("[1, 2.00]")}), "true");
  EXPECT_EQ(call("array_contains", {I(3), S("[1, 2]")}), "false");
  EXPECT_EQ(call("array_contains", {S(R"("b")"), S(R"(["a", "b"])")}), "true");
  EXPECT_EQ(call("array_contains", {S(R"({"y":1,"x":[2]})"), S(R"([{"x":[2.0],"y":1}])")}), "true");
  EXPECT_EQ(call("array_contains", {S(R"("1")"), S("[1]")}), "false");
  EXPECT_EQ(call("array_contains", {N{}, S("[1]")}), "NULL");
  EXPECT_NE(invalid_input([] { call("array_contains", {I(1), S("{}")}); }), "");
}

TEST(JsonFunctions, ArrayAppendCat) {
  EXPECT_EQ(call("array_append", {S("[1]"), I(2)}), "[1,2]");
  EXPECT_EQ(call("array_append", {S("[ ]"), S(R"("a")")}), R"(["a"])");
  EXPECT_EQ(call("array_append", {S("[1]"), N{}}), "[1,null]");
  EXPECT_EQ(call("array_append", {N{}, I(1)}), "NULL");
  EXPECT_EQ(invalid_input([] { call("array_append", {S(R"({"a":1})"), I(1)}); }),
            R"(array_append: argument 1 {"a":1} is not an ARRAY)");
  EXPECT_EQ(call("array_cat", {S("[1]"), S("[2, 3]")}), "[1,2,3]");
  EXPECT_EQ(call("array_cat", {S("[]"), S("[2]")}), "[2]");
  EXPECT_EQ(call("array_cat", {S("[1]"), S("[]")}), "[1]");
  EXPECT_EQ(call("array_cat", {S("[]"), S("[]")}), "[]");
  EXPECT_EQ(call("array_cat", {S("[1]"), N{}}), "NULL");
}

TEST(JsonFunctions, ObjectKeysInsertDelete) {
  EXPECT_EQ(call("object_keys", {S(R"({"b":1, "a":{"c":2}})")}), R"(["a","b"])");
  EXPECT_EQ(call("object_keys", {S("{}")}), "[]");
  EXPECT_EQ(call("object_keys", {S("[1]")}), "NULL");

  EXPECT_EQ(call("object_insert", {S(R"({"b":1})"), S("a"), I(2)}), R"({"a":2,"b":1})");
  EXPECT_EQ(call("object_insert", {S(R"({"b":1})"), S("c"), S(R"({"x":[]})")}),
            R"({"b":1,"c":{"x":[]}})");
  EXPECT_EQ(invalid_input([] { call("object_insert", {S(R"({"b":1})"), S("b"), I(2)}); }),
            "object_insert: key 'b' already exists; pass TRUE as the fourth argument to "
            "replace it");
  EXPECT_EQ(call("object_insert", {S(R"({"b":1})"), S("b"), I(2), true}), R"({"b":2})");
  EXPECT_EQ(call("object_insert", {S(R"({"b":1})"), S("c"), N{}}), R"({"b":1})");
  EXPECT_EQ(call("object_insert", {S(R"({"b":1,"c":2})"), S("b"), N{}, true}), R"({"c":2})");
  EXPECT_EQ(call("object_insert", {N{}, S("c"), I(1)}), "NULL");
  EXPECT_NE(invalid_input([] { call("object_insert", {S("[]"), S("c"), I(1)}); }), "");

  EXPECT_EQ(call("object_delete", {S(R"({"a":1,"b":2,"c":3})"), S("a"), S("c")}), R"({"b":2})");
  EXPECT_EQ(call("object_delete", {S(R"({"a":1})"), S("z"), N{}}), R"({"a":1})");
  EXPECT_EQ(call("object_delete", {N{}, S("a")}), "NULL");
}

TEST(JsonFunctions, EveryNameResolves) {
  auto names = scalar_function_names();
  for (const char* n :
       {"parse_json", "try_parse_json", "check_json", "get_path", "get", "json_extract_path_text",
        "variant_to_varchar", "variant_to_bigint", "variant_to_double", "variant_to_boolean",
        "as_varchar", "as_integer", "as_double", "as_boolean", "as_object", "as_array",
        "object_construct", "object_construct_keep_null", "array_construct", "array_size",
        "array_contains", "array_append", "array_cat", "object_keys", "object_insert",
        "object_delete", "typeof", "is_array", "is_object", "is_null_value", "is_varchar",
        "is_integer", "is_double", "is_boolean", "to_json", "to_variant", "strip_null_value"})
    EXPECT_TRUE(std::binary_search(names.begin(), names.end(), n)) << n;
}

}  // namespace
}  // namespace floe::exec
