#include "formats/csv/csv_reader.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/buffer.h"
#include "base/civil_time.h"
#include "base/error.h"
#include "formats/compressed_file.h"

namespace floe::formats {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::Schema;
using columnar::TimeUnit;
using columnar::TypeId;

namespace {

constexpr size_t kChunkBytes = size_t(4) << 20;
constexpr int64_t kSniffRows = 200;
constexpr size_t kMaxTextInMessage = 80;

// ---------------------------------------------------------------------------------------
// Row tokenizer: splits one row into field spans over the chunk without copying.

struct FieldSpan {
  size_t begin;
  size_t end;
  bool quoted;
  bool escaped;  // holds doubled quotes or escape chars still to be removed
};

enum class RowStatus { kRow, kNeedMore, kEnd, kBadQuote, kUnterminated };

struct RowResult {
  size_t next = 0;              // position just past the row's line break
  int64_t newlines = 0;         // line breaks consumed, inside quotes and the terminator
  int error_field = 0;          // 0-based field at fault (kBadQuote, kUnterminated)
  int64_t error_line_delta = 0;  // line breaks before the faulty field
  char error_char = 0;
};

struct Dialect {
  char delimiter = ',';
  char quote = '"';
  char escape = '"';
  bool trim = false;
};

// Non-zero when some byte of w is zero (the classic bit trick; exact, no false positives
// in the "any" sense).
inline uint64_t has_zero_byte(uint64_t w) {
  return (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
}

inline bool is_trim_space(char c, char delimiter) {
  return c == ' ' || (c == '\t' && delimiter != '\t');
}

// Parses the row starting at `p` in d[0, n). `eof` says no more bytes will follow d[n-1]:
// without it, a row that reaches n is incomplete (kNeedMore) and must be parsed again
// once more bytes are there.
RowStatus parse_row(const char* d, size_t p, size_t n, bool eof, const Dialect& dl,
                    std::vector<FieldSpan>& fields, RowResult& r) {
  fields.clear();
  r.newlines = 0;
  if (p >= n) return eof ? RowStatus::kEnd : RowStatus::kNeedMore;
  const char delim = dl.delimiter, quote = dl.quote, esc = dl.escape;
  const bool esc_is_quote = esc == quote;
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t delim_mask = kOnes * uint8_t(delim);
  const uint64_t quote_mask = kOnes * uint8_t(quote);
  const uint64_t esc_mask = kOnes * uint8_t(esc);
  const uint64_t nl_mask = kOnes * uint8_t('\n');
  while (true) {
    if (dl.trim)
      while (p < n && is_trim_space(d[p], delim)) ++p;
    FieldSpan f{p, p, false, false};
    if (p < n && d[p] == quote) {
      f.quoted = true;
      const int64_t opened_at = r.newlines;
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
      while (p + 8 <= n) {
        uint64_t w;
        std::memcpy(&w, d + p, 8);
        if (has_zero_byte(w ^ delim_mask) | has_zero_byte(w ^ nl_mask)) break;
        p += 8;
      }
      while (p < n) {
        char c = d[p];
        if (c == delim || c == '\n') break;
        ++p;
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

bool is_blank_row(const std::vector<FieldSpan>& fields) {
  return fields.size() == 1 && !fields[0].quoted && fields[0].begin == fields[0].end;
}

// Removes doubled quotes / escape chars from a field's text, writing into `out`.
// `out` may equal `in` (in-place compaction only ever shrinks).
size_t unescape(const char* in, size_t len, char* out, char quote, char esc) {
  const char* e = in + len;
  char* w = out;
  if (esc == quote) {
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

// ---------------------------------------------------------------------------------------
// Value conversion: text -> a typed cell, shared by inference and loading.

enum class Kind : uint8_t {
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kDecimal,
  kString,
  kBinary,
  kDate,
  kTime,
  kTimestamp,
  kTimestampTz,
};

struct ColumnPlan {
  Kind kind;
  TimeUnit unit = TimeUnit::kMicro;
  int precision = 0;
  int scale = 0;
};

ColumnPlan plan_for(const Field& f) {
  const DataType& t = f.type;
  switch (t.id()) {
    case TypeId::kBoolean: return {Kind::kBool};
    case TypeId::kInt8: return {Kind::kInt8};
    case TypeId::kInt16: return {Kind::kInt16};
    case TypeId::kInt32: return {Kind::kInt32};
    case TypeId::kInt64: return {Kind::kInt64};
    case TypeId::kUInt8: return {Kind::kUInt8};
    case TypeId::kUInt16: return {Kind::kUInt16};
    case TypeId::kUInt32: return {Kind::kUInt32};
    case TypeId::kUInt64: return {Kind::kUInt64};
    case TypeId::kFloat32: return {Kind::kFloat32};
    case TypeId::kFloat64: return {Kind::kFloat64};
    case TypeId::kDecimal: return {Kind::kDecimal, TimeUnit::kMicro, t.precision(), t.scale()};
    case TypeId::kString: return {Kind::kString};
    case TypeId::kBinary: return {Kind::kBinary};
    case TypeId::kDate: return {Kind::kDate};
    case TypeId::kTime: return {Kind::kTime, t.unit()};
    case TypeId::kTimestamp: return {Kind::kTimestamp, t.unit()};
    case TypeId::kTimestampTz: return {Kind::kTimestampTz, t.unit()};
    default:
      throw UnsupportedError(fmt::format("CSV column '{}' of type {}: CSV reads only scalar types",
                                         f.name, t.to_string()));
  }
}

struct Cell {
  bool null;
  union {
    int64_t i;
    uint64_t u;
    double d;
    float f;
  };
  __int128 dec;
  std::string_view s;
};

inline bool ieq(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

template <typename T>
bool parse_int(std::string_view s, T* out) {
  const char* b = s.data();
  const char* e = b + s.size();
  if (b < e && *b == '+') ++b;
  auto [ptr, ec] = std::from_chars(b, e, *out);
  return ec == std::errc() && ptr == e && b < e;
}

template <typename T>
bool parse_float(std::string_view s, T* out) {
  const char* b = s.data();
  const char* e = b + s.size();
  if (b < e && *b == '+') ++b;
  auto [ptr, ec] = std::from_chars(b, e, *out, std::chars_format::general);
  return ec == std::errc() && ptr == e && b < e;
}

// Plain-looking numbers only ("nan", "inf" are accepted for declared float columns but
// must not make inference call a column of words DOUBLE).
bool looks_numeric(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  return i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.');
}

// [+-]digits[.digits]; digits past the scale round half away from zero.
bool parse_decimal(std::string_view s, int precision, int scale, __int128* out) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  __int128 limit = 1;
  for (int k = 0; k < precision; ++k) limit *= 10;
  const __int128 max_before_shift = (limit - 1) / 10;
  __int128 v = 0;
  int frac = 0, round_digit = -1;
  bool point = false, any = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    any = true;
    if (point && frac == scale) {
      if (round_digit < 0) round_digit = c - '0';
      continue;
    }
    if (v > max_before_shift) return false;
    v = v * 10 + (c - '0');
    frac += point;
  }
  if (!any) return false;
  for (; frac < scale; ++frac) {
    if (v > max_before_shift) return false;
    v *= 10;
  }
  if (round_digit >= 5) ++v;
  if (v >= limit) return false;
  *out = neg ? -v : v;
  return true;
}

int64_t micros_to_unit(int64_t micros, TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMilli: return micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000);
    case TimeUnit::kMicro: return micros;
    case TimeUnit::kNano: return micros * 1000;
  }
  return micros;
}

bool convert(const ColumnPlan& plan, std::string_view s, Cell& c) {
  switch (plan.kind) {
    case Kind::kBool:
      if (ieq(s, "true") || ieq(s, "t") || s == "1") {
        c.u = 1;
        return true;
      }
      if (ieq(s, "false") || ieq(s, "f") || s == "0") {
        c.u = 0;
        return true;
      }
      return false;
    case Kind::kInt8:
    case Kind::kInt16:
    case Kind::kInt32:
    case Kind::kInt64: {
      if (!parse_int(s, &c.i)) return false;
      int64_t lo = plan.kind == Kind::kInt8    ? INT8_MIN
                   : plan.kind == Kind::kInt16 ? INT16_MIN
                   : plan.kind == Kind::kInt32 ? INT32_MIN
                                               : INT64_MIN;
      int64_t hi = plan.kind == Kind::kInt8    ? INT8_MAX
                   : plan.kind == Kind::kInt16 ? INT16_MAX
                   : plan.kind == Kind::kInt32 ? INT32_MAX
                                               : INT64_MAX;
      return c.i >= lo && c.i <= hi;
    }
    case Kind::kUInt8:
    case Kind::kUInt16:
    case Kind::kUInt32:
    case Kind::kUInt64: {
      if (!s.empty() && s[0] == '-') return false;
      if (!parse_int(s, &c.u)) return false;
      uint64_t hi = plan.kind == Kind::kUInt8    ? UINT8_MAX
                    : plan.kind == Kind::kUInt16 ? UINT16_MAX
                    : plan.kind == Kind::kUInt32 ? UINT32_MAX
                                                 : UINT64_MAX;
      return c.u <= hi;
    }
    case Kind::kFloat32: return parse_float(s, &c.f);
    case Kind::kFloat64: return parse_float(s, &c.d);
    case Kind::kDecimal: return parse_decimal(s, plan.precision, plan.scale, &c.dec);
    case Kind::kString:
    case Kind::kBinary: c.s = s; return true;
    case Kind::kDate: {
      auto d = parse_date(s);
      if (!d) return false;
      c.i = *d;
      return true;
    }
    case Kind::kTime: {
      auto t = parse_time_micros(s);
      if (!t) return false;
      c.i = micros_to_unit(*t, plan.unit);
      return true;
    }
    case Kind::kTimestamp:
    case Kind::kTimestampTz: {
      auto t = parse_timestamp_micros(s);
      if (!t) return false;
      c.i = micros_to_unit(*t, plan.unit);
      return true;
    }
  }
  return false;
}

void append_cell(const ColumnPlan& plan, const Cell& c, Column& col) {
  if (c.null) {
    col.append_null();
    return;
  }
  switch (plan.kind) {
    case Kind::kBool: col.append<uint8_t>(uint8_t(c.u)); return;
    case Kind::kInt8: col.append<int8_t>(int8_t(c.i)); return;
    case Kind::kInt16: col.append<int16_t>(int16_t(c.i)); return;
    case Kind::kInt32: col.append<int32_t>(int32_t(c.i)); return;
    case Kind::kInt64: col.append<int64_t>(c.i); return;
    case Kind::kUInt8: col.append<uint8_t>(uint8_t(c.u)); return;
    case Kind::kUInt16: col.append<uint16_t>(uint16_t(c.u)); return;
    case Kind::kUInt32: col.append<uint32_t>(uint32_t(c.u)); return;
    case Kind::kUInt64: col.append<uint64_t>(c.u); return;
    case Kind::kFloat32: col.append<float>(c.f); return;
    case Kind::kFloat64: col.append<double>(c.d); return;
    case Kind::kDecimal: col.append<__int128>(c.dec); return;
    case Kind::kString:
    case Kind::kBinary: col.append_string(c.s); return;
    case Kind::kDate: col.append<int32_t>(int32_t(c.i)); return;
    case Kind::kTime:
    case Kind::kTimestamp:
    case Kind::kTimestampTz: col.append<int64_t>(c.i); return;
  }
}

// Inference candidates, tried in this order; a column keeps the first that every sampled
// value fits.
enum Candidate : uint8_t {
  kCandBool = 1,
  kCandBigint = 2,
  kCandDouble = 4,
  kCandDate = 8,
  kCandTimestamp = 16,
  kCandTimestampTz = 32,
  kCandAll = 63,
};

uint8_t candidates_of(std::string_view s) {
  uint8_t m = 0;
  if (ieq(s, "true") || ieq(s, "false")) return kCandBool;
  if (looks_numeric(s)) {
    int64_t i;
    double d;
    if (parse_int(s, &i)) m |= kCandBigint | kCandDouble;
    else if (parse_float(s, &d)) m |= kCandDouble;
  }
  if (s.size() >= 8 && s[4] == '-') {
    if (parse_date(s)) m |= kCandDate;
    bool zone = false;
    if (parse_timestamp_micros(s, &zone)) m |= zone ? kCandTimestampTz : kCandTimestamp;
  }
  return m;
}

DataType type_of(uint8_t mask, bool seen) {
  if (!seen) return DataType(TypeId::kString);
  if (mask & kCandBool) return DataType(TypeId::kBoolean);
  if (mask & kCandBigint) return DataType(TypeId::kInt64);
  if (mask & kCandDouble) return DataType(TypeId::kFloat64);
  if (mask & kCandDate) return DataType(TypeId::kDate);
  if (mask & kCandTimestamp) return DataType::timestamp();
  if (mask & kCandTimestampTz) return DataType::timestamp_tz();
  return DataType(TypeId::kString);
}

std::string shorten(std::string_view s) {
  if (s.size() <= kMaxTextInMessage) return std::string(s);
  return std::string(s.substr(0, kMaxTextInMessage)) + "...";
}

}  // namespace

// ---------------------------------------------------------------------------------------

class CsvReader::Impl {
 public:
  Impl(std::string path, CsvReadOptions options);
  bool next(Batch& out);

  std::string path_;
  CsvReadOptions opt_;
  CompressedFileReader file_;
  Buffer buf_;  // size() is the allocated window; [0, end_) holds bytes
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  int64_t line_ = 1;  // line number of the byte at pos_
  Dialect dialect_;
  bool header_ = true;
  Schema schema_;
  std::vector<ColumnPlan> plans_;
  std::vector<FieldSpan> fields_;
  std::vector<Cell> cells_;
  std::vector<std::string> null_markers_;  // the non-empty entries of null_if
  std::string scratch_;
  int64_t rows_read_ = 0;
  bool done_ = false;
  std::vector<size_t> string_bytes_hint_;  // per column, from the last full batch

 private:
  size_t refill(size_t keep_from);
  char* data() { return reinterpret_cast<char*>(buf_.data()); }
  void skip_lines(int64_t n);
  char sniff_delimiter();
  void settle_schema();
  void skip_header_row();
  bool is_null(const FieldSpan& f, std::string_view text, bool string_column) const;
  std::string_view text_copy(const FieldSpan& f);
  std::string_view text_in_place(const FieldSpan& f);
  std::string column_label(int i) const;
  void report(int64_t line, int column, std::string_view text, std::string what);
  bool convert_row(int64_t line);
};

CsvReader::Impl::Impl(std::string path, CsvReadOptions options)
    : path_(std::move(path)), opt_(std::move(options)), file_(path_, opt_.compression) {
  if (opt_.batch_rows <= 0)
    throw InvalidInputError(fmt::format("{}: batch_rows must be positive", path_));
  for (const auto& m : opt_.null_if)
    if (!m.empty()) null_markers_.push_back(m);
  dialect_.quote = opt_.quote;
  dialect_.escape = opt_.escape;
  dialect_.trim = opt_.trim_space;
  buf_.resize(kChunkBytes);
  refill(0);
  const auto* b = buf_.data();
  if (end_ >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) pos_ = 3;  // UTF-8 BOM
  skip_lines(opt_.skip_rows);
  if (opt_.delimiter)
    dialect_.delimiter = *opt_.delimiter;
  else
    dialect_.delimiter = opt_.sniff_dialect ? sniff_delimiter() : ',';
  if (dialect_.delimiter == dialect_.quote || dialect_.delimiter == '\n' ||
      dialect_.delimiter == '\r')
    throw InvalidInputError(
        fmt::format("{}: the delimiter cannot be the quote char or a line break", path_));
  settle_schema();
  for (const auto& f : schema_.fields) plans_.push_back(plan_for(f));
  cells_.resize(schema_.fields.size());
  if (header_) skip_header_row();
}

// Keeps [keep_from, end_), moves it to the front and reads more behind it; returns the
// shift (keep_from) so callers can move their saved offsets.
size_t CsvReader::Impl::refill(size_t keep_from) {
  size_t keep = end_ - keep_from;
  if (keep_from > 0 && keep > 0) std::memmove(data(), data() + keep_from, keep);
  end_ = keep;
  pos_ = pos_ >= keep_from ? pos_ - keep_from : 0;
  if (buf_.size() - end_ < kChunkBytes / 2) buf_.resize(std::max(buf_.size() * 2, end_ + kChunkBytes));
  while (!eof_ && end_ < buf_.size()) {
    size_t got = file_.read(data() + end_, buf_.size() - end_);
    if (got == 0) eof_ = true;
    end_ += got;
  }
  return keep_from;
}

void CsvReader::Impl::skip_lines(int64_t n) {
  for (int64_t i = 0; i < n;) {
    const void* nl = std::memchr(data() + pos_, '\n', end_ - pos_);
    if (nl) {
      pos_ = size_t(static_cast<const char*>(nl) - data()) + 1;
      ++line_;
      ++i;
    } else if (eof_) {
      pos_ = end_;
      return;
    } else {
      refill(pos_);
    }
  }
}

char CsvReader::Impl::sniff_delimiter() {
  // The candidate that splits the first rows into the most consistent, widest columns.
  static constexpr char kCandidates[] = {',', ';', '\t', '|'};
  char best = ',';
  int64_t best_consistent = -1;
  size_t best_width = 0;
  for (char cand : kCandidates) {
    Dialect dl = dialect_;
    dl.delimiter = cand;
    std::vector<size_t> counts;
    size_t p = pos_;
    RowResult r;
    while (int64_t(counts.size()) < kSniffRows) {
      RowStatus st = parse_row(data(), p, end_, eof_, dl, fields_, r);
      if (st != RowStatus::kRow) break;
      p = r.next;
      if (!is_blank_row(fields_)) counts.push_back(fields_.size());
    }
    if (counts.empty()) continue;
    // Mode of the field counts and how many rows agree with it.
    std::vector<size_t> sorted = counts;
    std::sort(sorted.begin(), sorted.end());
    size_t mode = sorted[0], mode_n = 0;
    for (size_t i = 0; i < sorted.size();) {
      size_t j = i;
      while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
      if (j - i > mode_n || (j - i == mode_n && sorted[i] > mode)) {
        mode = sorted[i];
        mode_n = j - i;
      }
      i = j;
    }
    if (mode <= 1) continue;
    // Agreement in per-mille, so a candidate that splits every row the same way wins
    // over one that splits more columns but raggedly.
    int64_t consistent = int64_t(mode_n * 1000 / counts.size());
    if (consistent > best_consistent || (consistent == best_consistent && mode > best_width)) {
      best = cand;
      best_consistent = consistent;
      best_width = mode;
    }
  }
  return best;
}

std::string_view CsvReader::Impl::text_copy(const FieldSpan& f) {
  const char* p = data() + f.begin;
  size_t len = f.end - f.begin;
  if (!f.escaped) return {p, len};
  scratch_.resize(len);
  scratch_.resize(unescape(p, len, scratch_.data(), dialect_.quote, dialect_.escape));
  return scratch_;
}

std::string_view CsvReader::Impl::text_in_place(const FieldSpan& f) {
  char* p = data() + f.begin;
  size_t len = f.end - f.begin;
  if (!f.escaped) return {p, len};
  return {p, unescape(p, len, p, dialect_.quote, dialect_.escape)};
}

bool CsvReader::Impl::is_null(const FieldSpan& f, std::string_view text,
                              bool string_column) const {
  if (f.quoted) return false;
  if (text.empty()) return opt_.empty_field_as_null || !string_column;
  for (const auto& m : null_markers_)
    if (text == m) return true;
  return false;
}

void CsvReader::Impl::settle_schema() {
  const bool header_known = opt_.header.has_value() || !opt_.sniff_dialect;
  header_ = opt_.header.value_or(true);
  if (opt_.schema && header_known) {
    schema_ = *opt_.schema;
    return;
  }
  // Read ahead: the first row plus up to sample_rows more, without consuming them.
  const size_t start = pos_;
  std::vector<std::string> first;
  std::vector<bool> first_quoted;
  size_t ncols = opt_.schema ? opt_.schema->fields.size() : 0;
  std::vector<uint8_t> rest_mask;
  std::vector<bool> rest_seen;
  bool have_first = false;
  int64_t rows = 0;
  const int64_t limit = opt_.schema ? 1 : opt_.sample_rows + 1;
  size_t p = start;
  size_t saved_pos = pos_;
  RowResult r;
  while (rows < limit) {
    RowStatus st = parse_row(data(), p, end_, eof_, dialect_, fields_, r);
    if (st == RowStatus::kNeedMore) {
      size_t keep = std::min(saved_pos, p);
      size_t shift = refill(keep);
      p -= shift;
      saved_pos -= shift;
      continue;
    }
    if (st == RowStatus::kEnd || st == RowStatus::kUnterminated) break;  // reported later
    p = r.next;
    if (st == RowStatus::kBadQuote || is_blank_row(fields_)) continue;
    if (!have_first) {
      have_first = true;
      for (const auto& f : fields_) {
        first.emplace_back(text_copy(f));
        first_quoted.push_back(f.quoted);
      }
      if (!opt_.schema) ncols = fields_.size();
      rest_mask.assign(ncols, kCandAll);
      rest_seen.assign(ncols, false);
    } else {
      size_t nf = std::min(ncols, fields_.size());
      for (size_t c = 0; c < nf; ++c) {
        std::string_view t = text_copy(fields_[c]);
        if (is_null(fields_[c], t, false)) continue;
        rest_seen[c] = true;
        if (rest_mask[c]) rest_mask[c] &= candidates_of(t);
      }
    }
    ++rows;
  }
  pos_ = saved_pos;

  if (opt_.schema) {
    schema_ = *opt_.schema;
    // Header sniffing against the declared types: a header's names do not convert.
    header_ = false;
    bool any_typed = false;
    for (size_t c = 0; c < schema_.fields.size() && c < first.size(); ++c) {
      ColumnPlan plan = plan_for(schema_.fields[c]);
      if (plan.kind == Kind::kString || plan.kind == Kind::kBinary) continue;
      any_typed = true;
      Cell cell;
      if (first[c].empty() && !first_quoted[c]) continue;
      if (!convert(plan, first[c], cell)) header_ = true;
    }
    if (!any_typed) header_ = true;
    return;
  }

  if (!header_known) {
    // A header is a first row whose text does not fit the types the other rows have.
    bool any_typed = false, misfit = false;
    for (size_t c = 0; c < ncols; ++c) {
      if (type_of(rest_mask[c], rest_seen[c]).id() == TypeId::kString) continue;
      any_typed = true;
      if (first[c].empty() && !first_quoted[c]) continue;
      if (!(candidates_of(first[c]) & rest_mask[c])) misfit = true;
    }
    header_ = !any_typed || misfit;
  }
  if (!header_) {
    for (size_t c = 0; c < ncols && c < first.size(); ++c) {
      if (first[c].empty() && !first_quoted[c]) continue;
      bool null = false;
      for (const auto& m : null_markers_) null |= !first_quoted[c] && first[c] == m;
      if (null) continue;
      rest_seen[c] = true;
      rest_mask[c] &= candidates_of(first[c]);
    }
  }
  std::unordered_set<std::string> taken;
  std::vector<std::string> names(ncols);
  for (size_t c = 0; c < ncols; ++c) {
    std::string base = header_ && !first[c].empty() ? first[c] : fmt::format("column{}", c + 1);
    std::string name = base;
    for (int k = 1; taken.count(name); ++k) name = fmt::format("{}_{}", base, k);
    taken.insert(name);
    names[c] = name;
  }
  for (size_t c = 0; c < ncols; ++c)
    schema_.fields.emplace_back(names[c], type_of(rest_mask[c], rest_seen[c]), true);
}

void CsvReader::Impl::skip_header_row() {
  RowResult r;
  while (true) {
    RowStatus st = parse_row(data(), pos_, end_, eof_, dialect_, fields_, r);
    if (st == RowStatus::kNeedMore) {
      refill(pos_);
      continue;
    }
    if (st == RowStatus::kEnd || st == RowStatus::kUnterminated) return;  // next() reports
    pos_ = r.next;
    line_ += r.newlines;
    if (st == RowStatus::kRow && is_blank_row(fields_)) continue;
    if (st == RowStatus::kRow && opt_.schema && opt_.error_on_column_count_mismatch &&
        fields_.size() != schema_.fields.size())
      throw InvalidInputError(fmt::format("{}:{}: the header has {} fields, the schema {}", path_,
                                          line_ - r.newlines, fields_.size(),
                                          schema_.fields.size()));
    return;
  }
}

std::string CsvReader::Impl::column_label(int i) const {
  if (i >= 0 && size_t(i) < schema_.fields.size()) return schema_.fields[size_t(i)].name;
  return fmt::format("column{}", i + 1);
}

void CsvReader::Impl::report(int64_t line, int column, std::string_view text, std::string what) {
  CsvError e;
  e.path = path_;
  e.line = line;
  if (column >= 0) {
    e.column_index = column + 1;
    e.column_name = column_label(column);
    e.text = std::string(text);
    e.message = fmt::format("{}:{}: column '{}' ({}): {}", path_, line, e.column_name,
                            e.column_index, what);
  } else {
    e.message = fmt::format("{}:{}: {}", path_, line, what);
  }
  if (!opt_.on_error) throw InvalidInputError(e.message);
  opt_.on_error(e);
}

// Converts the tokenized row into cells_; false (after reporting) when the row is bad.
bool CsvReader::Impl::convert_row(int64_t line) {
  const size_t ncols = plans_.size();
  const size_t nf = fields_.size();
  if (nf != ncols && opt_.error_on_column_count_mismatch) {
    report(line, -1, {}, fmt::format("expected {} fields, found {}", ncols, nf));
    return false;
  }
  for (size_t c = 0; c < ncols; ++c) {
    Cell& cell = cells_[c];
    if (c >= nf) {
      cell.null = true;
      continue;
    }
    const FieldSpan& f = fields_[c];
    std::string_view text = text_in_place(f);
    const ColumnPlan& plan = plans_[c];
    if (is_null(f, text, plan.kind == Kind::kString || plan.kind == Kind::kBinary)) {
      cell.null = true;
      continue;
    }
    cell.null = false;
    if (!convert(plan, text, cell)) [[unlikely]] {
      report(line, int(c), text,
             fmt::format("cannot convert '{}' to {}", shorten(text),
                         schema_.fields[c].type.to_string()));
      return false;
    }
  }
  return true;
}

bool CsvReader::Impl::next(Batch& out) {
  out = Batch::empty_of(schema_);
  if (done_) return false;
  for (size_t c = 0; c < out.columns.size(); ++c) {
    out.columns[c].reserve(opt_.batch_rows);
    // String bytes as the previous batch needed, so the vectors rarely regrow.
    if (c < string_bytes_hint_.size()) out.columns[c].data_buffer().reserve(string_bytes_hint_[c]);
  }
  int64_t n = 0;
  RowResult r;
  while (n < opt_.batch_rows && !done_) {
    RowStatus st = parse_row(data(), pos_, end_, eof_, dialect_, fields_, r);
    switch (st) {
      case RowStatus::kNeedMore: refill(pos_); continue;
      case RowStatus::kEnd: done_ = true; continue;
      case RowStatus::kUnterminated:
        done_ = true;
        report(line_ + r.error_line_delta, r.error_field, {},
               "unterminated quoted field: no closing quote before the end of the file");
        continue;
      case RowStatus::kBadQuote: {
        int64_t line = line_;
        pos_ = r.next;
        line_ += r.newlines;
        report(line, r.error_field, std::string_view(&r.error_char, 1),
               fmt::format("unexpected character '{}' after a closing quote", r.error_char));
        continue;
      }
      case RowStatus::kRow: {
        int64_t line = line_;
        pos_ = r.next;
        line_ += r.newlines;
        if (is_blank_row(fields_)) continue;
        if (!convert_row(line)) continue;
        for (size_t c = 0; c < plans_.size(); ++c) append_cell(plans_[c], cells_[c], out.columns[c]);
        ++n;
      }
    }
  }
  out.rows_without_columns = n;
  rows_read_ += n;
  if (n == opt_.batch_rows) {
    string_bytes_hint_.resize(out.columns.size());
    for (size_t c = 0; c < out.columns.size(); ++c)
      string_bytes_hint_[c] = plans_[c].kind == Kind::kString || plans_[c].kind == Kind::kBinary
                                  ? out.columns[c].data_buffer().size() * 9 / 8
                                  : 0;
  }
  return n > 0;
}

// ---------------------------------------------------------------------------------------

CsvReader::CsvReader(std::string path, CsvReadOptions options)
    : impl_(std::make_unique<Impl>(std::move(path), std::move(options))) {}
CsvReader::~CsvReader() = default;
CsvReader::CsvReader(CsvReader&&) noexcept = default;
CsvReader& CsvReader::operator=(CsvReader&&) noexcept = default;

const Schema& CsvReader::schema() const { return impl_->schema_; }
bool CsvReader::next(Batch& out) { return impl_->next(out); }
int64_t CsvReader::rows_read() const { return impl_->rows_read_; }
char CsvReader::delimiter() const { return impl_->dialect_.delimiter; }
bool CsvReader::has_header() const { return impl_->header_; }

}  // namespace floe::formats
