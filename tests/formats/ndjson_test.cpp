#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/error.h"
#include "columnar/value_text.h"
#include "formats/compressed_file.h"
#include "formats/json/ndjson_reader.h"
#include "formats/json/ndjson_writer.h"

namespace floe::formats {
namespace {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::Schema;
using columnar::TypeId;

class NdjsonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("floe_ndjson_test_{}_{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write_file(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    CompressedFileWriter w(path);
    w.write(bytes);
    w.close();
    return path;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

// Each row as one JSON object text, through the writer's own value encoding.
std::vector<std::string> rows_as_json(NdjsonReader& reader) {
  std::vector<std::string> rows;
  Batch b;
  while (reader.next(b)) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      std::string s = "{";
      for (size_t c = 0; c < b.columns.size(); ++c) {
        if (c) s += ',';
        columnar::append_json_string(b.schema.fields[c].name, s);
        s += ':';
        columnar::append_value_json(b.columns[c], r, s);
      }
      s += '}';
      rows.push_back(s);
    }
  }
  return rows;
}

TEST_F(NdjsonTest, InfersNestedSchemaInFirstSeenOrder) {
  std::string p = write_file("nested.json",
                             "{\"id\": 1, \"name\": \"a\", \"tags\": [\"x\", \"y\"], "
                             "\"geo\": {\"lat\": 1, \"lon\": 2.5}, \"n\": 1, \"flag\": true}\n"
                             "\n"
                             "{\"id\": 2, \"extra\": null, \"n\": 2.5, \"mixed\": 1, "
                             "\"geo\": {\"lat\": 3.5, \"city\": \"Oslo\"}, \"when\": "
                             "\"2024-01-01 10:00:00\"}\r\n"
                             "{\"id\": 3, \"mixed\": \"three\", \"tags\": [], \"nums\": [1, 2.5]}\n");
  NdjsonReader reader(p);
  Schema want{{Field("id", DataType(TypeId::kInt64)), Field("name", DataType(TypeId::kString)),
                    Field("tags", DataType::list_of(Field("element", DataType(TypeId::kString)))),
                    Field("geo", DataType::struct_of({Field("lat", DataType(TypeId::kFloat64)),
                                                      Field("lon", DataType(TypeId::kFloat64)),
                                                      Field("city", DataType(TypeId::kString))})),
                    Field("n", DataType(TypeId::kFloat64)),
                    Field("flag", DataType(TypeId::kBoolean)),
                    Field("extra", DataType(TypeId::kString)),
                    Field("mixed", DataType(TypeId::kString)),
                    Field("when", DataType(TypeId::kString)),
                    Field("nums", DataType::list_of(Field("element", DataType(TypeId::kFloat64))))},
                   {}};
  EXPECT_EQ(reader.schema().to_string(), want.to_string());
  auto rows = rows_as_json(reader);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0],
            "{\"id\":1,\"name\":\"a\",\"tags\":[\"x\",\"y\"],\"geo\":{\"lat\":1,\"lon\":2.5,"
            "\"city\":null},\"n\":1,\"flag\":true,\"extra\":null,\"mixed\":null,\"when\":null,"
            "\"nums\":null}");
  EXPECT_NE(rows[1].find("\"mixed\":\"1\""), std::string::npos) << rows[1];
  EXPECT_EQ(rows[2],
            "{\"id\":3,\"name\":null,\"tags\":[],\"geo\":null,\"n\":null,\"flag\":null,"
            "\"extra\":null,\"mixed\":\"three\",\"when\":null,\"nums\":[1,2.5]}");
  EXPECT_EQ(reader.rows_read(), 3);
}

TEST_F(NdjsonTest, ConflictingTypesHoldJsonText) {
  std::string p = write_file("conflict.json", "{\"v\": {\"a\": 1}}\n{\"v\": [1, 2]}\n{\"v\": \"s\"}\n");
  NdjsonReader reader(p);
  ASSERT_EQ(reader.schema().fields.size(), 1u);
  EXPECT_EQ(reader.schema().fields[0].type.id(), TypeId::kString);
  Batch b;
  ASSERT_TRUE(reader.next(b));
  EXPECT_EQ(b.columns[0].string_at(0), "{\"a\":1}");
  EXPECT_EQ(b.columns[0].string_at(1), "[1,2]");
  EXPECT_EQ(b.columns[0].string_at(2), "s");
}

TEST_F(NdjsonTest, RoundTripsThroughWriter) {
  Schema schema;
  schema.fields = {
      Field("id", DataType(TypeId::kInt64)),
      Field("text", DataType(TypeId::kString)),
      Field("score", DataType(TypeId::kFloat64)),
      Field("ok", DataType(TypeId::kBoolean)),
      Field("at", DataType::timestamp()),
      Field("point", DataType::struct_of({Field("x", DataType(TypeId::kInt64)),
                                          Field("label", DataType(TypeId::kString))})),
      Field("list", DataType::list_of(Field("element", DataType(TypeId::kInt32)))),
  };
  Batch b = Batch::empty_of(schema);
  const std::vector<std::string> texts = {"plain", "quote \" and \\", "line\nbreak", "",
                                          "日本語 ✓"};
  for (size_t i = 0; i < texts.size(); ++i) {
    b.columns[0].append<int64_t>(int64_t(i) * 1000000007LL);
    if (i == 3)
      b.columns[1].append_null();
    else
      b.columns[1].append_string(texts[i]);
    b.columns[2].append<double>(0.1 * double(i));
    b.columns[3].append_bool(i % 2);
    b.columns[4].append<int64_t>(1700000000000000LL + int64_t(i));
    Column& pt = b.columns[5];
    if (i == 2) {
      pt.append_null();
    } else {
      pt.child(0).append<int64_t>(int64_t(i));
      pt.child(1).append_string(texts[i]);
      pt.append_struct_valid();
    }
    Column& l = b.columns[6];
    for (size_t k = 0; k < i; ++k) l.child(0).append<int32_t>(int32_t(k));
    l.append_list_end();
  }
  for (const char* name : {"rt.json", "rt.json.gz"}) {
    std::string p = path(name);
    NdjsonWriter w(p, schema);
    w.write(b);
    w.close();
    NdjsonReadOptions opt;
    opt.schema = schema;
    opt.batch_rows = 2;
    NdjsonReader reader(p, opt);
    auto rows = rows_as_json(reader);
    ASSERT_EQ(rows.size(), texts.size()) << name;
    for (size_t i = 0; i < texts.size(); ++i) {
      std::string want = "{";
      for (size_t c = 0; c < schema.fields.size(); ++c) {
        if (c) want += ',';
        columnar::append_json_string(schema.fields[c].name, want);
        want += ':';
        columnar::append_value_json(b.columns[c], int64_t(i), want);
      }
      want += '}';
      EXPECT_EQ(rows[i], want) << name << " row " << i;
    }
  }
}

TEST_F(NdjsonTest, TimestampsNeedTheSchema) {
  std::string p = write_file("ts.json", "{\"t\": \"2024-03-01T12:00:00Z\", \"d\": \"2024-03-01\"}\n");
  {
    NdjsonReader reader(p);
    EXPECT_EQ(reader.schema().fields[0].type.id(), TypeId::kString);
  }
  NdjsonReadOptions opt;
  opt.schema = Schema{{Field("t", DataType::timestamp_tz()), Field("d", DataType(TypeId::kDate))}, {}};
  NdjsonReader reader(p, opt);
  Batch b;
  ASSERT_TRUE(reader.next(b));
  std::string s;
  columnar::append_value_text(b.columns[0], 0, s);
  EXPECT_EQ(s, "2024-03-01 12:00:00+00");
  s.clear();
  columnar::append_value_text(b.columns[1], 0, s);
  EXPECT_EQ(s, "2024-03-01");
}

TEST_F(NdjsonTest, ReadsTopLevelArray) {
  std::string p = write_file("array.json", "  [\n {\"a\": 1},\n {\"a\": 2, \"b\": \"x\"}\n]\n");
  NdjsonReader reader(p);
  auto rows = rows_as_json(reader);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], "{\"a\":2,\"b\":\"x\"}");
}

TEST_F(NdjsonTest, InvalidJsonNamesFileAndLine) {
  std::string p = write_file("bad.json", "{\"a\": 1}\n{\"a\": \n");
  try {
    NdjsonReader reader(p);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(m.find("bad.json:2:"), std::string::npos) << m;
  }
  p = write_file("notobject.json", "{\"a\": 1}\n[1]\n");
  EXPECT_THROW(NdjsonReader{p}, InvalidInputError);
}

TEST_F(NdjsonTest, ValueThatDoesNotFitTheSchemaNamesField) {
  std::string p = write_file("misfit.json", "{\"a\": {\"n\": 1}}\n\n{\"a\": {\"n\": \"x\"}}\n");
  NdjsonReadOptions opt;
  opt.schema = Schema{{Field("a", DataType::struct_of({Field("n", DataType(TypeId::kInt64))}))}, {}};
  NdjsonReader reader(p, opt);
  Batch b;
  try {
    reader.next(b);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("misfit.json:3:"), std::string::npos) << m;
    EXPECT_NE(m.find("field 'a.n'"), std::string::npos) << m;
    EXPECT_NE(m.find("BIGINT"), std::string::npos) << m;
  }
}

TEST_F(NdjsonTest, ManyRowsAcrossBatchesAndChunks) {
  std::string text;
  const int kRows = 20000;
  for (int i = 0; i < kRows; ++i)
    text += fmt::format("{{\"i\":{},\"s\":\"{}\",\"pad\":\"{}\"}}\n", i, i % 7, std::string(220, 'p'));
  for (const char* name : {"many.json", "many.json.zst"}) {
    std::string p = write_file(name, text);
    NdjsonReadOptions opt;
    opt.sample_rows = 1000;
    opt.batch_rows = 7000;
    NdjsonReader reader(p, opt);
    Batch b;
    int64_t expect = 0, bad = 0;
    while (reader.next(b))
      for (int64_t r = 0; r < b.num_rows(); ++r, ++expect) bad += b.columns[0].value<int64_t>(r) != expect;
    EXPECT_EQ(bad, 0);
    EXPECT_EQ(expect, kRows);
  }
}

}  // namespace
}  // namespace floe::formats
