#include "formats/csv/csv_writer.h"

#include <charconv>

#include "base/error.h"
#include "columnar/value_text.h"

namespace floe::formats {

namespace {
constexpr size_t kFlushBytes = size_t(1) << 20;
}

CsvWriter::CsvWriter(std::string path, const columnar::Schema& schema, CsvWriteOptions options)
    : schema_(schema), opt_(std::move(options)), file_(std::move(path), opt_.compression) {
  if (opt_.delimiter == opt_.quote || opt_.delimiter == '\n' || opt_.delimiter == '\r')
    throw InvalidInputError(
        fmt::format("{}: the delimiter cannot be the quote char or a line break", file_.path()));
  out_.reserve(kFlushBytes + (kFlushBytes >> 2));
  needs_quote_.fill(false);
  for (char c : {opt_.delimiter, opt_.quote, '\n', '\r'}) needs_quote_[uint8_t(c)] = true;
  if (opt_.header) {
    for (size_t c = 0; c < schema_.fields.size(); ++c) {
      if (c) out_ += opt_.delimiter;
      append_field(schema_.fields[c].name);
    }
    out_ += '\n';
  }
}

CsvWriter::~CsvWriter() {
  try {
    close();
  } catch (const std::exception&) {
    // Destructors must not throw; callers that care call close().
  }
}

void CsvWriter::append_field(std::string_view text) {
  bool quote = text == opt_.null_string;
  for (size_t i = 0; i < text.size() && !quote; ++i) quote = needs_quote_[uint8_t(text[i])];
  if (!quote) {
    out_ += text;
    return;
  }
  out_ += opt_.quote;
  // Copy runs between quote chars, doubling each quote (RFC 4180).
  size_t from = 0;
  for (size_t q = text.find(opt_.quote); q != std::string_view::npos;
       q = text.find(opt_.quote, q + 1)) {
    out_.append(text.data() + from, q + 1 - from);
    out_ += opt_.quote;
    from = q + 1;
  }
  out_.append(text.data() + from, text.size() - from);
  out_ += opt_.quote;
}

void CsvWriter::write(const columnar::Batch& batch) {
  FLOE_CHECK(!closed_, "write after close of {}", file_.path());
  FLOE_CHECK(batch.columns.size() == schema_.fields.size(), "batch of {} columns, schema of {}",
             batch.columns.size(), schema_.fields.size());
  const int64_t rows = batch.num_rows();
  const size_t ncols = batch.columns.size();
  for (int64_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < ncols; ++c) {
      if (c) out_ += opt_.delimiter;
      const columnar::Column& col = batch.columns[c];
      if (col.is_null(r)) {
        out_ += opt_.null_string;
      } else if (col.type().id() == columnar::TypeId::kString) {
        append_field(col.string_at(r));
      } else if (col.type().id() == columnar::TypeId::kInt64 ||
                 col.type().id() == columnar::TypeId::kInt32) {
        // The same digits append_value_text writes, without going through fmt.
        char buf[24];
        int64_t v = col.type().id() == columnar::TypeId::kInt64 ? col.value<int64_t>(r)
                                                                : col.value<int32_t>(r);
        append_field(std::string_view(buf, size_t(std::to_chars(buf, buf + 24, v).ptr - buf)));
      } else {
        value_.clear();
        columnar::append_value_text(col, r, value_);
        append_field(value_);
      }
    }
    out_ += '\n';
    if (out_.size() >= kFlushBytes) flush();
  }
  rows_written_ += rows;
}

void CsvWriter::flush() {
  file_.write(out_);
  out_.clear();
}

void CsvWriter::close() {
  if (closed_) return;
  closed_ = true;
  flush();
  file_.close();
}

}  // namespace floe::formats
