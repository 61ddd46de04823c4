// Bitmap helpers for LSB-first bitmaps (Arrow's validity layout). Layer: base.
#pragma once

#include <cstdint>

namespace floe {

inline bool bit_get(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
inline void bit_set(uint8_t* bits, int64_t i) { bits[i >> 3] |= uint8_t(1u << (i & 7)); }
inline void bit_clear(uint8_t* bits, int64_t i) { bits[i >> 3] &= uint8_t(~(1u << (i & 7))); }
inline void bit_put(uint8_t* bits, int64_t i, bool v) { v ? bit_set(bits, i) : bit_clear(bits, i); }
inline int64_t bitmap_bytes(int64_t n) { return (n + 7) >> 3; }

}  // namespace floe
