#include "formats/parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "base/error.h"

namespace floe::parquet {
namespace {

std::vector<uint8_t> to_vector(const Buffer& b) { return {b.data(), b.data() + b.size()}; }

// Writes a struct holding one field of every kind, including nested containers, field
// ids that need the long form, and a bool list.
std::vector<uint8_t> write_everything() {
  Buffer buf;
  CompactWriter w(buf);
  w.struct_begin();
  w.write_bool_field(1, true);
  w.write_bool_field(2, false);
  w.field_begin(CompactType::kI8, 3);
  w.write_i8(-128);
  w.field_begin(CompactType::kI16, 4);
  w.write_i16(std::numeric_limits<int16_t>::min());
  w.field_begin(CompactType::kI32, 5);
  w.write_i32(std::numeric_limits<int32_t>::min());
  w.field_begin(CompactType::kI64, 6);
  w.write_i64(std::numeric_limits<int64_t>::min());
  w.field_begin(CompactType::kDouble, 7);
  w.write_double(-2.5);
  w.field_begin(CompactType::kBinary, 8);
  w.write_string("hello");
  w.field_begin(CompactType::kI64, 100);  // delta > 15: long form
  w.write_i64(std::numeric_limits<int64_t>::max());
  w.field_begin(CompactType::kI32, 50);  // smaller id: long form
  w.write_i32(std::numeric_limits<int32_t>::max());
  w.field_begin(CompactType::kI16, -3);  // negative ids exist in Thrift
  w.write_i16(std::numeric_limits<int16_t>::max());
  w.field_begin(CompactType::kStruct, 9);
  {
    w.struct_begin();
    w.write_bool_field(1, true);  // field ids restart inside a nested struct
    w.field_begin(CompactType::kBinary, 2);
    w.write_string("");
    w.struct_end();
  }
  w.field_begin(CompactType::kList, 10);  // short list of i32
  w.list_begin(CompactType::kI32, 3);
  w.write_i32(1);
  w.write_i32(-1);
  w.write_i32(300);
  w.field_begin(CompactType::kList, 11);  // long list of strings
  w.list_begin(CompactType::kBinary, 20);
  for (int i = 0; i < 20; ++i) w.write_string(std::string(size_t(i), 'x'));
  w.field_begin(CompactType::kList, 12);
  w.list_begin(CompactType::kBool, 3);
  w.write_bool(true);
  w.write_bool(false);
  w.write_bool(true);
  w.field_begin(CompactType::kSet, 13);
  w.set_begin(CompactType::kI64, 1);
  w.write_i64(7);
  w.field_begin(CompactType::kMap, 14);
  w.map_begin(CompactType::kBinary, CompactType::kList, 2);
  w.write_string("a");
  w.list_begin(CompactType::kDouble, 1);
  w.write_double(1.0);
  w.write_string("b");
  w.list_begin(CompactType::kDouble, 0);
  w.field_begin(CompactType::kMap, 15);
  w.map_begin(CompactType::kI32, CompactType::kI32, 0);
  w.field_begin(CompactType::kUuid, 16);
  std::array<uint8_t, 16> uuid{};
  for (int i = 0; i < 16; ++i) uuid[size_t(i)] = uint8_t(i);
  w.write_uuid(uuid);
  w.field_begin(CompactType::kList, 17);  // list of structs
  w.list_begin(CompactType::kStruct, 2);
  for (int i = 0; i < 2; ++i) {
    w.struct_begin();
    w.field_begin(CompactType::kI32, 1);
    w.write_i32(i);
    w.struct_end();
  }
  w.struct_end();
  return to_vector(buf);
}

TEST(ThriftCompactTest, RoundTripsEveryType) {
  std::vector<uint8_t> bytes = write_everything();
  ByteReader in(bytes);
  CompactReader r(in);
  FieldHeader h;
  r.struct_begin();

  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.type, CompactType::kBool);
  EXPECT_EQ(h.id, 1);
  EXPECT_TRUE(r.read_bool());
  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.id, 2);
  EXPECT_FALSE(r.read_bool());
  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.type, CompactType::kI8);
  EXPECT_EQ(r.read_i8(), -128);
  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.type, CompactType::kI16);
  EXPECT_EQ(r.read_i16(), std::numeric_limits<int16_t>::min());
  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.type, CompactType::kI32);
  EXPECT_EQ(r.read_i32(), std::numeric_limits<int32_t>::min());
  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.type, CompactType::kI64);
  EXPECT_EQ(r.read_i64(), std::numeric_limits<int64_t>::min());
  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.type, CompactType::kDouble);
  EXPECT_EQ(r.read_double(), -2.5);
  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.type, CompactType::kBinary);
  EXPECT_EQ(r.read_string(), "hello");
  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.id, 100);
  EXPECT_EQ(r.read_i64(), std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.id, 50);
  EXPECT_EQ(r.read_i32(), std::numeric_limits<int32_t>::max());
  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.id, -3);
  EXPECT_EQ(r.read_i16(), std::numeric_limits<int16_t>::max());

  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.type, CompactType::kStruct);
  EXPECT_EQ(h.id, 9);
  r.struct_begin();
  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.id, 1);
  EXPECT_TRUE(r.read_bool());
  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.id, 2);
  EXPECT_EQ(r.read_string(), "");
  EXPECT_FALSE(r.read_field_header(h));
  r.struct_end();

  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.id, 10);  // delta from 9: the outer struct's last id was restored
  ListHeader lh = r.read_list_header();
  EXPECT_EQ(lh.elem_type, CompactType::kI32);
  ASSERT_EQ(lh.size, 3u);
  EXPECT_EQ(r.read_i32(), 1);
  EXPECT_EQ(r.read_i32(), -1);
  EXPECT_EQ(r.read_i32(), 300);

  ASSERT_TRUE(r.read_field_header(h));
  lh = r.read_list_header();
  EXPECT_EQ(lh.elem_type, CompactType::kBinary);
  ASSERT_EQ(lh.size, 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(r.read_string(), std::string(size_t(i), 'x'));

  ASSERT_TRUE(r.read_field_header(h));
  lh = r.read_list_header();
  EXPECT_EQ(lh.elem_type, CompactType::kBool);
  ASSERT_EQ(lh.size, 3u);
  EXPECT_TRUE(r.read_bool());
  EXPECT_FALSE(r.read_bool());
  EXPECT_TRUE(r.read_bool());

  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.type, CompactType::kSet);
  lh = r.read_set_header();
  ASSERT_EQ(lh.size, 1u);
  EXPECT_EQ(r.read_i64(), 7);

  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.type, CompactType::kMap);
  MapHeader mh = r.read_map_header();
  EXPECT_EQ(mh.key_type, CompactType::kBinary);
  EXPECT_EQ(mh.value_type, CompactType::kList);
  ASSERT_EQ(mh.size, 2u);
  EXPECT_EQ(r.read_string(), "a");
  lh = r.read_list_header();
  ASSERT_EQ(lh.size, 1u);
  EXPECT_EQ(r.read_double(), 1.0);
  EXPECT_EQ(r.read_string(), "b");
  EXPECT_EQ(r.read_list_header().size, 0u);

  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(r.read_map_header().size, 0u);

  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.type, CompactType::kUuid);
  auto uuid = r.read_uuid();
  ASSERT_EQ(uuid.size(), 16u);
  EXPECT_EQ(uuid[15], 15);

  ASSERT_TRUE(r.read_field_header(h));
  lh = r.read_list_header();
  EXPECT_EQ(lh.elem_type, CompactType::kStruct);
  ASSERT_EQ(lh.size, 2u);
  for (int i = 0; i < 2; ++i) {
    r.struct_begin();
    ASSERT_TRUE(r.read_field_header(h));
    EXPECT_EQ(h.id, 1);
    EXPECT_EQ(r.read_i32(), i);
    EXPECT_FALSE(r.read_field_header(h));
    r.struct_end();
  }

  EXPECT_FALSE(r.read_field_header(h));
  r.struct_end();
  EXPECT_EQ(in.remaining(), 0u);
}

TEST(ThriftCompactTest, MatchesTheSpecifiedEncoding) {
  Buffer buf;
  CompactWriter w(buf);
  w.struct_begin();
  w.field_begin(CompactType::kI32, 1);  // delta 1, type 5
  w.write_i32(-1);                      // zigzag 1
  w.write_bool_field(2, true);          // delta 1, type 1
  w.write_bool_field(3, false);         // delta 1, type 2
  w.field_begin(CompactType::kI64, 20);  // long form: type, then zigzag i16 id 20 -> 40
  w.write_i64(150);                      // zigzag 300 = 0xac 0x02
  w.field_begin(CompactType::kList, 21);
  w.list_begin(CompactType::kI8, 15);  // size 15 needs the long form: 0xf3, varint 15
  for (int i = 0; i < 15; ++i) w.write_i8(int8_t(i));
  w.struct_end();
  std::vector<uint8_t> expected = {0x15, 0x01, 0x11, 0x12, 0x06, 0x28, 0xac, 0x02, 0x19, 0xf3, 0x0f};
  for (int i = 0; i < 15; ++i) expected.push_back(uint8_t(i));
  expected.push_back(0x00);
  EXPECT_EQ(to_vector(buf), expected);
}

TEST(ThriftCompactTest, SkipsEveryType) {
  std::vector<uint8_t> bytes = write_everything();
  bytes.push_back(0xab);  // a trailing byte that skip must not touch
  ByteReader in(bytes);
  CompactReader r(in);
  r.skip(CompactType::kStruct);
  EXPECT_EQ(in.remaining(), 1u);
}

TEST(ThriftCompactTest, SkipsUnknownFieldsBetweenKnownOnes) {
  std::vector<uint8_t> nested = write_everything();
  Buffer buf;
  CompactWriter w(buf);
  w.struct_begin();
  w.field_begin(CompactType::kI32, 1);
  w.write_i32(42);
  w.field_begin(CompactType::kBinary, 2);  // an unknown field holding a whole struct's bytes
  w.write_binary(nested);
  w.field_begin(CompactType::kStruct, 3);  // an unknown nested struct
  buf.append(nested.data(), nested.size());
  w.write_bool_field(4, true);  // an unknown bool: its value lives in the header
  w.field_begin(CompactType::kI32, 5);
  w.write_i32(7);
  w.struct_end();

  ByteReader in(buf.span());
  CompactReader r(in);
  int32_t one = 0, five = 0;
  r.struct_begin();
  FieldHeader h;
  while (r.read_field_header(h)) {
    if (h.id == 1 && h.type == CompactType::kI32) {
      one = r.read_i32();
    } else if (h.id == 5 && h.type == CompactType::kI32) {
      five = r.read_i32();
    } else {
      r.skip(h.type);
    }
  }
  r.struct_end();
  EXPECT_EQ(one, 42);
  EXPECT_EQ(five, 7);
  EXPECT_EQ(in.remaining(), 0u);
}

TEST(ThriftCompactTest, EveryTruncationThrows) {
  std::vector<uint8_t> bytes = write_everything();
  for (size_t n = 0; n < bytes.size(); ++n) {
    ByteReader in(bytes.data(), n);
    CompactReader r(in);
    EXPECT_THROW(r.skip(CompactType::kStruct), CorruptDataError) << "prefix of " << n << " bytes";
  }
}

void expect_corrupt(std::vector<uint8_t> bytes, CompactType type = CompactType::kStruct) {
  ByteReader in(bytes);
  CompactReader r(in);
  EXPECT_THROW(r.skip(type), CorruptDataError);
}

TEST(ThriftCompactTest, RejectsHugeListLength) {
  // A list of 2^31-1 i32 in a handful of bytes.
  expect_corrupt({0xf5, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00}, CompactType::kList);
  // A size that does not fit in i32.
  expect_corrupt({0xf5, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00}, CompactType::kList);
  // 14 doubles need 112 bytes.
  std::vector<uint8_t> doubles = {0xe7};
  doubles.resize(100, 0);
  expect_corrupt(doubles, CompactType::kList);
  // A list claiming one element more than there are bytes.
  expect_corrupt({0x45, 0x02, 0x02, 0x02}, CompactType::kList);
  // The same check through read_list_header directly.
  std::vector<uint8_t> b = {0xf8, 0x80, 0x80, 0x80, 0x80, 0x01};
  ByteReader in(b);
  CompactReader r(in);
  EXPECT_THROW(r.read_list_header(), CorruptDataError);
}

TEST(ThriftCompactTest, RejectsHugeMapAndBinaryLengths) {
  expect_corrupt({0xff, 0xff, 0xff, 0xff, 0x07, 0x55}, CompactType::kMap);
  expect_corrupt({0x80, 0x80, 0x80, 0x80, 0x10}, CompactType::kMap);  // > i32
  expect_corrupt({0xff, 0xff, 0xff, 0xff, 0x07, 'a', 'b'}, CompactType::kBinary);
  expect_corrupt({0x05, 'a', 'b'}, CompactType::kBinary);
  std::vector<uint8_t> b = {0x03, 'a', 'b'};
  ByteReader in(b);
  CompactReader r(in);
  EXPECT_THROW(r.read_string(), CorruptDataError);
}

TEST(ThriftCompactTest, RejectsDeepNesting) {
  // 100 nested structs, each the field 1 of its parent.
  std::vector<uint8_t> deep(100, 0x1c);
  deep.insert(deep.end(), 101, 0x00);
  expect_corrupt(deep);
  // 100 nested lists of lists.
  std::vector<uint8_t> lists(100, 0x19);
  lists.push_back(0x05);
  lists.push_back(0x00);
  expect_corrupt(lists, CompactType::kList);
  // Maps of maps.
  std::vector<uint8_t> maps;
  for (int i = 0; i < 100; ++i) {
    maps.push_back(0x01);
    maps.push_back(0x5b);  // key i32, value map
    maps.push_back(0x00);
  }
  maps.push_back(0x00);
  expect_corrupt(maps, CompactType::kMap);
  // Explicit struct_begin beyond the limit.
  std::vector<uint8_t> none;
  ByteReader in(none);
  CompactReader r(in);
  for (int i = 0; i < CompactReader::kMaxDepth; ++i) r.struct_begin();
  EXPECT_THROW(r.struct_begin(), CorruptDataError);
}

TEST(ThriftCompactTest, AcceptsNestingUpToTheLimit) {
  int depth = CompactReader::kMaxDepth;
  std::vector<uint8_t> ok(size_t(depth - 1), 0x1c);
  ok.insert(ok.end(), size_t(depth), 0x00);
  ByteReader in(ok);
  CompactReader r(in);
  r.skip(CompactType::kStruct);
  EXPECT_EQ(in.remaining(), 0u);
}

TEST(ThriftCompactTest, RejectsBadTypeNibbles) {
  expect_corrupt({0x1e, 0x00});  // field type 14
  expect_corrupt({0x1f, 0x00});  // field type 15
  expect_corrupt({0x1e}, CompactType::kList);         // list of type 14
  expect_corrupt({0x10}, CompactType::kList);         // non-empty list of type 0
  expect_corrupt({0x01, 0xe5, 0x00}, CompactType::kMap);  // map key type 14
  expect_corrupt({0x01, 0x50, 0x00}, CompactType::kMap);  // map value type 0
  expect_corrupt({0x11, 0x03}, CompactType::kList);       // bool list element 3
  std::vector<uint8_t> b = {0x1d};
  ByteReader in(b);
  CompactReader r(in);
  r.struct_begin();
  FieldHeader h;
  ASSERT_TRUE(r.read_field_header(h));  // 13 is UUID: valid
  EXPECT_EQ(h.type, CompactType::kUuid);
}

TEST(ThriftCompactTest, RejectsOutOfRangeIntegers) {
  auto read = [](std::vector<uint8_t> b, auto fn) {
    ByteReader in(b);
    CompactReader r(in);
    EXPECT_THROW(fn(r), CorruptDataError);
  };
  read({0x80, 0x80, 0x04}, [](CompactReader& r) { r.read_i16(); });  // 65536
  read({0x80, 0x80, 0x80, 0x80, 0x10}, [](CompactReader& r) { r.read_i32(); });  // 2^32
  std::vector<uint8_t> eleven(10, 0x80);
  eleven.push_back(0x01);
  read(eleven, [](CompactReader& r) { r.read_i64(); });  // varint longer than 10 bytes
  read({0x01, 0x02}, [](CompactReader& r) { r.read_double(); });
  // A long-form field id that does not fit in i16.
  read({0x05, 0x80, 0x80, 0x04}, [](CompactReader& r) {
    r.struct_begin();
    FieldHeader h;
    r.read_field_header(h);
  });
}

TEST(ThriftCompactTest, RejectsFieldIdOverflow) {
  // Field 32767 in long form, then a delta of 1.
  std::vector<uint8_t> b = {0x05, 0xfe, 0xff, 0x03, 0x00, 0x15, 0x00, 0x00};
  ByteReader in(b);
  CompactReader r(in);
  r.struct_begin();
  FieldHeader h;
  ASSERT_TRUE(r.read_field_header(h));
  EXPECT_EQ(h.id, 32767);
  r.skip(h.type);
  EXPECT_THROW(r.read_field_header(h), CorruptDataError);
}

TEST(ThriftCompactTest, RandomBytesNeverCrash) {
  // A cheap in-test fuzzer: random bytes either skip cleanly or throw CorruptDataError.
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  std::vector<uint8_t> seed = write_everything();
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<uint8_t> b = seed;
    int flips = 1 + int(next() % 4);
    for (int i = 0; i < flips; ++i) b[next() % b.size()] = uint8_t(next());
    ByteReader in(b);
    CompactReader r(in);
    try {
      r.skip(CompactType::kStruct);
    } catch (const CorruptDataError&) {
    }
  }
}

}  // namespace
}  // namespace floe::parquet
