// Compression codecs: round trips for every codec, exact-size checks, malformed input,
// gzip members, LZ4 framing fallbacks and codec names.
#include "formats/compression/codec.h"

#include <gtest/gtest.h>
#include <lz4.h>
#include <lz4frame.h>
#include <zlib.h>

#include <random>
#include <string>
#include <vector>

#include "base/error.h"

namespace floe::compression {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr Codec kAllCodecs[] = {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip,
                                Codec::kBrotli,       Codec::kLz4Hadoop, Codec::kZstd,
                                Codec::kLz4Raw};

Bytes sample(size_t n, bool compressible, uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  Bytes b(n);
  for (size_t i = 0; i < n; ++i)
    b[i] = compressible ? uint8_t("parquet floe "[i % 13] + (rng() % 16 == 0)) : uint8_t(rng());
  return b;
}

Bytes compress_bytes(Codec c, const Bytes& in, int level = 0) {
  Buffer out;
  compress(c, in, out, level);
  return Bytes(out.data(), out.data() + out.size());
}

Bytes decompress_bytes(Codec c, const Bytes& in, size_t out_size) {
  Bytes out(out_size);
  decompress(c, in, out.data(), out_size);
  return out;
}

TEST(CodecTest, RoundTripEveryCodec) {
  for (Codec c : kAllCodecs) {
    for (size_t n : {size_t(0), size_t(1), size_t(1000), size_t(300000)}) {
      for (bool compressible : {true, false}) {
        const Bytes in = sample(n, compressible);
        const Bytes packed = compress_bytes(c, in);
        if (compressible && n >= 1000 && c != Codec::kUncompressed) {
          EXPECT_LT(packed.size(), n / 2) << codec_name(c);
        }
        EXPECT_EQ(decompress_bytes(c, packed, n), in) << codec_name(c) << " n " << n;
      }
    }
  }
}

TEST(CodecTest, CompressAppendsAndHonoursLevels) {
  const Bytes in = sample(5000, true);
  for (Codec c : kAllCodecs) {
    for (int level : {0, 1, 5, 9}) {
      Buffer out;
      out.push<uint32_t>(0xABCDEF01);
      compress(c, in, out, level);
      ASSERT_GT(out.size(), 4u);
      EXPECT_EQ(out.as<uint32_t>()[0], 0xABCDEF01u);
      Bytes back(in.size());
      decompress(c, std::span<const uint8_t>(out.data() + 4, out.size() - 4), back.data(),
                 back.size());
      EXPECT_EQ(back, in) << codec_name(c) << " level " << level;
    }
  }
}

TEST(CodecTest, WrongOutputSizeThrows) {
  const Bytes in = sample(4000, true);
  for (Codec c : kAllCodecs) {
    const Bytes packed = compress_bytes(c, in);
    Bytes out(in.size() + 10);
    EXPECT_THROW(decompress(c, packed, out.data(), in.size() - 1), CorruptDataError)
        << codec_name(c);
    EXPECT_THROW(decompress(c, packed, out.data(), in.size() + 10), CorruptDataError)
        << codec_name(c);
  }
}

TEST(CodecTest, TruncatedAndGarbageInputThrows) {
  const Bytes in = sample(20000, false);
  std::mt19937_64 rng(5);
  for (Codec c : kAllCodecs) {
    const Bytes packed = compress_bytes(c, in);
    Bytes out(in.size());
    for (size_t cut : {size_t(0), size_t(1), size_t(7), packed.size() / 2, packed.size() - 1}) {
      const Bytes part(packed.begin(), packed.begin() + long(cut));
      EXPECT_THROW(decompress(c, part, out.data(), out.size()), CorruptDataError)
          << codec_name(c) << " cut at " << cut;
    }
    for (int t = 0; t < 20; ++t) {
      Bytes garbage(1 + rng() % 200);
      for (auto& b : garbage) b = uint8_t(rng());
      EXPECT_THROW(decompress(c, garbage, out.data(), out.size()), CorruptDataError)
          << codec_name(c);
    }
  }
}

TEST(CodecTest, CorruptedBytesNeverCrash) {
  const Bytes in = sample(3000, true);
  std::mt19937_64 rng(8);
  for (Codec c : kAllCodecs) {
    const Bytes packed = compress_bytes(c, in);
    for (int t = 0; t < 200; ++t) {
      Bytes bad = packed;
      for (int k = 0; k < 3; ++k) bad[rng() % bad.size()] = uint8_t(rng());
      Bytes out(in.size());
      try {
        decompress(c, bad, out.data(), out.size());
      } catch (const CorruptDataError&) {
      }
    }
  }
}

Bytes gzip_member(const Bytes& in) {
  z_stream s{};
  EXPECT_EQ(deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes out(deflateBound(&s, uLong(in.size())));
  s.next_in = const_cast<Bytef*>(in.data());
  s.avail_in = uInt(in.size());
  s.next_out = out.data();
  s.avail_out = uInt(out.size());
  EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
  out.resize(out.size() - s.avail_out);
  deflateEnd(&s);
  return out;
}

TEST(CodecTest, GzipConcatenatedMembersAndZlibHeader) {
  const Bytes a = sample(3000, true, 1), b = sample(5000, false, 2), c = sample(10, true, 3);
  Bytes joined = gzip_member(a);
  const Bytes mb = gzip_member(b), mc = gzip_member(c);
  joined.insert(joined.end(), mb.begin(), mb.end());
  joined.insert(joined.end(), mc.begin(), mc.end());
  Bytes expect = a;
  expect.insert(expect.end(), b.begin(), b.end());
  expect.insert(expect.end(), c.begin(), c.end());
  EXPECT_EQ(decompress_bytes(Codec::kGzip, joined, expect.size()), expect);
  // The output size must cover all members.
  Bytes out(expect.size());
  EXPECT_THROW(decompress(Codec::kGzip, joined, out.data(), a.size() + b.size()), CorruptDataError);

  uLongf zlen = compressBound(uLong(a.size()));
  Bytes zlib(zlen);
  ASSERT_EQ(compress2(zlib.data(), &zlen, a.data(), uLong(a.size()), 6), Z_OK);
  zlib.resize(zlen);
  EXPECT_EQ(decompress_bytes(Codec::kGzip, zlib, a.size()), a);
}

Bytes lz4_raw_block(const Bytes& in) {
  Bytes out(size_t(LZ4_compressBound(int(in.size()))));
  const int n = LZ4_compress_default(reinterpret_cast<const char*>(in.data()),
                                     reinterpret_cast<char*>(out.data()), int(in.size()),
                                     int(out.size()));
  out.resize(size_t(n));
  return out;
}

void put_be32(Bytes& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t(v >> s));
}

TEST(CodecTest, Lz4HadoopFramingAndFallbacks) {
  const Bytes a = sample(7000, true, 4), b = sample(3000, false, 5);
  Bytes expect = a;
  expect.insert(expect.end(), b.begin(), b.end());
  // Two hadoop blocks.
  Bytes hadoop;
  for (const Bytes* part : {&a, &b}) {
    const Bytes block = lz4_raw_block(*part);
    put_be32(hadoop, uint32_t(part->size()));
    put_be32(hadoop, uint32_t(block.size()));
    hadoop.insert(hadoop.end(), block.begin(), block.end());
  }
  EXPECT_EQ(decompress_bytes(Codec::kLz4Hadoop, hadoop, expect.size()), expect);
  // Our own hadoop output has the 8-byte prefix.
  const Bytes ours = compress_bytes(Codec::kLz4Hadoop, a);
  ASSERT_GE(ours.size(), 8u);
  EXPECT_EQ(ours[0], uint8_t(a.size() >> 24));
  EXPECT_EQ(ours[3], uint8_t(a.size()));
  // A raw block labelled LZ4.
  EXPECT_EQ(decompress_bytes(Codec::kLz4Hadoop, lz4_raw_block(expect), expect.size()), expect);
  // An LZ4 frame labelled LZ4.
  Bytes frame(LZ4F_compressFrameBound(expect.size(), nullptr));
  const size_t fn =
      LZ4F_compressFrame(frame.data(), frame.size(), expect.data(), expect.size(), nullptr);
  ASSERT_FALSE(LZ4F_isError(fn));
  frame.resize(fn);
  EXPECT_EQ(decompress_bytes(Codec::kLz4Hadoop, frame, expect.size()), expect);
  Bytes out(expect.size());
  EXPECT_THROW(decompress(Codec::kLz4Hadoop, frame, out.data(), expect.size() - 1),
               CorruptDataError);
  frame.resize(frame.size() - 5);
  EXPECT_THROW(decompress(Codec::kLz4Hadoop, frame, out.data(), expect.size()), CorruptDataError);
}

TEST(CodecTest, Names) {
  for (Codec c : kAllCodecs) EXPECT_EQ(codec_from_name(codec_name(c)), c);
  EXPECT_EQ(codec_name(Codec::kLz4Raw), "LZ4_RAW");
  EXPECT_EQ(codec_from_name("none"), Codec::kUncompressed);
  EXPECT_EQ(codec_from_name("Uncompressed"), Codec::kUncompressed);
  EXPECT_EQ(codec_from_name("ZSTD"), Codec::kZstd);
  EXPECT_EQ(codec_from_name("Snappy"), Codec::kSnappy);
  EXPECT_EQ(codec_from_name("gzip"), Codec::kGzip);
  EXPECT_EQ(codec_from_name("brotli"), Codec::kBrotli);
  EXPECT_EQ(codec_from_name("lz4"), Codec::kLz4Hadoop);
  EXPECT_EQ(codec_from_name("lz4_raw"), Codec::kLz4Raw);
  EXPECT_THROW(codec_from_name("lzo"), InvalidInputError);
  EXPECT_THROW(codec_from_name(""), InvalidInputError);
  EXPECT_THROW(codec_from_name("zstd "), InvalidInputError);
}

}  // namespace
}  // namespace floe::compression
