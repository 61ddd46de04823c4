// KeyBitmap: a set of integer keys (a hash join's build keys) as one bit per value of their
// range, when that range is narrow: membership is a subtraction, a compare and a bit test,
// exact and without hashing (TPC-H's part, supplier and order keys are dense). Layer: exec.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "columnar/column.h"

namespace floe::exec {

// fn(pointer to `c`'s values as their C type) for the key types KeyBitmap and DenseKeyMap
// take (the integer types but UINT64, which may not fit int64_t, and DATE); false for others.
template <typename Fn>
bool visit_integer_keys(const columnar::Column& c, Fn&& fn) {
  using columnar::TypeId;
  switch (c.type().id()) {
    case TypeId::kInt8: fn(c.values<int8_t>()); return true;
    case TypeId::kInt16: fn(c.values<int16_t>()); return true;
    case TypeId::kInt32:
    case TypeId::kDate: fn(c.values<int32_t>()); return true;
    case TypeId::kInt64: fn(c.values<int64_t>()); return true;
    case TypeId::kUInt8: fn(c.values<uint8_t>()); return true;
    case TypeId::kUInt16: fn(c.values<uint16_t>()); return true;
    case TypeId::kUInt32: fn(c.values<uint32_t>()); return true;
    default: return false;
  }
}
bool is_integer_key_type(const columnar::DataType& type);
// The least and greatest non-NULL values of `c` (of an integer key type), and how many
// non-NULL values it has (0: no range).
struct IntegerKeyRange {
  int64_t min = 0, max = 0, values = 0;
  // max - min + 1 (as unsigned: the full int64 range would overflow a signed difference).
  uint64_t span() const { return uint64_t(max) - uint64_t(min) + 1; }
};
IntegerKeyRange integer_key_range(const columnar::Column& c);

class KeyBitmap {
 public:
  // The bitmap of `keys`' non-NULL values (an integer or DATE column), or nullopt when the
  // type is not one, there are none, or their range is wider than both 64 bits per key and
  // 2^20 bits (or than 2^26 bits at all).
  static std::optional<KeyBitmap> of(const columnar::Column& keys);

  // keep[i] = 0 for each value i of `values` (of an integer key type) that is NULL or
  // not in the set; other entries are left as they are.
  void drop_absent(const columnar::Column& values, std::vector<uint8_t>& keep) const;
  bool contains(int64_t v) const {
    uint64_t d = uint64_t(v) - uint64_t(min_);
    return d < span_ && ((bits_[d >> 6] >> (d & 63)) & 1) != 0;
  }

 private:
  int64_t min_ = 0;
  uint64_t span_ = 0;  // max - min + 1
  std::vector<uint64_t> bits_;
};

}  // namespace floe::exec
