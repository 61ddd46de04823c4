// Copying and comparing a few bytes: values such as short strings are mostly a handful of
// bytes, where a call to memcpy or memcmp with a variable length costs more than the work.
// Layer: base.
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

// Whether the `len` bytes at `a` and `b` are equal, with fixed-size loads (the two halves
// overlapping for lengths between the sizes); longer ones call memcmp. Reads only the
// `len` bytes of each.
inline bool equal_short(const void* a, const void* b, size_t len) {
  auto* p = static_cast<const uint8_t*>(a);
  auto* q = static_cast<const uint8_t*>(b);
  auto load8 = [](const uint8_t* x) { uint64_t v; std::memcpy(&v, x, 8); return v; };
  auto load4 = [](const uint8_t* x) { uint32_t v; std::memcpy(&v, x, 4); return v; };
  if (len > 16) return std::memcmp(p, q, len) == 0;
  if (len >= 8) return load8(p) == load8(q) && load8(p + len - 8) == load8(q + len - 8);
  if (len >= 4) return load4(p) == load4(q) && load4(p + len - 4) == load4(q + len - 4);
  for (size_t i = 0; i < len; ++i)
    if (p[i] != q[i]) return false;
  return true;
}

}  // namespace floe
