#include "formats/compression/codec.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lz4hc.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <cctype>
#include <climits>
#include <cstring>
#include <string>

#include "base/error.h"

namespace floe::compression {
namespace {

// Some libraries reject a null output pointer even for zero bytes.
uint8_t g_empty_out[1];
uint8_t* non_null(uint8_t* p) { return p ? p : g_empty_out; }

[[noreturn]] void size_mismatch(std::string_view codec, size_t got, size_t want) {
  throw CorruptDataError(fmt::format("{}: page decompressed to {} bytes, header says {}", codec,
                                     got, want));
}

// Per-thread contexts: creating them costs more than decompressing a small page.
struct ZstdContexts {
  ZSTD_DCtx* d = nullptr;
  ZSTD_CCtx* c = nullptr;
  ~ZstdContexts() {
    ZSTD_freeDCtx(d);
    ZSTD_freeCCtx(c);
  }
};
thread_local ZstdContexts t_zstd;

struct InflateContext {
  z_stream s{};
  bool ready = false;
  ~InflateContext() {
    if (ready) inflateEnd(&s);
  }
};
thread_local InflateContext t_inflate;

void decompress_gzip(std::span<const uint8_t> in, uint8_t* out, size_t out_size) {
  if (in.size() > UINT_MAX || out_size > UINT_MAX)
    throw UnsupportedError("GZIP: pages over 4 GiB are not supported");
  z_stream& s = t_inflate.s;
  if (!t_inflate.ready) {
    s = z_stream{};
    if (inflateInit2(&s, 15 + 32) != Z_OK) throw InternalError("GZIP: inflateInit2 failed");
    t_inflate.ready = true;
  } else {
    inflateReset(&s);
  }
  s.next_in = const_cast<Bytef*>(in.data());
  s.avail_in = uInt(in.size());
  s.next_out = non_null(out);
  s.avail_out = uInt(out_size);
  for (;;) {
    const int rc = inflate(&s, Z_FINISH);
    if (rc == Z_STREAM_END) {
      if (s.avail_in == 0) break;
      inflateReset(&s);  // another gzip member follows
      continue;
    }
    FLOE_CORRUPT_IF(rc == Z_BUF_ERROR && s.avail_out == 0,
                    "GZIP: page decompresses to more than the {} bytes its header says", out_size);
    FLOE_CORRUPT_IF(rc == Z_BUF_ERROR, "GZIP: compressed page is truncated");
    FLOE_CORRUPT_IF(true, "GZIP: {}", s.msg ? s.msg : "invalid compressed data");
  }
  if (s.avail_out != 0) size_mismatch("GZIP", out_size - s.avail_out, out_size);
}

void decompress_lz4_raw(std::span<const uint8_t> in, uint8_t* out, size_t out_size) {
  FLOE_CORRUPT_IF(in.size() > size_t(LZ4_MAX_INPUT_SIZE) || out_size > size_t(INT_MAX),
                  "LZ4: block too large");
  const int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in.data()),
                                    reinterpret_cast<char*>(non_null(out)), int(in.size()),
                                    int(out_size));
  FLOE_CORRUPT_IF(n < 0, "LZ4: invalid compressed block");
  if (size_t(n) != out_size) size_mismatch("LZ4", size_t(n), out_size);
}

uint32_t load_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

// Hadoop framing; false if the input does not follow it exactly.
bool try_lz4_hadoop(std::span<const uint8_t> in, uint8_t* out, size_t out_size) {
  const uint8_t* p = in.data();
  size_t left = in.size();
  size_t produced = 0;
  if (left < 8) return false;
  while (left >= 8) {
    const uint32_t raw_size = load_be32(p);
    const uint32_t comp_size = load_be32(p + 4);
    p += 8;
    left -= 8;
    if (comp_size > left || raw_size > out_size - produced || comp_size > INT_MAX ||
        raw_size > INT_MAX)
      return false;
    const int n = LZ4_decompress_safe(reinterpret_cast<const char*>(p),
                                      reinterpret_cast<char*>(non_null(out) + produced),
                                      int(comp_size), int(raw_size));
    if (n < 0 || uint32_t(n) != raw_size) return false;
    produced += raw_size;
    p += comp_size;
    left -= comp_size;
  }
  return left == 0 && produced == out_size;
}

void decompress_lz4_frame(std::span<const uint8_t> in, uint8_t* out, size_t out_size) {
  LZ4F_dctx* ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION)))
    throw InternalError("LZ4: cannot create a frame decompression context");
  struct Free {
    LZ4F_dctx* c;
    ~Free() { LZ4F_freeDecompressionContext(c); }
  } free_ctx{ctx};
  const uint8_t* src = in.data();
  size_t left = in.size();
  size_t produced = 0;
  size_t hint = 1;
  while (left > 0) {
    size_t dst_size = out_size - produced;
    size_t src_size = left;
    hint = LZ4F_decompress(ctx, non_null(out) + produced, &dst_size, src, &src_size, nullptr);
    FLOE_CORRUPT_IF(LZ4F_isError(hint), "LZ4 frame: {}", LZ4F_getErrorName(hint));
    produced += dst_size;
    src += src_size;
    left -= src_size;
    FLOE_CORRUPT_IF(dst_size == 0 && src_size == 0,
                    "LZ4 frame: page decompresses to more than the {} bytes its header says",
                    out_size);
  }
  FLOE_CORRUPT_IF(hint != 0, "LZ4 frame: compressed page is truncated");
  if (produced != out_size) size_mismatch("LZ4 frame", produced, out_size);
}

void decompress_lz4_hadoop(std::span<const uint8_t> in, uint8_t* out, size_t out_size) {
  if (try_lz4_hadoop(in, out, out_size)) return;
  static constexpr uint8_t kFrameMagic[4] = {0x04, 0x22, 0x4d, 0x18};
  if (in.size() >= 4 && std::memcmp(in.data(), kFrameMagic, 4) == 0) {
    decompress_lz4_frame(in, out, out_size);
  } else {
    decompress_lz4_raw(in, out, out_size);
  }
}

void store_be32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}

// Appends a raw LZ4 block; returns its size.
size_t compress_lz4_block(std::span<const uint8_t> in, Buffer& out, int level) {
  if (in.size() > size_t(LZ4_MAX_INPUT_SIZE))
    throw UnsupportedError("LZ4: pages over 2 GiB are not supported");
  const int bound = LZ4_compressBound(int(in.size()));
  const size_t at = out.size();
  out.resize(at + size_t(bound));
  const char* src = reinterpret_cast<const char*>(in.data());
  char* dst = reinterpret_cast<char*>(out.data() + at);
  const int n = level > 0 ? LZ4_compress_HC(src, dst, int(in.size()), bound, level)
                          : LZ4_compress_default(src, dst, int(in.size()), bound);
  if (n <= 0) throw InternalError("LZ4: compression failed");
  out.resize(at + size_t(n));
  return size_t(n);
}

}  // namespace

void decompress(Codec codec, std::span<const uint8_t> in, uint8_t* out, size_t out_size) {
  switch (codec) {
    case Codec::kUncompressed:
      if (in.size() != out_size) size_mismatch("UNCOMPRESSED", in.size(), out_size);
      if (out_size) std::memcpy(out, in.data(), out_size);
      return;
    case Codec::kSnappy: {
      const char* src = reinterpret_cast<const char*>(in.data());
      size_t n = 0;
      FLOE_CORRUPT_IF(!snappy::GetUncompressedLength(src, in.size(), &n),
                      "SNAPPY: invalid compressed data");
      if (n != out_size) size_mismatch("SNAPPY", n, out_size);
      const bool ok =
          snappy::RawUncompress(src, in.size(), reinterpret_cast<char*>(non_null(out)));
      FLOE_CORRUPT_IF(!ok, "SNAPPY: invalid compressed data");
      return;
    }
    case Codec::kGzip:
      return decompress_gzip(in, out, out_size);
    case Codec::kBrotli: {
      size_t n = out_size;
      const BrotliDecoderResult rc =
          BrotliDecoderDecompress(in.size(), in.data(), &n, non_null(out));
      FLOE_CORRUPT_IF(rc != BROTLI_DECODER_RESULT_SUCCESS,
                      "BROTLI: invalid or truncated data, or more than {} bytes", out_size);
      if (n != out_size) size_mismatch("BROTLI", n, out_size);
      return;
    }
    case Codec::kLz4Hadoop:
      return decompress_lz4_hadoop(in, out, out_size);
    case Codec::kLz4Raw:
      return decompress_lz4_raw(in, out, out_size);
    case Codec::kZstd: {
      if (!t_zstd.d) t_zstd.d = ZSTD_createDCtx();
      if (!t_zstd.d) throw InternalError("ZSTD: cannot create a context");
      const size_t n = ZSTD_decompressDCtx(t_zstd.d, non_null(out), out_size, in.data(), in.size());
      FLOE_CORRUPT_IF(ZSTD_isError(n), "ZSTD: {}", ZSTD_getErrorName(n));
      if (n != out_size) size_mismatch("ZSTD", n, out_size);
      return;
    }
  }
  throw InvalidInputError(fmt::format("unknown codec {}", int(codec)));
}

void compress(Codec codec, std::span<const uint8_t> in, Buffer& out, int level) {
  const size_t at = out.size();
  switch (codec) {
    case Codec::kUncompressed:
      out.append(in.data(), in.size());
      return;
    case Codec::kSnappy: {
      out.resize(at + snappy::MaxCompressedLength(in.size()));
      size_t n = 0;
      snappy::RawCompress(reinterpret_cast<const char*>(in.data()), in.size(),
                          reinterpret_cast<char*>(out.data() + at), &n);
      out.resize(at + n);
      return;
    }
    case Codec::kGzip: {
      if (in.size() > UINT_MAX) throw UnsupportedError("GZIP: pages over 4 GiB are not supported");
      z_stream s{};
      if (deflateInit2(&s, level == 0 ? 6 : level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
          Z_OK)
        throw InvalidInputError(fmt::format("GZIP: cannot compress at level {}", level));
      const uLong bound = deflateBound(&s, uLong(in.size()));
      out.resize(at + bound);
      s.next_in = const_cast<Bytef*>(in.data());
      s.avail_in = uInt(in.size());
      s.next_out = out.data() + at;
      s.avail_out = uInt(bound);
      const int rc = deflate(&s, Z_FINISH);
      const size_t n = bound - s.avail_out;
      deflateEnd(&s);
      if (rc != Z_STREAM_END) throw InternalError("GZIP: deflate did not finish");
      out.resize(at + n);
      return;
    }
    case Codec::kBrotli: {
      size_t bound = BrotliEncoderMaxCompressedSize(in.size());
      if (bound == 0) bound = in.size() + 1024;
      out.resize(at + bound);
      size_t n = bound;
      if (!BrotliEncoderCompress(level == 0 ? 1 : level, BROTLI_DEFAULT_WINDOW,
                                 BROTLI_DEFAULT_MODE, in.size(), in.data(), &n, out.data() + at))
        throw InternalError("BROTLI: compression failed");
      out.resize(at + n);
      return;
    }
    case Codec::kLz4Raw:
      compress_lz4_block(in, out, level);
      return;
    case Codec::kLz4Hadoop: {
      out.resize(at + 8);
      const size_t n = compress_lz4_block(in, out, level);
      store_be32(out.data() + at, uint32_t(in.size()));
      store_be32(out.data() + at + 4, uint32_t(n));
      return;
    }
    case Codec::kZstd: {
      if (!t_zstd.c) t_zstd.c = ZSTD_createCCtx();
      if (!t_zstd.c) throw InternalError("ZSTD: cannot create a context");
      const size_t bound = ZSTD_compressBound(in.size());
      out.resize(at + bound);
      const size_t n = ZSTD_compressCCtx(t_zstd.c, out.data() + at, bound, in.data(), in.size(),
                                         level == 0 ? 1 : level);
      if (ZSTD_isError(n)) throw InternalError(fmt::format("ZSTD: {}", ZSTD_getErrorName(n)));
      out.resize(at + n);
      return;
    }
  }
  throw InvalidInputError(fmt::format("unknown codec {}", int(codec)));
}

std::string_view codec_name(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed: return "UNCOMPRESSED";
    case Codec::kSnappy: return "SNAPPY";
    case Codec::kGzip: return "GZIP";
    case Codec::kBrotli: return "BROTLI";
    case Codec::kLz4Hadoop: return "LZ4";
    case Codec::kZstd: return "ZSTD";
    case Codec::kLz4Raw: return "LZ4_RAW";
  }
  return "UNKNOWN";
}

Codec codec_from_name(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "none" || lower == "uncompressed") return Codec::kUncompressed;
  if (lower == "snappy") return Codec::kSnappy;
  if (lower == "gzip") return Codec::kGzip;
  if (lower == "brotli") return Codec::kBrotli;
  if (lower == "lz4") return Codec::kLz4Hadoop;
  if (lower == "lz4_raw") return Codec::kLz4Raw;
  if (lower == "zstd") return Codec::kZstd;
  throw InvalidInputError(fmt::format(
      "unknown compression codec '{}' (expected none, snappy, gzip, brotli, lz4, lz4_raw, zstd)",
      name));
}

}  // namespace floe::compression
