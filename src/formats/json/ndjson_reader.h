// NdjsonReader: reads newline-delimited JSON (one object per line), or a file holding one
// top-level JSON array of objects, into Batches, inferring a nested schema from a sample
// when not told. Layer: formats (json).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "columnar/batch.h"
#include "columnar/data_type.h"
#include "formats/compressed_file.h"

namespace floe::formats {

struct NdjsonReadOptions {
  // Column names and types; skips inference. Keys not in the schema are ignored, missing
  // keys are NULL.
  std::optional<columnar::Schema> schema;
  int64_t sample_rows = 20000;  // objects read ahead to infer the schema
  int64_t batch_rows = 65536;   // rows per Batch returned by next()
  StreamCompression compression = StreamCompression::kAuto;  // kAuto: from magic bytes
};

// Inference: objects become STRUCT, arrays LIST (element types unified), integers BIGINT,
// other numbers DOUBLE, strings VARCHAR (ISO timestamps too, unless the schema says
// TIMESTAMP), booleans BOOLEAN; fields are unioned across the sample in first-seen order.
// Conflicting types widen BIGINT to DOUBLE and otherwise fall back to VARCHAR, which holds
// a string value's text and any other value's JSON text. A field seen only as null is
// VARCHAR.
//
// Errors: IoError / CorruptDataError from the file; InvalidInputError naming path:line
// (path and array element for a top-level array) and the field for invalid JSON, a line
// that is not an object, or a value that does not fit its column. Not thread-safe.
class NdjsonReader {
 public:
  NdjsonReader(std::string path, NdjsonReadOptions options = {});
  ~NdjsonReader();
  NdjsonReader(NdjsonReader&&) noexcept;
  NdjsonReader& operator=(NdjsonReader&&) noexcept;

  const columnar::Schema& schema() const;
  // Replaces `out` with the next up to batch_rows rows; false (and `out` empty) at the end.
  bool next(columnar::Batch& out);
  int64_t rows_read() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace floe::formats
