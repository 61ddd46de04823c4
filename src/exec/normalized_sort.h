// Sorting rows by keys encoded into fixed-width byte strings that compare as the keys do
// ("normalized keys"): each row's keys become a few 64-bit words (NULL flag, value bytes
// made order-preserving, direction applied, the row index last), so the sort compares
// integers instead of calling one comparison per key. Layer: exec.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "exec/row_comparator.h"

namespace floe::exec {

// Row indices of [0, rows) in the order of `keys` (stable), the first `limit` of them when
// `limit` >= 0, or nullopt when the keys do not fit an encoding (a type without one, or
// more key bytes than the widest record holds). Strings longer than their encoded prefix
// break ties of the prefix with `ties`, which compares by the same keys. A large input is
// sorted on up to `threads` threads.
std::optional<std::vector<uint32_t>> normalized_sorted_order(const std::vector<SortColumn>& keys,
                                                             const RowComparator& ties,
                                                             int64_t rows, int64_t limit,
                                                             int threads = 1);

// The most memory per row sorting by `key_types` holds while it sorts (the records, the
// buffer they are merged into, the order), for operators that account it ahead.
int64_t sort_bytes_per_row(const std::vector<columnar::DataType>& key_types);

}  // namespace floe::exec
