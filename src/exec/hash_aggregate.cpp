// Hash aggregation: each worker groups its batches into its own table (keys packed or
// encoded as bytes, see key_index.h; one accumulator per aggregate); the tables are merged
// when the input ends.
// GROUPING SETS / ROLLUP / CUBE run one table per set over the same input.
//
// Past the memory limit the aggregation spills (Grace-style): rows of groups a worker's table
// already has keep aggregating in memory, rows of new groups are written with their evaluated
// keys and arguments to partition files chosen by the key hash. At the end each partition is
// aggregated in a fresh table (which spills again, by the next hash bits, when it does not
// fit), takes over the state the tables in memory hold for its groups, and is emitted; the
// tables in memory then emit the groups left to them.
#include <bit>
#include <deque>
#include <mutex>

#include "exec/expression_evaluator.h"
#include "exec/operator.h"
#include "exec/key_index.h"
#include "exec/vector_ops.h"

namespace floe::exec {

using columnar::Batch;
using columnar::Column;

namespace {

// How a table takes rows: all in memory; only rows of groups it has (the others go to
// disk); none (every row goes to disk, for when even its groups' state keeps growing, as
// MEDIAN's or LISTAGG's does).
enum class Intake { kAll, kKnownGroups, kNone };

// The share of the memory limit past which a table at spill level L stops taking new groups,
// and past which it takes no rows at all. The input's tables (level 0) leave more than half
// the limit to the partitions aggregated later while they stay in memory; each deeper level
// gets half of what is left.
double new_groups_share(int level) {
  return level == 0 ? 0.4 : 1.0 - 1.0 / double(int64_t(2) << level);
}
double any_rows_share(int level) {
  return level == 0 ? 0.5 : 1.0 - 1.0 / double(int64_t(4) << level);
}

Intake intake_for(double over_share, int level) {
  if (over_share >= any_rows_share(level)) return Intake::kNone;
  if (over_share >= new_groups_share(level)) return Intake::kKnownGroups;
  return Intake::kAll;
}

// Batches are aggregated in pieces of at most this many rows near the limit, so that one
// piece's growth cannot overshoot it by much.
constexpr int64_t kPieceRows = 2048;
// What a row may add to a table before the sink has seen one (a new group's hash slot and
// key, and some state per aggregate), to tell whether a batch could bring the table near the
// limit; the sink learns larger values as it goes.
constexpr int64_t kRowBytesGuess = 96;
constexpr int64_t kRowBytesPerAggregate = 128;

// The workers' tables are merged a partition of key hashes at a time, in parallel, once
// they hold this many groups in all; a partition gets about kPartitionGroups of them.
constexpr size_t kPartitionedMergeGroups = size_t(1) << 15;
constexpr size_t kPartitionGroups = size_t(1) << 14;
constexpr int kMaxPartitionBits = 10;
// Entries ahead whose key and slot a partition's merge starts loading.
constexpr size_t kEntriesAhead = 8;

// A worker's table that holds more than a fifth as many groups as it has taken rows, after
// at least kStashCheckRows, reduces its input too little: building a table that large (out
// of cache, rehashed as it grows) only to merge it again later does the work twice. From
// then on the worker sets its rows aside in memory by the top kStashBits of their key
// hashes, and each partition of the merge aggregates them once (Q18's 6 M lineitems of
// 1.5 M orders: 0.23 s -> 0.18 s).
constexpr int64_t kStashCheckRows = 65536;
constexpr int64_t kStashGroupShare = 5;  // groups x this > rows taken: set aside
constexpr int kStashBits = 6;

struct GroupTable {
  KeyIndex keys;
  std::vector<Column> key_values;  // one per key of the set, a value per group
  std::vector<std::unique_ptr<Accumulator>> accumulators;
  std::vector<uint8_t> moved;  // group taken over by a spilled partition's table
  int64_t held = 0;            // bytes accounted for this table
  int64_t rows_in = 0;         // rows aggregated into the table
  // Rows set aside (kStashBits partitions of batches in the spill layout) once the table
  // stopped reducing its input; `stashing` says it did.
  bool stashing = false;
  std::vector<std::vector<Batch>> stash;
  int64_t stash_bytes = 0;
  int64_t stash_rows = 0;
  // Keys that are all dictionary codes: the group of each combination of codes, once
  // looked up (kNoGroup before), for the dictionaries it was made for (held, so that no
  // other dictionary takes their addresses).
  std::vector<std::shared_ptr<const Column>> coded_dictionaries;
  std::vector<uint32_t> coded_groups;

  int64_t memory_bytes() const {
    int64_t bytes = int64_t(keys.memory_bytes()) + stash_bytes;
    for (const auto& c : key_values) bytes += int64_t(c.memory_bytes());
    for (const auto& a : accumulators) bytes += int64_t(a->memory_bytes());
    return bytes;
  }
};

// One set's rows to aggregate: its key columns, each aggregate's arguments and, for
// aggregates with a FILTER, a BOOLEAN column saying which rows pass. Spill files hold exactly
// these columns in this order.
struct GroupInput {
  std::vector<const Column*> keys;
  std::vector<std::vector<const Column*>> args;
  std::vector<const Column*> filters;  // nullptr: no FILTER
  int64_t rows = 0;
};

class AggregateSink : public Consumer {
 public:
  // `stats_node` is the plan node whose statistics count what spills (the node itself
  // unless it stands in for another operator).
  AggregateSink(const PlanNode& node, int workers, ExecContext& ctx,
                const PlanNode* stats_node = nullptr)
      : node_(node),
        stats_node_(stats_node ? *stats_node : node),
        ctx_(ctx),
        row_bytes_(kRowBytesGuess + kRowBytesPerAggregate * int64_t(node.aggregates.size())) {
    if (node.grouping_sets.empty()) {
      std::vector<int> all;
      for (size_t k = 0; k < node.group_keys.size(); ++k) all.push_back(int(k));
      sets_.push_back(all);
    } else {
      sets_ = node.grouping_sets;
    }
    for (const auto& set : sets_) {
      std::vector<columnar::DataType> types;
      for (int k : set) types.push_back(node_.group_keys[size_t(k)]->type);
      layouts_.push_back(KeyLayout::of(types));
    }
    tables_.resize(size_t(workers));
    for (auto& w : tables_)
      for (size_t s = 0; s < sets_.size(); ++s) w.push_back(new_table(s));
    spilled_.resize(sets_.size());
    for (size_t s = 0; s < sets_.size(); ++s) {
      bool merges = true;
      for (const auto& a : tables_[0][s]->accumulators) merges = merges && a->merges_by_group();
      stash_allowed_.push_back(ctx_.threads() >= 2 && workers >= 2 && !sets_[s].empty() && merges);
    }
  }

  void consume(Batch&& b, int worker) override {
    int64_t rows = b.num_rows();
    if (rows == 0) return;
    // Near the limit, a batch is aggregated in pieces so that spilling starts in time: one
    // piece per worker and set may grow the tables at once.
    Intake intake = intake_.load(std::memory_order_relaxed);
    double next_share = intake == Intake::kAll ? new_groups_share(0) : any_rows_share(0);
    if (intake != Intake::kNone &&
        ctx_.would_exceed(rows * row_bytes_.load() + batch_memory(b), next_share)) {
      in_pieces(b, int64_t(tables_.size() * sets_.size()),
                [&](const Batch& piece) { consume_piece(piece, worker); });
      return;
    }
    consume_piece(b, worker);
  }

  ~AggregateSink() override {
    for (auto& w : tables_)
      for (auto& t : w)
        if (t) ctx_.hold(-t->held, "hash aggregation");
  }

  void finish(Consumer& out) {
    ctx_.record_coded(stats_node_, coded_rows_.load());
    for (size_t s = 0; s < sets_.size(); ++s) {
      if (!spilled_[s]) {
        if (merge_in_partitions(s, out)) continue;
        GroupTable& t0 = *tables_[0][s];
        for (size_t w = 1; w < tables_.size(); ++w) merge_into(t0, *tables_[w][s], s);
        emit(t0, s, out);
        continue;
      }
      // After spilling the worker tables are not merged (that would need their memory
      // twice): the partitions take over from all of them, then each takes over from the
      // ones after it the groups they share. Rows still set aside go to the partitions.
      for (auto& w : tables_) flush_stash(*w[s], s, Intake::kNone);
      std::vector<GroupTable*> resident;
      for (auto& w : tables_) resident.push_back(w[s].get());
      finish_partitions(*spilled_[s], s, resident, out);
      for (size_t w = 0; w < resident.size(); ++w) {
        for (size_t v = w + 1; v < resident.size(); ++v) take_over(*resident[w], *resident[v]);
        emit(*resident[w], s, out);
      }
    }
  }

 private:
  std::unique_ptr<GroupTable> new_table(size_t s) const {
    auto t = std::make_unique<GroupTable>();
    for (int k : sets_[s]) t->key_values.emplace_back(node_.group_keys[size_t(k)]->type);
    for (const auto& a : node_.aggregates) t->accumulators.push_back(a.function.make());
    // A global aggregate has exactly one group, even without input rows.
    if (sets_[s].empty())
      for (auto& acc : t->accumulators) acc->resize(1);
    return t;
  }

  void consume_piece(const Batch& b, int worker) {
    int64_t rows = b.num_rows();
    ColumnViews keys;
    for (const auto& k : node_.group_keys) {
      const Column& c = keys.add(*k, b);
      FLOE_CHECK(!c.dictionary() || (k->op == ExprOp::kColumn && c.dictionary()->type() == k->type),
                 "dictionary codes for group key {}", k->to_string());
    }
    std::deque<Column> decoded;  // coded keys' values, for sets that cannot group by codes
    ColumnViews args;
    std::vector<Column> filters(node_.aggregates.size());
    GroupInput in;
    in.rows = rows;
    in.args.resize(node_.aggregates.size());
    in.filters.assign(node_.aggregates.size(), nullptr);
    for (size_t a = 0; a < node_.aggregates.size(); ++a) {
      const auto& call = node_.aggregates[a];
      for (const auto& e : call.args) in.args[a].push_back(&args.add(*e, b));
      if (call.filter) {
        auto sel = evaluate_filter(*call.filter, b);
        Buffer pass;
        pass.resize_zeroed(size_t(rows));
        for (uint32_t r : sel) pass.data()[r] = 1;
        filters[a] = bool_column(std::move(pass), rows);
        in.filters[a] = &filters[a];
      }
    }
    Intake intake = intake_.load(std::memory_order_relaxed);
    for (size_t s = 0; s < sets_.size(); ++s) {
      in.keys.clear();
      for (int k : sets_[s]) in.keys.push_back(&keys[size_t(k)]);
      GroupTable& t = *tables_[size_t(worker)][s];
      // A global aggregate's one group never spills.
      Intake set_intake = sets_[s].empty() ? Intake::kAll : intake;
      if (!(set_intake == Intake::kAll && !t.stashing && groups_by_codes(in.keys, rows)))
        for (const Column*& k : in.keys)
          if (k->dictionary()) k = &decoded.emplace_back(k->decoded());
      if (t.stashing) {
        if (set_intake == Intake::kAll) {
          stash_rows(t, s, in);
          continue;
        }
        flush_stash(t, s, set_intake);  // spilling began: the rows set aside go its way
      }
      add(t, s, in, set_intake, set_intake != Intake::kAll ? &level0_partitions(s) : nullptr);
      if (set_intake == Intake::kAll) {
        t.rows_in += rows;
        t.stashing = stash_allowed_[s] && t.rows_in >= kStashCheckRows &&
                     int64_t(t.keys.size()) * kStashGroupShare > t.rows_in;
      }
    }
    // What this worker holds, against the query's memory limit: past the shares, new groups
    // (then all rows) go to disk from the next batch on.
    int64_t grown = 0;
    for (size_t s = 0; s < sets_.size(); ++s) grown += account(*tables_[size_t(worker)][s]);
    if (grown > rows * row_bytes_.load()) row_bytes_ = grown / rows;
    Intake now = intake_for(memory_share(), 0);
    Intake was = intake_.load();
    while (now > was && !intake_.compare_exchange_weak(was, now)) {
    }
  }

  // Calls fn on `b` in slices small enough that `tables` tables growing by one slice each at
  // the rate seen so far stay within a sixteenth of the limit.
  template <typename Fn>
  void in_pieces(const Batch& b, int64_t tables, Fn&& fn) {
    int64_t rows = b.num_rows();
    int64_t limit = ctx_.options.memory_limit;
    int64_t piece_rows =
        limit > 0 ? std::clamp<int64_t>(limit / (16 * row_bytes_.load() * tables), 16, kPieceRows)
                  : rows;
    if (rows <= piece_rows) {
      fn(b);
      return;
    }
    for (int64_t off = 0; off < rows; off += piece_rows) {
      Batch piece = batch_slice(b, off, std::min(piece_rows, rows - off));
      fn(piece);
    }
  }

  // Accounts what `t` holds now; returns how much it grew.
  int64_t account(GroupTable& t) {
    int64_t bytes = t.memory_bytes();
    int64_t grown = bytes - t.held;
    if (grown) {
      ctx_.hold(grown, "hash aggregation");
      t.held = bytes;
    }
    return grown;
  }

  // The query's memory as a share of its limit (0 without a limit).
  double memory_share() const {
    int64_t limit = ctx_.options.memory_limit;
    return limit > 0 ? double(ctx_.memory_held.load()) / double(limit) : 0.0;
  }

  SpillPartitions& level0_partitions(size_t s) {
    std::lock_guard<std::mutex> lock(spill_mu_);
    if (!spilled_[s]) spilled_[s] = std::make_unique<SpillPartitions>(ctx_.spill_directory(), 0);
    return *spilled_[s];
  }

  // Whether `keys` (of `rows` rows) are all dictionary codes whose combinations number at
  // most 2^16, and not many more than the rows (a table indexes them all, and starts again
  // for other dictionaries): their rows are then grouped by codes (add_by_codes).
  static bool groups_by_codes(const std::vector<const Column*>& keys, int64_t rows) {
    if (keys.empty()) return false;
    const uint64_t most =
        std::min<uint64_t>(uint64_t(1) << 16, std::max<uint64_t>(4096, 2 * uint64_t(rows)));
    uint64_t combinations = 1;
    for (const Column* k : keys) {
      if (!k->dictionary()) return false;
      combinations *= uint64_t(std::max<int64_t>(k->dictionary()->size(), 1));
      if (combinations > most) return false;
    }
    return true;
  }

  // gids of rows whose keys are all dictionary codes: each combination of codes is looked up
  // in the table once, by its values (decoded from the dictionaries for those combinations
  // only), and its group kept for the rows and batches after it with the same dictionaries.
  void add_by_codes(GroupTable& t, size_t s, const GroupInput& in, std::vector<uint32_t>& gids) {
    const size_t nk = in.keys.size();
    bool same = t.coded_dictionaries.size() == nk;
    for (size_t k = 0; same && k < nk; ++k)
      same = t.coded_dictionaries[k].get() == in.keys[k]->dictionary();
    std::vector<uint32_t> sizes(nk), strides(nk);
    uint32_t combinations = 1;
    for (size_t k = nk; k-- > 0;) {
      sizes[k] = uint32_t(std::max<int64_t>(in.keys[k]->dictionary()->size(), 1));
      strides[k] = combinations;
      combinations *= sizes[k];
    }
    if (!same) {
      t.coded_dictionaries.clear();
      for (const Column* k : in.keys) t.coded_dictionaries.push_back(k->shared_dictionary());
      t.coded_groups.assign(combinations, kNoGroup);
    }
    const int64_t rows = in.rows;
    std::vector<uint32_t> combination(size_t(rows), 0);
    for (size_t k = 0; k < nk; ++k) {
      const uint32_t* codes = in.keys[k]->values<uint32_t>();
      const uint32_t stride = strides[k];  // (the reader checked each code against its dictionary)
      for (int64_t i = 0; i < rows; ++i) combination[size_t(i)] += codes[i] * stride;
    }
    // The combinations not looked up yet, each once.
    constexpr uint32_t kPending = kNoGroup - 1;
    std::vector<uint32_t> missing;
    for (uint32_t c : combination)
      if (t.coded_groups[c] == kNoGroup) {
        t.coded_groups[c] = kPending;
        missing.push_back(c);
      }
    if (!missing.empty()) {
      std::vector<Column> values;
      std::vector<uint32_t> codes(missing.size());
      for (size_t k = 0; k < nk; ++k) {
        for (size_t j = 0; j < missing.size(); ++j) codes[j] = missing[j] / strides[k] % sizes[k];
        values.push_back(in.keys[k]->dictionary()->take(codes));
      }
      std::vector<const Column*> value_keys;
      for (const Column& v : values) value_keys.push_back(&v);
      KeyBatch enc;
      encode_key_batch(layouts_[s], value_keys, int64_t(missing.size()), enc);
      std::vector<uint32_t> found(missing.size());
      uint32_t next_new = uint32_t(t.keys.size());
      t.keys.find_or_insert_all(enc, found.data());
      columnar::SelectionVector fresh;
      for (size_t j = 0; j < missing.size(); ++j) {
        t.coded_groups[missing[j]] = found[j];
        if (found[j] != next_new) continue;
        ++next_new;
        fresh.push_back(uint32_t(j));
      }
      if (!fresh.empty()) append_keys(t, value_keys, fresh);
    }
    for (int64_t i = 0; i < rows; ++i) gids[size_t(i)] = t.coded_groups[combination[size_t(i)]];
  }

  // Aggregates `in` into `t` as `intake` says; the rows it does not take are written to
  // `parts` (by key hash). Keys of dictionary codes (all of them) come with intake kAll.
  void add(GroupTable& t, size_t s, const GroupInput& in, Intake intake, SpillPartitions* parts) {
    int64_t rows = in.rows;
    std::vector<uint32_t> gids(size_t(rows), 0);
    columnar::SelectionVector to_disk;
    if (!in.keys.empty() && in.keys[0]->dictionary()) {
      FLOE_CHECK(intake == Intake::kAll, "dictionary codes for a spilling aggregation");
      add_by_codes(t, s, in, gids);
      coded_rows_ += rows;
    } else if (!in.keys.empty()) {
      KeyBatch enc;
      encode_key_batch(layouts_[s], in.keys, rows, enc);
      if (intake == Intake::kAll) {
        // The common case, all rows into the table: batched, with the lookups overlapped.
        uint32_t next_new = uint32_t(t.keys.size());
        t.keys.find_or_insert_all(enc, gids.data());
        columnar::SelectionVector fresh;
        for (int64_t i = 0; i < rows; ++i) {
          if (gids[size_t(i)] != next_new) continue;
          ++next_new;
          fresh.push_back(uint32_t(i));
        }
        if (fresh.size() == size_t(rows)) {
          for (size_t k = 0; k < in.keys.size(); ++k)
            t.key_values[k].append_range(*in.keys[k], 0, rows);
        } else if (!fresh.empty()) {
          append_keys(t, in.keys, fresh);
        }
      }
      for (int64_t i = 0; i < rows && intake != Intake::kAll; ++i) {
        // Spilling: rows of groups the table holds aggregate here, the others go to disk.
        size_t r = size_t(i);
        int64_t id = intake == Intake::kNone ? -1 : t.keys.find(enc, r);
        if (id < 0) {
          to_disk.push_back(uint32_t(i));
          gids[r] = kNoGroup;
        } else {
          gids[r] = uint32_t(id);
        }
      }
      if (!to_disk.empty()) spill_rows(in, to_disk, enc, *parts);
    }
    size_t groups = group_count(t, s);
    for (size_t a = 0; a < node_.aggregates.size(); ++a) {
      t.accumulators[a]->resize(groups);
      const Column* pass = in.filters[a];
      if (!pass && to_disk.empty()) {
        t.accumulators[a]->update(gids.data(), in.args[a], rows);
        continue;
      }
      // The rows that stay in memory and pass the aggregate's FILTER.
      columnar::SelectionVector sel;
      const uint8_t* p = pass ? pass->values<uint8_t>() : nullptr;
      for (int64_t i = 0; i < rows; ++i)
        if (gids[size_t(i)] != kNoGroup && (!p || p[i])) sel.push_back(uint32_t(i));
      if (sel.empty()) continue;
      std::vector<Column> taken;
      for (const Column* c : in.args[a]) taken.push_back(c->take(sel));
      std::vector<const Column*> cols;
      for (auto& c : taken) cols.push_back(&c);
      std::vector<uint32_t> sub;
      sub.reserve(sel.size());
      for (uint32_t r : sel) sub.push_back(gids[r]);
      t.accumulators[a]->update(sub.data(), cols, int64_t(sel.size()));
    }
  }

  // The columns of `in` in the spill layout: keys, each aggregate's arguments, FILTERs.
  static std::vector<const Column*> input_columns(const GroupInput& in) {
    std::vector<const Column*> cols(in.keys);
    for (const auto& args : in.args) cols.insert(cols.end(), args.begin(), args.end());
    for (const Column* f : in.filters)
      if (f) cols.push_back(f);
    return cols;
  }

  // Sets the rows of `in` aside in t's stash, by the top kStashBits of their key hashes.
  void stash_rows(GroupTable& t, size_t s, const GroupInput& in) {
    KeyBatch enc;
    encode_key_batch(layouts_[s], in.keys, in.rows, enc);
    std::vector<columnar::SelectionVector> parts(size_t(1) << kStashBits);
    for (size_t i = 0; i < enc.rows(); ++i)
      parts[enc.hashes[i] >> (64 - kStashBits)].push_back(uint32_t(i));
    if (t.stash.empty()) t.stash.resize(parts.size());
    std::vector<const Column*> cols = input_columns(in);
    for (size_t p = 0; p < parts.size(); ++p) {
      if (parts[p].empty()) continue;
      Batch b;
      b.rows_without_columns = int64_t(parts[p].size());
      for (const Column* c : cols) b.columns.push_back(c->take(parts[p]));
      t.stash_bytes += batch_memory(b);
      t.stash_rows += b.num_rows();
      t.stash[p].push_back(std::move(b));
    }
  }

  // Aggregates t's stashed rows as `intake` says (spilling: the rows of groups t holds here,
  // the others to disk) and stops stashing.
  void flush_stash(GroupTable& t, size_t s, Intake intake) {
    for (auto& part : t.stash)
      for (const Batch& b : part) add(t, s, spilled_input(b, s), intake, &level0_partitions(s));
    t.stash.clear();
    t.stash_bytes = t.stash_rows = 0;
    t.stashing = false;
  }

  // Writes rows `sel` of `in` to the partitions of their key hashes.
  void spill_rows(const GroupInput& in, const columnar::SelectionVector& sel,
                  const KeyBatch& enc, SpillPartitions& parts) {
    Batch b;
    b.rows_without_columns = int64_t(sel.size());
    for (const Column* c : input_columns(in)) b.columns.push_back(c->take(sel));
    std::vector<uint64_t> hashes;
    hashes.reserve(sel.size());
    for (uint32_t r : sel) hashes.push_back(enc.hashes[r]);
    parts.append_by_hash(b, hashes);
  }

  // The columns of a spilled batch as a GroupInput (the layout spill_rows wrote).
  GroupInput spilled_input(const Batch& b, size_t s) const {
    GroupInput in;
    in.rows = b.num_rows();
    size_t c = 0;
    for (size_t k = 0; k < sets_[s].size(); ++k) in.keys.push_back(&b.columns[c++]);
    in.args.resize(node_.aggregates.size());
    for (size_t a = 0; a < node_.aggregates.size(); ++a)
      for (size_t i = 0; i < node_.aggregates[a].args.size(); ++i)
        in.args[a].push_back(&b.columns[c++]);
    in.filters.assign(node_.aggregates.size(), nullptr);
    for (size_t a = 0; a < node_.aggregates.size(); ++a)
      if (node_.aggregates[a].filter) in.filters[a] = &b.columns[c++];
    FLOE_CHECK(c == b.columns.size(), "spilled aggregation batch has {} columns, expected {}",
               b.columns.size(), c);
    return in;
  }

  // Aggregates and emits each partition of `parts`: a fresh table per partition takes over
  // its groups' state from the `resident` tables (which emit what is left to them later);
  // a partition that does not fit spills again by the next hash bits, its table joining the
  // resident ones while its own partitions are done.
  void finish_partitions(SpillPartitions& parts, size_t s, std::vector<GroupTable*>& resident,
                         Consumer& out) {
    ctx_.record_spill(stats_node_, parts.rows(), parts.bytes());
    int level = parts.level() + 1;
    for (int p = 0; p < SpillPartitions::kCount; ++p) {
      SpillFile* file = parts.file(p);
      if (!file) continue;
      auto part = new_table(s);
      std::unique_ptr<SpillPartitions> deeper;
      Intake intake = Intake::kAll;
      {
        SpillFile::Reader reader(*file);
        Batch b;
        while (reader.next(b)) {
          in_pieces(b, 1, [&](const Batch& piece) {
            if (intake != Intake::kAll && !deeper) {
              if (level > SpillPartitions::kMaxLevel)
                throw ResourceError(fmt::format(
                    "hash aggregation: groups still do not fit in the memory limit after {} "
                    "levels of spilling; raise SET memory_limit",
                    level));
              deeper = std::make_unique<SpillPartitions>(ctx_.spill_directory(), level);
            }
            add(*part, s, spilled_input(piece, s), intake, deeper.get());
            int64_t grown = account(*part);
            if (grown > piece.num_rows() * row_bytes_.load()) row_bytes_ = grown / piece.num_rows();
            intake = std::max(intake, intake_for(memory_share(), level));
          });
        }
      }
      for (GroupTable* from : resident) take_over(*part, *from);
      if (deeper) {
        resident.push_back(part.get());
        finish_partitions(*deeper, s, resident, out);
        resident.pop_back();
      }
      emit(*part, s, out);
      ctx_.hold(-part->held, "hash aggregation");
      part->held = 0;
    }
  }

  // Moves into `to` the state `from` holds for groups `to` has (and nobody took yet).
  void take_over(GroupTable& to, GroupTable& from) {
    size_t n = from.keys.size();
    if (n == 0 || to.keys.size() == 0) return;
    from.moved.resize(n, 0);
    to.moved.resize(to.keys.size(), 0);
    std::vector<uint32_t> mapping(n, kNoGroup);
    bool any = false;
    from.keys.for_each_in(to.keys, [&](uint32_t g, int64_t id) {
      if (to.moved[g] || id < 0 || from.moved[size_t(id)]) return;
      mapping[size_t(id)] = g;
      from.moved[size_t(id)] = 1;
      any = true;
    });
    if (!any) return;
    for (size_t a = 0; a < to.accumulators.size(); ++a) {
      to.accumulators[a]->resize(to.keys.size());
      from.accumulators[a]->resize(n);
      to.accumulators[a]->merge(*from.accumulators[a], mapping.data(), {});
    }
  }

  // Appends rows `rows` of `keys` (the set's key columns) to t's key values: the keys of
  // the groups just inserted, in the order of their ids.
  static void append_keys(GroupTable& t, const std::vector<const Column*>& keys,
                          const columnar::SelectionVector& rows) {
    for (size_t k = 0; k < keys.size(); ++k) {
      Column taken = keys[k]->take(rows);
      t.key_values[k].append_range(taken, 0, taken.size());
    }
  }

  // Merges the workers' tables of set `s` a partition of key hashes at a time, on all
  // threads, each partition into a fresh table small enough for the caches, and emits each
  // as it is done. False (nothing done) when the tables are too small for it to pay, or an
  // aggregate keeps rows rather than a state per group.
  bool merge_in_partitions(size_t s, Consumer& out) {
    int threads = ctx_.threads();
    std::vector<GroupTable*> from;
    size_t groups = 0;
    bool stashed = false;
    for (auto& w : tables_) {
      stashed = stashed || !w[s]->stash.empty();
      if (w[s]->keys.size() == 0) continue;
      from.push_back(w[s].get());
      groups += w[s]->keys.size();
    }
    if (!stashed) {
      if (threads < 2 || from.size() < 2 || sets_[s].empty() || groups < kPartitionedMergeGroups)
        return false;
      for (const auto& acc : from[0]->accumulators)
        if (!acc->merges_by_group()) return false;
    }
    int64_t stash_rows = 0;
    for (auto& w : tables_) stash_rows += w[s]->stash_rows;
    ctx_.record_partitioned(stats_node_, stash_rows);
    // Stashed rows were partitioned by kStashBits hash bits: the merge's partitions are theirs.
    int bits = stashed ? kStashBits
                       : std::clamp(int(std::bit_width(groups / kPartitionGroups)), 2,
                                    kMaxPartitionBits);
    size_t parts = size_t(1) << bits;
    // Each table's keys by partition, and where each of its groups went (in its partition's
    // table: partitions are disjoint, so their threads write different entries).
    struct Source {
      std::vector<std::vector<KeyIndex::Entry>> parts;
      std::vector<size_t> generic, generic_bytes;  // per partition: keys that do not pack
      std::vector<uint32_t> to;
    };
    std::vector<Source> sources(from.size());
    run_workers(from.size(), threads, [&](size_t i, int) {
      GroupTable& t = *from[i];
      Source& src = sources[i];
      size_t n = t.keys.size();
      src.to.assign(n, kNoGroup);
      src.parts.resize(parts);
      src.generic.assign(parts, 0);
      src.generic_bytes.assign(parts, 0);
      for (auto& p : src.parts) p.reserve(n / parts + n / parts / 4 + 16);
      t.keys.for_each_entry([&](const KeyIndex::Entry& e) {
        size_t p = e.hash >> (64 - bits);
        src.parts[p].push_back(e);
        if (e.generic >= 0) {
          ++src.generic[p];
          src.generic_bytes[p] += t.keys.generic_key_bytes(e);
        }
      });
      for (auto& acc : t.accumulators) acc->resize(n);
    });
    run_workers(parts, threads, [&](size_t p, int worker) {
      auto t = new_table(s);
      // Room for every entry (the keys the tables share are counted once per table).
      size_t packed = 0, generic = 0, generic_bytes = 0;
      for (const Source& src : sources) {
        packed += src.parts[p].size() - src.generic[p];
        generic += src.generic[p];
        generic_bytes += src.generic_bytes[p];
      }
      t->keys.reserve(packed, generic, generic_bytes);
      std::vector<uint32_t> ids;
      columnar::SelectionVector fresh;
      for (size_t i = 0; i < from.size(); ++i) {
        const auto& entries = sources[i].parts[p];
        if (entries.empty()) continue;
        ids.clear();
        fresh.clear();
        const KeyIndex& source = from[i]->keys;
        for (size_t j = 0; j < entries.size(); ++j) {
          // The entries' keys lie scattered in the source table, their slots in this one.
          if (j + kEntriesAhead < entries.size()) {
            const auto& ahead = entries[j + kEntriesAhead];
            t->keys.prefetch_slot(ahead.hash, ahead.generic >= 0);
            source.prefetch_entry_key(ahead);
          }
          const auto& e = entries[j];
          bool inserted;
          sources[i].to[e.id] = t->keys.insert_entry(source, e, inserted);
          ids.push_back(e.id);
          if (inserted) fresh.push_back(e.id);
        }
        // The new groups' ids were handed out in the order of `fresh`.
        std::vector<const Column*> keys;
        for (const auto& c : from[i]->key_values) keys.push_back(&c);
        if (!fresh.empty()) append_keys(*t, keys, fresh);
        for (size_t a = 0; a < t->accumulators.size(); ++a) {
          t->accumulators[a]->resize(t->keys.size());
          t->accumulators[a]->merge(*from[i]->accumulators[a], sources[i].to.data(), ids);
        }
      }
      for (auto& w : tables_) {
        if (w[s]->stash.empty()) continue;
        for (const Batch& b : w[s]->stash[p]) add(*t, s, spilled_input(b, s), Intake::kAll, nullptr);
      }
      emit(*t, s, out, worker);
    });
    return true;
  }

  void emit(GroupTable& t, size_t s, Consumer& out, int worker = 0) {
    size_t groups = group_count(t, s);
    Batch result;
    result.schema.fields = node_.output;
    result.rows_without_columns = int64_t(groups);
    for (size_t k = 0; k < node_.group_keys.size(); ++k) {
      auto it = std::find(sets_[s].begin(), sets_[s].end(), int(k));
      if (it == sets_[s].end()) {
        result.columns.push_back(null_column(node_.group_keys[k]->type, int64_t(groups)));
      } else {
        result.columns.push_back(std::move(t.key_values[size_t(it - sets_[s].begin())]));
      }
    }
    for (auto& acc : t.accumulators) {
      acc->resize(groups);
      result.columns.push_back(acc->finalize(groups));
    }
    if (!node_.grouping_sets.empty()) {
      int64_t id = 0;
      for (size_t k = 0; k < node_.group_keys.size(); ++k) {
        bool in_set = std::find(sets_[s].begin(), sets_[s].end(), int(k)) != sets_[s].end();
        id = (id << 1) | (in_set ? 0 : 1);
      }
      Column g{columnar::DataType(columnar::TypeId::kInt64)};
      g.reserve(int64_t(groups));
      for (size_t i = 0; i < groups; ++i) g.append<int64_t>(id);
      result.columns.push_back(std::move(g));
    }
    // Groups a spilled partition took over were emitted with it.
    if (std::find(t.moved.begin(), t.moved.end(), 1) != t.moved.end()) {
      columnar::SelectionVector keep;
      for (size_t g = 0; g < groups; ++g)
        if (g >= t.moved.size() || !t.moved[g]) keep.push_back(uint32_t(g));
      result = take_rows(result, keep);
      result.schema.fields = node_.output;
    }
    emit_in_slices(std::move(result), out, worker);
  }

  size_t group_count(GroupTable& t, size_t set) const {
    return sets_[set].empty() ? 1 : t.keys.size();
  }

  void merge_into(GroupTable& dst, GroupTable& src, size_t set) {
    size_t n = group_count(src, set);
    std::vector<uint32_t> mapping(n, 0);
    if (!sets_[set].empty()) {
      // Keys are appended in the order dst hands out their ids, whatever order src's
      // keys come in.
      dst.keys.insert_all_of(src.keys, [&](uint32_t g, uint32_t id, bool inserted) {
        mapping[g] = id;
        if (inserted)
          for (size_t k = 0; k < dst.key_values.size(); ++k)
            dst.key_values[k].append_range(src.key_values[k], g, 1);
      });
    }
    size_t groups = group_count(dst, set);
    for (size_t a = 0; a < dst.accumulators.size(); ++a) {
      dst.accumulators[a]->resize(groups);
      src.accumulators[a]->resize(n);
      dst.accumulators[a]->merge(*src.accumulators[a], mapping.data(), {});
    }
  }

  const PlanNode& node_;
  const PlanNode& stats_node_;
  ExecContext& ctx_;
  std::vector<std::vector<int>> sets_;
  std::vector<KeyLayout> layouts_;  // per set
  std::vector<std::vector<std::unique_ptr<GroupTable>>> tables_;  // [worker][set]
  std::atomic<Intake> intake_{Intake::kAll};  // of the input's tables (level 0)
  std::atomic<int64_t> coded_rows_{0};  // rows grouped by dictionary codes
  std::atomic<int64_t> row_bytes_;  // the most a row added to the tables
  std::mutex spill_mu_;
  std::vector<std::unique_ptr<SpillPartitions>> spilled_;  // per set, level 0
  std::vector<bool> stash_allowed_;  // per set: its worker tables may set rows aside
};

}  // namespace

// Asks the scan an aggregation reads (`input`) for dictionary codes of the string columns
// it reads only as group keys, for as long as the aggregation runs.
class CodedGroupKeysFromScan {
 public:
  CodedGroupKeysFromScan(const PlanNode& aggregation, const PlanNode& input) {
    if (input.kind != PlanKind::kScan || !input.source) return;
    std::vector<int> read_otherwise;  // input columns something but a bare group key reads
    for (const auto& a : aggregation.aggregates) {
      for (const auto& e : a.args) collect_columns(*e, read_otherwise);
      if (a.filter) collect_columns(*a.filter, read_otherwise);
    }
    for (const auto& k : aggregation.group_keys)
      if (k->op != ExprOp::kColumn) collect_columns(*k, read_otherwise);
    if (input.predicate) collect_columns(*input.predicate, read_otherwise);
    std::vector<int> columns;  // of the source's schema
    for (const auto& k : aggregation.group_keys) {
      const int c = k->column_index;
      const auto id = k->type.id();
      if (k->op != ExprOp::kColumn || c < 0 || size_t(c) >= input.scan_columns.size() ||
          (id != columnar::TypeId::kString && id != columnar::TypeId::kBinary) ||
          std::find(read_otherwise.begin(), read_otherwise.end(), c) != read_otherwise.end())
        continue;
      const int column = input.scan_columns[size_t(c)];
      if (!(input.source->schema().fields.at(size_t(column)).type == k->type)) continue;
      if (std::find(columns.begin(), columns.end(), column) == columns.end())
        columns.push_back(column);
    }
    if (columns.empty()) return;
    source_ = input.source.get();
    source_->set_dictionary_coded(std::move(columns));
  }
  ~CodedGroupKeysFromScan() {
    if (source_) source_->set_dictionary_coded({});
  }
  CodedGroupKeysFromScan(const CodedGroupKeysFromScan&) = delete;
  CodedGroupKeysFromScan& operator=(const CodedGroupKeysFromScan&) = delete;

 private:
  TableSource* source_ = nullptr;
};

void produce_aggregate(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  AggregateSink sink(node, ctx.threads(), ctx);
  {
    CodedGroupKeysFromScan coded(node, *node.children[0]);
    produce(*node.children[0], ctx, sink);
  }
  sink.finish(out);
}

void produce_distinct_by_grouping(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  // DISTINCT is GROUP BY every column without aggregates, so it spills the same way.
  PlanNode grouping;
  grouping.kind = PlanKind::kAggregate;
  grouping.output = node.output;
  const auto& in = node.children[0]->output;
  for (size_t c = 0; c < in.size(); ++c)
    grouping.group_keys.push_back(make_column_ref(int(c), in[c].type, in[c].name));
  AggregateSink sink(grouping, ctx.threads(), ctx, &node);
  {
    CodedGroupKeysFromScan coded(grouping, *node.children[0]);
    produce(*node.children[0], ctx, sink);
  }
  sink.finish(out);
}

}  // namespace floe::exec
