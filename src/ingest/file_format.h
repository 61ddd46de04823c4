// FileFormat: a stage's or COPY's FILE_FORMAT, checked and typed from Snowflake's options
// (TYPE = CSV | JSON | PARQUET with their options and defaults), and the reader options it
// gives. Layer: ingest. Unknown options, and options that do not belong to the type, are
// errors naming them; options floe accepts but does not act on are listed in docs/ingestion.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "formats/csv/csv_options.h"
#include "formats/compressed_file.h"
#include "ingest/option_value.h"

namespace floe::ingest {

enum class FileType { kCsv, kJson, kParquet };

struct FileFormat {
  FileType type = FileType::kCsv;
  formats::StreamCompression compression = formats::StreamCompression::kAuto;
  // CSV
  char field_delimiter = ',';
  std::string record_delimiter = "\n";
  int64_t skip_header = 0;
  bool parse_header = false;
  std::optional<char> enclosed_by;           // FIELD_OPTIONALLY_ENCLOSED_BY; unset = NONE
  std::optional<char> escape;                // ESCAPE (inside enclosed fields)
  std::optional<char> escape_unenclosed = '\\';  // ESCAPE_UNENCLOSED_FIELD
  std::vector<std::string> null_if = {"\\N"};
  bool empty_field_as_null = true;
  bool error_on_column_count_mismatch = true;
  bool trim_space = false;
  bool skip_blank_lines = false;
  std::string encoding = "UTF8";
  bool replace_invalid_characters = false;
  std::string date_format = "AUTO";
  std::string time_format = "AUTO";
  std::string timestamp_format = "AUTO";
  // JSON
  bool strip_outer_array = false;
  bool allow_duplicate = false;
  bool strip_null_values = false;
  // Parquet
  bool binary_as_text = true;

  // Options applied over `base` (FORMAT_NAME's format, or the defaults). Throws
  // InvalidInputError naming an unknown option or a bad value.
  static FileFormat from_options(const OptionList& options, const FileFormat& base);
  static FileFormat from_options(const OptionList& options) { return from_options(options, FileFormat{}); }

  // Reader options for a file read with this format (the schema is the caller's).
  formats::CsvReadOptions csv_options() const;
};

const char* file_type_name(FileType t);

// The FILE_FORMAT option keys (upper case) that are format options, for telling them
// apart from COPY options in a stage definition or a COPY statement.
bool is_file_format_option(const std::string& key);

}  // namespace floe::ingest
