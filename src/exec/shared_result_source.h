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

namespace floe::exec {

// The plan and, once run, its batches. Thread-safe: the first caller of rows() runs the
// plan, the others wait for it; an error is rethrown to each caller.
class SharedResult {
 public:
  SharedResult(PlanPtr plan, ExecOptions options);
  const std::vector<columnar::Batch>& rows();
  const PlanNode& plan() const { return *plan_; }

 private:
  PlanPtr plan_;
  ExecOptions options_;
  std::once_flag once_;
  std::vector<columnar::Batch> batches_;
};

class SharedResultSource : public TableSource {
 public:
  SharedResultSource(std::string name, columnar::Schema schema, std::shared_ptr<SharedResult> result);
  const columnar::Schema& schema() const override { return schema_; }
  // The plan's estimate: the rows are not computed before the statement runs.
  int64_t estimated_rows() const override { return result_->plan().estimated_rows; }
  size_t prepare(const std::vector<int>& columns, const formats::ScanPredicate& predicate) override;
  void read(size_t piece, const std::function<void(columnar::Batch&&)>& sink) override;
  std::string describe() const override { return name_ + " (WITH query, computed once)"; }
  std::shared_ptr<TableSource> reopen() const override;
  const PlanNode* subplan() const override { return &result_->plan(); }

 private:
  std::string name_;
  columnar::Schema schema_;
  std::shared_ptr<SharedResult> result_;
  const std::vector<columnar::Batch>* batches_ = nullptr;
  std::vector<int> columns_;
};

}  // namespace floe::exec
