// DenseKeyMap: a hash join's key ids by key value, for one integer key whose build values
// are dense (TPC-H's part, supplier, customer and order keys; most surrogate keys): an
// array indexed by value - min replaces hashing and the table lookup of each probe row.
// Layer: exec.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "columnar/column.h"
#include "exec/partitioned_key_index.h"

namespace floe::exec {

class DenseKeyMap {
 public:
  // The map of `index` (built from `build_keys`, one value per build row, of an integer key
  // type), or nullopt when the keys span more than max(2^16, 4 x keys) values or 2^26.
  static std::optional<DenseKeyMap> of(const columnar::Column& build_keys,
                                       const PartitionedKeyIndex& index);
  // ids[i]: the id of values[i]'s key (of the build keys' type), or -1 when absent or NULL;
  // null_key[i] set to 1 for a NULL (and left alone otherwise).
  void find_all(const columnar::Column& values, int64_t* ids, uint8_t* null_key) const;
  size_t memory_bytes() const { return ids_.size() * sizeof(ids_[0]); }

 private:
  int64_t min_ = 0;
  uint64_t span_ = 0;
  std::vector<uint32_t> ids_;  // by value - min: id + 1, or 0 for values no build row has
};

}  // namespace floe::exec
