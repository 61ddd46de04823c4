#include "iceberg/row_sort.h"

#include <algorithm>
#include <numeric>

#include "columnar/value_compare.h"

namespace floe::iceberg {

using columnar::Batch;
using columnar::Column;

RowOrder::RowOrder(const SortOrder& order, const TableSchema& schema) {
  for (const auto& f : order.fields) {
    if (f.transform.kind != Transform::Kind::kIdentity) continue;
    int idx = schema.top_level_index(f.source_id);
    if (idx < 0 || schema.schema.fields[size_t(idx)].type.is_nested()) continue;
    keys_.push_back({size_t(idx), f.direction == SortDirection::kDesc,
                     f.null_order == NullOrder::kNullsFirst});
  }
}

int RowOrder::compare(const Batch& a, int64_t i, const Batch& b, int64_t j) const {
  for (const auto& k : keys_) {
    const Column& x = a.columns[k.column];
    const Column& y = b.columns[k.column];
    bool nx = x.is_null(i), ny = y.is_null(j);
    if (nx || ny) {
      if (nx && ny) continue;
      return nx == k.nulls_first ? -1 : 1;
    }
    int c = columnar::compare_values(x, i, y, j);
    if (c != 0) return k.desc ? -c : c;
  }
  return 0;
}

// A permutation of the batch's rows in the sort order.
std::vector<uint32_t> sort_permutation(const Batch& b, const SortOrder& order,
                                       const TableSchema& schema) {
  std::vector<uint32_t> perm(size_t(b.num_rows()));
  std::iota(perm.begin(), perm.end(), 0);
  RowOrder rows(order, schema);
  if (rows.empty()) return perm;
  std::stable_sort(perm.begin(), perm.end(),
                   [&](uint32_t x, uint32_t y) { return rows.compare(b, x, b, y) < 0; });
  return perm;
}

Batch concat_batches(std::vector<Batch>& parts, const columnar::Schema& schema) {
  Batch out = Batch::empty_of(schema);
  for (auto& p : parts)
    for (size_t i = 0; i < out.columns.size(); ++i) out.columns[i].append_column(p.columns[i]);
  parts.clear();
  return out;
}

}  // namespace floe::iceberg
