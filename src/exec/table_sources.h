// The scan sources the engine reads: an in-memory table (scratch sessions, the
// sqllogictest corpus), an Iceberg table at one snapshot (with partition, file, row-group,
// page and bloom-filter pruning from the pushed predicate), and files named by a glob
// (read_parquet, read_csv). Layer: exec.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <vector>

#include "exec/plan.h"
#include "formats/batch_file.h"
#include "iceberg/scan_planner.h"
#include "iceberg/table_metadata.h"
#include "io/file_io.h"

namespace floe::exec {

// A text column declared VARIANT, OBJECT or ARRAY is kept as the table property
// floe.column-type.<field id> = <that type> (Iceberg has no such type: other engines read
// the column as a string of JSON).
inline constexpr const char* kVariantTypeProperty = "floe.column-type.";

// Columns `columns` (indices into `full`) of `b`, copied: what a scan of held rows hands on.
columnar::Batch project_columns(const columnar::Batch& b, const std::vector<int>& columns,
                                const columnar::Schema& full);

// Rows held in memory. The batches are shared and never changed in place: a write
// replaces the whole list, so a running scan keeps reading the version it started on.
class MemoryTableSource : public TableSource {
 public:
  MemoryTableSource(std::string name, columnar::Schema schema,
                    std::shared_ptr<const std::vector<columnar::Batch>> batches);
  const columnar::Schema& schema() const override { return schema_; }
  int64_t estimated_rows() const override;
  size_t prepare(const std::vector<int>& columns, const formats::ScanPredicate& predicate) override;
  void read(size_t piece, const std::function<void(columnar::Batch&&)>& sink) override;
  std::string describe() const override { return name_ + " (memory)"; }
  int64_t distinct_estimate(int column) override;
  std::string variant_type(int column) const override {
    return size_t(column) < variant_.size() ? variant_[size_t(column)] : std::string();
  }
  void set_variant_types(std::vector<std::string> v) { variant_ = std::move(v); }
  std::shared_ptr<TableSource> reopen() const override;

 private:
  std::string name_;
  columnar::Schema schema_;
  std::shared_ptr<const std::vector<columnar::Batch>> batches_;
  std::map<int, int64_t> distinct_;
  std::vector<int> columns_;
  std::vector<std::string> variant_;
};

class IcebergTableSource : public TableSource {
 public:
  // Reads `snapshot` with the table's current schema, or with the snapshot's own schema
  // when `snapshot_schema` (time travel reads the table as it was).
  IcebergTableSource(std::string name, std::shared_ptr<io::FileIO> io,
                     std::shared_ptr<const iceberg::TableMetadata> metadata,
                     const iceberg::Snapshot* snapshot, int threads, bool snapshot_schema = false);
  ~IcebergTableSource() override;
  const columnar::Schema& schema() const override;
  int64_t estimated_rows() const override;
  size_t prepare(const std::vector<int>& columns, const formats::ScanPredicate& predicate) override;
  void read(size_t piece, const std::function<void(columnar::Batch&&)>& sink) override;
  std::string describe() const override;
  std::string explain_pruning() const override;
  // From the files' lower and upper bounds: an integer or date column has at most
  // upper - lower + 1 values.
  int64_t distinct_estimate(int column) override;
  // From the same bounds: the share of an integer or date column's range that comparisons
  // with constants keep, multiplied over the columns (values taken as spread evenly).
  double selectivity(const formats::ScanPredicate& predicate) override;
  // From the table property floe.column-type.<field id> = VARIANT | OBJECT | ARRAY.
  std::string variant_type(int column) const override;
  bool set_key_filter(int column, formats::KeyFilter filter) override;
  void clear_key_filters() override;
  void set_dictionary_coded(std::vector<int> columns) override;
  // The same snapshot and schema, planned again when it is read.
  std::shared_ptr<TableSource> reopen() const override;

 private:
  // The smallest and largest value of an integer or date column over all files.
  std::optional<std::pair<int64_t, int64_t>> value_range(int column);
  std::optional<std::pair<int64_t, int64_t>> bounds_range(int column);  // value_range, uncached
  std::map<int, std::optional<std::pair<int64_t, int64_t>>> value_ranges_;
  struct State;
  std::optional<std::vector<iceberg::FileScanTask>> all_files_;
  std::string name_;
  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<const iceberg::TableMetadata> metadata_;
  const iceberg::Snapshot* snapshot_;
  const iceberg::TableSchema* schema_;
  int threads_;
  std::unique_ptr<State> state_;
};

// Files matching a glob (a local path pattern with * and ?), read with `options`.
class FileGlobSource : public TableSource {
 public:
  FileGlobSource(std::string pattern, formats::FileReadOptions options);
  const columnar::Schema& schema() const override { return schema_; }
  int64_t estimated_rows() const override { return -1; }
  size_t prepare(const std::vector<int>& columns, const formats::ScanPredicate& predicate) override;
  void read(size_t piece, const std::function<void(columnar::Batch&&)>& sink) override;
  std::string describe() const override;

 private:
  std::string pattern_;
  formats::FileReadOptions options_;
  std::vector<std::string> files_;
  columnar::Schema schema_;
  std::vector<int> columns_;
};

}  // namespace floe::exec
