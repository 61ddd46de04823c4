// Bit packing: fixed-width unsigned integers stored back to back, least significant
// bit first, as Parquet's RLE/bit-packing hybrid and DELTA_BINARY_PACKED store them.
// Whole-array kernels (32 values per step, width fixed at compile time) do the work.
#pragma once

#include <cstddef>
#include <cstdint>

namespace floe::parquet {

// Bytes that n values of bit_width bits occupy (rounded up to whole bytes).
inline size_t packed_size(size_t n, int bit_width) {
  return (n / 8) * size_t(bit_width) + ((n % 8) * size_t(bit_width) + 7) / 8;
}

// Bits needed to store max_value (0 for 0).
inline int bit_width_of(uint64_t max_value) {
  return max_value == 0 ? 0 : 64 - __builtin_clzll(max_value);
}

// Values [first, first + n) of the packed array that starts at `in`. Reads only the
// bytes those values occupy: bits [first * bit_width, (first + n) * bit_width).
// bit_width must be 0..32 (uint32_t) or 0..64 (uint64_t); callers validate widths
// that come from files, an out-of-range width here is an internal error.
void unpack_bits(const uint8_t* in, size_t first, size_t n, int bit_width, uint32_t* out);
void unpack_bits(const uint8_t* in, size_t first, size_t n, int bit_width, uint64_t* out);

// Packs n values (only their low bit_width bits are kept) into packed_size(n, bit_width)
// bytes at `out`; the unused high bits of the last byte are zero.
void pack_bits(const uint32_t* in, size_t n, int bit_width, uint8_t* out);
void pack_bits(const uint64_t* in, size_t n, int bit_width, uint8_t* out);

}  // namespace floe::parquet
