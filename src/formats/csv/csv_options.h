// CsvReadOptions / CsvWriteOptions: the dialect and behaviour knobs of floe's CSV reader
// and writer, and CsvError, the report of one bad row. Layer: formats (csv).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "columnar/data_type.h"
#include "formats/compressed_file.h"

namespace floe::formats {

// One row the reader could not load: where it is and why. `message` is the complete
// user-facing text ("path:line: column 'name' (3): ..."), the same text the reader throws
// as InvalidInputError when no error sink is set.
struct CsvError {
  std::string path;
  int64_t line = 0;          // 1-based line on which the row starts
  int column_index = 0;      // 1-based; 0 when the row as a whole is at fault
  std::string column_name;   // empty when column_index is 0
  std::string text;          // the offending field text (empty for row-level errors)
  std::string message;
};

// Receives each bad row; the row is then skipped. Called on the reading thread.
using CsvErrorSink = std::function<void(const CsvError&)>;

struct CsvReadOptions {
  // Unset: sniffed among , ; \t | from the first rows when sniff_dialect, else ','.
  std::optional<char> delimiter;
  char quote = '"';
  // Equal to `quote`: a quote inside a quoted field is written doubled (""). Another char
  // (often '\\') escapes the character after it inside quoted fields.
  char escape = '"';
  // Unset: sniffed (is the first row unlike the rest?) when sniff_dialect, else true.
  std::optional<bool> header;
  int64_t skip_rows = 0;  // physical lines skipped before the header (or the first row)
  // Unquoted fields equal to one of these are NULL; a quoted field is never NULL, so
  // `""` reads as the empty string while an empty unquoted field reads as NULL. Empty
  // fields are governed by empty_field_as_null alone (the "" entry restates its default).
  std::vector<std::string> null_if = {""};
  // An empty unquoted field is NULL; when false it is the empty string in string columns
  // (in other columns an empty field is always NULL).
  bool empty_field_as_null = true;
  bool trim_space = false;  // strip spaces (and tabs unless tab is the delimiter) around fields
  // A row with too many or too few fields is an error; when false, missing fields are
  // NULL and extra fields are ignored.
  bool error_on_column_count_mismatch = true;
  // Column names and types; skips inference. With a header row, the header is skipped
  // (its names are not checked); the field count must match the schema's.
  std::optional<columnar::Schema> schema;
  int64_t sample_rows = 20000;  // rows read ahead to infer types (and sniff the dialect)
  int64_t batch_rows = 65536;   // rows per Batch returned by next()
  bool sniff_dialect = true;
  StreamCompression compression = StreamCompression::kAuto;  // kAuto: from magic bytes
  // When set, a row with a bad value or a wrong field count is skipped and reported here
  // instead of throwing. Structural errors (an unterminated quote) are reported and end
  // the file.
  CsvErrorSink on_error;
};

struct CsvWriteOptions {
  char delimiter = ',';
  char quote = '"';
  bool header = true;
  // NULL is written as this text; a value whose text equals it (e.g. the empty string
  // when this is "") is quoted so that it reads back as a value.
  std::string null_string;
  // Compression: kAuto chooses gzip for a .gz path and zstd for .zst.
  StreamCompression compression = StreamCompression::kAuto;
};

}  // namespace floe::formats
