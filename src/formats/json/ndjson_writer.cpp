#include "formats/json/ndjson_writer.h"

#include "base/error.h"
#include "columnar/value_text.h"

namespace floe::formats {

namespace {
constexpr size_t kFlushBytes = size_t(1) << 20;
}

NdjsonWriter::NdjsonWriter(std::string path, const columnar::Schema& schema,
                           StreamCompression compression)
    : schema_(schema), file_(std::move(path), compression) {
  for (const auto& f : schema_.fields) {
    std::string key;
    columnar::append_json_string(f.name, key);
    key += ':';
    keys_.push_back(std::move(key));
  }
  out_.reserve(kFlushBytes + (kFlushBytes >> 2));
}

NdjsonWriter::~NdjsonWriter() {
  try {
    close();
  } catch (const std::exception&) {
    // Destructors must not throw; callers that care call close().
  }
}

void NdjsonWriter::write(const columnar::Batch& batch) {
  FLOE_CHECK(!closed_, "write after close of {}", file_.path());
  FLOE_CHECK(batch.columns.size() == schema_.fields.size(), "batch of {} columns, schema of {}",
             batch.columns.size(), schema_.fields.size());
  const int64_t rows = batch.num_rows();
  for (int64_t r = 0; r < rows; ++r) {
    out_ += '{';
    for (size_t c = 0; c < batch.columns.size(); ++c) {
      if (c) out_ += ',';
      out_ += keys_[c];
      columnar::append_value_json(batch.columns[c], r, out_);
    }
    out_ += "}\n";
    if (out_.size() >= kFlushBytes) flush();
  }
  rows_written_ += rows;
}

void NdjsonWriter::flush() {
  file_.write(out_);
  out_.clear();
}

void NdjsonWriter::close() {
  if (closed_) return;
  closed_ = true;
  flush();
  file_.close();
}

}  // namespace floe::formats
