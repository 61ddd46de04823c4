// DataWriter: writes rows into a table's data files: conforms each batch to the table
// schema (columns matched by name, cast to the stored types), splits rows by partition
// (the default spec's transforms), and writes one Parquet file per partition under
// <location>/data/<partition path>/, with field ids and the iceberg.schema footer key, as
// Java does. finish() returns the DataFile records (metrics, partition values) to commit.
// Layer: iceberg. Nothing is visible to readers until those records are committed.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "columnar/spill_file.h"
#include "formats/parquet/parquet_writer.h"
#include "iceberg/data_file.h"
#include "iceberg/row_sort.h"
#include "iceberg/table_metadata.h"
#include "io/file_io.h"

namespace floe::iceberg {

struct DataWriteOptions {
  int threads = 1;  // Parquet encoding threads per file
  // Where a sorted table's runs are set aside when a file's rows do not fit in memory at
  // once (empty: the system's temporary folder).
  std::string temp_directory;
};

class DataWriter {
 public:
  DataWriter(io::FileIO& io, std::shared_ptr<const TableMetadata> metadata,
             DataWriteOptions options = {});
  ~DataWriter();

  // Conforms and buffers/writes the batch. Columns are matched to the table's columns by
  // name (case-insensitively when no exact match); a table column the batch lacks is
  // written as NULL, unless it is required (InvalidInputError); a batch column the table
  // lacks is an InvalidInputError naming it; values that do not fit the column's type are
  // an InvalidInputError naming column and row.
  void write(const columnar::Batch& batch);
  // The same, taking the batch's columns instead of copying them; errors count rows from
  // `first_row` + 1 (the batch's place in its input file).
  void write(columnar::Batch&& batch, int64_t first_row = 0);
  // Closes every open file and returns their records. After an exception, abort().
  std::vector<DataFile> finish();
  // Removes the files written so far (after a failure, before anything was committed).
  void abort();
  const std::vector<std::string>& written_locations() const { return written_; }

  // The table-schema batch (names, types with field ids) for `batch`, as write() does it.
  static columnar::Batch conform(const columnar::Batch& batch, const TableSchema& schema);

 private:
  static columnar::Batch conform_impl(columnar::Batch& batch, const TableSchema& schema, bool move,
                                      int64_t first_row);
  void add(columnar::Batch batch);  // a conformed batch
  // One partition's rows on their way to files: buffered (and sorted) rows, and the file
  // being written, if one is open.
  struct Partition;
  Partition& partition_for(const std::string& key,
                           const std::vector<std::optional<std::string>>& pv,
                           const std::string& path);
  // Buffers rows; writes a partition's buffer once it holds a row group, and the largest
  // buffer when all of them together pass the memory budget.
  void add_rows(Partition& p, columnar::Batch&& rows);
  // Writes the partition's buffered rows as a row group, opening a file if needed (closing
  // the least recently used one past the limit of open files) and closing it once it
  // reaches the target size. With a sort order the rows are sorted, and a file is written
  // in one piece: unless `last` (the file's final rows) finds no earlier runs, they are set
  // aside as a sorted run, and once the file reaches its target size or is the last, all
  // of its runs are merged into it.
  void flush(Partition& p, bool may_close_others = true, bool last = false);
  void open_file(Partition& p, bool may_close_others);
  void close_file(Partition& p);
  io::FileIO& io_;
  std::shared_ptr<const TableMetadata> metadata_;
  DataWriteOptions options_;
  const TableSchema& schema_;
  const PartitionSpec& spec_;
  SortOrder sort_order_;  // empty: write rows as they come
  std::unique_ptr<RowOrder> row_order_;                 // with a sort order
  std::unique_ptr<columnar::SpillDirectory> run_dir_;  // for its sorted runs
  columnar::Schema partition_type_;
  parquet::ParquetWriteOptions parquet_options_;
  int64_t target_file_bytes_;
  std::map<std::string, std::unique_ptr<Partition>> partitions_;
  int64_t pending_bytes_ = 0;  // buffered in all partitions
  int open_files_ = 0;
  int64_t clock_ = 0;  // for least-recently-used closing
  std::mutex mu_;      // the bookkeeping above, when finish() closes files in parallel
  std::vector<DataFile> done_;
  std::vector<std::string> written_;
  std::string write_uuid_;
  int file_counter_ = 0;
};

// Parquet write options from a table's write.parquet.* properties (codec, level, row
// group and page sizes, bloom filter columns).
parquet::ParquetWriteOptions parquet_options_for(const TableMetadata& metadata);

}  // namespace floe::iceberg
