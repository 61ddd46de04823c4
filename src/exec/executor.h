// Running a physical plan: push-based, batch at a time. Scans split into morsels that
// worker threads read in parallel, each pushing its batches through the streaming
// operators above (filter, project, join probe) into the next pipeline breaker
// (aggregation, join build, sort, window), which keeps per-worker state and merges it.
// Layer: exec.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

#include "columnar/batch.h"
#include "exec/plan.h"

namespace floe::exec {

struct OperatorStats {
  int64_t rows_out = 0;
  int64_t batches_out = 0;
  double seconds = 0;  // wall time inside the operator's own work (approximate)
  int64_t spilled_rows = 0;   // rows written to spill files past the memory limit
  int64_t spilled_bytes = 0;
  // Rows a hash aggregation set aside (its workers' tables did not reduce them) and
  // aggregated once, a partition of key hashes at a time.
  int64_t partitioned_rows = 0;
  // Rows a hash aggregation grouped by the dictionary codes of their keys.
  int64_t coded_rows = 0;
  // A window with a row limit per partition: rows it saw, and how many of them it kept.
  int64_t limited_rows_seen = 0;
  int64_t limited_rows_kept = 0;
};

struct ExecOptions {
  int threads = 1;
  // Rows read by scans so far and the total expected (-1 unknown).
  std::function<void(int64_t rows_done, int64_t rows_total)> progress;
  bool collect_stats = false;  // EXPLAIN ANALYZE
  // Bytes the operators that hold rows (sort, join build, aggregation, set operations) may
  // keep at once; 0 = no limit. Past it sorts, hash aggregations and hash joins spill rows to
  // files under temp_directory; the other operators stop with ResourceError naming them.
  int64_t memory_limit = 0;
  // Where spill files go (a per-query folder inside it); "" = the system's temporary folder.
  std::string temp_directory;
};

struct ExecStats {
  std::mutex mu;
  std::map<const PlanNode*, OperatorStats> per_operator;
  // Totals over the query: what went to spill files.
  int64_t spilled_rows = 0;
  int64_t spilled_bytes = 0;
};

// Runs `plan` and returns its result batches in order (ordered plans keep their order).
std::vector<columnar::Batch> execute_plan(const PlanNode& plan, const ExecOptions& options,
                                          ExecStats* stats = nullptr);

// Renders the plan with the measured rows per operator (EXPLAIN ANALYZE).
std::string explain_analyzed(const PlanNode& plan, ExecStats& stats);

}  // namespace floe::exec
