// Partitioned key index: a build side large enough to be split by hash and built on several
// workers finds every key and chains each key's rows in row order, across batches, for packed
// and row-encoded keys, with NULL keys left out; one worker gives the same chains.
#include "exec/partitioned_key_index.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <unordered_map>

namespace floe::exec {
namespace {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

constexpr int64_t kRows = 150000;

// A key column of kRows rows: two to four rows a key, next to each other and in other batches,
// every tenth NULL; `long_strings` makes every seventh key too long to pack.
Column key_column(bool strings, bool long_strings) {
  Column c{DataType(strings ? TypeId::kString : TypeId::kInt64)};
  for (int64_t i = 0; i < kRows; ++i) {
    if (i % 10 == 0) {
      c.append_null();
      continue;
    }
    int64_t k = (i / 2 * 7919) % 50000;
    if (!strings) c.append<int64_t>(k);
    else if (long_strings && k % 7 == 0) c.append_string("a long key that does not pack " + std::to_string(k));
    else c.append_string(std::to_string(k));
  }
  return c;
}

// The keys of `c` in batches of unequal sizes.
std::vector<KeyBatch> encode_in_batches(const KeyLayout& layout, const Column& c) {
  std::vector<KeyBatch> out;
  const int64_t sizes[] = {1000, 16384, 40000, 7};
  int64_t off = 0;
  for (size_t b = 0; off < c.size(); ++b) {
    int64_t n = std::min(sizes[b % 4], c.size() - off);
    Column slice = c.slice(off, n);
    out.emplace_back();
    encode_key_batch(layout, {&slice}, n, out.back());
    off += n;
  }
  return out;
}

// Every key's chain, found by probing with the whole column, is exactly its rows in order.
void expect_chains_in_row_order(const Column& c, int threads) {
  KeyLayout layout = KeyLayout::of({c.type()});
  std::vector<KeyBatch> build = encode_in_batches(layout, c);
  PartitionedKeyIndex index;
  EXPECT_TRUE(index.build(std::move(build), threads));

  KeyBatch probe;
  encode_key_batch(layout, {&c}, c.size(), probe);
  std::vector<int64_t> ids(static_cast<size_t>(kRows));
  index.find_all(probe, ids.data());
  auto key_of = [&](int64_t i) {
    return c.type().id() == TypeId::kString ? std::string(c.string_at(i))
                                            : std::to_string(c.values<int64_t>()[i]);
  };
  std::unordered_map<std::string, std::vector<int64_t>> rows_of;
  for (int64_t i = 0; i < kRows; ++i)
    if (!probe.has_null[size_t(i)]) rows_of[key_of(i)].push_back(i);
  std::set<int64_t> distinct_ids;
  for (int64_t i = 0; i < kRows; ++i) {
    if (probe.has_null[size_t(i)]) {
      EXPECT_EQ(ids[size_t(i)], -1) << "row " << i;
      continue;
    }
    ASSERT_GE(ids[size_t(i)], 0) << "row " << i;
    distinct_ids.insert(ids[size_t(i)]);
    std::vector<int64_t> chain;
    for (int64_t r = index.first_row(ids[size_t(i)]); r >= 0; r = index.next_row(r))
      chain.push_back(r);
    const auto& want = rows_of[key_of(i)];
    ASSERT_EQ(chain, want) << "row " << i;
  }
  EXPECT_EQ(distinct_ids.size(), rows_of.size());
}

TEST(PartitionedKeyIndex, PackedKeysOnSeveralWorkers) { expect_chains_in_row_order(key_column(false, false), 2); }

TEST(PartitionedKeyIndex, PackedKeysOnOneWorker) { expect_chains_in_row_order(key_column(false, false), 1); }

TEST(PartitionedKeyIndex, StringKeysSomeTooLongToPack) {
  Column c = key_column(true, true);
  expect_chains_in_row_order(c, 2);
  expect_chains_in_row_order(c, 3);
}

TEST(PartitionedKeyIndex, KeysNotFoundAndNoNulls) {
  Column c{DataType(TypeId::kInt64)};
  for (int64_t i = 0; i < kRows; ++i) c.append<int64_t>(i * 2);
  KeyLayout layout = KeyLayout::of({c.type()});
  PartitionedKeyIndex index;
  EXPECT_FALSE(index.build(encode_in_batches(layout, c), 2));
  Column odd{DataType(TypeId::kInt64)};
  for (int64_t i = 0; i < 1000; ++i) odd.append<int64_t>(i * 2 + 1);
  KeyBatch probe;
  encode_key_batch(layout, {&odd}, odd.size(), probe);
  std::vector<int64_t> ids(1000);
  index.find_all(probe, ids.data());
  for (int64_t id : ids) EXPECT_EQ(id, -1);
}

// Probes that mostly miss make the index put a Bloom filter in front of its table: every key
// there is still found (a filter never turns a key away), every other key is not, before,
// while and after the filter is made, and after a stretch of probes that all hit sets it aside.
void expect_filtered_probes_exact(bool strings, int threads) {
  Column c{DataType(strings ? TypeId::kString : TypeId::kInt64)};
  auto add = [&](Column& col, int64_t k) {
    if (strings) col.append_string((k % 5 == 0 ? "a key too long to pack, number " : "k") + std::to_string(k));
    else col.append<int64_t>(k);
  };
  for (int64_t i = 0; i < 60000; ++i) add(c, i * 3);  // keys: multiples of 3
  KeyLayout layout = KeyLayout::of({c.type()});
  PartitionedKeyIndex index;
  index.build(encode_in_batches(layout, c), threads);
  auto probe = [&](int64_t from, int64_t step, int64_t n) {
    Column p{c.type()};
    for (int64_t i = 0; i < n; ++i) add(p, from + i * step);
    KeyBatch keys;
    encode_key_batch(layout, {&p}, n, keys);
    std::vector<int64_t> ids(static_cast<size_t>(n));
    index.find_all(keys, ids.data());
    for (int64_t i = 0; i < n; ++i) {
      int64_t k = from + i * step;
      bool there = k % 3 == 0 && k >= 0 && k < 180000;
      ASSERT_EQ(ids[size_t(i)] >= 0, there) << "key " << k;
      if (there) ASSERT_EQ(index.first_row(ids[size_t(i)]), k / 3) << "key " << k;
    }
  };
  // Every seventh probe key is there: the first 64K rows decide for a filter.
  EXPECT_FALSE(index.filtering());
  for (int round = 0; round < 12; ++round) probe(round * 100000 - 7, 7, 16384);
  EXPECT_TRUE(index.filtering());
  // All hit: the filter passes them all and is set aside; probes stay exact.
  for (int round = 0; round < 8; ++round) probe(round * 3000, 3, 16384);
  EXPECT_FALSE(index.filtering());
  for (int round = 0; round < 3; ++round) probe(round, 1, 16384);
}

TEST(PartitionedKeyIndex, FilteredProbesFindExactlyTheKeys) {
  expect_filtered_probes_exact(false, 2);
  expect_filtered_probes_exact(false, 1);
  expect_filtered_probes_exact(true, 2);
}

}  // namespace
}  // namespace floe::exec
