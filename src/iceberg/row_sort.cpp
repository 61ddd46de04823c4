#include "iceberg/row_sort.h"

#include <algorithm>
#include <numeric>

#include "columnar/value_compare.h"

namespace floe::iceberg {

using columnar::Batch;
using columnar::Column;

// A permutation of the batch's rows in the sort order.
std::vector<uint32_t> sort_permutation(const Batch& b, const SortOrder& order,
                                       const TableSchema& schema) {
  std::vector<uint32_t> perm(size_t(b.num_rows()));
  std::iota(perm.begin(), perm.end(), 0);
  struct Key {
    const Column* col;
    bool desc;
    bool nulls_first;
  };
  std::vector<Key> keys;
  for (const auto& f : order.fields) {
    if (f.transform.kind != Transform::Kind::kIdentity) continue;
    int idx = schema.top_level_index(f.source_id);
    if (idx < 0 || b.columns[size_t(idx)].type().is_nested()) continue;
    keys.push_back({&b.columns[size_t(idx)], f.direction == SortDirection::kDesc,
                    f.null_order == NullOrder::kNullsFirst});
  }
  if (keys.empty()) return perm;
  std::stable_sort(perm.begin(), perm.end(), [&](uint32_t x, uint32_t y) {
    for (const auto& k : keys) {
      bool nx = k.col->is_null(x), ny = k.col->is_null(y);
      if (nx || ny) {
        if (nx && ny) continue;
        return nx == k.nulls_first;
      }
      int c = columnar::compare_values(*k.col, x, *k.col, y);
      if (c != 0) return k.desc ? c > 0 : c < 0;
    }
    return false;
  });
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
