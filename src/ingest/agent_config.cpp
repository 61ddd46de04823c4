#include "ingest/agent_config.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/error.h"

namespace floe::ingest {

using Json = nlohmann::json;

namespace {

int64_t ranged(const Json& flow, const char* key, int64_t fallback, int64_t lo, int64_t hi) {
  if (!flow.contains(key)) return fallback;
  const Json& v = flow[key];
  if (!v.is_number_integer())
    throw InvalidInputError(fmt::format("agent config: {} must be an integer", key));
  int64_t n = v.get<int64_t>();
  if (n < lo || n > hi)
    throw InvalidInputError(fmt::format("agent config: {} = {} is outside {}..{}", key, n, lo, hi));
  return n;
}

std::string text(const Json& j, const char* key, const std::string& fallback) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_string())
    throw InvalidInputError(fmt::format("agent config: {} must be a string", key));
  return j[key].get<std::string>();
}

}  // namespace

AgentConfig AgentConfig::parse(const std::string& body) {
  Json j;
  try {
    j = Json::parse(body);
  } catch (const Json::exception& e) {
    throw InvalidInputError(fmt::format("agent config: not JSON: {}", e.what()));
  }
  if (!j.is_object()) throw InvalidInputError("agent config: expected a JSON object");
  AgentConfig c;
  c.checkpoint_file = text(j, "checkpointFile", c.checkpoint_file);
  c.endpoint = text(j, "firehose.endpoint", c.endpoint);
  if (c.endpoint.find("://") == std::string::npos) c.endpoint = "https://" + c.endpoint;
  while (!c.endpoint.empty() && c.endpoint.back() == '/') c.endpoint.pop_back();
  c.checkpoint_ttl_days = int(ranged(j, "checkpointTimeToLiveDays", 7, 1, 3650));
  c.shutdown_timeout_ms = ranged(j, "shutdownTimeoutMillis", 10000, 0, 3600000);
  if (!j.contains("flows") || !j["flows"].is_array() || j["flows"].empty())
    throw InvalidInputError("agent config: flows must be a non-empty list");
  for (const Json& f : j["flows"]) {
    if (!f.is_object()) throw InvalidInputError("agent config: each flow must be an object");
    AgentFlow flow;
    flow.file_pattern = text(f, "filePattern", "");
    if (flow.file_pattern.empty())
      throw InvalidInputError("agent config: a flow needs filePattern");
    if (f.contains("kinesisStream"))
      throw InvalidInputError(fmt::format(
          "agent config: flow {}: kinesisStream is not supported; floe has delivery streams "
          "(deliveryStream)",
          flow.file_pattern));
    flow.delivery_stream = text(f, "deliveryStream", "");
    if (flow.delivery_stream.empty())
      throw InvalidInputError(
          fmt::format("agent config: flow {} needs deliveryStream", flow.file_pattern));
    std::string pos = text(f, "initialPosition", "END_OF_FILE");
    if (pos == "START_OF_FILE")
      flow.initial_position = InitialPosition::kStartOfFile;
    else if (pos == "END_OF_FILE")
      flow.initial_position = InitialPosition::kEndOfFile;
    else
      throw InvalidInputError(fmt::format(
          "agent config: initialPosition '{}' (expected START_OF_FILE or END_OF_FILE)", pos));
    flow.max_buffer_age_ms = ranged(f, "maxBufferAgeMillis", 60000, 1000, 900000);
    flow.max_buffer_size_records = ranged(f, "maxBufferSizeRecords", 500, 1, 500);
    flow.max_buffer_size_bytes = ranged(f, "maxBufferSizeBytes", 4 << 20, 1, 4 << 20);
    flow.min_time_between_file_polls_ms = ranged(f, "minTimeBetweenFilePollsMillis", 100, 1, 60000);
    flow.skip_header_lines = int(ranged(f, "skipHeaderLines", 0, 0, 1000000));
    flow.multi_line_start_pattern = text(f, "multiLineStartPattern", "");
    flow.truncated_record_terminator = text(f, "truncatedRecordTerminator", "\n");
    if (f.contains("dataProcessingOptions")) {
      if (!f["dataProcessingOptions"].is_array())
        throw InvalidInputError("agent config: dataProcessingOptions must be a list");
      for (const Json& o : f["dataProcessingOptions"]) {
        ProcessingOption p;
        p.name = text(o, "optionName", "");
        if (o.contains("customFieldNames")) {
          if (!o["customFieldNames"].is_array())
            throw InvalidInputError("agent config: customFieldNames must be a list of strings");
          for (const Json& n : o["customFieldNames"]) {
            if (!n.is_string())
              throw InvalidInputError("agent config: customFieldNames must be a list of strings");
            p.custom_field_names.push_back(n.get<std::string>());
          }
        }
        p.delimiter = text(o, "delimiter", ",");
        p.log_format = text(o, "logFormat", "");
        p.match_pattern = text(o, "matchPattern", "");
        flow.processing.push_back(std::move(p));
      }
    }
    c.flows.push_back(std::move(flow));
  }
  return c;
}

AgentConfig AgentConfig::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(fmt::format("{}: cannot read the agent config", path));
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return parse(ss.str());
  } catch (const InvalidInputError& e) {
    throw InvalidInputError(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace floe::ingest
