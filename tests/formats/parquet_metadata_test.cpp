#include "formats/parquet/parquet_metadata.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "base/error.h"
#include "formats/parquet/thrift_compact.h"

namespace floe::parquet {
namespace {

namespace fs = std::filesystem;

const fs::path kParquetTesting = fs::path(FLOE_TESTDATA_DIR) / "parquet-testing";

std::vector<uint8_t> read_whole_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  EXPECT_TRUE(f.good()) << path;
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

bool ends_with_magic(const std::vector<uint8_t>& file, const char* magic) {
  return file.size() >= 4 && std::memcmp(file.data() + file.size() - 4, magic, 4) == 0;
}

// The serialized FileMetaData of a file: [footer][u32 length]["PAR1"].
std::span<const uint8_t> footer_bytes(const std::vector<uint8_t>& file) {
  FLOE_CORRUPT_IF(file.size() < 12 || !ends_with_magic(file, "PAR1"), "not a parquet file");
  uint32_t len = load_le<uint32_t>(file.data() + file.size() - 8);
  FLOE_CORRUPT_IF(len > file.size() - 12, "footer length {} too large", len);
  return {file.data() + file.size() - 8 - len, len};
}

FileMetaData read_footer(const fs::path& path) {
  std::vector<uint8_t> file = read_whole_file(path);
  return read_file_metadata(footer_bytes(file));
}

template <typename T, typename Write, typename Read>
void expect_round_trip(const T& v, Write write, Read read) {
  Buffer buf;
  write(v, buf);
  T back = read(buf);
  EXPECT_TRUE(back == v);
  // Writing what was read gives the same bytes.
  Buffer again;
  write(back, again);
  ASSERT_EQ(again.size(), buf.size());
  EXPECT_EQ(std::memcmp(again.data(), buf.data(), buf.size()), 0);
}

FileMetaData file_round_trip(const FileMetaData& v) {
  Buffer buf;
  write_file_metadata(v, buf);
  return read_file_metadata(buf.span());
}

void expect_file_round_trip(const FileMetaData& v) {
  expect_round_trip(v, write_file_metadata,
                    [](const Buffer& b) { return read_file_metadata(b.span()); });
}

PageHeader page_round_trip(const PageHeader& v) {
  Buffer buf;
  write_page_header(v, buf);
  buf.push(uint8_t{0xee});  // the page payload that follows
  ByteReader in(buf.span());
  PageHeader back = read_page_header(in);
  EXPECT_EQ(in.remaining(), 1u);  // the cursor stops right after the header
  return back;
}

Statistics full_statistics() {
  Statistics s;
  s.max = std::string("\xff\x00\x01", 3);
  s.min = "a";
  s.null_count = 3;
  s.distinct_count = 10;
  s.max_value = "zz";
  s.min_value = std::string();
  s.is_max_value_exact = true;
  s.is_min_value_exact = false;
  s.nan_count = 0;
  return s;
}

SchemaElement leaf(std::string name, Type type, FieldRepetitionType rep) {
  SchemaElement e;
  e.name = std::move(name);
  e.type = type;
  e.repetition_type = rep;
  return e;
}

std::vector<LogicalType> all_logical_types() {
  using K = LogicalType::Kind;
  std::vector<LogicalType> v;
  for (K k : {K::kString, K::kMap, K::kList, K::kEnum, K::kDate, K::kUnknown, K::kJson, K::kBson,
              K::kUuid, K::kFloat16})
    v.push_back(LogicalType::of(k));
  v.push_back(LogicalType::decimal(2, 9));
  for (TimeUnit u : {TimeUnit::kMillis, TimeUnit::kMicros, TimeUnit::kNanos}) {
    v.push_back(LogicalType::time(true, u));
    v.push_back(LogicalType::timestamp(false, u));
  }
  v.push_back(LogicalType::integer(8, true));
  v.push_back(LogicalType::integer(64, false));
  LogicalType variant = LogicalType::of(K::kVariant);
  v.push_back(variant);
  variant.specification_version = 1;
  v.push_back(variant);
  LogicalType geometry = LogicalType::of(K::kGeometry);
  v.push_back(geometry);
  geometry.crs = "OGC:CRS84";
  v.push_back(geometry);
  LogicalType geography = LogicalType::of(K::kGeography);
  geography.crs = "srid:4326";
  geography.algorithm = EdgeInterpolationAlgorithm::kKarney;
  v.push_back(geography);
  return v;
}

FileMetaData full_file_metadata() {
  FileMetaData m;
  m.version = 2;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 0;
  m.schema.push_back(root);
  int i = 0;
  for (const LogicalType& lt : all_logical_types()) {
    SchemaElement e = leaf("c" + std::to_string(i++), Type::kByteArray, FieldRepetitionType::kOptional);
    e.logical_type = lt;
    e.field_id = i;
    m.schema.push_back(e);
  }
  SchemaElement dec = leaf("dec", Type::kFixedLenByteArray, FieldRepetitionType::kRequired);
  dec.type_length = 16;
  dec.converted_type = ConvertedType::kDecimal;
  dec.scale = 2;
  dec.precision = 38;
  m.schema.push_back(dec);
  SchemaElement group;
  group.name = "grp";
  group.repetition_type = FieldRepetitionType::kRepeated;
  group.num_children = 1;
  group.converted_type = ConvertedType::kList;
  m.schema.push_back(group);
  SchemaElement vec = leaf("v", Type::kFloat, FieldRepetitionType::kVector);
  vec.vector_length = 3;
  m.schema.push_back(vec);
  m.schema[0].num_children = int32_t(m.schema.size() - 1);  // not a real tree; fine here

  m.num_rows = 1'000'000'000'000;
  for (int g = 0; g < 2; ++g) {
    RowGroup rg;
    rg.total_byte_size = 1234;
    rg.num_rows = 500'000'000'000;
    rg.sorting_columns = std::vector<SortingColumn>{{0, true, false}, {2, false, true}};
    rg.file_offset = 4;
    rg.total_compressed_size = 999;
    rg.ordinal = int16_t(g);
    for (int c = 0; c < 3; ++c) {
      ColumnChunk cc;
      cc.file_offset = 0;
      if (c == 1) cc.file_path = "other.parquet";
      cc.offset_index_offset = 100;
      cc.offset_index_length = 20;
      cc.column_index_offset = 120;
      cc.column_index_length = 30;
      ColumnMetaData md;
      md.type = Type::kInt64;
      md.encodings = {Encoding::kPlain, Encoding::kRleDictionary, Encoding::kRle,
                      Encoding::kByteStreamSplit, Encoding::kDeltaBinaryPacked};
      md.path_in_schema = {"grp", "c" + std::to_string(c)};
      md.codec = CompressionCodec::kZstd;
      md.num_values = 77;
      md.total_uncompressed_size = 4000;
      md.total_compressed_size = 3000;
      md.key_value_metadata = std::vector<KeyValue>{{"k", "v"}, {"only_key", std::nullopt}};
      md.data_page_offset = 4 + c;
      md.index_page_offset = 5;
      md.dictionary_page_offset = 4;
      md.statistics = full_statistics();
      md.encoding_stats = std::vector<PageEncodingStats>{
          {PageType::kDictionaryPage, Encoding::kPlain, 1},
          {PageType::kDataPage, Encoding::kRleDictionary, 12}};
      md.bloom_filter_offset = 5000;
      md.bloom_filter_length = 1024;
      cc.meta_data = md;
      rg.columns.push_back(cc);
    }
    rg.columns.push_back(ColumnChunk{});  // only the required file_offset
    m.row_groups.push_back(rg);
  }
  m.key_value_metadata = std::vector<KeyValue>{{"ARROW:schema", std::string(300, 'S')}};
  m.created_by = "floe version 0.1.0";
  m.column_orders = std::vector<ColumnOrder>{{ColumnOrder::Kind::kTypeOrder},
                                             {ColumnOrder::Kind::kIeee754TotalOrder},
                                             {ColumnOrder::Kind::kInt96TimestampOrder}};
  return m;
}

FileMetaData minimal_file_metadata() {
  FileMetaData m;
  SchemaElement root;
  root.name = "root";
  m.schema.push_back(root);
  return m;
}

// ---------------------------------------------------------------------------------------
// Round trips

TEST(ParquetMetadataTest, FileMetaDataRoundTrips) {
  expect_file_round_trip(full_file_metadata());
  expect_file_round_trip(minimal_file_metadata());
  FileMetaData empty_lists = minimal_file_metadata();
  empty_lists.key_value_metadata.emplace();
  empty_lists.column_orders.emplace();
  expect_file_round_trip(empty_lists);
  FileMetaData read = file_round_trip(empty_lists);
  EXPECT_TRUE(read.key_value_metadata.has_value());  // absent and empty stay distinct
  EXPECT_TRUE(read.key_value_metadata->empty());
}

TEST(ParquetMetadataTest, EveryLogicalTypeRoundTrips) {
  for (const LogicalType& lt : all_logical_types()) {
    FileMetaData m = minimal_file_metadata();
    SchemaElement e = leaf("x", Type::kInt64, FieldRepetitionType::kRequired);
    e.logical_type = lt;
    m.schema.push_back(e);
    FileMetaData back = file_round_trip(m);
    ASSERT_EQ(back.schema.size(), 2u);
    EXPECT_TRUE(back.schema[1].logical_type == lt) << int(lt.kind);
  }
}

TEST(ParquetMetadataTest, PageHeadersRoundTrip) {
  PageHeader data;
  data.type = PageType::kDataPage;
  data.uncompressed_page_size = 100;
  data.compressed_page_size = 80;
  data.crc = -12345;
  data.data_page_header = DataPageHeader{10, Encoding::kPlain, Encoding::kRle, Encoding::kBitPacked,
                                         full_statistics()};
  EXPECT_TRUE(page_round_trip(data) == data);

  PageHeader dict;
  dict.type = PageType::kDictionaryPage;
  dict.uncompressed_page_size = 7;
  dict.compressed_page_size = 7;
  dict.dictionary_page_header = DictionaryPageHeader{3, Encoding::kPlainDictionary, true};
  EXPECT_TRUE(page_round_trip(dict) == dict);

  PageHeader v2;
  v2.type = PageType::kDataPageV2;
  v2.uncompressed_page_size = 1 << 20;
  v2.compressed_page_size = 1 << 19;
  DataPageHeaderV2 h2;
  h2.num_values = 100;
  h2.num_nulls = 5;
  h2.num_rows = 50;
  h2.encoding = Encoding::kDeltaByteArray;
  h2.definition_levels_byte_length = 12;
  h2.repetition_levels_byte_length = 8;
  h2.is_compressed = false;
  h2.statistics = Statistics{};
  v2.data_page_header_v2 = h2;
  EXPECT_TRUE(page_round_trip(v2) == v2);

  PageHeader index;
  index.type = PageType::kIndexPage;
  index.index_page_header = IndexPageHeader{};
  EXPECT_TRUE(page_round_trip(index) == index);

  expect_round_trip(data, write_page_header, [](const Buffer& b) {
    ByteReader in(b.span());
    return read_page_header(in);
  });
}

TEST(ParquetMetadataTest, PageIndexRoundTrips) {
  ColumnIndex ci;
  ci.null_pages = {false, true, false};
  ci.min_values = {"a", "", "m"};
  ci.max_values = {"f", "", "z"};
  ci.boundary_order = BoundaryOrder::kAscending;
  ci.null_counts = std::vector<int64_t>{0, 10, 1};
  ci.repetition_level_histograms = std::vector<int64_t>{1, 2, 3, 4, 5, 6};
  ci.definition_level_histograms = std::vector<int64_t>{};
  ci.nan_counts = std::vector<int64_t>{0, 0, 0};
  expect_round_trip(ci, write_column_index,
                    [](const Buffer& b) { return read_column_index(b.span()); });
  expect_round_trip(ColumnIndex{}, write_column_index,
                    [](const Buffer& b) { return read_column_index(b.span()); });

  OffsetIndex oi;
  for (int i = 0; i < 40; ++i) oi.page_locations.push_back({4 + 100 * i, 100, 10 * i});
  oi.unencoded_byte_array_data_bytes = std::vector<int64_t>(40, 7);
  expect_round_trip(oi, write_offset_index,
                    [](const Buffer& b) { return read_offset_index(b.span()); });
}

TEST(ParquetMetadataTest, BloomFilterHeaderRoundTrips) {
  BloomFilterHeader h;
  h.num_bytes = 4096;
  Buffer buf;
  write_bloom_filter_header(h, buf);
  // The spec's layout: numBytes, then three unions holding an empty struct as field 1.
  std::vector<uint8_t> expected = {0x15, 0x80, 0x40, 0x1c, 0x1c, 0x00, 0x00, 0x1c, 0x1c,
                                   0x00, 0x00, 0x1c, 0x1c, 0x00, 0x00, 0x00};
  EXPECT_EQ(std::vector<uint8_t>(buf.data(), buf.data() + buf.size()), expected);
  buf.append("bitset", 6);
  ByteReader in(buf.span());
  EXPECT_TRUE(read_bloom_filter_header(in) == h);
  EXPECT_EQ(in.remaining(), 6u);
}

TEST(ParquetMetadataTest, EncryptedMetadataIsRecordedButNotWritten) {
  FileMetaData m = minimal_file_metadata();
  m.has_encryption_algorithm = true;
  Buffer buf;
  EXPECT_THROW(write_file_metadata(m, buf), UnsupportedError);
  m = minimal_file_metadata();
  RowGroup rg;
  rg.columns.push_back(ColumnChunk{});
  rg.columns.back().encrypted = true;
  m.row_groups.push_back(rg);
  EXPECT_THROW(write_file_metadata(m, buf), UnsupportedError);
}

// ---------------------------------------------------------------------------------------
// Hand-made bytes: unknown fields, tolerated unknown values, and corrupt input

// Writes a minimal valid FileMetaData by hand so tests can add fields to it.
struct FooterBuilder {
  Buffer buf;
  CompactWriter w{buf};

  void begin() {
    w.struct_begin();
    w.field_begin(CompactType::kI32, 1);
    w.write_i32(1);
  }
  void schema_with(const std::function<void(CompactWriter&)>& extra_in_leaf) {
    w.field_begin(CompactType::kList, 2);
    w.list_begin(CompactType::kStruct, 2);
    w.struct_begin();
    w.field_begin(CompactType::kBinary, 4);
    w.write_string("root");
    w.field_begin(CompactType::kI32, 5);
    w.write_i32(1);
    w.struct_end();
    w.struct_begin();
    w.field_begin(CompactType::kI32, 1);
    w.write_i32(1);  // INT32
    w.field_begin(CompactType::kBinary, 4);
    w.write_string("x");
    extra_in_leaf(w);
    w.struct_end();
  }
  void rest() {
    w.field_begin(CompactType::kI64, 3);
    w.write_i64(5);
    w.field_begin(CompactType::kList, 4);
    w.list_begin(CompactType::kStruct, 0);
  }
  FileMetaData read() { return read_file_metadata(buf.span()); }
};

void write_deep_junk(CompactWriter& w, int depth) {
  // A struct holding a list of maps of string -> struct, nested `depth` times.
  w.struct_begin();
  w.field_begin(CompactType::kDouble, 1);
  w.write_double(3.5);
  w.write_bool_field(2, true);
  if (depth > 0) {
    w.field_begin(CompactType::kList, 3);
    w.list_begin(CompactType::kMap, 1);
    w.map_begin(CompactType::kBinary, CompactType::kStruct, 1);
    w.write_string("k");
    write_deep_junk(w, depth - 1);
  }
  w.struct_end();
}

TEST(ParquetMetadataTest, SkipsUnknownFields) {
  FooterBuilder b;
  b.begin();
  b.w.field_begin(CompactType::kStruct, 100);  // unknown, before the schema
  write_deep_junk(b.w, 5);
  b.schema_with([](CompactWriter& w) {
    w.field_begin(CompactType::kList, 30);  // unknown field inside SchemaElement
    w.list_begin(CompactType::kBool, 2);
    w.write_bool(true);
    w.write_bool(false);
    w.write_bool_field(31, true);
  });
  b.rest();
  b.w.field_begin(CompactType::kSet, 20);  // unknown, after known fields
  b.w.set_begin(CompactType::kI64, 2);
  b.w.write_i64(1);
  b.w.write_i64(2);
  b.w.field_begin(CompactType::kBinary, 8);  // known id, wrong type: skipped as Thrift does
  b.w.write_string("not a struct");
  b.w.struct_end();
  FileMetaData m = b.read();
  EXPECT_EQ(m.version, 1);
  ASSERT_EQ(m.schema.size(), 2u);
  EXPECT_EQ(m.schema[1].name, "x");
  EXPECT_EQ(m.schema[1].type, Type::kInt32);
  EXPECT_EQ(m.num_rows, 5);
  EXPECT_TRUE(m.row_groups.empty());
  EXPECT_FALSE(m.has_encryption_algorithm);
}

TEST(ParquetMetadataTest, ToleratesUnknownUnionMembersAndOpenEnums) {
  FooterBuilder b;
  b.begin();
  b.schema_with([](CompactWriter& w) {
    w.field_begin(CompactType::kStruct, 10);  // logicalType
    w.struct_begin();
    w.field_begin(CompactType::kStruct, 40);  // a member from a future spec, with content
    w.struct_begin();
    w.field_begin(CompactType::kI32, 1);
    w.write_i32(9);
    w.struct_end();
    w.struct_end();
  });
  b.rest();
  b.w.field_begin(CompactType::kList, 7);  // column_orders with a future member
  b.w.list_begin(CompactType::kStruct, 1);
  b.w.struct_begin();
  b.w.field_begin(CompactType::kStruct, 9);
  b.w.struct_begin();
  b.w.field_begin(CompactType::kBinary, 1);
  b.w.write_string("collation");
  b.w.struct_end();
  b.w.struct_end();
  b.w.struct_end();
  FileMetaData m = b.read();
  ASSERT_TRUE(m.schema[1].logical_type.has_value());
  EXPECT_EQ(m.schema[1].logical_type->kind, LogicalType::Kind::kUnrecognized);
  EXPECT_EQ(m.schema[1].logical_type->unrecognized_id, 40);
  ASSERT_EQ(m.column_orders->size(), 1u);
  EXPECT_EQ(static_cast<int>((*m.column_orders)[0].kind), 9);

  // An unknown time unit makes the whole TIMESTAMP annotation unrecognized.
  FooterBuilder t;
  t.begin();
  t.schema_with([](CompactWriter& w) {
    w.field_begin(CompactType::kStruct, 10);
    w.struct_begin();
    w.field_begin(CompactType::kStruct, 8);  // TIMESTAMP
    w.struct_begin();
    w.write_bool_field(1, true);
    w.field_begin(CompactType::kStruct, 2);
    w.struct_begin();
    w.field_begin(CompactType::kStruct, 4);  // unit: a fourth TimeUnit member
    w.struct_begin();
    w.struct_end();
    w.struct_end();
    w.struct_end();
    w.struct_end();
  });
  t.rest();
  t.w.struct_end();
  FileMetaData mt = t.read();
  EXPECT_EQ(mt.schema[1].logical_type->kind, LogicalType::Kind::kUnrecognized);
  EXPECT_EQ(mt.schema[1].logical_type->unrecognized_id, 8);

  // Encodings and codecs may grow: unknown values are kept.
  ColumnMetaData md;
  md.encodings = {static_cast<Encoding>(42)};
  md.codec = static_cast<CompressionCodec>(99);
  md.path_in_schema = {"x"};
  FileMetaData f = minimal_file_metadata();
  f.row_groups.emplace_back();
  f.row_groups[0].columns.emplace_back();
  f.row_groups[0].columns[0].meta_data = md;
  FileMetaData back = file_round_trip(f);
  EXPECT_EQ(back.row_groups[0].columns[0].meta_data->encodings[0], static_cast<Encoding>(42));
  EXPECT_EQ(encoding_name(static_cast<Encoding>(42)), "unknown");
  EXPECT_TRUE(back == f);
}

TEST(ParquetMetadataTest, ReadsIntegerListsWrittenWithAnotherWidth) {
  // Some writers declare list<i32> elements as i16 or i64; the varints are the same.
  auto footer_with_encodings = [](CompactType elem, int64_t value) {
    FooterBuilder b;
    b.begin();
    b.schema_with([](CompactWriter&) {});
    b.w.field_begin(CompactType::kI64, 3);
    b.w.write_i64(1);
    b.w.field_begin(CompactType::kList, 4);
    b.w.list_begin(CompactType::kStruct, 1);
    b.w.struct_begin();  // RowGroup
    b.w.field_begin(CompactType::kList, 1);
    b.w.list_begin(CompactType::kStruct, 1);
    b.w.struct_begin();  // ColumnChunk
    b.w.field_begin(CompactType::kI64, 2);
    b.w.write_i64(0);
    b.w.field_begin(CompactType::kStruct, 3);
    b.w.struct_begin();  // ColumnMetaData
    b.w.field_begin(CompactType::kI32, 1);
    b.w.write_i32(1);
    b.w.field_begin(CompactType::kList, 2);
    b.w.list_begin(elem, 2);
    b.w.write_i64(0);  // a varint, whatever the declared width
    b.w.write_i64(value);
    b.w.field_begin(CompactType::kList, 3);
    b.w.list_begin(CompactType::kBinary, 1);
    b.w.write_string("x");
    b.w.field_begin(CompactType::kI32, 4);
    b.w.write_i32(0);
    for (int16_t id = 5; id <= 7; ++id) {
      b.w.field_begin(CompactType::kI64, id);
      b.w.write_i64(1);
    }
    b.w.field_begin(CompactType::kI64, 9);
    b.w.write_i64(4);
    b.w.struct_end();
    b.w.struct_end();
    b.w.field_begin(CompactType::kI64, 2);
    b.w.write_i64(1);
    b.w.field_begin(CompactType::kI64, 3);
    b.w.write_i64(1);
    b.w.struct_end();
    b.w.struct_end();
    return b.read();
  };
  for (CompactType t : {CompactType::kI16, CompactType::kI64}) {
    FileMetaData m = footer_with_encodings(t, 8);
    EXPECT_EQ(m.row_groups.at(0).columns.at(0).meta_data->encodings,
              (std::vector<Encoding>{Encoding::kPlain, Encoding::kRleDictionary}));
  }
  EXPECT_THROW(footer_with_encodings(CompactType::kI64, int64_t{1} << 40), CorruptDataError);
  EXPECT_THROW(footer_with_encodings(CompactType::kBinary, 8), CorruptDataError);
}

void expect_corrupt_footer(const FileMetaData& m, const std::string& message_part) {
  Buffer buf;
  write_file_metadata(m, buf);
  try {
    read_file_metadata(buf.span());
    ADD_FAILURE() << "no error; expected: " << message_part;
  } catch (const CorruptDataError& e) {
    EXPECT_NE(std::string(e.what()).find(message_part), std::string::npos) << e.what();
  }
}

TEST(ParquetMetadataTest, RejectsMissingRequiredFields) {
  FooterBuilder b;
  b.begin();
  b.schema_with([](CompactWriter&) {});
  b.w.struct_end();  // no num_rows, no row_groups
  try {
    b.read();
    ADD_FAILURE();
  } catch (const CorruptDataError& e) {
    EXPECT_STREQ(e.what(), "missing required field num_rows in FileMetaData");
  }

  FooterBuilder n;  // a SchemaElement without name
  n.begin();
  n.w.field_begin(CompactType::kList, 2);
  n.w.list_begin(CompactType::kStruct, 1);
  n.w.struct_begin();
  n.w.field_begin(CompactType::kI32, 5);
  n.w.write_i32(0);
  n.w.struct_end();
  n.rest();
  n.w.struct_end();
  EXPECT_THROW(n.read(), CorruptDataError);

  // A required field of the wrong wire type is skipped, then missing.
  FooterBuilder w;
  w.w.struct_begin();
  w.w.field_begin(CompactType::kI64, 1);  // version must be i32
  w.w.write_i64(1);
  w.schema_with([](CompactWriter&) {});
  w.rest();
  w.w.struct_end();
  EXPECT_THROW(w.read(), CorruptDataError);

  PageHeader data;
  data.type = PageType::kDataPage;  // without its data_page_header
  Buffer buf;
  write_page_header(data, buf);
  ByteReader in(buf.span());
  EXPECT_THROW(read_page_header(in), CorruptDataError);

  FileMetaData no_root;
  expect_corrupt_footer(no_root, "empty schema");
}

TEST(ParquetMetadataTest, RejectsNegativeCountsAndBadEnums) {
  FileMetaData m = minimal_file_metadata();
  m.num_rows = -1;
  expect_corrupt_footer(m, "negative num_rows");

  m = minimal_file_metadata();
  m.schema[0].num_children = -2;
  expect_corrupt_footer(m, "negative num_children");

  m = minimal_file_metadata();
  m.row_groups.emplace_back();
  m.row_groups[0].columns.emplace_back();
  m.row_groups[0].columns[0].meta_data.emplace();
  m.row_groups[0].columns[0].meta_data->data_page_offset = -4;
  expect_corrupt_footer(m, "negative data_page_offset");

  m = minimal_file_metadata();
  m.schema[0].type = static_cast<Type>(8);
  expect_corrupt_footer(m, "invalid Type value 8");

  m = minimal_file_metadata();
  m.schema[0].converted_type = static_cast<ConvertedType>(22);
  expect_corrupt_footer(m, "invalid ConvertedType value 22");

  m = minimal_file_metadata();
  m.schema[0].repetition_type = static_cast<FieldRepetitionType>(-1);
  expect_corrupt_footer(m, "invalid FieldRepetitionType value -1");

  m = minimal_file_metadata();
  m.row_groups.emplace_back();
  m.row_groups[0].columns.emplace_back();
  m.row_groups[0].columns[0].meta_data.emplace();
  m.row_groups[0].columns[0].meta_data->encodings = {static_cast<Encoding>(-3)};
  expect_corrupt_footer(m, "invalid Encoding value -3");

  PageHeader dict;
  dict.type = PageType::kDictionaryPage;
  dict.dictionary_page_header = DictionaryPageHeader{-1, Encoding::kPlain, std::nullopt};
  Buffer buf;
  write_page_header(dict, buf);
  ByteReader in(buf.span());
  EXPECT_THROW(read_page_header(in), CorruptDataError);

  ColumnIndex ci;
  ci.null_pages = {false, false};
  ci.min_values = {"a"};
  ci.max_values = {"b", "c"};
  Buffer cbuf;
  write_column_index(ci, cbuf);
  EXPECT_THROW(read_column_index(cbuf.span()), CorruptDataError);
}

TEST(ParquetMetadataTest, RejectsMalformedBytes) {
  Buffer buf;
  write_file_metadata(full_file_metadata(), buf);
  // Every truncation.
  for (size_t n = 0; n < buf.size(); ++n) {
    EXPECT_THROW(read_file_metadata(buf.span().first(n)), CorruptDataError) << n;
  }
  // A schema list claiming 2^31-1 elements.
  std::vector<uint8_t> huge = {0x15, 0x02, 0x19, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00};
  EXPECT_THROW(read_file_metadata(huge), CorruptDataError);
  // Deep nesting in an unknown field.
  std::vector<uint8_t> deep = {0x15, 0x02};
  deep.insert(deep.end(), 200, 0x1c);
  deep.insert(deep.end(), 201, 0x00);
  EXPECT_THROW(read_file_metadata(deep), CorruptDataError);
  // Bad type nibble.
  std::vector<uint8_t> bad_type = {0x15, 0x02, 0x1e, 0x00};
  EXPECT_THROW(read_file_metadata(bad_type), CorruptDataError);
  // Schema is a list of i32, not of structs.
  std::vector<uint8_t> wrong_elems = {0x15, 0x02, 0x19, 0x15, 0x02, 0x00};
  EXPECT_THROW(read_file_metadata(wrong_elems), CorruptDataError);
  // Two members in a LogicalType union.
  FooterBuilder b;
  b.begin();
  b.schema_with([](CompactWriter& w) {
    w.field_begin(CompactType::kStruct, 10);
    w.struct_begin();
    w.field_begin(CompactType::kStruct, 1);
    w.struct_begin();
    w.struct_end();
    w.field_begin(CompactType::kStruct, 6);
    w.struct_begin();
    w.struct_end();
    w.struct_end();
  });
  b.rest();
  b.w.struct_end();
  EXPECT_THROW(b.read(), CorruptDataError);
  // Empty input.
  EXPECT_THROW(read_file_metadata({}), CorruptDataError);
}

// ---------------------------------------------------------------------------------------
// Real files from parquet-testing

TEST(ParquetMetadataTest, ReadsAlltypesPlainFooter) {
  fs::path path = kParquetTesting / "data" / "alltypes_plain.parquet";
  std::vector<uint8_t> file = read_whole_file(path);
  FileMetaData m = read_file_metadata(footer_bytes(file));
  EXPECT_EQ(m.num_rows, 8);
  ASSERT_EQ(m.schema.size(), 12u);  // root + 11 columns
  EXPECT_EQ(m.schema[0].num_children, 11);
  EXPECT_EQ(m.schema[1].name, "id");
  EXPECT_EQ(m.schema[1].type, Type::kInt32);
  EXPECT_EQ(m.schema[1].repetition_type, FieldRepetitionType::kOptional);
  EXPECT_EQ(m.schema[2].name, "bool_col");
  EXPECT_EQ(m.schema[2].type, Type::kBoolean);
  EXPECT_EQ(m.schema[11].name, "timestamp_col");
  EXPECT_EQ(m.schema[11].type, Type::kInt96);
  ASSERT_EQ(m.row_groups.size(), 1u);
  const RowGroup& rg = m.row_groups[0];
  EXPECT_EQ(rg.num_rows, 8);
  ASSERT_EQ(rg.columns.size(), 11u);
  for (const ColumnChunk& cc : rg.columns) {
    ASSERT_TRUE(cc.meta_data.has_value());
    EXPECT_EQ(cc.meta_data->num_values, 8);
    EXPECT_EQ(cc.meta_data->codec, CompressionCodec::kUncompressed);
    EXPECT_FALSE(cc.encrypted);
  }
  EXPECT_EQ(rg.columns[0].meta_data->path_in_schema, std::vector<std::string>{"id"});
  EXPECT_TRUE(m.created_by.has_value());

  // The first page of the first column: a page header followed by its payload.
  const ColumnMetaData& md = *rg.columns[0].meta_data;
  int64_t first = md.dictionary_page_offset.value_or(md.data_page_offset);
  ASSERT_LT(size_t(first), file.size());
  ByteReader in(file.data() + first, file.size() - size_t(first), "page");
  PageHeader ph = read_page_header(in);
  EXPECT_GT(ph.compressed_page_size, 0);
  EXPECT_LE(size_t(ph.compressed_page_size), in.remaining());
  if (ph.type == PageType::kDictionaryPage) {
    EXPECT_GT(ph.dictionary_page_header->num_values, 0);
  } else {
    EXPECT_EQ(ph.data_page_header->num_values, 8);
  }

  // What floe writes from it, it reads back equal.
  EXPECT_TRUE(file_round_trip(m) == m);
}

TEST(ParquetMetadataTest, ReadsPageIndexAndBloomFilter) {
  {
    std::vector<uint8_t> file = read_whole_file(kParquetTesting / "data" / "alltypes_tiny_pages.parquet");
    FileMetaData m = read_file_metadata(footer_bytes(file));
    int checked = 0;
    for (const RowGroup& rg : m.row_groups) {
      for (const ColumnChunk& cc : rg.columns) {
        if (!cc.offset_index_offset || !cc.column_index_offset) continue;
        ASSERT_LE(uint64_t(*cc.offset_index_offset + *cc.offset_index_length), file.size());
        ASSERT_LE(uint64_t(*cc.column_index_offset + *cc.column_index_length), file.size());
        OffsetIndex oi = read_offset_index(
            {file.data() + *cc.offset_index_offset, size_t(*cc.offset_index_length)});
        ColumnIndex ci = read_column_index(
            {file.data() + *cc.column_index_offset, size_t(*cc.column_index_length)});
        ASSERT_FALSE(oi.page_locations.empty());
        EXPECT_EQ(oi.page_locations.size(), ci.null_pages.size());
        EXPECT_EQ(oi.page_locations[0].first_row_index, 0);
        // Each page location points at a page header.
        const PageLocation& loc = oi.page_locations.back();
        ASSERT_LE(uint64_t(loc.offset + loc.compressed_page_size), file.size());
        ByteReader in(file.data() + loc.offset, size_t(loc.compressed_page_size), "page");
        PageHeader ph = read_page_header(in);
        EXPECT_EQ(in.position() + size_t(ph.compressed_page_size), size_t(loc.compressed_page_size));
        ++checked;
      }
    }
    EXPECT_GT(checked, 0);
  }
  {
    std::vector<uint8_t> file =
        read_whole_file(kParquetTesting / "data" / "data_index_bloom_encoding_stats.parquet");
    FileMetaData m = read_file_metadata(footer_bytes(file));
    const ColumnMetaData& md = *m.row_groups.at(0).columns.at(0).meta_data;
    ASSERT_TRUE(md.bloom_filter_offset.has_value());
    ASSERT_TRUE(md.encoding_stats.has_value());
    ByteReader in(file.data() + *md.bloom_filter_offset,
                  file.size() - size_t(*md.bloom_filter_offset), "bloom filter");
    BloomFilterHeader h = read_bloom_filter_header(in);
    EXPECT_GT(h.num_bytes, 0);
    EXPECT_LE(size_t(h.num_bytes), in.remaining());
    EXPECT_EQ(h.algorithm, BloomFilterAlgorithm::kSplitBlock);
    EXPECT_EQ(h.hash, BloomFilterHash::kXxHash);
    EXPECT_EQ(h.compression, BloomFilterCompression::kUncompressed);
  }
}

TEST(ParquetMetadataTest, ReadsPlaintextFooterOfEncryptedFile) {
  FileMetaData m =
      read_footer(kParquetTesting / "data" / "encrypt_columns_plaintext_footer.parquet.encrypted");
  EXPECT_TRUE(m.has_encryption_algorithm);
  bool any_encrypted = false;
  for (const RowGroup& rg : m.row_groups)
    for (const ColumnChunk& cc : rg.columns) any_encrypted |= cc.encrypted;
  EXPECT_TRUE(any_encrypted);
}

TEST(ParquetMetadataTest, ParsesEveryTestFileFooter) {
  int parsed = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kParquetTesting / "data")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".parquet") continue;
    std::vector<uint8_t> file = read_whole_file(entry.path());
    if (ends_with_magic(file, "PARE")) continue;  // encrypted footer
    SCOPED_TRACE(entry.path().string());
    FileMetaData m;
    ASSERT_NO_THROW(m = read_file_metadata(footer_bytes(file)));
    EXPECT_FALSE(m.schema.empty());
    if (!m.has_encryption_algorithm) {
      EXPECT_TRUE(file_round_trip(m) == m);
    }
    ++parsed;
  }
  EXPECT_GT(parsed, 50);
}

TEST(ParquetMetadataTest, BadDataFootersParseOrThrow) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(kParquetTesting / "bad_data")) {
    if (entry.path().extension() != ".parquet") continue;
    std::vector<uint8_t> file = read_whole_file(entry.path());
    ++files;
    try {
      FileMetaData m = read_file_metadata(footer_bytes(file));
      // Page headers of the first column chunk, as far as they go.
      for (const RowGroup& rg : m.row_groups) {
        for (const ColumnChunk& cc : rg.columns) {
          if (!cc.meta_data) continue;
          int64_t off = cc.meta_data->dictionary_page_offset.value_or(cc.meta_data->data_page_offset);
          if (off <= 0 || size_t(off) >= file.size()) continue;
          ByteReader in(file.data() + off, file.size() - size_t(off), "page");
          read_page_header(in);
        }
      }
    } catch (const Error&) {
    }
  }
  EXPECT_GT(files, 0);
}

TEST(ParquetMetadataTest, MutatedRealFootersNeverCrash) {
  std::vector<uint8_t> file = read_whole_file(kParquetTesting / "data" / "alltypes_plain.parquet");
  std::span<const uint8_t> footer = footer_bytes(file);
  std::vector<uint8_t> bytes(footer.begin(), footer.end());
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t v : {uint8_t(0x00), uint8_t(0xff), uint8_t(0x7f), uint8_t(bytes[i] ^ 0x10)}) {
      std::vector<uint8_t> m = bytes;
      m[i] = v;
      try {
        read_file_metadata(m);
      } catch (const CorruptDataError&) {
      }
    }
  }
}

}  // namespace
}  // namespace floe::parquet
