// NdjsonReader: reads newline-delimited JSON (one object per line), or a file holding one
// top-level JSON array of objects, into Batches, inferring a nested schema from a sample
// when not told; or, for COPY's view of a JSON file, each document as its JSON text.
// Layer: formats (json).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "columnar/batch.h"
#include "columnar/data_type.h"
#include "formats/compressed_file.h"
#include "formats/record_error.h"

namespace floe::formats {

struct NdjsonReadOptions {
  // Column names and types; skips inference. Keys not in the schema are ignored, missing
  // keys are NULL.
  std::optional<columnar::Schema> schema;
  int64_t sample_rows = 20000;  // objects read ahead to infer the schema
  int64_t batch_rows = 65536;   // rows per Batch returned by next()
  StreamCompression compression = StreamCompression::kAuto;  // kAuto: from magic bytes
  // One VARCHAR column named `$1` holding each document's JSON text exactly as in the file
  // (surrounding blanks trimmed), checked to be valid JSON; any JSON value is a document.
  // `schema` and inference are not used.
  bool documents_as_text = false;
  // For a file whose first non-blank character is '[': each element of that top-level
  // array is one document (STRIP_OUTER_ARRAY=TRUE). When false the whole array is one
  // document, which is not an object, so only documents_as_text reads it as a row.
  bool strip_outer_array = true;
  // When false, an object that repeats a key, at any depth, is a bad record
  // ("duplicate key 'k'"). When true the last value of a repeated key counts.
  bool allow_duplicate_keys = true;
  // A document longer than this is a bad record ("record longer than N bytes"); reading
  // resumes at the next line and memory stays bounded by about twice this.
  int64_t max_record_bytes = int64_t(16) << 20;
  // The file's character encoding; see CsvReadOptions::encoding.
  std::string encoding = "UTF-8";
  // When set, a bad record (invalid JSON, a document that is not an object while reading
  // columns, a value that does not fit its column, a duplicate key, an over-long record,
  // a stream cut short) is skipped and reported here instead of throwing; `line` is where
  // the document starts. Called on the thread that constructs the reader (for the sample
  // read ahead: errors are reported in file order as their rows would be returned) or
  // calls next().
  RecordErrorSink on_error;
};

// Inference: objects become STRUCT, arrays LIST (element types unified), integers BIGINT,
// other numbers DOUBLE, strings VARCHAR (ISO timestamps too, unless the schema says
// TIMESTAMP), booleans BOOLEAN; fields are unioned across the sample in first-seen order.
// Conflicting types widen BIGINT to DOUBLE and otherwise fall back to VARCHAR, which holds
// a string value's text and any other value's JSON text. A field seen only as null is
// VARCHAR.
//
// Errors: IoError / CorruptDataError from the file; InvalidInputError naming path:line
// (and the array element for a top-level array) and the field for invalid JSON, a line
// that is not an object, or a value that does not fit its column, unless
// options.on_error is set. Not thread-safe.
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
