#include "exec/json_flatten.h"

#include <gtest/gtest.h>

#include "function_test_util.h"

namespace floe::exec {
namespace {

// Each row as "KEY|PATH|INDEX|VALUE|THIS" with NULL for nulls.
std::vector<std::string> rows(const FlattenRows& r) {
  auto key = testing::texts(r.key), path = testing::texts(r.path), index = testing::texts(r.index),
       value = testing::texts(r.value), self = testing::texts(r.this_value);
  std::vector<std::string> out;
  for (size_t i = 0; i < key.size(); ++i)
    out.push_back(key[i] + "|" + path[i] + "|" + index[i] + "|" + value[i] + "|" + self[i]);
  return out;
}

using Rows = std::vector<std::string>;

TEST(JsonFlatten, ObjectMembers) {
  FlattenRows r;
  flatten_json(R"({"b": [77, 88], "a": 1})", "", false, false, r);
  EXPECT_EQ(rows(r), (Rows{R"(a|a|NULL|1|{"a":1,"b":[77,88]})",
                           R"(b|b|NULL|[77,88]|{"a":1,"b":[77,88]})"}));
  EXPECT_EQ(r.size(), 2);
}

TEST(JsonFlatten, Recursive) {
  FlattenRows r;
  flatten_json(R"({"a":1, "b":[77, {"c": [true]}]})", "", false, true, r);
  EXPECT_EQ(rows(r), (Rows{
                         R"(a|a|NULL|1|{"a":1,"b":[77,{"c":[true]}]})",
                         R"(b|b|NULL|[77,{"c":[true]}]|{"a":1,"b":[77,{"c":[true]}]})",
                         R"(NULL|b[0]|0|77|[77,{"c":[true]}])",
                         R"(NULL|b[1]|1|{"c":[true]}|[77,{"c":[true]}])",
                         R"(c|b[1].c|NULL|[true]|{"c":[true]})",
                         R"(NULL|b[1].c[0]|0|true|[true])",
                     }));
}

TEST(JsonFlatten, PathIntoTheInput) {
  FlattenRows r;
  flatten_json(R"({"x": {"y z": [{"k": 1}, 2]}})", R"(x["y z"])", false, false, r);
  EXPECT_EQ(rows(r), (Rows{R"(NULL|x['y z'][0]|0|{"k":1}|[{"k":1},2])",
                           R"(NULL|x['y z'][1]|1|2|[{"k":1},2])"}));
  FlattenRows p;
  JsonPath path = JsonPath::parse("x", "flatten");
  flatten_json(R"({"x": {"b": 2, "a": 1}})", path, false, false, p);
  flatten_json(R"({"x": {"c": 3}})", path, false, false, p);
  EXPECT_EQ(rows(p), (Rows{R"(a|x.a|NULL|1|{"a":1,"b":2})", R"(b|x.b|NULL|2|{"a":1,"b":2})",
                           R"(c|x.c|NULL|3|{"c":3})"}));
}

TEST(JsonFlatten, OuterOnEmptyAndMissing) {
  FlattenRows r;
  flatten_json("[]", "", false, false, r);
  EXPECT_EQ(r.size(), 0);
  flatten_json("[]", "", true, false, r);
  EXPECT_EQ(rows(r), (Rows{"NULL||NULL|NULL|[]"}));
  FlattenRows m;
  flatten_json(R"({"a": {}})", "a", true, false, m);
  flatten_json(R"({"a": 1})", "b", true, false, m);   // no such path
  flatten_json(R"({"a": 1})", "a", true, false, m);   // a scalar expands to nothing
  flatten_json("null", "", true, false, m);
  flatten_null(JsonPath::parse("a", "flatten"), true, m);
  flatten_null(JsonPath(), false, m);
  EXPECT_EQ(rows(m), (Rows{"NULL|a|NULL|NULL|{}", "NULL|b|NULL|NULL|NULL", "NULL|a|NULL|NULL|NULL",
                           "NULL||NULL|NULL|NULL", "NULL|a|NULL|NULL|NULL"}));
  FlattenRows none;
  flatten_json(R"({"a": 1})", "b", false, false, none);
  flatten_json("7", "", false, true, none);
  EXPECT_EQ(none.size(), 0);
}

TEST(JsonFlatten, Modes) {
  const char* doc = R"([{"a": [1]}, [2]])";
  FlattenRows arrays;
  flatten_json(doc, "", false, true, arrays, FlattenMode::kArray);
  EXPECT_EQ(rows(arrays), (Rows{R"(NULL|[0]|0|{"a":[1]}|[{"a":[1]},[2]])",
                                R"(NULL|[1]|1|[2]|[{"a":[1]},[2]])", "NULL|[1][0]|0|2|[2]"}));
  FlattenRows objects;
  flatten_json(doc, "", true, true, objects, FlattenMode::kObject);
  EXPECT_EQ(rows(objects), (Rows{"NULL||NULL|NULL|NULL"}));
  flatten_json(doc, "[0]", false, true, objects, parse_flatten_mode("object"));
  EXPECT_EQ(objects.size(), 2);
  EXPECT_THROW(parse_flatten_mode("rows"), InvalidInputError);
}

TEST(JsonFlatten, KeysThatNeedQuotes) {
  FlattenRows r;
  flatten_json(R"({"it's": {"1x": 0}})", "", false, true, r);
  EXPECT_EQ(rows(r), (Rows{R"(it's|['it\'s']|NULL|{"1x":0}|{"it's":{"1x":0}})",
                           R"(1x|['it\'s']['1x']|NULL|0|{"1x":0})"}));
}

TEST(JsonFlatten, BadInput) {
  FlattenRows r;
  EXPECT_THROW(flatten_json("[1, ", "", false, false, r), InvalidInputError);
  EXPECT_THROW(flatten_json("abc", "", false, false, r), InvalidInputError);
  EXPECT_THROW(flatten_json("[1]", "a[", false, false, r), InvalidInputError);
}

}  // namespace
}  // namespace floe::exec
