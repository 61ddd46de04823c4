#include <gtest/gtest.h>

#include "base/error.h"
#include "ingest/copy_into_table.h"
#include "ingest/file_format.h"
#include "ingest/option_value.h"
#include "ingest/stage.h"

namespace floe::ingest {
namespace {

NamedOption word(std::string key, std::string text) {
  OptionValue v;
  v.kind = OptionValue::Kind::kWord;
  v.text = std::move(text);
  return {std::move(key), v};
}

NamedOption str(std::string key, std::string text) {
  OptionValue v;
  v.kind = OptionValue::Kind::kString;
  v.text = std::move(text);
  return {std::move(key), v};
}

TEST(ErrorPolicy, ParsesEverySnowflakeMode) {
  EXPECT_EQ(ErrorPolicy::parse("abort_statement").mode, OnError::kAbortStatement);
  EXPECT_EQ(ErrorPolicy::parse("CONTINUE").mode, OnError::kContinue);
  auto skip = ErrorPolicy::parse("SKIP_FILE");
  EXPECT_EQ(skip.mode, OnError::kSkipFile);
  EXPECT_EQ(skip.skip_file_errors, 1);
  auto n = ErrorPolicy::parse("skip_file_25");
  EXPECT_EQ(n.skip_file_errors, 25);
  EXPECT_LT(n.skip_file_percent, 0);
  auto pct = ErrorPolicy::parse("SKIP_FILE_12.5%");
  EXPECT_DOUBLE_EQ(pct.skip_file_percent, 12.5);
  for (const char* bad : {"SKIP_FILE_", "SKIP_FILE_0", "SKIP_FILE_x", "SKIP_FILE_1.5", "MAYBE", ""})
    EXPECT_THROW(ErrorPolicy::parse(bad), InvalidInputError) << bad;
}

TEST(FileFormat, SnowflakeDefaultsAndOptions) {
  FileFormat d = FileFormat::from_options({});
  EXPECT_EQ(d.type, FileType::kCsv);
  EXPECT_EQ(d.field_delimiter, ',');
  EXPECT_FALSE(d.enclosed_by.has_value());  // FIELD_OPTIONALLY_ENCLOSED_BY = NONE
  EXPECT_EQ(d.escape_unenclosed, '\\');
  EXPECT_EQ(d.null_if, std::vector<std::string>{"\\N"});
  EXPECT_TRUE(d.error_on_column_count_mismatch);
  auto csv = d.csv_options();
  EXPECT_FALSE(csv.quoting);
  EXPECT_EQ(csv.delimiter, ',');

  OptionValue list;
  list.kind = OptionValue::Kind::kList;
  list.items.push_back(str("", "NULL").value);
  list.items.push_back(str("", "").value);
  FileFormat f = FileFormat::from_options({word("TYPE", "CSV"), str("FIELD_DELIMITER", "\\t"),
                                           str("FIELD_OPTIONALLY_ENCLOSED_BY", "\""), {"NULL_IF", list},
                                           word("SKIP_HEADER", "2"),
                                           word("COMPRESSION", "GZIP")});
  EXPECT_EQ(f.field_delimiter, '\t');
  EXPECT_EQ(f.enclosed_by, '"');
  EXPECT_EQ(f.skip_header, 2);
  EXPECT_EQ(f.null_if, (std::vector<std::string>{"NULL", ""}));
  EXPECT_EQ(f.compression, formats::StreamCompression::kGzip);
  EXPECT_TRUE(f.csv_options().quoting);
}

TEST(FileFormat, RejectsUnknownAndMisplacedOptions) {
  EXPECT_THROW(FileFormat::from_options({word("TYPE", "XML")}), UnsupportedError);
  EXPECT_THROW(FileFormat::from_options({word("BOGUS", "1")}), InvalidInputError);
  // A JSON option on a CSV format, and a CSV option on JSON.
  EXPECT_THROW(FileFormat::from_options({word("STRIP_OUTER_ARRAY", "TRUE")}), InvalidInputError);
  EXPECT_THROW(FileFormat::from_options({word("TYPE", "JSON"), word("SKIP_HEADER", "1")}), InvalidInputError);
  EXPECT_THROW(FileFormat::from_options({str("FIELD_DELIMITER", "||")}), InvalidInputError);
  EXPECT_THROW(FileFormat::from_options({word("PARSE_HEADER", "TRUE"), word("SKIP_HEADER", "1")}), InvalidInputError);
  EXPECT_THROW(FileFormat::from_options({word("SKIP_HEADER", "many")}), InvalidInputError);
  FileFormat j = FileFormat::from_options({word("TYPE", "JSON"), word("STRIP_OUTER_ARRAY", "TRUE")});
  EXPECT_TRUE(j.strip_outer_array);
}

TEST(OptionValue, JsonRoundTripKeepsKindsAndOrder) {
  OptionValue group;
  group.kind = OptionValue::Kind::kGroup;
  group.group = {word("TYPE", "CSV"), str("NULL_IF", "\\N")};
  OptionValue num;
  num.kind = OptionValue::Kind::kNumber;
  num.text = "3";
  OptionList in = {{"FILE_FORMAT", group}, {"SIZE_LIMIT", num}, str("PATTERN", ".*[.]csv")};
  OptionList out = options_from_json(options_to_json(in));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].key, "FILE_FORMAT");
  EXPECT_EQ(out[0].value.kind, OptionValue::Kind::kGroup);
  EXPECT_EQ(out[0].value.group[0].value.kind, OptionValue::Kind::kWord);
  EXPECT_EQ(out[0].value.group[1].value.text, "\\N");
  EXPECT_EQ(out[1].value.kind, OptionValue::Kind::kNumber);
  EXPECT_EQ(out[2].value.kind, OptionValue::Kind::kString);
  EXPECT_EQ(options_to_sql(in), "FILE_FORMAT = (TYPE = CSV NULL_IF = '\\N') SIZE_LIMIT = 3 PATTERN = '.*[.]csv'");
  EXPECT_THROW(options_from_json("[1]"), CorruptDataError);
}

TEST(StageRef, ParsesNamedTableAndUserStages) {
  auto a = StageRef::parse("@raw.Land/2024/01/");
  EXPECT_EQ(a.kind, StageRef::Kind::kNamed);
  EXPECT_EQ(a.name, (std::vector<std::string>{"raw", "land"}));
  EXPECT_EQ(a.path, "2024/01/");
  auto q = StageRef::parse("@\"My Stage\"");
  EXPECT_EQ(q.name, std::vector<std::string>{"My Stage"});
  auto t = StageRef::parse("@%orders/x.csv");
  EXPECT_EQ(t.kind, StageRef::Kind::kTable);
  EXPECT_EQ(t.name, std::vector<std::string>{"orders"});
  auto u = StageRef::parse("@~/staged");
  EXPECT_EQ(u.kind, StageRef::Kind::kUser);
  EXPECT_EQ(u.path, "staged");
  EXPECT_EQ(a.to_string(), "@raw.land/2024/01/");
  for (const char* bad : {"land", "@", "@a..b", "@\"open"}) EXPECT_THROW(StageRef::parse(bad), InvalidInputError) << bad;
}

TEST(CopyRawSchema, NamesFileColumnsAndMetadata) {
  auto s = copy_raw_schema(2);
  ASSERT_EQ(s.fields.size(), 6u);
  EXPECT_EQ(s.fields[0].name, "$1");
  EXPECT_EQ(s.fields[1].name, "$2");
  EXPECT_EQ(s.fields[2].name, "metadata$filename");
  EXPECT_EQ(s.fields[3].name, "metadata$file_row_number");
}

}  // namespace
}  // namespace floe::ingest
