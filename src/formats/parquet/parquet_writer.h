// ParquetWriter: writes floe batches as one Parquet file. Rows are buffered up to one row
// group, then each leaf column is shredded and encoded in turn straight to the file; bloom
// filters, page indexes and the footer follow the last row group. Layer: formats/parquet.
// One writer per file; not thread-safe. Memory: one row group of rows plus one column
// chunk's working set (and the small page indexes and bloom filters until close()).
#pragma once

#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "formats/parquet/column_chunk_writer.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"
#include "io/file.h"

namespace floe::parquet {

struct ParquetWriteOptions {
  // Column chunks of a row group are encoded and compressed on up to this many threads
  // (then written in order), in the background while the next row group is buffered;
  // 1 encodes on the caller's thread.
  int threads = 1;
  CompressionCodec compression = CompressionCodec::kZstd;
  int compression_level = 0;  // 0 = codec default
  // A row group ends at whichever comes first (bytes: uncompressed in-memory estimate).
  int64_t row_group_rows = 1 << 20;
  int64_t row_group_bytes = 128 << 20;
  // A page ends at whichever comes first, always at a row boundary.
  int64_t page_bytes = 1 << 20;
  int64_t page_rows = 20000;
  bool dictionary = true;
  int64_t dictionary_bytes_limit = 1 << 20;
  int data_page_version = 1;  // 1 or 2
  // Value encoding by top-level name, dotted struct path or leaf path ("a.b", the
  // reader's "l.element" or the full path_in_schema "l.list.element"); the longest match
  // wins. RLE_DICTIONARY forces a dictionary attempt, anything else turns it off.
  std::map<std::string, Encoding> column_encodings;
  std::vector<std::string> bloom_filter_columns;  // names as for column_encodings
  double bloom_filter_fpp = 0.01;
  bool write_statistics = true;
  bool write_page_index = true;
  size_t statistics_truncate_length = 64;  // 0 = never truncate
  std::vector<KeyValue> key_value_metadata;  // added after the schema's own metadata
  std::vector<SortingColumn> sorting_columns;  // recorded in every row group
};

class ParquetWriter {
 public:
  // Writes the leading magic. Throws InvalidInputError for bad options (unknown column
  // names, an encoding a column cannot take, non-positive limits), UnsupportedError for
  // types or codecs Parquet/floe cannot write, IoError from `out`.
  ParquetWriter(std::unique_ptr<io::OutputFile> out, columnar::Schema schema,
                ParquetWriteOptions options = {});
  ~ParquetWriter();
  ParquetWriter(const ParquetWriter&) = delete;
  ParquetWriter& operator=(const ParquetWriter&) = delete;

  // Buffers the batch's rows, ending row groups as they fill. The batch's schema must
  // match (field names and types), else InvalidInputError; so does a NULL in a NOT NULL
  // field. After any exception the writer is unusable and close() throws.
  void write(const columnar::Batch& batch);
  // A hint: about `rows` more rows follow. Each row group's buffers are then sized for its
  // share when it starts (from the first batch's bytes per row) instead of growing by
  // doubling, which copies them and touches fresh memory at each step.
  void expect_rows(int64_t rows) { expected_rows_ = rows_written_ + rows; }
  // Ends the current row group if it has rows.
  void flush_row_group();
  // Flushes, then writes bloom filters, column indexes, offset indexes and the footer,
  // and closes (publishes) the file. The metadata stays valid while the writer lives.
  const FileMetaData& close();
  // Rows accepted by write() so far, buffered or written.
  int64_t rows_written() const { return rows_written_; }
  // The size of the published file, once close() has returned.
  int64_t file_size() const { return file_size_; }

 private:
  void check_usable() const;
  void append_rows(const columnar::Batch& batch, int64_t offset, int64_t length);
  // Sizes the empty row group's buffers for `rows` rows like rows [offset, offset+length)
  // of `batch`.
  void reserve_row_group(const columnar::Batch& batch, int64_t offset, int64_t length, int64_t rows);
  // Encodes and writes one row group's columns (on the caller's or a background thread).
  void write_row_group(std::vector<columnar::Column>& columns, int64_t rows, bool parallel);
  // Row groups smaller than this (uncompressed estimate) are encoded on the caller's thread.
  static constexpr int64_t kParallelEncodeMinBytes = 4 << 20;
  void wait_for_background_flush();

  std::unique_ptr<io::OutputFile> out_;
  columnar::Schema schema_;
  ParquetWriteOptions options_;
  FileMetaData metadata_;  // schema elements must not change: parquet_schema_ points into them
  std::unique_ptr<ParquetSchema> parquet_schema_;
  std::vector<std::vector<std::string>> leaf_paths_;  // path_in_schema per leaf
  std::vector<ColumnChunkWriteOptions> leaf_options_;
  std::vector<columnar::Column> buffered_;  // the open row group, per top-level field
  int64_t buffered_rows_ = 0;
  int64_t buffered_bytes_ = 0;
  // Per written row group and leaf: what close() writes after the row groups.
  std::vector<std::vector<WrittenColumnChunk>> pending_;
  int64_t rows_written_ = 0;
  int64_t expected_rows_ = 0;  // expect_rows(): rows_written_ once they have all come
  int64_t file_size_ = 0;
  bool closed_ = false;
  bool failed_ = false;
  // With threads > 1, the previous row group being encoded while rows are buffered.
  std::future<void> background_flush_;
};

}  // namespace floe::parquet
