#include "formats/batch_file.h"

#include "formats/csv/csv_reader.h"
#include "formats/csv/csv_writer.h"
#include "formats/json/ndjson_writer.h"
#include "formats/parquet/parquet_reader.h"
#include "io/file_io.h"

namespace floe::formats {

namespace {

class ParquetBatchReader final : public BatchReader {
 public:
  ParquetBatchReader(const std::string& path, const FileReadOptions& o)
      : reader_(parquet::ParquetReader::open(path)), batch_rows_(o.batch_rows) {
    fields_ = reader_->field_indices(o.columns);
    if (fields_.empty())
      for (size_t i = 0; i < reader_->schema().fields.size(); ++i) fields_.push_back(int(i));
    for (int f : fields_) schema_.fields.push_back(reader_->schema().fields[size_t(f)]);
    schema_.metadata = reader_->schema().metadata;
  }
  const columnar::Schema& schema() const override { return schema_; }
  bool next(columnar::Batch& out) override {
    while (offset_ >= current_.num_rows()) {
      if (next_group_ >= reader_->num_row_groups()) return false;
      current_ = reader_->read_row_group(next_group_++, fields_);
      offset_ = 0;
    }
    int64_t n = std::min(batch_rows_, current_.num_rows() - offset_);
    out = columnar::Batch();
    out.schema = schema_;
    if (offset_ == 0 && n == current_.num_rows()) {
      out.columns = std::move(current_.columns);
      current_ = columnar::Batch();
    } else {
      for (const auto& c : current_.columns) out.columns.push_back(c.slice(offset_, n));
    }
    out.rows_without_columns = n;
    offset_ += n;
    return true;
  }

 private:
  std::unique_ptr<parquet::ParquetReader> reader_;
  std::vector<int> fields_;
  columnar::Schema schema_;
  int64_t batch_rows_;
  int next_group_ = 0;
  columnar::Batch current_;
  int64_t offset_ = 0;
};

template <typename Reader>
class TextBatchReader final : public BatchReader {
 public:
  template <typename Options>
  TextBatchReader(const std::string& path, Options o) : reader_(path, std::move(o)) {}
  const columnar::Schema& schema() const override { return reader_.schema(); }
  bool next(columnar::Batch& out) override { return reader_.next(out); }

 private:
  Reader reader_;
};

class ParquetBatchWriter final : public BatchWriter {
 public:
  ParquetBatchWriter(const std::string& path, const columnar::Schema& schema,
                     const parquet::ParquetWriteOptions& o)
      : writer_(io::file_io_for(path)->create_output(path), schema, o) {}
  void write(const columnar::Batch& b) override { writer_.write(b); }
  void expect_rows(int64_t rows) override { writer_.expect_rows(rows); }
  void close() override { writer_.close(); }

 private:
  parquet::ParquetWriter writer_;
};

template <typename Writer>
class TextBatchWriter final : public BatchWriter {
 public:
  template <typename... Args>
  explicit TextBatchWriter(Args&&... args) : writer_(std::forward<Args>(args)...) {}
  void write(const columnar::Batch& b) override { writer_.write(b); }
  void close() override { writer_.close(); }

 private:
  Writer writer_;
};

}  // namespace

std::unique_ptr<BatchReader> open_batch_reader(const std::string& path,
                                               const FileReadOptions& o) {
  FileFormat f = o.format ? *o.format : detect_file_format(path);
  switch (f) {
    case FileFormat::kParquet: return std::make_unique<ParquetBatchReader>(path, o);
    case FileFormat::kCsv: {
      CsvReadOptions csv = o.csv;
      csv.batch_rows = o.batch_rows;
      return std::make_unique<TextBatchReader<CsvReader>>(path, std::move(csv));
    }
    case FileFormat::kNdjson: {
      NdjsonReadOptions json = o.json;
      json.batch_rows = o.batch_rows;
      return std::make_unique<TextBatchReader<NdjsonReader>>(path, std::move(json));
    }
  }
  throw InternalError("unhandled file format");
}

std::unique_ptr<BatchWriter> create_batch_writer(const std::string& path,
                                                 const columnar::Schema& schema,
                                                 const FileWriteOptions& o) {
  FileFormat f = o.format ? *o.format : file_format_from_path(path);
  switch (f) {
    case FileFormat::kParquet:
      return std::make_unique<ParquetBatchWriter>(path, schema, o.parquet);
    case FileFormat::kCsv: return std::make_unique<TextBatchWriter<CsvWriter>>(path, schema, o.csv);
    case FileFormat::kNdjson:
      return std::make_unique<TextBatchWriter<NdjsonWriter>>(path, schema);
  }
  throw InternalError("unhandled file format");
}

}  // namespace floe::formats
