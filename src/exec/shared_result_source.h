// SharedResultSource: the rows of a plan computed once, when a scan first reads them, and
// read by every scan made from it. A WITH query that several parts of a statement read
// (and that reduces its input: GROUP BY, DISTINCT) runs once instead of once per
// reference. Layer: exec.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "exec/plan.h"

namespace floe::columnar {
class SpillDirectory;
class SpillFile;
}  // namespace floe::columnar

namespace floe::exec {

using columnar::SpillDirectory;
using columnar::SpillFile;

// The plan and, once run, its rows: batches in memory, or (once they would pass half the
// options' memory limit) all of them in a spill file, read back by each scan. Thread-safe:
// the first caller of compute() runs the plan, the others wait for it; an error is rethrown
// to each caller.
class SharedResult {
 public:
  SharedResult(PlanPtr plan, ExecOptions options);
  ~SharedResult();
  void compute();
  // After compute(): the batches in memory, or null when the rows are in the file.
  const std::vector<columnar::Batch>& batches() const { return batches_; }
  SpillFile* file() const { return file_.get(); }
  const PlanNode& plan() const { return *plan_; }

 private:
  PlanPtr plan_;
  ExecOptions options_;
  std::once_flag once_;
  std::vector<columnar::Batch> batches_;
  std::unique_ptr<SpillDirectory> spill_directory_;
  std::unique_ptr<SpillFile> file_;
};

class SharedResultSource : public TableSource {
 public:
  SharedResultSource(std::string name, columnar::Schema schema, std::shared_ptr<SharedResult> result);
  const columnar::Schema& schema() const override { return schema_; }
  // The plan's estimate: the rows are not computed before the statement runs.
  int64_t estimated_rows() const override { return result_->plan().estimated_rows; }
  size_t prepare(const std::vector<int>& columns, const formats::ScanPredicate& predicate) override;
  void read(size_t piece, const std::function<void(columnar::Batch&&)>& sink) override;
  std::string describe() const override;
  std::shared_ptr<TableSource> reopen() const override;
  const PlanNode* subplan() const override { return &result_->plan(); }

 private:
  std::string name_;
  columnar::Schema schema_;
  std::shared_ptr<SharedResult> result_;
  std::vector<int> columns_;
};

}  // namespace floe::exec
