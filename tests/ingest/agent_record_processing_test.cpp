// The agent's configuration (the Kinesis Agent's shape and defaults) and its
// dataProcessingOptions: SINGLELINE, CSVTOJSON with RFC 4180 quoting, LOGTOJSON formats.
#include "ingest/agent_record_processing.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "ingest/agent_config.h"

namespace floe::ingest {
namespace {

using Json = nlohmann::json;

std::unique_ptr<RecordConverter> converter(const std::string& json) {
  AgentConfig c = AgentConfig::parse(
      R"j({"flows":[{"filePattern":"/x/*.log","deliveryStream":"s","dataProcessingOptions":[)j" +
      json + "]}]}");
  return make_record_converter(c.flows[0].processing[0]);
}

Json convert(const RecordConverter& c, const std::string& line) {
  auto out = c.convert(line);
  EXPECT_TRUE(out.has_value()) << line;
  if (!out) return nullptr;
  EXPECT_EQ(out->back(), '\n');
  return Json::parse(*out);
}

TEST(AgentConfig, KinesisAgentDefaults) {
  AgentConfig c = AgentConfig::parse(
      R"j({"firehose.endpoint":"http://127.0.0.1:9000/","flows":[{"filePattern":"/var/log/app/*.log","deliveryStream":"raw.orders"}]})j");
  EXPECT_EQ(c.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(c.checkpoint_file, "./.floe-agent/checkpoints");
  ASSERT_EQ(c.flows.size(), 1u);
  const AgentFlow& f = c.flows[0];
  EXPECT_EQ(f.initial_position, InitialPosition::kEndOfFile);
  EXPECT_EQ(f.max_buffer_age_ms, 60000);
  EXPECT_EQ(f.max_buffer_size_records, 500);
  EXPECT_EQ(f.max_buffer_size_bytes, 4 << 20);
  EXPECT_EQ(f.skip_header_lines, 0);
  EXPECT_EQ(f.truncated_record_terminator, "\n");
  EXPECT_THROW(
      AgentConfig::parse(
          R"j({"flows":[{"filePattern":"a","deliveryStream":"s","maxBufferSizeRecords":501}]})j"),
      InvalidInputError);
  EXPECT_THROW(AgentConfig::parse(R"j({"flows":[{"filePattern":"a","kinesisStream":"k"}]})j"),
               InvalidInputError);
  EXPECT_THROW(
      AgentConfig::parse(
          R"j({"flows":[{"filePattern":"a","deliveryStream":"s","initialPosition":"MIDDLE"}]})j"),
      InvalidInputError);
}

TEST(AgentRecordProcessing, CsvToJsonWithQuoting) {
  auto c = converter(R"j({"optionName":"CSVTOJSON","customFieldNames":["id","name","note"]})j");
  Json j = convert(*c, "1,\"Smith, J\",\"said \"\"hi\"\"\"\n");
  EXPECT_EQ(j["id"], "1");
  EXPECT_EQ(j["name"], "Smith, J");
  EXPECT_EQ(j["note"], "said \"hi\"");
  Json short_row = convert(*c, "2,b\r\n");  // missing fields are null
  EXPECT_EQ(short_row["name"], "b");
  EXPECT_TRUE(short_row["note"].is_null());
  EXPECT_FALSE(c->convert("3,\"unterminated\n").has_value());
  auto tabs =
      converter(R"j({"optionName":"CSVTOJSON","customFieldNames":["a","b"],"delimiter":"\t"})j");
  EXPECT_EQ(convert(*tabs, "x\ty\n")["b"], "y");
  EXPECT_THROW(converter(R"j({"optionName":"CSVTOJSON"})j"), InvalidInputError);
}

TEST(AgentRecordProcessing, SplitCsvLine) {
  auto f = split_csv_line("a,,\"\",\"x,y\"", ',');
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(*f, (std::vector<std::string>{"a", "", "", "x,y"}));
}

TEST(AgentRecordProcessing, LogToJsonApacheFormats) {
  auto common = converter(R"j({"optionName":"LOGTOJSON","logFormat":"COMMONAPACHELOG"})j");
  Json j = convert(
      *common,
      "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326\n");
  EXPECT_EQ(j["host"], "127.0.0.1");
  EXPECT_TRUE(j["ident"].is_null());  // "-" becomes null
  EXPECT_EQ(j["authuser"], "frank");
  EXPECT_EQ(j["datetime"], "10/Oct/2000:13:55:36 -0700");
  EXPECT_EQ(j["request"], "GET /apache_pb.gif HTTP/1.0");
  EXPECT_EQ(j["response"], "200");
  EXPECT_EQ(j["bytes"], "2326");
  EXPECT_FALSE(common->convert("not a log line\n").has_value());

  auto combined = converter(R"j({"optionName":"LOGTOJSON","logFormat":"COMBINEDAPACHELOG"})j");
  Json k = convert(*combined,
                   "10.0.0.2 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 304 - "
                   "\"http://example.com/start\" \"Mozilla/5.0 (X11)\"\n");
  EXPECT_TRUE(k["bytes"].is_null());
  EXPECT_EQ(k["referer"], "http://example.com/start");
  EXPECT_EQ(k["agent"], "Mozilla/5.0 (X11)");

  auto error_log = converter(R"j({"optionName":"LOGTOJSON","logFormat":"APACHEERRORLOG"})j");
  Json e =
      convert(*error_log,
              "[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid 4328636416] "
              "[client 72.15.99.187] File does not exist: /usr/local/apache2/htdocs/favicon.ico\n");
  EXPECT_EQ(e["module"], "core");
  EXPECT_EQ(e["severity"], "error");
  EXPECT_EQ(e["processid"], "35708");
  EXPECT_EQ(e["client"], "72.15.99.187");
  EXPECT_EQ(e["message"], "File does not exist: /usr/local/apache2/htdocs/favicon.ico");
}

TEST(AgentRecordProcessing, LogToJsonSyslogAndCustomPattern) {
  auto syslog = converter(R"j({"optionName":"LOGTOJSON","logFormat":"SYSLOG"})j");
  Json s = convert(*syslog, "Mar  5 07:08:09 web-1 sshd[4242]: Accepted publickey for ops\n");
  EXPECT_EQ(s["timestamp"], "Mar  5 07:08:09");
  EXPECT_EQ(s["hostname"], "web-1");
  EXPECT_EQ(s["program"], "sshd");
  EXPECT_EQ(s["processid"], "4242");
  EXPECT_EQ(s["message"], "Accepted publickey for ops");

  auto custom = converter(
      R"j({"optionName":"LOGTOJSON","logFormat":"COMMONAPACHELOG","matchPattern":"^(\\w+)=(\\d+)$","customFieldNames":["key","value"]})j");
  Json c = convert(*custom, "retries=3\n");
  EXPECT_EQ(c["key"], "retries");
  EXPECT_EQ(c["value"], "3");
  EXPECT_THROW(converter(R"j({"optionName":"LOGTOJSON","matchPattern":"(a)"})j"),
               InvalidInputError);
  EXPECT_THROW(converter(R"j({"optionName":"LOGTOJSON","logFormat":"NGINX"})j"), InvalidInputError);
  EXPECT_THROW(converter(R"j({"optionName":"UPPERCASE"})j"), InvalidInputError);
}

TEST(AgentRecordProcessing, SingleLineAndChains) {
  auto single = converter(R"j({"optionName":"SINGLELINE"})j");
  EXPECT_EQ(*single->convert("{\n  \"a\": 1,\n  \"b\": 2\n}\n"), "{\"a\": 1,\"b\": 2}\n");
  AgentConfig c = AgentConfig::parse(
      R"j({"flows":[{"filePattern":"a","deliveryStream":"s","dataProcessingOptions":[{"optionName":"SINGLELINE"},{"optionName":"CSVTOJSON","customFieldNames":["x","y"]}]}]})j");
  std::vector<std::unique_ptr<RecordConverter>> chain;
  for (const auto& o : c.flows[0].processing) chain.push_back(make_record_converter(o));
  auto out = process_record(chain, "1,\n  2\n");
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(Json::parse(*out)["y"], "2");
}

}  // namespace
}  // namespace floe::ingest
