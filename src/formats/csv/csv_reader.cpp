#include "formats/csv/csv_reader.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/error.h"
#include "formats/compressed_file.h"
#include "formats/csv/csv_parallel_scan.h"
#include "formats/csv/csv_row_loader.h"
#include "formats/csv/csv_tokenizer.h"
#include "formats/csv/csv_values.h"
#include "formats/transcoding_reader.h"
#include "io/file_io.h"

namespace floe::formats {

using columnar::Batch;
using columnar::DataType;
using columnar::Schema;
using columnar::TypeId;
using namespace csv;  // the reader's internals

namespace {

constexpr int64_t kSniffRows = 200;

}  // namespace

// ---------------------------------------------------------------------------------------

class CsvReader::Impl {
 public:
  Impl(std::string path, CsvReadOptions options);
  bool next(Batch& out);

  std::string path_;
  CsvReadOptions opt_;
  CompressedFileReader file_;
  std::unique_ptr<TranscodingReader> transcoder_;  // for an encoding other than UTF-8
  TextWindow win_;
  CsvContext ctx_;  // dialect and schema, as told or sniffed
  bool header_ = true;
  std::unique_ptr<RowLoader> loader_;
  std::unique_ptr<ParallelCsvScan> parallel_;
  std::vector<FieldSpan> fields_;
  std::string scratch_;
  int64_t rows_read_ = 0;
  bool done_ = false;
  std::vector<size_t> string_bytes_hint_;  // per column, from the last full batch

 private:
  size_t refill(size_t keep_from) { return win_.refill(keep_from); }
  char* data() { return win_.data(); }
  void skip_lines(int64_t n);
  char sniff_delimiter();
  void settle_schema();
  void skip_header_row();
  void start_parallel();
  std::string_view text_copy(const FieldSpan& f);
};

CsvReader::Impl::Impl(std::string path, CsvReadOptions options)
    : path_(std::move(path)),
      opt_(std::move(options)),
      file_(path_, opt_.compression),
      win_([this](char* dst, size_t n) {
        return transcoder_ ? transcoder_->read(dst, n) : file_.read(dst, n);
      }, 0) {
  if (opt_.batch_rows <= 0)
    throw InvalidInputError(fmt::format("{}: batch_rows must be positive", path_));
  if (opt_.max_record_bytes <= 0)
    throw InvalidInputError(fmt::format("{}: max_record_bytes must be positive", path_));
  if (opt_.threads <= 0 || opt_.parallel_range_bytes <= 0)
    throw InvalidInputError(
        fmt::format("{}: threads and parallel_range_bytes must be positive", path_));
  if (!is_utf8_encoding(opt_.encoding))
    transcoder_ = std::make_unique<TranscodingReader>(
        [this](char* dst, size_t n) { return file_.read(dst, n); }, opt_.encoding, path_);
  ctx_.path = path_;
  ctx_.options = &opt_;
  for (const auto& m : opt_.null_if)
    if (!m.empty()) ctx_.null_markers.push_back(m);
  Dialect& dl = ctx_.dialect;
  dl.quote = opt_.quote;
  dl.escape = opt_.escape;
  dl.quoting = opt_.quoting;
  dl.has_escape_unenclosed = opt_.escape_unenclosed.has_value();
  dl.escape_unenclosed = opt_.escape_unenclosed.value_or('\\');
  dl.trim = opt_.trim_space;
  refill(0);
  const auto* b = reinterpret_cast<const unsigned char*>(data());
  if (win_.end >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) win_.pos = 3;  // UTF-8 BOM
  skip_lines(opt_.skip_rows);
  if (opt_.delimiter)
    dl.delimiter = *opt_.delimiter;
  else
    dl.delimiter = opt_.sniff_dialect ? sniff_delimiter() : ',';
  if ((dl.quoting && dl.delimiter == dl.quote) || dl.delimiter == '\n' || dl.delimiter == '\r')
    throw InvalidInputError(
        fmt::format("{}: the delimiter cannot be the quote char or a line break", path_));
  if (dl.has_escape_unenclosed &&
      (dl.escape_unenclosed == dl.delimiter || dl.escape_unenclosed == '\n' ||
       dl.escape_unenclosed == '\r'))
    throw InvalidInputError(fmt::format(
        "{}: the unenclosed escape char cannot be the delimiter or a line break", path_));
  settle_schema();
  for (const auto& f : ctx_.schema.fields) ctx_.plans.push_back(plan_for(f));
  loader_ = std::make_unique<RowLoader>(ctx_, nullptr);
  if (header_) skip_header_row();
  start_parallel();
}

void CsvReader::Impl::skip_lines(int64_t n) {
  for (int64_t i = 0; i < n;) {
    const void* nl = std::memchr(data() + win_.pos, '\n', win_.end - win_.pos);
    if (nl) {
      win_.pos = size_t(static_cast<const char*>(nl) - data()) + 1;
      ++win_.line;
      ++i;
    } else if (win_.eof) {
      win_.pos = win_.end;
      return;
    } else {
      win_.pos = win_.end;  // the line goes on: nothing of it is kept
      refill(win_.pos);
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
    Dialect dl = ctx_.dialect;
    dl.delimiter = cand;
    std::vector<size_t> counts;
    size_t p = win_.pos;
    RowResult r;
    while (int64_t(counts.size()) < kSniffRows) {
      RowStatus st = parse_row(data(), p, win_.end, win_.eof, dl, fields_, r);
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
  scratch_.resize(unescape(p, len, scratch_.data(), ctx_.dialect, f.quoted));
  return scratch_;
}

void CsvReader::Impl::settle_schema() {
  const bool header_known = opt_.header.has_value() || !opt_.sniff_dialect;
  header_ = opt_.header.value_or(true);
  if (opt_.schema && header_known) {
    ctx_.schema = *opt_.schema;
    return;
  }
  // Read ahead: the first row plus up to sample_rows more, without consuming them.
  const size_t start = win_.pos;
  std::vector<std::string> first;
  std::vector<bool> first_quoted;
  std::vector<bool> first_null;  // by null_if, matched against the text as written
  size_t ncols = opt_.schema ? opt_.schema->fields.size() : 0;
  std::vector<uint8_t> rest_mask;
  std::vector<bool> rest_seen;
  bool have_first = false;
  int64_t rows = 0;
  const int64_t limit = opt_.schema ? 1 : opt_.sample_rows + 1;
  size_t p = start;
  size_t saved_pos = win_.pos;
  RowResult r;
  while (rows < limit) {
    RowStatus st = parse_row(data(), p, win_.end, win_.eof, ctx_.dialect, fields_, r);
    if (st == RowStatus::kNeedMore) {
      // A record too long to load ends the sample; reading reports it.
      if (win_.end - p > size_t(opt_.max_record_bytes) + 1) break;
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
        first_null.push_back(ctx_.is_null(f, {data() + f.begin, f.end - f.begin}, false));
      }
      if (!opt_.schema) ncols = fields_.size();
      rest_mask.assign(ncols, kCandAll);
      rest_seen.assign(ncols, false);
    } else {
      size_t nf = std::min(ncols, fields_.size());
      for (size_t c = 0; c < nf; ++c) {
        std::string_view t = text_copy(fields_[c]);
        const FieldSpan& f = fields_[c];
        if (ctx_.is_null(f, {data() + f.begin, f.end - f.begin}, false)) continue;
        rest_seen[c] = true;
        if (rest_mask[c]) rest_mask[c] &= candidates_of(t);
      }
    }
    ++rows;
  }
  win_.pos = saved_pos;

  if (opt_.schema) {
    ctx_.schema = *opt_.schema;
    // Header sniffing against the declared types: a header's names do not convert.
    header_ = false;
    bool any_typed = false;
    for (size_t c = 0; c < ctx_.schema.fields.size() && c < first.size(); ++c) {
      ColumnPlan plan = plan_for(ctx_.schema.fields[c]);
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
      if (first_null[c]) continue;
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
    ctx_.schema.fields.emplace_back(names[c], type_of(rest_mask[c], rest_seen[c]), true);
}

void CsvReader::Impl::skip_header_row() {
  RowResult r;
  while (true) {
    RowStatus st = parse_row(data(), win_.pos, win_.end, win_.eof, ctx_.dialect, fields_, r);
    if (st == RowStatus::kNeedMore) {
      if (win_.end - win_.pos > size_t(opt_.max_record_bytes) + 1) {
        // A header too long to load: skip it without keeping it.
        RecordSkipper skipper(ctx_.dialect);
        while (true) {
          win_.pos += skipper.feed(data() + win_.pos, win_.end - win_.pos);
          if (skipper.done() || win_.eof) break;
          refill(win_.pos);
        }
        win_.line += skipper.newlines();
        return;
      }
      refill(win_.pos);
      continue;
    }
    if (st == RowStatus::kEnd || st == RowStatus::kUnterminated) return;  // next() reports
    win_.pos = r.next;
    win_.line += r.newlines;
    if (st == RowStatus::kRow && is_blank_row(fields_)) continue;
    if (st == RowStatus::kRow && opt_.schema && opt_.error_on_column_count_mismatch &&
        fields_.size() != ctx_.schema.fields.size())
      throw InvalidInputError(fmt::format("{}:{}: the header has {} fields, the schema {}", path_,
                                          win_.line - r.newlines, fields_.size(),
                                          ctx_.schema.fields.size()));
    return;
  }
}

void CsvReader::Impl::start_parallel() {
  if (opt_.threads <= 1 || transcoder_ || file_.compression() != StreamCompression::kNone ||
      io::location_scheme(path_) != "file" || !win_.truncated.empty())
    return;
  const std::string local = io::local_path(path_);
  std::error_code ec;
  const auto size = std::filesystem::file_size(local, ec);
  if (ec) return;
  const int64_t start = win_.position();
  if (int64_t(size) - start <= 2 * opt_.parallel_range_bytes) return;
  parallel_ = std::make_unique<ParallelCsvScan>(ctx_, local, start, int64_t(size), win_.line,
                                                opt_.threads, opt_.parallel_range_bytes);
}

bool CsvReader::Impl::next(Batch& out) {
  if (parallel_) {
    bool more = parallel_->next(out);
    rows_read_ += out.num_rows();
    return more;
  }
  out = Batch::empty_of(ctx_.schema);
  if (done_) return false;
  for (size_t c = 0; c < out.columns.size(); ++c) {
    out.columns[c].reserve(opt_.batch_rows);
    // String bytes as the previous batch needed, so the vectors rarely regrow.
    if (c < string_bytes_hint_.size()) out.columns[c].data_buffer().reserve(string_bytes_hint_[c]);
  }
  int64_t n = 0;
  if (loader_->fill(win_, out, n, opt_.batch_rows) == RowLoader::Stop::kEnd) done_ = true;
  out.rows_without_columns = n;
  rows_read_ += n;
  if (n == opt_.batch_rows) {
    string_bytes_hint_.resize(out.columns.size());
    for (size_t c = 0; c < out.columns.size(); ++c)
      string_bytes_hint_[c] = is_string_kind(ctx_.plans[c].kind)
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

const Schema& CsvReader::schema() const { return impl_->ctx_.schema; }
bool CsvReader::next(Batch& out) { return impl_->next(out); }
int64_t CsvReader::rows_read() const { return impl_->rows_read_; }
char CsvReader::delimiter() const { return impl_->ctx_.dialect.delimiter; }
bool CsvReader::has_header() const { return impl_->header_; }

}  // namespace floe::formats
