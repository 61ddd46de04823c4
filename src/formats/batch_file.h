// BatchReader / BatchWriter: one interface over every file format floe reads and writes
// (Parquet, CSV, NDJSON), chosen by name or extension, so commands and ingestion can move
// batches between formats without knowing which they are. Layer: formats.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "formats/csv/csv_options.h"
#include "formats/file_format.h"
#include "formats/json/ndjson_reader.h"
#include "formats/parquet/parquet_writer.h"

namespace floe::formats {

class BatchReader {
 public:
  virtual ~BatchReader() = default;
  virtual const columnar::Schema& schema() const = 0;
  // Fills `out` with the next rows; false at the end.
  virtual bool next(columnar::Batch& out) = 0;
};

class BatchWriter {
 public:
  virtual ~BatchWriter() = default;
  virtual void write(const columnar::Batch& batch) = 0;
  // A hint: about `rows` more rows follow (a writer may size its buffers for them).
  virtual void expect_rows(int64_t rows) {}
  // Finishes the file and publishes it at its path.
  virtual void close() = 0;
};

struct FileReadOptions {
  std::optional<FileFormat> format;  // unset: from the extension
  CsvReadOptions csv;
  NdjsonReadOptions json;
  std::vector<std::string> columns;  // Parquet projection (empty = all)
  int64_t batch_rows = 65536;
};

struct FileWriteOptions {
  std::optional<FileFormat> format;  // unset: from the extension
  CsvWriteOptions csv;
  parquet::ParquetWriteOptions parquet;
};

std::unique_ptr<BatchReader> open_batch_reader(const std::string& path,
                                               const FileReadOptions& options = {});
std::unique_ptr<BatchWriter> create_batch_writer(const std::string& path,
                                                 const columnar::Schema& schema,
                                                 const FileWriteOptions& options = {});

}  // namespace floe::formats
