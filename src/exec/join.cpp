// Joins. The right child is materialized (the build side); left batches stream through
// (the probe side), in parallel when the left side is a parallel scan. A hash join finds
// candidate pairs by keys (packed or encoded, see key_index.h); a nested-loop join pairs
// every row; both then apply the residual condition and the join kind's rules for unmatched
// rows. Right, full, right semi and right anti joins flag the build rows some probe row
// matched (from any probe worker) and emit the build rows their kind keeps once the probe
// side is done.
//
// A hash join whose build side passes the memory limit spills (Grace hash join): both sides
// are written to partition files by key hash and joined partition by partition, each build
// partition in memory. Rows with NULL keys never match, so any partition is right for them;
// a mark join's partitions answer NULL from whether the whole build side is empty or has a
// NULL key, which the build side's partitioning notes.
#include <deque>
#include <memory>
#include <mutex>

#include "exec/expression_evaluator.h"
#include "exec/operator.h"
#include "exec/dense_key_map.h"
#include "exec/key_bitmap.h"
#include "exec/key_index.h"
#include "exec/partitioned_input.h"
#include "exec/partitioned_key_index.h"
#include "exec/vector_ops.h"

namespace floe::exec {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;

namespace {

constexpr size_t kMaxPairs = 65536;

// What a mark join's NULL answers depend on, of the whole build side.
struct WholeBuild {
  bool empty = false;
  bool has_null_key = false;
};

struct BuildSide {
  Batch rows;
  // Hash join: the build rows' keys and each key's rows, in a hash table or (one integer key
  // of dense values) by value.
  PartitionedKeyIndex keys;
  std::optional<DenseKeyMap> dense;
  // One integer key of a narrow range, hashed (not dense): its values as a bitmap, which
  // probe rows pass before their keys are encoded and looked up (see JoinProbe).
  std::shared_ptr<const KeyBitmap> bitmap;
  bool has_null_key = false;
  std::unique_ptr<std::atomic<uint8_t>[]> matched;  // see tracks_build_matches
  // A partition of a spilled build side: the whole side's facts (mark joins read them).
  std::optional<WholeBuild> whole;

  bool empty_as_a_whole() const { return whole ? whole->empty : rows.num_rows() == 0; }
  bool has_null_key_as_a_whole() const { return whole ? whole->has_null_key : has_null_key; }

  int64_t first_row(int64_t id) const { return dense ? dense->first_row(id) : keys.first_row(id); }
  int64_t next_row(int64_t row) const { return dense ? dense->next_row(row) : keys.next_row(row); }
};

// Whether the join's one key is an integer of the same type on both sides: the build side
// may then be a DenseKeyMap.
bool may_index_densely(const PlanNode& node) {
  return node.kind == PlanKind::kHashJoin && node.left_keys.size() == 1 &&
         node.left_keys[0]->type == node.right_keys[0]->type &&
         is_integer_key_type(node.left_keys[0]->type);
}

// How both sides' keys are packed: the same way, or (when their key types differ) not at all,
// so that equal keys on either side hash alike.
KeyLayout join_layout(const PlanNode& node) {
  std::vector<DataType> left, right;
  for (const auto& k : node.left_keys) left.push_back(k->type);
  for (const auto& k : node.right_keys) right.push_back(k->type);
  KeyLayout l = KeyLayout::of(left);
  return l == KeyLayout::of(right) ? l : KeyLayout{};
}

// Joins whose output is the build rows only (the probe rows just decide which).
bool emits_build_only(JoinKind k) { return k == JoinKind::kRightSemi || k == JoinKind::kRightAnti; }

// Joins that flag which build rows were matched.
bool tracks_build_matches(JoinKind k) {
  return k == JoinKind::kRight || k == JoinKind::kFull || emits_build_only(k);
}

// The columns of left then right that an inner or outer join emits, in order.
std::vector<size_t> emitted_columns(const PlanNode& node) {
  std::vector<size_t> cols;
  if (node.emit_columns) {
    for (int e : *node.emit_columns) cols.push_back(size_t(e));
  } else {
    size_t n = node.children[0]->output.size() + node.children[1]->output.size();
    for (size_t i = 0; i < n; ++i) cols.push_back(i);
  }
  return cols;
}

// Rows `sel` of probe batch `left` as the join emits probe rows nothing matched: the build
// side's columns NULL.
Batch unmatched_probe_rows(const PlanNode& node, const Batch& left,
                           const columnar::SelectionVector& sel) {
  Batch out;
  out.schema.fields = node.output;
  out.rows_without_columns = int64_t(sel.size());
  size_t lw = left.columns.size();
  for (size_t e : emitted_columns(node))
    out.columns.push_back(e < lw ? left.columns[e].take(sel)
                                 : null_column(node.children[1]->output[e - lw].type,
                                               int64_t(sel.size())));
  return out;
}

class JoinProbe : public Consumer {
 public:
  // With `probe_matched` (a nested-loop join whose build side comes in chunks, probe rows
  // consumed in order on one thread), each probe row's match is OR-ed into it instead of
  // emitting probe rows by whether they matched: the caller does that after the last chunk.
  JoinProbe(const PlanNode& node, BuildSide& build, Consumer& out,
            std::vector<uint8_t>* probe_matched = nullptr)
      : node_(node), build_(build), out_(out), layout_(join_layout(node)),
        probe_matched_(probe_matched) {
    schema_.fields = node.output;
    size_t left_cols = node.children[0]->output.size();
    for (size_t i = 0; i < left_cols; ++i) left_fields_.push_back(node.children[0]->output[i]);
  }

  void consume(Batch&& left, int worker) override {
    int64_t rows = left.num_rows();
    if (rows == 0) return;
    JoinKind kind = node_.join_type;
    bool build_only = emits_build_only(kind);
    // Joins keeping a left row once whatever matches it: without a residual, a found key is a
    // match, and its build rows need not be paired.
    bool key_decides = !node_.residual &&
                       (kind == JoinKind::kSemi || kind == JoinKind::kAnti || kind == JoinKind::kMark);
    std::vector<uint8_t> left_matched(size_t(rows), 0);
    std::vector<uint8_t> left_null_key(size_t(rows), 0);
    std::vector<uint32_t> li, ri;
    li.reserve(kMaxPairs);
    ri.reserve(kMaxPairs);
    auto flush = [&] {
      if (li.empty()) return;
      process_pairs(left, li, ri, left_matched, worker);
      li.clear();
      ri.clear();
    };
    if (node_.kind == PlanKind::kHashJoin) {
      ColumnViews keys;
      for (const auto& k : node_.left_keys) keys.add(*k, left);
      std::vector<int64_t> found(static_cast<size_t>(rows));
      if (build_.dense) {
        build_.dense->find_all(keys[0], found.data(), left_null_key.data());
      } else if (build_.bitmap && bitmap_pays()) {
        find_past_bitmap(keys[0], found, left_null_key);
      } else {
        KeyBatch enc;
        encode_key_batch(layout_, keys.pointers(), rows, enc);
        build_.keys.find_all(enc, found.data());
        for (int64_t i = 0; i < rows; ++i) left_null_key[size_t(i)] = enc.has_null[size_t(i)];
      }
      for (int64_t i = 0; i < rows; ++i) {
        if (left_null_key[size_t(i)]) continue;
        int64_t id = found[size_t(i)];
        if (id < 0) continue;
        if (key_decides) {
          left_matched[size_t(i)] = 1;
          continue;
        }
        int64_t head = build_.first_row(id);
        if (build_only && !node_.residual) {
          // Without a residual a key's rows are all matched together, so a matched first
          // row means the whole chain is (or is being) flagged.
          if (build_.matched[head].load(std::memory_order_relaxed)) continue;
          for (int64_t r = head; r >= 0; r = build_.next_row(r))
            build_.matched[r].store(1, std::memory_order_relaxed);
          continue;
        }
        for (int64_t r = head; r >= 0; r = build_.next_row(r)) {
          // A build row already matched needs no further residual tests.
          if (build_only && build_.matched[r].load(std::memory_order_relaxed)) continue;
          li.push_back(uint32_t(i));
          ri.push_back(uint32_t(r));
          if (li.size() >= kMaxPairs) flush();
        }
      }
    } else {
      int64_t right_rows = build_.rows.num_rows();
      for (int64_t i = 0; i < rows; ++i) {
        for (int64_t r = 0; r < right_rows; ++r) {
          if (build_only && build_.matched[r].load(std::memory_order_relaxed)) continue;
          li.push_back(uint32_t(i));
          ri.push_back(uint32_t(r));
          if (li.size() >= kMaxPairs) flush();
        }
      }
    }
    flush();
    if (build_only) return;  // the build rows are emitted after the probe side
    if (probe_matched_) {
      for (int64_t i = 0; i < rows; ++i)
        (*probe_matched_)[size_t(next_probe_row_ + i)] |= left_matched[size_t(i)];
      next_probe_row_ += rows;
      return;
    }
    // Unmatched left rows.
    columnar::SelectionVector unmatched;
    if (kind == JoinKind::kLeft || kind == JoinKind::kFull || kind == JoinKind::kAnti) {
      for (int64_t i = 0; i < rows; ++i)
        if (!left_matched[size_t(i)]) unmatched.push_back(uint32_t(i));
    }
    if (kind == JoinKind::kSemi) {
      columnar::SelectionVector sel;
      for (int64_t i = 0; i < rows; ++i)
        if (left_matched[size_t(i)]) sel.push_back(uint32_t(i));
      if (!sel.empty()) emit_left_only(left, sel, worker);
    } else if (kind == JoinKind::kAnti) {
      if (!unmatched.empty()) emit_left_only(left, unmatched, worker);
    } else if (kind == JoinKind::kMark) {
      Column mark{DataType(columnar::TypeId::kBoolean)};
      mark.reserve(rows);
      const bool build_empty = build_.empty_as_a_whole();
      const bool build_null = build_.has_null_key_as_a_whole();
      for (int64_t i = 0; i < rows; ++i) {
        if (left_matched[size_t(i)]) mark.append_bool(true);
        else if (node_.mark_null_aware && !build_empty &&
                 (left_null_key[size_t(i)] || build_null || residual_unknown(i)))
          mark.append_null();
        else mark.append_bool(false);
      }
      Batch out;
      out.schema = schema_;
      out.rows_without_columns = rows;
      for (auto& c : left.columns) out.columns.push_back(std::move(c));
      out.columns.push_back(std::move(mark));
      out_.consume(std::move(out), worker);
    } else if (!unmatched.empty()) {
      out_.consume(unmatched_probe_rows(node_, left, unmatched), worker);
    }
  }

 private:
  bool residual_unknown(int64_t) const { return false; }

  // Whether testing probe keys against the build side's bitmap still pays: after a sample,
  // not when it passes nearly every row (the lookups are made all the same).
  bool bitmap_pays() const {
    constexpr int64_t kSample = int64_t(1) << 16;
    const int64_t seen = bitmap_seen_.load(std::memory_order_relaxed);
    return seen < kSample || bitmap_passed_.load(std::memory_order_relaxed) * 8 < seen * 7;
  }

  // found[i]: the key id of probe key i, or -1; only the keys the bitmap passes are encoded
  // and looked up. NULL keys are flagged in null_key.
  void find_past_bitmap(const Column& keys, std::vector<int64_t>& found,
                        std::vector<uint8_t>& null_key) {
    const int64_t rows = keys.size();
    std::vector<uint8_t> pass(size_t(rows), 1);
    build_.bitmap->drop_absent(keys, pass);
    columnar::SelectionVector sel;
    sel.reserve(size_t(rows));
    for (int64_t i = 0; i < rows; ++i)
      if (pass[size_t(i)]) sel.push_back(uint32_t(i));
    if (keys.null_count() > 0)
      for (int64_t i = 0; i < rows; ++i) null_key[size_t(i)] = keys.is_null(i);
    bitmap_seen_ += rows;
    bitmap_passed_ += int64_t(sel.size());
    std::fill(found.begin(), found.end(), int64_t(-1));
    if (sel.empty()) return;
    Column passed = keys.take(sel);
    KeyBatch enc;
    encode_key_batch(layout_, {&passed}, passed.size(), enc);
    std::vector<int64_t> ids(sel.size());
    build_.keys.find_all(enc, ids.data());
    for (size_t j = 0; j < sel.size(); ++j) found[sel[j]] = ids[j];
  }

  void emit_left_only(const Batch& left, const columnar::SelectionVector& sel, int worker) {
    Batch out = take_rows(left, sel);
    out.schema = schema_;
    out_.consume(std::move(out), worker);
  }

  void process_pairs(const Batch& left, std::vector<uint32_t>& li, std::vector<uint32_t>& ri,
                     std::vector<uint8_t>& left_matched, int worker) {
    JoinKind kind = node_.join_type;
    bool need_columns = node_.residual || kind == JoinKind::kInner || kind == JoinKind::kLeft ||
                        kind == JoinKind::kRight || kind == JoinKind::kFull;
    Batch joined;
    // Without a residual only the emitted columns are gathered; with one, every column
    // (the residual may read any), and the emitted ones are kept after it.
    bool gather_emitted = node_.emit_columns && !node_.residual;
    if (need_columns) {
      joined.rows_without_columns = int64_t(li.size());
      if (gather_emitted) {
        size_t lw = left.columns.size();
        for (int e : *node_.emit_columns)
          joined.columns.push_back(size_t(e) < lw ? left.columns[size_t(e)].take(li)
                                                  : build_.rows.columns[size_t(e) - lw].take(ri));
      } else {
        for (const auto& c : left.columns) joined.columns.push_back(c.take(li));
        for (const auto& c : build_.rows.columns) joined.columns.push_back(c.take(ri));
      }
    }
    columnar::SelectionVector keep;
    if (node_.residual) {
      keep = evaluate_filter(*node_.residual, joined);
    } else {
      keep.resize(li.size());
      for (size_t i = 0; i < li.size(); ++i) keep[i] = uint32_t(i);
    }
    for (uint32_t k : keep) {
      left_matched[li[k]] = 1;
      if (build_.matched) build_.matched[ri[k]].store(1, std::memory_order_relaxed);
    }
    if (kind == JoinKind::kInner || kind == JoinKind::kLeft || kind == JoinKind::kRight ||
        kind == JoinKind::kFull) {
      if (keep.empty()) return;
      if (node_.emit_columns && !gather_emitted) {
        std::vector<Column> all = std::move(joined.columns);
        joined.columns.clear();
        for (int e : *node_.emit_columns) joined.columns.push_back(std::move(all[size_t(e)]));
      }
      Batch out = keep.size() == li.size() ? std::move(joined) : take_rows(joined, keep);
      out.schema = schema_;
      out_.consume(std::move(out), worker);
    }
  }

  const PlanNode& node_;
  BuildSide& build_;
  Consumer& out_;
  columnar::Schema schema_;
  std::vector<columnar::Field> left_fields_;
  KeyLayout layout_;
  std::atomic<int64_t> bitmap_seen_{0}, bitmap_passed_{0};  // probe keys (see bitmap_pays)
  std::vector<uint8_t>* probe_matched_;  // see the constructor
  int64_t next_probe_row_ = 0;
};

// The build rows (b.rows, all of `batches` in one), their hash table and the matched flags
// (see tracks_build_matches). A large build side has its batches' keys encoded, its columns
// concatenated and its table built on all workers.
void index_build_side(const PlanNode& node, ExecContext& ctx, std::vector<Batch> batches,
                      BuildSide& b) {
  int64_t n = 0;
  for (const Batch& part : batches) n += part.num_rows();
  int threads = n >= PartitionedKeyIndex::kParallelRows ? ctx.threads() : 1;
  if (tracks_build_matches(node.join_type)) {
    b.matched.reset(new std::atomic<uint8_t>[size_t(std::max<int64_t>(n, 1))]);
    for (int64_t i = 0; i < n; ++i) b.matched[i].store(0);
  }
  bool hashed = node.kind == PlanKind::kHashJoin;
  if (may_index_densely(node)) {
    ColumnViews parts;
    for (const Batch& part : batches) parts.add(*node.right_keys[0], part);
    b.dense = DenseKeyMap::of(parts.pointers());
    if (b.dense) {
      b.has_null_key = b.dense->has_null_key();
      hashed = false;
    }
  }
  const columnar::Schema& schema = node.children[1]->schema();
  KeyLayout layout = join_layout(node);
  std::vector<KeyBatch> keys(hashed ? batches.size() : 0);
  // One batch (or none) is moved, not copied.
  bool concatenate = batches.size() > 1;
  if (concatenate) {
    b.rows = Batch::empty_of(schema);
    b.rows.rows_without_columns = n;
  }
  // Tasks: a batch's keys, then a column of the concatenated rows.
  size_t columns = concatenate ? b.rows.columns.size() : 0;
  run_workers(keys.size() + columns, threads, [&](size_t task, int) {
    if (task < keys.size()) {
      ColumnViews cols;
      for (const auto& k : node.right_keys) cols.add(*k, batches[task]);
      encode_key_batch(layout, cols.pointers(), batches[task].num_rows(), keys[task]);
      return;
    }
    size_t c = task - keys.size();
    b.rows.columns[c].reserve(n);
    for (const Batch& part : batches) b.rows.columns[c].append_column(part.columns[c]);
  });
  if (!concatenate) b.rows = batches.empty() ? Batch::empty_of(schema) : std::move(batches[0]);
  b.rows.schema = schema;
  batches.clear();
  if (!hashed) return;
  b.has_null_key = b.keys.build(std::move(keys), threads);
  if (may_index_densely(node)) {
    ColumnViews build_keys;
    if (auto bits = KeyBitmap::of(build_keys.add(*node.right_keys[0], b.rows)))
      b.bitmap = std::make_shared<const KeyBitmap>(std::move(*bits));
  }
}

// After the probe side: the build rows nothing matched for right and full joins (with NULLs
// for the left columns) and right anti joins, the matched ones for right semi joins.
void emit_build_rows(const PlanNode& node, BuildSide& b, Consumer& out) {
  JoinKind kind = node.join_type;
  if (!tracks_build_matches(kind)) return;
  uint8_t wanted = kind == JoinKind::kRightSemi ? 1 : 0;
  columnar::SelectionVector sel;
  for (int64_t i = 0; i < b.rows.num_rows(); ++i)
    if (b.matched[i].load() == wanted) sel.push_back(uint32_t(i));
  if (sel.empty()) return;
  Batch rest;
  rest.schema.fields = node.output;
  rest.rows_without_columns = int64_t(sel.size());
  if (emits_build_only(kind)) {
    for (const auto& c : b.rows.columns) rest.columns.push_back(c.take(sel));
  } else {
    size_t lw = node.children[0]->output.size();
    for (size_t e : emitted_columns(node)) {
      rest.columns.push_back(e < lw ? null_column(node.children[0]->output[e].type,
                                                  int64_t(sel.size()))
                                    : b.rows.columns[e - lw].take(sel));
    }
  }
  emit_in_slices(std::move(rest), out);
}

// Inner, semi, right, right semi and right anti joins against an empty build side have no
// output.
bool nothing_to_join(const PlanNode& node, const BuildSide& b) {
  JoinKind kind = node.join_type;
  return b.rows.num_rows() == 0 && (kind == JoinKind::kInner || kind == JoinKind::kSemi ||
                                    kind == JoinKind::kRight || emits_build_only(kind));
}

// The key hashes of `rows` under `keys` (the same hashes the build side's table uses, so
// that a partition holds a key's rows from both sides); *null_key set when a row's key has
// a NULL.
std::vector<uint64_t> key_hashes(const PlanNode& node, const std::vector<ExpressionPtr>& keys,
                                 const Batch& rows, bool* null_key = nullptr) {
  ColumnViews cols;
  for (const auto& k : keys) cols.add(*k, rows);
  KeyBatch enc;
  encode_key_batch(join_layout(node), cols.pointers(), rows.num_rows(), enc);
  if (null_key)
    for (uint8_t n : enc.has_null) *null_key = *null_key || n;
  return std::move(enc.hashes);
}

// Gathers the build side. A hash join whose build side passes half the memory limit writes
// it, and from then on everything arriving, to partition files by key hash instead.
class BuildCollector : public Consumer {
 public:
  BuildCollector(const PlanNode& node, ExecContext& ctx, bool may_spill)
      : node_(node), ctx_(ctx), may_spill_(may_spill) {}
  ~BuildCollector() override {
    if (held_) ctx_.hold(-held_, "join build side");
  }
  void consume(Batch&& b, int) override {
    if (b.num_rows() == 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (parts_) {
      parts_->append_by_hash(b, key_hashes(node_, node_.right_keys, b, &null_key_));
      return;
    }
    if (file_) {
      file_->append(b);
      return;
    }
    int64_t bytes = batch_memory(b);
    if (may_spill_ && ctx_.would_exceed(bytes, spill_share(0)) &&
        node_.kind == PlanKind::kNestedLoopJoin) {
      // A nested-loop join pairs every row: its build side is read back in chunks.
      file_ = std::make_unique<SpillFile>(ctx_.spill_directory());
      for (auto& held : rows_.take()) file_->append(held);
      ctx_.hold(-held_, "join build side");
      held_ = 0;
      file_->append(b);
      return;
    }
    if (may_spill_ && ctx_.would_exceed(bytes, spill_share(0))) {
      parts_ = std::make_unique<SpillPartitions>(ctx_.spill_directory(), 0);
      for (auto& held : rows_.take())
        parts_->append_by_hash(held, key_hashes(node_, node_.right_keys, held, &null_key_));
      ctx_.hold(-held_, "join build side");
      held_ = 0;
      parts_->append_by_hash(b, key_hashes(node_, node_.right_keys, b, &null_key_));
      return;
    }
    ctx_.hold(bytes, "join build side");
    held_ += bytes;
    rows_.consume(std::move(b), 0);
  }
  // Null while everything stayed in memory (a hash join's partitions, a nested-loop join's
  // file).
  SpillPartitions* partitions() { return parts_.get(); }
  SpillFile* file() { return file_.get(); }
  std::vector<Batch> rows() { return rows_.take(); }
  // Once spilled: the whole build side's facts.
  WholeBuild whole() const { return {parts_->rows() == 0, null_key_}; }

 private:
  const PlanNode& node_;
  ExecContext& ctx_;
  bool may_spill_;
  std::mutex mu_;
  CollectConsumer rows_;
  int64_t held_ = 0;
  std::unique_ptr<SpillPartitions> parts_;
  std::unique_ptr<SpillFile> file_;
  bool null_key_ = false;  // a spilled row's key has a NULL
};

// Writes what it consumes to a spill file.
class SpillWriter : public Consumer {
 public:
  explicit SpillWriter(SpillFile& file) : file_(file) {}
  void consume(Batch&& b, int) override {
    if (b.num_rows() > 0) file_.append(b);
  }

 private:
  SpillFile& file_;
};

// Build rows a join holds in memory, accounted against the query's limit until released
// (at the latest when it goes).
struct HeldBuildRows {
  ExecContext& ctx;
  int64_t bytes = 0;
  void add(int64_t n) {
    ctx.hold(n, "join build side");
    bytes += n;
  }
  void release() {
    ctx.hold(-bytes, "join build side");
    bytes = 0;
  }
  ~HeldBuildRows() { release(); }
};

// A nested-loop join whose build side did not fit (written to `build_file`, the probe side
// to `probe_file`): the build rows are read back a chunk at a time, as many as fit, and the
// probe rows streamed past each chunk. Build rows nothing matched are emitted after their
// chunk; probe rows are emitted by whether any chunk matched them after the last one.
void nested_loop_in_chunks(const PlanNode& node, ExecContext& ctx, Consumer& out,
                           SpillFile& build_file, SpillFile& probe_file) {
  const JoinKind kind = node.join_type;
  const bool by_probe_match = kind == JoinKind::kLeft || kind == JoinKind::kFull ||
                              kind == JoinKind::kSemi || kind == JoinKind::kAnti;
  std::vector<uint8_t> probe_matched(by_probe_match ? size_t(probe_file.rows()) : 0, 0);
  SpillFile::Reader build_reader(build_file);
  Batch b;
  std::deque<Batch> rest;  // parts of a batch too large for one chunk
  bool more = build_reader.next(b);
  while (more) {
    CollectConsumer rows;
    HeldBuildRows held{ctx};
    do {
      int64_t bytes = batch_memory(b);
      if (ctx.would_exceed(bytes, spill_share(0))) {
        if (held.bytes > 0) break;
        // One batch larger than a chunk may be: its first rows that fit, the rest next.
        int64_t n = b.num_rows();
        while (n > 1 && ctx.would_exceed(bytes, spill_share(0))) {
          n = (n + 1) / 2;
          bytes = (bytes + 1) / 2;
        }
        if (n < b.num_rows()) {
          rest.push_back(batch_slice(b, n, b.num_rows() - n));
          b = batch_slice(b, 0, n);
          bytes = batch_memory(b);
        }
      }
      held.add(bytes);
      b.schema = node.children[1]->schema();
      rows.consume(std::move(b), 0);
      if (!rest.empty()) {
        b = std::move(rest.front());
        rest.pop_front();
        more = true;
      } else {
        more = build_reader.next(b);
      }
    } while (more);
    BuildSide side;
    index_build_side(node, ctx, rows.take(), side);
    {
      JoinProbe probe(node, side, out, by_probe_match ? &probe_matched : nullptr);
      SpillFile::Reader probe_reader(probe_file);
      Batch p;
      while (probe_reader.next(p)) {
        p.schema = node.children[0]->schema();
        probe.consume(std::move(p), 0);
      }
    }
    emit_build_rows(node, side, out);
  }
  if (!by_probe_match) return;
  SpillFile::Reader probe_reader(probe_file);
  Batch p;
  int64_t first = 0;
  const uint8_t wanted = kind == JoinKind::kSemi ? 1 : 0;
  while (probe_reader.next(p)) {
    const int64_t n = p.num_rows();
    columnar::SelectionVector sel;
    for (int64_t i = 0; i < n; ++i)
      if (probe_matched[size_t(first + i)] == wanted) sel.push_back(uint32_t(i));
    first += n;
    if (sel.empty()) continue;
    if (kind == JoinKind::kSemi || kind == JoinKind::kAnti) {
      Batch kept = take_rows(p, sel);
      kept.schema.fields = node.output;
      out.consume(std::move(kept), 0);
    } else {
      out.consume(unmatched_probe_rows(node, p, sel), 0);
    }
  }
}

// Writes the probe side's rows to partitions by key hash.
class ProbePartitioner : public Consumer {
 public:
  ProbePartitioner(const PlanNode& node, SpillPartitions& parts) : node_(node), parts_(parts) {}
  void consume(Batch&& b, int) override {
    if (b.num_rows() == 0) return;
    parts_.append_by_hash(b, key_hashes(node_, node_.left_keys, b));
  }

 private:
  const PlanNode& node_;
  SpillPartitions& parts_;
};

// Joins one pair of partitions: the build rows in memory, the probe rows streamed through.
// A build partition that still does not fit is split again (with the probe partition) by the
// next hash bits; one that cannot be split (one key) is joined in memory or fails honestly.
void join_partition(const PlanNode& node, ExecContext& ctx, Consumer& out, SpillFile* build_file,
                    SpillFile* probe_file, int level, const WholeBuild& whole) {
  CollectConsumer rows;
  HeldBuildRows held{ctx};
  std::unique_ptr<SpillFile::Reader> build_reader;
  if (build_file) build_reader = std::make_unique<SpillFile::Reader>(*build_file);
  Batch b;
  while (build_reader && build_reader->next(b)) {
    int64_t bytes = batch_memory(b);
    if (level <= SpillPartitions::kMaxLevel && ctx.would_exceed(bytes, spill_share(level))) {
      SpillPartitions build_parts(ctx.spill_directory(), level);
      SpillPartitions probe_parts(ctx.spill_directory(), level);
      for (auto& r : rows.take()) build_parts.append_by_hash(r, key_hashes(node, node.right_keys, r));
      held.release();
      do {
        build_parts.append_by_hash(b, key_hashes(node, node.right_keys, b));
      } while (build_reader->next(b));
      build_reader.reset();
      if (probe_file) {
        SpillFile::Reader probe_reader(*probe_file);
        while (probe_reader.next(b)) probe_parts.append_by_hash(b, key_hashes(node, node.left_keys, b));
      }
      ctx.record_spill(node, build_parts.rows() + probe_parts.rows(),
                       build_parts.bytes() + probe_parts.bytes());
      for (int p = 0; p < SpillPartitions::kCount; ++p) {
        SpillFile* sub = build_parts.file(p);
        // All rows in one partition again: their keys are equal, splitting cannot help.
        int next = sub && sub->rows() == build_file->rows() ? SpillPartitions::kMaxLevel + 1
                                                            : level + 1;
        join_partition(node, ctx, out, sub, probe_parts.file(p), next, whole);
      }
      return;
    }
    held.add(bytes);
    rows.consume(std::move(b), 0);
  }
  BuildSide side;
  index_build_side(node, ctx, rows.take(), side);
  side.whole = whole;
  if (nothing_to_join(node, side)) return;
  if (probe_file) {
    JoinProbe probe(node, side, out);
    SpillFile::Reader probe_reader(*probe_file);
    while (probe_reader.next(b)) probe.consume(std::move(b), 0);
  }
  emit_build_rows(node, side, out);
}

// The scan that column `at` of `node`'s output comes from, through the probe sides of joins
// whose every output row holding the column stems from a probe row with its value (inner,
// left, semi, anti and mark joins, which run after the join above has its build side),
// projections that pass it on and filters; `at` becomes the scan's output column. Null when
// there is none.
const PlanNode* scan_of_probe_column(const PlanNode& node, int& at) {
  const PlanNode* n = &node;
  while (at >= 0) {
    if (size_t(at) >= n->output.size()) return nullptr;
    switch (n->kind) {
      case PlanKind::kScan:
        return n->source && size_t(at) < n->scan_columns.size() ? n : nullptr;
      case PlanKind::kFilter:
        break;
      case PlanKind::kProject: {
        const Expression& e = *n->exprs.at(size_t(at));
        if (e.op != ExprOp::kColumn) return nullptr;
        at = e.column_index;
        break;
      }
      case PlanKind::kHashJoin: {
        const JoinKind k = n->join_type;
        const size_t left = n->children[0]->output.size();
        if (k == JoinKind::kInner || k == JoinKind::kLeft) {
          if (n->emit_columns) at = n->emit_columns->at(size_t(at));
        } else if (k != JoinKind::kSemi && k != JoinKind::kAnti && k != JoinKind::kMark) {
          return nullptr;
        }
        if (size_t(at) >= left) return nullptr;  // a build-side column
        break;
      }
      default:
        return nullptr;
    }
    n = n->children.at(0).get();
  }
  return nullptr;
}

// A hash join whose probe side is a scan (or reads one, see scan_of_probe_column) and whose
// one key is a column of it hands the scan its build keys (formats::KeyFilter), for joins
// where a probe row that finds no key is not emitted (inner, left semi, right ones): the
// scan drops such rows before reading their other columns. A filter that keeps most rows
// stops testing after a sample. Cleared when the probe side is done (the filter reads the
// build side).
class KeyFilterOnProbeScan {
 public:
  KeyFilterOnProbeScan(const PlanNode& node, const BuildSide& build) {
    const JoinKind k = node.join_type;
    if (node.kind != PlanKind::kHashJoin || node.left_keys.size() != 1) return;
    if (k != JoinKind::kInner && k != JoinKind::kSemi && k != JoinKind::kRight &&
        k != JoinKind::kRightSemi && k != JoinKind::kRightAnti)
      return;
    const Expression& key = *node.left_keys[0];
    if (key.op != ExprOp::kColumn) return;
    int at = key.column_index;
    const PlanNode* found = scan_of_probe_column(*node.children[0], at);
    if (!found) return;
    const PlanNode& probe = *found;
    const int column = probe.scan_columns[size_t(at)];
    if (!(probe.source->schema().fields.at(size_t(column)).type == key.type)) return;
    KeyLayout layout = join_layout(node);
    // Integer build keys of a narrow range are tested as a bitmap, without hashing.
    std::shared_ptr<const KeyBitmap> bitmap = build.bitmap;
    if (!bitmap && is_integer_key_type(key.type) && is_integer_key_type(node.right_keys[0]->type)) {
      ColumnViews build_keys;
      if (auto b = KeyBitmap::of(build_keys.add(*node.right_keys[0], build.rows)))
        bitmap = std::make_shared<const KeyBitmap>(std::move(*b));
    }
    auto seen = std::make_shared<std::atomic<int64_t>>(0);
    auto kept = std::make_shared<std::atomic<int64_t>>(0);
    auto retired = std::make_shared<std::atomic<bool>>(false);
    const PartitionedKeyIndex* index = &build.keys;
    const DenseKeyMap* dense = build.dense ? &*build.dense : nullptr;
    formats::KeyFilter filter;
    filter.retired = retired;
    filter.may_match = [layout, index, dense, bitmap, seen, kept, retired](
                           const Column& values, std::vector<uint8_t>& keep) {
      int64_t k = 0;
      if (bitmap) {
        bitmap->drop_absent(values, keep);
        for (uint8_t x : keep) k += x;
      } else if (dense) {
        std::vector<int64_t> found(size_t(values.size()));
        std::vector<uint8_t> null_key(size_t(values.size()), 0);
        dense->find_all(values, found.data(), null_key.data());
        for (size_t i = 0; i < found.size(); ++i) {
          keep[i] = found[i] >= 0;
          k += keep[i];
        }
      } else {
        KeyBatch enc;
        encode_key_batch(layout, {&values}, values.size(), enc);
        std::vector<int64_t> found(size_t(values.size()));
        index->find_all(enc, found.data());
        for (size_t i = 0; i < found.size(); ++i) {
          keep[i] = found[i] >= 0 && !enc.has_null[i];
          k += keep[i];
        }
      }
      // The scan decodes its pages all the same, so a dropped row saves only its gathering
      // and its probe: after a sample that kept more than an eighth of the rows (half, for
      // a bitmap, whose test costs next to nothing), the probe alone is cheaper, and the
      // filter retires.
      constexpr int64_t kSample = int64_t(1) << 16;
      const int64_t s = *seen += values.size();
      const int64_t p = *kept += k;
      if (s >= kSample && (bitmap ? p * 2 > s : p * 8 > s))
        retired->store(true, std::memory_order_relaxed);
    };
    if (probe.source->set_key_filter(column, std::move(filter))) source_ = probe.source.get();
  }
  ~KeyFilterOnProbeScan() {
    if (source_) source_->clear_key_filters();
  }
  KeyFilterOnProbeScan(const KeyFilterOnProbeScan&) = delete;
  KeyFilterOnProbeScan& operator=(const KeyFilterOnProbeScan&) = delete;

 private:
  TableSource* source_ = nullptr;
};

void produce_join(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  // (A mark join's NULL answers depend on the whole build side: its partitions are told
  // whether it is empty and has a NULL key. A nested-loop mark join stays in memory.)
  bool may_spill = node.kind == PlanKind::kHashJoin || node.join_type != JoinKind::kMark;
  BuildCollector collect(node, ctx, may_spill);
  produce(*node.children[1], ctx, collect);
  if (SpillFile* build_file = collect.file()) {
    SpillFile probe_file(ctx.spill_directory());
    {
      SpillWriter writer(probe_file);
      produce(*node.children[0], ctx, writer);
    }
    build_file->finish_writing();
    probe_file.finish_writing();
    ctx.record_spill(node, build_file->rows() + probe_file.rows(),
                     build_file->bytes() + probe_file.bytes());
    nested_loop_in_chunks(node, ctx, out, *build_file, probe_file);
    return;
  }
  if (SpillPartitions* build_parts = collect.partitions()) {
    SpillPartitions probe_parts(ctx.spill_directory(), 0);
    {
      ProbePartitioner partitioner(node, probe_parts);
      produce(*node.children[0], ctx, partitioner);
    }
    ctx.record_spill(node, build_parts->rows() + probe_parts.rows(),
                     build_parts->bytes() + probe_parts.bytes());
    for (int p = 0; p < SpillPartitions::kCount; ++p)
      join_partition(node, ctx, out, build_parts->file(p), probe_parts.file(p), 1, collect.whole());
    return;
  }
  BuildSide b;
  index_build_side(node, ctx, collect.rows(), b);
  if (nothing_to_join(node, b)) return;
  {
    JoinProbe probe(node, b, out);
    KeyFilterOnProbeScan filter(node, b);
    produce(*node.children[0], ctx, probe);
  }
  emit_build_rows(node, b, out);
}

}  // namespace

void produce_hash_join(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  produce_join(node, ctx, out);
}

void produce_nested_loop_join(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  produce_join(node, ctx, out);
}

}  // namespace floe::exec
