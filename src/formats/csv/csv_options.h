// CsvReadOptions / CsvWriteOptions: the dialect and behaviour knobs of floe's CSV reader
// and writer (Snowflake's CSV file format options map onto them), and CsvError, the report
// of one bad row. Layer: formats (csv).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "columnar/data_type.h"
#include "formats/compressed_file.h"
#include "formats/record_error.h"

namespace floe::formats {

// The report of one bad row; the same struct the NDJSON reader reports with.
using CsvError = RecordError;
using CsvErrorSink = RecordErrorSink;

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
  // A line holding nothing (after trim_space) is skipped. When false it is a row of one
  // empty field: a field-count error under error_on_column_count_mismatch when there is
  // more than one column, otherwise a row of NULLs (SKIP_BLANK_LINES).
  bool skip_blank_lines = true;
  // Outside quotes this char makes the next character data, so `a\,b` is the one field
  // `a,b` (ESCAPE_UNENCLOSED_FIELD, often '\\'). null_if is matched against the text as
  // written, so \N stays a NULL marker. Unset: no escape outside quotes.
  std::optional<char> escape_unenclosed;
  // When false the quote char is data like any other (FIELD_OPTIONALLY_ENCLOSED_BY=NONE).
  bool quoting = true;
  // A field that is not valid UTF-8 makes its row an error ("invalid UTF-8", naming the
  // column); with replace_invalid_utf8 each invalid sequence becomes U+FFFD instead.
  bool validate_utf8 = true;
  bool replace_invalid_utf8 = false;
  // The file's character encoding (UTF-8, ISO-8859-1/LATIN1, WINDOWS-1252, UTF-16,
  // UTF-16LE/BE, UTF-32, SHIFT_JIS, any name glibc's iconv knows); text is transcoded to
  // UTF-8 as it is read. An unknown name is an InvalidInputError naming it.
  std::string encoding = "UTF-8";
  // A record longer than this (line break excluded) is a bad row ("record longer than N
  // bytes"); reading resumes at the next record and memory stays bounded by about twice
  // this. It also bounds the rows read ahead for sniffing and inference.
  int64_t max_record_bytes = int64_t(16) << 20;
  // More than 1: an uncompressed local UTF-8 file larger than two parallel_range_bytes is
  // split into ranges of that size, parsed on this many threads. Rows come back in file
  // order and errors are reported exactly once, in file order, with the same lines as a
  // sequential read; batches end at range ends, so they may hold fewer than batch_rows.
  int threads = 1;
  int64_t parallel_range_bytes = int64_t(8) << 20;
  // When set, a row with a bad value, a wrong field count, invalid UTF-8 or an over-long
  // record is skipped and reported here instead of throwing. Structural errors (a quote
  // left open at the end of the file, a truncated gzip/zstd stream) are reported and end
  // the file; rows before them are still returned. Always called on the thread that
  // called CsvReader::next() (parallel parsing collects a range's errors and reports them
  // as its rows are returned), so calls never overlap.
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
