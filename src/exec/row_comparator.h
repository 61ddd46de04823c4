// Comparing rows by sort keys (ORDER BY, window ordering, merge of sorted runs): each key
// column compared by its type, with direction and NULL placement. Layer: exec.
#pragma once

#include <functional>
#include <vector>

#include "columnar/column.h"

namespace floe::exec {

struct SortColumn {
  const columnar::Column* column;
  bool descending = false;
  bool nulls_first = false;
};

// A comparator over row indices: <0, 0, >0.
class RowComparator {
 public:
  explicit RowComparator(std::vector<SortColumn> keys);
  int compare(uint32_t a, uint32_t b) const {
    for (const auto& k : keys_) {
      int c = k(a, b);
      if (c) return c;
    }
    return 0;
  }

 private:
  std::vector<std::function<int(uint32_t, uint32_t)>> keys_;
};

// Row `a` of `left` against row `b` of `right`: key i is left[i].column against right[i]
// (same type), with left[i]'s direction and NULL placement, by RowComparator's rules. For
// merging rows of different batches (sorted runs).
int compare_rows(const std::vector<SortColumn>& left, int64_t a,
                 const std::vector<const columnar::Column*>& right, int64_t b);

// Row indices of [0, rows) in the order of `keys` (stable: ties keep input order). With
// `limit` >= 0 only the first `limit` positions are sorted (and returned). Keys are sorted
// as normalized keys (exec/normalized_sort.h) when they have an encoding, else by
// RowComparator. A large input is sorted on up to `threads` threads.
std::vector<uint32_t> sorted_order(const std::vector<SortColumn>& keys, int64_t rows,
                                   int64_t limit = -1, int threads = 1);

}  // namespace floe::exec
