#include "formats/parquet/byte_stream_split.h"

#include "base/error.h"

namespace floe::parquet {
namespace {

// Fixed width: the compiler keeps the W stream pointers in registers.
template <size_t W>
void decode_fixed(const uint8_t* data, size_t stride, size_t n, uint8_t* out) {
  for (size_t i = 0; i < n; ++i) {
#pragma GCC unroll 8
    for (size_t k = 0; k < W; ++k) out[i * W + k] = data[k * stride + i];
  }
}

template <size_t W>
void encode_fixed(const uint8_t* values, size_t n, uint8_t* out) {
  for (size_t i = 0; i < n; ++i) {
#pragma GCC unroll 8
    for (size_t k = 0; k < W; ++k) out[k * n + i] = values[i * W + k];
  }
}

void decode_any(const uint8_t* data, size_t stride, size_t width, size_t n, uint8_t* out) {
  for (size_t k = 0; k < width; ++k) {
    const uint8_t* s = data + k * stride;
    for (size_t i = 0; i < n; ++i) out[i * width + k] = s[i];
  }
}

void encode_any(const uint8_t* values, size_t n, size_t width, uint8_t* out) {
  for (size_t k = 0; k < width; ++k) {
    uint8_t* s = out + k * n;
    for (size_t i = 0; i < n; ++i) s[i] = values[i * width + k];
  }
}

}  // namespace

size_t byte_stream_split_count(size_t size, size_t width) {
  FLOE_CORRUPT_IF(width == 0, "BYTE_STREAM_SPLIT: element width 0");
  FLOE_CORRUPT_IF(size % width != 0, "BYTE_STREAM_SPLIT: {} bytes are not a multiple of width {}",
                  size, width);
  return size / width;
}

void byte_stream_split_decode(const uint8_t* data, size_t size, size_t width, size_t first,
                              size_t n, uint8_t* out) {
  const size_t count = byte_stream_split_count(size, width);
  FLOE_CORRUPT_IF(first > count || n > count - first,
                  "BYTE_STREAM_SPLIT: values [{}, {}+{}) outside the {} in the page", first, first,
                  n, count);
  if (n == 0) return;
  const uint8_t* d = data + first;
  switch (width) {
    case 2: return decode_fixed<2>(d, count, n, out);
    case 4: return decode_fixed<4>(d, count, n, out);
    case 8: return decode_fixed<8>(d, count, n, out);
    default: return decode_any(d, count, width, n, out);
  }
}

void byte_stream_split_encode(const uint8_t* values, size_t n, size_t width, Buffer& out) {
  FLOE_CHECK(width > 0, "BYTE_STREAM_SPLIT width 0");
  if (n == 0) return;
  const size_t at = out.size();
  out.resize(at + n * width);
  uint8_t* o = out.data() + at;
  switch (width) {
    case 2: return encode_fixed<2>(values, n, o);
    case 4: return encode_fixed<4>(values, n, o);
    case 8: return encode_fixed<8>(values, n, o);
    default: return encode_any(values, n, width, o);
  }
}

}  // namespace floe::parquet
