// CsvReader: reads a delimited text file (optionally gzip/zstd compressed) into Batches,
// sniffing the dialect and inferring column types from a sample when not told.
// Layer: formats (csv). Options and error reports are in csv_options.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "columnar/batch.h"
#include "formats/csv/csv_options.h"

namespace floe::formats {

// Streams the file in large chunks; fields are parsed as views over the chunk and
// converted straight into column buffers. Handles quoted fields with embedded delimiters,
// quotes and newlines, CRLF, a UTF-8 BOM and blank lines (skipped unless told), in any
// encoding iconv reads. With options.threads > 1 a large uncompressed local file is parsed
// in parallel ranges (see CsvReadOptions::threads).
//
// Errors: IoError / CorruptDataError from the file; InvalidInputError naming path:line,
// the column (name and 1-based index) and the text for a bad row, unless
// options.on_error is set, in which case the row is skipped and reported. The reader is not
// thread-safe: one thread calls next() (and receives on_error calls).
class CsvReader {
 public:
  // Opens the file and reads ahead far enough to settle the dialect and the schema.
  CsvReader(std::string path, CsvReadOptions options = {});
  ~CsvReader();
  CsvReader(CsvReader&&) noexcept;
  CsvReader& operator=(CsvReader&&) noexcept;

  // Explicit, or inferred: BOOLEAN, BIGINT, DOUBLE, DATE, TIMESTAMP, TIMESTAMPTZ, else
  // VARCHAR; every field nullable.
  const columnar::Schema& schema() const;
  // Replaces `out` with the next up to batch_rows rows; false (and `out` empty) at the end.
  bool next(columnar::Batch& out);
  // Rows returned so far (bad rows skipped through on_error are not counted).
  int64_t rows_read() const;
  // The dialect in use, as told or sniffed.
  char delimiter() const;
  bool has_header() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace floe::formats
