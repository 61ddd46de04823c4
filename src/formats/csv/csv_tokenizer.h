// The CSV tokenizer: splits one record of a byte window into field spans without copying,
// and skips a record it will not load. Layer: formats (csv), internal to the CSV reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace floe::formats::csv {

struct Dialect {
  char delimiter = ',';
  char quote = '"';
  char escape = '"';        // inside quotes; equal to quote means doubled quotes
  bool quoting = true;      // false: the quote char is data
  bool has_escape_unenclosed = false;
  char escape_unenclosed = '\\';  // outside quotes, when has_escape_unenclosed
  bool trim = false;
};

struct FieldSpan {
  size_t begin;  // first byte of the field's text (past an opening quote)
  size_t end;
  bool quoted;
  bool escaped;  // holds doubled quotes or escape chars still to be removed
  // Where the field starts in the record (its opening quote when quoted).
  size_t start() const { return quoted ? begin - 1 : begin; }
};

enum class RowStatus { kRow, kNeedMore, kEnd, kBadQuote, kUnterminated };

struct RowResult {
  size_t next = 0;               // position just past the row's line break
  int64_t newlines = 0;          // line breaks consumed, inside quotes and the terminator
  int error_field = 0;           // 0-based field at fault (kBadQuote, kUnterminated)
  int64_t error_line_delta = 0;  // line breaks before the faulty field
  size_t error_start = 0;        // where the faulty field starts (its opening quote)
  char error_char = 0;
};

// Parses the row starting at `p` in d[0, n). `eof` says no more bytes will follow d[n-1]:
// without it, a row that reaches n is incomplete (kNeedMore) and must be parsed again
// once more bytes are there.
RowStatus parse_row(const char* d, size_t p, size_t n, bool eof, const Dialect& dl,
                    std::vector<FieldSpan>& fields, RowResult& r);

inline bool is_blank_row(const std::vector<FieldSpan>& fields) {
  return fields.size() == 1 && !fields[0].quoted && fields[0].begin == fields[0].end;
}

// Removes doubled quotes / escape chars from a field's text, writing into `out` (which may
// equal `in`: the text only shrinks). Returns the length written.
size_t unescape(const char* in, size_t len, char* out, const Dialect& dl, bool quoted);

// Scans a record without keeping it, for records too long to load. Fed the record's bytes
// in pieces from its first byte; feed() returns how many bytes of the piece belong to the
// record (its line break included) and sets done() once the record has ended.
class RecordSkipper {
 public:
  explicit RecordSkipper(const Dialect& dl) : dl_(dl) {}
  size_t feed(const char* d, size_t n);
  bool done() const { return done_; }
  int64_t newlines() const { return newlines_; }

 private:
  enum State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kAfterQuote, kJunk };
  Dialect dl_;
  State state_ = kFieldStart;
  bool escape_next_ = false;
  bool done_ = false;
  int64_t newlines_ = 0;
};

}  // namespace floe::formats::csv
