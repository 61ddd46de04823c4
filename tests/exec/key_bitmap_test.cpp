// KeyBitmap: exact membership for integer and DATE keys of a narrow range (NULLs never
// members), nothing made for wide ranges, empty sets or other types.
#include "exec/key_bitmap.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <set>

namespace floe::exec {
namespace {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

template <typename T>
Column column_of(TypeId id, const std::vector<std::optional<T>>& values) {
  Column c{DataType(id)};
  for (const auto& v : values) {
    if (v) c.append<T>(*v);
    else c.append_null();
  }
  return c;
}

template <typename T>
void check_against_set(TypeId id, int64_t lo, int64_t hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int64_t> pick(lo, hi);
  std::vector<std::optional<T>> keys;
  std::set<int64_t> members;
  for (int i = 0; i < 300; ++i) {
    if (i % 17 == 0) {
      keys.push_back(std::nullopt);
      continue;
    }
    int64_t v = pick(rng);
    keys.push_back(T(v));
    members.insert(v);
  }
  auto bitmap = KeyBitmap::of(column_of<T>(id, keys));
  ASSERT_TRUE(bitmap.has_value());
  std::vector<std::optional<T>> probes;
  for (int i = 0; i < 2000; ++i) {
    int64_t v = pick(rng);  // and its neighbours, within [lo, hi]
    if (i % 3 == 0 && v > lo) --v;
    if (i % 3 == 2 && v < hi) ++v;
    probes.push_back(i % 13 == 0 ? std::nullopt : std::optional<T>(T(v)));
  }
  probes.push_back(T(lo));
  probes.push_back(T(hi));
  Column probe = column_of<T>(id, probes);
  std::vector<uint8_t> keep(probes.size(), 1);
  bitmap->drop_absent(probe, keep);
  for (size_t i = 0; i < probes.size(); ++i) {
    bool expected = probes[i] && members.count(int64_t(*probes[i])) > 0;
    EXPECT_EQ(keep[i] != 0, expected) << "probe " << i;
  }
  // Entries already 0 stay 0.
  std::vector<uint8_t> none(probes.size(), 0);
  bitmap->drop_absent(probe, none);
  for (uint8_t k : none) EXPECT_EQ(k, 0);
}

TEST(KeyBitmap, MembershipMatchesASet) {
  check_against_set<int32_t>(TypeId::kInt32, 1, 200000, 1);
  check_against_set<int32_t>(TypeId::kInt32, -5000, 5000, 2);
  check_against_set<int32_t>(TypeId::kDate, 18000, 19000, 3);
  check_against_set<int64_t>(TypeId::kInt64, int64_t(1) << 40, (int64_t(1) << 40) + 100000, 4);
  check_against_set<int8_t>(TypeId::kInt8, -128, 127, 5);
  check_against_set<uint16_t>(TypeId::kUInt16, 0, 65535, 6);
  check_against_set<int64_t>(TypeId::kInt64, std::numeric_limits<int64_t>::min(),
                             std::numeric_limits<int64_t>::min() + 1000, 7);
  check_against_set<int64_t>(TypeId::kInt64, std::numeric_limits<int64_t>::max() - 1000,
                             std::numeric_limits<int64_t>::max(), 8);
}

TEST(KeyBitmap, NotMadeForWideRangesEmptySetsOrOtherTypes) {
  using L = std::numeric_limits<int64_t>;
  EXPECT_FALSE(KeyBitmap::of(column_of<int64_t>(TypeId::kInt64, {L::min(), L::max()})));
  // 2 keys 2^21 apart: wider than 2^20 bits and than 64 bits per key.
  EXPECT_FALSE(KeyBitmap::of(column_of<int64_t>(TypeId::kInt64, {0, int64_t(1) << 21})));
  // Within 2^20 bits, however few the keys.
  EXPECT_TRUE(KeyBitmap::of(column_of<int64_t>(TypeId::kInt64, {0, (int64_t(1) << 20) - 1})));
  EXPECT_FALSE(KeyBitmap::of(column_of<int32_t>(TypeId::kInt32, {std::nullopt, std::nullopt})));
  EXPECT_FALSE(KeyBitmap::of(column_of<int32_t>(TypeId::kInt32, {})));
  EXPECT_FALSE(KeyBitmap::of(column_of<double>(TypeId::kFloat64, {1.0, 2.0})));
  EXPECT_FALSE(KeyBitmap::of(column_of<uint64_t>(TypeId::kUInt64, {1, 2})));
  EXPECT_FALSE(is_integer_key_type(DataType(TypeId::kFloat64)));
  EXPECT_TRUE(is_integer_key_type(DataType(TypeId::kDate)));
}

}  // namespace
}  // namespace floe::exec
