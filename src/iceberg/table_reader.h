// TableReader: reads the files a scan plan names as batches of the table's schema: file
// columns are found by Iceberg field id (or the table's name mapping for files without
// ids), promoted to the table's types, renamed to the table's names, missing columns read
// as NULL; position and equality deletes are applied; row groups and pages are pruned with the
// filter, which is then applied exactly. Layer: iceberg. read() may be called from several threads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "columnar/batch.h"
#include "formats/parquet/parquet_pruner.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/scan_predicate.h"
#include "iceberg/scan_planner.h"
#include "iceberg/table_metadata.h"
#include "io/file_io.h"

namespace floe::iceberg {

// Part `index` of a data file read in parts of `rows` rows (rows <= 0: the whole file).
// A row group belongs to the part that holds its first row; a row group whose pages can
// be skipped (see ParquetReader::can_read_in_parts) is also cut where parts begin, except
// within half a part of its ends, so that parts stay large. Every row is read by exactly
// one part, and the parts of a file can be read at once by several threads.
struct FilePart {
  int64_t index = 0;
  int64_t rows = 0;
};

class TableReader {
 public:
  // `columns`: top-level columns of `schema` to return (empty = all); unknown names are an
  // InvalidInputError. `predicate` uses names of `schema`.
  TableReader(io::FileIO& io, const TableMetadata& metadata, const TableSchema& schema,
              const std::vector<std::string>& columns, formats::ScanPredicate predicate);

  const columnar::Schema& output_schema() const { return output_schema_; }

  // With false the predicate only prunes (files, row groups, pages): rows that fail it may
  // be returned, for a caller that filters exactly itself (the SQL engine).
  void set_exact_filter(bool exact) { exact_ = exact; }

  // Deleted row positions of `data_file` in `delete_file`, sorted (cached per delete file).
  std::vector<int64_t> deleted_positions(const DataFile& delete_file, const std::string& data_file);


  // Opens a task's data file, for reading several parts of it without reading the footer
  // again. Errors name the file.
  std::shared_ptr<parquet::ParquetReader> open(const FileScanTask& task);

  // Reads one task (or one part of it), handing each non-empty batch to `sink` (false stops
  // the read). `opened` is the task's file from open(), or null to open it here. Errors
  // name the data or delete file. The report counts each row group once, in the part that
  // holds its first row.
  void read(const FileScanTask& task, const std::function<bool(columnar::Batch&&)>& sink,
            parquet::PruneReport* report = nullptr, FilePart part = {},
            parquet::ParquetReader* opened = nullptr);

 private:
  io::FileIO& io_;
  const TableSchema& schema_;
  std::vector<int> read_fields_;  // table top-level indices: outputs, then predicate-only
  size_t output_count_ = 0;
  columnar::Schema output_schema_;
  formats::ScanPredicate predicate_;
  bool exact_ = true;
  std::map<int32_t, std::vector<std::string>> name_mapping_;  // field id -> names
  std::mutex delete_mu_;
  std::map<std::string, std::shared_ptr<std::map<std::string, std::vector<int64_t>>>> deletes_;
  // Keys of equality delete files (cached per file), as append_key encodes rows.
  std::shared_ptr<const std::unordered_set<std::string>> equality_keys(const DataFile& delete_file);
  std::map<std::string, std::shared_ptr<const std::unordered_set<std::string>>> equality_;
};

}  // namespace floe::iceberg
