#include "formats/csv/csv_tokenizer.h"

#include <cstring>

namespace floe::formats::csv {

namespace {

// Non-zero when some byte of w is zero (the classic bit trick; exact, no false positives
// in the "any" sense).
inline uint64_t has_zero_byte(uint64_t w) {
  return (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
}

inline bool is_trim_space(char c, char delimiter) {
  return c == ' ' || (c == '\t' && delimiter != '\t');
}

}  // namespace

RowStatus parse_row(const char* d, size_t p, size_t n, bool eof, const Dialect& dl,
                    std::vector<FieldSpan>& fields, RowResult& r) {
  fields.clear();
  r.newlines = 0;
  if (p >= n) return eof ? RowStatus::kEnd : RowStatus::kNeedMore;
  const char delim = dl.delimiter, quote = dl.quote, esc = dl.escape;
  const bool esc_is_quote = esc == quote;
  const bool has_eu = dl.has_escape_unenclosed;
  const char eu = dl.escape_unenclosed;
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t delim_mask = kOnes * uint8_t(delim);
  const uint64_t quote_mask = kOnes * uint8_t(quote);
  const uint64_t esc_mask = kOnes * uint8_t(esc);
  const uint64_t nl_mask = kOnes * uint8_t('\n');
  // Without an unenclosed escape this mask equals the line break's, so it stops nothing more.
  const uint64_t eu_mask = has_eu ? kOnes * uint8_t(eu) : nl_mask;
  while (true) {
    if (dl.trim)
      while (p < n && is_trim_space(d[p], delim)) ++p;
    FieldSpan f{p, p, false, false};
    if (dl.quoting && p < n && d[p] == quote) {
      f.quoted = true;
      const int64_t opened_at = r.newlines;
      const size_t quote_at = p;
      f.begin = ++p;
      while (true) {
        // Skip eight bytes at a time while none is a quote, an escape or a line break.
        while (p + 8 <= n) {
          uint64_t w;
          std::memcpy(&w, d + p, 8);
          if (has_zero_byte(w ^ quote_mask) | has_zero_byte(w ^ esc_mask) |
              has_zero_byte(w ^ nl_mask))
            break;
          p += 8;
        }
        if (p >= n) {
          if (!eof) return RowStatus::kNeedMore;
          r.error_field = int(fields.size());
          r.error_line_delta = opened_at;
          r.error_start = quote_at;
          return RowStatus::kUnterminated;
        }
        char c = d[p];
        if (c == quote) {
          if (esc_is_quote) {
            if (p + 1 >= n && !eof) return RowStatus::kNeedMore;
            if (p + 1 < n && d[p + 1] == quote) {
              f.escaped = true;
              p += 2;
              continue;
            }
          }
          break;
        }
        if (c == esc && !esc_is_quote) {
          if (p + 1 >= n) {
            if (!eof) return RowStatus::kNeedMore;
            r.error_field = int(fields.size());
            r.error_line_delta = opened_at;
            r.error_start = quote_at;
            return RowStatus::kUnterminated;
          }
          r.newlines += d[p + 1] == '\n';
          f.escaped = true;
          p += 2;
          continue;
        }
        r.newlines += c == '\n';
        ++p;
      }
      f.end = p++;  // past the closing quote
      if (dl.trim)
        while (p < n && is_trim_space(d[p], delim)) ++p;
      if (p < n && d[p] == '\r') {
        if (p + 1 >= n && !eof) return RowStatus::kNeedMore;
        if (p + 1 >= n || d[p + 1] == '\n') ++p;  // CRLF (or a final CR) ends the row
      }
      if (p < n && d[p] != delim && d[p] != '\n') {
        // Junk after a closing quote: skip to the end of the line and report.
        r.error_field = int(fields.size());
        r.error_char = d[p];
        r.error_start = quote_at;
        r.error_line_delta = opened_at;
        const void* nl = std::memchr(d + p, '\n', n - p);
        if (!nl) {
          if (!eof) return RowStatus::kNeedMore;
          r.next = n;
        } else {
          r.next = size_t(static_cast<const char*>(nl) - d) + 1;
          ++r.newlines;
        }
        return RowStatus::kBadQuote;
      }
    } else {
      // The hot loop: an unquoted field runs to the delimiter or the line break.
      while (true) {
        while (p + 8 <= n) {
          uint64_t w;
          std::memcpy(&w, d + p, 8);
          if (has_zero_byte(w ^ delim_mask) | has_zero_byte(w ^ nl_mask) |
              has_zero_byte(w ^ eu_mask))
            break;
          p += 8;
        }
        while (p < n) {
          char c = d[p];
          if (c == delim || c == '\n' || (has_eu && c == eu)) break;
          ++p;
        }
        if (!has_eu || p >= n || d[p] != eu) break;
        // An unenclosed escape: the next character is data, whatever it is.
        if (p + 1 >= n) {
          if (!eof) return RowStatus::kNeedMore;
          ++p;  // a final lone escape char is kept as data
          break;
        }
        r.newlines += d[p + 1] == '\n';
        f.escaped = true;
        p += 2;
      }
      size_t e = p;
      if (p >= n) {
        if (!eof) return RowStatus::kNeedMore;
      }
      if ((p >= n || d[p] == '\n') && e > f.begin && d[e - 1] == '\r') --e;
      if (dl.trim)
        while (e > f.begin && is_trim_space(d[e - 1], delim)) --e;
      f.end = e;
    }
    fields.push_back(f);
    if (p >= n) {
      if (!eof) return RowStatus::kNeedMore;
      r.next = n;
      return RowStatus::kRow;
    }
    if (d[p] == delim) {
      ++p;
      continue;
    }
    // d[p] == '\n'
    ++r.newlines;
    r.next = p + 1;
    return RowStatus::kRow;
  }
}

size_t unescape(const char* in, size_t len, char* out, const Dialect& dl, bool quoted) {
  const char* e = in + len;
  char* w = out;
  const char quote = dl.quote;
  const char esc = quoted ? dl.escape : dl.escape_unenclosed;
  if (quoted && esc == quote) {
    // The tokenizer guarantees quotes come in pairs here: keep one of each pair.
    const char* r = in;
    while (r < e) {
      const char* q = static_cast<const char*>(std::memchr(r, quote, size_t(e - r)));
      const char* stop = q ? q + 1 : e;
      if (w != r) std::memmove(w, r, size_t(stop - r));
      w += stop - r;
      r = q ? q + 2 : e;
    }
  } else {
    for (const char* r = in; r < e; ++r) {
      if (*r == esc && r + 1 < e) ++r;
      *w++ = *r;
    }
  }
  return size_t(w - out);
}

size_t RecordSkipper::feed(const char* d, size_t n) {
  const char delim = dl_.delimiter;
  for (size_t i = 0; i < n; ++i) {
    const char c = d[i];
    if (c == '\n') ++newlines_;
    if (escape_next_) {
      escape_next_ = false;
      continue;
    }
    switch (state_) {
      case kFieldStart:
        if (dl_.trim && is_trim_space(c, delim)) break;
        if (dl_.quoting && c == dl_.quote) {
          state_ = kQuoted;
          break;
        }
        state_ = kUnquoted;
        [[fallthrough]];
      case kUnquoted:
        if (c == delim) state_ = kFieldStart;
        else if (c == '\n') done_ = true;
        else if (dl_.has_escape_unenclosed && c == dl_.escape_unenclosed) escape_next_ = true;
        break;
      case kQuoteInQuoted:
        if (c == dl_.quote) {  // a doubled quote: still inside
          state_ = kQuoted;
          break;
        }
        state_ = kAfterQuote;
        [[fallthrough]];
      case kAfterQuote:
        if (c == delim) state_ = kFieldStart;
        else if (c == '\n') done_ = true;
        else if (c != '\r' && !(dl_.trim && is_trim_space(c, delim))) state_ = kJunk;
        break;
      case kQuoted:
        if (c == dl_.quote) state_ = dl_.escape == dl_.quote ? kQuoteInQuoted : kAfterQuote;
        else if (c == dl_.escape) escape_next_ = true;
        break;
      case kJunk:
        if (c == '\n') done_ = true;
        break;
    }
    if (done_) return i + 1;
  }
  return n;
}

}  // namespace floe::formats::csv
