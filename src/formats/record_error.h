// RecordError: the report of one record a text reader (CSV, NDJSON) could not load, in the
// shape COPY records as a rejected record. Layer: formats. Shared by csv/ and json/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace floe::formats {

// `record` keeps at most this many bytes of the offending record.
inline constexpr size_t kMaxRejectedRecordBytes = size_t(64) << 10;

// One record the reader could not load: where it is and why. `message` is the complete
// user-facing text ("path:line: column 'name' (3): ..."), the same text the reader throws
// when no error sink is set.
struct RecordError {
  std::string path;
  int64_t line = 0;          // 1-based line on which the record starts
  // 1-based character (code point) position, counted from the start of the line `line`
  // names, where the bad field or value starts; 0 when the record as a whole is at fault.
  int64_t character = 0;
  int column_index = 0;      // 1-based; 0 when the record as a whole is at fault
  std::string column_name;   // empty when column_index is 0
  std::string text;          // the offending field text (empty for record-level errors)
  // The record as it appears in the file, without its line break, cut to
  // kMaxRejectedRecordBytes.
  std::string record;
  std::string message;
};

// Receives each bad record; the record is then skipped. See each reader for the thread it
// is called on.
using RecordErrorSink = std::function<void(const RecordError&)>;

}  // namespace floe::formats
