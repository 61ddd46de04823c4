// Iceberg single-value serialization (Appendix D) against the spec's rules and examples:
// exact bytes per type, reads across type promotions, malformed lengths, and the JSON
// single-value table's examples in both directions.
#include "iceberg/single_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "base/civil_time.h"

namespace floe::iceberg {
namespace {

using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::TimeUnit;
using columnar::TypeId;
using json = nlohmann::json;

template <typename T>
Column one(DataType type, T v) {
  Column c(std::move(type));
  c.append<T>(v);
  return c;
}

Column one_string(DataType type, std::string_view v) {
  bool fixed = type.id() == TypeId::kFixedBinary || type.id() == TypeId::kUuid;
  Column c(std::move(type));
  if (fixed)
    c.append_fixed(v);
  else
    c.append_string(v);
  return c;
}

Column one_bool(bool v) {
  Column c{DataType(TypeId::kBoolean)};
  c.append_bool(v);
  return c;
}

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s += char(uint8_t(x));
  return s;
}

int64_t ts_micros(std::string_view s) {
  auto v = parse_timestamp_micros(s);
  EXPECT_TRUE(v.has_value()) << s;
  return v.value_or(0);
}

const std::string kUuid = bytes({0xF7, 0x9C, 0x3E, 0x09, 0x67, 0x7C, 0x4B, 0xBD, 0xA4, 0x79, 0x3F,
                                 0x34, 0x9C, 0xB7, 0x85, 0xE7});

// ---- binary ----

TEST(SingleValueBytes, FixedWidthsAreLittleEndian) {
  EXPECT_EQ(to_single_value_bytes(one_bool(true), 0), bytes({0x01}));
  EXPECT_EQ(to_single_value_bytes(one_bool(false), 0), bytes({0x00}));
  EXPECT_EQ(to_single_value_bytes(one<int32_t>(DataType(TypeId::kInt32), 34), 0),
            bytes({0x22, 0, 0, 0}));
  EXPECT_EQ(to_single_value_bytes(one<int32_t>(DataType(TypeId::kInt32), -2), 0),
            bytes({0xFE, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(to_single_value_bytes(one<int64_t>(DataType(TypeId::kInt64), 34), 0),
            bytes({0x22, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(to_single_value_bytes(one<float>(DataType(TypeId::kFloat32), 1.0f), 0),
            bytes({0, 0, 0x80, 0x3F}));
  EXPECT_EQ(to_single_value_bytes(one<double>(DataType(TypeId::kFloat64), 1.0), 0),
            bytes({0, 0, 0, 0, 0, 0, 0xF0, 0x3F}));
  // 2017-11-16 is day 17486 = 0x444E.
  EXPECT_EQ(to_single_value_bytes(one<int32_t>(DataType(TypeId::kDate), 17486), 0),
            bytes({0x4E, 0x44, 0, 0}));
}

TEST(SingleValueBytes, TimesAndTimestamps) {
  // 22:31:08 = 81068000000 us = 0x12_E0_07_83_00.
  std::string time = bytes({0x00, 0x83, 0x07, 0xE0, 0x12, 0, 0, 0});
  EXPECT_EQ(to_single_value_bytes(one<int64_t>(DataType::time(), 81068000000), 0), time);
  EXPECT_EQ(to_single_value_bytes(one<int64_t>(DataType::time(TimeUnit::kNano), 81068000000000), 0),
            time);
  int64_t us = ts_micros("2017-11-16 22:31:08");
  std::string micros(8, '\0');
  for (int i = 0; i < 8; ++i) micros[i] = char(uint8_t(uint64_t(us) >> (8 * i)));
  EXPECT_EQ(to_single_value_bytes(one<int64_t>(DataType::timestamp(), us), 0), micros);
  EXPECT_EQ(to_single_value_bytes(one<int64_t>(DataType::timestamp_tz(), us), 0), micros);
  // Milliseconds are written as the microseconds Iceberg's timestamp stores.
  EXPECT_EQ(
      to_single_value_bytes(one<int64_t>(DataType::timestamp(TimeUnit::kMilli), us / 1000), 0),
      micros);
  // timestamp_ns keeps nanoseconds.
  std::string nanos(8, '\0');
  for (int i = 0; i < 8; ++i) nanos[i] = char(uint8_t(uint64_t(us * 1000 + 1) >> (8 * i)));
  EXPECT_EQ(to_single_value_bytes(
                one<int64_t>(DataType::timestamp_tz(TimeUnit::kNano), us * 1000 + 1), 0),
            nanos);
}

TEST(SingleValueBytes, VariableForms) {
  EXPECT_EQ(to_single_value_bytes(one_string(DataType(TypeId::kString), "iceberg"), 0), "iceberg");
  EXPECT_EQ(to_single_value_bytes(one_string(DataType(TypeId::kString), "é"), 0),
            bytes({0xC3, 0xA9}));
  EXPECT_EQ(to_single_value_bytes(one_string(DataType(TypeId::kBinary), bytes({0, 1, 2, 3})), 0),
            bytes({0, 1, 2, 3}));
  EXPECT_EQ(to_single_value_bytes(one_string(DataType::fixed_binary(3), bytes({9, 8, 7})), 0),
            bytes({9, 8, 7}));
  EXPECT_EQ(to_single_value_bytes(one_string(DataType(TypeId::kUuid), kUuid), 0), kUuid);
}

TEST(SingleValueBytes, DecimalIsMinimalBigEndianTwosComplement) {
  DataType d(DataType::decimal(38, 2));
  auto enc = [&](__int128 v) { return to_single_value_bytes(one<__int128>(d, v), 0); };
  EXPECT_EQ(enc(1420), bytes({0x05, 0x8C}));  // 14.20
  EXPECT_EQ(enc(0), bytes({0x00}));
  EXPECT_EQ(enc(-1), bytes({0xFF}));
  EXPECT_EQ(enc(127), bytes({0x7F}));
  EXPECT_EQ(enc(128), bytes({0x00, 0x80}));
  EXPECT_EQ(enc(-128), bytes({0x80}));
  EXPECT_EQ(enc(-129), bytes({0xFF, 0x7F}));
  EXPECT_EQ(enc(65535), bytes({0x00, 0xFF, 0xFF}));
  __int128 max38 = 1;
  for (int i = 0; i < 38; ++i) max38 *= 10;
  max38 -= 1;  // 99999999999999999999999999999999999999 needs 16 bytes
  EXPECT_EQ(enc(max38).size(), 16u);
  EXPECT_EQ(from_single_value_bytes(d, enc(max38)).value<__int128>(0), max38);
  EXPECT_EQ(from_single_value_bytes(d, enc(-max38)).value<__int128>(0), -max38);
  EXPECT_EQ(from_single_value_bytes(d, bytes({0xFF, 0x7F})).value<__int128>(0), __int128(-129));
  EXPECT_EQ(from_single_value_bytes(d, bytes({0x05, 0x8C})).value<__int128>(0), __int128(1420));
  // Padded forms (as fixed-width writers produce) read the same.
  EXPECT_EQ(from_single_value_bytes(d, bytes({0x00, 0x00, 0x05, 0x8C})).value<__int128>(0),
            __int128(1420));
}

TEST(SingleValueBytes, BooleanReadsNonZeroAsTrue) {
  DataType b(TypeId::kBoolean);
  EXPECT_EQ(from_single_value_bytes(b, bytes({0x00})).value<uint8_t>(0), 0);
  EXPECT_EQ(from_single_value_bytes(b, bytes({0x01})).value<uint8_t>(0), 1);
  EXPECT_EQ(from_single_value_bytes(b, bytes({0x7F})).value<uint8_t>(0), 1);
}

// Writes column[0], reads it back under the same type, and checks the one value survives.
void expect_round_trip(const Column& c) {
  std::string b = to_single_value_bytes(c, 0);
  Column back = from_single_value_bytes(c.type(), b);
  ASSERT_EQ(back.size(), 1) << c.type().to_string();
  ASSERT_EQ(back.type(), c.type());
  ASSERT_TRUE(back.is_valid(0));
  if (c.type().is_variable_width())
    EXPECT_EQ(back.string_at(0), c.string_at(0)) << c.type().to_string();
  else
    EXPECT_EQ(back.fixed_at(0), c.fixed_at(0)) << c.type().to_string();
}

TEST(SingleValueBytes, RoundTripsEveryType) {
  expect_round_trip(one_bool(true));
  expect_round_trip(one_bool(false));
  expect_round_trip(one<int32_t>(DataType(TypeId::kInt32), std::numeric_limits<int32_t>::min()));
  expect_round_trip(one<int64_t>(DataType(TypeId::kInt64), std::numeric_limits<int64_t>::max()));
  expect_round_trip(one<float>(DataType(TypeId::kFloat32), -0.0f));
  expect_round_trip(one<float>(DataType(TypeId::kFloat32), 3.25f));
  expect_round_trip(one<double>(DataType(TypeId::kFloat64), -1e300));
  expect_round_trip(one<int32_t>(DataType(TypeId::kDate), -719162));
  expect_round_trip(one<int64_t>(DataType::time(), 86399999999));
  expect_round_trip(one<int64_t>(DataType::timestamp(), -1));
  expect_round_trip(one<int64_t>(DataType::timestamp_tz(), ts_micros("2024-01-01 10:00:00")));
  expect_round_trip(one<int64_t>(DataType::timestamp(TimeUnit::kNano), -123456789));
  expect_round_trip(one<int64_t>(DataType::timestamp_tz(TimeUnit::kNano), 1700000000123456789));
  expect_round_trip(one<int64_t>(DataType::timestamp(TimeUnit::kMilli), 1700000000123));
  expect_round_trip(one_string(DataType(TypeId::kString), "测试 iceberg"));
  expect_round_trip(one_string(DataType(TypeId::kString), ""));
  expect_round_trip(one_string(DataType(TypeId::kBinary), bytes({0, 0xFF, 0})));
  expect_round_trip(one_string(DataType::fixed_binary(4), bytes({0, 1, 2, 3})));
  expect_round_trip(one_string(DataType(TypeId::kUuid), kUuid));
  for (__int128 v : {__int128(0), __int128(1), __int128(-1), __int128(1420), __int128(-32768),
                     __int128(1) << 100, -(__int128(1) << 100)})
    expect_round_trip(one<__int128>(DataType::decimal(38, 4), v));
}

TEST(SingleValueBytes, ReadsBoundsWrittenBeforeAPromotion) {
  // A 4-byte bound under a long was written as an int.
  Column l = from_single_value_bytes(DataType(TypeId::kInt64), bytes({0xFF, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(l.value<int64_t>(0), -1);
  Column l2 = from_single_value_bytes(DataType(TypeId::kInt64), bytes({0x22, 0, 0, 0}));
  EXPECT_EQ(l2.value<int64_t>(0), 34);
  // A 4-byte bound under a double was written as a float.
  Column d = from_single_value_bytes(DataType(TypeId::kFloat64), bytes({0, 0, 0xC0, 0x3F}));
  EXPECT_EQ(d.value<double>(0), 1.5);
  // A 4-byte bound under a timestamp was written as a date (v3 date -> timestamp).
  std::string day = bytes({0x4E, 0x44, 0, 0});  // 2017-11-16
  int64_t midnight = ts_micros("2017-11-16 00:00:00");
  EXPECT_EQ(from_single_value_bytes(DataType::timestamp(), day).value<int64_t>(0), midnight);
  EXPECT_EQ(from_single_value_bytes(DataType::timestamp(TimeUnit::kNano), day).value<int64_t>(0),
            midnight * 1000);
  // Dates cannot promote to timestamptz.
  EXPECT_THROW(from_single_value_bytes(DataType::timestamp_tz(), day), CorruptDataError);
  // A date outside timestamp_ns's range (years 1677..2262) cannot be promoted.
  auto far = parse_date("2300-01-01");
  ASSERT_TRUE(far);
  std::string far_bytes(4, '\0');
  for (int i = 0; i < 4; ++i) far_bytes[i] = char(uint8_t(uint32_t(*far) >> (8 * i)));
  EXPECT_THROW(from_single_value_bytes(DataType::timestamp(TimeUnit::kNano), far_bytes),
               InvalidInputError);
  // Decimal precision widening: bounds of decimal(4,2) read under decimal(10,2).
  EXPECT_EQ(
      from_single_value_bytes(DataType::decimal(10, 2), bytes({0x05, 0x8C})).value<__int128>(0),
      __int128(1420));
}

TEST(SingleValueBytes, MalformedLengthsAreCorrupt) {
  auto corrupt = [](DataType t, std::string b, const char* type_name) {
    try {
      from_single_value_bytes(t, b);
      ADD_FAILURE() << t.to_string() << " accepted " << b.size() << " bytes";
    } catch (const CorruptDataError& e) {
      std::string m = e.what();
      EXPECT_NE(m.find(type_name), std::string::npos) << m;
      EXPECT_NE(m.find(fmt::format("got {} bytes", b.size())), std::string::npos) << m;
    }
  };
  corrupt(DataType(TypeId::kBoolean), "", "BOOLEAN");
  corrupt(DataType(TypeId::kBoolean), bytes({1, 0}), "BOOLEAN");
  corrupt(DataType(TypeId::kInt32), bytes({1, 2, 3}), "INTEGER");
  corrupt(DataType(TypeId::kInt32), std::string(8, '\0'), "INTEGER");
  corrupt(DataType(TypeId::kInt64), bytes({1, 2, 3, 4, 5}), "BIGINT");
  corrupt(DataType(TypeId::kFloat32), std::string(8, '\0'), "FLOAT");
  corrupt(DataType(TypeId::kFloat64), bytes({1, 2}), "DOUBLE");
  corrupt(DataType(TypeId::kDate), std::string(8, '\0'), "DATE");
  corrupt(DataType::time(), std::string(4, '\0'), "TIME");
  corrupt(DataType::timestamp(), std::string(7, '\0'), "TIMESTAMP");
  corrupt(DataType::timestamp_tz(), std::string(4, '\0'), "TIMESTAMPTZ");
  corrupt(DataType(TypeId::kUuid), std::string(15, '\0'), "UUID");
  corrupt(DataType::fixed_binary(4), bytes({1, 2, 3}), "BINARY(4)");
  corrupt(DataType::decimal(9, 2), "", "DECIMAL(9,2)");
  corrupt(DataType::decimal(38, 2), std::string(17, '\0'), "DECIMAL(38,2)");
}

TEST(SingleValueBytes, TypesWithoutABinaryForm) {
  DataType list = DataType::list_of(Field("element", DataType(TypeId::kInt32), true, 2));
  EXPECT_THROW(from_single_value_bytes(list, ""), UnsupportedError);
  Column c(list);
  c.child(0).append<int32_t>(1);
  c.append_list_end();
  EXPECT_THROW(to_single_value_bytes(c, 0), UnsupportedError);
  EXPECT_THROW(to_single_value_bytes(one<uint64_t>(DataType(TypeId::kUInt64), 1), 0),
               UnsupportedError);
}

// ---- JSON (the spec's table, both directions) ----

void expect_json(const Column& c, const json& expected) {
  EXPECT_EQ(to_json_single_value(c, 0), expected) << c.type().to_string();
  Column back = from_json_single_value(c.type(), expected);
  ASSERT_EQ(back.size(), 1);
  ASSERT_TRUE(back.is_valid(0)) << c.type().to_string();
  EXPECT_EQ(to_json_single_value(back, 0), expected) << c.type().to_string();
}

TEST(SingleValueJson, SpecExamples) {
  expect_json(one_bool(true), json(true));
  expect_json(one<int32_t>(DataType(TypeId::kInt32), 34), json(34));
  expect_json(one<int64_t>(DataType(TypeId::kInt64), 34), json(34));
  expect_json(one<float>(DataType(TypeId::kFloat32), 1.0f), json(1.0));
  expect_json(one<double>(DataType(TypeId::kFloat64), 1.0), json(1.0));
  expect_json(one<__int128>(DataType::decimal(4, 2), 1420), json("14.20"));
  expect_json(one<int32_t>(DataType(TypeId::kDate), 17486), json("2017-11-16"));
  expect_json(one<int64_t>(DataType::time(), 81068123456), json("22:31:08.123456"));
  int64_t us = ts_micros("2017-11-16 22:31:08.123456");
  expect_json(one<int64_t>(DataType::timestamp(), us), json("2017-11-16T22:31:08.123456"));
  expect_json(one<int64_t>(DataType::timestamp_tz(), us), json("2017-11-16T22:31:08.123456+00:00"));
  int64_t ns = us * 1000 + 789;
  expect_json(one<int64_t>(DataType::timestamp(TimeUnit::kNano), ns),
              json("2017-11-16T22:31:08.123456789"));
  expect_json(one<int64_t>(DataType::timestamp_tz(TimeUnit::kNano), ns),
              json("2017-11-16T22:31:08.123456789+00:00"));
  expect_json(one_string(DataType(TypeId::kString), "iceberg"), json("iceberg"));
  expect_json(one_string(DataType(TypeId::kUuid), kUuid),
              json("f79c3e09-677c-4bbd-a479-3f349cb785e7"));
  expect_json(one_string(DataType::fixed_binary(4), bytes({0, 1, 2, 0xFF})), json("000102ff"));
  expect_json(one_string(DataType(TypeId::kBinary), bytes({0, 1, 2, 0xFF})), json("000102ff"));
}

TEST(SingleValueJson, NestedExamples) {
  DataType st = DataType::struct_of({Field("a", DataType(TypeId::kInt32), true, 1),
                                     Field("b", DataType(TypeId::kString), true, 2)});
  Column s(st);
  s.child(0).append<int32_t>(1);
  s.child(1).append_string("bar");
  s.append_struct_valid();
  expect_json(s, json::parse(R"({"1": 1, "2": "bar"})"));
  // Absent fields read as null; an empty object is a non-null struct of nulls.
  Column empty = from_json_single_value(st, json::object());
  EXPECT_TRUE(empty.is_valid(0));
  EXPECT_TRUE(empty.child(0).is_null(0) && empty.child(1).is_null(0));
  EXPECT_EQ(to_json_single_value(empty, 0), json::object());

  DataType list = DataType::list_of(Field("element", DataType(TypeId::kInt32), true, 3));
  Column l = from_json_single_value(list, json::parse("[1, 2, 3]"));
  EXPECT_EQ(l.child(0).size(), 3);
  EXPECT_EQ(to_json_single_value(l, 0), json::parse("[1, 2, 3]"));

  DataType map = DataType::map_of(Field("key", DataType(TypeId::kString), false, 4),
                                  Field("value", DataType(TypeId::kInt32), true, 5));
  json mj = json::parse(R"({"keys": ["a", "b"], "values": [1, 2]})");
  Column m = from_json_single_value(map, mj);
  EXPECT_EQ(m.child(0).size(), 2);
  EXPECT_EQ(to_json_single_value(m, 0), mj);
  EXPECT_THROW(from_json_single_value(map, json::parse(R"({"keys": ["a"], "values": []})")),
               CorruptDataError);

  DataType no_ids = DataType::struct_of({Field("a", DataType(TypeId::kInt32))});
  EXPECT_THROW(from_json_single_value(no_ids, json::object()), InvalidInputError);
}

TEST(SingleValueJson, JavaTextForms) {
  // java.time's ISO_LOCAL_TIME always has seconds and drops trailing fraction zeros.
  EXPECT_EQ(to_json_single_value(one<int64_t>(DataType::time(), 81068000000), 0), json("22:31:08"));
  EXPECT_EQ(to_json_single_value(one<int64_t>(DataType::time(), 81068100000), 0),
            json("22:31:08.1"));
  EXPECT_EQ(
      to_json_single_value(one<int64_t>(DataType::timestamp(), ts_micros("2024-01-01 10:00")), 0),
      json("2024-01-01T10:00:00"));
  EXPECT_EQ(to_json_single_value(one<int64_t>(DataType::timestamp(), -1), 0),
            json("1969-12-31T23:59:59.999999"));
  // A float is written as its shortest decimal, as Java's Float.toString gives it.
  EXPECT_EQ(to_json_single_value(one<float>(DataType(TypeId::kFloat32), 0.1f), 0).dump(), "0.1");
  EXPECT_EQ(to_json_single_value(one<__int128>(DataType::decimal(9, 3), -5), 0), json("-0.005"));
  Column n{DataType(TypeId::kInt32)};
  n.append_null();
  EXPECT_TRUE(to_json_single_value(n, 0).is_null());
  Column back = from_json_single_value(DataType(TypeId::kInt32), json(nullptr));
  EXPECT_EQ(back.size(), 1);
  EXPECT_TRUE(back.is_null(0));
}

TEST(SingleValueJson, ReadsOtherValidSpellings) {
  // Scientific decimals of the right scale; upper-case hex as Java's base16 writes it.
  EXPECT_EQ(from_json_single_value(DataType::decimal(4, 2), json("1.420E+1")).value<__int128>(0),
            __int128(1420));
  EXPECT_EQ(from_json_single_value(DataType(TypeId::kBinary), json("000102FF")).string_at(0),
            bytes({0, 1, 2, 0xFF}));
  EXPECT_EQ(from_json_single_value(DataType::timestamp_tz(), json("2017-11-16T22:31:08Z"))
                .value<int64_t>(0),
            ts_micros("2017-11-16 22:31:08"));
  EXPECT_EQ(from_json_single_value(DataType::time(), json("22:31")).value<int64_t>(0), 81060000000);
  Column nan = from_json_single_value(DataType(TypeId::kFloat64), json("NaN"));
  EXPECT_TRUE(std::isnan(nan.value<double>(0)));
  EXPECT_EQ(to_json_single_value(nan, 0), json("NaN"));
  EXPECT_EQ(from_json_single_value(DataType(TypeId::kFloat64), json(2)).value<double>(0), 2.0);
}

TEST(SingleValueJson, MalformedValuesAreCorrupt) {
  auto corrupt = [](DataType t, json j) {
    EXPECT_THROW(from_json_single_value(t, j), CorruptDataError) << t.to_string() << " " << j;
  };
  corrupt(DataType(TypeId::kBoolean), json(1));
  corrupt(DataType(TypeId::kInt32), json("34"));
  corrupt(DataType(TypeId::kInt32), json(3000000000LL));
  corrupt(DataType(TypeId::kInt32), json(1.5));
  corrupt(DataType(TypeId::kInt64), json(18446744073709551615ULL));
  corrupt(DataType::decimal(4, 2), json("14.2"));    // scale 1, not 2
  corrupt(DataType::decimal(4, 2), json("140.20"));  // 5 digits in decimal(4,2)
  corrupt(DataType::decimal(4, 2), json(14.2));
  corrupt(DataType(TypeId::kDate), json("2017-13-01"));
  corrupt(DataType::time(), json("25:00:00"));
  corrupt(DataType::timestamp(), json("2017-11-16T22:31:08+00:00"));  // no zone allowed
  corrupt(DataType::timestamp_tz(), json("2017-11-16T22:31:08"));     // zone required
  corrupt(DataType::timestamp_tz(), json("2017-11-16T14:31:08-08:00"));
  corrupt(DataType::timestamp(), json("2017-11-16T22:31:08.1234567890"));
  corrupt(DataType(TypeId::kUuid), json("f79c3e09677c4bbda4793f349cb785e7"));
  corrupt(DataType::fixed_binary(4), json("000102"));
  corrupt(DataType(TypeId::kBinary), json("0g"));
  corrupt(DataType(TypeId::kString), json(1));
  corrupt(DataType::list_of(Field("element", DataType(TypeId::kInt32), true, 1)), json::object());
}

}  // namespace
}  // namespace floe::iceberg
