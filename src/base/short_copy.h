// Copying a few bytes: values such as short strings are mostly a handful of bytes, where a
// call to memcpy with a variable length costs more than the copy. Layer: base.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace floe {

// Copies `len` bytes from `from` to `to` (not overlapping) with fixed-size moves, the two
// halves overlapping for lengths between the sizes; longer copies call memcpy. Reads and
// writes only the `len` bytes.
inline void copy_short(void* to, const void* from, size_t len) {
  auto* d = static_cast<uint8_t*>(to);
  auto* s = static_cast<const uint8_t*>(from);
  if (len >= 16) {
    std::memcpy(d, s, len);
  } else if (len >= 8) {
    std::memcpy(d, s, 8);
    std::memcpy(d + len - 8, s + len - 8, 8);
  } else if (len >= 4) {
    std::memcpy(d, s, 4);
    std::memcpy(d + len - 4, s + len - 4, 4);
  } else if (len > 0) {
    d[0] = s[0];
    d[len / 2] = s[len / 2];
    d[len - 1] = s[len - 1];
  }
}

}  // namespace floe
