// Row keys: the values of a row's key columns encoded as bytes, so that two rows have equal
// bytes exactly when their keys are equal (NULL equal to NULL, -0.0 to 0.0, NaN to NaN), and
// a hash of those bytes. Grouping, DISTINCT, set operations and hash joins all find rows by
// these keys. Layer: exec.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <string_view>
#include <vector>

#include "base/buffer.h"
#include "base/prefetch.h"
#include "columnar/column.h"

namespace floe::exec {

// A key value as keys compare it: -0.0 and 0.0 are one key, and so are all NaNs (the row
// encoder and the packed keys of key_index.h agree on this).
template <typename T>
T normalize_key_value(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    if (v == 0) return T(0);
    if (std::isnan(v)) return std::numeric_limits<T>::quiet_NaN();
  }
  return v;
}

struct EncodedKeys {
  Buffer bytes;
  std::vector<uint32_t> offsets;  // rows + 1
  std::vector<uint64_t> hashes;
  std::vector<uint8_t> has_null;  // 1 when some key column is NULL in that row
  std::string_view key(size_t row) const {
    return {reinterpret_cast<const char*>(bytes.data()) + offsets[row],
            size_t(offsets[row + 1] - offsets[row])};
  }
  size_t rows() const { return hashes.size(); }
};

// Encodes rows [0, rows) of `keys` (all the same length).
void encode_keys(const std::vector<const columnar::Column*>& keys, int64_t rows, EncodedKeys& out);

// A hash table from encoded keys to dense ids 0, 1, 2, ... in order of first appearance.
class KeyTable {
 public:
  KeyTable();
  // The id of `key` (hash `h`), inserting it when new (`inserted` says which).
  uint32_t find_or_insert(std::string_view key, uint64_t h, bool& inserted);
  // The id of `key`, or -1.
  int64_t find(std::string_view key, uint64_t h) const;
  // find() of every row of `enc` into ids[0 .. enc.rows()), faster than one at a time on
  // large tables (memory reads overlap).
  void find_all(const EncodedKeys& enc, int64_t* ids) const;
  // find_or_insert() of every row of `enc`. A row whose id is new is the first row of its
  // key: ids are handed out in order, so ids[i] == size() before that row means inserted.
  void find_or_insert_all(const EncodedKeys& enc, uint32_t* ids);
  // Room for `keys` keys of `key_bytes` bytes in all without growing (a join's build side
  // knows its row count before it inserts).
  void reserve(size_t keys, size_t key_bytes);
  // Starts loading the slot of hash `h` into the cache (for a find or insert a few rows on).
  void prefetch(uint64_t h) const { floe::prefetch(&slots_[h & mask_]); }
  // Starts loading the key in the slot of hash `h` (once that slot is in the cache): the key
  // a find or insert compares first.
  void prefetch_key_of(uint64_t h) const;
  size_t size() const { return key_offsets_.size() - 1; }
  std::string_view key(uint32_t id) const {
    return {reinterpret_cast<const char*>(arena_.data()) + key_offsets_[id],
            size_t(key_offsets_[id + 1] - key_offsets_[id])};
  }
  uint64_t hash(uint32_t id) const { return hashes_[id]; }
  size_t memory_bytes() const;

 private:
  void grow();
  void rehash(size_t slots);  // a power of two
  bool key_equals(uint32_t id, std::string_view k) const;
  // Each slot: the upper 32 bits of the key's hash (compared before touching the key) and
  // id + 1 in the lower 32 bits; 0 = empty.
  std::vector<uint64_t> slots_;
  std::vector<uint64_t> hashes_;
  std::vector<uint64_t> key_offsets_;
  Buffer arena_;
  size_t mask_ = 0;
  // The length every key has so far (keys of fixed-width columns), or -1: a key's bytes are
  // then found without reading key_offsets_.
  int64_t fixed_len_ = -1;
};

}  // namespace floe::exec
