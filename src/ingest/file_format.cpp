// FileFormat: Snowflake's file format options, checked and typed. Layer: ingest.
#include "ingest/file_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "base/error.h"

namespace floe::ingest {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A single character option; NONE (or '') means none. Accepts escapes written as in
// Snowflake: '\t', '\\', '\001' style octal, and 0x09 style hex.
std::optional<char> option_char(const NamedOption& o) {
  std::string t = option_string(o);
  if (o.value.kind == OptionValue::Kind::kWord && upper(t) == "NONE") return std::nullopt;
  if (t.empty()) return std::nullopt;
  if (t.size() == 1) return t[0];
  if (t == "\\t") return '\t';
  if (t == "\\n") return '\n';
  if (t == "\\r") return '\r';
  if (t == "\\\\") return '\\';
  if (t == "\\'") return '\'';
  if (t == "\\\"") return '"';
  if (t.size() == 4 && t[0] == '\\' && std::all_of(t.begin() + 1, t.end(), [](char c) { return c >= '0' && c <= '7'; }))
    return static_cast<char>(std::stoi(t.substr(1), nullptr, 8));
  if (t.size() > 2 && (t.substr(0, 2) == "0x" || t.substr(0, 2) == "0X"))
    return static_cast<char>(std::stoi(t.substr(2), nullptr, 16));
  throw InvalidInputError(fmt::format(
      "option {} takes one character (or NONE); '{}' is longer (multi-character delimiters are not supported)",
      o.key, t));
}

formats::StreamCompression compression_of(const NamedOption& o) {
  std::string t = upper(option_string(o));
  if (t == "AUTO") return formats::StreamCompression::kAuto;
  if (t == "NONE") return formats::StreamCompression::kNone;
  if (t == "GZIP") return formats::StreamCompression::kGzip;
  if (t == "ZSTD") return formats::StreamCompression::kZstd;
  if (t == "SNAPPY" || t == "LZO")  // Parquet codecs: the reader detects them per column chunk
    return formats::StreamCompression::kAuto;
  throw InvalidInputError(fmt::format(
      "COMPRESSION = {} is not supported (AUTO, GZIP, ZSTD or NONE; BZ2, BROTLI, DEFLATE and RAW_DEFLATE are not)", t));
}

const std::set<std::string>& csv_options_set() {
  static const std::set<std::string> s = {
      "FIELD_DELIMITER", "RECORD_DELIMITER", "SKIP_HEADER", "PARSE_HEADER",
      "FIELD_OPTIONALLY_ENCLOSED_BY", "ESCAPE", "ESCAPE_UNENCLOSED_FIELD", "NULL_IF",
      "EMPTY_FIELD_AS_NULL", "ERROR_ON_COLUMN_COUNT_MISMATCH", "TRIM_SPACE", "SKIP_BLANK_LINES",
      "ENCODING", "REPLACE_INVALID_CHARACTERS", "DATE_FORMAT", "TIME_FORMAT", "TIMESTAMP_FORMAT",
      "VALIDATE_UTF8", "SKIP_BYTE_ORDER_MARK", "BINARY_FORMAT", "FILE_EXTENSION"};
  return s;
}
const std::set<std::string>& json_options_set() {
  static const std::set<std::string> s = {
      "STRIP_OUTER_ARRAY", "ALLOW_DUPLICATE", "STRIP_NULL_VALUES", "DATE_FORMAT", "TIME_FORMAT",
      "TIMESTAMP_FORMAT", "ENCODING", "REPLACE_INVALID_CHARACTERS", "IGNORE_UTF8_ERRORS",
      "SKIP_BYTE_ORDER_MARK", "ENABLE_OCTAL", "NULL_IF", "TRIM_SPACE", "FILE_EXTENSION",
      "BINARY_FORMAT"};
  return s;
}
const std::set<std::string>& parquet_options_set() {
  static const std::set<std::string> s = {"BINARY_AS_TEXT", "NULL_IF", "TRIM_SPACE",
                                          "REPLACE_INVALID_CHARACTERS", "USE_LOGICAL_TYPE",
                                          "USE_VECTORIZED_SCANNER"};
  return s;
}

}  // namespace

const char* file_type_name(FileType t) {
  switch (t) {
    case FileType::kCsv: return "CSV";
    case FileType::kJson: return "JSON";
    case FileType::kParquet: return "PARQUET";
  }
  return "?";
}

bool is_file_format_option(const std::string& key) {
  return key == "TYPE" || key == "COMPRESSION" || key == "FORMAT_NAME" ||
         csv_options_set().count(key) || json_options_set().count(key) ||
         parquet_options_set().count(key);
}

FileFormat FileFormat::from_options(const OptionList& options, const FileFormat& base) {
  FileFormat f = base;
  for (const auto& o : options) {
    if (o.key != "TYPE") continue;
    std::string t = upper(option_string(o));
    if (t == "CSV") f.type = FileType::kCsv;
    else if (t == "JSON") f.type = FileType::kJson;
    else if (t == "PARQUET") f.type = FileType::kParquet;
    else
      throw UnsupportedError(fmt::format("file format TYPE = {} is not supported (CSV, JSON or PARQUET)", t));
  }
  const auto& allowed = f.type == FileType::kCsv    ? csv_options_set()
                        : f.type == FileType::kJson ? json_options_set()
                                                    : parquet_options_set();
  for (const auto& o : options) {
    const std::string& k = o.key;
    if (k == "TYPE" || k == "FORMAT_NAME") continue;
    if (k == "COMPRESSION") {
      f.compression = compression_of(o);
      continue;
    }
    if (!allowed.count(k)) {
      if (is_file_format_option(k))
        throw InvalidInputError(fmt::format("file format option {} does not apply to TYPE = {}", k, file_type_name(f.type)));
      throw InvalidInputError(fmt::format("unknown file format option {}", k));
    }
    if (k == "FIELD_DELIMITER") {
      auto c = option_char(o);
      if (!c) throw InvalidInputError("FIELD_DELIMITER = NONE is not supported");
      f.field_delimiter = *c;
    } else if (k == "RECORD_DELIMITER") {
      auto c = option_char(o);
      if (c && *c != '\n' && *c != '\r')
        throw UnsupportedError("RECORD_DELIMITER other than a newline is not supported");
    } else if (k == "SKIP_HEADER") {
      f.skip_header = option_integer(o);
      if (f.skip_header < 0) throw InvalidInputError("SKIP_HEADER must not be negative");
    } else if (k == "PARSE_HEADER") {
      f.parse_header = option_bool(o);
    } else if (k == "FIELD_OPTIONALLY_ENCLOSED_BY") {
      f.enclosed_by = option_char(o);
    } else if (k == "ESCAPE") {
      f.escape = option_char(o);
    } else if (k == "ESCAPE_UNENCLOSED_FIELD") {
      f.escape_unenclosed = option_char(o);
    } else if (k == "NULL_IF") {
      f.null_if = option_strings(o);
      for (auto& s : f.null_if)
        if (s == "\\\\N") s = "\\N";
    } else if (k == "EMPTY_FIELD_AS_NULL") {
      f.empty_field_as_null = option_bool(o);
    } else if (k == "ERROR_ON_COLUMN_COUNT_MISMATCH") {
      f.error_on_column_count_mismatch = option_bool(o);
    } else if (k == "TRIM_SPACE") {
      f.trim_space = option_bool(o);
    } else if (k == "SKIP_BLANK_LINES") {
      f.skip_blank_lines = option_bool(o);
    } else if (k == "ENCODING") {
      f.encoding = upper(option_string(o));
    } else if (k == "REPLACE_INVALID_CHARACTERS") {
      f.replace_invalid_characters = option_bool(o);
    } else if (k == "DATE_FORMAT") {
      f.date_format = option_string(o);
    } else if (k == "TIME_FORMAT") {
      f.time_format = option_string(o);
    } else if (k == "TIMESTAMP_FORMAT") {
      f.timestamp_format = option_string(o);
    } else if (k == "STRIP_OUTER_ARRAY") {
      f.strip_outer_array = option_bool(o);
    } else if (k == "ALLOW_DUPLICATE") {
      f.allow_duplicate = option_bool(o);
    } else if (k == "STRIP_NULL_VALUES") {
      f.strip_null_values = option_bool(o);
    } else if (k == "BINARY_AS_TEXT") {
      f.binary_as_text = option_bool(o);
    } else if (k == "VALIDATE_UTF8" || k == "SKIP_BYTE_ORDER_MARK") {
      if (!option_bool(o)) throw UnsupportedError(fmt::format("{} = FALSE is not supported", k));
    } else if (k == "BINARY_FORMAT") {
      if (upper(option_string(o)) != "HEX")
        throw UnsupportedError("BINARY_FORMAT other than HEX is not supported");
    }
    // FILE_EXTENSION (unloading), ENABLE_OCTAL, IGNORE_UTF8_ERRORS, USE_LOGICAL_TYPE and
    // USE_VECTORIZED_SCANNER are accepted and change nothing (see docs/ingestion.md).
  }
  if (f.parse_header && f.skip_header > 0)
    throw InvalidInputError("PARSE_HEADER = TRUE cannot be combined with SKIP_HEADER");
  return f;
}

}  // namespace floe::ingest

namespace floe::ingest {

formats::CsvReadOptions FileFormat::csv_options() const {
  formats::CsvReadOptions o;
  o.delimiter = field_delimiter;
  // FIELD_OPTIONALLY_ENCLOSED_BY = NONE (the default): quotes are ordinary characters.
  o.quoting = enclosed_by.has_value();
  o.quote = enclosed_by.value_or('"');
  o.escape = escape.value_or(o.quote);
  o.escape_unenclosed = escape_unenclosed;
  o.skip_blank_lines = skip_blank_lines;
  o.encoding = encoding == "UTF8" ? "UTF-8" : encoding;
  o.replace_invalid_utf8 = replace_invalid_characters;
  o.header = parse_header;
  o.skip_rows = skip_header;
  o.null_if = null_if;
  o.empty_field_as_null = empty_field_as_null;
  o.trim_space = trim_space;
  o.error_on_column_count_mismatch = error_on_column_count_mismatch;
  o.sniff_dialect = false;
  o.compression = compression;
  return o;
}

}  // namespace floe::ingest
