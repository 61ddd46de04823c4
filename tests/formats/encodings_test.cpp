// Parquet value encodings: bit packing, RLE/bit-packed hybrid, DELTA_BINARY_PACKED,
// byte array encodings and BYTE_STREAM_SPLIT. Round trips, spec examples, bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "base/error.h"
#include "formats/parquet/bit_packing.h"
#include "formats/parquet/byte_array_encodings.h"
#include "formats/parquet/byte_stream_split.h"
#include "formats/parquet/delta_binary_packed.h"
#include "formats/parquet/rle_bit_packed.h"

namespace floe::parquet {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes to_bytes(const Buffer& b) { return Bytes(b.data(), b.data() + b.size()); }

uint64_t mask_for(int w) { return w == 64 ? ~uint64_t(0) : (uint64_t(1) << w) - 1; }

// Reference LSB-first bit writer, one bit at a time.
struct BitWriter {
  Bytes out;
  size_t bits = 0;
  void put(uint64_t v, int w) {
    for (int i = 0; i < w; ++i, ++bits) {
      if (bits % 8 == 0) out.push_back(0);
      if ((v >> i) & 1) out.back() |= uint8_t(1u << (bits % 8));
    }
  }
};

void put_uvarint(Bytes& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(uint8_t(v | 0x80));
    v >>= 7;
  }
  out.push_back(uint8_t(v));
}
void put_zigzag(Bytes& out, int64_t v) { put_uvarint(out, (uint64_t(v) << 1) ^ uint64_t(v >> 63)); }

// ---------------------------------------------------------------- bit packing

TEST(BitPackTest, SpecExample) {
  const uint32_t values[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  uint8_t out[3];
  pack_bits(values, 8, 3, out);
  EXPECT_EQ(out[0], 0x88);
  EXPECT_EQ(out[1], 0xC6);
  EXPECT_EQ(out[2], 0xFA);
  uint32_t back[8];
  unpack_bits(out, 0, 8, 3, back);
  EXPECT_TRUE(std::equal(back, back + 8, values));
}

TEST(BitPackTest, PackedSizeAndWidth) {
  EXPECT_EQ(packed_size(0, 7), 0u);
  EXPECT_EQ(packed_size(1, 7), 1u);
  EXPECT_EQ(packed_size(8, 7), 7u);
  EXPECT_EQ(packed_size(9, 7), 8u);
  EXPECT_EQ(packed_size(3, 64), 24u);
  EXPECT_EQ(bit_width_of(0), 0);
  EXPECT_EQ(bit_width_of(1), 1);
  EXPECT_EQ(bit_width_of(255), 8);
  EXPECT_EQ(bit_width_of(256), 9);
  EXPECT_EQ(bit_width_of(~uint64_t(0)), 64);
}

template <typename T>
void bit_pack_round_trip(int max_width) {
  std::mt19937_64 rng(42);
  for (int w = 0; w <= max_width; ++w) {
    for (size_t n : {size_t(0), size_t(1), size_t(7), size_t(31), size_t(32), size_t(33),
                     size_t(100), size_t(1000)}) {
      std::vector<T> values(n);
      for (auto& v : values) v = T(rng() & mask_for(w));
      BitWriter ref;
      for (auto v : values) ref.put(v, w);
      Bytes packed(packed_size(n, w));
      ASSERT_EQ(packed.size(), ref.out.size());
      pack_bits(values.data(), n, w, packed.data());
      ASSERT_EQ(packed, ref.out) << "width " << w << " n " << n;
      // Whole array, from an exactly sized heap copy so ASan sees any overread.
      std::vector<T> back(n);
      std::unique_ptr<uint8_t[]> exact(new uint8_t[packed.size()]);
      if (!packed.empty()) std::memcpy(exact.get(), packed.data(), packed.size());
      unpack_bits(exact.get(), 0, n, w, back.data());
      ASSERT_EQ(back, values) << "width " << w << " n " << n;
      // Random sub-ranges.
      for (int t = 0; t < 5 && n > 0; ++t) {
        const size_t first = rng() % n;
        const size_t count = rng() % (n - first + 1);
        std::vector<T> part(count);
        unpack_bits(packed.data(), first, count, w, part.data());
        ASSERT_TRUE(std::equal(part.begin(), part.end(), values.begin() + first))
            << "width " << w << " first " << first << " count " << count;
      }
    }
  }
}

TEST(BitPackTest, RoundTrip32AllWidths) { bit_pack_round_trip<uint32_t>(32); }
TEST(BitPackTest, RoundTrip64AllWidths) { bit_pack_round_trip<uint64_t>(64); }

TEST(BitPackTest, PackMasksHighBits) {
  const uint32_t values[2] = {0xFFFFFFFFu, 0};
  uint8_t out[1] = {0};
  pack_bits(values, 2, 3, out);
  EXPECT_EQ(out[0], 0x07);
}

TEST(BitPackTest, WidthOutOfRangeIsInternalError) {
  uint8_t in[8] = {};
  uint32_t out[1];
  EXPECT_THROW(unpack_bits(in, 0, 1, 33, out), InternalError);
  EXPECT_THROW(unpack_bits(in, 0, 1, -1, out), InternalError);
}

// ---------------------------------------------------------------- RLE / bit-packed hybrid

std::vector<uint32_t> rle_decode_all(const Bytes& data, int w, size_t max) {
  RleBitPackedDecoder d(data.data(), data.size(), w);
  std::vector<uint32_t> out(max);
  out.resize(d.get_batch(out.data(), max));
  return out;
}

TEST(RleTest, SpecBitPackedExample) {
  const Bytes data = {0x03, 0x88, 0xC6, 0xFA};
  EXPECT_EQ(rle_decode_all(data, 3, 100), (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(RleTest, RleRunExample) {
  // 100 x 5, width 3: header 100 << 1 = 200 (varint C8 01), value in one byte.
  const Bytes data = {0xC8, 0x01, 0x05};
  EXPECT_EQ(rle_decode_all(data, 3, 1000), std::vector<uint32_t>(100, 5));
  std::vector<uint32_t> v(100, 5);
  RleBitPackedEncoder enc(3);
  enc.put(v.data(), v.size());
  Buffer out;
  enc.finish(out);
  EXPECT_EQ(to_bytes(out), data);
}

TEST(RleTest, MultiByteRleValue) {
  const Bytes data = {0x04, 0x34, 0x12};  // 2 x 0x1234, width 13
  EXPECT_EQ(rle_decode_all(data, 13, 10), (std::vector<uint32_t>{0x1234, 0x1234}));
}

TEST(RleTest, EncoderMixesRuns) {
  std::vector<uint32_t> v = {1, 2, 3, 4, 5, 6, 7, 0};  // a literal group
  v.insert(v.end(), 20, 6);                            // a run
  RleBitPackedEncoder enc(3);
  enc.put(v.data(), v.size());
  Buffer out;
  enc.finish(out);
  const Bytes expect = {0x03, 0xD1, 0x58, 0x1F, 0x28, 0x06};
  EXPECT_EQ(to_bytes(out), expect);
  EXPECT_EQ(rle_decode_all(expect, 3, 100), v);
}

TEST(RleTest, EdgeCases) {
  for (int w : {0, 1, 8, 32}) {
    Buffer out;
    RleBitPackedEncoder enc(w);
    enc.finish(out);
    EXPECT_EQ(out.size(), 0u);
    EXPECT_TRUE(rle_decode_all({}, w, 10).empty());
    const uint32_t one = uint32_t(mask_for(w));
    RleBitPackedEncoder enc1(w);
    enc1.put(&one, 1);
    enc1.finish(out);
    EXPECT_EQ(rle_decode_all(to_bytes(out), w, 10), std::vector<uint32_t>{one});
  }
}

TEST(RleTest, RoundTripAllWidths) {
  std::mt19937_64 rng(7);
  for (int w = 0; w <= 32; ++w) {
    for (size_t n : {size_t(1), size_t(9), size_t(100), size_t(5000)}) {
      std::vector<uint32_t> v;
      while (v.size() < n) {
        const uint32_t x = uint32_t(rng() & mask_for(w));
        const size_t run = rng() % 3 == 0 ? 1 + rng() % 40 : 1;
        for (size_t i = 0; i < run && v.size() < n; ++i) v.push_back(x);
      }
      RleBitPackedEncoder enc(w);
      // Feed in uneven pieces.
      for (size_t i = 0; i < n;) {
        const size_t k = std::min(n - i, size_t(1 + rng() % 70));
        enc.put(v.data() + i, k);
        i += k;
      }
      Buffer out;
      enc.finish(out);
      const Bytes data = to_bytes(out);
      RleBitPackedDecoder d(data.data(), data.size(), w);
      std::vector<uint32_t> back(n);
      size_t got = 0;
      while (got < n) {
        const size_t k = std::min(n - got, size_t(1 + rng() % 50));
        ASSERT_EQ(d.get_batch(back.data() + got, k), k);
        got += k;
      }
      ASSERT_EQ(back, v) << "width " << w << " n " << n;
      // Trailing padding of the last group decodes to at most 7 extra zeros.
      uint32_t extra[16];
      EXPECT_LE(d.get_batch(extra, 16), 7u);

      // Skip interleaved with reads.
      RleBitPackedDecoder s(data.data(), data.size(), w);
      size_t pos = 0;
      while (pos < n) {
        const size_t k = std::min(n - pos, size_t(1 + rng() % 30));
        if (rng() % 2) {
          ASSERT_EQ(s.skip(k), k);
        } else {
          std::vector<uint32_t> part(k);
          ASSERT_EQ(s.get_batch(part.data(), k), k);
          ASSERT_TRUE(std::equal(part.begin(), part.end(), v.begin() + pos));
        }
        pos += k;
      }
    }
  }
}

TEST(RleTest, PrefixedForms) {
  const std::vector<uint32_t> v = {1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0};
  Buffer out;
  out.push<uint8_t>(0xEE);  // appends after existing bytes
  encode_length_prefixed(v.data(), v.size(), 1, out);
  const size_t mid = out.size();
  encode_bit_width_prefixed(v.data(), v.size(), 5, out);
  size_t consumed = 0;
  auto levels = open_length_prefixed(out.data() + 1, mid - 1, 1, consumed);
  EXPECT_EQ(consumed, mid - 1);
  std::vector<uint32_t> back(v.size());
  EXPECT_EQ(levels.get_batch(back.data(), v.size()), v.size());
  EXPECT_EQ(back, v);
  EXPECT_EQ(out.data()[mid], 5);
  auto idx = open_bit_width_prefixed(out.data() + mid, out.size() - mid);
  EXPECT_EQ(idx.bit_width(), 5);
  EXPECT_EQ(idx.get_batch(back.data(), v.size()), v.size());
  EXPECT_EQ(back, v);
}

TEST(RleTest, MalformedInput) {
  uint32_t out[64];
  const Bytes ok = {0x02, 0x01};
  EXPECT_THROW(RleBitPackedDecoder(ok.data(), ok.size(), 33), CorruptDataError);
  EXPECT_THROW(RleBitPackedDecoder(ok.data(), ok.size(), -1), CorruptDataError);
  {  // bit width byte 33
    const Bytes d = {33, 0x02, 0x01};
    EXPECT_THROW(open_bit_width_prefixed(d.data(), d.size()), CorruptDataError);
    EXPECT_THROW(open_bit_width_prefixed(d.data(), 0), CorruptDataError);
  }
  {  // truncated varint header
    const Bytes d = {0x80, 0x80};
    RleBitPackedDecoder dec(d.data(), d.size(), 3);
    EXPECT_THROW(dec.get_batch(out, 1), CorruptDataError);
  }
  {  // varint longer than 10 bytes
    const Bytes d(12, 0xFF);
    RleBitPackedDecoder dec(d.data(), d.size(), 3);
    EXPECT_THROW(dec.get_batch(out, 1), CorruptDataError);
  }
  {  // RLE value missing its second byte
    const Bytes d = {0x04, 0x34};
    RleBitPackedDecoder dec(d.data(), d.size(), 13);
    EXPECT_THROW(dec.get_batch(out, 1), CorruptDataError);
  }
  {  // RLE value wider than the bit width
    const Bytes d = {0x04, 0x09};
    RleBitPackedDecoder dec(d.data(), d.size(), 3);
    EXPECT_THROW(dec.get_batch(out, 1), CorruptDataError);
  }
  {  // length prefix beyond the data
    const Bytes d = {0x10, 0, 0, 0, 0x02, 0x01};
    size_t consumed = 0;
    EXPECT_THROW(open_length_prefixed(d.data(), d.size(), 1, consumed), CorruptDataError);
    EXPECT_THROW(open_length_prefixed(d.data(), 3, 1, consumed), CorruptDataError);
    const Bytes neg = {0xFF, 0xFF, 0xFF, 0xFF, 0x02};
    EXPECT_THROW(open_length_prefixed(neg.data(), neg.size(), 1, consumed), CorruptDataError);
  }
  {  // bit-packed run claiming 10 groups with 2 bytes: whole values only, no overread
    std::unique_ptr<uint8_t[]> d(new uint8_t[3]{0x15, 0xFF, 0x0F});
    RleBitPackedDecoder dec(d.get(), 3, 3);
    EXPECT_EQ(dec.get_batch(out, 64), 5u);  // 16 bits hold 5 values of 3 bits
  }
  {  // absurd counts: runs are not materialised, only what is asked for
    Bytes d;
    put_uvarint(d, uint64_t(1) << 62);  // RLE run of 2^61
    d.push_back(1);
    put_uvarint(d, (uint64_t(1) << 62) | 1);  // bit-packed run of 2^61 groups, no data
    RleBitPackedDecoder dec(d.data(), d.size(), 1);
    EXPECT_EQ(dec.get_batch(out, 64), 64u);
    EXPECT_EQ(out[63], 1u);
    EXPECT_EQ(dec.skip(size_t(1) << 61), (size_t(1) << 61) - 64);
    EXPECT_EQ(dec.get_batch(out, 64), 0u);
  }
}

TEST(RleTest, FuzzNeverCrashes) {
  std::mt19937_64 rng(3);
  uint32_t out[300];
  for (int iter = 0; iter < 3000; ++iter) {
    const size_t size = rng() % 40;
    std::unique_ptr<uint8_t[]> d(new uint8_t[size]);
    for (size_t i = 0; i < size; ++i) d[i] = uint8_t(rng());
    const int w = int(rng() % 33);
    RleBitPackedDecoder dec(d.get(), size, w);
    try {
      for (int k = 0; k < 50 && dec.get_batch(out, 300) == 300; ++k) {
        if (dec.skip(1000) < 1000) break;
      }
    } catch (const CorruptDataError&) {
    }
  }
}

// ---------------------------------------------------------------- DELTA_BINARY_PACKED

TEST(DeltaTest, SpecExample1) {
  // 1, 2, 3, 4, 5: deltas all 1, min delta 1, all bit widths 0.
  const Bytes expect = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00};
  const int32_t v[5] = {1, 2, 3, 4, 5};
  DeltaBinaryPackedEncoder<int32_t> enc;
  enc.put(v, 5);
  Buffer out;
  enc.finish(out);
  EXPECT_EQ(to_bytes(out), expect);
  DeltaBinaryPackedDecoder<int32_t> dec;
  dec.init(expect.data(), expect.size());
  EXPECT_EQ(dec.total_values(), 5u);
  int32_t back[5];
  dec.decode(back, 5);
  EXPECT_TRUE(std::equal(back, back + 5, v));
  EXPECT_EQ(dec.bytes_consumed(), expect.size());
}

TEST(DeltaTest, SpecExample2) {
  // 7, 5, 3, 1, 2, 3, 4, 5: min delta -2, relative deltas 0 0 0 3 3 3 3 in 2 bits.
  Bytes expect = {0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00, 0x00, 0xC0, 0x3F};
  expect.resize(expect.size() + 6, 0);  // the miniblock is padded to 32 values
  const int64_t v[8] = {7, 5, 3, 1, 2, 3, 4, 5};
  DeltaBinaryPackedEncoder<int64_t> enc;
  enc.put(v, 8);
  Buffer out;
  enc.finish(out);
  EXPECT_EQ(to_bytes(out), expect);
  DeltaBinaryPackedDecoder<int64_t> dec;
  dec.init(expect.data(), expect.size());
  int64_t back[8];
  dec.decode(back, 3);
  dec.decode(back + 3, 5);
  EXPECT_TRUE(std::equal(back, back + 8, v));
  EXPECT_EQ(dec.bytes_consumed(), expect.size());
}

template <typename T>
std::vector<T> delta_round_trip(const std::vector<T>& v, std::mt19937_64& rng) {
  DeltaBinaryPackedEncoder<T> enc;
  for (size_t i = 0; i < v.size();) {
    const size_t k = std::min(v.size() - i, size_t(1 + rng() % 300));
    enc.put(v.data() + i, k);
    i += k;
  }
  Buffer out;
  enc.finish(out);
  const size_t encoded = out.size();
  out.push<uint32_t>(0xDEADBEEF);  // another stream follows
  DeltaBinaryPackedDecoder<T> dec;
  dec.init(out.data(), out.size());
  EXPECT_EQ(dec.total_values(), v.size());
  EXPECT_EQ(dec.bytes_consumed(), encoded);  // before decoding: walks the blocks
  std::vector<T> back(v.size());
  for (size_t i = 0; i < v.size();) {
    const size_t k = std::min(v.size() - i, size_t(1 + rng() % 200));
    dec.decode(back.data() + i, k);
    i += k;
  }
  EXPECT_EQ(dec.bytes_consumed(), encoded);
  EXPECT_EQ(dec.values_left(), 0u);
  T extra;
  EXPECT_THROW(dec.decode(&extra, 1), CorruptDataError);
  return back;
}

template <typename T>
void delta_suite() {
  std::mt19937_64 rng(11);
  constexpr T kMin = std::numeric_limits<T>::min();
  constexpr T kMax = std::numeric_limits<T>::max();
  for (size_t n : {size_t(0), size_t(1), size_t(2), size_t(31), size_t(127), size_t(128),
                   size_t(129), size_t(1000), size_t(4099)}) {
    std::vector<std::vector<T>> cases(6, std::vector<T>(n));
    for (size_t i = 0; i < n; ++i) {
      cases[0][i] = T(rng());                              // full range: deltas wrap
      cases[1][i] = T(1000 + int64_t(rng() % 50) - 25);    // small deltas
      cases[2][i] = T(i * 3);                              // sorted
      cases[3][i] = T(-17);                                // all equal
      cases[4][i] = i % 2 ? kMax : kMin;                   // extreme deltas
      cases[5][i] = i % 3 == 0 ? kMin : T(rng() % 7);      // mixed
    }
    for (const auto& v : cases) ASSERT_EQ(delta_round_trip(v, rng), v) << "n " << n;
  }
}

TEST(DeltaTest, RoundTripInt32) { delta_suite<int32_t>(); }
TEST(DeltaTest, RoundTripInt64) { delta_suite<int64_t>(); }

// Reference encoder with any block layout, to check that the decoder takes every
// valid header, including unused miniblocks with garbage widths in the last block.
template <typename T>
Bytes reference_delta(const std::vector<T>& v, size_t block, size_t miniblocks) {
  using U = std::make_unsigned_t<T>;
  Bytes out;
  put_uvarint(out, block);
  put_uvarint(out, miniblocks);
  put_uvarint(out, v.size());
  put_zigzag(out, v.empty() ? 0 : int64_t(v[0]));
  const size_t per = block / miniblocks;
  for (size_t start = 1; start < v.size(); start += block) {
    const size_t end = std::min(v.size(), start + block);
    std::vector<U> d;
    for (size_t i = start; i < end; ++i) d.push_back(U(U(v[i]) - U(v[i - 1])));
    T min = T(d[0]);
    for (U x : d) min = std::min(min, T(x));
    put_zigzag(out, int64_t(min));
    std::vector<int> widths;
    for (size_t m = 0; m < miniblocks; ++m) {
      U all = 0;
      for (size_t i = m * per; i < std::min(d.size(), (m + 1) * per); ++i) all |= U(d[i] - U(min));
      widths.push_back(m * per < d.size() ? bit_width_of(all) : 0);
      out.push_back(m * per < d.size() ? uint8_t(widths.back()) : uint8_t(0xEE));  // garbage
    }
    for (size_t m = 0; m < miniblocks && m * per < d.size(); ++m) {
      BitWriter bw;
      for (size_t i = m * per; i < (m + 1) * per; ++i)
        bw.put(i < d.size() ? uint64_t(U(d[i] - U(min))) : 0, widths[m]);
      out.insert(out.end(), bw.out.begin(), bw.out.end());
    }
  }
  return out;
}

TEST(DeltaTest, DecoderAcceptsOtherBlockLayouts) {
  std::mt19937_64 rng(5);
  for (auto [block, mbs] : {std::pair<size_t, size_t>{128, 1}, {256, 8}, {128, 4}, {512, 2},
                            {1024, 32}}) {
    for (size_t n : {size_t(1), size_t(50), size_t(700)}) {
      std::vector<int64_t> v(n);
      for (auto& x : v) x = int64_t(uint64_t(rng() % 100000) - (rng() % 4 == 0 ? rng() : 0));
      const Bytes data = reference_delta(v, block, mbs);
      DeltaBinaryPackedDecoder<int64_t> dec;
      dec.init(data.data(), data.size());
      EXPECT_EQ(dec.bytes_consumed(), data.size());
      std::vector<int64_t> back(n);
      dec.decode(back.data(), n);
      EXPECT_EQ(back, v) << block << "/" << mbs << " n " << n;
      EXPECT_EQ(dec.bytes_consumed(), data.size());
    }
  }
}

TEST(DeltaTest, ToleratesCutPaddingOfLastMiniblock) {
  std::vector<int32_t> v = {7, 5, 3, 1, 2, 3, 4, 5};
  const Bytes cut = {0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00, 0x00, 0xC0, 0x3F};
  DeltaBinaryPackedDecoder<int32_t> dec;
  dec.init(cut.data(), cut.size());
  std::vector<int32_t> back(8);
  dec.decode(back.data(), 8);
  EXPECT_EQ(back, v);
  EXPECT_EQ(dec.bytes_consumed(), cut.size());
}

Bytes delta_header(uint64_t block, uint64_t mbs, uint64_t total, int64_t first) {
  Bytes d;
  put_uvarint(d, block);
  put_uvarint(d, mbs);
  put_uvarint(d, total);
  put_zigzag(d, first);
  return d;
}

TEST(DeltaTest, MalformedInput) {
  DeltaBinaryPackedDecoder<int32_t> d32;
  DeltaBinaryPackedDecoder<int64_t> d64;
  int32_t out[200];
  int64_t out64[200];
  auto init32 = [&](const Bytes& b) { d32.init(b.data(), b.size()); };
  EXPECT_THROW(init32({}), CorruptDataError);
  EXPECT_THROW(init32({0x80, 0x01, 0x04}), CorruptDataError);       // truncated header
  EXPECT_THROW(init32(delta_header(0, 4, 5, 0)), CorruptDataError);   // block size 0
  EXPECT_THROW(init32(delta_header(100, 4, 5, 0)), CorruptDataError); // not multiple of 128
  EXPECT_THROW(init32(delta_header(128, 0, 5, 0)), CorruptDataError); // no miniblocks
  EXPECT_THROW(init32(delta_header(128, 3, 5, 0)), CorruptDataError); // 128 / 3
  EXPECT_THROW(init32(delta_header(128, 8, 5, 0)), CorruptDataError); // 16 per miniblock
  EXPECT_THROW(init32(delta_header(uint64_t(1) << 40, 1, 5, 0)), CorruptDataError);
  EXPECT_THROW(init32(Bytes(11, 0xFF)), CorruptDataError);            // endless varint
  {  // bit width 33 for int32, 65 for int64
    Bytes b = delta_header(128, 4, 3, 0);
    b.insert(b.end(), {0x00, 33, 0, 0, 0});
    b.resize(b.size() + 200, 0);
    init32(b);
    out[0] = 0;
    EXPECT_THROW(d32.decode(out, 3), CorruptDataError);
    d64.init(b.data(), b.size());
    d64.decode(out64, 3);  // 33 is fine for int64
    b[b.size() - 204] = 65;
    d64.init(b.data(), b.size());
    EXPECT_THROW(d64.decode(out64, 3), CorruptDataError);
  }
  {  // truncated miniblock data
    Bytes b = delta_header(128, 4, 40, 0);
    b.insert(b.end(), {0x00, 8, 0, 0, 0});
    b.resize(b.size() + 20, 0);  // 39 values of 8 bits need 32 + 7 bytes
    init32(b);
    EXPECT_THROW(d32.decode(out, 40), CorruptDataError);
    init32(b);
    EXPECT_THROW(d32.bytes_consumed(), CorruptDataError);
  }
  {  // more values requested than the header holds
    const int32_t v[3] = {1, 2, 3};
    DeltaBinaryPackedEncoder<int32_t> enc;
    enc.put(v, 3);
    Buffer b;
    enc.finish(b);
    d32.init(b.data(), b.size());
    EXPECT_THROW(d32.decode(out, 4), CorruptDataError);
  }
  {  // absurd count with little data: fails when data runs out, never allocates for it
    Bytes b = delta_header(128, 4, uint64_t(1) << 62, 0);
    b.insert(b.end(), {0x02, 0, 0, 0, 0});
    init32(b);
    EXPECT_EQ(d32.total_values(), size_t(1) << 62);
    d32.decode(out, 129);  // one full block of zero-width miniblocks is present
    EXPECT_EQ(out[128], 128);
    EXPECT_THROW(d32.decode(out, 1), CorruptDataError);
    init32(b);
    EXPECT_THROW(d32.bytes_consumed(), CorruptDataError);
  }
}

TEST(DeltaTest, FuzzNeverCrashes) {
  std::mt19937_64 rng(9);
  int64_t out[300];
  for (int iter = 0; iter < 2000; ++iter) {
    Bytes b = delta_header(128 * (1 + rng() % 2), 1u << (rng() % 3), rng() % 600, int64_t(rng()));
    const size_t extra = rng() % 80;
    for (size_t i = 0; i < extra; ++i) b.push_back(uint8_t(rng() % 4 == 0 ? rng() % 70 : rng()));
    std::unique_ptr<uint8_t[]> d(new uint8_t[b.size()]);
    std::memcpy(d.get(), b.data(), b.size());
    try {
      DeltaBinaryPackedDecoder<int64_t> dec;
      dec.init(d.get(), b.size());
      (void)dec.bytes_consumed();
      while (dec.values_left() > 0) dec.decode(out, std::min<size_t>(300, dec.values_left()));
    } catch (const CorruptDataError&) {
    }
  }
}

// ---------------------------------------------------------------- byte arrays

struct Strings {
  Buffer offsets;
  Buffer bytes;
  Strings() { offsets.push<int32_t>(0); }
  explicit Strings(const std::vector<std::string>& v) : Strings() {
    for (const auto& s : v) {
      bytes.append(s.data(), s.size());
      offsets.push<int32_t>(int32_t(bytes.size()));
    }
  }
  size_t size() const { return offsets.size() / 4 - 1; }
  const int32_t* off() const { return offsets.as<int32_t>(); }
  std::vector<std::string> values() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < size(); ++i)
      out.emplace_back(reinterpret_cast<const char*>(bytes.data()) + off()[i],
                       size_t(off()[i + 1] - off()[i]));
    return out;
  }
};

enum class BaEncoding { kPlain, kDeltaLength, kDelta };

Bytes encode_strings(BaEncoding e, const std::vector<std::string>& v) {
  Strings s(v);
  Buffer out;
  switch (e) {
    case BaEncoding::kPlain: encode_plain_byte_array(s.off(), s.bytes.data(), v.size(), out); break;
    case BaEncoding::kDeltaLength:
      encode_delta_length_byte_array(s.off(), s.bytes.data(), v.size(), out);
      break;
    case BaEncoding::kDelta: encode_delta_byte_array(s.off(), s.bytes.data(), v.size(), out); break;
  }
  return to_bytes(out);
}

// Decodes in chunks of `chunk` values, appending to `into`.
void decode_strings(BaEncoding e, const Bytes& data, size_t n, size_t chunk, Strings& into) {
  PlainByteArrayDecoder plain(data.data(), data.size());
  DeltaLengthByteArrayDecoder dlba;
  DeltaByteArrayDecoder dba;
  if (e == BaEncoding::kDeltaLength) {
    dlba.init(data.data(), data.size());
    EXPECT_EQ(dlba.total_values(), n);
  }
  if (e == BaEncoding::kDelta) {
    dba.init(data.data(), data.size());
    EXPECT_EQ(dba.total_values(), n);
  }
  for (size_t i = 0; i < n; i += chunk) {
    const size_t k = std::min(chunk, n - i);
    switch (e) {
      case BaEncoding::kPlain: plain.decode(k, into.offsets, into.bytes); break;
      case BaEncoding::kDeltaLength: dlba.decode(k, into.offsets, into.bytes); break;
      case BaEncoding::kDelta: dba.decode(k, into.offsets, into.bytes); break;
    }
  }
  if (e == BaEncoding::kPlain) {
    EXPECT_EQ(plain.bytes_consumed(), data.size());
  }
}

std::vector<std::string> decode_all(BaEncoding e, const Bytes& data, size_t n) {
  Strings s;
  decode_strings(e, data, n, n ? n : 1, s);
  return s.values();
}

TEST(ByteArrayTest, SpecExamples) {
  const std::vector<std::string> hello = {"Hello", "World", "Foobar", "ABCDEF"};
  Bytes dlba = encode_strings(BaEncoding::kDeltaLength, hello);
  // lengths 5 5 6 6 as DELTA_BINARY_PACKED, then the concatenated bytes
  const std::string tail = "HelloWorldFoobarABCDEF";
  ASSERT_GT(dlba.size(), tail.size());
  EXPECT_EQ(std::string(dlba.end() - long(tail.size()), dlba.end()), tail);
  EXPECT_EQ(decode_all(BaEncoding::kDeltaLength, dlba, 4), hello);

  const std::vector<std::string> axis = {"axis", "axle", "babble", "babyhood"};
  Bytes dba = encode_strings(BaEncoding::kDelta, axis);
  // prefix lengths 0 2 0 3, suffixes "axis" "le" "babble" "yhood"
  DeltaBinaryPackedDecoder<int32_t> pre;
  pre.init(dba.data(), dba.size());
  int32_t p[4];
  pre.decode(p, 4);
  EXPECT_EQ(std::vector<int32_t>(p, p + 4), (std::vector<int32_t>{0, 2, 0, 3}));
  const std::string suffixes = "axislebabbleyhood";
  EXPECT_EQ(std::string(dba.end() - long(suffixes.size()), dba.end()), suffixes);
  EXPECT_EQ(decode_all(BaEncoding::kDelta, dba, 4), axis);

  const Bytes plain = encode_strings(BaEncoding::kPlain, {"ab", ""});
  EXPECT_EQ(plain, (Bytes{2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0}));
}

TEST(ByteArrayTest, RoundTripAllEncodings) {
  std::mt19937_64 rng(21);
  for (size_t n : {size_t(0), size_t(1), size_t(3), size_t(200), size_t(3000)}) {
    std::vector<std::string> v;
    std::string prev;
    for (size_t i = 0; i < n; ++i) {
      std::string s;
      switch (rng() % 4) {
        case 0: break;  // empty
        case 1: s = prev.substr(0, rng() % (prev.size() + 1)); [[fallthrough]];
        default: {
          const size_t len = rng() % (rng() % 10 == 0 ? 300 : 12);
          for (size_t j = 0; j < len; ++j) s.push_back(char('a' + rng() % 3));
        }
      }
      v.push_back(s);
      prev = s;
    }
    for (auto e : {BaEncoding::kPlain, BaEncoding::kDeltaLength, BaEncoding::kDelta}) {
      const Bytes data = encode_strings(e, v);
      EXPECT_EQ(decode_all(e, data, n), v);
      // Appending to values already present, in uneven chunks.
      Strings s({"pre", "existing"});
      decode_strings(e, data, n, 1 + rng() % 17, s);
      std::vector<std::string> expect = {"pre", "existing"};
      expect.insert(expect.end(), v.begin(), v.end());
      EXPECT_EQ(s.values(), expect);
      EXPECT_EQ(size_t(s.off()[s.size()]), s.bytes.size());
    }
  }
}

TEST(ByteArrayTest, AllEqualValues) {
  const std::vector<std::string> v(500, "same-value");
  for (auto e : {BaEncoding::kPlain, BaEncoding::kDeltaLength, BaEncoding::kDelta})
    EXPECT_EQ(decode_all(e, encode_strings(e, v), v.size()), v);
}

TEST(ByteArrayTest, PlainMalformed) {
  Strings s;
  {  // length beyond the data
    const Bytes d = {5, 0, 0, 0, 'a', 'b'};
    PlainByteArrayDecoder dec(d.data(), d.size());
    EXPECT_THROW(dec.decode(1, s.offsets, s.bytes), CorruptDataError);
    EXPECT_EQ(s.size(), 0u);  // the output is left as it was
  }
  {  // negative length
    const Bytes d = {0xFF, 0xFF, 0xFF, 0xFF, 'a', 'b'};
    PlainByteArrayDecoder dec(d.data(), d.size());
    EXPECT_THROW(dec.decode(1, s.offsets, s.bytes), CorruptDataError);
    EXPECT_THROW(dec.skip(1), CorruptDataError);
  }
  {  // more values than the data holds, truncated length
    const Bytes d = {1, 0, 0, 0, 'a', 1, 0};
    PlainByteArrayDecoder dec(d.data(), d.size());
    EXPECT_THROW(dec.decode(2, s.offsets, s.bytes), CorruptDataError);
    PlainByteArrayDecoder dec2(d.data(), d.size());
    EXPECT_THROW(dec2.decode(size_t(1) << 60, s.offsets, s.bytes), CorruptDataError);
  }
}

// Valid values past floe's 2 GiB-per-vector limit: unsupported, not corrupt.
TEST(ByteArrayTest, OffsetsPastInt32MaxThrow) {
  const Bytes d = {5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o'};
  Strings s;
  s.offsets.push<int32_t>(std::numeric_limits<int32_t>::max() - 3);  // pretend 2 GiB present
  PlainByteArrayDecoder dec(d.data(), d.size());
  EXPECT_THROW(dec.decode(1, s.offsets, s.bytes), UnsupportedError);
  const Bytes dl = encode_strings(BaEncoding::kDeltaLength, {"hello"});
  DeltaLengthByteArrayDecoder dlba;
  dlba.init(dl.data(), dl.size());
  EXPECT_THROW(dlba.decode(1, s.offsets, s.bytes), UnsupportedError);
  const Bytes db = encode_strings(BaEncoding::kDelta, {"hello"});
  DeltaByteArrayDecoder dba;
  dba.init(db.data(), db.size());
  EXPECT_THROW(dba.decode(1, s.offsets, s.bytes), UnsupportedError);
  EXPECT_EQ(s.offsets.size(), 8u);
}

// Builds a DELTA_BINARY_PACKED stream of int32 values with the library encoder.
Bytes delta_ints(const std::vector<int32_t>& v) {
  DeltaBinaryPackedEncoder<int32_t> enc;
  enc.put(v.data(), v.size());
  Buffer b;
  enc.finish(b);
  return to_bytes(b);
}

TEST(ByteArrayTest, DeltaLengthMalformed) {
  Strings s;
  {  // negative length
    Bytes d = delta_ints({3, -1});
    d.insert(d.end(), {'a', 'b', 'c', 'd'});
    DeltaLengthByteArrayDecoder dec;
    dec.init(d.data(), d.size());
    EXPECT_THROW(dec.decode(2, s.offsets, s.bytes), CorruptDataError);
  }
  {  // lengths beyond the data
    Bytes d = delta_ints({3, 4});
    d.insert(d.end(), {'a', 'b', 'c', 'd'});
    DeltaLengthByteArrayDecoder dec;
    dec.init(d.data(), d.size());
    EXPECT_THROW(dec.decode(2, s.offsets, s.bytes), CorruptDataError);
    DeltaLengthByteArrayDecoder dec2;
    dec2.init(d.data(), d.size());
    EXPECT_THROW(dec2.decode(3, s.offsets, s.bytes), CorruptDataError);
  }
  {  // truncated length stream
    const Bytes d = {0x80, 0x01};
    DeltaLengthByteArrayDecoder dec;
    EXPECT_THROW(dec.init(d.data(), d.size()), CorruptDataError);
  }
  EXPECT_EQ(s.size(), 0u);
}

TEST(ByteArrayTest, DeltaMalformed) {
  Strings s;
  auto build = [](const std::vector<int32_t>& prefixes, const std::vector<int32_t>& suffix_lens,
                  const std::string& suffixes) {
    Bytes d = delta_ints(prefixes);
    const Bytes l = delta_ints(suffix_lens);
    d.insert(d.end(), l.begin(), l.end());
    d.insert(d.end(), suffixes.begin(), suffixes.end());
    return d;
  };
  {  // prefix longer than the previous value
    const Bytes d = build({0, 3}, {2, 1}, "abc");
    DeltaByteArrayDecoder dec;
    dec.init(d.data(), d.size());
    EXPECT_THROW(dec.decode(2, s.offsets, s.bytes), CorruptDataError);
  }
  {  // first prefix must be 0 (no previous value)
    const Bytes d = build({1}, {1}, "a");
    DeltaByteArrayDecoder dec;
    dec.init(d.data(), d.size());
    EXPECT_THROW(dec.decode(1, s.offsets, s.bytes), CorruptDataError);
  }
  {  // negative prefix
    const Bytes d = build({0, -1}, {1, 1}, "ab");
    DeltaByteArrayDecoder dec;
    dec.init(d.data(), d.size());
    EXPECT_THROW(dec.decode(2, s.offsets, s.bytes), CorruptDataError);
  }
  {  // counts differ
    const Bytes d = build({0, 0}, {1}, "a");
    DeltaByteArrayDecoder dec;
    EXPECT_THROW(dec.init(d.data(), d.size()), CorruptDataError);
  }
  EXPECT_EQ(s.size(), 0u);
  {  // ok case still works
    const Bytes d = build({0, 1}, {2, 1}, "abc");
    DeltaByteArrayDecoder dec;
    dec.init(d.data(), d.size());
    dec.decode(2, s.offsets, s.bytes);
    EXPECT_EQ(s.values(), (std::vector<std::string>{"ab", "ac"}));
  }
}

TEST(ByteArrayTest, FuzzNeverCrashes) {
  std::mt19937_64 rng(17);
  const Bytes base = encode_strings(BaEncoding::kDelta, {"apple", "apricot", "banana", "band"});
  for (int iter = 0; iter < 2000; ++iter) {
    Bytes b = base;
    for (int k = 0; k < 3; ++k) b[rng() % b.size()] = uint8_t(rng());
    b.resize(rng() % (b.size() + 1));
    std::unique_ptr<uint8_t[]> d(new uint8_t[b.size()]);
    if (!b.empty()) std::memcpy(d.get(), b.data(), b.size());
    Strings s;
    try {
      DeltaByteArrayDecoder dec;
      dec.init(d.get(), b.size());
      dec.decode(std::min<size_t>(dec.values_left(), 4), s.offsets, s.bytes);
    } catch (const CorruptDataError&) {
    }
    try {
      DeltaLengthByteArrayDecoder dec;
      dec.init(d.get(), b.size());
      dec.decode(std::min<size_t>(dec.values_left(), 4), s.offsets, s.bytes);
    } catch (const CorruptDataError&) {
    }
    try {
      PlainByteArrayDecoder dec(d.get(), b.size());
      dec.decode(2, s.offsets, s.bytes);
    } catch (const CorruptDataError&) {
    }
  }
}

// ---------------------------------------------------------------- BYTE_STREAM_SPLIT

TEST(ByteStreamSplitTest, SpecLayout) {
  const uint8_t values[6] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06};  // three 2-byte values
  Buffer out;
  byte_stream_split_encode(values, 3, 2, out);
  EXPECT_EQ(to_bytes(out), (Bytes{0x01, 0x03, 0x05, 0x02, 0x04, 0x06}));
  uint8_t back[6];
  byte_stream_split_decode(out.data(), out.size(), 2, 0, 3, back);
  EXPECT_TRUE(std::equal(back, back + 6, values));
}

TEST(ByteStreamSplitTest, RoundTripWidths) {
  std::mt19937_64 rng(1);
  for (size_t width : {1, 2, 3, 4, 5, 8, 12, 16}) {
    for (size_t n : {size_t(0), size_t(1), size_t(7), size_t(1001)}) {
      Bytes values(n * width);
      for (auto& b : values) b = uint8_t(rng());
      Buffer out;
      byte_stream_split_encode(values.data(), n, width, out);
      ASSERT_EQ(out.size(), values.size());
      EXPECT_EQ(byte_stream_split_count(out.size(), width), n);
      Bytes back(values.size());
      byte_stream_split_decode(out.data(), out.size(), width, 0, n, back.data());
      EXPECT_EQ(back, values) << "width " << width;
      if (n > 2) {  // a range in the middle
        Bytes part(2 * width);
        byte_stream_split_decode(out.data(), out.size(), width, n / 2, 2, part.data());
        EXPECT_TRUE(std::equal(part.begin(), part.end(), values.begin() + long(n / 2 * width)));
      }
    }
  }
}

TEST(ByteStreamSplitTest, Malformed) {
  uint8_t data[10] = {};
  uint8_t out[16];
  EXPECT_THROW(byte_stream_split_decode(data, 10, 4, 0, 2, out), CorruptDataError);
  EXPECT_THROW(byte_stream_split_decode(data, 10, 0, 0, 0, out), CorruptDataError);
  EXPECT_THROW(byte_stream_split_decode(data, 8, 4, 1, 2, out), CorruptDataError);
  EXPECT_THROW(byte_stream_split_decode(data, 8, 4, 3, 0, out), CorruptDataError);
  EXPECT_THROW(byte_stream_split_decode(data, 8, 4, 1, SIZE_MAX, out), CorruptDataError);
}

}  // namespace
}  // namespace floe::parquet
