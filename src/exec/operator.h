// The internal interface of the executor's operators: a consumer receives batches from
// worker `worker` (several workers may call at once), and each operator kind produces its
// output into a consumer. Layer: exec (private to the executor's files).
#pragma once

#include <atomic>

#include "exec/executor.h"

namespace floe::exec {

class Consumer {
 public:
  virtual ~Consumer() = default;
  virtual void consume(columnar::Batch&& batch, int worker) = 0;
};

struct ExecContext {
  ExecOptions options;
  ExecStats* stats = nullptr;
  std::atomic<int64_t> rows_scanned{0};
  int64_t rows_total = -1;
  int threads() const { return options.threads < 1 ? 1 : options.threads; }
};

// Produces `node`'s output into `out`.
void produce(const PlanNode& node, ExecContext& ctx, Consumer& out);

// Collects every batch produced (thread-safe), in arrival order.
class CollectConsumer : public Consumer {
 public:
  void consume(columnar::Batch&& batch, int worker) override;
  std::vector<columnar::Batch> take() { return std::move(batches_); }
  // All rows in one batch of `schema` (empty batch when nothing arrived).
  columnar::Batch concatenated(const columnar::Schema& schema);

 private:
  std::mutex mu_;
  std::vector<columnar::Batch> batches_;
};

// Runs fn(task, worker) for task in [0, n) on up to `threads` workers.
void run_workers(size_t n, int threads, const std::function<void(size_t task, int worker)>& fn);

// Operators with their own files.
void produce_aggregate(const PlanNode& node, ExecContext& ctx, Consumer& out);
void produce_hash_join(const PlanNode& node, ExecContext& ctx, Consumer& out);
void produce_nested_loop_join(const PlanNode& node, ExecContext& ctx, Consumer& out);
void produce_sort(const PlanNode& node, ExecContext& ctx, Consumer& out);
void produce_window(const PlanNode& node, ExecContext& ctx, Consumer& out);
void produce_set_operation(const PlanNode& node, ExecContext& ctx, Consumer& out);
void produce_distinct(const PlanNode& node, ExecContext& ctx, Consumer& out);
void produce_flatten(const PlanNode& node, ExecContext& ctx, Consumer& out);

// Emits `batch` in slices of at most `max_rows` rows to `out` from worker 0.
void emit_in_slices(columnar::Batch&& batch, Consumer& out, int64_t max_rows = 65536);

// The rows in `order` of every column of `batch`.
columnar::Batch batch_in_order(const columnar::Batch& batch, const std::vector<uint32_t>& order);

}  // namespace floe::exec
