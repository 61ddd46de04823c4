// Top-N: ORDER BY .. LIMIT n [OFFSET m] without holding the whole input. Each worker keeps
// the best n + m rows it has seen: its batches are buffered, and when the buffer reaches a
// few times n + m rows it is cut back to the best n + m. At the end the workers' rows are
// sorted once more and the first n + m emitted (the first m dropped by the limit above).
// Memory is bounded by the buffer, not by the input.
#include <mutex>

#include "exec/expression_evaluator.h"
#include "exec/operator.h"
#include "exec/row_comparator.h"

namespace floe::exec {

using columnar::Batch;
using columnar::Column;

namespace {

// The best `keep` rows of `rows` by the node's sort keys, in sorted order (stable).
Batch best_rows(const PlanNode& node, Batch&& rows, int64_t keep) {
  ColumnViews keys;
  for (const auto& k : node.sort_keys) keys.add(*k.expr, rows);
  std::vector<SortColumn> cols;
  for (size_t i = 0; i < keys.size(); ++i)
    cols.push_back({&keys[i], node.sort_keys[i].descending, node.sort_keys[i].nulls_first});
  auto order = sorted_order(cols, rows.num_rows(), keep);
  return take_rows(rows, order);
}

class TopNSink : public Consumer {
 public:
  TopNSink(const PlanNode& node, ExecContext& ctx, int64_t keep)
      : node_(node), ctx_(ctx), keep_(keep), workers_(size_t(ctx.threads())) {
    schema_ = node.children[0]->schema();
    // Cutting back costs a sort of the buffer; doing it when the buffer holds several
    // times what is kept makes that cost small per input row.
    compact_at_ = std::max<int64_t>(keep * 4, 65536);
  }

  ~TopNSink() override {
    for (auto& w : workers_) ctx_.hold(-w.held, "ORDER BY .. LIMIT");
  }

  void consume(Batch&& b, int worker) override {
    if (b.num_rows() == 0) return;
    Worker& w = workers_[size_t(worker)];
    w.rows += b.num_rows();
    w.parts.push_back(std::move(b));
    if (w.rows >= compact_at_) compact(w);
    account(w);
  }

  void finish(Consumer& out) {
    std::vector<Batch> parts;
    for (auto& w : workers_)
      for (auto& p : w.parts) parts.push_back(std::move(p));
    Batch best = parts.empty() ? Batch::empty_of(schema_)
                               : best_rows(node_, concatenate_batches(parts, schema_), keep_);
    best.schema.fields = node_.output;
    emit_in_slices(std::move(best), out);
  }

 private:
  struct Worker {
    std::vector<Batch> parts;
    int64_t rows = 0;
    int64_t held = 0;
  };

  void compact(Worker& w) {
    Batch best = best_rows(node_, concatenate_batches(w.parts, schema_), keep_);
    w.rows = best.num_rows();
    w.parts.push_back(std::move(best));
  }

  void account(Worker& w) { hold_batches(ctx_, w.parts, w.held, "ORDER BY .. LIMIT"); }

  const PlanNode& node_;
  ExecContext& ctx_;
  int64_t keep_;
  int64_t compact_at_;
  columnar::Schema schema_;
  std::vector<Worker> workers_;
};

}  // namespace

void produce_top_n(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  TopNSink sink(node, ctx, node.limit + node.offset);
  produce(*node.children[0], ctx, sink);
  sink.finish(out);
}

}  // namespace floe::exec
