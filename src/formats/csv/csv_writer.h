// CsvWriter: writes Batches as delimited text (RFC 4180 quoting, only where needed),
// gzip- or zstd-compressed when the path ends in .gz / .zst. Layer: formats (csv).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "columnar/batch.h"
#include "formats/compressed_file.h"
#include "formats/csv/csv_options.h"

namespace floe::formats {

// Values are written in their plain text form (columnar/value_text.h; nested values as
// JSON); a field is quoted when it holds the delimiter, the quote, a line break, or text
// equal to null_string (so "" stays distinct from NULL). Rows end with '\n'.
// Throws IoError on write failure. Not thread-safe.
class CsvWriter {
 public:
  // Creates (truncates) the file and writes the header row when options.header.
  CsvWriter(std::string path, const columnar::Schema& schema, CsvWriteOptions options = {});
  ~CsvWriter();  // closes, swallowing errors: call close() to see them
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  // Appends the batch's rows; its columns must match the schema given at construction.
  void write(const columnar::Batch& batch);
  // Flushes and closes the file; further writes are an internal error.
  void close();
  int64_t rows_written() const { return rows_written_; }

 private:
  void append_field(std::string_view text);
  void flush();

  columnar::Schema schema_;
  CsvWriteOptions opt_;
  CompressedFileWriter file_;
  std::string out_;    // pending bytes, flushed in large writes
  std::string value_;  // one value's text, reused
  std::array<bool, 256> needs_quote_;  // bytes that force a field into quotes
  int64_t rows_written_ = 0;
  bool closed_ = false;
};

}  // namespace floe::formats
