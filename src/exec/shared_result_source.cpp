#include "exec/shared_result_source.h"

#include "exec/table_sources.h"

namespace floe::exec {

SharedResult::SharedResult(PlanPtr plan, ExecOptions options)
    : plan_(std::move(plan)), options_(std::move(options)) {}

const std::vector<columnar::Batch>& SharedResult::rows() {
  // call_once lets a later caller try again when the first one threw; the plan is the
  // same, so it fails the same way and each reader sees the error.
  std::call_once(once_, [&] { batches_ = execute_plan(*plan_, options_); });
  return batches_;
}

SharedResultSource::SharedResultSource(std::string name, columnar::Schema schema,
                                       std::shared_ptr<SharedResult> result)
    : name_(std::move(name)), schema_(std::move(schema)), result_(std::move(result)) {}

size_t SharedResultSource::prepare(const std::vector<int>& columns, const formats::ScanPredicate&) {
  batches_ = &result_->rows();
  columns_ = columns;
  return batches_->size();
}

void SharedResultSource::read(size_t piece, const std::function<void(columnar::Batch&&)>& sink) {
  const columnar::Batch& b = (*batches_)[piece];
  if (b.num_rows() == 0) return;
  sink(project_columns(b, columns_, schema_));
}

std::shared_ptr<TableSource> SharedResultSource::reopen() const {
  return std::make_shared<SharedResultSource>(name_, schema_, result_);
}

}  // namespace floe::exec
