// DenseKeyMap: a hash join's build side indexed by key value, for one integer key whose build
// values are dense (TPC-H's part, supplier, customer and order keys; most surrogate keys): an
// array of each value's first build row, indexed by value - min, and each row's next row of
// the same value. It takes the place of the hash table: building it is one pass over the
// keys (no encoding, hashing or probing), and a probe row's lookup is a subtraction and one
// array read. Layer: exec.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "columnar/column.h"

namespace floe::exec {

class DenseKeyMap {
 public:
  // The map of the build rows' keys, `parts` one column per batch of rows (rows numbered in
  // order across them), of one integer key type; nullopt when there is no non-NULL key,
  // when the values span more than max(2^16, 4 x non-NULL keys) values or 2^26, or when
  // there are 2^31 rows or more.
  static std::optional<DenseKeyMap> of(std::span<const columnar::Column* const> parts);

  // ids[i]: the id of values[i]'s key (of the build keys' type), or -1 when absent or NULL;
  // null_key[i] set to 1 for a NULL (and left alone otherwise).
  void find_all(const columnar::Column& values, int64_t* ids, uint8_t* null_key) const;
  // A key's rows in row order: first_row(id), then next_row(r) until -1.
  int64_t first_row(int64_t id) const { return head_[size_t(id)]; }
  int64_t next_row(int64_t row) const { return next_[size_t(row)]; }
  // Whether some build row's key is NULL (such rows are in no chain).
  bool has_null_key() const { return has_null_key_; }
  size_t memory_bytes() const { return (head_.size() + next_.size()) * sizeof(int32_t); }

 private:
  int64_t min_ = 0;
  uint64_t span_ = 0;
  bool has_null_key_ = false;
  std::vector<int32_t> head_;  // by value - min: the value's first row, or -1
  std::vector<int32_t> next_;  // by row: the next row of its value, or -1
};

}  // namespace floe::exec
