#include "ingest/agent_record_processing.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <nlohmann/json.hpp>

#include "base/error.h"

namespace floe::ingest {

using Json = nlohmann::json;

namespace {

std::string_view strip_line_break(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string to_line(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

class SingleLine final : public RecordConverter {
 public:
  // Each line trimmed of surrounding whitespace, joined without separators.
  std::optional<std::string> convert(std::string_view record) const override {
    std::string out;
    size_t pos = 0;
    while (pos <= record.size()) {
      size_t nl = record.find('\n', pos);
      if (nl == std::string_view::npos) nl = record.size();
      std::string_view line = record.substr(pos, nl - pos);
      while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())))
        line.remove_prefix(1);
      while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
        line.remove_suffix(1);
      out.append(line);
      pos = nl + 1;
    }
    return out + "\n";
  }
};

class CsvToJson final : public RecordConverter {
 public:
  CsvToJson(std::vector<std::string> names, char delimiter)
      : names_(std::move(names)), delimiter_(delimiter) {}
  std::optional<std::string> convert(std::string_view record) const override {
    auto fields = split_csv_line(strip_line_break(record), delimiter_);
    if (!fields) return std::nullopt;
    Json j = Json::object();
    for (size_t i = 0; i < names_.size(); ++i)
      j[names_[i]] = i < fields->size() ? Json((*fields)[i]) : Json(nullptr);
    return to_line(j);
  }

 private:
  std::vector<std::string> names_;
  char delimiter_;
};

class LogToJson final : public RecordConverter {
 public:
  LogToJson(const std::string& pattern, std::vector<std::string> names)
      : re_(pattern), names_(std::move(names)) {
    if (!re_.ok())
      throw InvalidInputError(fmt::format("LOGTOJSON: bad pattern '{}': {}", pattern, re_.error()));
    if (re_.NumberOfCapturingGroups() < int(names_.size()))
      throw InvalidInputError(fmt::format("LOGTOJSON: the pattern has {} groups for {} field names",
                                          re_.NumberOfCapturingGroups(), names_.size()));
  }
  std::optional<std::string> convert(std::string_view record) const override {
    std::string_view line = strip_line_break(record);
    int n = re_.NumberOfCapturingGroups();
    std::vector<re2::StringPiece> groups(size_t(n) + 1);
    if (!re_.Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::ANCHOR_BOTH,
                   groups.data(), n + 1))
      return std::nullopt;
    Json j = Json::object();
    for (size_t i = 0; i < names_.size(); ++i) {
      const re2::StringPiece& g = groups[i + 1];
      if (g.data() == nullptr || g == "-")
        j[names_[i]] = nullptr;
      else
        j[names_[i]] = std::string(g.data(), g.size());
    }
    return to_line(j);
  }

 private:
  RE2 re_;
  std::vector<std::string> names_;
};

struct LogFormat {
  const char* name;
  const char* pattern;
  std::vector<std::string> fields;
};

const std::vector<LogFormat>& log_formats() {
  static const std::vector<LogFormat> formats = {
      {"COMMONAPACHELOG",
       R"re(^(\S+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-)$)re",
       {"host", "ident", "authuser", "datetime", "request", "response", "bytes"}},
      {"COMBINEDAPACHELOG",
       R"re(^(\S+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$)re",
       {"host", "ident", "authuser", "datetime", "request", "response", "bytes", "referer",
        "agent"}},
      {"APACHEERRORLOG",
       R"re(^\[([^\]]+)\] \[(?:([^:\]]+):)?([^\]]+)\](?: \[pid (\d+)(?::tid (\d+))?\])?(?: \[client ([^\]]+)\])? (.*)$)re",
       {"timestamp", "module", "severity", "processid", "threadid", "client", "message"}},
      {"SYSLOG",
       R"re(^(\w{3} [ \d]\d \d{2}:\d{2}:\d{2}) (\S+) ([^:\[\s]+)(?:\[(\d+)\])?: (.*)$)re",
       {"timestamp", "hostname", "program", "processid", "message"}},
  };
  return formats;
}

}  // namespace

std::optional<std::vector<std::string>> split_csv_line(std::string_view line, char delimiter) {
  std::vector<std::string> out;
  std::string field;
  size_t i = 0;
  bool quoted = false;
  bool field_started_quoted = false;
  while (i < line.size()) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      ++i;
      continue;
    }
    if (c == '"' && field.empty() && !field_started_quoted) {
      quoted = true;
      field_started_quoted = true;
    } else if (c == delimiter) {
      out.push_back(std::move(field));
      field.clear();
      field_started_quoted = false;
    } else {
      field += c;
    }
    ++i;
  }
  if (quoted) return std::nullopt;
  out.push_back(std::move(field));
  return out;
}

std::unique_ptr<RecordConverter> make_record_converter(const ProcessingOption& option) {
  if (option.name == "SINGLELINE") return std::make_unique<SingleLine>();
  if (option.name == "CSVTOJSON") {
    if (option.custom_field_names.empty())
      throw InvalidInputError("CSVTOJSON needs customFieldNames");
    if (option.delimiter.size() != 1)
      throw InvalidInputError(
          fmt::format("CSVTOJSON: delimiter '{}' must be one character", option.delimiter));
    return std::make_unique<CsvToJson>(option.custom_field_names, option.delimiter[0]);
  }
  if (option.name == "LOGTOJSON") {
    if (!option.match_pattern.empty()) {
      if (option.custom_field_names.empty())
        throw InvalidInputError("LOGTOJSON: matchPattern needs customFieldNames");
      return std::make_unique<LogToJson>(option.match_pattern, option.custom_field_names);
    }
    for (const auto& f : log_formats()) {
      if (option.log_format == f.name)
        return std::make_unique<LogToJson>(
            f.pattern, option.custom_field_names.empty() ? f.fields : option.custom_field_names);
    }
    throw InvalidInputError(
        fmt::format("LOGTOJSON: logFormat '{}' (expected COMMONAPACHELOG, COMBINEDAPACHELOG, "
                    "APACHEERRORLOG or SYSLOG)",
                    option.log_format));
  }
  throw InvalidInputError(fmt::format(
      "unknown dataProcessingOptions optionName '{}' (expected SINGLELINE, CSVTOJSON or "
      "LOGTOJSON)",
      option.name));
}

std::optional<std::string> process_record(
    const std::vector<std::unique_ptr<RecordConverter>>& converters, std::string_view record) {
  if (converters.empty()) return std::string(record);
  std::optional<std::string> current = std::string(record);
  for (const auto& c : converters) {
    current = c->convert(*current);
    if (!current) return std::nullopt;
  }
  return current;
}

}  // namespace floe::ingest
