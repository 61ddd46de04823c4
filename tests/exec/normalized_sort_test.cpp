// Normalized-key sorting orders rows exactly as the per-key comparator does (stable), for
// every encoded type, both directions, both NULL placements, NaN and -0, strings encoded
// whole and by prefix (ties broken by the full strings, embedded zero bytes), with a limit,
// and declines keys it has no encoding for.
#include "exec/normalized_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <string>

namespace floe::exec {
namespace {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

// The reference: a stable sort by RowComparator.
std::vector<uint32_t> reference_order(const std::vector<SortColumn>& keys, int64_t rows,
                                      int64_t limit) {
  RowComparator cmp(keys);
  std::vector<uint32_t> order(static_cast<size_t>(rows));
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return cmp.compare(a, b) < 0; });
  if (limit >= 0 && limit < rows) order.resize(size_t(limit));
  return order;
}

void expect_same_order(const std::vector<SortColumn>& keys, int64_t rows, int64_t limit = -1) {
  RowComparator cmp(keys);
  auto got = normalized_sorted_order(keys, cmp, rows, limit);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, reference_order(keys, rows, limit));
}

// `rows` values drawn from few distinct ones (so ties are common), some NULL.
template <typename T>
Column small_domain(DataType type, int64_t rows, std::mt19937& rng, std::vector<T> domain,
                    bool nulls) {
  Column c(type);
  for (int64_t i = 0; i < rows; ++i) {
    if (nulls && rng() % 7 == 0) {
      c.append_null();
    } else {
      c.append<T>(domain[rng() % domain.size()]);
    }
  }
  return c;
}

Column strings(int64_t rows, std::mt19937& rng, std::vector<std::string> domain, bool nulls) {
  Column c{DataType(TypeId::kString)};
  for (int64_t i = 0; i < rows; ++i) {
    if (nulls && rng() % 5 == 0) {
      c.append_null();
    } else {
      c.append_string(domain[rng() % domain.size()]);
    }
  }
  return c;
}

// Every combination of direction and NULL placement over two keys.
void for_each_direction(const Column& a, const Column& b, int64_t rows) {
  for (int mask = 0; mask < 16; ++mask) {
    std::vector<SortColumn> keys{{&a, bool(mask & 1), bool(mask & 2)},
                                 {&b, bool(mask & 4), bool(mask & 8)}};
    SCOPED_TRACE(mask);
    expect_same_order(keys, rows);
    expect_same_order(keys, rows, 17);
  }
}

TEST(NormalizedSort, IntegersOfEveryWidthAndSign) {
  std::mt19937 rng(1);
  const int64_t n = 2000;
  Column i8 = small_domain<int8_t>(DataType(TypeId::kInt8), n, rng, {-128, -1, 0, 1, 127}, true);
  Column u8 = small_domain<uint8_t>(DataType(TypeId::kUInt8), n, rng, {0, 1, 200, 255}, false);
  Column i16 = small_domain<int16_t>(DataType(TypeId::kInt16), n, rng, {-32768, -5, 0, 32767}, true);
  Column i32 = small_domain<int32_t>(DataType(TypeId::kDate), n, rng,
                                     {std::numeric_limits<int32_t>::min(), -1, 0, 19000}, true);
  Column i64 = small_domain<int64_t>(DataType(TypeId::kInt64), n, rng,
                                     {std::numeric_limits<int64_t>::min(), -3, 0, 3,
                                      std::numeric_limits<int64_t>::max()}, true);
  Column u64 = small_domain<uint64_t>(DataType(TypeId::kUInt64), n, rng,
                                      {0, 1, uint64_t(1) << 63, ~uint64_t(0)}, true);
  for_each_direction(i8, u8, n);
  for_each_direction(i16, i32, n);
  for_each_direction(i64, u64, n);
}

TEST(NormalizedSort, FloatsWithNanAndNegativeZero) {
  std::mt19937 rng(2);
  const int64_t n = 2000;
  double inf = std::numeric_limits<double>::infinity();
  Column d = small_domain<double>(DataType(TypeId::kFloat64), n, rng,
                                  {-inf, -2.5, -0.0, 0.0, 1e-300, 2.5, inf, std::nan(""),
                                   -std::nan("")}, true);
  Column f = small_domain<float>(DataType(TypeId::kFloat32), n, rng,
                                 {-1.5f, -0.0f, 0.0f, 3.0f, std::nanf("")}, true);
  for_each_direction(d, f, n);
}

TEST(NormalizedSort, DecimalsAndFixedBinary) {
  std::mt19937 rng(3);
  const int64_t n = 1500;
  __int128 big = __int128(1) << 100;
  Column dec = small_domain<__int128>(DataType::decimal(38, 2), n, rng, {-big, -1, 0, 1, big}, true);
  Column fixed{DataType::fixed_binary(3)};
  for (int64_t i = 0; i < n; ++i) {
    if (rng() % 6 == 0) {
      fixed.append_null();
    } else {
      std::string v{char(rng() % 3), char(0xff - rng() % 2), char(rng() % 256)};
      fixed.append_fixed(v);
    }
  }
  for_each_direction(dec, fixed, n);
}

TEST(NormalizedSort, ShortStringsAreEncodedWhole) {
  std::mt19937 rng(4);
  const int64_t n = 2000;
  using namespace std::string_literals;
  Column s = strings(n, rng, {""s, "a"s, "a\0"s, "a\0\0"s, "ab"s, "b"s, "\xff"s, "zz"s}, true);
  Column t = strings(n, rng, {"x"s, "y"s}, false);
  for_each_direction(s, t, n);
}

TEST(NormalizedSort, LongStringsBreakPrefixTiesOnTheWholeString) {
  std::mt19937 rng(5);
  const int64_t n = 2000;
  std::string prefix(20, 'p');
  std::vector<std::string> domain{prefix, prefix + "a", prefix + "b", prefix + std::string(1, '\0'),
                                  "short", std::string(15, 'p'), std::string(16, 'p'), ""};
  Column s = strings(n, rng, domain, true);
  Column k = small_domain<int32_t>(DataType(TypeId::kInt32), n, rng, {3, 1, 2}, true);
  for_each_direction(s, k, n);
  for_each_direction(k, s, n);
}

TEST(NormalizedSort, ManyKeysUpToTheWidestRecord) {
  std::mt19937 rng(6);
  const int64_t n = 500;
  std::vector<Column> cols;
  for (int i = 0; i < 6; ++i)
    cols.push_back(small_domain<int64_t>(DataType(TypeId::kInt64), n, rng, {1, 2, 3}, i % 2 == 0));
  std::vector<SortColumn> keys;
  for (int i = 0; i < 6; ++i) keys.push_back({&cols[size_t(i)], i % 3 == 0, i % 2 == 0});
  expect_same_order(keys, n);  // 6 x 8 bytes + 3 NULL flags + the row index: 7 words
  Column more = small_domain<int64_t>(DataType(TypeId::kInt64), n, rng, {1, 2}, false);
  keys.push_back({&more, false, false});
  expect_same_order(keys, n);  // 59 bytes + the row index: the widest record, 8 words
  keys.push_back({&more, true, false});
  RowComparator cmp(keys);
  EXPECT_FALSE(normalized_sorted_order(keys, cmp, n, -1).has_value()) << "wider than 8 words";
}

TEST(NormalizedSort, DeclinesTypesWithoutAnEncoding) {
  Column list{DataType::list_of({"item", DataType(TypeId::kInt64)})};
  std::vector<SortColumn> keys{{&list, false, false}};
  RowComparator cmp(keys);
  EXPECT_FALSE(normalized_sorted_order(keys, cmp, 0, -1).has_value());
}

TEST(NormalizedSort, SortedOrderAgreesWithTheComparatorOnRandomRows) {
  std::mt19937 rng(7);
  const int64_t n = 20000;
  Column a = small_domain<int64_t>(DataType(TypeId::kInt64), n, rng, {5, 4, 3, 2, 1}, true);
  std::vector<std::string> domain;
  for (int i = 0; i < 50; ++i) domain.push_back("element-" + std::to_string(rng() % 1000));
  Column s = strings(n, rng, domain, false);
  std::vector<SortColumn> keys{{&a, true, false}, {&s, false, true}};
  EXPECT_EQ(sorted_order(keys, n), reference_order(keys, n, -1));
  EXPECT_EQ(sorted_order(keys, n, 100), reference_order(keys, n, 100));
}

TEST(NormalizedSort, SlicesSortedOnSeveralThreadsMergeIntoTheSameOrder) {
  std::mt19937 rng(8);
  const int64_t n = 150000;  // past the size sorted in slices
  Column a = small_domain<int32_t>(DataType(TypeId::kInt32), n, rng, {9, 7, 5, 3, 1}, true);
  std::vector<std::string> domain;
  for (int i = 0; i < 40; ++i) domain.push_back(std::string(18, 'u') + std::to_string(i % 13));
  Column s = strings(n, rng, domain, true);
  std::vector<SortColumn> exact{{&a, true, true}};
  std::vector<SortColumn> with_ties{{&a, false, false}, {&s, true, false}};
  for (int threads : {2, 3, 4}) {
    SCOPED_TRACE(threads);
    EXPECT_EQ(sorted_order(exact, n, -1, threads), reference_order(exact, n, -1));
    EXPECT_EQ(sorted_order(with_ties, n, -1, threads), reference_order(with_ties, n, -1));
    EXPECT_EQ(sorted_order(with_ties, n, 1000, threads), reference_order(with_ties, n, 1000));
    // A LIMIT past the heap's size: the whole input sorted in slices, merged, then cut.
    EXPECT_EQ(sorted_order(exact, n, 100000, threads), reference_order(exact, n, 100000));
    EXPECT_EQ(sorted_order(with_ties, n, 20000, threads), reference_order(with_ties, n, 20000));
  }
}

}  // namespace
}  // namespace floe::exec
