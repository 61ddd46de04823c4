// Ordering rows by a table's sort order (identity fields; direction and null order as the
// spec defines them), as writers and compaction lay data out. Layer: iceberg.
#pragma once

#include <cstdint>
#include <vector>

#include "columnar/batch.h"
#include "iceberg/partition_spec.h"

namespace floe::iceberg {

// How two rows of batches in a table's schema compare in a sort order (fields with
// non-identity transforms and nested columns are skipped, as below).
class RowOrder {
 public:
  RowOrder(const SortOrder& order, const TableSchema& schema);
  // No field to order by.
  bool empty() const { return keys_.empty(); }
  // Negative, zero or positive as row `i` of `a` sorts before, with or after row `j` of `b`.
  int compare(const columnar::Batch& a, int64_t i, const columnar::Batch& b, int64_t j) const;

 private:
  struct Key {
    size_t column;
    bool desc;
    bool nulls_first;
  };
  std::vector<Key> keys_;
};

// A permutation of the batch's rows in `order` (stable; fields with non-identity
// transforms and nested columns are skipped). `schema` resolves the source ids to columns.
std::vector<uint32_t> sort_permutation(const columnar::Batch& batch, const SortOrder& order,
                                       const TableSchema& schema);

// The rows of `parts` (same schema) in one batch.
columnar::Batch concat_batches(std::vector<columnar::Batch>& parts, const columnar::Schema& schema);

}  // namespace floe::iceberg
