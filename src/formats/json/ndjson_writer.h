// NdjsonWriter: writes Batches as newline-delimited JSON, one object per row with every
// column as a member (NULL as null), gzip/zstd when the path ends in .gz/.zst.
// Layer: formats (json).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "formats/compressed_file.h"

namespace floe::formats {

// Values are written by columnar::append_value_json: numbers and booleans as JSON
// literals, nested types as objects/arrays, dates, timestamps and decimals as strings.
// Throws IoError on write failure. Not thread-safe.
class NdjsonWriter {
 public:
  NdjsonWriter(std::string path, const columnar::Schema& schema,
               StreamCompression compression = StreamCompression::kAuto);
  ~NdjsonWriter();  // closes, swallowing errors: call close() to see them
  NdjsonWriter(const NdjsonWriter&) = delete;
  NdjsonWriter& operator=(const NdjsonWriter&) = delete;

  // Appends the batch's rows; its columns must match the schema given at construction.
  void write(const columnar::Batch& batch);
  void close();
  int64_t rows_written() const { return rows_written_; }

 private:
  void flush();

  columnar::Schema schema_;
  std::vector<std::string> keys_;  // `"name":` per column, encoded once
  CompressedFileWriter file_;
  std::string out_;
  int64_t rows_written_ = 0;
  bool closed_ = false;
};

}  // namespace floe::formats
