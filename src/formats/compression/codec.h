// Compression codecs of Parquet pages: one-shot compress/decompress of a whole page
// for each codec Parquet defines (except LZO). Layer: formats.
// Decompression knows the exact output size from the page header and checks it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/buffer.h"

namespace floe::compression {

enum class Codec { kUncompressed, kSnappy, kGzip, kBrotli, kLz4Hadoop, kZstd, kLz4Raw };

// Decompresses `in` into exactly out_size bytes at out. Throws CorruptDataError if the
// input is malformed or does not decompress to exactly out_size bytes.
//  - kGzip accepts gzip and zlib headers and concatenated gzip members.
//  - kLz4Hadoop accepts Hadoop framing (big-endian uncompressed size, compressed size,
//    block; repeated) and, like Arrow, falls back to an LZ4 frame or a raw LZ4 block
//    when the framing does not fit (older writers label those LZ4 too).
void decompress(Codec codec, std::span<const uint8_t> in, uint8_t* out, size_t out_size);

// Appends the compressed form of `in` to out. level 0 picks the codec's default:
// zstd 1 (speed over ratio: pages are re-read far more often than written, and level 1
// decompresses as fast as any), gzip 6, brotli quality 1, LZ4 LZ4_compress_default
// (level > 0 selects LZ4 HC at that level). Snappy has no levels.
void compress(Codec codec, std::span<const uint8_t> in, Buffer& out, int level = 0);

// Parquet's name: UNCOMPRESSED, SNAPPY, GZIP, BROTLI, LZ4, ZSTD, LZ4_RAW.
std::string_view codec_name(Codec codec);
// Case-insensitive: none/uncompressed, snappy, gzip, brotli, lz4 (Hadoop-framed, as
// Parquet's LZ4), lz4_raw, zstd. Throws InvalidInputError otherwise.
Codec codec_from_name(std::string_view name);

}  // namespace floe::compression
