// Key index: which key types pack, and that packed keys group exactly as the row encoder's
// bytes do (NULL apart from every value and equal to NULL, -0.0 = 0.0, NaN = NaN, strings
// that differ only past their length), batch after batch and table into table.
#include "exec/key_index.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include <fmt/format.h>

namespace floe::exec {
namespace {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

// The ids the row encoder and KeyTable give the rows: what the key index must reproduce.
std::vector<uint32_t> encoder_ids(const std::vector<const Column*>& cols, int64_t rows) {
  EncodedKeys enc;
  encode_keys(cols, rows, enc);
  KeyTable t;
  std::vector<uint32_t> ids(static_cast<size_t>(rows));
  if (rows) t.find_or_insert_all(enc, ids.data());
  return ids;
}

std::vector<DataType> types_of(const std::vector<const Column*>& cols) {
  std::vector<DataType> t;
  for (const Column* c : cols) t.push_back(c->type());
  return t;
}

// The key index's ids for the rows, fed in batches of `batch` rows.
std::vector<uint32_t> index_ids(const std::vector<const Column*>& cols, int64_t rows,
                                int64_t batch) {
  KeyLayout layout = KeyLayout::of(types_of(cols));
  KeyIndex index;
  std::vector<uint32_t> ids;
  for (int64_t off = 0; off < rows; off += batch) {
    int64_t n = std::min(batch, rows - off);
    std::vector<Column> slices;
    for (const Column* c : cols) slices.push_back(c->slice(off, n));
    std::vector<const Column*> ptrs;
    for (const Column& s : slices) ptrs.push_back(&s);
    KeyBatch keys;
    encode_key_batch(layout, ptrs, n, keys);
    std::vector<uint32_t> part(static_cast<size_t>(n));
    index.find_or_insert_all(keys, part.data());
    ids.insert(ids.end(), part.begin(), part.end());
    for (int64_t i = 0; i < n; ++i) EXPECT_EQ(index.find(keys, size_t(i)), int64_t(part[size_t(i)]));
  }
  EXPECT_EQ(index.size(), ids.empty() ? 0 : *std::max_element(ids.begin(), ids.end()) + 1);
  return ids;
}

void expect_groups_like_encoder(const std::vector<const Column*>& cols) {
  int64_t rows = cols[0]->size();
  std::vector<uint32_t> want = encoder_ids(cols, rows);
  for (int64_t batch : {rows, int64_t(7), int64_t(1)})
    EXPECT_EQ(index_ids(cols, rows, std::max<int64_t>(batch, 1)), want) << "batch " << batch;
}

TEST(KeyLayout, PacksNarrowTypesInto16Bytes) {
  DataType i32(TypeId::kInt32), i64(TypeId::kInt64), str(TypeId::kString);
  EXPECT_TRUE(KeyLayout::of({i64}).packs());
  EXPECT_TRUE(KeyLayout::of({i64, i64}).packs());
  EXPECT_FALSE(KeyLayout::of({i64, i64, i32}).packs());
  EXPECT_TRUE(KeyLayout::of({i64, DataType::decimal(18, 2)}).packs());
  EXPECT_FALSE(KeyLayout::of({i64, DataType::decimal(19, 2)}).packs());
  EXPECT_TRUE(KeyLayout::of({DataType::decimal(38, 0)}).packs());
  EXPECT_TRUE(KeyLayout::of({str, str}).packs());
  EXPECT_EQ(KeyLayout::of({str, str}).parts[1].width, 8);
  EXPECT_FALSE(KeyLayout::of({i64, i32, i32, str}).packs());  // no room for a string
  EXPECT_FALSE(KeyLayout::of({DataType(TypeId::kUuid)}).packs());
  EXPECT_FALSE(KeyLayout::of({}).packs());
}

TEST(KeyIndex, NullIsApartFromZeroAndEqualToNull) {
  Column a{DataType(TypeId::kInt64)}, b{DataType(TypeId::kInt32)};
  // (NULL, 0) (0, NULL) (0, 0) (NULL, NULL) repeated, and negatives.
  for (int rep = 0; rep < 3; ++rep) {
    a.append_null(), b.append<int32_t>(0);
    a.append<int64_t>(0), b.append_null();
    a.append<int64_t>(0), b.append<int32_t>(0);
    a.append_null(), b.append_null();
    a.append<int64_t>(-1), b.append<int32_t>(-1);
    a.append<int64_t>(std::numeric_limits<int64_t>::min()), b.append<int32_t>(1);
  }
  std::vector<const Column*> cols{&a, &b};
  expect_groups_like_encoder(cols);
  KeyBatch keys;
  encode_key_batch(KeyLayout::of(types_of(cols)), cols, a.size(), keys);
  EXPECT_EQ(keys.has_null[0], 1);
  EXPECT_EQ(keys.has_null[2], 0);
  std::vector<uint32_t> ids = index_ids(cols, a.size(), a.size());
  EXPECT_EQ(*std::max_element(ids.begin(), ids.end()), 5u);
}

TEST(KeyIndex, FloatZerosAndNaNsAreOneKeyEach) {
  Column d{DataType(TypeId::kFloat64)}, f{DataType(TypeId::kFloat32)};
  double nan = std::numeric_limits<double>::quiet_NaN();
  for (double v : {0.0, -0.0, nan, -nan, std::nan("7"), 1.5, -1.5, 0.0}) {
    d.append<double>(v);
    f.append<float>(float(v));
  }
  d.append_null();
  f.append_null();
  expect_groups_like_encoder({&d});
  expect_groups_like_encoder({&f});
  expect_groups_like_encoder({&d, &f});
  std::vector<uint32_t> ids = index_ids({&d}, d.size(), d.size());
  EXPECT_EQ(ids[0], ids[1]);  // 0.0 and -0.0
  EXPECT_EQ(ids[2], ids[4]);  // NaNs
  EXPECT_NE(ids[8], ids[0]);  // NULL
}

TEST(KeyIndex, MixedWidthsDatesDecimalsAndBooleans) {
  Column b{DataType(TypeId::kBoolean)}, s{DataType(TypeId::kInt16)}, d{DataType(TypeId::kDate)},
      m{DataType::decimal(15, 2)}, big{DataType::decimal(38, 0)};
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    if (rng() % 11 == 0) b.append_null();
    else b.append_bool(rng() % 2);
    s.append<int16_t>(int16_t(int(rng() % 7) - 3));
    if (rng() % 13 == 0) d.append_null();
    else d.append<int32_t>(int32_t(rng() % 5) - 2);
    m.append<__int128>(__int128(int64_t(rng() % 5) - 2) * 100000000000000ll);
    big.append<__int128>(__int128(int64_t(rng() % 3)) << 100);
  }
  expect_groups_like_encoder({&b, &s, &d, &m});
  expect_groups_like_encoder({&big});
  expect_groups_like_encoder({&m, &big});  // 24 bytes: never packs
}

TEST(KeyIndex, ShortStringsPackLongOnesDoNot) {
  Column a{DataType(TypeId::kString)}, b{DataType(TypeId::kString)};
  std::vector<std::string> values{"",  "a",  std::string("a\0", 2), "ab", "abcdefg",
                                  "abcdefgh", "abcdefghijklmnop", "b"};
  std::mt19937 rng(3);
  for (int i = 0; i < 3000; ++i) {
    if (rng() % 17 == 0) a.append_null();
    else a.append_string(values[rng() % values.size()]);
    b.append_string(values[rng() % values.size()]);
  }
  expect_groups_like_encoder({&a});
  expect_groups_like_encoder({&a, &b});
  Column i{DataType(TypeId::kInt32)};
  for (int r = 0; r < a.size(); ++r) i.append<int32_t>(r % 3);
  expect_groups_like_encoder({&i, &a});
}

TEST(KeyIndex, AKeyHashesAlikeInEveryBatch) {
  // A key's hash (and so its spill partition) must not depend on its neighbours: "abc" packs
  // in both batches, "abcdefghij" in neither, NULL in neither.
  auto hashes = [](std::vector<std::string> v) {
    Column c{DataType(TypeId::kString)};
    for (auto& s : v) {
      if (s == "NULL") c.append_null();
      else c.append_string(s);
    }
    KeyBatch keys;
    std::vector<const Column*> cols{&c};
    encode_key_batch(KeyLayout::of(types_of(cols)), cols, c.size(), keys);
    return keys.hashes;
  };
  auto one = hashes({"abc", "abcdefghij", "NULL"});
  auto two = hashes({"abcdefghijklmnopqrstu", "NULL", "abcdefghij", "abc"});
  EXPECT_EQ(one[0], two[3]);
  EXPECT_EQ(one[1], two[2]);
  EXPECT_EQ(one[2], two[1]);
}

TEST(KeyIndex, ManyKeysAcrossGrowthStayDistinct) {
  Column k{DataType(TypeId::kInt64)};
  std::mt19937_64 rng(11);
  for (int i = 0; i < 50000; ++i) k.append<int64_t>(int64_t(rng() % 20000) - 10000);
  expect_groups_like_encoder({&k});
}

TEST(KeyIndex, InsertsAndFindsAnotherTablesKeys) {
  Column a{DataType(TypeId::kString)};
  for (const char* s : {"x", "a-long-string-that-does-not-pack", "y"}) a.append_string(s);
  a.append_null();
  Column b{DataType(TypeId::kString)};
  for (const char* s : {"y", "z", "a-long-string-that-does-not-pack"}) b.append_string(s);
  KeyLayout layout = KeyLayout::of({DataType(TypeId::kString)});
  KeyBatch ka, kb;
  encode_key_batch(layout, {&a}, a.size(), ka);
  encode_key_batch(layout, {&b}, b.size(), kb);
  KeyIndex ia, ib;
  std::vector<uint32_t> ids(4);
  ia.find_or_insert_all(ka, ids.data());
  ib.find_or_insert_all(kb, ids.data());
  std::vector<int64_t> found(3, -2);
  ia.for_each_in(ib, [&](uint32_t id, int64_t mine) { found[id] = mine; });
  EXPECT_EQ(found, (std::vector<int64_t>{2, -1, 1}));
  // Merging b into a: new keys get ids in b's order.
  std::vector<std::pair<uint32_t, uint32_t>> inserted;
  ia.insert_all_of(ib, [&](uint32_t id, uint32_t mine, bool is_new) {
    if (is_new) inserted.push_back({id, mine});
  });
  EXPECT_EQ(inserted, (std::vector<std::pair<uint32_t, uint32_t>>{{1, 4}}));
  EXPECT_EQ(ia.size(), 5u);
}

TEST(KeyIndex, EntriesMoveKeysBetweenIndexesByHashPartition) {
  // Packed, generic (long strings, NULL) keys; two indexes sharing some keys.
  Column a{DataType(TypeId::kString)};
  Column b{DataType(TypeId::kString)};
  for (int i = 0; i < 3000; ++i) {
    std::string s = i % 3 == 0 ? fmt::format("key-{}-that-is-too-long-to-pack", i)
                               : fmt::format("k{}", i);
    if (i % 500 == 0) a.append_null();
    else a.append_string(s);
    if (i >= 1000) b.append_string(s);
  }
  KeyLayout layout = KeyLayout::of({DataType(TypeId::kString)});
  KeyBatch ka, kb;
  encode_key_batch(layout, {&a}, a.size(), ka);
  encode_key_batch(layout, {&b}, b.size(), kb);
  KeyIndex ia, ib;
  std::vector<uint32_t> ids(3000);
  ia.find_or_insert_all(ka, ids.data());
  ib.find_or_insert_all(kb, ids.data());
  // Each entry's hash is the one its row was encoded with.
  std::vector<uint64_t> hash_of_a(ia.size());
  for (size_t r = 0; r < ka.rows(); ++r) hash_of_a[ia.find(ka, r)] = ka.hashes[r];
  size_t seen = 0;
  ia.for_each_entry([&](const KeyIndex::Entry& e) {
    EXPECT_EQ(e.hash, hash_of_a[e.id]);
    ++seen;
  });
  EXPECT_EQ(seen, ia.size());
  // Moving both indexes' keys into four partition indexes, by the hash's top two bits:
  // every key lands once, in one partition, and finds itself there.
  std::vector<KeyIndex> parts(4);
  std::vector<int> part_of_a(ia.size(), -1), part_of_b(ib.size(), -1);
  std::vector<uint32_t> id_in_a(ia.size()), id_in_b(ib.size());
  ia.for_each_entry([&](const KeyIndex::Entry& e) {
    bool inserted;
    int p = int(e.hash >> 62);
    id_in_a[e.id] = parts[size_t(p)].insert_entry(ia, e, inserted);
    EXPECT_TRUE(inserted);
    part_of_a[e.id] = p;
  });
  size_t shared = 0;
  ib.for_each_entry([&](const KeyIndex::Entry& e) {
    bool inserted;
    int p = int(e.hash >> 62);
    id_in_b[e.id] = parts[size_t(p)].insert_entry(ib, e, inserted);
    shared += !inserted;
    part_of_b[e.id] = p;
  });
  EXPECT_EQ(shared, 1996u);  // rows 1000 .. 2999, less the four that are NULL in a
  size_t total = 0;
  for (const auto& p : parts) total += p.size();
  EXPECT_EQ(total, ia.size() + ib.size() - shared);
  for (size_t r = 0; r < kb.rows(); ++r) {
    int64_t in_b = ib.find(kb, r);
    EXPECT_EQ(parts[size_t(part_of_b[size_t(in_b)])].find(kb, r), int64_t(id_in_b[size_t(in_b)]));
    int64_t in_a = ia.find(kb, r);
    if (in_a >= 0) {
      EXPECT_EQ(part_of_a[size_t(in_a)], part_of_b[size_t(in_b)]);
      EXPECT_EQ(id_in_a[size_t(in_a)], id_in_b[size_t(in_b)]);
    }
  }
}

}  // namespace
}  // namespace floe::exec
