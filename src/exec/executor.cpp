#include "exec/executor.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "exec/expression_evaluator.h"
#include "exec/operator.h"
#include "exec/vector_ops.h"

namespace floe::exec {

using columnar::Batch;
using columnar::Column;

void run_workers(size_t n, int threads, const std::function<void(size_t, int)>& fn) {
  if (threads <= 1 || n <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i, 0);
    return;
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mu;
  auto work = [&](int worker) {
    for (size_t i = next++; i < n && !failed; i = next++) {
      try {
        fn(i, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  int extra = int(std::min<size_t>(size_t(threads), n)) - 1;
  std::vector<std::thread> pool;
  for (int t = 0; t < extra; ++t) pool.emplace_back(work, t + 1);
  work(0);
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

int64_t batch_memory(const Batch& b) {
  int64_t n = 0;
  for (const auto& c : b.columns) n += int64_t(c.memory_bytes());
  return n;
}

void hold_batches(ExecContext& ctx, const std::vector<Batch>& parts, int64_t& held,
                  const char* what) {
  int64_t bytes = 0;
  for (const auto& p : parts) bytes += batch_memory(p);
  if (bytes != held) {
    ctx.hold(bytes - held, what);
    held = bytes;
  }
}

std::string memory_amount(int64_t bytes) {
  return bytes >= (int64_t(1) << 30)
             ? fmt::format("{:.2f} GiB", double(bytes) / double(int64_t(1) << 30))
             : fmt::format("{:.1f} MiB", double(bytes) / double(int64_t(1) << 20));
}

void ExecContext::hold(int64_t bytes, const char* what) {
  int64_t now = memory_held += bytes;
  if (bytes > 0 && options.memory_limit > 0 && now > options.memory_limit) {
    memory_held -= bytes;
    throw ResourceError(fmt::format(
        "the query needs more than its memory limit of {} (the {} holds {} with the other operators); "
        "raise it with SET memory_limit = '..GB', or read less (filters, fewer columns)",
        memory_amount(options.memory_limit), what, memory_amount(now)));
  }
}

SpillDirectory& ExecContext::spill_directory() {
  std::lock_guard<std::mutex> lock(spill_mu_);
  if (!spill_) spill_ = std::make_unique<SpillDirectory>(options.temp_directory);
  return *spill_;
}

void ExecContext::record_spill(const PlanNode& node, int64_t rows, int64_t bytes) {
  if (!stats || rows == 0) return;
  std::lock_guard<std::mutex> lock(stats->mu);
  auto& s = stats->per_operator[&node];
  s.spilled_rows += rows;
  s.spilled_bytes += bytes;
  stats->spilled_rows += rows;
  stats->spilled_bytes += bytes;
}

void ExecContext::record_partitioned(const PlanNode& node, int64_t rows) {
  if (!stats || rows == 0) return;
  std::lock_guard<std::mutex> lock(stats->mu);
  stats->per_operator[&node].partitioned_rows += rows;
}

void ExecContext::record_coded(const PlanNode& node, int64_t rows) {
  if (!stats || rows == 0) return;
  std::lock_guard<std::mutex> lock(stats->mu);
  stats->per_operator[&node].coded_rows += rows;
}

void ExecContext::record_limited(const PlanNode& node, int64_t seen, int64_t kept) {
  if (!stats) return;
  std::lock_guard<std::mutex> lock(stats->mu);
  stats->per_operator[&node].limited_rows_seen += seen;
  stats->per_operator[&node].limited_rows_kept += kept;
}

CollectConsumer::~CollectConsumer() {
  if (ctx_ && held_) ctx_->hold(-held_, what_);
}

void CollectConsumer::consume(Batch&& batch, int) {
  if (ctx_) {
    int64_t bytes = batch_memory(batch);
    ctx_->hold(bytes, what_);
    std::lock_guard<std::mutex> lock(mu_);
    held_ += bytes;
    batches_.push_back(std::move(batch));
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  batches_.push_back(std::move(batch));
}

Batch concatenate_batches(std::vector<Batch>& parts, const columnar::Schema& schema) {
  if (parts.size() == 1) {
    Batch b = std::move(parts[0]);
    parts.clear();
    b.schema = schema;
    return b;
  }
  Batch out = Batch::empty_of(schema);
  int64_t rows = 0;
  for (auto& b : parts) rows += b.num_rows();
  for (size_t c = 0; c < out.columns.size(); ++c) {
    out.columns[c].reserve(rows);
    for (auto& b : parts) out.columns[c].append_column(b.columns[c]);
  }
  out.rows_without_columns = rows;
  parts.clear();
  return out;
}

Batch batch_slice(const Batch& batch, int64_t offset, int64_t rows) {
  Batch part;
  part.schema = batch.schema;
  part.rows_without_columns = rows;
  for (const auto& c : batch.columns) part.columns.push_back(c.slice(offset, rows));
  return part;
}

Batch CollectConsumer::concatenated(const columnar::Schema& schema) {
  std::lock_guard<std::mutex> lock(mu_);
  return concatenate_batches(batches_, schema);
}

void emit_in_slices(Batch&& batch, Consumer& out, int worker) {
  constexpr int64_t max_rows = 65536;
  int64_t rows = batch.num_rows();
  if (rows <= max_rows) {
    if (rows > 0 || batch.columns.empty()) out.consume(std::move(batch), worker);
    return;
  }
  for (int64_t off = 0; off < rows; off += max_rows) {
    int64_t n = std::min(max_rows, rows - off);
    Batch s;
    s.schema = batch.schema;
    for (const auto& c : batch.columns) s.columns.push_back(c.slice(off, n));
    s.rows_without_columns = n;
    out.consume(std::move(s), worker);
  }
}

Batch batch_in_order(const Batch& batch, const std::vector<uint32_t>& order) {
  return take_rows(batch, order);
}

namespace {

constexpr int64_t kMorselRows = 16384;

// Counts rows leaving an operator (EXPLAIN ANALYZE).
class CountingConsumer : public Consumer {
 public:
  CountingConsumer(const PlanNode* node, ExecContext& ctx, Consumer& next)
      : node_(node), ctx_(ctx), next_(next) {}
  void consume(Batch&& b, int worker) override {
    rows_ += b.num_rows();
    ++batches_;
    next_.consume(std::move(b), worker);
  }
  ~CountingConsumer() override {
    std::lock_guard<std::mutex> lock(ctx_.stats->mu);
    auto& s = ctx_.stats->per_operator[node_];
    s.rows_out += rows_;
    s.batches_out += batches_;
  }

 private:
  const PlanNode* node_;
  ExecContext& ctx_;
  Consumer& next_;
  std::atomic<int64_t> rows_{0}, batches_{0};
};

class FilterConsumer : public Consumer {
 public:
  FilterConsumer(const Expression& predicate, Consumer& next) : predicate_(predicate), next_(next) {}
  void consume(Batch&& b, int worker) override {
    auto sel = evaluate_filter(predicate_, b);
    if (sel.empty()) return;
    if (int64_t(sel.size()) == b.num_rows()) {
      next_.consume(std::move(b), worker);
      return;
    }
    next_.consume(take_rows(b, sel), worker);
  }

 private:
  const Expression& predicate_;
  Consumer& next_;
};

class ProjectConsumer : public Consumer {
 public:
  ProjectConsumer(const PlanNode& node, Consumer& next) : node_(node), next_(next) {
    schema_.fields = node.output;
    // A column that only one output reads, as a bare reference, is moved, not copied.
    std::map<int, int> uses;
    for (const auto& e : node.exprs) {
      std::vector<int> cols;
      collect_columns(*e, cols);
      for (int c : cols) ++uses[c];
    }
    for (const auto& e : node.exprs)
      movable_.push_back(e->op == ExprOp::kColumn && uses[e->column_index] == 1);
  }
  void consume(Batch&& b, int worker) override {
    Batch out;
    out.schema = schema_;
    out.rows_without_columns = b.num_rows();
    out.columns.resize(node_.exprs.size());
    // Computed outputs first, while every input column is still in place.
    for (size_t i = 0; i < node_.exprs.size(); ++i)
      if (!movable_[i]) out.columns[i] = evaluate(*node_.exprs[i], b);
    for (size_t i = 0; i < node_.exprs.size(); ++i)
      if (movable_[i]) out.columns[i] = std::move(b.columns[size_t(node_.exprs[i]->column_index)]);
    next_.consume(std::move(out), worker);
  }

 private:
  std::vector<bool> movable_;
  const PlanNode& node_;
  columnar::Schema schema_;
  Consumer& next_;
};

class LimitConsumer : public Consumer {
 public:
  LimitConsumer(int64_t limit, int64_t offset, Consumer& next)
      : limit_(limit), offset_(offset), next_(next) {}
  void consume(Batch&& b, int worker) override {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t rows = b.num_rows();
    int64_t begin = 0;
    if (skipped_ < offset_) {
      int64_t skip = std::min(rows, offset_ - skipped_);
      skipped_ += skip;
      begin = skip;
    }
    int64_t take = rows - begin;
    if (limit_ >= 0) take = std::min(take, limit_ - emitted_);
    if (take <= 0) return;
    emitted_ += take;
    if (begin == 0 && take == rows) {
      next_.consume(std::move(b), worker);
      return;
    }
    Batch s;
    s.schema = b.schema;
    for (const auto& c : b.columns) s.columns.push_back(c.slice(begin, take));
    s.rows_without_columns = take;
    next_.consume(std::move(s), worker);
  }
  bool done() const { return limit_ >= 0 && emitted_ >= limit_; }

 private:
  std::mutex mu_;
  int64_t limit_, offset_, skipped_ = 0, emitted_ = 0;
  Consumer& next_;
};

void produce_scan(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  TableSource& src = *node.source;
  size_t pieces = src.prepare(node.scan_columns, node.pushed);
  columnar::Schema schema;
  schema.fields = node.output;
  std::optional<FilterConsumer> filter;
  Consumer* target = &out;
  if (node.predicate) {
    filter.emplace(*node.predicate, out);
    target = &*filter;
  }
  run_workers(pieces, ctx.threads(), [&](size_t piece, int worker) {
    src.read(piece, [&](Batch&& b) {
      b.schema = schema;
      int64_t rows = b.num_rows();
      // Progress (and, through its callback, cancellation) once per morsel.
      auto report = [&](int64_t n) {
        int64_t done = ctx.rows_scanned += n;
        if (ctx.options.progress) ctx.options.progress(done, ctx.rows_total);
      };
      if (rows <= kMorselRows || b.columns.empty()) {
        report(rows);
        target->consume(std::move(b), worker);
        return;
      }
      // A row group is cut into morsels that the operators above keep in cache; they are
      // views of the row group's columns, not copies.
      std::vector<std::vector<Column>> pieces;
      for (auto& c : b.columns) pieces.push_back(std::move(c).split(kMorselRows));
      for (int64_t off = 0, i = 0; off < rows; off += kMorselRows, ++i) {
        int64_t n = std::min(kMorselRows, rows - off);
        report(n);
        Batch m;
        m.schema = schema;
        m.rows_without_columns = n;
        for (auto& p : pieces) m.columns.push_back(std::move(p[size_t(i)]));
        target->consume(std::move(m), worker);
      }
    });
  });
}

void produce_node(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  switch (node.kind) {
    case PlanKind::kScan:
      produce_scan(node, ctx, out);
      return;
    case PlanKind::kValues:
      for (const auto& b : node.rows) {
        Batch copy;
        copy.schema = b.schema;
        copy.rows_without_columns = b.num_rows();
        for (const auto& c : b.columns) copy.columns.push_back(c.copy());
        out.consume(std::move(copy), 0);
      }
      return;
    case PlanKind::kFilter: {
      FilterConsumer f(*node.predicate, out);
      produce(*node.children[0], ctx, f);
      return;
    }
    case PlanKind::kProject: {
      ProjectConsumer p(node, out);
      produce(*node.children[0], ctx, p);
      return;
    }
    case PlanKind::kLimit: {
      LimitConsumer l(node.limit, node.offset, out);
      if (node.limit == 0) return;
      produce(*node.children[0], ctx, l);
      return;
    }
    case PlanKind::kUnionAll:
      for (const auto& c : node.children) produce(*c, ctx, out);
      return;
    case PlanKind::kEmpty:
      return;
    case PlanKind::kAggregate:
      produce_aggregate(node, ctx, out);
      return;
    case PlanKind::kHashJoin:
      produce_hash_join(node, ctx, out);
      return;
    case PlanKind::kNestedLoopJoin:
      produce_nested_loop_join(node, ctx, out);
      return;
    case PlanKind::kSort:
      // A small LIMIT needs only the best rows: a streaming top-N, not a full sort.
      if (node.limit >= 0 && node.limit + node.offset <= kTopNMaxRows)
        produce_top_n(node, ctx, out);
      else
        produce_sort(node, ctx, out);
      return;
    case PlanKind::kWindow:
      produce_window(node, ctx, out);
      return;
    case PlanKind::kSetOperation:
      produce_set_operation(node, ctx, out);
      return;
    case PlanKind::kDistinct:
      produce_distinct(node, ctx, out);
      return;
    case PlanKind::kFlatten:
      produce_flatten(node, ctx, out);
      return;
  }
}

}  // namespace

void produce(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  if (ctx.stats) {
    CountingConsumer counting(&node, ctx, out);
    auto start = std::chrono::steady_clock::now();
    produce_node(node, ctx, counting);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::lock_guard<std::mutex> lock(ctx.stats->mu);
    ctx.stats->per_operator[&node].seconds += s;
    return;
  }
  produce_node(node, ctx, out);
}

std::vector<Batch> execute_plan(const PlanNode& plan, const ExecOptions& options, ExecStats* stats) {
  ExecContext ctx;
  ctx.options = options;
  ctx.stats = stats;
  CollectConsumer collect(ctx, "query result");
  produce(plan, ctx, collect);
  auto batches = collect.take();
  columnar::Schema schema = plan.schema();
  for (auto& b : batches) b.schema = schema;
  return batches;
}

namespace {

const char* join_name(JoinKind k) {
  switch (k) {
    case JoinKind::kInner: return "INNER";
    case JoinKind::kLeft: return "LEFT";
    case JoinKind::kRight: return "RIGHT";
    case JoinKind::kFull: return "FULL";
    case JoinKind::kSemi: return "SEMI";
    case JoinKind::kAnti: return "ANTI";
    case JoinKind::kMark: return "MARK";
    case JoinKind::kRightSemi: return "RIGHT SEMI";
    case JoinKind::kRightAnti: return "RIGHT ANTI";
  }
  return "?";
}

std::string describe_node(const PlanNode& n) {
  auto list = [](const std::vector<ExpressionPtr>& es) {
    std::string s;
    for (size_t i = 0; i < es.size(); ++i) s += (i ? ", " : "") + es[i]->to_string();
    return s;
  };
  switch (n.kind) {
    case PlanKind::kScan: {
      std::string s = "SCAN " + n.source->describe();
      if (!n.pushed.empty()) s += fmt::format(" pushed filters: {}", n.pushed.terms.size());
      if (n.predicate) s += " filter: " + n.predicate->to_string();
      return s;
    }
    case PlanKind::kValues: return "VALUES";
    case PlanKind::kFilter: return "FILTER " + n.predicate->to_string();
    case PlanKind::kProject: return "PROJECT " + list(n.exprs);
    case PlanKind::kAggregate: {
      std::string s = "AGGREGATE";
      if (!n.group_keys.empty()) s += " by " + list(n.group_keys);
      for (const auto& a : n.aggregates) s += " " + a.function.name + "(" + list(a.args) + ")";
      if (!n.grouping_sets.empty()) s += fmt::format(" grouping sets: {}", n.grouping_sets.size());
      return s;
    }
    case PlanKind::kHashJoin: {
      std::string s = fmt::format("HASH JOIN {} on ", join_name(n.join_type));
      for (size_t i = 0; i < n.left_keys.size(); ++i)
        s += (i ? " AND " : "") + n.left_keys[i]->to_string() + " = " + n.right_keys[i]->to_string();
      if (n.residual) s += " and " + n.residual->to_string();
      return s;
    }
    case PlanKind::kNestedLoopJoin:
      return fmt::format("NESTED LOOP JOIN {}{}", join_name(n.join_type),
                         n.residual ? " on " + n.residual->to_string() : "");
    case PlanKind::kSort: {
      std::string s = n.limit >= 0 ? fmt::format("TOP {} by ", n.limit + n.offset) : "SORT by ";
      for (size_t i = 0; i < n.sort_keys.size(); ++i)
        s += (i ? ", " : "") + n.sort_keys[i].expr->to_string() +
             (n.sort_keys[i].descending ? " DESC" : "");
      return s;
    }
    case PlanKind::kLimit: return fmt::format("LIMIT {} OFFSET {}", n.limit, n.offset);
    case PlanKind::kUnionAll: return "UNION ALL";
    case PlanKind::kSetOperation:
      return fmt::format("{}{}", n.set_intersect ? "INTERSECT" : "EXCEPT", n.set_all ? " ALL" : "");
    case PlanKind::kDistinct: return "DISTINCT";
    case PlanKind::kWindow:
      if (n.limit < 0) return fmt::format("WINDOW {} functions", n.windows.size());
      return fmt::format("WINDOW {} functions, {} per partition", n.windows.size(),
                         n.limit_kind == WindowFunctionKind::kRowNumber
                             ? fmt::format("first {} rows", n.limit)
                         : n.limit_kind == WindowFunctionKind::kRank
                             ? fmt::format("rows of rank <= {}", n.limit)
                             : fmt::format("rows of dense rank <= {}", n.limit));
    case PlanKind::kEmpty: return "EMPTY";
    case PlanKind::kFlatten: return "FLATTEN " + n.flatten_input->to_string();
  }
  return "?";
}

// `shown`: the plans of shared results already rendered (under the first scan that reads
// them; the later ones say only what they read).
void render(const PlanNode& n, int depth, ExecStats* stats, std::string& out,
            std::set<const PlanNode*>& shown) {
  out += std::string(size_t(depth) * 2, ' ') + describe_node(n);
  if (n.estimated_rows >= 0) out += fmt::format("  (~{} rows)", n.estimated_rows);
  if (stats) {
    auto it = stats->per_operator.find(&n);
    if (it != stats->per_operator.end())
    {
      out += fmt::format("  [{} rows, {:.3f} s", it->second.rows_out, it->second.seconds);
      if (it->second.spilled_rows)
        out += fmt::format(", spilled {} rows / {} bytes", it->second.spilled_rows,
                           it->second.spilled_bytes);
      if (it->second.partitioned_rows)
        out += fmt::format(", {} rows aggregated by partition", it->second.partitioned_rows);
      if (it->second.coded_rows)
        out += fmt::format(", {} rows grouped by dictionary codes", it->second.coded_rows);
      if (n.kind == PlanKind::kWindow && n.limit >= 0)
        out += fmt::format(", kept {} of {} rows", it->second.limited_rows_kept,
                           it->second.limited_rows_seen);
      out += "]";
    }
  }
  if (n.kind == PlanKind::kScan) {
    std::string p = n.source->explain_pruning();
    if (!p.empty()) out += "\n" + std::string(size_t(depth) * 2 + 4, ' ') + p;
  }
  out += "\n";
  if (n.kind == PlanKind::kScan)
    if (const PlanNode* sub = n.source->subplan(); sub && shown.insert(sub).second)
      render(*sub, depth + 1, stats, out, shown);
  for (const auto& c : n.children) render(*c, depth + 1, stats, out, shown);
}

}  // namespace

std::string explain_plan(const PlanNode& plan) {
  std::string s;
  std::set<const PlanNode*> shown;
  render(plan, 0, nullptr, s, shown);
  return s;
}

std::string explain_analyzed(const PlanNode& plan, ExecStats& stats) {
  std::string s;
  std::set<const PlanNode*> shown;
  render(plan, 0, &stats, s, shown);
  return s;
}

}  // namespace floe::exec
