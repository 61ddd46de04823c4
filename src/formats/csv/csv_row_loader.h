// The CSV load loop: tokenizes records from a byte window, converts their fields into
// column vectors and reports the records it cannot load. Layer: formats (csv), internal to
// the CSV reader; the sequential reader runs one RowLoader, parallel parsing one per range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "base/buffer.h"
#include "columnar/batch.h"
#include "formats/csv/csv_options.h"
#include "formats/csv/csv_tokenizer.h"
#include "formats/csv/csv_values.h"

namespace floe::formats::csv {

// A window over a byte stream: data()[0, end) are the stream's bytes from `offset` on.
class TextWindow {
 public:
  using Source = std::function<size_t(char* dst, size_t n)>;
  TextWindow(Source source, int64_t offset);

  char* data() { return reinterpret_cast<char*>(buf_.data()); }
  // Keeps [keep_from, end), moves it to the front and reads more behind it; returns the
  // shift (keep_from) so callers can move their saved offsets. A CorruptDataError from the
  // source (a truncated gzip or zstd stream) ends the stream there and is kept in
  // `truncated` for the loader to report at the record it cut.
  size_t refill(size_t keep_from);
  int64_t position() const { return offset + int64_t(pos); }

  size_t pos = 0;
  size_t end = 0;
  bool eof = false;
  int64_t offset = 0;  // stream offset of data()[0]
  int64_t line = 1;    // line number of the byte at pos
  std::string truncated;

 private:
  Source source_;
  Buffer buf_;  // size() is the allocated window
};

// What every loader of one file shares, read-only once reading starts.
struct CsvContext {
  std::string path;
  const CsvReadOptions* options = nullptr;
  Dialect dialect;
  columnar::Schema schema;
  std::vector<ColumnPlan> plans;
  std::vector<std::string> null_markers;  // the non-empty entries of null_if

  std::string column_label(int i) const;
  // Unquoted fields only: NULL by null_if / empty_field_as_null. `raw` is the text as in
  // the file, so an escaped marker such as \N matches as written.
  bool is_null(const FieldSpan& f, std::string_view raw, bool string_column) const;
};

// An error waiting to be delivered: its line is relative to the window it was found in
// when deferred, and `batch` is the batch of the range it was found while filling.
struct PendingError {
  RecordError error;
  std::string what;
  bool corrupt = false;
  size_t batch = 0;
};

// Completes the message (line moved by line_shift) and hands the error to the sink, or
// throws it (InvalidInputError; CorruptDataError for a truncated stream) without one.
void deliver(const CsvContext& ctx, PendingError& pending, int64_t line_shift);

class RowLoader {
 public:
  enum class Stop { kFull, kOffset, kEnd, kAbandoned };

  // `deferred` null: each error is delivered as found; otherwise errors are appended there.
  RowLoader(const CsvContext& ctx, std::vector<PendingError>* deferred);

  // Loads rows from `w` into `out` (holding n rows; n counts on) until it holds max_rows
  // (kFull), the next record starts at or after stop_offset (kOffset) or the stream ends
  // (kEnd). Skipping an over-long record past skip_limit gives up (kAbandoned): parallel
  // parsing uses that to bound the work of a range that started at a wrong guess.
  Stop fill(TextWindow& w, columnar::Batch& out, int64_t& n, int64_t max_rows,
            int64_t stop_offset = std::numeric_limits<int64_t>::max(),
            int64_t skip_limit = std::numeric_limits<int64_t>::max());

 private:
  bool load_row(const char* d, size_t row_start, size_t record_end, int64_t line);
  bool skip_long_record(TextWindow& w, int64_t skip_limit);
  void report_truncation(TextWindow& w, std::string_view record, int64_t line);
  void report(int64_t line, int column, int64_t character, std::string_view text,
              std::string_view record, std::string what, bool corrupt = false);

  const CsvContext& ctx_;
  std::vector<PendingError>* deferred_;
  std::vector<FieldSpan> fields_;
  std::vector<Cell> cells_;
  Buffer scratch_;  // unescaped and repaired field text of the current row
  bool truncation_reported_ = false;
};

}  // namespace floe::formats::csv
