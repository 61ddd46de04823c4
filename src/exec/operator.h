// The internal interface of the executor's operators: a consumer receives batches from
// worker `worker` (several workers may call at once), and each operator kind produces its
// output into a consumer. Layer: exec (private to the executor's files).
#pragma once

#include <atomic>
#include <memory>

#include "exec/executor.h"
#include "exec/spill_file.h"

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
  std::atomic<int64_t> memory_held{0};  // bytes the row-holding operators keep now
  int threads() const { return options.threads < 1 ? 1 : options.threads; }
  // Accounts `bytes` more (or fewer, when negative) held by `what`; throws ResourceError when
  // the total passes options.memory_limit.
  void hold(int64_t bytes, const char* what);
  // Whether holding `bytes` more would pass `fraction` of the memory limit (never without a
  // limit). Spilling operators ask before they grow, and spill instead.
  bool would_exceed(int64_t bytes, double fraction = 1.0) const {
    return options.memory_limit > 0 &&
           double(memory_held.load() + bytes) > double(options.memory_limit) * fraction;
  }
  // The query's spill folder (created with its first file, removed with the context).
  SpillDirectory& spill_directory();
  // Adds what `node` wrote to spill files to the statistics (EXPLAIN ANALYZE).
  void record_spill(const PlanNode& node, int64_t rows, int64_t bytes);
  // Adds the rows `node` aggregated by partition without a worker table first.
  void record_partitioned(const PlanNode& node, int64_t rows);
  // Adds the rows `node` grouped by dictionary codes.
  void record_coded(const PlanNode& node, int64_t rows);
  void record_limited(const PlanNode& node, int64_t seen, int64_t kept);

 private:
  std::mutex spill_mu_;
  std::unique_ptr<SpillDirectory> spill_;
};

// Memory a batch's columns hold.
int64_t batch_memory(const columnar::Batch& b);
// Accounts what `parts` hold now for `what`, given that `held` bytes were accounted before
// (updated).
void hold_batches(ExecContext& ctx, const std::vector<columnar::Batch>& parts, int64_t& held,
                  const char* what);
// A memory amount for messages ("1.0 MiB", "2.50 GiB").
std::string memory_amount(int64_t bytes);

// Produces `node`'s output into `out`.
void produce(const PlanNode& node, ExecContext& ctx, Consumer& out);

// Collects every batch produced (thread-safe), in arrival order.
class CollectConsumer : public Consumer {
 public:
  CollectConsumer() = default;
  // Accounts what it collects against ctx's memory limit, as `what` ("sort", "join build").
  CollectConsumer(ExecContext& ctx, const char* what) : ctx_(&ctx), what_(what) {}
  ~CollectConsumer() override;
  void consume(columnar::Batch&& batch, int worker) override;
  std::vector<columnar::Batch> take() { return std::move(batches_); }
  // All rows in one batch of `schema` (empty batch when nothing arrived).
  columnar::Batch concatenated(const columnar::Schema& schema);

 private:
  std::mutex mu_;
  std::vector<columnar::Batch> batches_;
  ExecContext* ctx_ = nullptr;
  const char* what_ = "";
  int64_t held_ = 0;
};

// Runs fn(task, worker) for task in [0, n) on up to `threads` workers.
void run_workers(size_t n, int threads, const std::function<void(size_t task, int worker)>& fn);

// Operators with their own files.
void produce_aggregate(const PlanNode& node, ExecContext& ctx, Consumer& out);
void produce_hash_join(const PlanNode& node, ExecContext& ctx, Consumer& out);
void produce_nested_loop_join(const PlanNode& node, ExecContext& ctx, Consumer& out);
void produce_sort(const PlanNode& node, ExecContext& ctx, Consumer& out);
// ORDER BY .. LIMIT keeping only the best limit + offset rows per worker; used when that
// is at most kTopNMaxRows: it holds a few times that many rows per worker and never spills,
// so larger limits go to the sort, whose runs keep limit + offset rows each and spill.
void produce_top_n(const PlanNode& node, ExecContext& ctx, Consumer& out);
constexpr int64_t kTopNMaxRows = 10000;
void produce_window(const PlanNode& node, ExecContext& ctx, Consumer& out);
void produce_set_operation(const PlanNode& node, ExecContext& ctx, Consumer& out);
void produce_distinct(const PlanNode& node, ExecContext& ctx, Consumer& out);
// DISTINCT over at least one column as a hash aggregation by every column (which spills).
void produce_distinct_by_grouping(const PlanNode& node, ExecContext& ctx, Consumer& out);
void produce_flatten(const PlanNode& node, ExecContext& ctx, Consumer& out);

// All rows of `parts` (batches of `schema`) in one batch, in order; a single part is moved,
// not copied. `parts` is left empty.
columnar::Batch concatenate_batches(std::vector<columnar::Batch>& parts, const columnar::Schema& schema);

// Rows [offset, offset + rows) of `batch`, copied.
columnar::Batch batch_slice(const columnar::Batch& batch, int64_t offset, int64_t rows);

// Emits `batch` in slices of at most 64 K rows to `out`, as `worker` (an operator emitting
// from several threads at once gives each its own).
void emit_in_slices(columnar::Batch&& batch, Consumer& out, int worker = 0);

// The rows in `order` of every column of `batch`.
columnar::Batch batch_in_order(const columnar::Batch& batch, const std::vector<uint32_t>& order);

}  // namespace floe::exec
