#include "formats/csv/csv_row_loader.h"

#include <algorithm>
#include <cstring>

#include "base/error.h"
#include "formats/utf8_text.h"

namespace floe::formats::csv {

using columnar::Batch;

namespace {

constexpr size_t kChunkBytes = size_t(4) << 20;

// 1-based code point position of `at` counted from `from` (a line's first byte).
int64_t character_at(const char* from, const char* at) {
  int64_t n = 1;
  for (const char* p = from; p < at; ++p) n += (static_cast<unsigned char>(*p) & 0xC0) != 0x80;
  return n;
}

// The record's text without its line break, cut for the report.
std::string_view record_text(const char* b, const char* e) {
  if (e > b && e[-1] == '\n') --e;
  if (e > b && e[-1] == '\r') --e;
  return {b, std::min(size_t(e - b), kMaxRejectedRecordBytes)};
}

// The stream error's text without the path CompressedFileReader puts in front.
std::string without_path(const std::string& message, const std::string& path) {
  if (message.size() > path.size() + 2 && message.compare(0, path.size(), path) == 0 &&
      message.compare(path.size(), 2, ": ") == 0)
    return message.substr(path.size() + 2);
  return message;
}

}  // namespace

// ---------------------------------------------------------------------------------------

TextWindow::TextWindow(Source source, int64_t start_offset)
    : offset(start_offset), source_(std::move(source)) {
  buf_.resize(kChunkBytes);
}

size_t TextWindow::refill(size_t keep_from) {
  size_t keep = end - keep_from;
  if (keep_from > 0 && keep > 0) std::memmove(data(), data() + keep_from, keep);
  end = keep;
  offset += int64_t(keep_from);
  pos = pos >= keep_from ? pos - keep_from : 0;
  if (buf_.size() - end < kChunkBytes / 2)
    buf_.resize(std::max(buf_.size() * 2, end + kChunkBytes));
  while (!eof && end < buf_.size()) {
    size_t got;
    try {
      got = source_(data() + end, buf_.size() - end);
    } catch (const CorruptDataError& e) {
      truncated = e.what();
      got = 0;
    }
    if (got == 0) eof = true;
    end += got;
  }
  return keep_from;
}

// ---------------------------------------------------------------------------------------

std::string CsvContext::column_label(int i) const {
  if (i >= 0 && size_t(i) < schema.fields.size()) return schema.fields[size_t(i)].name;
  return fmt::format("column{}", i + 1);
}

bool CsvContext::is_null(const FieldSpan& f, std::string_view raw, bool string_column) const {
  if (f.quoted) return false;
  if (raw.empty()) return options->empty_field_as_null || !string_column;
  for (const auto& m : null_markers)
    if (raw == m) return true;
  return false;
}

void deliver(const CsvContext& ctx, PendingError& p, int64_t line_shift) {
  RecordError& e = p.error;
  e.line += line_shift;
  if (e.column_index > 0)
    e.message = fmt::format("{}:{}: column '{}' ({}): {}", e.path, e.line, e.column_name,
                            e.column_index, p.what);
  else
    e.message = fmt::format("{}:{}: {}", e.path, e.line, p.what);
  if (!ctx.options->on_error) {
    if (p.corrupt) throw CorruptDataError(e.message);
    throw InvalidInputError(e.message);
  }
  ctx.options->on_error(e);
}

// ---------------------------------------------------------------------------------------

RowLoader::RowLoader(const CsvContext& ctx, std::vector<PendingError>* deferred)
    : ctx_(ctx), deferred_(deferred), cells_(ctx.plans.size()) {}

void RowLoader::report(int64_t line, int column, int64_t character, std::string_view text,
                       std::string_view record, std::string what, bool corrupt) {
  PendingError p;
  RecordError& e = p.error;
  e.path = ctx_.path;
  e.line = line;
  e.record = std::string(record.substr(0, kMaxRejectedRecordBytes));
  if (column >= 0) {
    e.column_index = column + 1;
    e.column_name = ctx_.column_label(column);
    e.character = character;
    e.text = std::string(text);
  }
  p.what = std::move(what);
  p.corrupt = corrupt;
  if (deferred_) {
    deferred_->push_back(std::move(p));
    return;
  }
  deliver(ctx_, p, 0);
}

void RowLoader::report_truncation(TextWindow& w, std::string_view record, int64_t line) {
  if (truncation_reported_) return;
  truncation_reported_ = true;
  report(line, -1, 0, {}, record, without_path(w.truncated, ctx_.path), true);
}

bool RowLoader::skip_long_record(TextWindow& w, int64_t skip_limit) {
  const int64_t line = w.line;
  std::string record(record_text(w.data() + w.pos, w.data() + w.end));
  RecordSkipper skipper(ctx_.dialect);
  while (true) {
    w.pos += skipper.feed(w.data() + w.pos, w.end - w.pos);
    if (skipper.done() || w.eof) break;
    if (w.position() > skip_limit) return false;
    w.refill(w.pos);  // nothing of the record is kept
  }
  w.line += skipper.newlines();
  report(line, -1, 0, {}, record,
         fmt::format("record longer than {} bytes", ctx_.options->max_record_bytes));
  return true;
}

RowLoader::Stop RowLoader::fill(TextWindow& w, Batch& out, int64_t& n, int64_t max_rows,
                                int64_t stop_offset, int64_t skip_limit) {
  const CsvReadOptions& opt = *ctx_.options;
  const size_t max_record = size_t(std::max<int64_t>(opt.max_record_bytes, 1));
  RowResult r;
  while (n < max_rows) {
    if (w.position() >= stop_offset) return Stop::kOffset;
    RowStatus st = parse_row(w.data(), w.pos, w.end, w.eof, ctx_.dialect, fields_, r);
    if (st == RowStatus::kNeedMore) {
      // One more byte than the limit may be a CR whose LF is still to come.
      if (w.end - w.pos > max_record + 1) {
        if (!skip_long_record(w, skip_limit)) return Stop::kAbandoned;
      } else {
        w.refill(w.pos);
      }
      continue;
    }
    if (st == RowStatus::kEnd) {
      if (!w.truncated.empty()) report_truncation(w, {}, w.line);
      return Stop::kEnd;
    }
    const char* d = w.data();
    const size_t row_start = w.pos;
    const int64_t line = w.line;
    if (st == RowStatus::kUnterminated) {
      w.pos = w.end;
      std::string_view record = record_text(d + row_start, d + w.end);
      if (!w.truncated.empty()) {
        report_truncation(w, record, line);
      } else {
        const int64_t at_line = line + r.error_line_delta;
        const char* line_start = d + row_start;
        for (const char* p = d + r.error_start; p > d + row_start; --p)
          if (p[-1] == '\n') {
            line_start = p;
            break;
          }
        report(at_line, r.error_field, character_at(line_start, d + r.error_start), {}, record,
               "unterminated quoted field: no closing quote before the end of the file");
      }
      return Stop::kEnd;
    }
    // A complete record (or one a truncated stream cut short): consumed whatever happens.
    w.pos = r.next;
    w.line += r.newlines;
    std::string_view record = record_text(d + row_start, d + r.next);
    const bool cut_short = !w.truncated.empty() && r.next == w.end &&
                           (r.next == row_start || d[r.next - 1] != '\n');
    if (cut_short) {
      report_truncation(w, record, line);
      continue;
    }
    size_t record_end = r.next;
    if (record_end > row_start && d[record_end - 1] == '\n') --record_end;
    if (record_end > row_start && d[record_end - 1] == '\r') --record_end;
    if (record_end - row_start > max_record) {
      report(line, -1, 0, {}, record,
             fmt::format("record longer than {} bytes", opt.max_record_bytes));
      continue;
    }
    if (st == RowStatus::kBadQuote) {
      report(line, r.error_field, character_at(d + row_start, d + r.error_start),
             std::string_view(&r.error_char, 1), record,
             fmt::format("unexpected character '{}' after a closing quote", r.error_char));
      continue;
    }
    if (opt.skip_blank_lines && is_blank_row(fields_)) continue;
    if (!load_row(d, row_start, record_end, line)) continue;
    for (size_t c = 0; c < ctx_.plans.size(); ++c)
      append_cell(ctx_.plans[c], cells_[c], out.columns[c]);
    ++n;
  }
  return Stop::kFull;
}

// Converts the tokenized row into cells_; false (after reporting) when the row is bad.
bool RowLoader::load_row(const char* d, size_t row_start, size_t record_end, int64_t line) {
  const CsvReadOptions& opt = *ctx_.options;
  const size_t ncols = ctx_.plans.size();
  const size_t nf = fields_.size();
  auto record = [&] { return record_text(d + row_start, d + record_end); };
  if (nf != ncols && opt.error_on_column_count_mismatch) {
    report(line, -1, 0, {}, record(), fmt::format("expected {} fields, found {}", ncols, nf));
    return false;
  }
  const size_t len = record_end - row_start;
  const bool bad_utf8 =
      opt.validate_utf8 && find_invalid_utf8({d + row_start, len}) != std::string_view::npos;
  bool any_escaped = false;
  for (size_t c = 0; c < nf && c < ncols; ++c) any_escaped |= fields_[c].escaped;
  if (any_escaped || bad_utf8) {
    // Sized once per row so the views into it stay valid: unescaping only shrinks a field,
    // repairing at most triples it.
    size_t need = len + (bad_utf8 && opt.replace_invalid_utf8 ? 3 * len : 0) + 1;
    if (scratch_.size() < need) scratch_.resize(need);
  }
  char* sp = reinterpret_cast<char*>(scratch_.data());
  for (size_t c = 0; c < ncols; ++c) {
    Cell& cell = cells_[c];
    if (c >= nf) {
      cell.null = true;
      continue;
    }
    const FieldSpan& f = fields_[c];
    const ColumnPlan& plan = ctx_.plans[c];
    std::string_view raw(d + f.begin, f.end - f.begin);
    if (ctx_.is_null(f, raw, is_string_kind(plan.kind))) {
      cell.null = true;
      continue;
    }
    std::string_view text = raw;
    if (f.escaped) {
      size_t k = unescape(raw.data(), raw.size(), sp, ctx_.dialect, f.quoted);
      text = {sp, k};
      sp += k;
    }
    if (bad_utf8 && find_invalid_utf8(text) != std::string_view::npos) {
      if (!opt.replace_invalid_utf8) {
        report(line, int(c), character_at(d + row_start, d + f.start()), shorten(raw), record(),
               "invalid UTF-8");
        return false;
      }
      size_t k = replace_invalid_utf8(text, sp);
      text = {sp, k};
      sp += k;
    }
    cell.null = false;
    if (!convert(plan, text, cell)) [[unlikely]] {
      report(line, int(c), character_at(d + row_start, d + f.start()), text, record(),
             fmt::format("cannot convert '{}' to {}", shorten(text),
                         ctx_.schema.fields[c].type.to_string()));
      return false;
    }
  }
  return true;
}

}  // namespace floe::formats::csv
