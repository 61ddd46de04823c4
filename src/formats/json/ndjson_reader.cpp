#include "formats/json/ndjson_reader.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <unordered_set>
#include <vector>

#include "base/error.h"
#include "formats/json/json_columns.h"
#include "formats/transcoding_reader.h"

namespace floe::formats {

using columnar::Batch;
using columnar::DataType;
using columnar::Field;
using columnar::Schema;
using columnar::TypeId;
using namespace json;  // the reader's internals

namespace {

constexpr size_t kChunkBytes = size_t(4) << 20;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trimmed(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && is_blank(s[b])) ++b;
  while (e > b && is_blank(s[e - 1])) --e;
  return s.substr(b, e - b);
}

int64_t code_points(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// A document as found in the file.
struct Document {
  std::string_view text;  // trimmed; valid until the next document is read
  int64_t line = 0;       // where it starts
  int64_t character = 1;  // its first character's position in that line
  int64_t element = -1;   // 0-based element of a top-level array, else -1
};

}  // namespace

// ---------------------------------------------------------------------------------------

class NdjsonReader::Impl {
 public:
  Impl(std::string path, NdjsonReadOptions options);
  bool next(Batch& out);

  std::string path_;
  NdjsonReadOptions opt_;
  CompressedFileReader file_;
  std::unique_ptr<TranscodingReader> transcoder_;
  Schema schema_;
  int64_t rows_read_ = 0;

 private:
  enum class Mode { kLines, kArray, kWhole };
  // A sampled document kept for next(), or an error found while sampling.
  struct Pending {
    Json value;
    Document where;       // text empty: it is not kept
    std::string record;   // the document's text, kept when there is a sink
    std::optional<RecordError> error;
    bool corrupt = false;
  };

  size_t read_source(char* dst, size_t n);
  void refill();
  enum class LineStatus { kLine, kEnd, kTooLong };
  LineStatus next_line(std::string_view* line);
  void read_whole();
  bool next_element(Document* d);
  bool next_document(Document* d);
  bool parse(const Document& d, Json* out);
  bool load(const Document& d, Json& value, std::string_view record, Batch& out, int64_t row);
  void report(const Document& d, std::string_view record, int column, int64_t character,
              std::string text, const std::string& what, bool corrupt = false);
  void deliver(const RecordError& e, bool corrupt);
  void report_truncation(const Document& d, std::string_view record);

  Mode mode_ = Mode::kLines;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  std::string truncated_;  // a CorruptDataError that ended the stream early
  bool truncation_reported_ = false;
  int64_t line_ = 0;  // line number of the last line returned
  std::string too_long_;  // the start of the last line too long to load
  std::string text_;  // the whole file, for a top-level array
  size_t text_pos_ = 0;
  size_t line_start_ = 0;  // in text_, the first byte of the current line
  int64_t text_line_ = 1;
  int64_t element_ = 0;
  bool whole_done_ = false;
  bool array_done_ = false;
  std::deque<Pending> pending_;  // the sample, returned before reading on
  bool sampling_ = false;
  std::vector<std::unordered_set<std::string>> key_sets_;  // duplicate-key check, per depth
};

NdjsonReader::Impl::Impl(std::string path, NdjsonReadOptions options)
    : path_(std::move(path)), opt_(std::move(options)), file_(path_, opt_.compression) {
  if (opt_.batch_rows <= 0)
    throw InvalidInputError(fmt::format("{}: batch_rows must be positive", path_));
  if (opt_.max_record_bytes <= 0)
    throw InvalidInputError(fmt::format("{}: max_record_bytes must be positive", path_));
  if (!is_utf8_encoding(opt_.encoding))
    transcoder_ = std::make_unique<TranscodingReader>(
        [this](char* dst, size_t n) { return file_.read(dst, n); }, opt_.encoding, path_);
  buf_.resize(kChunkBytes);
  refill();
  if (end_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;  // UTF-8 BOM
  // A file whose first non-blank character is '[' is one JSON array.
  size_t p = pos_;
  while (p < end_ && is_blank(buf_[p])) ++p;
  if (p < end_ && buf_[p] == '[') {
    mode_ = opt_.strip_outer_array ? Mode::kArray : Mode::kWhole;
    read_whole();
  }

  if (opt_.documents_as_text) {
    schema_.fields.emplace_back("$1", DataType(TypeId::kString), true);
  } else if (opt_.schema) {
    schema_ = *opt_.schema;
  } else {
    Shape top;
    top.kind = Shape::kObject;
    sampling_ = true;
    Document d;
    int64_t sampled = 0;
    while (sampled < opt_.sample_rows && next_document(&d)) {
      Json v;
      if (!parse(d, &v)) continue;
      if (!v.is_object()) {
        report(d, d.text, -1, 0, {},
               fmt::format("expected a JSON object, found {}", shorten(v.dump())));
        continue;
      }
      top.unify(v);
      Pending p{std::move(v), d, opt_.on_error ? std::string(d.text) : std::string(), {}};
      p.where.text = {};
      pending_.push_back(std::move(p));
      ++sampled;
    }
    sampling_ = false;
    for (size_t f = 0; f < top.field_names.size(); ++f)
      schema_.fields.emplace_back(top.field_names[f], top.field_shapes[f].type());
  }
  for (const auto& f : schema_.fields) check_supported(f.type, f.name);
}

size_t NdjsonReader::Impl::read_source(char* dst, size_t n) {
  if (!truncated_.empty()) return 0;
  try {
    return transcoder_ ? transcoder_->read(dst, n) : file_.read(dst, n);
  } catch (const CorruptDataError& e) {
    // Reported at the document it cut short, after the documents before it.
    truncated_ = e.what();
    if (truncated_.rfind(path_ + ": ", 0) == 0) truncated_ = truncated_.substr(path_.size() + 2);
    return 0;
  }
}

void NdjsonReader::Impl::refill() {
  size_t keep = end_ - pos_;
  if (pos_ > 0 && keep > 0) std::memmove(buf_.data(), buf_.data() + pos_, keep);
  pos_ = 0;
  end_ = keep;
  if (buf_.size() - end_ < kChunkBytes / 2)
    buf_.resize(std::max(buf_.size() * 2, end_ + kChunkBytes));
  while (!eof_ && end_ < buf_.size()) {
    size_t got = read_source(buf_.data() + end_, buf_.size() - end_);
    if (got == 0) eof_ = true;
    end_ += got;
  }
}

NdjsonReader::Impl::LineStatus NdjsonReader::Impl::next_line(std::string_view* line) {
  const size_t max_record = size_t(opt_.max_record_bytes);
  while (true) {
    const void* nl = std::memchr(buf_.data() + pos_, '\n', end_ - pos_);
    size_t stop;
    if (nl) {
      stop = size_t(static_cast<const char*>(nl) - buf_.data());
    } else if (eof_) {
      if (pos_ >= end_) return LineStatus::kEnd;
      stop = end_;
    } else if (end_ - pos_ > max_record + 1) {
      // Too long to load: keep its start for the report, drop the rest up to its end
      // without holding it.
      ++line_;
      too_long_.assign(buf_.data() + pos_, std::min(kMaxRejectedRecordBytes, end_ - pos_));
      while (true) {
        const void* at = std::memchr(buf_.data() + pos_, '\n', end_ - pos_);
        if (at) {
          pos_ = size_t(static_cast<const char*>(at) - buf_.data()) + 1;
          break;
        }
        pos_ = end_;
        if (eof_) break;
        refill();
      }
      *line = too_long_;
      return LineStatus::kTooLong;
    } else {
      refill();
      continue;
    }
    size_t len = stop - pos_;
    if (len > 0 && buf_[stop - 1] == '\r') --len;
    *line = std::string_view(buf_.data() + pos_, len);
    pos_ = stop < end_ ? stop + 1 : end_;
    ++line_;
    if (len > max_record) {
      too_long_.assign(line->substr(0, kMaxRejectedRecordBytes));
      *line = too_long_;
      return LineStatus::kTooLong;
    }
    return LineStatus::kLine;
  }
}

void NdjsonReader::Impl::read_whole() {
  text_.assign(buf_.data() + pos_, end_ - pos_);
  pos_ = end_;
  std::vector<char> chunk(kChunkBytes);
  while (!eof_) {
    size_t got = read_source(chunk.data(), chunk.size());
    if (got == 0) eof_ = true;
    text_.append(chunk.data(), got);
  }
  buf_ = {};
}

// The next element of the top-level array in text_, scanned (not parsed) to its end: the
// parse of each element is what reports it, so one bad element does not lose the others.
bool NdjsonReader::Impl::next_element(Document* d) {
  const size_t n = text_.size();
  auto blank_run = [&] {
    while (text_pos_ < n && is_blank(text_[text_pos_])) {
      if (text_[text_pos_] == '\n') {
        ++text_line_;
        line_start_ = text_pos_ + 1;
      }
      ++text_pos_;
    }
  };
  while (!array_done_) {
    blank_run();
    if (element_ == 0 && text_pos_ < n && text_[text_pos_] == '[') {
      ++text_pos_;  // the array's own bracket
      blank_run();
      if (text_pos_ < n && text_[text_pos_] == ']') {
        ++text_pos_;
        array_done_ = true;
        break;
      }
    }
    if (text_pos_ >= n) {
      array_done_ = true;
      Document at{{}, text_line_, 0, element_};
      if (!truncated_.empty())
        report_truncation(at, {});
      else
        report(at, {}, -1, 0, {}, "the top-level array has no closing ']'");
      return false;
    }
    const size_t start = text_pos_;
    d->line = text_line_;
    d->character =
        1 + code_points(std::string_view(text_).substr(line_start_, start - line_start_));
    d->element = element_++;
    int depth = 0;
    bool in_string = false;
    for (; text_pos_ < n; ++text_pos_) {
      const char c = text_[text_pos_];
      if (c == '\n') {
        ++text_line_;
        line_start_ = text_pos_ + 1;
      }
      if (in_string) {
        if (c == '\\' && text_pos_ + 1 < n && text_[text_pos_ + 1] != '\n') ++text_pos_;
        else if (c == '"') in_string = false;
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) break;
        --depth;
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    d->text = trimmed(std::string_view(text_).substr(start, text_pos_ - start));
    if (text_pos_ < n) {
      const bool closing = text_[text_pos_++] == ']';
      if (closing) {
        array_done_ = true;
        blank_run();
        if (text_pos_ < n) {
          Document at{{}, text_line_, 0, -1};
          report(at, std::string_view(text_).substr(text_pos_, 200), -1, 0, {},
                 "unexpected text after the top-level array");
        }
      }
    }
    if (d->text.size() > size_t(opt_.max_record_bytes)) {
      report(*d, d->text, -1, 0, {},
             fmt::format("record longer than {} bytes", opt_.max_record_bytes));
      continue;
    }
    return true;
  }
  return false;
}

bool NdjsonReader::Impl::next_document(Document* d) {
  if (mode_ == Mode::kArray) return next_element(d);
  if (mode_ == Mode::kWhole) {
    if (whole_done_) return false;
    whole_done_ = true;
    d->text = trimmed(text_);
    d->element = -1;
    d->character = 1;
    const size_t first = size_t(d->text.data() - text_.data());
    d->line = 1 + std::count(text_.cbegin(), text_.cbegin() + ptrdiff_t(first), '\n');
    if (!truncated_.empty()) {
      report_truncation(*d, d->text);
      return false;
    }
    if (d->text.size() > size_t(opt_.max_record_bytes)) {
      report(*d, d->text, -1, 0, {},
             fmt::format("record longer than {} bytes", opt_.max_record_bytes));
      return false;
    }
    return true;
  }
  std::string_view line;
  while (true) {
    LineStatus st = next_line(&line);
    if (st == LineStatus::kEnd) {
      if (!truncated_.empty()) report_truncation(Document{{}, line_ + 1, 0, -1}, {});
      return false;
    }
    size_t lead = 0;
    while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t')) ++lead;
    d->text = trimmed(line);
    d->line = line_;
    d->character = 1 + code_points(line.substr(0, lead));
    d->element = -1;
    if (st == LineStatus::kTooLong) {
      report(*d, line, -1, 0, {},
             fmt::format("record longer than {} bytes", opt_.max_record_bytes));
      continue;
    }
    if (d->text.empty()) continue;  // blank line
    // The last line of a stream cut short is not a document to trust.
    if (!truncated_.empty() && pos_ == end_ && eof_ && (end_ == 0 || buf_[end_ - 1] != '\n')) {
      report_truncation(*d, d->text);
      return false;
    }
    return true;
  }
}

bool NdjsonReader::Impl::parse(const Document& d, Json* out) {
  try {
    if (opt_.allow_duplicate_keys) {
      if (out) {
        *out = Json::parse(d.text);
      } else if (!Json::accept(d.text)) {
        Json explained = Json::parse(d.text);  // throws the explanation
        (void)explained;
      }
      return true;
    }
    size_t depth = 0;
    std::string duplicate;
    Json::parser_callback_t check = [&](int, Json::parse_event_t ev, Json& parsed) {
      if (ev == Json::parse_event_t::object_start) {
        if (depth == key_sets_.size()) key_sets_.emplace_back();
        key_sets_[depth++].clear();
      } else if (ev == Json::parse_event_t::object_end) {
        --depth;
      } else if (ev == Json::parse_event_t::key && depth > 0) {
        const auto& key = parsed.get_ref<const std::string&>();
        if (!key_sets_[depth - 1].insert(key).second && duplicate.empty()) duplicate = key;
      }
      return true;
    };
    Json v = Json::parse(d.text, check);
    if (!duplicate.empty()) {
      report(d, d.text, -1, 0, {}, fmt::format("duplicate key '{}'", shorten(duplicate)));
      return false;
    }
    if (out) *out = std::move(v);
    return true;
  } catch (const Json::parse_error& e) {
    size_t at = std::min(e.byte > 0 ? e.byte - 1 : 0, d.text.size());
    report(d, d.text, -1, d.character + code_points(d.text.substr(0, at)), {},
           fmt::format("invalid JSON: {}", e.what()));
    return false;
  }
}

void NdjsonReader::Impl::report(const Document& d, std::string_view record, int column,
                                int64_t character, std::string text, const std::string& what,
                                bool corrupt) {
  RecordError e;
  e.path = path_;
  e.line = d.line;
  e.character = character;
  if (column >= 0) {
    e.column_index = column + 1;
    e.column_name = schema_.fields[size_t(column)].name;
  }
  e.text = std::move(text);
  e.record = std::string(record.substr(0, kMaxRejectedRecordBytes));
  e.message = d.element >= 0 ? fmt::format("{}:{}: element {}: {}", path_, d.line, d.element, what)
                             : fmt::format("{}:{}: {}", path_, d.line, what);
  if (sampling_ && opt_.on_error) {
    // Reported when next() reaches it, in file order with the sampled rows.
    Pending p;
    p.error = std::move(e);
    p.corrupt = corrupt;
    pending_.push_back(std::move(p));
    return;
  }
  deliver(e, corrupt);
}

void NdjsonReader::Impl::deliver(const RecordError& e, bool corrupt) {
  if (opt_.on_error) {
    opt_.on_error(e);
    return;
  }
  if (corrupt) throw CorruptDataError(e.message);
  throw InvalidInputError(e.message);
}

void NdjsonReader::Impl::report_truncation(const Document& d, std::string_view record) {
  if (truncation_reported_) return;
  truncation_reported_ = true;
  report(d, record, -1, 0, {}, truncated_, true);
}

// Appends one document as row `row` of `out`; false (after reporting) when it is bad.
bool NdjsonReader::Impl::load(const Document& d, Json& value, std::string_view record,
                              Batch& out, int64_t row) {
  if (!value.is_object()) {
    report(d, record, -1, 0, {},
           fmt::format("expected a JSON object, found {}", shorten(value.dump())));
    return false;
  }
  try {
    // With a sink the row is checked first, so a misfit leaves no partial row behind.
    if (opt_.on_error) check_members(schema_.fields, value, nullptr);
    append_members(out.columns, schema_.fields, value, row, nullptr);
  } catch (const JsonMisfit& m) {
    int column = -1;
    for (size_t c = 0; c < schema_.fields.size(); ++c)
      if (schema_.fields[c].name == m.column) column = int(c);
    report(d, record, column, 0, m.text, m.what);
    return false;
  }
  return true;
}

bool NdjsonReader::Impl::next(Batch& out) {
  out = Batch::empty_of(schema_);
  int64_t n = 0;
  Document d;
  Json v;
  while (n < opt_.batch_rows) {
    if (!pending_.empty()) {
      Pending p = std::move(pending_.front());
      pending_.pop_front();
      if (p.error) {
        deliver(*p.error, p.corrupt);
        continue;
      }
      n += load(p.where, p.value, p.record, out, n);
      continue;
    }
    if (!next_document(&d)) break;
    if (opt_.documents_as_text) {
      if (parse(d, nullptr)) {
        out.columns[0].append_string(d.text);
        ++n;
      }
      continue;
    }
    if (!parse(d, &v)) continue;
    n += load(d, v, d.text, out, n);
  }
  out.rows_without_columns = n;
  rows_read_ += n;
  return n > 0;
}

// ---------------------------------------------------------------------------------------

NdjsonReader::NdjsonReader(std::string path, NdjsonReadOptions options)
    : impl_(std::make_unique<Impl>(std::move(path), std::move(options))) {}
NdjsonReader::~NdjsonReader() = default;
NdjsonReader::NdjsonReader(NdjsonReader&&) noexcept = default;
NdjsonReader& NdjsonReader::operator=(NdjsonReader&&) noexcept = default;

const Schema& NdjsonReader::schema() const { return impl_->schema_; }
bool NdjsonReader::next(Batch& out) { return impl_->next(out); }
int64_t NdjsonReader::rows_read() const { return impl_->rows_read_; }

}  // namespace floe::formats
