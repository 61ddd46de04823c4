// Deletion vector blobs (Puffin deletion-vector-v1): positions across 32-bit keys, and every
// malformed part refused.
#include "iceberg/deletion_vector.h"

#include <gtest/gtest.h>
#include <roaring/roaring.h>
#include <zlib.h>

#include "base/error.h"

namespace floe::iceberg {
namespace {

void put_be32(std::vector<uint8_t>& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t(v >> s));
}

// A blob as the spec lays it out, for positions grouped by their high 32 bits.
std::vector<uint8_t> blob_of(const std::vector<std::pair<uint32_t, std::vector<uint32_t>>>& keys) {
  std::vector<uint8_t> body = {0xD1, 0xD3, 0x39, 0x64};
  uint64_t n = keys.size();
  body.insert(body.end(), reinterpret_cast<uint8_t*>(&n), reinterpret_cast<uint8_t*>(&n) + 8);
  for (const auto& [key, values] : keys) {
    body.insert(body.end(), reinterpret_cast<const uint8_t*>(&key),
                reinterpret_cast<const uint8_t*>(&key) + 4);
    roaring_bitmap_t* r = roaring_bitmap_of_ptr(values.size(), values.data());
    roaring_bitmap_run_optimize(r);
    std::vector<char> bytes(roaring_bitmap_portable_size_in_bytes(r));
    roaring_bitmap_portable_serialize(r, bytes.data());
    roaring_bitmap_free(r);
    body.insert(body.end(), bytes.begin(), bytes.end());
  }
  std::vector<uint8_t> out;
  put_be32(out, uint32_t(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  put_be32(out, uint32_t(::crc32(0L, body.data(), uInt(body.size()))));
  return out;
}

TEST(DeletionVector, DecodesPositionsAcrossKeys) {
  std::vector<uint32_t> dense;
  for (uint32_t i = 0; i < 10000; ++i) dense.push_back(i * 2);  // a bitmap container
  auto blob = blob_of({{0, {1, 5, 70000}}, {1, dense}, {3, {7}}});
  auto got = decode_deletion_vector(blob, "dv");
  ASSERT_EQ(got.size(), 3u + dense.size() + 1u);
  EXPECT_EQ(got[0], 1);
  EXPECT_EQ(got[2], 70000);
  EXPECT_EQ(got[3], int64_t(1) << 32);
  EXPECT_EQ(got[3 + dense.size() - 1], (int64_t(1) << 32) + 19998);
  EXPECT_EQ(got.back(), (int64_t(3) << 32) + 7);
}

TEST(DeletionVector, MalformedBlobsAreRefused) {
  auto good = blob_of({{0, {1, 2, 3}}});
  auto flip = [&](size_t i) {
    auto b = good;
    b[i] ^= 0x40;
    return b;
  };
  EXPECT_THROW(decode_deletion_vector(flip(5), "dv"), floe::CorruptDataError);  // magic
  EXPECT_THROW(decode_deletion_vector(flip(good.size() - 1), "dv"), floe::CorruptDataError);  // CRC
  EXPECT_THROW(decode_deletion_vector(flip(3), "dv"), floe::CorruptDataError);  // length
  auto cut = good;
  cut.resize(good.size() - 6);
  EXPECT_THROW(decode_deletion_vector(cut, "dv"), floe::CorruptDataError);
  EXPECT_THROW(decode_deletion_vector(std::vector<uint8_t>(5, 0), "dv"), floe::CorruptDataError);
  EXPECT_THROW(decode_deletion_vector(blob_of({{2, {1}}, {1, {1}}}), "dv"), floe::CorruptDataError);
}

}  // namespace
}  // namespace floe::iceberg
