#include "sql/table_rewrite.h"

#include <mutex>

#include "base/parallel_for.h"
#include "exec/expression_evaluator.h"
#include "exec/operator.h"
#include "iceberg/data_writer.h"
#include "iceberg/scan_planner.h"
#include "iceberg/snapshot_update.h"
#include "iceberg/table_reader.h"

namespace floe::sql {

using columnar::Batch;

RewriteResult rewrite_table(iceberg::TableOperations& ops, const RowSelector& select,
                            const formats::ScanPredicate& pushed, const RowRewrite& rewrite,
                            const std::function<std::vector<Batch>()>& extra_rows, int threads) {
  RewriteResult result;
  auto m = ops.current();
  const iceberg::Snapshot* snap = m->current_snapshot();
  const iceberg::TableSchema& schema = m->current_schema();
  iceberg::DataWriter writer(ops.io(), m);
  try {
    iceberg::SnapshotChanges changes;
    if (snap) {
      iceberg::ScanPlan plan = iceberg::plan_scan(ops.io(), *m, snap, schema, pushed, threads);
      iceberg::TableReader reader(ops.io(), *m, schema, {}, formats::ScanPredicate());
      // Each task (one data file) is read and decided on its own thread; the writer takes
      // the replacement rows one file at a time.
      std::mutex mu;
      parallel_for(int64_t(plan.tasks.size()), threads, [&](int64_t t) {
        const auto& task = plan.tasks[size_t(t)];
        std::vector<Batch> rows;
        reader.read(task, [&](Batch&& b) {
          rows.push_back(std::move(b));
          return true;
        });
        // One batch per file: a selector that runs a query (dml_row_query.h) runs it once.
        if (rows.size() > 1) {
          Batch whole = exec::concatenate_batches(rows, rows[0].schema);
          rows.clear();
          rows.push_back(std::move(whole));
        }
        std::vector<RowSelection> hits(rows.size());
        int64_t matched = 0;
        for (size_t i = 0; i < rows.size(); ++i) {
          if (select) {
            hits[i] = select(rows[i]);
          } else {
            for (int64_t r = 0; r < rows[i].num_rows(); ++r) hits[i].rows.push_back(uint32_t(r));
          }
          matched += int64_t(hits[i].rows.size());
        }
        if (matched == 0) return;
        std::vector<Batch> out;
        bool changed = false;
        for (size_t i = 0; i < rows.size(); ++i) {
          size_t before = out.size();
          if (!hits[i].rows.empty() && rewrite(rows[i], hits[i], out)) {
            changed = true;
            continue;
          }
          out.resize(before);
          out.push_back(std::move(rows[i]));
        }
        if (!changed) return;
        std::lock_guard<std::mutex> lock(mu);
        result.rows_matched += matched;
        result.files_rewritten += 1;
        changes.removed_files.insert(task.file.file_path);
        for (auto& b : out) {
          result.rows_written += b.num_rows();
          if (b.num_rows() > 0) writer.write(std::move(b));
        }
      });
    }
    if (extra_rows)
      for (auto& b : extra_rows()) {
        result.rows_written += b.num_rows();
        if (b.num_rows() > 0) writer.write(std::move(b));
      }
    changes.added_data_files = writer.finish();
    if (changes.removed_files.empty() && changes.added_data_files.empty()) return result;
    changes.operation = changes.removed_files.empty() ? "append"
                        : changes.added_data_files.empty() ? "delete" : "overwrite";
    iceberg::commit_changes(ops, changes);
  } catch (...) {
    writer.abort();
    throw;
  }
  return result;
}

}  // namespace floe::sql
