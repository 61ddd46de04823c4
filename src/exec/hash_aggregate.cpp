// Hash aggregation: each worker groups its batches into its own table (keys encoded as
// bytes, one accumulator per aggregate); the tables are merged when the input ends.
// GROUPING SETS / ROLLUP / CUBE run one table per set over the same input.
#include <mutex>

#include "exec/expression_evaluator.h"
#include "exec/operator.h"
#include "exec/row_keys.h"
#include "exec/vector_ops.h"

namespace floe::exec {

using columnar::Batch;
using columnar::Column;

namespace {

struct GroupTable {
  KeyTable keys;
  std::vector<Column> key_values;  // one per key of the set, a value per group
  std::vector<std::unique_ptr<Accumulator>> accumulators;
};

class AggregateSink : public Consumer {
 public:
  AggregateSink(const PlanNode& node, int workers, ExecContext& ctx) : node_(node), ctx_(ctx) {
    if (node.grouping_sets.empty()) {
      std::vector<int> all;
      for (size_t k = 0; k < node.group_keys.size(); ++k) all.push_back(int(k));
      sets_.push_back(all);
    } else {
      sets_ = node.grouping_sets;
    }
    tables_.resize(size_t(workers));
    held_.assign(size_t(workers), 0);
    for (auto& w : tables_) {
      for (const auto& set : sets_) {
        auto t = std::make_unique<GroupTable>();
        for (int k : set) t->key_values.emplace_back(node.group_keys[size_t(k)]->type);
        for (const auto& a : node.aggregates) t->accumulators.push_back(a.function.make());
        w.push_back(std::move(t));
      }
    }
    // A global aggregate has exactly one group, even without input rows.
    for (size_t s = 0; s < sets_.size(); ++s)
      if (sets_[s].empty())
        for (auto& w : tables_) add_empty_group(*w[s]);
  }

  void consume(Batch&& b, int worker) override {
    int64_t rows = b.num_rows();
    if (rows == 0) return;
    std::vector<Column> keys;
    for (const auto& k : node_.group_keys) keys.push_back(evaluate(*k, b));
    std::vector<std::vector<Column>> args(node_.aggregates.size());
    std::vector<columnar::SelectionVector> filters(node_.aggregates.size());
    std::vector<uint8_t> filtered(node_.aggregates.size(), 0);
    for (size_t a = 0; a < node_.aggregates.size(); ++a) {
      const auto& call = node_.aggregates[a];
      for (const auto& e : call.args) args[a].push_back(evaluate(*e, b));
      if (call.filter) {
        filters[a] = evaluate_filter(*call.filter, b);
        filtered[a] = 1;
      }
    }
    for (size_t s = 0; s < sets_.size(); ++s) {
      GroupTable& t = *tables_[size_t(worker)][s];
      std::vector<uint32_t> gids(size_t(rows), 0);
      if (!sets_[s].empty()) {
        std::vector<const Column*> set_keys;
        for (int k : sets_[s]) set_keys.push_back(&keys[size_t(k)]);
        EncodedKeys enc;
        encode_keys(set_keys, rows, enc);
        for (int64_t i = 0; i < rows; ++i) {
          bool inserted;
          gids[size_t(i)] = t.keys.find_or_insert(enc.key(size_t(i)), enc.hashes[size_t(i)], inserted);
          if (inserted)
            for (size_t k = 0; k < set_keys.size(); ++k) t.key_values[k].append_range(*set_keys[k], i, 1);
        }
      }
      size_t groups = group_count(t, s);
      for (size_t a = 0; a < node_.aggregates.size(); ++a) {
        t.accumulators[a]->resize(groups);
        std::vector<const Column*> in;
        if (!filtered[a]) {
          for (auto& c : args[a]) in.push_back(&c);
          t.accumulators[a]->update(gids.data(), in, rows);
          continue;
        }
        const auto& sel = filters[a];
        if (sel.empty()) continue;
        std::vector<Column> taken;
        for (auto& c : args[a]) taken.push_back(c.take(sel));
        for (auto& c : taken) in.push_back(&c);
        std::vector<uint32_t> sub;
        sub.reserve(sel.size());
        for (uint32_t r : sel) sub.push_back(gids[r]);
        t.accumulators[a]->update(sub.data(), in, int64_t(sel.size()));
      }
    }
    // The groups this worker holds, against the query's memory limit.
    int64_t bytes = 0;
    for (const auto& t : tables_[size_t(worker)]) {
      bytes += int64_t(t->keys.memory_bytes());
      for (const auto& c : t->key_values) bytes += int64_t(c.memory_bytes());
      for (const auto& a : t->accumulators) bytes += int64_t(a->memory_bytes());
    }
    int64_t& held = held_[size_t(worker)];
    if (bytes != held) {
      ctx_.hold(bytes - held, "hash aggregation");
      held = bytes;
    }
  }

  ~AggregateSink() override {
    for (int64_t h : held_) ctx_.hold(-h, "hash aggregation");
  }

  void finish(Consumer& out) {
    for (size_t s = 0; s < sets_.size(); ++s) {
      GroupTable& t0 = *tables_[0][s];
      for (size_t w = 1; w < tables_.size(); ++w) merge_into(t0, *tables_[w][s], s);
      size_t groups = group_count(t0, s);
      Batch result;
      result.schema.fields = node_.output;
      result.rows_without_columns = int64_t(groups);
      size_t pos = 0;
      for (size_t k = 0; k < node_.group_keys.size(); ++k) {
        auto it = std::find(sets_[s].begin(), sets_[s].end(), int(k));
        if (it == sets_[s].end()) {
          result.columns.push_back(null_column(node_.group_keys[k]->type, int64_t(groups)));
        } else {
          result.columns.push_back(std::move(t0.key_values[size_t(it - sets_[s].begin())]));
        }
        ++pos;
      }
      for (auto& acc : t0.accumulators) {
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
      emit_in_slices(std::move(result), out);
    }
  }

 private:
  size_t group_count(GroupTable& t, size_t set) const {
    return sets_[set].empty() ? 1 : t.keys.size();
  }
  void add_empty_group(GroupTable& t) {
    for (auto& acc : t.accumulators) acc->resize(1);
  }
  void merge_into(GroupTable& dst, GroupTable& src, size_t set) {
    size_t n = group_count(src, set);
    std::vector<uint32_t> mapping(n, 0);
    if (!sets_[set].empty()) {
      for (uint32_t g = 0; g < n; ++g) {
        bool inserted;
        mapping[g] = dst.keys.find_or_insert(src.keys.key(g), src.keys.hash(g), inserted);
        if (inserted)
          for (size_t k = 0; k < dst.key_values.size(); ++k)
            dst.key_values[k].append_range(src.key_values[k], g, 1);
      }
    }
    size_t groups = group_count(dst, set);
    for (size_t a = 0; a < dst.accumulators.size(); ++a) {
      dst.accumulators[a]->resize(groups);
      src.accumulators[a]->resize(n);
      dst.accumulators[a]->merge(*src.accumulators[a], mapping.data());
    }
  }

  const PlanNode& node_;
  ExecContext& ctx_;
  std::vector<int64_t> held_;  // bytes accounted per worker
  std::vector<std::vector<int>> sets_;
  std::vector<std::vector<std::unique_ptr<GroupTable>>> tables_;  // [worker][set]
};

}  // namespace

void produce_aggregate(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  AggregateSink sink(node, ctx.threads(), ctx);
  produce(*node.children[0], ctx, sink);
  sink.finish(out);
}

}  // namespace floe::exec
