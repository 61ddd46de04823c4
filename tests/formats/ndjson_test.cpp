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

// ---------------------------------------------------------------------------------------
// Rejected-record reports and the Snowflake JSON file format options.

struct Collected {
  std::vector<RecordError> errors;
  RecordErrorSink sink() {
    return [this](const RecordError& e) { errors.push_back(e); };
  }
};

std::vector<std::string> texts(NdjsonReader& reader) {
  std::vector<std::string> out;
  Batch b;
  while (reader.next(b))
    for (int64_t r = 0; r < b.num_rows(); ++r)
      out.push_back(b.columns[0].is_null(r) ? "NULL" : std::string(b.columns[0].string_at(r)));
  return out;
}

TEST_F(NdjsonTest, ErrorSinkSkipsBadLinesInInferenceAndReading) {
  std::string p = write_file("mixed.json",
                             "{\"a\": 1}\n{\"a\": \n[1, 2]\n  {\"a\": 3, \"b\": \"x\"}\n"
                             "{\"a\": tru}\n{\"a\": 4}\n");
  for (int64_t sample : {int64_t(100), int64_t(1)}) {
    Collected c;
    NdjsonReadOptions opt;
    opt.sample_rows = sample;  // 1: the bad lines come after the sample
    opt.on_error = c.sink();
    NdjsonReader reader(p, opt);
    auto rows = rows_as_json(reader);
    ASSERT_EQ(rows.size(), 3u) << sample;
    EXPECT_EQ(rows[2], sample == 100 ? "{\"a\":4,\"b\":null}" : "{\"a\":4}");
    ASSERT_EQ(c.errors.size(), 3u);
    EXPECT_EQ(c.errors[0].line, 2);
    EXPECT_EQ(c.errors[0].record, "{\"a\":");
    EXPECT_NE(c.errors[0].message.find("mixed.json:2: invalid JSON"), std::string::npos)
        << c.errors[0].message;
    EXPECT_EQ(c.errors[1].line, 3);
    EXPECT_EQ(c.errors[1].character, 0);
    EXPECT_NE(c.errors[1].message.find("expected a JSON object, found [1,2]"), std::string::npos)
        << c.errors[1].message;
    EXPECT_EQ(c.errors[2].line, 5);
    EXPECT_EQ(c.errors[2].character, 10);  // the "}" where "tru" turned out not to be JSON
    EXPECT_EQ(reader.rows_read(), 3);
  }
}

TEST_F(NdjsonTest, MisfitValueIsReportedWithItsColumnAndTheRowSkippedWhole) {
  std::string p = write_file("misfit.json",
                             "{\"id\": 1, \"s\": {\"n\": 1, \"d\": \"2024-01-31\"}}\n"
                             "{\"id\": 2, \"s\": {\"n\": 2, \"d\": \"not a date\"}}\n"
                             "{\"id\": \"three\"}\n{\"id\": 4, \"s\": {\"n\": 40}}\n");
  NdjsonReadOptions opt;
  opt.schema = Schema{{Field("id", DataType(TypeId::kInt64)),
                       Field("s", DataType::struct_of({Field("n", DataType(TypeId::kInt32)),
                                                       Field("d", DataType(TypeId::kDate))}))},
                      {}};
  Collected c;
  opt.on_error = c.sink();
  NdjsonReader reader(p, opt);
  auto rows = rows_as_json(reader);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], "{\"id\":1,\"s\":{\"n\":1,\"d\":\"2024-01-31\"}}");
  EXPECT_EQ(rows[1], "{\"id\":4,\"s\":{\"n\":40,\"d\":null}}");
  ASSERT_EQ(c.errors.size(), 2u);
  EXPECT_EQ(c.errors[0].line, 2);
  EXPECT_EQ(c.errors[0].column_index, 2);
  EXPECT_EQ(c.errors[0].column_name, "s");
  EXPECT_EQ(c.errors[0].text, "\"not a date\"");
  EXPECT_NE(c.errors[0].message.find("misfit.json:2: field 's.d': cannot convert"),
            std::string::npos)
      << c.errors[0].message;
  EXPECT_EQ(c.errors[1].column_name, "id");
  EXPECT_EQ(c.errors[1].record, "{\"id\": \"three\"}");
}

TEST_F(NdjsonTest, TopLevelArrayElementsAreRecords) {
  std::string p = write_file("array.json",
                             "[\n  {\"a\": 1},\n  {\"a\": },\n  \"text\",\n  {\"a\": [1, {\"b\": "
                             "\"],\"}]}\n]\n");
  NdjsonReadOptions opt;
  Collected c;
  opt.on_error = c.sink();
  NdjsonReader reader(p, opt);
  auto rows = rows_as_json(reader);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], "{\"a\":\"[1,{\\\"b\\\":\\\"],\\\"}]\"}");
  ASSERT_EQ(c.errors.size(), 2u);
  EXPECT_EQ(c.errors[0].line, 3);
  EXPECT_EQ(c.errors[0].record, "{\"a\": }");
  EXPECT_NE(c.errors[0].message.find("array.json:3: element 1: invalid JSON"), std::string::npos)
      << c.errors[0].message;
  EXPECT_EQ(c.errors[1].line, 4);
  EXPECT_NE(c.errors[1].message.find("element 2: expected a JSON object"), std::string::npos);

  // An array that never closes is reported after its elements.
  Collected open;
  opt.on_error = open.sink();
  NdjsonReader unclosed(write_file("open.json", "[{\"a\": 1}, {\"a\": 2}"), opt);
  EXPECT_EQ(rows_as_json(unclosed).size(), 2u);
  ASSERT_EQ(open.errors.size(), 1u);
  EXPECT_NE(open.errors[0].message.find("no closing ']'"), std::string::npos);
}

TEST_F(NdjsonTest, DocumentsAsText) {
  std::string p = write_file("docs.json",
                             "{\"b\": 2,  \"a\": [1, 2]}\n  \"just a string\"  \n\n42\n"
                             "{\"broken\": \n null\n");
  NdjsonReadOptions opt;
  opt.documents_as_text = true;
  Collected c;
  opt.on_error = c.sink();
  NdjsonReader reader(p, opt);
  ASSERT_EQ(reader.schema().fields.size(), 1u);
  EXPECT_EQ(reader.schema().fields[0].name, "$1");
  EXPECT_EQ(reader.schema().fields[0].type.id(), TypeId::kString);
  EXPECT_EQ(texts(reader), (std::vector<std::string>{"{\"b\": 2,  \"a\": [1, 2]}",
                                                      "\"just a string\"", "42", "null"}));
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].line, 5);
  EXPECT_NE(c.errors[0].message.find("invalid JSON"), std::string::npos);
}

TEST_F(NdjsonTest, StripOuterArray) {
  const std::string text = "[\n {\"a\": 1},\n [2, 3],\n \"x\"\n]\n";
  {
    NdjsonReadOptions opt;
    opt.documents_as_text = true;
    NdjsonReader reader(write_file("strip.json", text), opt);
    EXPECT_EQ(texts(reader), (std::vector<std::string>{"{\"a\": 1}", "[2, 3]", "\"x\""}));
  }
  {
    NdjsonReadOptions opt;
    opt.documents_as_text = true;
    opt.strip_outer_array = false;
    NdjsonReader reader(write_file("whole.json", text), opt);
    EXPECT_EQ(texts(reader),
              (std::vector<std::string>{"[\n {\"a\": 1},\n [2, 3],\n \"x\"\n]"}));
  }
  {
    // Reading columns, the whole array is one document that is not an object.
    NdjsonReadOptions opt;
    opt.strip_outer_array = false;
    Collected c;
    opt.on_error = c.sink();
    NdjsonReader reader(write_file("whole_rows.json", text), opt);
    EXPECT_TRUE(rows_as_json(reader).empty());
    ASSERT_EQ(c.errors.size(), 1u);
    EXPECT_EQ(c.errors[0].line, 1);
  }
}

TEST_F(NdjsonTest, DuplicateKeys) {
  const std::string text =
      "{\"a\": 1, \"b\": 2}\n{\"a\": 1, \"a\": 2}\n{\"o\": {\"k\": 1, \"k\": 2}}\n"
      "{\"o\": [{\"k\": 1}, {\"k\": 2}]}\n";
  {
    NdjsonReader reader(write_file("dups_allowed.json", text));
    EXPECT_EQ(rows_as_json(reader).size(), 4u);
  }
  for (bool as_text : {false, true}) {
    NdjsonReadOptions opt;
    opt.allow_duplicate_keys = false;
    opt.documents_as_text = as_text;
    Collected c;
    opt.on_error = c.sink();
    NdjsonReader reader(write_file("dups.json", text), opt);
    Batch b;
    int64_t rows = 0;
    while (reader.next(b)) rows += b.num_rows();
    EXPECT_EQ(rows, 2) << as_text;  // keys repeated in sibling objects are fine
    ASSERT_EQ(c.errors.size(), 2u) << as_text;
    EXPECT_EQ(c.errors[0].line, 2);
    EXPECT_NE(c.errors[0].message.find("duplicate key 'a'"), std::string::npos);
    EXPECT_EQ(c.errors[1].line, 3);
    EXPECT_NE(c.errors[1].message.find("duplicate key 'k'"), std::string::npos);
  }
  {
    // Without a sink it throws.
    NdjsonReadOptions opt;
    opt.allow_duplicate_keys = false;
    EXPECT_THROW(NdjsonReader(write_file("dups_throw.json", text), opt), InvalidInputError);
  }
}

TEST_F(NdjsonTest, OverLongRecords) {
  std::string big = "{\"s\": \"" + std::string(size_t(9) << 20, 'x') + "\"}";
  std::string p = write_file("long.json", "{\"s\": \"a\"}\n" + big + "\n{\"s\": \"b\"}\n" + big);
  NdjsonReadOptions opt;
  opt.max_record_bytes = 1 << 20;
  Collected c;
  opt.on_error = c.sink();
  NdjsonReader reader(p, opt);
  auto rows = rows_as_json(reader);
  EXPECT_EQ(rows, (std::vector<std::string>{"{\"s\":\"a\"}", "{\"s\":\"b\"}"}));
  ASSERT_EQ(c.errors.size(), 2u);
  EXPECT_EQ(c.errors[0].line, 2);
  EXPECT_EQ(c.errors[1].line, 4);
  EXPECT_EQ(c.errors[0].record.size(), kMaxRejectedRecordBytes);
  EXPECT_NE(c.errors[0].message.find("record longer than 1048576 bytes"), std::string::npos);

  // A limit below the report's cut, lines that fit in the buffer.
  Collected small;
  opt.max_record_bytes = 12;
  opt.on_error = small.sink();
  NdjsonReader reader2(write_file("short.json", "{\"s\": 1}\n{\"s\": 1234567}\n{\"s\": 2}"), opt);
  EXPECT_EQ(rows_as_json(reader2), (std::vector<std::string>{"{\"s\":1}", "{\"s\":2}"}));
  ASSERT_EQ(small.errors.size(), 1u);
  EXPECT_EQ(small.errors[0].record, "{\"s\": 1234567}");
}

TEST_F(NdjsonTest, TruncatedGzipKeepsEarlierRows) {
  std::string text;
  for (int i = 0; i < 100000; ++i)
    text += fmt::format("{{\"i\": {}, \"pad\": \"{}\"}}\n", i, i * 7);
  std::string p = write_file("cut.json.gz", text);
  std::filesystem::resize_file(p, std::filesystem::file_size(p) / 2);
  NdjsonReadOptions opt;
  opt.sample_rows = 10;
  Collected c;
  opt.on_error = c.sink();
  NdjsonReader reader(p, opt);
  Batch b;
  int64_t rows = 0;
  while (reader.next(b)) rows += b.num_rows();
  EXPECT_GT(rows, 1000);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].line, rows + 1);
  EXPECT_NE(c.errors[0].message.find("truncated"), std::string::npos) << c.errors[0].message;
}

TEST_F(NdjsonTest, Latin1Encoding) {
  NdjsonReadOptions opt;
  opt.encoding = "ISO-8859-1";
  NdjsonReader reader(write_file("latin1.json", "{\"city\": \"Montr\xE9" "al\"}\n"), opt);
  EXPECT_EQ(rows_as_json(reader), (std::vector<std::string>{"{\"city\":\"Montréal\"}"}));
}

TEST_F(NdjsonTest, EmptyAndBlankFiles) {
  for (const char* text : {"", "\n\n  \n", "[]", " [ \n ] \n"}) {
    NdjsonReadOptions opt;
    opt.documents_as_text = true;
    NdjsonReader reader(write_file("empty.json", text), opt);
    EXPECT_TRUE(texts(reader).empty()) << text;
    NdjsonReader columns(write_file("empty2.json", text));
    EXPECT_TRUE(columns.schema().fields.empty());
  }
}

}  // namespace
}  // namespace floe::formats
