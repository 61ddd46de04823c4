// Window functions: the input is gathered, each window's rows are ordered by (PARTITION BY,
// ORDER BY), and each function is computed partition by partition; results are written
// back in input order as new columns after the input's.
//
// Past the memory limit a window node spills when every one of its functions has a
// PARTITION BY and their lists share some key: rows are written to spill partitions by the
// hash of the shared keys (see partitioned_input.h), so that a window partition never spans
// two files, and each file is computed on its own (output rows then come partition by
// partition, not in input order). Without a shared key the rows have to fit, and passing the
// limit is an error naming the window.
#include <algorithm>

#include <cmath>

#include "exec/expression_evaluator.h"
#include "exec/key_index.h"
#include "exec/normalized_sort.h"
#include "exec/operator.h"
#include "exec/partitioned_input.h"
#include "exec/row_comparator.h"
#include "exec/vector_ops.h"

namespace floe::exec {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

namespace {

// Computes one window call over `all` (sorting on up to `threads` threads); returns its
// column in input row order.
Column compute_window(const WindowCall& w, const Batch& all, int threads) {
  int64_t n = all.num_rows();
  ColumnViews part_cols, order_cols, args;
  for (const auto& e : w.partition_by) part_cols.add(*e, all);
  for (const auto& k : w.order_by) order_cols.add(*k.expr, all);
  for (const auto& e : w.args) args.add(*e, all);
  std::vector<SortColumn> keys;
  for (const Column* c : part_cols.pointers()) keys.push_back({c, false, false});
  for (size_t i = 0; i < order_cols.size(); ++i)
    keys.push_back({&order_cols[i], w.order_by[i].descending, w.order_by[i].nulls_first});
  RowComparator full(keys);
  std::vector<SortColumn> pkeys(keys.begin(), keys.begin() + long(part_cols.size()));
  RowComparator part(pkeys);
  auto order = sorted_order(keys, n, -1, threads);

  // Results indexed by position in `order`, then scattered.
  std::vector<int64_t> int_result;
  std::vector<int64_t> source_row(size_t(n), -1);  // value functions: row whose value to take
  std::vector<double> dbl_result;
  bool is_int = false, is_double = false, is_value = false;
  Column agg_out(w.type);
  std::vector<Column> agg_pieces;
  std::vector<std::pair<int64_t, int64_t>> agg_rows;  // (sorted position range) per piece row

  auto peers = [&](size_t a, size_t b) { return full.compare(order[a], order[b]) == 0; };
  // ROW_NUMBER, NTILE and ROWS frames never look at peers.
  const bool uses_peers =
      w.kind == WindowFunctionKind::kRank || w.kind == WindowFunctionKind::kDenseRank ||
      w.kind == WindowFunctionKind::kPercentRank || w.kind == WindowFunctionKind::kCumeDist ||
      (w.kind != WindowFunctionKind::kRowNumber && w.kind != WindowFunctionKind::kNtile &&
       !w.frame.rows && !w.frame.whole_partition);
  switch (w.kind) {
    case WindowFunctionKind::kRowNumber: case WindowFunctionKind::kRank:
    case WindowFunctionKind::kDenseRank: case WindowFunctionKind::kNtile:
      is_int = true;
      int_result.assign(size_t(n), 0);
      break;
    case WindowFunctionKind::kPercentRank: case WindowFunctionKind::kCumeDist:
      is_double = true;
      dbl_result.assign(size_t(n), 0);
      break;
    case WindowFunctionKind::kAggregate:
      break;
    default:
      is_value = true;
      break;
  }
  std::vector<int64_t> agg_pos_to_piece;
  size_t start = 0;
  std::vector<Column> agg_results(size_t(0));
  std::vector<int64_t> agg_index(size_t(n), -1);  // sorted position -> row in agg_out
  while (start < size_t(n)) {
    size_t end = start + 1;
    while (end < size_t(n) && part.compare(order[start], order[end]) == 0) ++end;
    int64_t len = int64_t(end - start);
    // Peer group bounds for every position (each row its own group when the function has
    // no use for them).
    std::vector<size_t> peer_begin(static_cast<size_t>(len)), peer_end(static_cast<size_t>(len));
    for (size_t i = start; i < end;) {
      size_t j = i + 1;
      while (j < end && uses_peers && peers(i, j)) ++j;
      for (size_t k = i; k < j; ++k) {
        peer_begin[k - start] = i - start;
        peer_end[k - start] = j - start;
      }
      i = j;
    }
    // RANGE frames with offsets: the ORDER BY key of every position, as a number, and the
    // positions [nn_lo, nn_hi) whose key is not NULL (NULLs sort first or last).
    const bool range_offsets =
        !w.frame.rows && !w.frame.whole_partition &&
        (w.frame.start == FrameBoundType::kPreceding || w.frame.start == FrameBoundType::kFollowing ||
         w.frame.end == FrameBoundType::kPreceding || w.frame.end == FrameBoundType::kFollowing);
    std::vector<double> key;
    size_t nn_lo = 0, nn_hi = size_t(len);
    bool descending = false;
    if (range_offsets) {
      const Column& c = order_cols[0];
      descending = w.order_by[0].descending;
      key.resize(size_t(len));
      nn_lo = size_t(len);
      nn_hi = 0;
      for (size_t q = 0; q < size_t(len); ++q) {
        int64_t row = order[start + q];
        if (c.is_null(row)) continue;
        nn_lo = std::min(nn_lo, q);
        nn_hi = q + 1;
        switch (c.type().id()) {
          case TypeId::kInt8: key[q] = double(c.value<int8_t>(row)); break;
          case TypeId::kInt16: key[q] = double(c.value<int16_t>(row)); break;
          case TypeId::kInt32: key[q] = double(c.value<int32_t>(row)); break;
          case TypeId::kDate: key[q] = double(c.value<int32_t>(row)); break;
          case TypeId::kFloat32: key[q] = double(c.value<float>(row)); break;
          case TypeId::kFloat64: key[q] = c.value<double>(row); break;
          case TypeId::kDecimal:  // 128-bit unscaled values
            key[q] = double(c.value<__int128>(row)) / std::pow(10.0, c.type().scale());
            break;
          default: key[q] = double(c.value<int64_t>(row)); break;
        }
      }
      if (nn_lo > nn_hi) nn_lo = nn_hi = 0;
    }
    // The first position in the non-NULL run whose key is at or past `v` in the sort order
    // (at_or_after) or strictly past it.
    auto seek = [&](double v, bool strictly) -> size_t {
      auto before = [&](double k) {
        if (descending) return strictly ? k >= v : k > v;
        return strictly ? k <= v : k < v;
      };
      size_t lo = nn_lo, hi = nn_hi;
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (before(key[mid])) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    if (is_int || is_double) {
      int64_t dense = 0;
      for (size_t p = 0; p < size_t(len); ++p) {
        if (peer_begin[p] == p) ++dense;
        switch (w.kind) {
          case WindowFunctionKind::kRowNumber: int_result[start + p] = int64_t(p) + 1; break;
          case WindowFunctionKind::kRank: int_result[start + p] = int64_t(peer_begin[p]) + 1; break;
          case WindowFunctionKind::kDenseRank: int_result[start + p] = dense; break;
          case WindowFunctionKind::kNtile: {
            int64_t buckets = std::max<int64_t>(1, w.offset);
            int64_t small = len / buckets, extra = len % buckets;
            int64_t i = int64_t(p), b;
            if (i < extra * (small + 1)) b = i / (small + 1);
            else b = extra + (i - extra * (small + 1)) / std::max<int64_t>(small, 1);
            int_result[start + p] = b + 1;
            break;
          }
          case WindowFunctionKind::kPercentRank:
            dbl_result[start + p] = len > 1 ? double(peer_begin[p]) / double(len - 1) : 0.0;
            break;
          default:
            dbl_result[start + p] = double(peer_end[p]) / double(len);
            break;
        }
      }
    } else {
      // Frame of each position: [lo, hi) within the partition.
      auto frame = [&](size_t p, size_t& lo, size_t& hi) {
        const WindowFrameSpec& f = w.frame;
        if (f.whole_partition) {
          lo = 0;
          hi = size_t(len);
          return;
        }
        auto bound = [&](FrameBoundType t, int64_t off, bool is_start) -> int64_t {
          if (range_offsets && (t == FrameBoundType::kPreceding || t == FrameBoundType::kFollowing)) {
            // A NULL key's frame is its peers (the NULLs); otherwise keys within the offset.
            if (p < nn_lo || p >= nn_hi) return int64_t(is_start ? peer_begin[p] : peer_end[p]);
            double amount = is_start ? f.start_range : f.end_range;
            double d = amount * (t == FrameBoundType::kPreceding ? -1 : 1) * (descending ? -1 : 1);
            double target = key[p] + d;
            return int64_t(is_start ? seek(target, false) : seek(target, true));
          }
          switch (t) {
            case FrameBoundType::kUnboundedPreceding: return 0;
            case FrameBoundType::kUnboundedFollowing: return len;
            case FrameBoundType::kCurrentRow:
              if (f.rows) return int64_t(p) + (is_start ? 0 : 1);
              return int64_t(is_start ? peer_begin[p] : peer_end[p]);
            case FrameBoundType::kPreceding:
              return int64_t(p) - off + (is_start ? 0 : 1);
            case FrameBoundType::kFollowing:
              return int64_t(p) + off + (is_start ? 0 : 1);
          }
          return 0;
        };
        int64_t l = std::clamp<int64_t>(bound(f.start, f.start_offset, true), 0, len);
        int64_t h = std::clamp<int64_t>(bound(f.end, f.end_offset, false), 0, len);
        lo = size_t(l);
        hi = size_t(std::max(l, h));
      };
      if (is_value) {
        const Column* v = args.empty() ? nullptr : &args[0];
        for (size_t p = 0; p < size_t(len); ++p) {
          int64_t src = -1;
          if (w.kind == WindowFunctionKind::kLag || w.kind == WindowFunctionKind::kLead) {
            int64_t step = w.kind == WindowFunctionKind::kLag ? -1 : 1;
            int64_t q = int64_t(p);
            int64_t remaining = w.offset;
            if (!w.ignore_nulls) {
              q += step * remaining;
              remaining = 0;
            }
            while (remaining > 0) {
              q += step;
              if (q < 0 || q >= len) break;
              if (v->is_valid(order[start + size_t(q)])) --remaining;
            }
            if (q >= 0 && q < len && remaining == 0) src = int64_t(order[start + size_t(q)]);
            else src = -2;  // use the default
          } else {
            size_t lo, hi;
            frame(p, lo, hi);
            if (lo < hi) {
              if (w.kind == WindowFunctionKind::kFirstValue) {
                for (size_t q = lo; q < hi; ++q) {
                  uint32_t r = order[start + q];
                  if (!w.ignore_nulls || v->is_valid(r)) { src = r; break; }
                }
              } else if (w.kind == WindowFunctionKind::kLastValue) {
                for (size_t q = hi; q-- > lo;) {
                  uint32_t r = order[start + q];
                  if (!w.ignore_nulls || v->is_valid(r)) { src = r; break; }
                }
              } else {  // nth_value
                if (w.offset >= 1 && lo + size_t(w.offset) - 1 < hi)
                  src = order[start + lo + size_t(w.offset) - 1];
              }
            }
          }
          source_row[order[start + p]] = src;
        }
      } else {
        // Aggregate over frames: frames starting at the partition start grow with each peer
        // group, so one accumulator is fed in order; other frames are computed one by one.
        bool running = !w.aggregate.distinct && w.frame.start == FrameBoundType::kUnboundedPreceding;
        std::vector<const Column*> in = args.pointers();
        std::vector<Column> taken(args.size());
        auto feed = [&](Accumulator& acc, size_t lo, size_t hi) {
          if (hi <= lo) return;
          columnar::SelectionVector rows;
          for (size_t q = lo; q < hi; ++q) rows.push_back(order[start + q]);
          std::vector<Column> cols;
          std::vector<const Column*> ptrs;
          for (const Column* c : args.pointers()) cols.push_back(c->take(rows));
          for (auto& c : cols) ptrs.push_back(&c);
          std::vector<uint32_t> gids(rows.size(), 0);
          acc.update(gids.data(), ptrs, int64_t(rows.size()));
        };
        if (running) {
          auto acc = w.aggregate.make();
          acc->resize(1);
          size_t fed = 0;
          for (size_t p = 0; p < size_t(len);) {
            size_t lo, hi;
            frame(p, lo, hi);
            // Positions sharing this frame end (peers in RANGE mode).
            size_t q = p + 1;
            while (q < size_t(len)) {
              size_t l2, h2;
              frame(q, l2, h2);
              if (h2 != hi) break;
              ++q;
            }
            feed(*acc, fed, hi);
            fed = std::max(fed, hi);
            Column v = acc->finalize(1);
            for (size_t k = p; k < q; ++k) {
              agg_index[start + k] = int64_t(agg_pieces.size());
            }
            agg_pieces.push_back(std::move(v));
            p = q;
          }
        } else {
          for (size_t p = 0; p < size_t(len); ++p) {
            size_t lo, hi;
            frame(p, lo, hi);
            auto acc = w.aggregate.make();
            acc->resize(1);
            feed(*acc, lo, hi);
            agg_index[start + p] = int64_t(agg_pieces.size());
            agg_pieces.push_back(acc->finalize(1));
          }
        }
      }
    }
    start = end;
  }
  // Assemble in input order.
  std::vector<int64_t> pos_of_row(static_cast<size_t>(n));
  for (size_t p = 0; p < size_t(n); ++p) pos_of_row[order[p]] = int64_t(p);
  Column out(w.type);
  out.reserve(n);
  if (is_int) {
    for (int64_t r = 0; r < n; ++r) out.append<int64_t>(int_result[size_t(pos_of_row[size_t(r)])]);
  } else if (is_double) {
    for (int64_t r = 0; r < n; ++r) out.append<double>(dbl_result[size_t(pos_of_row[size_t(r)])]);
  } else if (is_value) {
    const Column* v = args.empty() ? nullptr : &args[0];
    const Column* dflt = args.size() > 1 ? &args[1] : nullptr;
    for (int64_t r = 0; r < n; ++r) {
      int64_t src = source_row[size_t(r)];
      if (src >= 0) out.append_range(*v, src, 1);
      else if (src == -2 && dflt) out.append_range(*dflt, r, 1);
      else out.append_null();
    }
  } else {
    for (int64_t r = 0; r < n; ++r)
      out.append_range(agg_pieces[size_t(agg_index[size_t(pos_of_row[size_t(r)])])], 0, 1);
  }
  return out;
}

// The PARTITION BY keys every window call of `node` has (the same expressions, deterministic
// so that they give a row the same value when evaluated again after spilling); empty when some
// call has no PARTITION BY.
std::vector<const Expression*> shared_partition_keys(const PlanNode& node) {
  std::vector<const Expression*> keys;
  if (node.windows.empty()) return keys;
  for (const auto& k : node.windows[0].partition_by) {
    if (!k->is_deterministic()) continue;
    std::string text = k->to_string(true);
    bool everywhere = true;
    for (size_t w = 1; w < node.windows.size() && everywhere; ++w) {
      const auto& others = node.windows[w].partition_by;
      everywhere = std::any_of(others.begin(), others.end(),
                               [&](const ExpressionPtr& o) { return o->to_string(true) == text; });
    }
    bool repeated = std::any_of(keys.begin(), keys.end(),
                                [&](const Expression* e) { return e->to_string(true) == text; });
    if (everywhere && !repeated) keys.push_back(k.get());
  }
  return keys;
}

// One window call as the query wrote it, for messages: "row_number() OVER (ORDER BY x)".
std::string describe_call(const PlanNode& node, size_t w) {
  const WindowCall& call = node.windows[w];
  size_t input_columns = node.children[0]->output.size();
  std::string text = node.output.at(input_columns + w).name + "(";
  for (size_t i = 0; i < call.args.size(); ++i)
    text += (i ? ", " : "") + call.args[i]->to_string();
  text += ") OVER (";
  std::string over;
  for (size_t i = 0; i < call.partition_by.size(); ++i)
    over += (i ? ", " : "PARTITION BY ") + call.partition_by[i]->to_string();
  for (size_t i = 0; i < call.order_by.size(); ++i) {
    over += i ? ", " : over.empty() ? "ORDER BY " : " ORDER BY ";
    over += call.order_by[i].expr->to_string() + (call.order_by[i].descending ? " DESC" : "");
  }
  return text + over + ")";
}

// Why `node` cannot spill, for the error past the memory limit.
std::string cannot_spill_message(const PlanNode& node, const ExecContext& ctx) {
  std::string why;
  for (size_t w = 0; w < node.windows.size() && why.empty(); ++w)
    if (node.windows[w].partition_by.empty())
      why = fmt::format("the window {} has no PARTITION BY to split its rows by",
                        describe_call(node, w));
  if (why.empty())
    why = fmt::format(
        "the PARTITION BY lists of its window functions ({}) share no key to split the rows by",
        describe_call(node, 0) + (node.windows.size() > 1 ? ", .." : ""));
  return fmt::format(
      "the window's rows do not fit in the memory limit of {} and cannot be spilled to disk: {}; "
      "raise it with SET memory_limit = '..GB' (or give every window function a common "
      "PARTITION BY key)",
      memory_amount(ctx.options.memory_limit), why);
}

// Computes every window call over `all` (rows of the node's input) and emits them with their
// results.
void emit_windowed(const PlanNode& node, Batch all, int threads, Consumer& out) {
  Batch result;
  result.schema.fields = node.output;
  result.rows_without_columns = all.num_rows();
  std::vector<Column> computed;
  for (const auto& w : node.windows) computed.push_back(compute_window(w, all, threads));
  for (auto& c : all.columns) result.columns.push_back(std::move(c));
  for (auto& c : computed) result.columns.push_back(std::move(c));
  emit_in_slices(std::move(result), out);
}

// The rows of each window partition (by PARTITION BY, then ORDER BY) whose ROW_NUMBER(),
// RANK() or DENSE_RANK() (node.limit_kind) is at most `node.limit`, of the rows that pass
// through, for a window whose functions are all rankings of one window (see
// sql/window_row_limits.h): each worker buffers its batches and, once the buffer holds a
// few times what it kept last, sorts it and keeps each partition's first rows (in arrival
// order, so that equal rows keep their order). A row dropped has `limit` rows before it
// (or, for the ranks, before its peers) among those seen, so its value is past the limit.
// A cut that keeps more than half of its rows (many small partitions) stops the filtering:
// later rows pass straight on.
class PartitionFirstRows : public Consumer {
 public:
  PartitionFirstRows(const PlanNode& node, ExecContext& ctx, Consumer& next)
      : node_(node), ctx_(ctx), next_(next), workers_(size_t(ctx.threads())) {
    schema_ = node.children[0]->schema();
  }
  ~PartitionFirstRows() override {
    for (auto& w : workers_) ctx_.hold(-w.held, "window");
  }

  void consume(Batch&& b, int worker) override {
    if (b.num_rows() == 0) return;
    Worker& w = workers_[size_t(worker)];
    w.seen += b.num_rows();
    if (w.passing) {
      w.passed += b.num_rows();
      next_.consume(std::move(b), worker);
      return;
    }
    w.rows += b.num_rows();
    w.parts.push_back(std::move(b));
    if (w.rows >= w.cut_at) cut(w, worker);
    account(w);
  }

  // Passes on what each worker kept; returns the rows seen and the rows passed on.
  std::pair<int64_t, int64_t> finish() {
    int64_t seen = 0, passed = 0;
    for (size_t i = 0; i < workers_.size(); ++i) {
      Worker& w = workers_[i];
      if (!w.passing && w.rows > 0) cut(w, int(i));
      for (auto& p : w.parts) {
        w.passed += p.num_rows();
        next_.consume(std::move(p), int(i));
      }
      w.parts.clear();
      account(w);
      seen += w.seen;
      passed += w.passed;
    }
    return {seen, passed};
  }

 private:
  struct Worker {
    std::vector<Batch> parts;
    int64_t rows = 0;
    int64_t held = 0;
    int64_t cut_at = 65536;
    bool passing = false;
    int64_t seen = 0;    // rows consumed
    int64_t passed = 0;  // rows passed on
  };

  void cut(Worker& w, int worker) {
    Batch all = concatenate_batches(w.parts, schema_);
    const WindowCall& call = node_.windows[0];
    ColumnViews part_cols, order_cols;
    for (const auto& e : call.partition_by) part_cols.add(*e, all);
    for (const auto& k : call.order_by) order_cols.add(*k.expr, all);
    std::vector<SortColumn> keys;
    for (const Column* c : part_cols.pointers()) keys.push_back({c, false, false});
    for (size_t i = 0; i < order_cols.size(); ++i)
      keys.push_back({&order_cols[i], call.order_by[i].descending, call.order_by[i].nulls_first});
    RowComparator partition(std::vector<SortColumn>(keys.begin(),
                                                    keys.begin() + long(part_cols.size())));
    RowComparator peers(std::vector<SortColumn>(keys.begin() + long(part_cols.size()),
                                                keys.end()));
    const int64_t n = all.num_rows();
    const bool by_row_number = node_.limit_kind == WindowFunctionKind::kRowNumber;
    const bool one_partition = part_cols.size() == 0;
    auto order = sorted_order(keys, n, one_partition && by_row_number ? node_.limit : -1, 1);
    // Each row's value of the bounded function, counted along its partition: its position
    // (ROW_NUMBER), the position of its first peer (RANK) or its peer group (DENSE_RANK).
    columnar::SelectionVector keep;
    int64_t position = 0, rank = 0, dense_rank = 0;
    for (size_t i = 0; i < order.size(); ++i) {
      const bool first = i == 0 || partition.compare(order[i - 1], order[i]) != 0;
      if (first) position = dense_rank = 0;
      ++position;
      if (first || peers.compare(order[i - 1], order[i]) != 0) {
        rank = position;
        ++dense_rank;
      }
      const int64_t value = by_row_number ? position
                            : node_.limit_kind == WindowFunctionKind::kRank ? rank
                                                                            : dense_rank;
      if (value <= node_.limit) keep.push_back(order[i]);
    }
    std::sort(keep.begin(), keep.end());
    w.rows = int64_t(keep.size());
    w.parts.clear();
    if (w.rows > 0) w.parts.push_back(take_rows(all, keep));
    w.cut_at = std::max<int64_t>(65536, 4 * w.rows);
    if (2 * w.rows > n && n >= 65536) {
      w.passing = true;
      for (auto& p : w.parts) {
        w.passed += p.num_rows();
        next_.consume(std::move(p), worker);
      }
      w.parts.clear();
      w.rows = 0;
    }
  }

  void account(Worker& w) { hold_batches(ctx_, w.parts, w.held, "window"); }

  const PlanNode& node_;
  ExecContext& ctx_;
  Consumer& next_;
  columnar::Schema schema_;
  std::vector<Worker> workers_;
};

}  // namespace

void produce_window(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  std::vector<const Expression*> keys = shared_partition_keys(node);
  RowHasher hasher;
  std::string what = "window";
  if (!keys.empty()) {
    std::vector<DataType> types;
    for (const Expression* k : keys) types.push_back(k->type);
    // Packed or row-encoded, a key hashes alike in every batch, NULLs included.
    hasher = [&keys, layout = KeyLayout::of(types)](const Batch& b) {
      ColumnViews cols;
      for (const Expression* k : keys) cols.add(*k, b);
      KeyBatch enc;
      encode_key_batch(layout, cols.pointers(), b.num_rows(), enc);
      return std::move(enc.hashes);
    };
    std::string by;
    for (const Expression* k : keys) by += (by.empty() ? "" : ", ") + k->to_string();
    what = fmt::format("window (PARTITION BY {})", by);
  }
  columnar::Schema schema = node.children[0]->schema();
  // Each window call sorts all the rows by its PARTITION BY and ORDER BY keys in turn: the
  // largest of those sorts' records is held beside the rows for a moment.
  int64_t sort_bytes = 0;
  for (const auto& w : node.windows) {
    std::vector<DataType> sort_types;
    for (const auto& e : w.partition_by) sort_types.push_back(e->type);
    for (const auto& k : w.order_by) sort_types.push_back(k.expr->type);
    sort_bytes = std::max(sort_bytes, sort_bytes_per_row(sort_types));
  }
  PartitionedCollector collect(ctx, schema, hasher, what,
                               keys.empty() ? cannot_spill_message(node, ctx) : std::string(),
                               sort_bytes);
  if (node.limit >= 0) {
    PartitionFirstRows first(node, ctx, collect);
    produce(*node.children[0], ctx, first);
    auto [seen, kept] = first.finish();
    ctx.record_limited(node, seen, kept);
  } else {
    produce(*node.children[0], ctx, collect);
  }
  if (SpillPartitions* parts = collect.partitions()) {
    PartitionedWork work;
    work.node = &node;
    work.what = what;
    work.unit = "the rows of one PARTITION BY value";
    work.schemas = {schema};
    work.hashers = {hasher};
    work.row_overhead = sort_bytes;
    work.process = [&](std::vector<Batch>& sides) {
      emit_windowed(node, std::move(sides[0]), ctx.threads(), out);
    };
    process_partitions(ctx, work, {parts});
    return;
  }
  emit_windowed(node, collect.rows(), ctx.threads(), out);
}

}  // namespace floe::exec
