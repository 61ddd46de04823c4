// Split-block bloom filter: sizing, no false negatives, false positive rate, the
// serialized form, and the parquet-testing example filters.
#include "formats/parquet/bloom_filter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "base/error.h"

namespace floe::parquet {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(BloomFilterTest, OptimalNumBytes) {
  EXPECT_EQ(BloomFilter::optimal_num_bytes(0, 0.01), 32u);
  EXPECT_EQ(BloomFilter::optimal_num_bytes(1, 0.01), 32u);
  size_t prev = 0;
  for (size_t ndv : {10u, 1000u, 100000u, 10000000u}) {
    const size_t b = BloomFilter::optimal_num_bytes(ndv, 0.01);
    EXPECT_EQ(b & (b - 1), 0u) << b;
    EXPECT_GE(b, prev);
    // At least the bits the formula asks for.
    EXPECT_GE(double(b) * 8, -8.0 * double(ndv) / std::log(1 - std::pow(0.01, 1.0 / 8)));
    prev = b;
  }
  EXPECT_LT(BloomFilter::optimal_num_bytes(100000, 0.1),
            BloomFilter::optimal_num_bytes(100000, 0.001));
  EXPECT_EQ(BloomFilter::optimal_num_bytes(size_t(1) << 40, 0.01), BloomFilter::kMaxBytes);
  EXPECT_THROW(BloomFilter::optimal_num_bytes(10, 0.0), InvalidInputError);
  EXPECT_THROW(BloomFilter::optimal_num_bytes(10, 1.0), InvalidInputError);
  EXPECT_THROW(BloomFilter::optimal_num_bytes(10, std::nan("")), InvalidInputError);
}

TEST(BloomFilterTest, InsertedAlwaysFoundAndFppNearTarget) {
  for (double fpp : {0.01, 0.05}) {
    const size_t ndv = 20000;
    BloomFilter f(BloomFilter::optimal_num_bytes(ndv, fpp));
    std::mt19937_64 rng(99);
    std::vector<int64_t> values(ndv);
    for (auto& v : values) v = int64_t(rng());
    std::vector<uint64_t> hashes;
    for (auto v : values) hashes.push_back(bloom_hash(v));
    f.insert_hashes(hashes);
    for (auto v : values) ASSERT_TRUE(f.find_hash(bloom_hash(v)));
    size_t hits = 0;
    const size_t probes = 200000;
    for (size_t i = 0; i < probes; ++i) hits += f.find_hash(bloom_hash(int64_t(rng())));
    const double rate = double(hits) / double(probes);
    EXPECT_LT(rate, fpp * 1.5) << "fpp target " << fpp;
    EXPECT_GT(rate, fpp / 20) << "filter is oversized for target " << fpp;
  }
}

TEST(BloomFilterTest, EmptyFilterFindsNothingAndBytesRoundTrip) {
  BloomFilter f(1024);
  EXPECT_EQ(f.num_bytes(), 1024u);
  EXPECT_FALSE(f.find_hash(bloom_hash(std::string_view("x"))));
  for (int i = 0; i < 50; ++i) f.insert_hash(bloom_hash(int32_t(i)));
  const auto bytes = f.bytes();
  const BloomFilter g = BloomFilter::from_bytes(bytes);
  for (int i = 0; i < 1000; ++i)
    EXPECT_EQ(g.find_hash(bloom_hash(int32_t(i))), f.find_hash(bloom_hash(int32_t(i))));
  EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), g.bytes().begin()));
  // Each insert sets at most 8 bits.
  size_t bits = 0;
  for (uint8_t b : bytes) bits += size_t(__builtin_popcount(b));
  EXPECT_LE(bits, 50u * 8);
  EXPECT_GT(bits, 50u * 4);
}

TEST(BloomFilterTest, InvalidSizes) {
  const Bytes b(100, 0);
  EXPECT_THROW(BloomFilter::from_bytes(std::span<const uint8_t>(b.data(), 0)), CorruptDataError);
  EXPECT_THROW(BloomFilter::from_bytes(std::span<const uint8_t>(b.data(), 33)), CorruptDataError);
  EXPECT_THROW(BloomFilter::from_bytes(std::span<const uint8_t>(b.data(), 48)), CorruptDataError);
  EXPECT_NO_THROW(BloomFilter::from_bytes(std::span<const uint8_t>(b.data(), 96)));
  EXPECT_THROW(BloomFilter(0), InvalidInputError);
  EXPECT_THROW(BloomFilter(40), InvalidInputError);
}

TEST(BloomFilterTest, HashesArePlainEncodingXxh64) {
  // XXH64("", seed 0) and XXH64("abc", 0) from the xxHash reference.
  EXPECT_EQ(bloom_hash(std::string_view("")), 0xEF46DB3751D8E999ull);
  EXPECT_EQ(bloom_hash(std::string_view("abc")), 0x44BC2CF5AD770999ull);
  const int32_t i32 = 0x01020304;
  const uint8_t le32[4] = {0x04, 0x03, 0x02, 0x01};
  EXPECT_EQ(bloom_hash(i32), bloom_hash(le32, 4));
  const double d = 1.5;
  uint8_t le64[8];
  std::memcpy(le64, &d, 8);
  EXPECT_EQ(bloom_hash(d), bloom_hash(le64, 8));
  EXPECT_EQ(bloom_hash(1.5f), bloom_hash(std::string_view("\x00\x00\xc0\x3f", 4)));
  EXPECT_EQ(bloom_hash(int64_t(-1)),
            bloom_hash(std::string_view("\xff\xff\xff\xff\xff\xff\xff\xff", 8)));
  const int64_t fixed[3] = {1, 2, 3};
  uint64_t out[3];
  bloom_hash_fixed(reinterpret_cast<const uint8_t*>(fixed), 3, 8, out);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(out[i], bloom_hash(fixed[i]));
}

Bytes read_testdata(const std::string& name) {
  const std::string path = std::string(FLOE_TESTDATA_DIR) + "/parquet-testing/data/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Minimal Thrift compact reader for the BloomFilterHeader in front of the bitset:
// returns numBytes (field 1) and moves pos past the struct.
struct CompactHeader {
  const Bytes& b;
  size_t pos = 0;
  uint64_t varint() {
    uint64_t v = 0;
    for (int s = 0; s < 64; s += 7) {
      const uint8_t x = b.at(pos++);
      v |= uint64_t(x & 0x7f) << s;
      if (!(x & 0x80)) return v;
    }
    throw std::runtime_error("bad varint");
  }
  int64_t zigzag() {
    const uint64_t u = varint();
    return int64_t(u >> 1) ^ -int64_t(u & 1);
  }
  // Reads a struct; records field 1 (i32) of the top level.
  void read_struct(int64_t* num_bytes) {
    int16_t last = 0;
    for (;;) {
      const uint8_t h = b.at(pos++);
      if (h == 0) return;
      const int type = h & 0x0f;
      const int16_t id = (h >> 4) ? int16_t(last + (h >> 4)) : int16_t(zigzag());
      last = id;
      switch (type) {
        case 1: case 2: break;                               // bool
        case 3: ++pos; break;                                // i8
        case 4: case 5: case 6: {                            // i16, i32, i64
          const int64_t v = zigzag();
          if (num_bytes && id == 1 && type == 5) *num_bytes = v;
          break;
        }
        case 7: pos += 8; break;                             // double
        case 8: pos += varint(); break;                      // binary
        case 12: read_struct(nullptr); break;                // struct
        default: throw std::runtime_error("unexpected thrift type");
      }
    }
  }
};

const char* const kDocumentedValues[] = {"hello", "parquet", "bloom", "filter"};

TEST(BloomFilterTest, ParquetTestingXxhashFile) {
  // README: generated by parquet-mr inserting "hello", "parquet", "bloom", "filter";
  // a thrift BloomFilterHeader (BLOCK, XXHASH, UNCOMPRESSED) then the bitset.
  const Bytes file = read_testdata("bloom_filter.xxhash.bin");
  ASSERT_FALSE(file.empty());
  CompactHeader h{file};
  int64_t num_bytes = -1;
  h.read_struct(&num_bytes);
  ASSERT_EQ(num_bytes, int64_t(file.size() - h.pos));
  const BloomFilter f =
      BloomFilter::from_bytes(std::span<const uint8_t>(file.data() + h.pos, size_t(num_bytes)));
  for (const char* v : kDocumentedValues)
    EXPECT_TRUE(f.find_hash(bloom_hash(std::string_view(v)))) << v;
  size_t false_positives = 0;
  for (int i = 0; i < 10000; ++i)
    false_positives += f.find_hash(bloom_hash(std::string_view("absent-" + std::to_string(i))));
  EXPECT_LT(false_positives, 10u);
  // Re-inserting the documented values into an empty filter gives the same bits.
  BloomFilter g{size_t(num_bytes)};
  for (const char* v : kDocumentedValues) g.insert_hash(bloom_hash(std::string_view(v)));
  EXPECT_TRUE(std::equal(g.bytes().begin(), g.bytes().end(), f.bytes().begin()));
}

TEST(BloomFilterTest, ParquetTestingDeprecatedMurmur3File) {
  // README: the original format, a 12-byte binary header (numBytes, algorithm, hash as
  // little-endian int32) and Murmur3 hashing, which floe does not implement (current
  // writers use XXHASH behind a thrift header). The bitset is still an SBBF: the four
  // documented values each set one bit in every word of one block.
  const Bytes file = read_testdata("bloom_filter.bin");
  ASSERT_GE(file.size(), 12u);
  int32_t header[3];
  std::memcpy(header, file.data(), 12);
  ASSERT_EQ(size_t(header[0]), file.size() - 12);
  EXPECT_EQ(header[1], 0);  // BLOCK
  EXPECT_EQ(header[2], 0);  // MURMUR3
  const BloomFilter f =
      BloomFilter::from_bytes(std::span<const uint8_t>(file.data() + 12, size_t(header[0])));
  EXPECT_EQ(f.num_bytes(), 1024u);
  const uint32_t* words = reinterpret_cast<const uint32_t*>(f.bytes().data());
  size_t used_blocks = 0;
  for (size_t b = 0; b < f.num_bytes() / 32; ++b) {
    size_t set_words = 0;
    for (int i = 0; i < 8; ++i) {
      const int bits = __builtin_popcount(words[b * 8 + i]);
      EXPECT_LE(bits, 1);
      set_words += bits == 1;
    }
    EXPECT_TRUE(set_words == 0 || set_words == 8) << "block " << b;
    used_blocks += set_words == 8;
  }
  EXPECT_EQ(used_blocks, std::size(kDocumentedValues));
}

}  // namespace
}  // namespace floe::parquet
