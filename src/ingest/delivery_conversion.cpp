#include "ingest/delivery_conversion.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "formats/json/ndjson_reader.h"

namespace floe::ingest {

using Json = nlohmann::json;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return s;
}

// The NDJSON reader's message is "<path>:<line>: <reason>"; the line and the reason.
bool split_reader_error(const std::string& message, const std::string& path, size_t* line,
                        std::string* reason) {
  if (message.rfind(path + ":", 0) != 0) return false;
  size_t p = path.size() + 1;
  size_t end = p;
  while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) ++end;
  if (end == p) return false;
  *line = std::stoull(message.substr(p, end - p));
  *reason = message.substr(std::min(message.size(), end + 2));
  return true;
}

void write_lines(const std::string& path, const std::vector<std::string>& lines, size_t from,
                 size_t to) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw IoError(fmt::format("{}: cannot create the conversion scratch file", path));
  for (size_t i = from; i < to; ++i) {
    std::fwrite(lines[i].data(), 1, lines[i].size(), f);
    std::fputc('\n', f);
  }
  if (std::fclose(f) != 0) throw IoError(fmt::format("{}: cannot write", path));
}

void read_all(const std::string& path, const columnar::Schema& schema,
              std::vector<columnar::Batch>* out, int64_t* rows) {
  formats::NdjsonReadOptions options;
  options.schema = schema;
  options.compression = formats::StreamCompression::kNone;
  formats::NdjsonReader reader(path, options);
  columnar::Batch b;
  while (reader.next(b)) {
    *rows += b.num_rows();
    out->push_back(std::move(b));
    b = columnar::Batch();
  }
}

}  // namespace

ConversionResult convert_json_records(const std::vector<DeliveryRecord>& records,
                                      const columnar::Schema& schema,
                                      const std::string& scratch_path) {
  ConversionResult result;
  std::map<std::string, std::string> by_lower;
  for (const auto& f : schema.fields) by_lower.emplace(lower(f.name), f.name);

  // One line per record that parses as an object, keys renamed to the columns' spelling.
  std::vector<std::string> lines;
  std::vector<size_t> origin;  // record index of each line
  lines.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    std::string_view text = trim(records[i].data);
    Json value;
    try {
      value = Json::parse(text);
    } catch (const Json::exception& e) {
      result.failures.push_back(
          {i, "DataFormatConversion.MalformedData", fmt::format("invalid JSON: {}", e.what())});
      continue;
    }
    if (!value.is_object()) {
      result.failures.push_back(
          {i, "DataFormatConversion.MalformedData",
           fmt::format("expected a JSON object, found {}", std::string(value.type_name()))});
      continue;
    }
    bool renamed = false;
    Json fixed = Json::object();
    for (auto& [k, v] : value.items()) {
      if (schema.find(k) < 0) {
        auto it = by_lower.find(lower(k));
        if (it != by_lower.end()) {
          fixed[it->second] = std::move(v);
          renamed = true;
          continue;
        }
      }
      fixed[k] = std::move(v);
    }
    if (renamed || text.find('\n') != std::string_view::npos)
      lines.push_back(fixed.dump());
    else
      lines.emplace_back(text);
    origin.push_back(i);
  }

  // Read the lines; a line the reader refuses fails alone: the lines before it are read
  // again on their own (they were fine), and reading goes on after it.
  size_t start = 0;
  while (start < lines.size()) {
    write_lines(scratch_path, lines, start, lines.size());
    std::vector<columnar::Batch> batches;
    int64_t rows = 0;
    try {
      read_all(scratch_path, schema, &batches, &rows);
      for (auto& b : batches) result.batches.push_back(std::move(b));
      result.rows += rows;
      break;
    } catch (const InvalidInputError& e) {
      size_t line = 0;
      std::string reason;
      if (!split_reader_error(e.what(), scratch_path, &line, &reason) || line == 0 ||
          start + line > lines.size())
        throw;
      size_t bad = start + line - 1;
      if (bad > start) {
        write_lines(scratch_path, lines, start, bad);
        batches.clear();
        rows = 0;
        read_all(scratch_path, schema, &batches, &rows);
        for (auto& b : batches) result.batches.push_back(std::move(b));
        result.rows += rows;
      }
      result.failures.push_back({origin[bad], "DataFormatConversion.InvalidValue", reason});
      start = bad + 1;
    }
  }
  std::error_code ec;
  std::filesystem::remove(scratch_path, ec);
  std::sort(result.failures.begin(), result.failures.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  return result;
}

}  // namespace floe::ingest
