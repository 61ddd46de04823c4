#include "formats/parquet/parquet_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "columnar/value_text.h"
#include "formats/compression/codec.h"
#include "formats/parquet/bloom_filter.h"
#include "formats/parquet/level_shredding.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/rle_bit_packed.h"
#include "io/file.h"

namespace floe::parquet {
namespace {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::Schema;
using columnar::TimeUnit;
using columnar::TypeId;

// ---------------------------------------------------------------------------------------
// Helpers: a table in memory, writing it, reading it back, comparing cell by cell.

struct Table {
  Schema schema;
  std::vector<Column> columns;
  int64_t rows() const { return columns.empty() ? 0 : columns[0].size(); }
};

Buffer write_table(const Table& t, const ParquetWriteOptions& options, int64_t batch_rows = 0,
                   FileMetaData* meta = nullptr, int64_t expect_rows = -1) {
  Buffer sink;
  ParquetWriter w(io::create_memory_output(&sink), t.schema, options);
  if (expect_rows >= 0) w.expect_rows(expect_rows);
  const int64_t n = t.rows();
  const int64_t step = batch_rows > 0 ? batch_rows : std::max<int64_t>(n, 1);
  for (int64_t off = 0; off < n; off += step) {
    Batch b;
    b.schema = t.schema;
    for (const Column& c : t.columns) b.columns.push_back(c.slice(off, std::min(step, n - off)));
    w.write(b);
  }
  EXPECT_EQ(w.rows_written(), n);
  const FileMetaData& m = w.close();
  if (meta) *meta = m;
  return sink;
}

std::vector<Column> read_table(const Buffer& file, Schema* schema = nullptr) {
  ParquetReader r(io::open_memory_input(file.span()));
  std::vector<Column> cols;
  for (const auto& f : r.schema().fields) cols.emplace_back(f.type);
  for (int g = 0; g < r.num_row_groups(); ++g) {
    Batch b = r.read_row_group(g);
    for (size_t f = 0; f < cols.size(); ++f) cols[f].append_column(b.columns[f]);
  }
  if (schema) *schema = r.schema();
  return cols;
}

bool cells_equal(const Column& a, int64_t i, const Column& b, int64_t j) {
  if (a.is_null(i) != b.is_null(j)) return false;
  if (a.is_null(i)) return true;
  switch (a.type().id()) {
    case TypeId::kNull: return true;
    case TypeId::kBoolean: return (a.value<uint8_t>(i) != 0) == (b.value<uint8_t>(j) != 0);
    case TypeId::kString:
    case TypeId::kBinary: return a.string_at(i) == b.string_at(j);
    case TypeId::kStruct:
      for (size_t c = 0; c < a.num_children(); ++c)
        if (!cells_equal(a.child(c), i, b.child(c), j)) return false;
      return true;
    case TypeId::kList:
    case TypeId::kMap: {
      int32_t ab = a.offsets()[i], ae = a.offsets()[i + 1];
      int32_t bb = b.offsets()[j], be = b.offsets()[j + 1];
      if (ae - ab != be - bb) return false;
      for (int32_t k = 0; k < ae - ab; ++k)
        if (!cells_equal(a.child(0), ab + k, b.child(0), bb + k)) return false;
      return true;
    }
    default: {
      int w = a.type().byte_width();
      if (w != b.type().byte_width()) return false;
      return std::memcmp(a.data_buffer().data() + i * w, b.data_buffer().data() + j * w,
                         size_t(w)) == 0;
    }
  }
}

std::string cell_text(const Column& c, int64_t i) {
  std::string s;
  columnar::append_value_json(c, i, s);
  return s;
}

void expect_columns_equal(const std::vector<Column>& expected, const std::vector<Column>& actual) {
  ASSERT_EQ(expected.size(), actual.size());
  for (size_t c = 0; c < expected.size(); ++c) {
    ASSERT_EQ(expected[c].size(), actual[c].size()) << "column " << c;
    int failures = 0;
    for (int64_t r = 0; r < expected[c].size() && failures < 5; ++r) {
      if (!cells_equal(expected[c], r, actual[c], r)) {
        ADD_FAILURE() << "column " << c << " row " << r << ": expected "
                      << cell_text(expected[c], r) << ", read " << cell_text(actual[c], r);
        ++failures;
      }
    }
  }
}

void expect_round_trip(const Table& t, const ParquetWriteOptions& options, int64_t batch_rows = 0) {
  Buffer file = write_table(t, options, batch_rows);
  std::vector<Column> back = read_table(file);
  expect_columns_equal(t.columns, back);
}

Table single(Field f, Column c) {
  Table t;
  t.schema.fields.push_back(std::move(f));
  t.columns.push_back(std::move(c));
  return t;
}

// The bytes of a value as Parquet statistics hold them.
template <typename T>
std::string le(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof v);
}

const ColumnMetaData& chunk_meta(const FileMetaData& m, int rg, int col) {
  return *m.row_groups[size_t(rg)].columns[size_t(col)].meta_data;
}

bool has_encoding(const ColumnMetaData& m, Encoding e) {
  return std::find(m.encodings.begin(), m.encodings.end(), e) != m.encodings.end();
}

// ---------------------------------------------------------------------------------------
// Random values.

using Rng = std::mt19937_64;

void append_random(Column& c, const DataType& t, bool nullable, Rng& rng, double null_p = 0.15) {
  std::uniform_real_distribution<double> u(0, 1);
  if (nullable && u(rng) < null_p) {
    c.append_null();
    return;
  }
  switch (t.id()) {
    case TypeId::kNull: c.append_null(); return;
    case TypeId::kBoolean: c.append_bool(rng() & 1); return;
    case TypeId::kInt8: c.append<int8_t>(int8_t(rng())); return;
    case TypeId::kInt16: c.append<int16_t>(int16_t(rng())); return;
    case TypeId::kInt32: c.append<int32_t>(int32_t(rng() % 2000) - 1000); return;
    case TypeId::kInt64: c.append<int64_t>(int64_t(rng())); return;
    case TypeId::kUInt8: c.append<uint8_t>(uint8_t(rng())); return;
    case TypeId::kUInt16: c.append<uint16_t>(uint16_t(rng())); return;
    case TypeId::kUInt32: c.append<uint32_t>(uint32_t(rng())); return;
    case TypeId::kUInt64: c.append<uint64_t>(rng()); return;
    case TypeId::kFloat32: c.append<float>(float(u(rng) * 100 - 50)); return;
    case TypeId::kFloat64: c.append<double>(u(rng) * 1e6 - 5e5); return;
    case TypeId::kDecimal: {
      __int128 v = 0;
      for (int d = 0; d < t.precision(); ++d) v = v * 10 + __int128(rng() % 10);
      c.append<__int128>(rng() & 1 ? -v : v);
      return;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      std::string s(rng() % 12, 'a');
      for (auto& ch : s) ch = char(t.id() == TypeId::kString ? 'a' + rng() % 26 : rng());
      c.append_string(s);
      return;
    }
    case TypeId::kFixedBinary:
    case TypeId::kUuid: {
      std::string s(size_t(t.byte_width()), '\0');
      for (auto& ch : s) ch = char(rng());
      c.append_fixed(s);
      return;
    }
    case TypeId::kDate: c.append<int32_t>(int32_t(rng() % 40000) - 20000); return;
    case TypeId::kTime: c.append<int64_t>(int64_t(rng() % 86400000000ULL)); return;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: c.append<int64_t>(int64_t(rng() >> 4) - (int64_t(1) << 58)); return;
    case TypeId::kStruct:
      for (size_t i = 0; i < t.children().size(); ++i)
        append_random(c.child(i), t.children()[i].type, t.children()[i].nullable, rng, null_p);
      c.append_struct_valid();
      return;
    case TypeId::kList: {
      int n = int(rng() % 4);
      for (int i = 0; i < n; ++i)
        append_random(c.child(0), t.children()[0].type, t.children()[0].nullable, rng, null_p);
      c.append_list_end();
      return;
    }
    case TypeId::kMap: {
      int n = int(rng() % 4);
      Column& entries = c.child(0);
      const auto& kv = t.children()[0].type.children();
      for (int i = 0; i < n; ++i) {
        append_random(entries.child(0), kv[0].type, false, rng, null_p);
        append_random(entries.child(1), kv[1].type, kv[1].nullable, rng, null_p);
        entries.append_struct_valid();
      }
      c.append_list_end();
      return;
    }
  }
}

Table random_table(const Schema& s, int64_t rows, Rng& rng, double null_p = 0.15) {
  Table t;
  t.schema = s;
  for (const auto& f : s.fields) {
    Column c(f.type);
    for (int64_t r = 0; r < rows; ++r) append_random(c, f.type, f.nullable, rng, null_p);
    t.columns.push_back(std::move(c));
  }
  return t;
}

Schema all_primitive_types_schema(bool nullable) {
  Schema s;
  auto add = [&](std::string name, DataType t) { s.fields.emplace_back(name, t, nullable); };
  add("b", DataType(TypeId::kBoolean));
  add("i8", DataType(TypeId::kInt8));
  add("i16", DataType(TypeId::kInt16));
  add("i32", DataType(TypeId::kInt32));
  add("i64", DataType(TypeId::kInt64));
  add("u8", DataType(TypeId::kUInt8));
  add("u16", DataType(TypeId::kUInt16));
  add("u32", DataType(TypeId::kUInt32));
  add("u64", DataType(TypeId::kUInt64));
  add("f32", DataType(TypeId::kFloat32));
  add("f64", DataType(TypeId::kFloat64));
  add("dec4", DataType::decimal(4, 2));
  add("dec9", DataType::decimal(9, 3));
  add("dec12", DataType::decimal(12, 0));
  add("dec18", DataType::decimal(18, 6));
  add("dec25", DataType::decimal(25, 5));
  add("dec38", DataType::decimal(38, 10));
  add("s", DataType(TypeId::kString));
  add("bin", DataType(TypeId::kBinary));
  add("fixed", DataType::fixed_binary(5));
  add("uuid", DataType(TypeId::kUuid));
  add("date", DataType(TypeId::kDate));
  add("time_us", DataType::time(TimeUnit::kMicro));
  add("time_ns", DataType::time(TimeUnit::kNano));
  add("ts_ms", DataType::timestamp(TimeUnit::kMilli));
  add("ts_us", DataType::timestamp(TimeUnit::kMicro));
  add("ts_ns", DataType::timestamp(TimeUnit::kNano));
  add("tstz_ms", DataType::timestamp_tz(TimeUnit::kMilli));
  add("tstz_us", DataType::timestamp_tz(TimeUnit::kMicro));
  add("tstz_ns", DataType::timestamp_tz(TimeUnit::kNano));
  return s;
}

Schema nested_schema() {
  Schema s;
  DataType inner = DataType::struct_of({Field("x", DataType(TypeId::kInt32)),
                                        Field("y", DataType(TypeId::kString), false)});
  s.fields.emplace_back("st", DataType::struct_of({Field("a", DataType(TypeId::kInt64)),
                                                   Field("inner", inner)}));
  DataType int_list = DataType::list_of(Field("item", DataType(TypeId::kInt32)));
  s.fields.emplace_back("ll", DataType::list_of(Field("item", int_list)));
  s.fields.emplace_back(
      "ls", DataType::list_of(Field("item", DataType::struct_of(
                                                {Field("a", DataType(TypeId::kInt32), false),
                                                 Field("b", DataType(TypeId::kString))}))));
  DataType double_list = DataType::list_of(Field("item", DataType(TypeId::kFloat64)));
  s.fields.emplace_back("m", DataType::map_of(Field("key", DataType(TypeId::kString)),
                                              Field("value", double_list)));
  s.fields.emplace_back("req_list",
                        DataType::list_of(Field("item", DataType(TypeId::kInt64), false)), false);
  s.fields.emplace_back("mi", DataType::map_of(Field("key", DataType(TypeId::kInt32)),
                                               Field("value", inner)));
  return s;
}

// ---------------------------------------------------------------------------------------
// Shredding

TEST(LevelShredding, ShredsListWithNullsAndEmptyLists) {
  Schema s;
  s.fields.emplace_back("l", DataType::list_of(Field("element", DataType(TypeId::kInt32))));
  Column c(s.fields[0].type);
  c.child(0).append<int32_t>(1);
  c.child(0).append<int32_t>(2);
  c.append_list_end();  // [1, 2]
  c.append_list_end();  // []
  c.append_null();      // null
  c.child(0).append_null();
  c.child(0).append<int32_t>(3);
  c.append_list_end();  // [null, 3]
  std::vector<SchemaElement> elements = to_parquet_schema(s);
  ParquetSchema ps(elements);
  ShreddedLeaf leaf = shred_leaf(c, ps.fields()[0], 0);
  ASSERT_EQ(leaf.max_def, 3);
  ASSERT_EQ(leaf.max_rep, 1);
  ASSERT_EQ(leaf.num_entries, 6);
  const int16_t* def = leaf.def_levels.as<int16_t>();
  const int16_t* rep = leaf.rep_levels.as<int16_t>();
  EXPECT_EQ(std::vector<int16_t>(def, def + 6), (std::vector<int16_t>{3, 3, 1, 0, 2, 3}));
  EXPECT_EQ(std::vector<int16_t>(rep, rep + 6), (std::vector<int16_t>{0, 1, 0, 0, 0, 1}));
  ASSERT_EQ(leaf.num_values, 3);
  EXPECT_FALSE(leaf.contiguous);
  EXPECT_EQ(leaf.row(0), 0u);
  EXPECT_EQ(leaf.row(1), 1u);
  EXPECT_EQ(leaf.row(2), 3u);
}

TEST(LevelShredding, FlatColumnsTakeTheFastPath) {
  Schema s;
  s.fields.emplace_back("req", DataType(TypeId::kInt64), false);
  s.fields.emplace_back("opt", DataType(TypeId::kInt64), true);
  std::vector<SchemaElement> elements = to_parquet_schema(s);
  ParquetSchema ps(elements);
  Column req{DataType(TypeId::kInt64)}, opt{DataType(TypeId::kInt64)};
  for (int i = 0; i < 10; ++i) {
    req.append<int64_t>(i);
    opt.append<int64_t>(i);
  }
  ShreddedLeaf a = shred_leaf(req, ps.fields()[0], 0);
  EXPECT_EQ(a.max_def, 0);
  EXPECT_TRUE(a.def_levels.empty());
  EXPECT_TRUE(a.contiguous);
  EXPECT_EQ(a.num_values, 10);
  ShreddedLeaf b = shred_leaf(opt, ps.fields()[1], 1);
  EXPECT_TRUE(b.all_defined);
  EXPECT_TRUE(b.def_levels.empty());
  EXPECT_TRUE(b.contiguous);
  opt.append_null();
  opt.append<int64_t>(11);
  ShreddedLeaf c = shred_leaf(opt, ps.fields()[1], 1);
  EXPECT_FALSE(c.all_defined);
  EXPECT_EQ(c.num_entries, 12);
  EXPECT_EQ(c.num_values, 11);
  EXPECT_EQ(c.def_levels.as<int16_t>()[10], 0);
  EXPECT_EQ(c.row(10), 11u);
}

TEST(LevelShredding, RejectsNullInRequiredNestedField) {
  Schema s;
  s.fields.emplace_back("st", DataType::struct_of({Field("a", DataType(TypeId::kInt32), false)}));
  std::vector<SchemaElement> elements = to_parquet_schema(s);
  ParquetSchema ps(elements);
  Column c(s.fields[0].type);
  c.append_null();  // a null struct may hold a null required child
  c.child(0).append_null();
  c.append_struct_valid();  // but a present struct may not
  EXPECT_THROW(shred_leaf(c, ps.fields()[0], 0), InvalidInputError);
}

// ---------------------------------------------------------------------------------------
// Round trips

TEST(ParquetWriter, EveryTypeRoundTrips) {
  for (bool nullable : {true, false}) {
    Rng rng(nullable ? 1 : 2);
    Table t = random_table(all_primitive_types_schema(nullable), 3000, rng);
    Buffer file = write_table(t, {}, 1000);
    Schema read_schema;
    std::vector<Column> back = read_table(file, &read_schema);
    expect_columns_equal(t.columns, back);
    for (size_t i = 0; i < t.schema.fields.size(); ++i) {
      EXPECT_EQ(read_schema.fields[i].type.to_string(), t.schema.fields[i].type.to_string())
          << t.schema.fields[i].name;
      EXPECT_EQ(read_schema.fields[i].nullable, nullable);
    }
  }
}

// expect_rows() only sizes buffers: the file is the same byte for byte whether the hint is
// right, too low or too high, with several row groups and strings that grow longer after
// the batch the buffers were sized from.
TEST(ParquetWriter, ExpectedRowsChangeNothingWritten) {
  Rng rng(7);
  Table t = random_table(all_primitive_types_schema(true), 3000, rng);
  t.schema.fields.emplace_back("grows", DataType(TypeId::kString));
  Column grows{DataType(TypeId::kString)};
  for (int64_t i = 0; i < t.rows(); ++i) grows.append_string(std::string(size_t(1 + i / 20), 'x'));
  t.columns.push_back(std::move(grows));
  ParquetWriteOptions o;
  o.row_group_rows = 1300;
  Buffer plain = write_table(t, o, 500);
  for (int64_t hint : {int64_t(3000), int64_t(10), int64_t(100000)}) {
    Buffer hinted = write_table(t, o, 500, nullptr, hint);
    EXPECT_TRUE(plain.size() == hinted.size() &&
                std::memcmp(plain.data(), hinted.data(), plain.size()) == 0)
        << "hint " << hint;
    expect_columns_equal(t.columns, read_table(hinted));
  }
}

TEST(ParquetWriter, ExtremeValuesRoundTrip) {
  Table t;
  t.columns.reserve(16);  // `add` hands out pointers into the vector
  auto add = [&](const char* name, DataType type) {
    t.schema.fields.emplace_back(name, type);
    t.columns.emplace_back(type);
    return &t.columns.back();
  };
  Column* i64 = add("i64", DataType(TypeId::kInt64));
  Column* u64 = add("u64", DataType(TypeId::kUInt64));
  Column* f64 = add("f64", DataType(TypeId::kFloat64));
  Column* d9 = add("d9", DataType::decimal(9, 0));
  Column* d18 = add("d18", DataType::decimal(18, 0));
  Column* d38 = add("d38", DataType::decimal(38, 0));
  Column* s = add("s", DataType(TypeId::kString));
  __int128 max38 = 0;
  for (int i = 0; i < 38; ++i) max38 = max38 * 10 + 9;
  i64->append<int64_t>(std::numeric_limits<int64_t>::min());
  i64->append<int64_t>(std::numeric_limits<int64_t>::max());
  i64->append_null();
  u64->append<uint64_t>(0);
  u64->append<uint64_t>(std::numeric_limits<uint64_t>::max());
  u64->append_null();
  f64->append<double>(std::numeric_limits<double>::quiet_NaN());
  f64->append<double>(-0.0);
  f64->append<double>(-std::numeric_limits<double>::infinity());
  d9->append<__int128>(-999999999);
  d9->append<__int128>(999999999);
  d9->append_null();
  d18->append<__int128>(-999999999999999999LL);
  d18->append<__int128>(999999999999999999LL);
  d18->append_null();
  d38->append<__int128>(-max38);
  d38->append<__int128>(max38);
  d38->append<__int128>(-1);
  s->append_string("");  // empty is not NULL
  s->append_null();
  s->append_string(std::string("\0a\xff", 3));
  for (auto codec : {CompressionCodec::kUncompressed, CompressionCodec::kZstd}) {
    ParquetWriteOptions o;
    o.compression = codec;
    expect_round_trip(t, o);
  }
}

TEST(ParquetWriter, TimeInMillisIsWrittenAsMicros) {
  Column c(DataType::time(TimeUnit::kMilli));
  c.append<int64_t>(1234);
  c.append_null();
  Table t = single(Field("t", DataType::time(TimeUnit::kMilli)), std::move(c));
  Schema read_schema;
  std::vector<Column> back = read_table(write_table(t, {}), &read_schema);
  EXPECT_EQ(read_schema.fields[0].type.to_string(), DataType::time(TimeUnit::kMicro).to_string());
  EXPECT_EQ(back[0].value<int64_t>(0), 1234000);
  EXPECT_TRUE(back[0].is_null(1));
}

TEST(ParquetWriter, AllNullAndNullTypeColumns) {
  Table t;
  t.schema.fields.emplace_back("n", DataType(TypeId::kNull));
  t.schema.fields.emplace_back("s", DataType(TypeId::kString));
  t.schema.fields.emplace_back("i", DataType(TypeId::kInt32));
  t.columns.emplace_back(DataType(TypeId::kNull));
  t.columns.emplace_back(DataType(TypeId::kString));
  t.columns.emplace_back(DataType(TypeId::kInt32));
  for (int i = 0; i < 100; ++i)
    for (size_t c = 1; c < t.columns.size(); ++c) t.columns[c].append_null();
  // Column::append_null on a NULL-typed column memsets a null data pointer (UBSan), so
  // the NULL column is built directly.
  t.columns[0].validity_buffer().resize_zeroed(size_t(bitmap_bytes(100)));
  t.columns[0].set_size(100, 100);
  FileMetaData meta;
  Buffer file = write_table(t, {}, 0, &meta);
  expect_columns_equal(t.columns, read_table(file));
  const Statistics& st = *chunk_meta(meta, 0, 2).statistics;
  EXPECT_EQ(st.null_count, 100);
  EXPECT_FALSE(st.min_value.has_value());
  ColumnIndex ci = read_column_index(file.span().subspan(
      size_t(*meta.row_groups[0].columns[2].column_index_offset),
      size_t(*meta.row_groups[0].columns[2].column_index_length)));
  EXPECT_EQ(ci.null_pages, std::vector<bool>{true});
  EXPECT_EQ(ci.min_values, std::vector<std::string>{""});
}

TEST(ParquetWriter, NestedTypesRoundTrip) {
  Rng rng(7);
  Table t = random_table(nested_schema(), 2000, rng, 0.2);
  for (int version : {1, 2}) {
    ParquetWriteOptions o;
    o.data_page_version = version;
    o.page_rows = 37;
    o.row_group_rows = 700;
    expect_round_trip(t, o, 333);
  }
}

TEST(ParquetWriter, NullAndEmptyListsAtEveryLevel) {
  DataType strings = DataType::list_of(Field("item", DataType(TypeId::kString)));
  DataType ll = DataType::list_of(Field("item", strings));
  Column c(ll);
  Column& inner = c.child(0);
  Column& leaf = inner.child(0);
  c.append_null();      // null
  c.append_list_end();  // []
  inner.append_null();
  c.append_list_end();  // [null]
  inner.append_list_end();
  c.append_list_end();  // [[]]
  leaf.append_null();
  inner.append_list_end();
  c.append_list_end();  // [[null]]
  leaf.append_string("");
  leaf.append_string("x");
  inner.append_list_end();
  inner.append_null();
  inner.append_list_end();
  c.append_list_end();  // [["", "x"], null, []]
  Table t = single(Field("ll", ll), std::move(c));
  for (int version : {1, 2}) {
    ParquetWriteOptions o;
    o.data_page_version = version;
    o.page_rows = 1;
    expect_round_trip(t, o);
  }
}

TEST(ParquetWriter, EveryCodecAndPageVersion) {
  Rng rng(11);
  Schema s = all_primitive_types_schema(true);
  for (const auto& f : nested_schema().fields) s.fields.push_back(f);
  Table t = random_table(s, 500, rng);
  for (auto codec : {CompressionCodec::kUncompressed, CompressionCodec::kSnappy,
                     CompressionCodec::kGzip, CompressionCodec::kBrotli, CompressionCodec::kLz4,
                     CompressionCodec::kZstd, CompressionCodec::kLz4Raw}) {
    for (int version : {1, 2}) {
      SCOPED_TRACE(std::string(codec_name(codec)) + " v" + std::to_string(version));
      ParquetWriteOptions o;
      o.compression = codec;
      o.data_page_version = version;
      o.page_rows = 128;
      FileMetaData meta;
      Buffer file = write_table(t, o, 0, &meta);
      expect_columns_equal(t.columns, read_table(file));
      EXPECT_EQ(chunk_meta(meta, 0, 0).codec, codec);
      EXPECT_EQ(meta.version, 2);  // v2 pages or UUID/nanos/UNKNOWN logical types
      const auto& stats = *chunk_meta(meta, 0, 3).encoding_stats;
      EXPECT_EQ(stats.back().page_type, version == 2 ? PageType::kDataPageV2 : PageType::kDataPage);
    }
  }
}

// Definition levels are written out only once a NULL appears in a chunk: pages before it
// are passed over, and the reader must still place every NULL (first page, a middle page,
// none at all), whole or through page-skipping ranges, in both page versions.
TEST(ParquetWriter, NullsAfterPagesWithoutNulls) {
  for (int version : {1, 2}) {
    for (int64_t null_from : {int64_t(0), int64_t(450), int64_t(995), int64_t(-1)}) {
      SCOPED_TRACE("v" + std::to_string(version) + " nulls from " + std::to_string(null_from));
      Table t;
      t.schema.fields = {Field("i", DataType(TypeId::kInt32)), Field("s", DataType(TypeId::kString)),
                         Field("l", DataType::list_of(Field("item", DataType(TypeId::kInt32))))};
      for (auto& f : t.schema.fields) t.columns.emplace_back(f.type);
      for (int64_t r = 0; r < 1000; ++r) {
        bool null = null_from >= 0 && r >= null_from && r < null_from + 5;
        if (null) {
          t.columns[0].append_null();
          t.columns[1].append_null();
          t.columns[2].append_null();
          continue;
        }
        t.columns[0].append<int32_t>(int32_t(r));
        t.columns[1].append_string("v" + std::to_string(r % 7));
        t.columns[2].child(0).append<int32_t>(int32_t(r));
        t.columns[2].append_list_end();
      }
      ParquetWriteOptions o;
      o.data_page_version = version;
      o.page_rows = 100;
      Buffer file = write_table(t, o);
      std::vector<Column> back = read_table(file);
      expect_columns_equal(t.columns, back);
      EXPECT_EQ(back[0].null_count(), null_from >= 0 ? 5 : 0);
      ParquetReader r(io::open_memory_input(file.span()));
      std::vector<RowRange> ranges{{420, 480}, {990, 1000}};
      Batch part = r.read_row_group(0, {}, &ranges);
      ASSERT_EQ(part.num_rows(), 70);
      for (size_t c = 0; c < t.columns.size(); ++c)
        for (int64_t k = 0; k < 70; ++k) {
          int64_t row = k < 60 ? 420 + k : 990 + (k - 60);
          EXPECT_TRUE(cells_equal(t.columns[c], row, part.columns[c], k)) << c << " row " << row;
        }
    }
  }
}

TEST(ParquetWriter, FileMetadata) {
  Schema s;
  s.fields.emplace_back("a", DataType(TypeId::kInt32), true, 17);
  s.fields.emplace_back("l", DataType::list_of(Field("item", DataType(TypeId::kInt64), true, 19)),
                        true, 18);
  s.metadata.emplace_back("from_schema", "1");
  Column a{DataType(TypeId::kInt32)};
  a.append<int32_t>(1);
  Column l(s.fields[1].type);
  l.append_list_end();
  Table t;
  t.schema = s;
  t.columns.push_back(std::move(a));
  t.columns.push_back(std::move(l));
  ParquetWriteOptions o;
  o.key_value_metadata.push_back(KeyValue{"k", std::string("v")});
  o.sorting_columns.push_back(SortingColumn{0, false, true});
  FileMetaData meta;
  Buffer file = write_table(t, o, 0, &meta);
  ParquetReader r(io::open_memory_input(file.span()));
  const FileMetaData& m = r.metadata();
  ASSERT_TRUE(m.created_by.has_value());
  EXPECT_EQ(m.created_by->rfind("floe version", 0), 0u);
  EXPECT_EQ(m.version, 1);
  ASSERT_TRUE(m.column_orders.has_value());
  EXPECT_EQ(m.column_orders->size(), 2u);
  EXPECT_EQ(m.schema[1].field_id, 17);
  EXPECT_EQ(m.schema[2].field_id, 18);
  EXPECT_EQ(m.schema[4].field_id, 19);
  EXPECT_EQ(m.schema[4].name, "element");
  ASSERT_TRUE(m.key_value_metadata.has_value());
  ASSERT_EQ(m.key_value_metadata->size(), 2u);
  EXPECT_EQ((*m.key_value_metadata)[1].key, "k");
  EXPECT_EQ(m.row_groups[0].sorting_columns, o.sorting_columns);
  EXPECT_EQ(m.row_groups[0].columns[1].meta_data->path_in_schema,
            (std::vector<std::string>{"l", "list", "element"}));
  EXPECT_EQ(r.schema().fields[0].field_id, 17);
  EXPECT_TRUE(m == meta);
}

TEST(ParquetWriter, DictionaryAndFallback) {
  Table t;
  t.schema.fields.emplace_back("low", DataType(TypeId::kString));
  t.schema.fields.emplace_back("unique", DataType(TypeId::kInt64));
  t.schema.fields.emplace_back("lowint", DataType(TypeId::kInt32));
  for (auto& f : t.schema.fields) t.columns.emplace_back(f.type);
  for (int i = 0; i < 20000; ++i) {
    t.columns[0].append_string("value_" + std::to_string(i % 50));
    t.columns[1].append<int64_t>(int64_t(i) * 7919);
    if (i % 5 == 0) t.columns[2].append_null();
    else t.columns[2].append<int32_t>(i % 3);
  }
  {
    FileMetaData meta;
    Buffer file = write_table(t, {}, 0, &meta);
    expect_columns_equal(t.columns, read_table(file));
    EXPECT_TRUE(has_encoding(chunk_meta(meta, 0, 0), Encoding::kRleDictionary));
    EXPECT_TRUE(chunk_meta(meta, 0, 0).dictionary_page_offset.has_value());
    EXPECT_EQ(chunk_meta(meta, 0, 0).statistics->distinct_count, 50);
    EXPECT_FALSE(has_encoding(chunk_meta(meta, 0, 1), Encoding::kRleDictionary));  // useless
    EXPECT_FALSE(chunk_meta(meta, 0, 1).dictionary_page_offset.has_value());
    EXPECT_TRUE(has_encoding(chunk_meta(meta, 0, 2), Encoding::kRleDictionary));
    EXPECT_EQ(chunk_meta(meta, 0, 2).statistics->distinct_count, 3);
  }
  {
    ParquetWriteOptions o;
    o.dictionary_bytes_limit = 100;  // 50 strings need more: fall back to PLAIN
    FileMetaData meta;
    Buffer file = write_table(t, o, 0, &meta);
    expect_columns_equal(t.columns, read_table(file));
    EXPECT_FALSE(has_encoding(chunk_meta(meta, 0, 0), Encoding::kRleDictionary));
    EXPECT_TRUE(has_encoding(chunk_meta(meta, 0, 0), Encoding::kPlain));
  }
  {
    ParquetWriteOptions o;
    o.dictionary = false;
    o.column_encodings["lowint"] = Encoding::kRleDictionary;
    FileMetaData meta;
    Buffer file = write_table(t, o, 0, &meta);
    expect_columns_equal(t.columns, read_table(file));
    EXPECT_FALSE(has_encoding(chunk_meta(meta, 0, 0), Encoding::kRleDictionary));
    EXPECT_TRUE(has_encoding(chunk_meta(meta, 0, 2), Encoding::kRleDictionary));
  }
}

TEST(ParquetWriter, EveryOptionalEncoding) {
  Rng rng(5);
  Schema s;
  s.fields.emplace_back("i32", DataType(TypeId::kInt32));
  s.fields.emplace_back("i64", DataType(TypeId::kInt64));
  s.fields.emplace_back("f32", DataType(TypeId::kFloat32));
  s.fields.emplace_back("f64", DataType(TypeId::kFloat64));
  s.fields.emplace_back("str", DataType(TypeId::kString));
  s.fields.emplace_back("fixed", DataType::fixed_binary(5));
  s.fields.emplace_back("b", DataType(TypeId::kBoolean));
  s.fields.emplace_back("dec", DataType::decimal(30, 2));
  s.fields.emplace_back("l", DataType::list_of(Field("item", DataType(TypeId::kInt64))));
  Table t = random_table(s, 3000, rng);
  struct Case {
    std::map<std::string, Encoding> encodings;
  };
  std::vector<Case> cases = {
      {{{"i32", Encoding::kDeltaBinaryPacked},
        {"i64", Encoding::kDeltaBinaryPacked},
        {"str", Encoding::kDeltaLengthByteArray},
        {"fixed", Encoding::kDeltaByteArray},
        {"b", Encoding::kRle},
        {"dec", Encoding::kDeltaByteArray},
        {"l.element", Encoding::kDeltaBinaryPacked}}},
      {{{"i32", Encoding::kByteStreamSplit},
        {"i64", Encoding::kByteStreamSplit},
        {"f32", Encoding::kByteStreamSplit},
        {"f64", Encoding::kByteStreamSplit},
        {"str", Encoding::kDeltaByteArray},
        {"fixed", Encoding::kByteStreamSplit},
        {"b", Encoding::kPlain},
        {"dec", Encoding::kByteStreamSplit},
        {"l.list.element", Encoding::kByteStreamSplit}}},
      {{{"i32", Encoding::kPlain},
        {"i64", Encoding::kPlain},
        {"f32", Encoding::kPlain},
        {"f64", Encoding::kPlain},
        {"str", Encoding::kPlain},
        {"fixed", Encoding::kPlain},
        {"dec", Encoding::kPlain},
        {"l", Encoding::kPlain}}},
  };
  for (const Case& c : cases) {
    for (int version : {1, 2}) {
      ParquetWriteOptions o;
      o.column_encodings = c.encodings;
      o.data_page_version = version;
      o.page_rows = 500;
      FileMetaData meta;
      Buffer file = write_table(t, o, 0, &meta);
      expect_columns_equal(t.columns, read_table(file));
      for (size_t f = 0; f < s.fields.size(); ++f) {
        const std::string& name = s.fields[f].name;
        auto it = c.encodings.find(name);
        if (name == "l" && it == c.encodings.end()) it = c.encodings.find("l.element");
        if (name == "l" && it == c.encodings.end()) it = c.encodings.find("l.list.element");
        if (it == c.encodings.end()) continue;
        EXPECT_TRUE(has_encoding(chunk_meta(meta, 0, int(f)), it->second))
            << name << " " << encoding_name(it->second) << " v" << version;
        EXPECT_FALSE(has_encoding(chunk_meta(meta, 0, int(f)), Encoding::kRleDictionary)) << name;
      }
    }
  }
}

TEST(ParquetWriter, RejectsBadOptionsAndBatches) {
  Schema s;
  s.fields.emplace_back("a", DataType(TypeId::kInt32), false);
  s.fields.emplace_back("str", DataType(TypeId::kString));
  Buffer sink;
  auto make = [&](ParquetWriteOptions o) {
    return ParquetWriter(io::create_memory_output(&sink), s, std::move(o));
  };
  ParquetWriteOptions o;
  o.column_encodings["nope"] = Encoding::kPlain;
  EXPECT_THROW(make(o), InvalidInputError);
  o = {};
  o.column_encodings["str"] = Encoding::kDeltaBinaryPacked;
  EXPECT_THROW(make(o), InvalidInputError);
  o = {};
  o.bloom_filter_columns.push_back("zzz");
  EXPECT_THROW(make(o), InvalidInputError);
  o = {};
  o.page_rows = 0;
  EXPECT_THROW(make(o), InvalidInputError);

  ParquetWriter w(io::create_memory_output(&sink), s);
  Batch wrong;
  wrong.schema.fields.emplace_back("a", DataType(TypeId::kInt64), false);
  wrong.schema.fields.emplace_back("str", DataType(TypeId::kString));
  wrong.columns.emplace_back(DataType(TypeId::kInt64));
  wrong.columns.emplace_back(DataType(TypeId::kString));
  EXPECT_THROW(w.write(wrong), InvalidInputError);
  Batch nulls = Batch::empty_of(s);
  nulls.columns[0].append_null();
  nulls.columns[1].append_string("x");
  EXPECT_THROW(w.write(nulls), InvalidInputError);
}

TEST(ParquetWriter, ZeroRows) {
  Schema s = nested_schema();
  {
    Buffer sink;
    ParquetWriter w(io::create_memory_output(&sink), s);
    w.flush_row_group();  // nothing buffered: no row group
    const FileMetaData& m = w.close();
    EXPECT_EQ(m.num_rows, 0);
    EXPECT_TRUE(m.row_groups.empty());
    ParquetReader r(io::open_memory_input(sink.span()));
    EXPECT_EQ(r.num_rows(), 0);
    EXPECT_EQ(r.schema().fields.size(), s.fields.size());
  }
  {
    Buffer sink;
    ParquetWriter w(io::create_memory_output(&sink), s);
    w.write(Batch::empty_of(s));
    w.close();
    ParquetReader r(io::open_memory_input(sink.span()));
    EXPECT_EQ(r.num_rows(), 0);
  }
}

TEST(ParquetWriter, RowGroupsAndPages) {
  Column c{DataType(TypeId::kInt64)};
  for (int64_t i = 0; i < 2500; ++i) c.append<int64_t>(i);
  Table t = single(Field("v", DataType(TypeId::kInt64), false), std::move(c));
  ParquetWriteOptions o;
  o.row_group_rows = 1000;
  o.page_rows = 300;
  FileMetaData meta;
  Buffer file = write_table(t, o, 333, &meta);
  expect_columns_equal(t.columns, read_table(file));
  ASSERT_EQ(meta.row_groups.size(), 3u);
  EXPECT_EQ(meta.row_groups[0].num_rows, 1000);
  EXPECT_EQ(meta.row_groups[2].num_rows, 500);
  EXPECT_EQ(meta.num_rows, 2500);
  for (size_t g = 0; g < 3; ++g) {
    const ColumnChunk& cc = meta.row_groups[g].columns[0];
    ASSERT_TRUE(cc.offset_index_offset.has_value());
    OffsetIndex oi = read_offset_index(
        file.span().subspan(size_t(*cc.offset_index_offset), size_t(*cc.offset_index_length)));
    const int64_t rows = meta.row_groups[g].num_rows;
    ASSERT_EQ(oi.page_locations.size(), size_t((rows + 299) / 300));
    for (size_t p = 0; p < oi.page_locations.size(); ++p) {
      EXPECT_EQ(oi.page_locations[p].first_row_index, int64_t(p) * 300);
      // Each location points at a data page header whose size matches.
      ByteReader in(file.span().subspan(size_t(oi.page_locations[p].offset)));
      PageHeader h = read_page_header(in);
      EXPECT_EQ(h.type, PageType::kDataPage);
      EXPECT_EQ(int64_t(in.position()) + h.compressed_page_size,
                oi.page_locations[p].compressed_page_size);
    }
    EXPECT_EQ(oi.page_locations[0].offset, cc.meta_data->data_page_offset);
  }
  // Byte limit on row groups: about 8 bytes per row.
  ParquetWriteOptions by_bytes;
  by_bytes.row_group_bytes = 8 * 600;
  FileMetaData meta2;
  write_table(t, by_bytes, 1000, &meta2);
  EXPECT_EQ(meta2.row_groups.size(), 5u);
  EXPECT_EQ(meta2.row_groups[0].num_rows, 600);
}

TEST(ParquetWriter, PagesNeverSplitRows) {
  Rng rng(3);
  Schema s;
  s.fields.emplace_back("l", DataType::list_of(Field("item", DataType(TypeId::kString))));
  Table t = random_table(s, 1000, rng);
  ParquetWriteOptions o;
  o.page_bytes = 64;  // a few rows per page
  FileMetaData meta;
  Buffer file = write_table(t, o, 0, &meta);
  expect_columns_equal(t.columns, read_table(file));
  const ColumnChunk& cc = meta.row_groups[0].columns[0];
  OffsetIndex oi = read_offset_index(
      file.span().subspan(size_t(*cc.offset_index_offset), size_t(*cc.offset_index_length)));
  EXPECT_GT(oi.page_locations.size(), 20u);
  for (size_t p = 1; p < oi.page_locations.size(); ++p)
    EXPECT_LT(oi.page_locations[p - 1].first_row_index, oi.page_locations[p].first_row_index);
  // Decode each page alone: its first repetition level is 0.
  for (const PageLocation& loc : oi.page_locations) {
    ByteReader in(file.span().subspan(size_t(loc.offset)));
    PageHeader h = read_page_header(in);
    ASSERT_EQ(h.type, PageType::kDataPage);
    Buffer raw(size_t(h.uncompressed_page_size));
    compression::decompress(compression::Codec::kZstd,
                            {in.current(), size_t(h.compressed_page_size)}, raw.data(), raw.size());
    size_t consumed = 0;
    RleBitPackedDecoder rep = open_length_prefixed(raw.data(), raw.size(), 1, consumed);
    uint32_t first = 99;
    ASSERT_EQ(rep.get_batch(&first, 1), 1u);
    EXPECT_EQ(first, 0u);
  }
}

TEST(ParquetWriter, Statistics) {
  Table t;
  t.columns.reserve(16);  // `add` hands out pointers into the vector
  auto add = [&](const char* name, DataType type) {
    t.schema.fields.emplace_back(name, type);
    t.columns.emplace_back(type);
    return &t.columns.back();
  };
  Column* i32 = add("i32", DataType(TypeId::kInt32));
  Column* u32 = add("u32", DataType(TypeId::kUInt32));
  Column* f64 = add("f64", DataType(TypeId::kFloat64));
  Column* fz = add("fz", DataType(TypeId::kFloat32));
  Column* nan = add("nan", DataType(TypeId::kFloat64));
  Column* str = add("str", DataType(TypeId::kString));
  Column* carry = add("carry", DataType(TypeId::kString));
  Column* ff = add("ff", DataType(TypeId::kString));
  Column* dec = add("dec", DataType::decimal(30, 0));
  Column* b = add("b", DataType(TypeId::kBoolean));
  const double qnan = std::numeric_limits<double>::quiet_NaN();
  for (int32_t v : {5, -3, 7}) i32->append<int32_t>(v);
  i32->append_null();
  for (uint32_t v : {1u, 0xffffffffu, 2u, 3u}) u32->append<uint32_t>(v);
  for (double v : {qnan, 1.5, 0.0, -2.0}) f64->append<double>(v);
  for (float v : {-0.0f, 2.0f, 0.0f, 1.0f}) fz->append<float>(v);
  for (int i = 0; i < 4; ++i) nan->append<double>(qnan);
  str->append_string("mmmmmmmmmmmm");
  str->append_string("aaaaaaaaaaaa");
  str->append_string("zzzzzzzzzzzz");
  str->append_string("b");
  carry->append_string(std::string("ab\xff\xff\xff\xffzz", 8));
  carry->append_string("aa");
  carry->append_null();
  carry->append_null();
  for (int i = 0; i < 4; ++i) ff->append_string(std::string(10, '\xff'));
  for (int v : {-5, 3, 0, 2}) dec->append<__int128>(v);
  for (int v : {1, 1, 1, 1}) b->append_bool(v);
  ParquetWriteOptions o;
  o.statistics_truncate_length = 5;
  o.dictionary = false;
  FileMetaData meta;
  Buffer file = write_table(t, o, 0, &meta);
  expect_columns_equal(t.columns, read_table(file));
  auto stats = [&](int col) { return *chunk_meta(meta, 0, col).statistics; };
  auto ci = [&](int col) -> std::optional<ColumnIndex> {
    const ColumnChunk& cc = meta.row_groups[0].columns[size_t(col)];
    if (!cc.column_index_offset) return std::nullopt;
    return read_column_index(
        file.span().subspan(size_t(*cc.column_index_offset), size_t(*cc.column_index_length)));
  };

  Statistics s = stats(0);
  EXPECT_EQ(s.min_value, le<int32_t>(-3));
  EXPECT_EQ(s.max_value, le<int32_t>(7));
  EXPECT_EQ(s.min, le<int32_t>(-3));  // signed order: the deprecated fields agree
  EXPECT_EQ(s.max, le<int32_t>(7));
  EXPECT_EQ(s.null_count, 1);
  EXPECT_EQ(s.is_min_value_exact, true);
  EXPECT_EQ(ci(0)->min_values, std::vector<std::string>{le<int32_t>(-3)});
  EXPECT_EQ(ci(0)->null_counts, std::vector<int64_t>{1});

  s = stats(1);  // unsigned order
  EXPECT_EQ(s.min_value, le<uint32_t>(1));
  EXPECT_EQ(s.max_value, le<uint32_t>(0xffffffffu));
  EXPECT_FALSE(s.min.has_value());
  EXPECT_EQ(s.null_count, 0);

  s = stats(2);  // NaN ignored, counted
  EXPECT_EQ(s.min_value, le<double>(-2.0));
  EXPECT_EQ(s.max_value, le<double>(1.5));
  EXPECT_EQ(s.nan_count, 1);
  EXPECT_EQ(ci(2)->nan_counts, std::vector<int64_t>{1});

  s = stats(3);  // zero bounds: -0.0 as min, +0.0 as max
  EXPECT_EQ(s.min_value, le<float>(-0.0f));
  EXPECT_EQ(s.max_value, le<float>(2.0f));
  {
    Column neg{DataType(TypeId::kFloat32)};
    neg.append<float>(-1.0f);
    neg.append<float>(-0.0f);
    FileMetaData m2;
    write_table(single(Field("f", DataType(TypeId::kFloat32)), std::move(neg)), {}, 0, &m2);
    EXPECT_EQ(chunk_meta(m2, 0, 0).statistics->max_value, le<float>(0.0f));
  }

  s = stats(4);  // all NaN: no bounds, no column index
  EXPECT_FALSE(s.min_value.has_value());
  EXPECT_FALSE(s.max_value.has_value());
  EXPECT_EQ(s.nan_count, 4);
  EXPECT_FALSE(ci(4).has_value());

  s = stats(5);  // truncated byte arrays
  EXPECT_EQ(s.min_value, "aaaaa");
  EXPECT_EQ(s.is_min_value_exact, false);
  EXPECT_EQ(s.max_value, "zzzz{");
  EXPECT_EQ(s.is_max_value_exact, false);
  EXPECT_FALSE(s.min.has_value());  // byte arrays: deprecated fields unset
  EXPECT_EQ(ci(5)->max_values, std::vector<std::string>{"zzzz{"});

  s = stats(6);  // carrying increment
  EXPECT_EQ(s.min_value, "aa");
  EXPECT_EQ(s.is_min_value_exact, true);
  EXPECT_EQ(s.max_value, "ac");
  EXPECT_EQ(s.is_max_value_exact, false);
  EXPECT_EQ(s.null_count, 2);

  s = stats(7);  // cannot be incremented: no max
  EXPECT_EQ(s.min_value, std::string(5, '\xff'));
  EXPECT_FALSE(s.max_value.has_value());
  EXPECT_EQ(ci(7)->max_values, std::vector<std::string>{std::string(10, '\xff')});

  s = stats(8);  // decimal in FLBA: signed big-endian
  EXPECT_EQ(s.min_value, std::string(15, '\xff') + "\xfb");
  EXPECT_EQ(s.max_value, std::string(15, '\0') + "\x03");

  s = stats(9);
  EXPECT_EQ(s.min_value, std::string(1, '\1'));
  EXPECT_EQ(s.max_value, std::string(1, '\1'));
}

TEST(ParquetWriter, ColumnIndexBoundaryOrderAndNullPages) {
  Table t;
  t.schema.fields.emplace_back("up", DataType(TypeId::kInt64));
  t.schema.fields.emplace_back("down", DataType(TypeId::kString));
  t.schema.fields.emplace_back("mixed", DataType(TypeId::kInt32));
  t.schema.fields.emplace_back("nulls_first", DataType(TypeId::kFloat64));
  for (auto& f : t.schema.fields) t.columns.emplace_back(f.type);
  for (int i = 0; i < 4000; ++i) {
    t.columns[0].append<int64_t>(i);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%06d", 10000 - i);
    t.columns[1].append_string(buf);
    const int page_order[4] = {2, 0, 3, 1};
    t.columns[2].append<int32_t>(page_order[i / 1000] * 1000 + i % 1000);
    if (i < 1500) t.columns[3].append_null();
    else t.columns[3].append<double>(i);
  }
  for (int version : {1, 2}) {
    ParquetWriteOptions o;
    o.page_rows = 1000;
    o.data_page_version = version;
    FileMetaData meta;
    Buffer file = write_table(t, o, 0, &meta);
    expect_columns_equal(t.columns, read_table(file));
    auto ci = [&](int col) {
      const ColumnChunk& cc = meta.row_groups[0].columns[size_t(col)];
      return read_column_index(
          file.span().subspan(size_t(*cc.column_index_offset), size_t(*cc.column_index_length)));
    };
    ColumnIndex up = ci(0);
    EXPECT_EQ(up.boundary_order, BoundaryOrder::kAscending);
    ASSERT_EQ(up.min_values.size(), 4u);
    for (int p = 0; p < 4; ++p) {
      EXPECT_EQ(up.min_values[size_t(p)], le<int64_t>(p * 1000));
      EXPECT_EQ(up.max_values[size_t(p)], le<int64_t>(p * 1000 + 999));
    }
    EXPECT_EQ(ci(1).boundary_order, BoundaryOrder::kDescending);
    EXPECT_EQ(ci(2).boundary_order, BoundaryOrder::kUnordered);
    ColumnIndex nf = ci(3);
    EXPECT_EQ(nf.null_pages, (std::vector<bool>{true, false, false, false}));
    EXPECT_EQ(nf.null_counts, (std::vector<int64_t>{1000, 500, 0, 0}));
    EXPECT_EQ(nf.min_values[0], "");
    EXPECT_EQ(nf.min_values[1], le<double>(1500));
    EXPECT_EQ(nf.boundary_order, BoundaryOrder::kAscending);
    // Layout: indexes after the last row group, column indexes before offset indexes.
    const ColumnChunk& first = meta.row_groups[0].columns[0];
    const ColumnChunk& last = meta.row_groups[0].columns[3];
    EXPECT_LT(last.meta_data->data_page_offset, *first.column_index_offset);
    EXPECT_LT(*last.column_index_offset, *first.offset_index_offset);
  }
  ParquetWriteOptions off;
  off.write_page_index = false;
  off.write_statistics = false;
  FileMetaData meta;
  Buffer file = write_table(t, off, 0, &meta);
  expect_columns_equal(t.columns, read_table(file));
  EXPECT_FALSE(meta.row_groups[0].columns[0].column_index_offset.has_value());
  EXPECT_FALSE(meta.row_groups[0].columns[0].offset_index_offset.has_value());
  EXPECT_FALSE(chunk_meta(meta, 0, 0).statistics.has_value());
}

TEST(ParquetWriter, BloomFilterFindsInsertedValues) {
  Table t;
  t.schema.fields.emplace_back("s", DataType(TypeId::kString));
  t.schema.fields.emplace_back("i", DataType(TypeId::kInt64));
  t.schema.fields.emplace_back("st", DataType::struct_of({Field("u", DataType(TypeId::kInt32))}));
  for (auto& f : t.schema.fields) t.columns.emplace_back(f.type);
  for (int i = 0; i < 5000; ++i) {
    t.columns[0].append_string("key" + std::to_string(i % 1000));
    t.columns[1].append<int64_t>(int64_t(i) * 3);
    t.columns[2].child(0).append<int32_t>(i % 10);
    t.columns[2].append_struct_valid();
  }
  ParquetWriteOptions o;
  o.bloom_filter_columns = {"s", "i", "st.u"};
  o.row_group_rows = 2500;
  FileMetaData meta;
  Buffer file = write_table(t, o, 0, &meta);
  expect_columns_equal(t.columns, read_table(file));
  ASSERT_EQ(meta.row_groups.size(), 2u);
  auto filter = [&](int rg, int col) {
    const ColumnMetaData& m = chunk_meta(meta, rg, col);
    EXPECT_TRUE(m.bloom_filter_offset.has_value());
    ByteReader in(
        file.span().subspan(size_t(*m.bloom_filter_offset), size_t(*m.bloom_filter_length)));
    BloomFilterHeader h = read_bloom_filter_header(in);
    EXPECT_EQ(int64_t(in.position()) + h.num_bytes, *m.bloom_filter_length);
    return BloomFilter::from_bytes(in.bytes(size_t(h.num_bytes)));
  };
  for (int rg = 0; rg < 2; ++rg) {
    BloomFilter s = filter(rg, 0);
    int false_positives = 0;
    for (int i = 0; i < 1000; ++i) {
      EXPECT_TRUE(s.find_hash(bloom_hash("key" + std::to_string(i))));
      false_positives += s.find_hash(bloom_hash("absent" + std::to_string(i)));
    }
    EXPECT_LT(false_positives, 50);
    BloomFilter i = filter(rg, 1);
    for (int r = rg * 2500; r < rg * 2500 + 2500; ++r)
      EXPECT_TRUE(i.find_hash(bloom_hash(int64_t(r) * 3)));
    BloomFilter u = filter(rg, 2);
    for (int v = 0; v < 10; ++v) EXPECT_TRUE(u.find_hash(bloom_hash(int32_t(v))));
  }
  // Bloom filters come after the row groups and before the page indexes.
  EXPECT_GT(*chunk_meta(meta, 0, 0).bloom_filter_offset, chunk_meta(meta, 1, 2).data_page_offset);
  EXPECT_LT(*chunk_meta(meta, 1, 2).bloom_filter_offset,
            *meta.row_groups[0].columns[0].column_index_offset);
}

TEST(ParquetWriter, RandomNestedSchemas) {
  Rng rng(20240601);
  std::vector<DataType> primitives = {
      DataType(TypeId::kBoolean),      DataType(TypeId::kInt8),    DataType(TypeId::kInt32),
      DataType(TypeId::kInt64),        DataType(TypeId::kUInt32),  DataType(TypeId::kUInt64),
      DataType(TypeId::kFloat64),      DataType::decimal(7, 2),    DataType::decimal(16, 4),
      DataType::decimal(33, 3),        DataType(TypeId::kString),  DataType(TypeId::kBinary),
      DataType::fixed_binary(3),       DataType(TypeId::kDate),
      DataType::timestamp(TimeUnit::kNano),
      DataType(TypeId::kUuid)};
  auto random_type = [&](auto&& self, int depth) -> DataType {
    int kind = depth >= 3 ? 0 : int(rng() % 5);
    switch (kind) {
      case 1: {
        std::vector<Field> fields;
        int n = 1 + int(rng() % 3);
        for (int i = 0; i < n; ++i)
          fields.emplace_back("f" + std::to_string(i), self(self, depth + 1), rng() % 4 != 0);
        return DataType::struct_of(std::move(fields));
      }
      case 2:
        return DataType::list_of(Field("item", self(self, depth + 1), rng() % 4 != 0));
      case 3:
        return DataType::map_of(Field("key", rng() & 1 ? DataType(TypeId::kString)
                                                        : DataType(TypeId::kInt64)),
                                Field("value", self(self, depth + 1), rng() % 4 != 0));
      default: return primitives[rng() % primitives.size()];
    }
  };
  for (int round = 0; round < 12; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    Schema s;
    int n = 2 + int(rng() % 4);
    for (int i = 0; i < n; ++i)
      s.fields.emplace_back("c" + std::to_string(i), random_type(random_type, 0), rng() % 4 != 0);
    Table t = random_table(s, 2000 + int64_t(rng() % 2000), rng, 0.1 + 0.1 * (round % 3));
    ParquetWriteOptions o;
    o.data_page_version = 1 + round % 2;
    o.page_rows = 1 + int64_t(rng() % 400);
    o.page_bytes = 256 + int64_t(rng() % 8192);
    o.row_group_rows = 500 + int64_t(rng() % 2000);
    o.dictionary = round % 3 != 2;
    o.compression = round % 2 ? CompressionCodec::kSnappy : CompressionCodec::kZstd;
    SCOPED_TRACE(s.to_string());
    expect_round_trip(t, o, 1 + int64_t(rng() % 900));
  }
}

}  // namespace
}  // namespace floe::parquet

namespace floe::parquet {
namespace {

// Encoding column chunks on several threads must give the very same file as one thread:
// chunks are relocated to where they land, in schema order.
TEST(ParquetWriter, ThreadedEncodingWritesTheSameBytes) {
  Rng rng(77);
  Schema s = nested_schema();
  for (const auto& f : all_primitive_types_schema(true).fields) s.fields.push_back(f);
  Table t = random_table(s, 5000, rng);
  ParquetWriteOptions one;
  one.row_group_rows = 1500;
  one.page_rows = 400;
  one.bloom_filter_columns = {s.fields.back().name};
  ParquetWriteOptions many = one;
  many.threads = 4;
  Buffer a = write_table(t, one), b = write_table(t, many);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size()), 0);
  expect_columns_equal(t.columns, read_table(b));
}

}  // namespace
}  // namespace floe::parquet
