// AgentConfig: `floe agent`'s configuration, in the Kinesis Agent's agent.json shape
// (checkpointFile, firehose.endpoint, flows with filePattern, deliveryStream,
// initialPosition, buffer limits, skipHeaderLines, multiLineStartPattern,
// truncatedRecordTerminator, dataProcessingOptions) and the Kinesis Agent's defaults.
// Layer: ingest.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace floe::ingest {

enum class InitialPosition { kStartOfFile, kEndOfFile };

struct ProcessingOption {
  std::string name;  // SINGLELINE, CSVTOJSON, LOGTOJSON
  std::vector<std::string> custom_field_names;
  std::string delimiter = ",";  // CSVTOJSON
  std::string log_format;       // LOGTOJSON: COMMONAPACHELOG, COMBINEDAPACHELOG, ...
  std::string match_pattern;    // LOGTOJSON: a regular expression with one group per field
};

struct AgentFlow {
  std::string file_pattern;
  std::string delivery_stream;
  InitialPosition initial_position = InitialPosition::kEndOfFile;
  int64_t max_buffer_age_ms = 60000;        // 1 s .. 15 min
  int64_t max_buffer_size_records = 500;    // 1 .. 500
  int64_t max_buffer_size_bytes = 4 << 20;  // 1 .. 4 MiB
  int64_t min_time_between_file_polls_ms = 100;
  int skip_header_lines = 0;
  std::string multi_line_start_pattern;  // "" = a record per line
  std::string truncated_record_terminator = "\n";
  std::vector<ProcessingOption> processing;

  // The key of the flow's checkpoint: pattern and stream.
  std::string id() const { return file_pattern + " -> " + delivery_stream; }
};

struct AgentConfig {
  std::string checkpoint_file = "./.floe-agent/checkpoints";
  std::string endpoint = "http://127.0.0.1:8765";  // firehose.endpoint
  int checkpoint_ttl_days = 7;
  int64_t shutdown_timeout_ms = 10000;
  std::vector<AgentFlow> flows;

  // Parses agent.json text; InvalidInputError naming the setting for bad values, unknown
  // processing options, kinesisStream flows (floe has delivery streams only).
  static AgentConfig parse(const std::string& text);
  static AgentConfig load(const std::string& path);
};

}  // namespace floe::ingest
