#include "exec/shared_result_source.h"

#include <fmt/format.h>

#include "exec/operator.h"
#include "exec/spill_file.h"
#include "exec/table_sources.h"

namespace floe::exec {

namespace {

// Collects the plan's batches while they fit half the memory limit; from the batch that
// would pass it on, writes them all to a spill file instead.
class SpillingCollector : public Consumer {
 public:
  SpillingCollector(ExecContext& ctx, std::vector<columnar::Batch>& batches,
                    std::unique_ptr<SpillDirectory>& directory, std::unique_ptr<SpillFile>& file)
      : ctx_(ctx), batches_(batches), directory_(directory), file_(file) {}
  ~SpillingCollector() override { ctx_.hold(-held_, "WITH query's rows"); }

  void consume(columnar::Batch&& b, int) override {
    if (b.num_rows() == 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (file_) {
      file_->append(b);
      return;
    }
    const int64_t bytes = batch_memory(b);
    if (ctx_.options.memory_limit > 0 && ctx_.would_exceed(bytes, 0.5)) {
      directory_ = std::make_unique<SpillDirectory>(ctx_.options.temp_directory);
      file_ = std::make_unique<SpillFile>(*directory_);
      for (const auto& held : batches_) file_->append(held);
      batches_.clear();
      ctx_.hold(-held_, "WITH query's rows");
      held_ = 0;
      file_->append(b);
      return;
    }
    ctx_.hold(bytes, "WITH query's rows");
    held_ += bytes;
    batches_.push_back(std::move(b));
  }

 private:
  ExecContext& ctx_;
  std::vector<columnar::Batch>& batches_;
  std::unique_ptr<SpillDirectory>& directory_;
  std::unique_ptr<SpillFile>& file_;
  std::mutex mu_;
  int64_t held_ = 0;
};

}  // namespace

SharedResult::SharedResult(PlanPtr plan, ExecOptions options)
    : plan_(std::move(plan)), options_(std::move(options)) {}

SharedResult::~SharedResult() {
  file_.reset();  // before its folder
}

void SharedResult::compute() {
  // call_once lets a later caller try again when the first one threw; the plan is the
  // same, so it fails the same way and each reader sees the error.
  std::call_once(once_, [&] {
    batches_.clear();
    file_.reset();
    ExecContext ctx;
    ctx.options = options_;
    {
      SpillingCollector collect(ctx, batches_, spill_directory_, file_);
      produce(*plan_, ctx, collect);
    }
    if (file_) file_->finish_writing();
    columnar::Schema schema = plan_->schema();
    for (auto& b : batches_) b.schema = schema;
  });
}

SharedResultSource::SharedResultSource(std::string name, columnar::Schema schema,
                                       std::shared_ptr<SharedResult> result)
    : name_(std::move(name)), schema_(std::move(schema)), result_(std::move(result)) {}

size_t SharedResultSource::prepare(const std::vector<int>& columns, const formats::ScanPredicate&) {
  result_->compute();
  columns_ = columns;
  // Rows in a file are read back in order, by one piece.
  return result_->file() ? 1 : result_->batches().size();
}

void SharedResultSource::read(size_t piece, const std::function<void(columnar::Batch&&)>& sink) {
  if (SpillFile* file = result_->file()) {
    SpillFile::Reader reader(*file);
    columnar::Batch b;
    while (reader.next(b)) {
      if (b.num_rows() == 0) continue;
      b.schema = schema_;
      sink(project_columns(b, columns_, schema_));
    }
    return;
  }
  const columnar::Batch& b = result_->batches()[piece];
  if (b.num_rows() == 0) return;
  sink(project_columns(b, columns_, schema_));
}

std::string SharedResultSource::describe() const {
  std::string d = name_ + " (WITH query, computed once";
  if (result_->file())
    d += fmt::format(", spilled {} rows / {} bytes", result_->file()->rows(),
                     result_->file()->bytes());
  return d + ")";
}

std::shared_ptr<TableSource> SharedResultSource::reopen() const {
  return std::make_shared<SharedResultSource>(name_, schema_, result_);
}

}  // namespace floe::exec
