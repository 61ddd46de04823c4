// KeyBitmap: a set of integer keys (a hash join's build keys) as one bit per value of their
// range, when that range is narrow: membership is a subtraction, a compare and a bit test,
// exact and without hashing (TPC-H's part, supplier and order keys are dense). Layer: exec.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "columnar/column.h"

namespace floe::exec {

class KeyBitmap {
 public:
  // The bitmap of `keys`' non-NULL values (an integer or DATE column), or nullopt when the
  // type is not one, there are none, or their range is wider than both 64 bits per key and
  // 2^20 bits (or than 2^26 bits at all).
  static std::optional<KeyBitmap> of(const columnar::Column& keys);
  // Whether `type`'s values can be tested (the integer types and DATE).
  static bool applies_to(const columnar::DataType& type);

  // keep[i] = 0 for each value i of `values` (of a type applies_to() accepts) that is NULL or
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
