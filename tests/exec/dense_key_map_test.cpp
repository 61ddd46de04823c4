// DenseKeyMap: for dense integer build keys every probe value finds the same build rows, in
// the same order, as in the hash index (absent values and NULLs none, NULLs flagged), the
// keys given in one part or several; keys spread too thin get no map.
#include "exec/dense_key_map.h"
#include "exec/partitioned_key_index.h"

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <optional>
#include <random>

namespace floe::exec {
namespace {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

std::unique_ptr<PartitionedKeyIndex> index_of(const Column& keys, int threads) {
  KeyLayout layout = KeyLayout::of({keys.type()});
  std::vector<KeyBatch> batches;
  const int64_t step = 50000;
  for (int64_t off = 0; off < keys.size(); off += step) {
    int64_t n = std::min(step, keys.size() - off);
    Column slice = keys.slice(off, n);
    batches.emplace_back();
    encode_key_batch(layout, {&slice}, n, batches.back());
  }
  auto index = std::make_unique<PartitionedKeyIndex>();
  index->build(std::move(batches), threads);
  return index;
}

// The rows of a key id's chain.
template <typename Index>
std::vector<int64_t> chain(const Index& index, int64_t id) {
  std::vector<int64_t> rows;
  if (id < 0) return rows;
  for (int64_t r = index.first_row(id); r >= 0; r = index.next_row(r)) rows.push_back(r);
  return rows;
}

// The map of `keys` given in slices of `step` rows.
std::optional<DenseKeyMap> map_of(const Column& keys, int64_t step) {
  std::vector<Column> slices;
  for (int64_t off = 0; off < keys.size(); off += step)
    slices.push_back(keys.slice(off, std::min(step, keys.size() - off)));
  std::vector<const Column*> parts;
  for (const Column& c : slices) parts.push_back(&c);
  return DenseKeyMap::of(parts);
}

template <typename T>
void expect_same_rows_as_index(TypeId id, int64_t base, int threads, int64_t step) {
  // 300 K build rows of 100 K keys (base + 0 .. 199999, every other one), every 50th NULL.
  Column build{DataType(id)};
  for (int64_t i = 0; i < 300000; ++i) {
    if (i % 50 == 0) build.append_null();
    else build.append<T>(T(base + (i * 7919) % 100000 * 2));
  }
  auto index = index_of(build, threads);
  auto dense = map_of(build, step);
  ASSERT_TRUE(dense.has_value());
  EXPECT_TRUE(dense->has_null_key());
  std::mt19937 rng(7);
  std::uniform_int_distribution<int64_t> pick(-10, 200010);
  Column probe{DataType(id)};
  for (int i = 0; i < 50000; ++i) {
    if (i % 31 == 0) probe.append_null();
    else probe.append<T>(T(base + pick(rng)));
  }
  std::vector<int64_t> got(size_t(probe.size())), want(size_t(probe.size()));
  std::vector<uint8_t> nulls(size_t(probe.size()), 0);
  dense->find_all(probe, got.data(), nulls.data());
  KeyBatch enc;
  encode_key_batch(KeyLayout::of({probe.type()}), {&probe}, probe.size(), enc);
  index->find_all(enc, want.data());
  int64_t found = 0;
  for (int64_t i = 0; i < probe.size(); ++i) {
    EXPECT_EQ(got[size_t(i)] >= 0, !probe.is_null(i) && want[size_t(i)] >= 0) << "row " << i;
    EXPECT_EQ(chain(*dense, got[size_t(i)]),
              probe.is_null(i) ? std::vector<int64_t>{} : chain(*index, want[size_t(i)]))
        << "row " << i;
    EXPECT_EQ(nulls[size_t(i)] != 0, probe.is_null(i)) << "row " << i;
    found += got[size_t(i)] >= 0;
  }
  EXPECT_GT(found, 10000);  // the probes do find keys
}

TEST(DenseKeyMap, FindsTheIndexRows) {
  expect_same_rows_as_index<int64_t>(TypeId::kInt64, 1, 1, 300000);
  expect_same_rows_as_index<int64_t>(TypeId::kInt64, -(int64_t(1) << 40), 2, 50000);
  expect_same_rows_as_index<int32_t>(TypeId::kInt32, 1000, 2, 7777);
  expect_same_rows_as_index<int32_t>(TypeId::kDate, 0, 1, 1);
}

TEST(DenseKeyMap, NoneForSparseKeysOrOtherTypes) {
  Column sparse{DataType(TypeId::kInt64)};
  for (int64_t i = 0; i < 1000; ++i) sparse.append<int64_t>(i * 1000);  // 1 M values, 1 K keys
  EXPECT_FALSE(map_of(sparse, 1000).has_value());
  Column small{DataType(TypeId::kInt64)};
  for (int64_t i = 0; i < 10; ++i) small.append<int64_t>(i * 1000);  // within 2^16 values
  auto m = map_of(small, 3);
  ASSERT_TRUE(m.has_value());
  EXPECT_FALSE(m->has_null_key());
  Column nulls{DataType(TypeId::kInt64)};
  nulls.append_null();
  EXPECT_FALSE(map_of(nulls, 1).has_value());
  Column extremes{DataType(TypeId::kInt64)};
  extremes.append<int64_t>(std::numeric_limits<int64_t>::min());
  extremes.append<int64_t>(std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(map_of(extremes, 1).has_value());
  Column text{DataType(TypeId::kString)};
  text.append_string("1");
  EXPECT_FALSE(map_of(text, 1).has_value());
}

}  // namespace
}  // namespace floe::exec
