#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/civil_time.h"
#include "base/error.h"
#include "columnar/value_text.h"
#include "formats/compressed_file.h"
#include "formats/csv/csv_reader.h"
#include "formats/csv/csv_writer.h"

namespace floe::formats {
namespace {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::Schema;
using columnar::TypeId;

class CsvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("floe_csv_test_{}_{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write_file(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    CompressedFileWriter w(path);  // compresses by suffix
    w.write(bytes);
    w.close();
    return path;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

std::string cell(const Column& c, int64_t row) {
  if (c.is_null(row)) return "NULL";
  std::string s;
  columnar::append_value_text(c, row, s);
  return s;
}

// Every row of every batch, as text cells.
std::vector<std::vector<std::string>> read_all(CsvReader& reader) {
  std::vector<std::vector<std::string>> rows;
  Batch b;
  while (reader.next(b)) {
    EXPECT_GT(b.num_rows(), 0);
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      std::vector<std::string> row;
      for (const auto& c : b.columns) row.push_back(cell(c, r));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::vector<std::string> names(const Schema& s) {
  std::vector<std::string> n;
  for (const auto& f : s.fields) n.push_back(f.name);
  return n;
}

std::vector<TypeId> types(const Schema& s) {
  std::vector<TypeId> t;
  for (const auto& f : s.fields) t.push_back(f.type.id());
  return t;
}

TEST_F(CsvTest, RoundTripsQuotesDelimitersNewlinesNullsAndUnicode) {
  Schema schema;
  schema.fields = {Field("id", DataType(TypeId::kInt64)), Field("text", DataType(TypeId::kString)),
                   Field("score", DataType(TypeId::kFloat64)),
                   Field("ok", DataType(TypeId::kBoolean)), Field("day", DataType(TypeId::kDate)),
                   Field("at", DataType::timestamp())};
  const std::vector<std::optional<std::string>> texts = {
      "plain",        "a,b",         "say \"hi\"", "line1\nline2", "", std::nullopt,
      "héllo ✓ 日本", "  spaced  ",  "cr\r\nlf",   "\"",           ",", "tab\there"};
  Batch b = Batch::empty_of(schema);
  for (size_t i = 0; i < texts.size(); ++i) {
    b.columns[0].append<int64_t>(int64_t(i) - 3);
    if (texts[i])
      b.columns[1].append_string(*texts[i]);
    else
      b.columns[1].append_null();
    if (i == 4)
      b.columns[2].append_null();
    else
      b.columns[2].append<double>(double(i) * 1.25 + 0.1);
    b.columns[3].append_bool(i % 2 == 0);
    b.columns[4].append<int32_t>(int32_t(19723 + i));
    b.columns[5].append<int64_t>(int64_t(1700000000123456) + int64_t(i) * 3600000000LL);
  }
  std::string p = path("round.csv");
  {
    CsvWriter w(p, schema);
    w.write(b);
    w.close();
    EXPECT_EQ(w.rows_written(), int64_t(texts.size()));
  }
  CsvReadOptions opt;
  opt.batch_rows = 5;  // several batches
  CsvReader reader(p, opt);
  EXPECT_EQ(names(reader.schema()), names(schema));
  EXPECT_EQ(types(reader.schema()), types(schema));
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), texts.size());
  EXPECT_EQ(reader.rows_read(), int64_t(texts.size()));
  for (size_t i = 0; i < texts.size(); ++i)
    for (size_t c = 0; c < schema.fields.size(); ++c)
      EXPECT_EQ(rows[i][c], cell(b.columns[c], int64_t(i))) << "row " << i << " column " << c;
  // The empty string and NULL stay distinct.
  EXPECT_EQ(rows[4][1], "");
  EXPECT_EQ(rows[5][1], "NULL");
}

TEST_F(CsvTest, RoundTripsThroughGzip) {
  Schema schema;
  schema.fields = {Field("k", DataType(TypeId::kInt64)), Field("v", DataType(TypeId::kString))};
  Batch b = Batch::empty_of(schema);
  for (int i = 0; i < 1000; ++i) {
    b.columns[0].append<int64_t>(i);
    b.columns[1].append_string(fmt::format("value \"{}\"\n,", i));
  }
  std::string p = path("data.csv.gz");
  CsvWriter w(p, schema);
  w.write(b);
  w.close();
  std::ifstream f(p, std::ios::binary);
  char magic[2];
  f.read(magic, 2);
  EXPECT_EQ(uint8_t(magic[0]), 0x1f);
  EXPECT_EQ(uint8_t(magic[1]), 0x8b);
  CsvReader reader(p);
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), 1000u);
  EXPECT_EQ(rows[999][1], "value \"999\"\n,");
}

TEST_F(CsvTest, ReadsGzipAndZstdInput) {
  const std::string text = "a,b\n1,x\n2,y\n";
  for (const char* name : {"in.csv.gz", "in.csv.zst", "misnamed.csv"}) {
    std::string p = std::string(name) == "misnamed.csv" ? path(name) : write_file(name, text);
    if (std::string(name) == "misnamed.csv") {
      // gzip bytes under a plain name: the magic bytes decide.
      std::string gz = write_file("tmp.gz", text);
      std::filesystem::rename(gz, p);
    }
    CsvReader reader(p);
    EXPECT_EQ(types(reader.schema()), (std::vector<TypeId>{TypeId::kInt64, TypeId::kString}));
    auto rows = read_all(reader);
    ASSERT_EQ(rows.size(), 2u) << name;
    EXPECT_EQ(rows[1], (std::vector<std::string>{"2", "y"})) << name;
  }
}

TEST_F(CsvTest, InfersEachType) {
  std::string p = write_file("types.csv",
                             "b,i,d,mixed,dt,ts,tsz,s,nothing,zip\n"
                             "true,1,1.5,1,2024-01-31,2024-01-31 10:00:00,2024-01-31T10:00:00Z,x,,007\n"
                             "FALSE,-20,2e3,2.5,2024-02-29,2024-01-31T10:00:00.123456,"
                             "2024-01-31 10:00:00+02:00,12,,010\n"
                             ",,,,,,,,,\n");
  CsvReader reader(p);
  EXPECT_EQ(types(reader.schema()),
            (std::vector<TypeId>{TypeId::kBoolean, TypeId::kInt64, TypeId::kFloat64,
                                 TypeId::kFloat64, TypeId::kDate, TypeId::kTimestamp,
                                 TypeId::kTimestampTz, TypeId::kString, TypeId::kString,
                                 TypeId::kInt64}));
  for (const auto& f : reader.schema().fields) EXPECT_TRUE(f.nullable);
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"true", "1", "1.5", "1", "2024-01-31",
                                               "2024-01-31 10:00:00", "2024-01-31 10:00:00+00",
                                               "x", "NULL", "7"}));
  EXPECT_EQ(rows[1][5], "2024-01-31 10:00:00.123456");
  EXPECT_EQ(rows[1][6], "2024-01-31 08:00:00+00");
  EXPECT_EQ(rows[1][2], "2000");
  for (const auto& v : rows[2]) EXPECT_EQ(v, "NULL");
}

TEST_F(CsvTest, SniffsDelimiterAndHeader) {
  {
    std::string p = write_file("semi.csv", "name;amount;note\nann;1,5;\"a;b\"\nbob;2;c,d\n");
    CsvReader reader(p);
    EXPECT_EQ(reader.delimiter(), ';');
    EXPECT_TRUE(reader.has_header());
    EXPECT_EQ(names(reader.schema()), (std::vector<std::string>{"name", "amount", "note"}));
    auto rows = read_all(reader);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"ann", "1,5", "a;b"}));
  }
  {
    std::string p = write_file("tabs.tsv", "1\t2.5\tx\n2\t3.5\ty\n3\t4\tz\n");
    CsvReader reader(p);
    EXPECT_EQ(reader.delimiter(), '\t');
    EXPECT_FALSE(reader.has_header());
    EXPECT_EQ(names(reader.schema()), (std::vector<std::string>{"column1", "column2", "column3"}));
    EXPECT_EQ(types(reader.schema()),
              (std::vector<TypeId>{TypeId::kInt64, TypeId::kFloat64, TypeId::kString}));
    EXPECT_EQ(read_all(reader).size(), 3u);
  }
  {
    std::string p = write_file("pipes.txt", "id|when\n1|2024-01-01\n2|2024-01-02\n");
    CsvReader reader(p);
    EXPECT_EQ(reader.delimiter(), '|');
    EXPECT_TRUE(reader.has_header());
    EXPECT_EQ(types(reader.schema()), (std::vector<TypeId>{TypeId::kInt64, TypeId::kDate}));
  }
  {
    // Told: no sniffing.
    std::string p = write_file("told.csv", "1;2\n3;4\n");
    CsvReadOptions opt;
    opt.delimiter = ',';
    opt.header = false;
    CsvReader reader(p, opt);
    EXPECT_EQ(reader.schema().fields.size(), 1u);
    EXPECT_EQ(read_all(reader).size(), 2u);
  }
}

TEST_F(CsvTest, ExplicitSchemaSkipsInference) {
  std::string p = write_file("explicit.csv", "a,b,c,d\n1,2.50,x,10:30:00\n-7,3.456,,23:59:59.5\n");
  CsvReadOptions opt;
  Schema s;
  s.fields = {Field("n", DataType(TypeId::kInt32)), Field("amount", DataType::decimal(10, 2)),
              Field("label", DataType(TypeId::kString)), Field("t", DataType::time())};
  opt.schema = s;
  CsvReader reader(p, opt);
  EXPECT_TRUE(reader.has_header());  // sniffed: "a" is not an INTEGER
  EXPECT_EQ(names(reader.schema()), (std::vector<std::string>{"n", "amount", "label", "t"}));
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"1", "2.50", "x", "10:30:00"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"-7", "3.46", "NULL", "23:59:59.500000"}));
}

TEST_F(CsvTest, HandlesCrlfBomBlankLinesAndMultiLineFields) {
  std::string p = write_file("crlf.csv",
                             "\xEF\xBB\xBF"
                             "a,b\r\n1,x\r\n\r\n2,\"y\r\nz\"\r\n3,\"\"\r\n\r\n");
  CsvReader reader(p);
  EXPECT_EQ(names(reader.schema()), (std::vector<std::string>{"a", "b"}));
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"2", "y\r\nz"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"3", ""}));
}

TEST_F(CsvTest, LastLineWithoutNewline) {
  std::string p = write_file("nonl.csv", "a,b\n1,x\n2,\"q\"");
  CsvReader reader(p);
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"2", "q"}));
}

TEST_F(CsvTest, MakesHeaderNamesUnique) {
  std::string p = write_file("dups.csv", "a,a,,b,a,a_1\nx,y,z,w,v,u\n");
  CsvReadOptions opt;
  opt.header = true;
  CsvReader reader(p, opt);
  EXPECT_EQ(names(reader.schema()),
            (std::vector<std::string>{"a", "a_1", "column3", "b", "a_2", "a_1_1"}));
}

TEST_F(CsvTest, NullMarkersEscapesAndTrim) {
  {
    std::string p = write_file("na.csv", "k,v\n1,NA\n2,\"NA\"\n3,\n");
    CsvReadOptions opt;
    opt.null_if = {"NA"};
    opt.empty_field_as_null = false;
    CsvReader reader(p, opt);
    auto rows = read_all(reader);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0][1], "NULL");
    EXPECT_EQ(rows[1][1], "NA");  // quoted: a value
    EXPECT_EQ(rows[2][1], "");
  }
  {
    std::string p = write_file("esc.csv", "k,v\n1,\"a\\\"b\\\\c\"\n2, \"d\" \n");
    CsvReadOptions opt;
    opt.escape = '\\';
    opt.trim_space = true;
    CsvReader reader(p, opt);
    auto rows = read_all(reader);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0][1], "a\"b\\c");
    EXPECT_EQ(rows[1][1], "d");
  }
}

TEST_F(CsvTest, EmptyAndHeaderOnlyFiles) {
  {
    CsvReader reader(write_file("empty.csv", ""));
    EXPECT_TRUE(reader.schema().fields.empty());
    Batch b;
    EXPECT_FALSE(reader.next(b));
  }
  {
    CsvReader reader(write_file("header.csv", "x,y\n"));
    EXPECT_EQ(names(reader.schema()), (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(types(reader.schema()), (std::vector<TypeId>{TypeId::kString, TypeId::kString}));
    Batch b;
    EXPECT_FALSE(reader.next(b));
  }
}

// Rows that straddle the reader's 4 MiB chunks, quoted newlines included.
TEST_F(CsvTest, ReadsAcrossChunkBoundaries) {
  std::string text = "id,body,n\n";
  const int kRows = 140000;
  for (int i = 0; i < kRows; ++i)
    text += fmt::format("{},\"row {} says \"\"hi\"\",\nand more text to make it long\",{}\n", i, i,
                        i * 2);
  ASSERT_GT(text.size(), size_t(8) << 20);
  for (const char* name : {"big.csv", "big.csv.gz"}) {
    std::string p = write_file(name, text);
    CsvReadOptions opt;
    opt.sample_rows = 100;
    CsvReader reader(p, opt);
    Batch b;
    int64_t expect = 0;
    int64_t bad = 0;
    while (reader.next(b)) {
      for (int64_t r = 0; r < b.num_rows(); ++r, ++expect) {
        bad += b.columns[0].value<int64_t>(r) != expect;
        bad += b.columns[2].value<int64_t>(r) != expect * 2;
      }
      std::string want = fmt::format("row {} says \"hi\",\nand more text to make it long",
                                     expect - 1);
      EXPECT_EQ(b.columns[1].string_at(b.num_rows() - 1), want);
    }
    EXPECT_EQ(bad, 0) << name;
    EXPECT_EQ(expect, kRows) << name;
    EXPECT_EQ(reader.rows_read(), kRows) << name;
  }
}

TEST_F(CsvTest, RaggedRowThrowsWithFileAndLine) {
  std::string p = write_file("ragged.csv", "a,b\n1,2\n3,4,5\n6,7\n");
  CsvReader reader(p);
  Batch b;
  try {
    reader.next(b);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("ragged.csv:3:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("expected 2 fields, found 3"), std::string::npos)
        << e.what();
  }
}

TEST_F(CsvTest, BadNumberInDeclaredColumnThrows) {
  // The multi-line field before the bad value moves it to line 4.
  std::string p = write_file("badnum.csv", "n,s\n1,\"two\nlines\"\nabc,x\n");
  CsvReadOptions opt;
  Schema s;
  s.fields = {Field("n", DataType(TypeId::kInt64)), Field("s", DataType(TypeId::kString))};
  opt.schema = s;
  opt.header = true;
  CsvReader reader(p, opt);
  Batch b;
  try {
    reader.next(b);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("badnum.csv:4:"), std::string::npos) << m;
    EXPECT_NE(m.find("column 'n' (1)"), std::string::npos) << m;
    EXPECT_NE(m.find("'abc'"), std::string::npos) << m;
    EXPECT_NE(m.find("BIGINT"), std::string::npos) << m;
  }
}

TEST_F(CsvTest, UnterminatedQuoteAtEndOfFileThrows) {
  std::string p = write_file("unterminated.csv", "a,b\n1,x\n2,\"open\nnever closed\n");
  CsvReader reader(p);
  Batch b;
  try {
    while (reader.next(b)) {
    }
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("unterminated.csv:3:"), std::string::npos) << m;
    EXPECT_NE(m.find("column 'b' (2)"), std::string::npos) << m;
    EXPECT_NE(m.find("unterminated"), std::string::npos) << m;
  }
}

TEST_F(CsvTest, ErrorSinkSkipsBadRowsAndKeepsGoodOnes) {
  std::string p = write_file("mixed.csv",
                             "n,s\n1,a\n2,b,extra\nzz,c\n4,\"d\"x\n5,e\n6,\"never closed\n");
  CsvReadOptions opt;
  Schema s;
  s.fields = {Field("n", DataType(TypeId::kInt64)), Field("s", DataType(TypeId::kString))};
  opt.schema = s;
  std::vector<CsvError> errors;
  opt.on_error = [&](const CsvError& e) { errors.push_back(e); };
  CsvReader reader(p, opt);
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"1", "a"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"5", "e"}));
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_EQ(errors[0].column_index, 0);
  EXPECT_EQ(errors[1].line, 4);
  EXPECT_EQ(errors[1].column_index, 1);
  EXPECT_EQ(errors[1].column_name, "n");
  EXPECT_EQ(errors[1].text, "zz");
  EXPECT_EQ(errors[2].line, 5);
  EXPECT_EQ(errors[2].column_index, 2);
  EXPECT_EQ(errors[3].line, 7);
  EXPECT_NE(errors[3].message.find("mixed.csv:7:"), std::string::npos) << errors[3].message;
  EXPECT_EQ(reader.rows_read(), 2);
}

TEST_F(CsvTest, LenientColumnCount) {
  std::string p = write_file("lenient.csv", "a,b,c\n1,2\n3,4,5,6\n");
  CsvReadOptions opt;
  opt.error_on_column_count_mismatch = false;
  CsvReader reader(p, opt);
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"1", "2", "NULL"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"3", "4", "5"}));
}

TEST_F(CsvTest, MissingFileIsAnIoError) {
  try {
    CsvReader reader(path("does_not_exist.csv"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("does_not_exist.csv"), std::string::npos);
  }
}

// ---------------------------------------------------------------------------------------
// Rejected-record reports and the Snowflake file format options.

Schema int_date_text() {
  Schema s;
  s.fields = {Field("id", DataType(TypeId::kInt64)), Field("day", DataType(TypeId::kDate)),
              Field("note", DataType(TypeId::kString))};
  return s;
}

TEST_F(CsvTest, BadDateAndNumberReportCharacterAndRecord) {
  std::string p = write_file("bad.csv",
                             "id,day,note\n1,2024-01-31,ok\n2,2024-02-30,é\n"
                             "x3,2024-03-01,fine\r\n4,2024-04-01,\"é,\"\"q\"\"\"\n");
  CsvReadOptions opt;
  opt.schema = int_date_text();
  std::vector<CsvError> errors;
  opt.on_error = [&](const CsvError& e) { errors.push_back(e); };
  CsvReader reader(p, opt);
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"4", "2024-04-01", "é,\"q\""}));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].path, p);
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_EQ(errors[0].column_index, 2);
  EXPECT_EQ(errors[0].column_name, "day");
  EXPECT_EQ(errors[0].character, 3);
  EXPECT_EQ(errors[0].text, "2024-02-30");
  EXPECT_EQ(errors[0].record, "2,2024-02-30,é");
  EXPECT_NE(
      errors[0].message.find("bad.csv:3: column 'day' (2): cannot convert '2024-02-30' to DATE"),
      std::string::npos)
      << errors[0].message;
  EXPECT_EQ(errors[1].line, 4);
  EXPECT_EQ(errors[1].column_index, 1);
  EXPECT_EQ(errors[1].character, 1);
  EXPECT_EQ(errors[1].text, "x3");
  EXPECT_EQ(errors[1].record, "x3,2024-03-01,fine");  // without the CRLF
}

TEST_F(CsvTest, CharacterCountsCodePointsAndQuotes) {
  std::string p = write_file("chars.csv", "\"日本\",ü,abc\n");
  CsvReadOptions opt;
  Schema s;
  s.fields = {Field("a", DataType(TypeId::kString)), Field("b", DataType(TypeId::kString)),
              Field("c", DataType(TypeId::kInt32))};
  opt.schema = s;
  opt.header = false;
  std::vector<CsvError> errors;
  opt.on_error = [&](const CsvError& e) { errors.push_back(e); };
  CsvReader reader(p, opt);
  EXPECT_TRUE(read_all(reader).empty());
  ASSERT_EQ(errors.size(), 1u);
  // "日本" quoted is 4 characters, then ',', 'ü', ','.
  EXPECT_EQ(errors[0].character, 8);
  EXPECT_EQ(errors[0].column_index, 3);
}

TEST_F(CsvTest, RaggedRowsAreRowLevelErrors) {
  std::string p = write_file("ragged.csv", "a,b\n1,2\n3\n4,5,6\n7,8\n");
  CsvReadOptions opt;
  std::vector<CsvError> errors;
  opt.on_error = [&](const CsvError& e) { errors.push_back(e); };
  CsvReader reader(p, opt);
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_EQ(errors[0].character, 0);
  EXPECT_EQ(errors[0].column_index, 0);
  EXPECT_EQ(errors[0].record, "3");
  EXPECT_NE(errors[0].message.find("expected 2 fields, found 1"), std::string::npos);
  EXPECT_EQ(errors[1].record, "4,5,6");
}

TEST_F(CsvTest, BrokenQuotingReportsFieldAndKeepsEarlierRows) {
  std::string p = write_file("quotes.csv", "a,b\n1,\"x\"y\n2,z\n3,\"ok\"\n4,\"open\nstill open\n");
  CsvReadOptions opt;
  std::vector<CsvError> errors;
  opt.on_error = [&](const CsvError& e) { errors.push_back(e); };
  CsvReader reader(p, opt);
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"3", "ok"}));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_EQ(errors[0].column_index, 2);
  EXPECT_EQ(errors[0].character, 3);
  EXPECT_EQ(errors[0].record, "1,\"x\"y");
  EXPECT_EQ(errors[1].line, 5);
  EXPECT_EQ(errors[1].column_index, 2);
  EXPECT_EQ(errors[1].character, 3);
  EXPECT_EQ(errors[1].record, "4,\"open\nstill open");
  EXPECT_NE(errors[1].message.find("quotes.csv:5: column 'b' (2): unterminated quoted field"),
            std::string::npos)
      << errors[1].message;
}

TEST_F(CsvTest, InvalidUtf8IsAnErrorOrReplaced) {
  const std::string text = "k,v\n1,ab\xFF" "c\n2,ok\n3,\"\xC3\x28\"\n4,\xE2\x82\xAC\n";
  {
    std::string p = write_file("bad_utf8.csv", text);
    CsvReadOptions opt;
    std::vector<CsvError> errors;
    opt.on_error = [&](const CsvError& e) { errors.push_back(e); };
    CsvReader reader(p, opt);
    auto rows = read_all(reader);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1][1], "€");
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].line, 2);
    EXPECT_EQ(errors[0].column_index, 2);
    EXPECT_EQ(errors[0].column_name, "v");
    EXPECT_EQ(errors[0].character, 3);
    EXPECT_NE(errors[0].message.find("invalid UTF-8"), std::string::npos);
    EXPECT_EQ(errors[1].line, 4);
  }
  {
    std::string p = write_file("replaced.csv", text);
    CsvReadOptions opt;
    opt.replace_invalid_utf8 = true;
    CsvReader reader(p, opt);
    auto rows = read_all(reader);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0][1], "ab\xEF\xBF\xBD" "c");
    EXPECT_EQ(rows[2][1], "\xEF\xBF\xBD(");
  }
  {
    std::string p = write_file("unchecked.csv", text);
    CsvReadOptions opt;
    opt.validate_utf8 = false;
    CsvReader reader(p, opt);
    auto rows = read_all(reader);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0][1], "ab\xFF" "c");
  }
  {
    // Without a sink the first one throws.
    CsvReader reader(write_file("throws.csv", text));
    Batch b;
    try {
      reader.next(b);
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
      EXPECT_NE(std::string(e.what()).find("throws.csv:2: column 'v' (2): invalid UTF-8"),
                std::string::npos)
          << e.what();
    }
  }
}

std::string numbered_rows(int n) {
  std::string text = "id,body\n";
  for (int i = 0; i < n; ++i) text += fmt::format("{},\"text {} with a\nline break\"\n", i, i);
  return text;
}

// Cuts a compressed file so that its stream ends early.
void chop(const std::string& path, size_t keep) {
  std::filesystem::resize_file(path, keep);
}

TEST_F(CsvTest, TruncatedCompressedFileIsReportedAfterItsRows) {
  for (const char* name : {"cut.csv.gz", "cut.csv.zst"}) {
    const int kRows = 200000;
    std::string p = write_file(name, numbered_rows(kRows));
    chop(p, std::filesystem::file_size(p) / 2);
    CsvReadOptions opt;
    opt.sample_rows = 10;
    std::vector<CsvError> errors;
    opt.on_error = [&](const CsvError& e) { errors.push_back(e); };
    CsvReader reader(p, opt);
    Batch b;
    int64_t rows = 0, bad = 0;
    while (reader.next(b))
      for (int64_t r = 0; r < b.num_rows(); ++r, ++rows)
        bad += b.columns[0].value<int64_t>(r) != rows;
    EXPECT_EQ(bad, 0) << name;
    EXPECT_GT(rows, 1000) << name;
    EXPECT_LT(rows, kRows) << name;
    ASSERT_EQ(errors.size(), 1u) << name;
    // The row cut short is the one after the last loaded: it starts on line 2 + 2 * rows.
    EXPECT_EQ(errors[0].line, 2 + 2 * rows) << name;
    EXPECT_EQ(errors[0].column_index, 0);
    EXPECT_NE(errors[0].message.find(fmt::format("{}:{}: ", p, errors[0].line)), std::string::npos)
        << errors[0].message;
    EXPECT_NE(errors[0].message.find("truncated"), std::string::npos) << errors[0].message;
    EXPECT_EQ(errors[0].record.rfind(fmt::format("{},", rows), 0), 0u) << errors[0].record;

    // Without a sink: a CorruptDataError naming the path and the line.
    CsvReadOptions strict_opt;
    strict_opt.sample_rows = 10;
    CsvReader strict(p, strict_opt);
    try {
      while (strict.next(b)) {
      }
      FAIL() << name;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kCorruptData);
      EXPECT_NE(std::string(e.what()).find(fmt::format("{}:{}: ", p, errors[0].line)),
                std::string::npos)
          << e.what();
    }
  }
}

TEST_F(CsvTest, OverLongRecordsAreSkippedAndReadingResumes) {
  std::string big(3000, 'x');
  std::string quoted_big = "\"" + std::string(1500, 'y') + "\n" + std::string(1500, 'z') + "\"";
  std::string p = write_file("long.csv", "k,v\n1,short\n2," + big + "\n3," + quoted_big +
                                             "\n4,fine\n5," + big);
  CsvReadOptions opt;
  opt.max_record_bytes = 1000;
  std::vector<CsvError> errors;
  opt.on_error = [&](const CsvError& e) { errors.push_back(e); };
  CsvReader reader(p, opt);
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"4", "fine"}));
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_EQ(errors[1].line, 4);
  EXPECT_EQ(errors[2].line, 7);
  for (const auto& e : errors) {
    EXPECT_EQ(e.column_index, 0);
    EXPECT_NE(e.message.find("record longer than 1000 bytes"), std::string::npos) << e.message;
  }
  EXPECT_EQ(errors[0].record, "2," + big);
}

TEST_F(CsvTest, RecordLongerThanTheBufferIsSkippedInPieces) {
  // 20 MiB on one line against a 1 MiB limit: read through in chunks, never held whole.
  std::string text = "a,b\n1,x\n2,";
  text.append(size_t(20) << 20, 'q');
  text += "\n3,y\n";
  std::string p = write_file("huge.csv", text);
  CsvReadOptions opt;
  opt.max_record_bytes = 1 << 20;
  std::vector<CsvError> errors;
  opt.on_error = [&](const CsvError& e) { errors.push_back(e); };
  CsvReader reader(p, opt);
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"3", "y"}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_EQ(errors[0].record.size(), kMaxRejectedRecordBytes);
}

TEST_F(CsvTest, BlankLinesSkippedOrRows) {
  const std::string text = "a,b\n1,2\n\n3,4\n\n";
  {
    CsvReader reader(write_file("skip.csv", text));
    EXPECT_EQ(read_all(reader).size(), 2u);
  }
  {
    CsvReadOptions opt;
    opt.skip_blank_lines = false;
    std::vector<CsvError> errors;
    opt.on_error = [&](const CsvError& e) { errors.push_back(e); };
    CsvReader reader(write_file("errors.csv", text), opt);
    EXPECT_EQ(read_all(reader).size(), 2u);
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].line, 3);
    EXPECT_EQ(errors[0].record, "");
    EXPECT_NE(errors[0].message.find("expected 2 fields, found 1"), std::string::npos);
    EXPECT_EQ(errors[1].line, 5);
  }
  {
    CsvReadOptions opt;
    opt.skip_blank_lines = false;
    opt.error_on_column_count_mismatch = false;
    CsvReader reader(write_file("lenient.csv", text), opt);
    auto rows = read_all(reader);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[1], (std::vector<std::string>{"NULL", "NULL"}));
    EXPECT_EQ(rows[3], (std::vector<std::string>{"NULL", "NULL"}));
  }
  {
    // Spaces make a line blank only when trimmed.
    CsvReadOptions opt;
    opt.trim_space = true;
    CsvReader reader(write_file("spaces.csv", "a,b\n1,2\n   \n3,4\n"), opt);
    EXPECT_EQ(read_all(reader).size(), 2u);
  }
  {
    // One column: a blank line is a NULL row.
    CsvReadOptions opt;
    opt.skip_blank_lines = false;
    opt.header = true;
    CsvReader reader(write_file("one.csv", "v\nx\n\ny\n"), opt);
    auto rows = read_all(reader);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[1][0], "NULL");
  }
  {
    // Only blank lines: no rows either way.
    CsvReadOptions opt;
    opt.header = false;
    CsvReader reader(write_file("blank.csv", "\n\n\n"), opt);
    EXPECT_TRUE(read_all(reader).empty());
  }
}

TEST_F(CsvTest, EscapeUnenclosedField) {
  std::string p = write_file("esc.csv",
                             "k,v,w\n1,a\\,b,c\n2,\\N,\"q\\\"\"\"\n3,line\\\nbreak,back\\\\slash\n"
                             "4,\"x,y\",\\z\n");
  CsvReadOptions opt;
  opt.escape_unenclosed = '\\';
  opt.null_if = {"\\N"};
  CsvReader reader(p, opt);
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"1", "a,b", "c"}));
  EXPECT_EQ(rows[1][1], "NULL");        // matched as written
  EXPECT_EQ(rows[1][2], "q\\\"");       // inside quotes the doubled-quote rule holds
  EXPECT_EQ(rows[2], (std::vector<std::string>{"3", "line\nbreak", "back\\slash"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"4", "x,y", "z"}));
  {
    // Without the option a backslash is data.
    CsvReader plain(write_file("plain.csv", "k,v\n1,a\\b\n"));
    EXPECT_EQ(read_all(plain)[0][1], "a\\b");
  }
}

TEST_F(CsvTest, QuotingOffMakesQuotesData) {
  std::string p = write_file("noquote.csv", "k,v\n1,\"a\"\n2,b\"c\n3,\"x,y\"\n");
  CsvReadOptions opt;
  opt.quoting = false;
  opt.error_on_column_count_mismatch = false;
  CsvReader reader(p, opt);
  auto rows = read_all(reader);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][1], "\"a\"");
  EXPECT_EQ(rows[1][1], "b\"c");
  EXPECT_EQ(rows[2][1], "\"x");
}

TEST_F(CsvTest, EncodingsTranscodeToUtf8) {
  {
    // ISO-8859-1: é is the single byte 0xE9.
    std::string p = write_file("latin1.csv", "name,city\nJos\xE9,Montr\xE9" "al\n");
    for (const char* enc : {"ISO-8859-1", "latin1", "ISO88591"}) {
      CsvReadOptions opt;
      opt.encoding = enc;
      CsvReader reader(p, opt);
      EXPECT_EQ(names(reader.schema()), (std::vector<std::string>{"name", "city"}));
      auto rows = read_all(reader);
      ASSERT_EQ(rows.size(), 1u) << enc;
      EXPECT_EQ(rows[0], (std::vector<std::string>{"José", "Montréal"})) << enc;
    }
    // Read as UTF-8 the same bytes are invalid.
    std::vector<CsvError> errors;
    CsvReadOptions opt;
    opt.on_error = [&](const CsvError& e) { errors.push_back(e); };
    CsvReader reader(p, opt);
    EXPECT_TRUE(read_all(reader).empty());
    EXPECT_EQ(errors.size(), 1u);
  }
  {
    std::string p = write_file("cp1252.csv", "v\n\x80 5\n\x93quoted\x94\n");
    CsvReadOptions opt;
    opt.encoding = "WINDOWS-1252";
    opt.header = true;
    CsvReader reader(p, opt);
    auto rows = read_all(reader);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0][0], "€ 5");
    EXPECT_EQ(rows[1][0], "“quoted”");
  }
  {
    // UTF-16LE with a byte order mark, and big-endian without one.
    auto utf16 = [](const std::string& ascii, bool le) {
      std::string s;
      for (char c : ascii) s += le ? std::string{c, '\0'} : std::string{'\0', c};
      return s;
    };
    std::string le = "\xFF\xFE" + utf16("a,b\n1,x\n2,", true) + std::string("\xE9\x00", 2) +
                     utf16("\n", true);
    CsvReadOptions opt;
    opt.encoding = "UTF-16";
    CsvReader reader(write_file("le.csv", le), opt);
    auto rows = read_all(reader);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1], (std::vector<std::string>{"2", "é"}));
    opt.encoding = "UTF-16BE";
    CsvReader be(write_file("be.csv", utf16("a,b\n1,x\n", false)), opt);
    EXPECT_EQ(read_all(be), (std::vector<std::vector<std::string>>{{"1", "x"}}));
  }
  {
    // Transcoding composes with decompression.
    CsvReadOptions opt;
    opt.encoding = "LATIN1";
    CsvReader reader(write_file("latin1.csv.gz", "a\nh\xE9\n"), opt);
    EXPECT_EQ(read_all(reader)[0][0], "hé");
  }
  try {
    CsvReadOptions opt;
    opt.encoding = "KLINGON-8";
    CsvReader reader(write_file("x.csv", "a\n"), opt);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("KLINGON-8"), std::string::npos) << e.what();
  }
}

TEST_F(CsvTest, EmptyFilesWithTheNewOptions) {
  CsvReadOptions opt;
  opt.skip_blank_lines = false;
  opt.escape_unenclosed = '\\';
  opt.encoding = "UTF-16LE";
  opt.threads = 4;
  CsvReader reader(write_file("empty.csv", ""), opt);
  EXPECT_TRUE(reader.schema().fields.empty());
  Batch b;
  EXPECT_FALSE(reader.next(b));
  CsvReader gz(write_file("empty.csv.gz", ""), opt);
  EXPECT_FALSE(gz.next(b));
}

TEST_F(CsvTest, RejectsBadOptionValues) {
  std::string p = write_file("x.csv", "a\n1\n");
  for (int k = 0; k < 3; ++k) {
    CsvReadOptions opt;
    if (k == 0) opt.max_record_bytes = 0;
    if (k == 1) opt.threads = 0;
    if (k == 2) {
      opt.delimiter = '\\';
      opt.escape_unenclosed = '\\';
    }
    EXPECT_THROW(CsvReader(p, opt), InvalidInputError) << k;
  }
}

TEST_F(CsvTest, WriterQuotesOnlyWhenNeeded) {
  Schema schema;
  schema.fields = {Field("a b", DataType(TypeId::kString)), Field("n", DataType(TypeId::kInt32))};
  Batch b = Batch::empty_of(schema);
  b.columns[0].append_string("x");
  b.columns[0].append_string("");
  b.columns[0].append_null();
  b.columns[0].append_string("semi;colon");
  for (int i = 0; i < 4; ++i) b.columns[1].append<int32_t>(i);
  std::string p = path("w.csv");
  CsvWriteOptions opt;
  opt.delimiter = ';';
  CsvWriter w(p, schema, opt);
  w.write(b);
  w.close();
  std::ifstream f(p);
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, "a b;n\nx;0\n\"\";1\n;2\n\"semi;colon\";3\n");
}

}  // namespace
}  // namespace floe::formats
