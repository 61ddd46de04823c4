#include "exec/external_sort.h"

#include <algorithm>
#include <queue>

#include "exec/expression_evaluator.h"
#include "exec/normalized_sort.h"
#include "exec/row_comparator.h"

namespace floe::exec {

using columnar::Batch;
using columnar::Column;

namespace {

// Gathering stops at this share of the limit: sorting a run needs its rows twice for a
// moment (the gathered batches and their concatenation) plus the keys; what the sort itself
// holds per row (sort_bytes_per_row) is counted with the rows as they arrive.
constexpr double kGatherShare = 0.3;
// The merge keeps one batch per run in memory within this share of the limit.
constexpr double kMergeShare = 0.5;

// Bytes per batch written to a run: small enough that many runs merge at once.
int64_t run_batch_bytes(const ExecContext& ctx) {
  int64_t limit = ctx.options.memory_limit;
  if (limit <= 0) return 4 << 20;
  return std::clamp<int64_t>(limit / 32, 16 << 10, 4 << 20);
}

// One run being merged: its current batch (data columns, then the sort keys) and position.
struct RunCursor {
  std::unique_ptr<SpillFile::Reader> reader;
  Batch batch;
  int64_t pos = 0;
  int64_t held = 0;
  std::vector<SortColumn> keys;
  std::vector<const Column*> key_columns;

  // The next non-empty batch; false at the run's end. Accounts what it holds.
  bool load(ExecContext& ctx, const PlanNode& node, size_t data_columns) {
    while (true) {
      ctx.hold(-held, "sort merge");
      held = 0;
      batch = Batch();
      if (!reader->next(batch)) return false;
      if (batch.num_rows() == 0) continue;
      held = batch_memory(batch);
      ctx.hold(held, "sort merge");
      pos = 0;
      keys.clear();
      key_columns.clear();
      for (size_t k = 0; k < node.sort_keys.size(); ++k) {
        const Column* c = &batch.columns[data_columns + k];
        keys.push_back({c, node.sort_keys[k].descending, node.sort_keys[k].nulls_first});
        key_columns.push_back(c);
      }
      return true;
    }
  }
  int64_t rows() const { return batch.num_rows(); }
};

}  // namespace

struct SortSink::Sorted {
  Batch rows;
  std::vector<Column> keys;
  std::vector<uint32_t> order;
};

SortSink::SortSink(const PlanNode& node, ExecContext& ctx)
    : node_(node),
      ctx_(ctx),
      input_schema_(node.children[0]->schema()),
      limit_(node.limit >= 0 ? node.limit + node.offset : -1) {
  std::vector<columnar::DataType> key_types;
  for (const auto& k : node.sort_keys) key_types.push_back(k.expr->type);
  sort_row_bytes_ = sort_bytes_per_row(key_types);
}

SortSink::~SortSink() {
  if (held_) ctx_.hold(-held_, "sort");
}

void SortSink::consume(Batch&& batch, int) {
  int64_t bytes = batch_memory(batch);
  // A batch that is large next to the limit is gathered in slices, so that a run can be cut
  // before the memory it needs passes the limit.
  int64_t limit = ctx_.options.memory_limit;
  int64_t rows = batch.num_rows();
  if (limit > 0 && rows > 64 && bytes > int64_t(double(limit) * kGatherShare / 4)) {
    int64_t slice = std::max<int64_t>(
        32, rows * int64_t(double(limit) * kGatherShare / 8) / std::max<int64_t>(bytes, 1));
    for (int64_t off = 0; off < rows; off += slice) {
      gather(batch_slice(batch, off, std::min(slice, rows - off)));
    }
    return;
  }
  gather(std::move(batch));
}

void SortSink::gather(Batch&& batch) {
  int64_t bytes = batch_memory(batch) + batch.num_rows() * sort_row_bytes_;
  std::lock_guard<std::mutex> lock(mu_);
  if (!pending_.empty() && ctx_.would_exceed(bytes, kGatherShare)) spill_run();
  ctx_.hold(bytes, "sort");
  held_ += bytes;
  pending_.push_back(std::move(batch));
}

Batch SortSink::take_pending() {
  if (pending_.size() == 1) return concatenate_batches(pending_, input_schema_);
  Batch all = concatenate_batches(pending_, input_schema_);
  int64_t bytes = batch_memory(all) + all.num_rows() * sort_row_bytes_;
  ctx_.hold(bytes, "sort");
  ctx_.hold(-held_, "sort");
  held_ = bytes;
  pending_.clear();
  return all;
}

SortSink::Sorted SortSink::sort_batch(Batch&& rows) {
  Sorted s;
  s.rows = std::move(rows);
  for (const auto& k : node_.sort_keys) s.keys.push_back(evaluate(*k.expr, s.rows));
  std::vector<SortColumn> cols;
  for (size_t i = 0; i < s.keys.size(); ++i)
    cols.push_back({&s.keys[i], node_.sort_keys[i].descending, node_.sort_keys[i].nulls_first});
  s.order = sorted_order(cols, s.rows.num_rows(), limit_, ctx_.threads());
  return s;
}

void SortSink::spill_run() {
  Sorted s = sort_batch(take_pending());
  int64_t keys_bytes = 0;
  for (const auto& k : s.keys) keys_bytes += int64_t(k.memory_bytes());
  ctx_.hold(keys_bytes, "sort");
  held_ += keys_bytes;
  key_types_.clear();
  for (const auto& k : s.keys) key_types_.push_back(k.type());
  int64_t rows = int64_t(s.order.size());
  int64_t total = std::max<int64_t>(1, batch_memory(s.rows) + keys_bytes);
  int64_t slice =
      std::max<int64_t>(64, s.rows.num_rows() * run_batch_bytes(ctx_) / total);
  auto run = std::make_unique<SpillFile>(ctx_.spill_directory());
  for (int64_t off = 0; off < rows; off += slice) {
    int64_t n = std::min(slice, rows - off);
    columnar::SelectionVector sel(s.order.begin() + off, s.order.begin() + off + n);
    Batch part = take_rows(s.rows, sel);
    part.schema = input_schema_;
    for (const auto& k : s.keys) part.columns.push_back(k.take(sel));
    largest_run_batch_ = std::max(largest_run_batch_, batch_memory(part));
    run->append(part);
  }
  run->finish_writing();
  ctx_.record_spill(node_, run->rows(), run->bytes());
  runs_.push_back(std::move(run));
  s = Sorted();
  ctx_.hold(-held_, "sort");
  held_ = 0;
}

void SortSink::finish(Consumer& out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (runs_.empty()) {
    Sorted s = sort_batch(take_pending());
    Batch sorted = take_rows(s.rows, s.order);
    sorted.schema.fields = node_.output;
    s = Sorted();
    emit_in_slices(std::move(sorted), out);
    return;
  }
  if (!pending_.empty()) spill_run();
  // More runs than fit in memory together are merged in passes: each pass merges neighbouring
  // groups of runs into one run each, keeping their order, so ties still come out in arrival
  // order and every row is rewritten once per pass.
  int64_t limit = ctx_.options.memory_limit;
  size_t fan_in = runs_.size();
  if (limit > 0 && largest_run_batch_ > 0)
    fan_in = size_t(std::max<int64_t>(
        2, int64_t(double(limit) * kMergeShare) / (2 * largest_run_batch_)));
  while (runs_.size() > fan_in) {
    std::vector<std::unique_ptr<SpillFile>> merged_runs;
    for (size_t first = 0; first < runs_.size(); first += fan_in) {
      size_t end = std::min(runs_.size(), first + fan_in);
      if (end - first == 1) {
        merged_runs.push_back(std::move(runs_[first]));
        continue;
      }
      std::vector<std::unique_ptr<SpillFile>> group;
      for (size_t i = first; i < end; ++i) group.push_back(std::move(runs_[i]));
      auto merged = std::make_unique<SpillFile>(ctx_.spill_directory());
      merge_runs(std::move(group), false, nullptr, merged.get());
      merged->finish_writing();
      ctx_.record_spill(node_, merged->rows(), merged->bytes());
      merged_runs.push_back(std::move(merged));
    }
    runs_ = std::move(merged_runs);
  }
  merge_runs(std::move(runs_), true, &out, nullptr);
  runs_.clear();
}

void SortSink::merge_runs(std::vector<std::unique_ptr<SpillFile>> runs, bool final_pass,
                          Consumer* out, SpillFile* into) {
  size_t data_columns = input_schema_.fields.size();
  std::vector<RunCursor> cursors(runs.size());
  for (size_t i = 0; i < runs.size(); ++i)
    cursors[i].reader = std::make_unique<SpillFile::Reader>(*runs[i]);
  auto release = [&] {
    for (auto& c : cursors) {
      ctx_.hold(-c.held, "sort merge");
      c.held = 0;
    }
  };
  // a comes before b: the smaller row, or on a tie the earlier run.
  auto before = [&](size_t a, size_t b) {
    int c = compare_rows(cursors[a].keys, cursors[a].pos, cursors[b].key_columns, cursors[b].pos);
    return c ? c < 0 : a < b;
  };
  auto later = [&](size_t a, size_t b) { return before(b, a); };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
  try {
    for (size_t i = 0; i < cursors.size(); ++i)
      if (cursors[i].load(ctx_, node_, data_columns)) heap.push(i);

    // Output in batches of run size; the final pass drops the key columns.
    columnar::Schema out_schema = input_schema_;
    if (final_pass) out_schema.fields = node_.output;
    size_t out_columns = final_pass ? data_columns : data_columns + node_.sort_keys.size();
    int64_t target = run_batch_bytes(ctx_);
    auto fresh = [&] {
      Batch b;
      b.schema = out_schema;
      for (size_t c = 0; c < out_columns; ++c)
        b.columns.emplace_back(c < data_columns ? input_schema_.fields[c].type
                                                : key_types_[c - data_columns]);
      return b;
    };
    Batch building = fresh();
    int64_t building_rows = 0;
    auto flush = [&] {
      if (building_rows == 0) return;
      building.rows_without_columns = building_rows;
      if (into) into->append(building);
      else out->consume(std::move(building), 0);
      building = fresh();
      building_rows = 0;
    };
    int64_t emitted = 0;
    while (!heap.empty() && (limit_ < 0 || emitted < limit_)) {
      size_t c = heap.top();
      heap.pop();
      RunCursor& cur = cursors[c];
      // Take the longest stretch of this run that comes before every other run's next row.
      int64_t start = cur.pos;
      int64_t end = start + 1;
      if (!heap.empty()) {
        size_t other = heap.top();
        while (end < cur.rows()) {
          int cmp = compare_rows(cur.keys, end, cursors[other].key_columns, cursors[other].pos);
          if (cmp > 0 || (cmp == 0 && c > other)) break;
          ++end;
        }
      } else {
        end = cur.rows();
      }
      if (limit_ >= 0) end = std::min(end, start + (limit_ - emitted));
      for (size_t col = 0; col < out_columns; ++col)
        building.columns[col].append_range(cur.batch.columns[col], start, end - start);
      building_rows += end - start;
      emitted += end - start;
      cur.pos = end;
      if (cur.pos < cur.rows() || cur.load(ctx_, node_, data_columns)) heap.push(c);
      if (building_rows > 0 && batch_memory(building) >= target) flush();
    }
    flush();
  } catch (...) {
    release();
    throw;
  }
  release();
}

}  // namespace floe::exec
