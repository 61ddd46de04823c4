// ParquetReader: opens a Parquet file (footer, schema) and reads row groups of chosen
// top-level columns into floe batches; skips row groups whose statistics rule out a
// predicate. Layer: formats/parquet. One reader per thread; row groups may be read by
// several readers of the same file in parallel.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/column_page_cursor.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"
#include "io/file.h"

namespace floe::parquet {

class ParquetReader {
 public:
  // Reads and validates the footer. Throws IoError, CorruptDataError (naming the file) or
  // UnsupportedError (encrypted footer).
  explicit ParquetReader(std::unique_ptr<io::InputFile> file);
  static std::unique_ptr<ParquetReader> open(const std::string& path);

  const std::string& path() const { return file_->path(); }
  const FileMetaData& metadata() const { return metadata_; }
  const ParquetSchema& parquet_schema() const { return *parquet_schema_; }
  const columnar::Schema& schema() const { return schema_; }
  int num_row_groups() const { return int(metadata_.row_groups.size()); }
  int64_t num_rows() const { return metadata_.num_rows; }
  io::InputFile& file() { return *file_; }

  // Reads top-level fields `fields` (indices into schema().fields; empty = all) of one
  // row group. The batch's schema holds just those fields, in the order given. With
  // `ranges` (sorted, disjoint), only those rows are returned, and pages that hold none
  // of them are not read (when the file has an offset index).
  columnar::Batch read_row_group(int row_group, const std::vector<int>& fields = {},
                                 const std::vector<RowRange>* ranges = nullptr);

  // Whether reading part of the row group's rows skips the pages outside it for every one
  // of `fields` (each a single leaf with an offset index), so that reading the group in
  // parts costs about as much as reading it whole.
  bool can_read_in_parts(int row_group, const std::vector<int>& fields) const;

  // A cursor over field `field`'s rows in the row group, page by page; null unless the field
  // is a single unrepeated leaf whose chunk has an offset index.
  std::unique_ptr<ColumnPageCursor> page_cursor(int row_group, int field);

  // The page index of a column chunk, when the file has one (read on each call).
  std::optional<OffsetIndex> offset_index(int row_group, int leaf);
  std::optional<ColumnIndex> column_index(int row_group, int leaf);

  // Bounds the memory decoding one column chunk may take (default 4 GiB); a file whose
  // headers claim more is refused with an error rather than exhausting memory.
  void set_chunk_memory_limit(int64_t bytes) { chunk_memory_limit_ = bytes; }

  // Resolves column names to field indices; throws InvalidInputError naming an unknown one.
  std::vector<int> field_indices(const std::vector<std::string>& names) const;

 private:
  std::unique_ptr<io::InputFile> file_;
  FileMetaData metadata_;
  std::unique_ptr<ParquetSchema> parquet_schema_;
  columnar::Schema schema_;
  int64_t chunk_slack_bytes_ = 0;
  int64_t chunk_memory_limit_ = kDefaultChunkMemoryLimit;
};

}  // namespace floe::parquet
