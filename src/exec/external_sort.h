// ORDER BY's sink: rows are gathered in memory; when what they hold nears the query's memory
// limit they are sorted into a run and written to a spill file, and at the end the runs are
// merged k-way (in several passes when there are more runs than fit in memory at once).
// Without spilling it is the in-memory sort. Layer: exec (private to the executor).
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "exec/operator.h"

namespace floe::exec {

class SortSink : public Consumer {
 public:
  SortSink(const PlanNode& node, ExecContext& ctx);
  ~SortSink() override;
  // Thread-safe.
  void consume(columnar::Batch&& batch, int worker) override;
  // Emits every row gathered, ordered by node.sort_keys (stable: ties keep arrival order);
  // with node.limit >= 0 only the first limit + offset rows.
  void finish(Consumer& out);

 private:
  struct Sorted;
  void gather(columnar::Batch&& batch);
  // The gathered rows in one batch, accounted in held_.
  columnar::Batch take_pending();
  Sorted sort_batch(columnar::Batch&& rows);
  // Sorts the gathered rows into a run on disk and releases their memory.
  void spill_run();
  void merge_runs(std::vector<std::unique_ptr<SpillFile>> runs, bool final_pass, Consumer* out,
                  SpillFile* into);

  const PlanNode& node_;
  ExecContext& ctx_;
  columnar::Schema input_schema_;
  int64_t limit_;  // rows needed (limit + offset), -1 = all
  std::mutex mu_;
  std::vector<columnar::Batch> pending_;
  int64_t held_ = 0;
  int64_t sort_row_bytes_ = 0;  // what sorting holds per row, counted in held_
  std::vector<std::unique_ptr<SpillFile>> runs_;
  int64_t largest_run_batch_ = 0;              // bytes of the largest batch written to a run
  std::vector<columnar::DataType> key_types_;  // of the sort key columns stored in runs
};

}  // namespace floe::exec
