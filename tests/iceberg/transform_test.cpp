// Iceberg partition transforms against the spec's numbers: Appendix B hash vectors, the
// truncate table, epoch rounding, human strings of Java's partition paths, projections.
#include "iceberg/transform.h"

#include <gtest/gtest.h>

#include <bit>
#include <climits>
#include <string>
#include <vector>

#include "base/civil_time.h"
#include "iceberg/murmur3.h"

namespace floe::iceberg {
namespace {

using columnar::Column;
using columnar::DataType;
using columnar::TimeUnit;
using columnar::TypeId;
using formats::ColumnPredicate;
using formats::CompareOp;
using Kind = Transform::Kind;

int64_t ts_micros(std::string_view s) {
  auto v = parse_timestamp_micros(s);
  EXPECT_TRUE(v.has_value()) << s;
  return v.value_or(0);
}

int32_t days(std::string_view s) {
  auto v = parse_date(s);
  EXPECT_TRUE(v.has_value()) << s;
  return v.value_or(0);
}

template <typename T>
Column column_of(DataType type, std::initializer_list<T> values) {
  Column c(std::move(type));
  for (T v : values) c.append<T>(v);
  return c;
}

Column strings(DataType type, std::initializer_list<std::string_view> values) {
  Column c(std::move(type));
  for (auto v : values) c.append_string(v);
  return c;
}

Column fixed(DataType type, std::string_view bytes) {
  Column c(std::move(type));
  c.append_fixed(bytes);
  return c;
}

const std::string kUuidBytes("\xF7\x9C\x3E\x09\x67\x7C\x4B\xBD\xA4\x79\x3F\x34\x9C\xB7\x85\xE7",
                             16);

// bucket[INT_MAX] keeps the hash's low 31 bits: (h & INT_MAX) % INT_MAX is h & INT_MAX
// for every hash below INT_MAX, which holds for all the spec's vectors.
int32_t hash_bits(const Column& source) {
  Column b = apply_transform(parse_transform("bucket[2147483647]"), source);
  EXPECT_EQ(b.type().id(), TypeId::kInt32);
  return b.value<int32_t>(0);
}

constexpr int32_t low31(int32_t spec_hash) { return spec_hash & INT_MAX; }

// ---- Appendix B ----

TEST(Murmur3, SpecVectorsAsBytes) {
  EXPECT_EQ(murmur3_x86_32("iceberg"), 1210000089);
  EXPECT_EQ(murmur3_x86_32(std::string_view("\x00\x01\x02\x03", 4)), -188683207);
  EXPECT_EQ(murmur3_x86_32(kUuidBytes), 1488055340);
  // The spec's promotion note: "34" as a string differs from 34 as an int.
  EXPECT_EQ(murmur3_x86_32("34"), -427558391);
  // 34 as an 8-byte little-endian long.
  EXPECT_EQ(murmur3_x86_32(std::string_view("\x22\0\0\0\0\0\0\0", 8)), 2017239379);
}

TEST(Murmur3, TailLengthsAndSeedAgainstTheReferenceImplementation) {
  // Values of Austin Appleby's MurmurHash3_x86_32 for 0 to 3 trailing bytes and a seed.
  EXPECT_EQ(murmur3_x86_32(""), 0);
  EXPECT_EQ(murmur3_x86_32("", 1), 0x514E28B7);
  EXPECT_EQ(murmur3_x86_32("a"), 1009084850);
  EXPECT_EQ(murmur3_x86_32("ab"), -1681926305);
  EXPECT_EQ(murmur3_x86_32("abcde"), -392455434);
}

TEST(Murmur3, HashLongVectors) {
  EXPECT_EQ(murmur3_hash_long(34), 2017239379);
  EXPECT_EQ(murmur3_hash_long(17486), -653330422);        // date 2017-11-16
  EXPECT_EQ(murmur3_hash_long(81068000000), -662762989);  // time 22:31:08
  // Appendix B's table for types not valid for bucketing: true is hashInt(1); floats hash
  // doubleToLongBits, and 0.0 hashes as the long 0.
  EXPECT_EQ(murmur3_hash_long(1), 1392991556);
  EXPECT_EQ(murmur3_hash_long(std::bit_cast<int64_t>(1.0)), -142385009);
  EXPECT_EQ(murmur3_hash_long(0), 1669671676);
}

TEST(Bucket, IntAndLongHashAlike) {
  EXPECT_EQ(hash_bits(column_of<int32_t>(DataType(TypeId::kInt32), {34})), low31(2017239379));
  EXPECT_EQ(hash_bits(column_of<int64_t>(DataType(TypeId::kInt64), {34})), low31(2017239379));
  // bucket(100, 34L) = 79 (2017239379 % 100).
  EXPECT_EQ(apply_transform(parse_transform("bucket[100]"),
                            column_of<int64_t>(DataType(TypeId::kInt64), {34}))
                .value<int32_t>(0),
            79);
}

TEST(Bucket, DecimalHashesMinimalUnscaledBytes) {
  Column d = column_of<__int128>(DataType::decimal(4, 2), {1420});  // 14.20
  EXPECT_EQ(hash_bits(d), low31(-500754589));
  // The scale is not part of the hash: 14.20 as decimal(9,2) and (38,2) hash alike.
  EXPECT_EQ(hash_bits(column_of<__int128>(DataType::decimal(38, 2), {1420})), low31(-500754589));
}

TEST(Bucket, DateTimeAndTimestamps) {
  EXPECT_EQ(hash_bits(column_of<int32_t>(DataType(TypeId::kDate), {days("2017-11-16")})),
            low31(-653330422));
  EXPECT_EQ(hash_bits(column_of<int64_t>(DataType::time(), {81068000000})), low31(-662762989));
  EXPECT_EQ(
      hash_bits(column_of<int64_t>(DataType::timestamp(), {ts_micros("2017-11-16T22:31:08")})),
      low31(-2047944441));
  EXPECT_EQ(hash_bits(column_of<int64_t>(DataType::timestamp(),
                                         {ts_micros("2017-11-16T22:31:08.000001")})),
            low31(-1207196810));
  EXPECT_EQ(hash_bits(column_of<int64_t>(DataType::timestamp_tz(),
                                         {ts_micros("2017-11-16T14:31:08-08:00")})),
            low31(-2047944441));
  EXPECT_EQ(hash_bits(column_of<int64_t>(DataType::timestamp_tz(),
                                         {ts_micros("2017-11-16T14:31:08.000001-08:00")})),
            low31(-1207196810));
}

TEST(Bucket, NanoAndMilliTimestampsHashTheirMicroseconds) {
  int64_t micros = ts_micros("2017-11-16T22:31:08");
  Column ns = column_of<int64_t>(DataType::timestamp(TimeUnit::kNano), {micros * 1000 + 1001});
  EXPECT_EQ(hash_bits(ns), low31(-1207196810));  // 2017-11-16T22:31:08.000001001
  Column ns_tz = column_of<int64_t>(DataType::timestamp_tz(TimeUnit::kNano), {micros * 1000});
  EXPECT_EQ(hash_bits(ns_tz), low31(-2047944441));
  Column ms = column_of<int64_t>(DataType::timestamp(TimeUnit::kMilli), {micros / 1000});
  EXPECT_EQ(hash_bits(ms), low31(-2047944441));
}

TEST(Bucket, StringUuidFixedBinary) {
  EXPECT_EQ(hash_bits(strings(DataType(TypeId::kString), {"iceberg"})), low31(1210000089));
  EXPECT_EQ(hash_bits(fixed(DataType(TypeId::kUuid), kUuidBytes)), low31(1488055340));
  std::string_view b("\x00\x01\x02\x03", 4);
  EXPECT_EQ(hash_bits(fixed(DataType::fixed_binary(4), b)), low31(-188683207));
  EXPECT_EQ(hash_bits(strings(DataType(TypeId::kBinary), {b})), low31(-188683207));
}

TEST(Bucket, DiscardsTheSignBitBeforeTheModulus) {
  // -188683207 & INT_MAX = 1958800441; % 16 = 9. A plain (negative) % would give -7.
  Column b = apply_transform(parse_transform("bucket[16]"),
                             strings(DataType(TypeId::kBinary), {std::string_view("\0\1\2\3", 4)}));
  EXPECT_EQ(b.value<int32_t>(0), 1958800441 % 16);
  EXPECT_EQ(b.value<int32_t>(0), 9);
}

// ---- truncate ----

TEST(Truncate, IntegersFromTheSpecTable) {
  Transform t = parse_transform("truncate[10]");
  Column ints =
      apply_transform(t, column_of<int32_t>(DataType(TypeId::kInt32), {1, -1, 10, 11, -11, 0}));
  ASSERT_EQ(ints.type(), DataType(TypeId::kInt32));
  EXPECT_EQ(ints.value<int32_t>(0), 0);
  EXPECT_EQ(ints.value<int32_t>(1), -10);
  EXPECT_EQ(ints.value<int32_t>(2), 10);
  EXPECT_EQ(ints.value<int32_t>(3), 10);
  EXPECT_EQ(ints.value<int32_t>(4), -20);
  EXPECT_EQ(ints.value<int32_t>(5), 0);
  Column longs = apply_transform(t, column_of<int64_t>(DataType(TypeId::kInt64), {1, -1}));
  EXPECT_EQ(longs.value<int64_t>(0), 0);
  EXPECT_EQ(longs.value<int64_t>(1), -10);
  EXPECT_EQ(apply_transform(parse_transform("truncate[7]"),
                            column_of<int32_t>(DataType(TypeId::kInt32), {22}))
                .value<int32_t>(0),
            21);
}

TEST(Truncate, DecimalUsesTheUnscaledValue) {
  Column d = apply_transform(parse_transform("truncate[50]"),
                             column_of<__int128>(DataType::decimal(9, 2), {1065, -1065}));
  ASSERT_EQ(d.type(), DataType::decimal(9, 2));
  EXPECT_EQ(d.value<__int128>(0), __int128(1050));   // 10.65 -> 10.50
  EXPECT_EQ(d.value<__int128>(1), __int128(-1100));  // -10.65 -> -11.00
}

TEST(Truncate, StringsByCodePointsBinariesByBytes) {
  Transform t3 = parse_transform("truncate[3]");
  Column s = apply_transform(t3, strings(DataType(TypeId::kString), {"iceberg", "ic", ""}));
  EXPECT_EQ(s.string_at(0), "ice");
  EXPECT_EQ(s.string_at(1), "ic");
  EXPECT_EQ(s.string_at(2), "");
  Column b = apply_transform(
      t3, strings(DataType(TypeId::kBinary), {std::string_view("\x01\x02\x03\x04\x05", 5)}));
  EXPECT_EQ(b.string_at(0), std::string_view("\x01\x02\x03", 3));

  // "测试" is two code points of three bytes each; "😀" one of four.
  Column cjk = strings(DataType(TypeId::kString), {"测试", "a😀b"});
  Column one = apply_transform(parse_transform("truncate[1]"), cjk);
  EXPECT_EQ(one.string_at(0), "测");
  EXPECT_EQ(one.string_at(1), "a");
  Column two = apply_transform(parse_transform("truncate[2]"), cjk);
  EXPECT_EQ(two.string_at(0), "测试");
  EXPECT_EQ(two.string_at(1), "a😀");
  Column six = apply_transform(parse_transform("truncate[6]"), cjk);
  EXPECT_EQ(six.string_at(0), "测试");
  // As binary, 4 bytes of "测试" cut inside the second character.
  Column bin =
      apply_transform(parse_transform("truncate[4]"), strings(DataType(TypeId::kBinary), {"测试"}));
  EXPECT_EQ(bin.string_at(0).size(), 4u);
}

TEST(Truncate, WrapsAtTheTypeLimitLikeJava) {
  Column c = apply_transform(parse_transform("truncate[10]"),
                             column_of<int32_t>(DataType(TypeId::kInt32), {INT_MIN, INT_MAX}));
  EXPECT_EQ(c.value<int32_t>(0), 2147483646);  // INT_MIN - 2 wraps, as in Java
  EXPECT_EQ(c.value<int32_t>(1), 2147483640);
}

// ---- time transforms ----

struct TimeParts {
  int32_t year, month, day, hour;
};

TimeParts parts_of(const Column& source) {
  TimeParts p{};
  p.year = apply_transform(parse_transform("year"), source).value<int32_t>(0);
  p.month = apply_transform(parse_transform("month"), source).value<int32_t>(0);
  p.day = apply_transform(parse_transform("day"), source).value<int32_t>(0);
  if (source.type().id() != TypeId::kDate)
    p.hour = apply_transform(parse_transform("hour"), source).value<int32_t>(0);
  return p;
}

TEST(TimeTransforms, AfterTheEpoch) {
  TimeParts ts =
      parts_of(column_of<int64_t>(DataType::timestamp(), {ts_micros("2017-11-16 22:31:08")}));
  EXPECT_EQ(ts.year, 47);
  EXPECT_EQ(ts.month, 47 * 12 + 10);
  EXPECT_EQ(ts.day, 17486);
  EXPECT_EQ(ts.hour, 17486 * 24 + 22);
  TimeParts d = parts_of(column_of<int32_t>(DataType(TypeId::kDate), {days("2017-11-16")}));
  EXPECT_EQ(d.year, 47);
  EXPECT_EQ(d.month, 574);
  EXPECT_EQ(d.day, 17486);
  TimeParts epoch = parts_of(column_of<int64_t>(DataType::timestamp_tz(), {0}));
  EXPECT_EQ(epoch.year, 0);
  EXPECT_EQ(epoch.month, 0);
  EXPECT_EQ(epoch.day, 0);
  EXPECT_EQ(epoch.hour, 0);
}

TEST(TimeTransforms, BeforeTheEpochRoundTowardNegativeInfinity) {
  TimeParts d = parts_of(column_of<int32_t>(DataType(TypeId::kDate), {days("1969-12-31")}));
  EXPECT_EQ(d.year, -1);
  EXPECT_EQ(d.month, -1);
  EXPECT_EQ(d.day, -1);
  TimeParts jan = parts_of(column_of<int32_t>(DataType(TypeId::kDate), {days("1969-01-01")}));
  EXPECT_EQ(jan.year, -1);
  EXPECT_EQ(jan.month, -12);
  TimeParts older = parts_of(column_of<int32_t>(DataType(TypeId::kDate), {days("1968-12-31")}));
  EXPECT_EQ(older.year, -2);
  EXPECT_EQ(older.month, -13);

  TimeParts one_before = parts_of(column_of<int64_t>(DataType::timestamp(), {-1}));
  EXPECT_EQ(one_before.year, -1);
  EXPECT_EQ(one_before.month, -1);
  EXPECT_EQ(one_before.day, -1);
  EXPECT_EQ(one_before.hour, -1);
  EXPECT_EQ(
      parts_of(column_of<int64_t>(DataType::timestamp(), {ts_micros("1969-12-31 23:00:00")})).hour,
      -1);
  EXPECT_EQ(
      parts_of(column_of<int64_t>(DataType::timestamp(), {ts_micros("1969-12-31 22:59:59.999999")}))
          .hour,
      -2);
  EXPECT_EQ(
      parts_of(column_of<int64_t>(DataType::timestamp(), {ts_micros("1969-12-31 00:00:00")})).day,
      -1);
  EXPECT_EQ(
      parts_of(column_of<int64_t>(DataType::timestamp(), {ts_micros("1969-12-30 23:59:59")})).day,
      -2);
}

TEST(TimeTransforms, NanoAndMilliUnits) {
  int64_t micros = ts_micros("2017-11-16 22:31:08");
  TimeParts ns =
      parts_of(column_of<int64_t>(DataType::timestamp(TimeUnit::kNano), {micros * 1000 + 1001}));
  EXPECT_EQ(ns.day, 17486);
  EXPECT_EQ(ns.hour, 17486 * 24 + 22);
  TimeParts ms = parts_of(column_of<int64_t>(DataType::timestamp_tz(TimeUnit::kMilli), {-1}));
  EXPECT_EQ(ms.day, -1);
  EXPECT_EQ(ms.hour, -1);
  EXPECT_EQ(ms.year, -1);
}

TEST(TimeTransforms, ResultTypes) {
  DataType ts = DataType::timestamp();
  EXPECT_EQ(transform_result_type(parse_transform("day"), ts), DataType(TypeId::kDate));
  EXPECT_EQ(transform_result_type(parse_transform("year"), ts), DataType(TypeId::kInt32));
  EXPECT_EQ(transform_result_type(parse_transform("month"), DataType(TypeId::kDate)),
            DataType(TypeId::kInt32));
  EXPECT_EQ(transform_result_type(parse_transform("hour"), ts), DataType(TypeId::kInt32));
  EXPECT_EQ(apply_transform(parse_transform("day"), column_of<int64_t>(ts, {0})).type(),
            DataType(TypeId::kDate));
}

// ---- nulls, void, types ----

TEST(Transforms, NullsInNullsOut) {
  Column ts(DataType::timestamp());
  ts.append<int64_t>(ts_micros("2024-03-01 10:00:00"));
  ts.append_null();
  ts.append<int64_t>(-1);
  for (const char* name : {"identity", "bucket[8]", "year", "month", "day", "hour"}) {
    Column out = apply_transform(parse_transform(name), ts);
    ASSERT_EQ(out.size(), 3) << name;
    EXPECT_EQ(out.null_count(), 1) << name;
    EXPECT_TRUE(out.is_valid(0) && out.is_null(1) && out.is_valid(2)) << name;
  }
  Column s{DataType(TypeId::kString)};
  s.append_null();
  s.append_string("iceberg");
  Column t = apply_transform(parse_transform("truncate[3]"), s);
  EXPECT_TRUE(t.is_null(0));
  EXPECT_EQ(t.string_at(1), "ice");
  Column b = apply_transform(parse_transform("bucket[2147483647]"), s);
  EXPECT_TRUE(b.is_null(0));
  EXPECT_EQ(b.value<int32_t>(1), low31(1210000089));
}

TEST(Transforms, VoidGivesAllNullsOfTheSourceType) {
  Column s = strings(DataType(TypeId::kString), {"a", "b"});
  Column v = apply_transform(parse_transform("void"), s);
  EXPECT_EQ(v.type(), DataType(TypeId::kString));
  EXPECT_EQ(v.size(), 2);
  EXPECT_EQ(v.null_count(), 2);
  EXPECT_TRUE(v.is_null(0) && v.is_null(1));
  Column i =
      apply_transform(parse_transform("void"), column_of<int64_t>(DataType(TypeId::kInt64), {1}));
  EXPECT_EQ(i.type(), DataType(TypeId::kInt64));
  EXPECT_TRUE(i.is_null(0));
  EXPECT_EQ(transform_result_type(parse_transform("void"), DataType(TypeId::kFloat64)),
            DataType(TypeId::kFloat64));
}

TEST(Transforms, IdentityKeepsEveryPrimitive) {
  Column f = column_of<double>(DataType(TypeId::kFloat64), {1.5});
  Column out = apply_transform(parse_transform("identity"), f);
  EXPECT_EQ(out.type(), DataType(TypeId::kFloat64));
  EXPECT_EQ(out.value<double>(0), 1.5);
  Column b{DataType(TypeId::kBoolean)};
  b.append_bool(true);
  EXPECT_EQ(apply_transform(parse_transform("identity"), b).value<uint8_t>(0), 1);
}

TEST(Transforms, InvalidSourceTypesAreRefused) {
  auto refuses = [](const char* transform, DataType type) {
    EXPECT_THROW(transform_result_type(parse_transform(transform), type), InvalidInputError)
        << transform << " on " << type.to_string();
    EXPECT_FALSE(transform_accepts(parse_transform(transform), type));
  };
  refuses("bucket[4]", DataType(TypeId::kFloat32));
  refuses("bucket[4]", DataType(TypeId::kFloat64));
  refuses("bucket[4]", DataType(TypeId::kBoolean));
  refuses("year", DataType(TypeId::kString));
  refuses("day", DataType(TypeId::kInt64));
  refuses("hour", DataType(TypeId::kDate));
  refuses("hour", DataType::time());
  refuses("truncate[4]", DataType(TypeId::kDate));
  refuses("truncate[4]", DataType::fixed_binary(4));
  refuses("truncate[4]", DataType(TypeId::kUuid));
  refuses("identity", DataType::list_of(columnar::Field("e", DataType(TypeId::kInt32))));
  EXPECT_THROW(apply_transform(parse_transform("bucket[4]"),
                               column_of<double>(DataType(TypeId::kFloat64), {1.0})),
               InvalidInputError);
  EXPECT_EQ(transform_result_type(parse_transform("bucket[4]"), DataType(TypeId::kUuid)),
            DataType(TypeId::kInt32));
  EXPECT_EQ(transform_result_type(parse_transform("truncate[4]"), DataType(TypeId::kBinary)),
            DataType(TypeId::kBinary));
}

// ---- parsing ----

TEST(ParseTransform, KnownForms) {
  EXPECT_EQ(parse_transform("identity").kind, Kind::kIdentity);
  Transform b = parse_transform("bucket[16]");
  EXPECT_EQ(b.kind, Kind::kBucket);
  EXPECT_EQ(b.param, 16);
  Transform t = parse_transform("truncate[4]");
  EXPECT_EQ(t.kind, Kind::kTruncate);
  EXPECT_EQ(t.param, 4);
  EXPECT_EQ(parse_transform("year").kind, Kind::kYear);
  EXPECT_EQ(parse_transform("month").kind, Kind::kMonth);
  EXPECT_EQ(parse_transform("day").kind, Kind::kDay);
  EXPECT_EQ(parse_transform("hour").kind, Kind::kHour);
  EXPECT_EQ(parse_transform("void").kind, Kind::kVoid);
  // Java matches names case-insensitively.
  EXPECT_EQ(parse_transform("BUCKET[16]"), b);
  EXPECT_EQ(parse_transform("Day").kind, Kind::kDay);
  for (const char* s :
       {"identity", "bucket[16]", "truncate[4]", "year", "month", "day", "hour", "void"})
    EXPECT_EQ(to_string(parse_transform(s)), s);
  EXPECT_EQ(to_string(parse_transform("IDENTITY")), "identity");
}

TEST(ParseTransform, UnknownTransformsAreKeptVerbatim) {
  for (const char* s : {"zorder", "bucket[16](a)", "geohash[3]", "", "Bucket [16]"}) {
    Transform t = parse_transform(s);
    EXPECT_EQ(t.kind, Kind::kUnknown) << s;
    EXPECT_EQ(t.text, s);
    EXPECT_EQ(to_string(t), s);
  }
  Transform z = parse_transform("zorder");
  EXPECT_EQ(transform_result_type(z, DataType(TypeId::kInt32)), DataType(TypeId::kString));
  EXPECT_THROW(apply_transform(z, column_of<int32_t>(DataType(TypeId::kInt32), {1})),
               UnsupportedError);
  ColumnPredicate eq{"x", CompareOp::kEq, column_of<int32_t>(DataType(TypeId::kInt32), {1})};
  EXPECT_FALSE(project_inclusive(z, "x_z", DataType(TypeId::kString), eq).has_value());
}

TEST(ParseTransform, MalformedParametersAreCorrupt) {
  for (const char* s : {"bucket[0]", "bucket[x]", "bucket[]", "bucket[-1]", "truncate[0]",
                        "truncate[1.5]", "bucket[99999999999]", "bucket[+3]", "TRUNCATE[ 3]"})
    EXPECT_THROW(parse_transform(s), CorruptDataError) << s;
}

// ---- partition paths ----

TEST(PartitionPath, TimeTransformsAsJavaPrintsThem) {
  Column years = column_of<int32_t>(DataType(TypeId::kInt32), {54, -1, 0});
  EXPECT_EQ(partition_value_to_path(parse_transform("year"), years, 0), "2024");
  EXPECT_EQ(partition_value_to_path(parse_transform("year"), years, 1), "1969");
  Column months = column_of<int32_t>(DataType(TypeId::kInt32), {(2024 - 1970) * 12 + 2, -1, -12});
  EXPECT_EQ(partition_value_to_path(parse_transform("month"), months, 0), "2024-03");
  EXPECT_EQ(partition_value_to_path(parse_transform("month"), months, 1), "1969-12");
  EXPECT_EQ(partition_value_to_path(parse_transform("month"), months, 2), "1969-01");
  Column day = column_of<int32_t>(DataType(TypeId::kDate), {days("2024-03-01"), -1});
  EXPECT_EQ(partition_value_to_path(parse_transform("day"), day, 0), "2024-03-01");
  EXPECT_EQ(partition_value_to_path(parse_transform("day"), day, 1), "1969-12-31");
  Column hours = column_of<int32_t>(DataType(TypeId::kInt32),
                                    {int32_t(ts_micros("2024-03-01 10:00:00") / 3600000000), -1});
  EXPECT_EQ(partition_value_to_path(parse_transform("hour"), hours, 0), "2024-03-01-10");
  EXPECT_EQ(partition_value_to_path(parse_transform("hour"), hours, 1), "1969-12-31-23");
}

TEST(PartitionPath, IdentityValues) {
  Transform id = parse_transform("identity");
  Column ts = column_of<int64_t>(DataType::timestamp(), {ts_micros("2024-01-01 10:00:00"),
                                                         ts_micros("2024-01-01 10:00:00.5")});
  EXPECT_EQ(partition_value_to_path(id, ts, 0), "2024-01-01T10:00:00");
  EXPECT_EQ(partition_value_to_path(id, ts, 1), "2024-01-01T10:00:00.5");
  Column tz = column_of<int64_t>(DataType::timestamp_tz(), {ts_micros("2024-01-01 10:00:00")});
  EXPECT_EQ(partition_value_to_path(id, tz, 0), "2024-01-01T10:00:00+00:00");
  Column date = column_of<int32_t>(DataType(TypeId::kDate), {days("2024-03-01")});
  EXPECT_EQ(partition_value_to_path(id, date, 0), "2024-03-01");
  Column time = column_of<int64_t>(DataType::time(), {36000000000, 36001500000});
  EXPECT_EQ(partition_value_to_path(id, time, 0), "10:00");  // LocalTime.toString
  EXPECT_EQ(partition_value_to_path(id, time, 1), "10:00:01.500");
  Column bin = strings(DataType(TypeId::kBinary), {std::string_view("\0\1\2\3", 4)});
  EXPECT_EQ(partition_value_to_path(id, bin, 0), "AAECAw==");  // base64, as Java
  Column dec = column_of<__int128>(DataType::decimal(9, 2), {1420});
  EXPECT_EQ(partition_value_to_path(id, dec, 0), "14.20");
  Column tiny = column_of<__int128>(DataType::decimal(10, 9), {1});
  EXPECT_EQ(partition_value_to_path(id, tiny, 0), "1E-9");  // BigDecimal.toString
  Column dbl = column_of<double>(DataType(TypeId::kFloat64), {1.0, 1e7, 0.001, 1e-4, 123.25});
  EXPECT_EQ(partition_value_to_path(id, dbl, 0), "1.0");
  EXPECT_EQ(partition_value_to_path(id, dbl, 1), "1.0E7");
  EXPECT_EQ(partition_value_to_path(id, dbl, 2), "0.001");
  EXPECT_EQ(partition_value_to_path(id, dbl, 3), "1.0E-4");
  EXPECT_EQ(partition_value_to_path(id, dbl, 4), "123.25");
  Column flt = column_of<float>(DataType(TypeId::kFloat32), {0.1f});
  EXPECT_EQ(partition_value_to_path(id, flt, 0), "0.1");
  Column uuid = fixed(DataType(TypeId::kUuid), kUuidBytes);
  EXPECT_EQ(partition_value_to_path(id, uuid, 0), "f79c3e09-677c-4bbd-a479-3f349cb785e7");
  Column b{DataType(TypeId::kBoolean)};
  b.append_bool(false);
  b.append_null();
  EXPECT_EQ(partition_value_to_path(id, b, 0), "false");
  EXPECT_EQ(partition_value_to_path(id, b, 1), "null");
}

TEST(PartitionPath, BucketTruncateVoid) {
  Column buckets = column_of<int32_t>(DataType(TypeId::kInt32), {7});
  EXPECT_EQ(partition_value_to_path(parse_transform("bucket[16]"), buckets, 0), "7");
  Column s = strings(DataType(TypeId::kString), {"ice"});
  EXPECT_EQ(partition_value_to_path(parse_transform("truncate[3]"), s, 0), "ice");
  EXPECT_EQ(partition_value_to_path(parse_transform("void"), s, 0), "null");
}

TEST(PartitionPath, SegmentsAreUrlEncodedLikeJava) {
  EXPECT_EQ(partition_path_segment("ts_day", "2024-03-01"), "ts_day=2024-03-01");
  EXPECT_EQ(partition_path_segment("name", "a b/c"), "name=a+b%2Fc");
  EXPECT_EQ(partition_path_segment("city", "Zürich"), "city=Z%C3%BCrich");
  EXPECT_EQ(partition_path_segment("ts", "2024-01-01T10:00:00+00:00"),
            "ts=2024-01-01T10%3A00%3A00%2B00%3A00");
  EXPECT_EQ(partition_path_segment("my col", "x=y&z*_.-~"), "my+col=x%3Dy%26z*_.-%7E");
  EXPECT_EQ(partition_path_segment("b", "AAECAw=="), "b=AAECAw%3D%3D");
}

// ---- projection ----

ColumnPredicate ts_term(CompareOp op, std::initializer_list<std::string_view> literals,
                        DataType type = DataType::timestamp()) {
  ColumnPredicate p{"ts", op, Column(type)};
  for (auto l : literals) p.values.append<int64_t>(ts_micros(l));
  return p;
}

void expect_dates(const ColumnPredicate& p, CompareOp op, std::vector<std::string_view> dates) {
  EXPECT_EQ(p.column, "ts_day");
  EXPECT_EQ(p.op, op);
  ASSERT_EQ(p.values.type(), DataType(TypeId::kDate));
  ASSERT_EQ(p.values.size(), int64_t(dates.size()));
  for (size_t i = 0; i < dates.size(); ++i)
    EXPECT_EQ(p.values.value<int32_t>(int64_t(i)), days(dates[i])) << i;
}

TEST(Projection, DayOfTimestamp) {
  Transform day = parse_transform("day");
  DataType date(TypeId::kDate);
  auto p = project_inclusive(day, "ts_day", date, ts_term(CompareOp::kGe, {"2024-01-02 10:00"}));
  ASSERT_TRUE(p);
  expect_dates(*p, CompareOp::kGe, {"2024-01-02"});
  // < midnight: the last earlier instant is on 2024-01-01.
  p = project_inclusive(day, "ts_day", date, ts_term(CompareOp::kLt, {"2024-01-02 00:00:00"}));
  ASSERT_TRUE(p);
  expect_dates(*p, CompareOp::kLe, {"2024-01-01"});
  p = project_inclusive(day, "ts_day", date, ts_term(CompareOp::kLt, {"2024-01-02 00:00:01"}));
  ASSERT_TRUE(p);
  expect_dates(*p, CompareOp::kLe, {"2024-01-02"});
  p = project_inclusive(day, "ts_day", date, ts_term(CompareOp::kLe, {"2024-01-02 00:00:00"}));
  ASSERT_TRUE(p);
  expect_dates(*p, CompareOp::kLe, {"2024-01-02"});
  // > the last microsecond of a day starts at the next day.
  p = project_inclusive(day, "ts_day", date,
                        ts_term(CompareOp::kGt, {"2024-01-01 23:59:59.999999"}));
  ASSERT_TRUE(p);
  expect_dates(*p, CompareOp::kGe, {"2024-01-02"});
  p = project_inclusive(day, "ts_day", date, ts_term(CompareOp::kEq, {"2024-01-02 10:00"}));
  ASSERT_TRUE(p);
  expect_dates(*p, CompareOp::kEq, {"2024-01-02"});
  p = project_inclusive(day, "ts_day", date,
                        ts_term(CompareOp::kIn, {"2024-01-02 10:00", "2024-02-03 23:00"}));
  ASSERT_TRUE(p);
  expect_dates(*p, CompareOp::kIn, {"2024-01-02", "2024-02-03"});
  EXPECT_FALSE(
      project_inclusive(day, "ts_day", date, ts_term(CompareOp::kNe, {"2024-01-02 10:00"})));
}

TEST(Projection, PreEpochBoundsWidenForOldWriters) {
  // Java's own example: < day(1969-12-31 10:00:00) gives <= -1, adjusted to <= 0.
  Transform day = parse_transform("day");
  DataType date(TypeId::kDate);
  auto p = project_inclusive(day, "ts_day", date, ts_term(CompareOp::kLt, {"1969-12-31 10:00:00"}));
  ASSERT_TRUE(p);
  expect_dates(*p, CompareOp::kLe, {"1970-01-01"});
  p = project_inclusive(day, "ts_day", date, ts_term(CompareOp::kEq, {"1969-12-31 10:00:00"}));
  ASSERT_TRUE(p);
  expect_dates(*p, CompareOp::kIn, {"1969-12-31", "1970-01-01"});
  p = project_inclusive(day, "ts_day", date, ts_term(CompareOp::kGe, {"1969-12-31 10:00:00"}));
  ASSERT_TRUE(p);
  expect_dates(*p, CompareOp::kGe, {"1969-12-31"});
  // month(1969-12-15) = -1 matches -1 or 0.
  auto m = project_inclusive(parse_transform("month"), "ts_month", DataType(TypeId::kInt32),
                             ts_term(CompareOp::kEq, {"1969-12-15 00:00:00"}));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->op, CompareOp::kIn);
  ASSERT_EQ(m->values.size(), 2);
  EXPECT_EQ(m->values.value<int32_t>(0), -1);
  EXPECT_EQ(m->values.value<int32_t>(1), 0);
}

TEST(Projection, DateSources) {
  ColumnPredicate lt{"d", CompareOp::kLt,
                     column_of<int32_t>(DataType(TypeId::kDate), {days("2024-03-01")})};
  // day(date) is the date itself: < 2024-03-01 is <= 2024-02-29.
  auto p = project_inclusive(parse_transform("day"), "d_day", DataType(TypeId::kDate), lt);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CompareOp::kLe);
  EXPECT_EQ(p->values.value<int32_t>(0), days("2024-02-29"));
  auto m = project_inclusive(parse_transform("month"), "d_month", DataType(TypeId::kInt32), lt);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->op, CompareOp::kLe);
  EXPECT_EQ(m->values.value<int32_t>(0), (2024 - 1970) * 12 + 1);  // February 2024
  ColumnPredicate gt{"d", CompareOp::kGt,
                     column_of<int32_t>(DataType(TypeId::kDate), {days("2023-12-31")})};
  auto y = project_inclusive(parse_transform("year"), "d_year", DataType(TypeId::kInt32), gt);
  ASSERT_TRUE(y);
  EXPECT_EQ(y->op, CompareOp::kGe);
  EXPECT_EQ(y->values.value<int32_t>(0), 54);  // > 2023-12-31 is >= 2024-01-01
}

TEST(Projection, HourOfNanoTimestamp) {
  int64_t micros = ts_micros("2024-01-02 10:00:00");
  ColumnPredicate lt{"ts", CompareOp::kLt,
                     column_of<int64_t>(DataType::timestamp(TimeUnit::kNano), {micros * 1000})};
  auto p = project_inclusive(parse_transform("hour"), "ts_hour", DataType(TypeId::kInt32), lt);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CompareOp::kLe);
  EXPECT_EQ(p->values.value<int32_t>(0), int32_t(micros / 3600000000) - 1);
}

TEST(Projection, BucketOnlyEqualityAndIn) {
  Transform b = parse_transform("bucket[16]");
  DataType i32(TypeId::kInt32);
  ColumnPredicate eq{"id", CompareOp::kEq, column_of<int64_t>(DataType(TypeId::kInt64), {34})};
  auto p = project_inclusive(b, "id_bucket", i32, eq);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->column, "id_bucket");
  EXPECT_EQ(p->op, CompareOp::kEq);
  ASSERT_EQ(p->values.type(), i32);
  EXPECT_EQ(p->values.value<int32_t>(0), low31(2017239379) % 16);
  ColumnPredicate in{"id", CompareOp::kIn, column_of<int64_t>(DataType(TypeId::kInt64), {34, 34})};
  p = project_inclusive(b, "id_bucket", i32, in);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CompareOp::kIn);
  EXPECT_EQ(p->values.size(), 2);
  for (CompareOp op :
       {CompareOp::kLt, CompareOp::kLe, CompareOp::kGt, CompareOp::kGe, CompareOp::kNe}) {
    ColumnPredicate t{"id", op, column_of<int64_t>(DataType(TypeId::kInt64), {34})};
    EXPECT_FALSE(project_inclusive(b, "id_bucket", i32, t)) << int(op);
  }
}

TEST(Projection, NullTestsProjectAsThemselves) {
  for (const char* name : {"identity", "bucket[4]", "truncate[4]", "year", "day", "hour"}) {
    Transform t = parse_transform(name);
    DataType source = t.kind == Kind::kTruncate ? DataType(TypeId::kInt64) : DataType::timestamp();
    DataType pt = transform_result_type(t, source);
    ColumnPredicate isnull{"ts", CompareOp::kIsNull, Column(source)};
    auto p = project_inclusive(t, "part", pt, isnull);
    ASSERT_TRUE(p) << name;
    EXPECT_EQ(p->op, CompareOp::kIsNull);
    EXPECT_EQ(p->column, "part");
    EXPECT_EQ(p->values.size(), 0);
    EXPECT_EQ(p->values.type(), pt);
    ColumnPredicate notnull{"ts", CompareOp::kIsNotNull, Column(source)};
    p = project_inclusive(t, "part", pt, notnull);
    ASSERT_TRUE(p) << name;
    EXPECT_EQ(p->op, CompareOp::kIsNotNull);
  }
  // A null test has no literals: the SQL layer's carries an empty column of no type, and it
  // projects all the same (WHERE ts IS NOT NULL on a day(ts) table).
  for (CompareOp op : {CompareOp::kIsNull, CompareOp::kIsNotNull}) {
    ColumnPredicate untyped{"ts", op, Column(DataType(TypeId::kNull))};
    auto p = project_inclusive(parse_transform("day"), "ts_day", DataType(TypeId::kDate), untyped);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->op, op);
    EXPECT_EQ(p->values.type(), DataType(TypeId::kDate));
  }
  // Literals of a type the transform cannot take are refused.
  ColumnPredicate on_float{"f", CompareOp::kEq, Column(DataType(TypeId::kFloat64))};
  on_float.values.append<double>(1.5);
  EXPECT_THROW(
      project_inclusive(parse_transform("bucket[4]"), "p", DataType(TypeId::kInt32), on_float),
      InvalidInputError);
  // void partition values are all null: nothing about them follows from the source.
  ColumnPredicate notnull{"ts", CompareOp::kIsNotNull, Column(DataType::timestamp())};
  EXPECT_FALSE(project_inclusive(parse_transform("void"), "p", DataType::timestamp(), notnull));
}

TEST(Projection, TruncateIntegers) {
  Transform t = parse_transform("truncate[10]");
  DataType i32(TypeId::kInt32);
  auto project = [&](CompareOp op, int32_t v) {
    return project_inclusive(t, "x_trunc", i32, {"x", op, column_of<int32_t>(i32, {v})});
  };
  auto p = project(CompareOp::kLt, 10);  // x <= 9
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CompareOp::kLe);
  EXPECT_EQ(p->values.value<int32_t>(0), 0);
  p = project(CompareOp::kLe, 10);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CompareOp::kLe);
  EXPECT_EQ(p->values.value<int32_t>(0), 10);
  p = project(CompareOp::kGt, 9);  // x >= 10
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CompareOp::kGe);
  EXPECT_EQ(p->values.value<int32_t>(0), 10);
  p = project(CompareOp::kGe, 15);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CompareOp::kGe);
  EXPECT_EQ(p->values.value<int32_t>(0), 10);
  p = project(CompareOp::kEq, -1);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CompareOp::kEq);
  EXPECT_EQ(p->values.value<int32_t>(0), -10);
  EXPECT_FALSE(project(CompareOp::kNe, 5));
  // No value is below INT_MIN: no narrower bound to state, so no pruning.
  EXPECT_FALSE(project(CompareOp::kLt, INT_MIN));

  ColumnPredicate dec{"d", CompareOp::kLt, column_of<__int128>(DataType::decimal(9, 2), {1050})};
  auto d =
      project_inclusive(parse_transform("truncate[50]"), "d_trunc", DataType::decimal(9, 2), dec);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->op, CompareOp::kLe);
  EXPECT_EQ(d->values.value<__int128>(0), __int128(1000));  // < 10.50 is <= 10.49 -> 10.00
}

TEST(Projection, TruncateStrings) {
  Transform t = parse_transform("truncate[3]");
  DataType str(TypeId::kString);
  auto project = [&](CompareOp op, std::string_view v) {
    return project_inclusive(t, "name_trunc", str, {"name", op, strings(str, {v})});
  };
  auto p = project(CompareOp::kLt, "iceberg");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CompareOp::kLe);
  EXPECT_EQ(p->values.string_at(0), "ice");
  p = project(CompareOp::kGt, "iceberg");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CompareOp::kGe);
  EXPECT_EQ(p->values.string_at(0), "ice");
  p = project(CompareOp::kEq, "iceberg");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CompareOp::kEq);
  EXPECT_EQ(p->values.string_at(0), "ice");
  EXPECT_FALSE(project(CompareOp::kNe, "iceberg"));
  ColumnPredicate in{"name", CompareOp::kIn, strings(str, {"iceberg", "ab"})};
  p = project_inclusive(t, "name_trunc", str, in);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CompareOp::kIn);
  EXPECT_EQ(p->values.string_at(0), "ice");
  EXPECT_EQ(p->values.string_at(1), "ab");
}

TEST(Projection, IdentityKeepsOpAndRetypesLiterals) {
  Transform id = parse_transform("identity");
  ColumnPredicate ne{"x", CompareOp::kNe, column_of<int32_t>(DataType(TypeId::kInt32), {5})};
  auto p = project_inclusive(id, "x", DataType(TypeId::kInt32), ne);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CompareOp::kNe);
  EXPECT_EQ(p->values.value<int32_t>(0), 5);
  // A partition field recorded as long (the source promoted from int) gets long literals.
  ColumnPredicate lt{"x", CompareOp::kLt, column_of<int32_t>(DataType(TypeId::kInt32), {7})};
  p = project_inclusive(id, "x", DataType(TypeId::kInt64), lt);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, CompareOp::kLt);
  ASSERT_EQ(p->values.type(), DataType(TypeId::kInt64));
  EXPECT_EQ(p->values.value<int64_t>(0), 7);
  // A partition type the literals cannot become: no pruning rather than a wrong one.
  EXPECT_FALSE(project_inclusive(id, "x", DataType(TypeId::kString), lt));
}

}  // namespace
}  // namespace floe::iceberg
