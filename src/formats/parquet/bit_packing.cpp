#include "formats/parquet/bit_packing.h"

#include <array>
#include <cstring>
#include <utility>

#include "base/error.h"

namespace floe::parquet {
namespace {

template <typename T>
constexpr int kMaxWidth = int(sizeof(T) * 8);

// Bits [bit, bit + bit_width) of `in`, touching only the bytes that hold them.
inline uint64_t read_bits(const uint8_t* in, size_t bit, int bit_width) {
  uint64_t v = 0;
  int got = 0;
  size_t byte = bit >> 3;
  int shift = int(bit & 7);
  while (got < bit_width) {
    v |= uint64_t(in[byte++] >> shift) << got;
    got += 8 - shift;
    shift = 0;
  }
  return bit_width == 64 ? v : v & ((uint64_t(1) << bit_width) - 1);
}

// 32 values of width W from 4 * W bytes. Value i occupies bits [i*W, i*W + W) of the
// little-endian 32-bit words w[]; with the loop unrolled every index is a constant.
template <typename T, int W>
void unpack_groups(const uint8_t* in, size_t groups, T* out) {
  for (size_t g = 0; g < groups; ++g, in += 4 * W, out += 32) {
    if constexpr (W == 0) {
      for (int i = 0; i < 32; ++i) out[i] = 0;
    } else if constexpr (W == kMaxWidth<T>) {
      std::memcpy(out, in, 32 * sizeof(T));
    } else {
      uint32_t w[W + 1];
      std::memcpy(w, in, 4 * W);
      w[W] = 0;
#pragma GCC unroll 32
      for (int i = 0; i < 32; ++i) {
        const int bit = i * W, k = bit / 32, off = bit % 32;
        uint64_t v = w[k] >> off;
        if (off + W > 32) v |= uint64_t(w[k + 1]) << (32 - off);
        if constexpr (W > 32) {
          if (off + W > 64) v |= uint64_t(w[k + 2]) << (64 - off);
        }
        if constexpr (W < 64) v &= (uint64_t(1) << W) - 1;
        out[i] = T(v);
      }
    }
  }
}

template <typename T, int W>
void pack_groups(const T* in, size_t groups, uint8_t* out) {
  for (size_t g = 0; g < groups; ++g, in += 32, out += 4 * W) {
    if constexpr (W == 0) {
      // nothing to write
    } else if constexpr (W == kMaxWidth<T>) {
      std::memcpy(out, in, 32 * sizeof(T));
    } else {
      uint32_t w[W + 2] = {};
#pragma GCC unroll 32
      for (int i = 0; i < 32; ++i) {
        const int bit = i * W, k = bit / 32, off = bit % 32;
        const uint64_t v = uint64_t(in[i]) & ((uint64_t(1) << W) - 1);
        w[k] |= uint32_t(v << off);
        if (off + W > 32) w[k + 1] |= uint32_t(v >> (32 - off));
        if constexpr (W > 32) {
          if (off + W > 64) w[k + 2] |= uint32_t(v >> (64 - off));
        }
      }
      std::memcpy(out, w, 4 * W);
    }
  }
}

template <typename T>
using UnpackFn = void (*)(const uint8_t*, size_t, T*);
template <typename T>
using PackFn = void (*)(const T*, size_t, uint8_t*);

template <typename T, size_t... W>
constexpr auto make_unpack_table(std::index_sequence<W...>) {
  return std::array<UnpackFn<T>, sizeof...(W)>{&unpack_groups<T, int(W)>...};
}
template <typename T, size_t... W>
constexpr auto make_pack_table(std::index_sequence<W...>) {
  return std::array<PackFn<T>, sizeof...(W)>{&pack_groups<T, int(W)>...};
}

template <typename T>
constexpr auto kUnpackTable = make_unpack_table<T>(std::make_index_sequence<kMaxWidth<T> + 1>());
template <typename T>
constexpr auto kPackTable = make_pack_table<T>(std::make_index_sequence<kMaxWidth<T> + 1>());

template <typename T>
void unpack_impl(const uint8_t* in, size_t first, size_t n, int bit_width, T* out) {
  FLOE_CHECK(bit_width >= 0 && bit_width <= kMaxWidth<T>, "bit width {}", bit_width);
  if (n == 0) return;
  if (bit_width == 0) {
    for (size_t i = 0; i < n; ++i) out[i] = 0;
    return;
  }
  // Head: values up to the next multiple of 32, where groups start on a byte.
  size_t i = first;
  const size_t end = first + n;
  while (i < end && (i % 32) != 0) *out++ = T(read_bits(in, i++ * size_t(bit_width), bit_width));
  const size_t groups = (end - i) / 32;
  if (groups) {
    kUnpackTable<T>[bit_width](in + (i / 32) * 4 * size_t(bit_width), groups, out);
    out += groups * 32;
    i += groups * 32;
  }
  while (i < end) *out++ = T(read_bits(in, i++ * size_t(bit_width), bit_width));
}

template <typename T>
void pack_impl(const T* in, size_t n, int bit_width, uint8_t* out) {
  FLOE_CHECK(bit_width >= 0 && bit_width <= kMaxWidth<T>, "bit width {}", bit_width);
  const size_t groups = n / 32;
  if (groups) kPackTable<T>[bit_width](in, groups, out);
  out += groups * 4 * size_t(bit_width);
  in += groups * 32;
  const size_t tail = n % 32;
  if (tail == 0 || bit_width == 0) return;
  // Tail: an accumulator; values wider than 32 bits go in two halves.
  uint64_t acc = 0;
  int bits = 0;
  auto put = [&](uint64_t v, int w) {
    acc |= v << bits;
    bits += w;
    while (bits >= 8) {
      *out++ = uint8_t(acc);
      acc >>= 8;
      bits -= 8;
    }
  };
  const uint64_t mask = bit_width == 64 ? ~uint64_t(0) : (uint64_t(1) << bit_width) - 1;
  for (size_t i = 0; i < tail; ++i) {
    const uint64_t v = uint64_t(in[i]) & mask;
    if (bit_width <= 32) {
      put(v, bit_width);
    } else {
      put(v & 0xffffffffu, 32);
      put(v >> 32, bit_width - 32);
    }
  }
  if (bits > 0) *out = uint8_t(acc);
}

}  // namespace

void unpack_bits(const uint8_t* in, size_t first, size_t n, int bit_width, uint32_t* out) {
  unpack_impl(in, first, n, bit_width, out);
}
void unpack_bits(const uint8_t* in, size_t first, size_t n, int bit_width, uint64_t* out) {
  unpack_impl(in, first, n, bit_width, out);
}
void pack_bits(const uint32_t* in, size_t n, int bit_width, uint8_t* out) {
  pack_impl(in, n, bit_width, out);
}
void pack_bits(const uint64_t* in, size_t n, int bit_width, uint8_t* out) {
  pack_impl(in, n, bit_width, out);
}

}  // namespace floe::parquet
