// BYTE_STREAM_SPLIT: for N values of W bytes, byte k of every value is stored in
// stream k (k = 0..W-1), streams back to back. Used for FLOAT, DOUBLE, INT32, INT64
// and FIXED_LEN_BYTE_ARRAY; widths 2, 4 and 8 have dedicated loops.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/buffer.h"

namespace floe::parquet {

// Decodes values [first, first + n) of the encoded page `data` (size bytes, holding
// size / width values) into out (n * width bytes). Throws CorruptDataError if width is
// 0, size is not a multiple of width, or the range is not inside the page.
void byte_stream_split_decode(const uint8_t* data, size_t size, size_t width, size_t first,
                              size_t n, uint8_t* out);

// Number of values an encoded page of `size` bytes holds (validating as above).
size_t byte_stream_split_count(size_t size, size_t width);

// Appends the encoding of n values of `width` bytes each (n * width bytes at values).
void byte_stream_split_encode(const uint8_t* values, size_t n, size_t width, Buffer& out);

}  // namespace floe::parquet
