// Pipeline breakers that need all their input: ORDER BY (and top-N), DISTINCT, INTERSECT
// and EXCEPT. Their input is gathered, then processed in one piece (ORDER BY spills sorted
// runs past the memory limit, see external_sort.h; DISTINCT runs as a hash aggregation).
// INTERSECT and EXCEPT whose two sides pass half the memory limit write both to spill
// partitions by the hash of the whole row (see partitioned_input.h) and process each pair of
// partitions on its own: equal rows of either side meet in one pair, so counts stay exact.
#include "exec/expression_evaluator.h"
#include "exec/external_sort.h"
#include "exec/operator.h"
#include "exec/partitioned_input.h"
#include "exec/row_comparator.h"
#include "exec/row_keys.h"

namespace floe::exec {

using columnar::Batch;
using columnar::Column;

void produce_sort(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  SortSink sort(node, ctx);
  produce(*node.children[0], ctx, sort);
  sort.finish(out);
}

namespace {

EncodedKeys encode_all(const Batch& b) {
  std::vector<const Column*> cols;
  for (const auto& c : b.columns) cols.push_back(&c);
  EncodedKeys enc;
  encode_keys(cols, b.num_rows(), enc);
  return enc;
}

}  // namespace

void produce_distinct(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  // A grouping by zero columns would give one row even for no input.
  if (!node.children[0]->output.empty()) {
    produce_distinct_by_grouping(node, ctx, out);
    return;
  }
  CollectConsumer collect(ctx, "DISTINCT");
  produce(*node.children[0], ctx, collect);
  Batch all = collect.concatenated(node.children[0]->schema());
  EncodedKeys enc = encode_all(all);
  KeyTable seen;
  columnar::SelectionVector keep;
  for (size_t i = 0; i < enc.rows(); ++i) {
    bool inserted;
    seen.find_or_insert(enc.key(i), enc.hashes[i], inserted);
    if (inserted) keep.push_back(uint32_t(i));
  }
  Batch result = take_rows(all, keep);
  result.schema.fields = node.output;
  emit_in_slices(std::move(result), out);
}

namespace {

// INTERSECT / EXCEPT [ALL] of `left` and `right` (all of their rows, or one partition of each):
// the left rows kept, in their order. ALL keeps a row as many times as the multiset
// difference or intersection says; the others keep a row's first occurrence.
Batch set_operation_rows(const PlanNode& node, const Batch& left, const Batch& right) {
  EncodedKeys renc = encode_all(right);
  KeyTable rkeys;
  std::vector<int64_t> counts;
  for (size_t i = 0; i < renc.rows(); ++i) {
    bool inserted;
    uint32_t id = rkeys.find_or_insert(renc.key(i), renc.hashes[i], inserted);
    if (inserted) counts.push_back(0);
    ++counts[id];
  }
  EncodedKeys lenc = encode_all(left);
  KeyTable emitted;
  columnar::SelectionVector keep;
  for (size_t i = 0; i < lenc.rows(); ++i) {
    int64_t id = rkeys.find(lenc.key(i), lenc.hashes[i]);
    bool in_right = id >= 0 && counts[size_t(id)] > 0;
    if (node.set_all) {
      if (node.set_intersect) {
        if (in_right) {
          --counts[size_t(id)];
          keep.push_back(uint32_t(i));
        }
      } else {
        if (in_right) --counts[size_t(id)];
        else keep.push_back(uint32_t(i));
      }
      continue;
    }
    if (in_right != node.set_intersect) continue;
    bool inserted;
    emitted.find_or_insert(lenc.key(i), lenc.hashes[i], inserted);
    if (inserted) keep.push_back(uint32_t(i));
  }
  Batch result = take_rows(left, keep);
  result.schema.fields = node.output;
  return result;
}

}  // namespace

void produce_set_operation(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  // Both sides have the same column types (the binder casts them), so equal rows hash alike.
  RowHasher hasher = [](const Batch& b) { return encode_all(b).hashes; };
  std::string what = fmt::format("{}{}", node.set_intersect ? "INTERSECT" : "EXCEPT",
                                 node.set_all ? " ALL" : "");
  columnar::Schema lschema = node.children[0]->schema(), rschema = node.children[1]->schema();
  PartitionedCollector right(ctx, rschema, hasher, what);
  produce(*node.children[1], ctx, right);
  PartitionedCollector left(ctx, lschema, hasher, what);
  if (right.partitions()) left.spill();
  produce(*node.children[0], ctx, left);
  if (left.partitions()) right.spill();
  if (!left.partitions()) {
    emit_in_slices(set_operation_rows(node, left.rows(), right.rows()), out);
    return;
  }
  PartitionedWork work;
  work.node = &node;
  work.what = what;
  work.unit = "the copies of one row";
  work.schemas = {lschema, rschema};
  work.hashers = {hasher, hasher};
  work.process = [&](std::vector<Batch>& sides) {
    if (sides[0].num_rows() == 0) return;  // only left rows are ever kept
    emit_in_slices(set_operation_rows(node, sides[0], sides[1]), out);
  };
  process_partitions(ctx, work, {left.partitions(), right.partitions()});
}

}  // namespace floe::exec
