// Avro: schema parse/print round trips (Iceberg manifest shapes with field-id), datum
// round trips for every type, object container files with every codec, schema
// resolution, and malformed input that must throw CorruptDataError.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <string>
#include <vector>

#include "base/error.h"
#include "formats/avro/avro_file.h"
#include "formats/avro/avro_schema.h"
#include "formats/avro/avro_value.h"

namespace floe::avro {
namespace {

using Bytes = std::vector<uint8_t>;

const char* kManifestEntry = R"({
  "type": "record", "name": "manifest_entry", "namespace": "org.apache.iceberg",
  "fields": [
    {"name": "status", "type": "int", "field-id": 0},
    {"name": "snapshot_id", "type": ["null", "long"], "default": null, "field-id": 1},
    {"name": "data_file", "field-id": 2, "type": {
      "type": "record", "name": "r2", "fields": [
        {"name": "content", "type": "int", "field-id": 134, "doc": "Contents of the file"},
        {"name": "file_path", "type": "string", "field-id": 100},
        {"name": "file_format", "type": "string", "field-id": 101},
        {"name": "partition", "field-id": 102, "type": {"type": "record", "name": "r102",
          "fields": [{"name": "day", "type": ["null", {"type": "int", "logicalType": "date"}],
                      "default": null, "field-id": 1000}]}},
        {"name": "record_count", "type": "long", "field-id": 103},
        {"name": "column_sizes", "default": null, "field-id": 108, "type": ["null",
          {"type": "array", "logicalType": "map", "items": {"type": "record", "name": "k117_v118",
            "fields": [{"name": "key", "type": "int", "field-id": 117},
                       {"name": "value", "type": "long", "field-id": 118}]}}]},
        {"name": "key_metadata", "type": ["null", "bytes"], "default": null, "field-id": 131},
        {"name": "sort_order_id", "type": ["null", "int"], "default": null, "field-id": 140}
      ]}}
  ]})";

AvroSchemaPtr parse(const std::string& s) { return parse_avro_schema(s); }

Bytes encode(const AvroValue& v, const AvroSchema& s) {
  Buffer b;
  encode_datum(v, s, b);
  return Bytes(b.data(), b.data() + b.size());
}

AvroValue decode(const Bytes& b, const AvroSchema& s) {
  ByteReader in(b.data(), b.size(), "test");
  AvroValue v = decode_datum(in, s);
  EXPECT_EQ(in.remaining(), 0u);
  return v;
}

AvroValue decode(const Bytes& b, const AvroSchema& w, const AvroSchema& r) {
  ByteReader in(b.data(), b.size(), "test");
  AvroValue v = decode_datum(in, w, r);
  EXPECT_EQ(in.remaining(), 0u);
  return v;
}

TEST(AvroSchemaTest, ParsesManifestEntryWithFieldIds) {
  auto s = parse(kManifestEntry);
  ASSERT_EQ(s->type, AvroType::kRecord);
  EXPECT_EQ(s->name, "org.apache.iceberg.manifest_entry");
  ASSERT_EQ(s->fields.size(), 3u);
  EXPECT_EQ(s->fields[0].attributes["field-id"], 0);
  const auto& snap = *s->fields[1].schema;
  ASSERT_EQ(snap.type, AvroType::kUnion);
  EXPECT_EQ(snap.branches[0]->type, AvroType::kNull);
  EXPECT_EQ(snap.branches[1]->type, AvroType::kLong);
  ASSERT_TRUE(s->fields[1].default_value.has_value());
  EXPECT_TRUE(s->fields[1].default_value->is_null());
  const auto& df = *s->fields[2].schema;
  EXPECT_EQ(df.name, "org.apache.iceberg.r2");
  EXPECT_EQ(df.fields[0].attributes["doc"], "Contents of the file");
  const auto& part = *df.fields[3].schema;
  EXPECT_EQ(part.fields[0].schema->branches[1]->logical_type, "date");
  const auto& sizes = *df.fields[5].schema->branches[1];
  EXPECT_EQ(sizes.type, AvroType::kArray);
  EXPECT_EQ(sizes.logical_type, "map");
  EXPECT_EQ(sizes.items->fields[1].attributes["field-id"], 118);
}

TEST(AvroSchemaTest, PrintParseRoundTrip) {
  for (const std::string& text :
       {std::string(kManifestEntry), std::string(R"("string")"), std::string(R"(["null","double"])"),
        std::string(R"({"type":"map","values":{"type":"fixed","name":"f16","size":16}})"),
        std::string(R"({"type":"enum","name":"e","namespace":"a.b","symbols":["X","Y"],"default":"X"})"),
        std::string(R"({"type":"bytes","logicalType":"decimal","precision":9,"scale":2})")}) {
    auto s = parse(text);
    std::string printed = to_json(*s);
    auto again = parse(printed);
    EXPECT_EQ(to_json(*again), printed) << text;
  }
  // field-id and other attributes survive.
  std::string printed = to_json(*parse(kManifestEntry));
  EXPECT_NE(printed.find("\"field-id\":140"), std::string::npos);
  EXPECT_NE(printed.find("\"logicalType\":\"date\""), std::string::npos);
}

TEST(AvroSchemaTest, ResolvesNamedTypesWithNamespaces) {
  auto s = parse(R"({"type":"record","name":"Outer","namespace":"n1","fields":[
    {"name":"a","type":{"type":"fixed","name":"Hash","size":4}},
    {"name":"b","type":"Hash"},
    {"name":"c","type":"n1.Hash"},
    {"name":"d","type":{"type":"enum","name":"other.Color","symbols":["R","G"]}},
    {"name":"e","type":"other.Color"}]})");
  EXPECT_EQ(s->fields[1].schema, s->fields[0].schema);
  EXPECT_EQ(s->fields[2].schema, s->fields[0].schema);
  EXPECT_EQ(s->fields[4].schema->name, "other.Color");
  // Reused named types print once, then by name, and read back.
  auto again = parse(to_json(*s));
  EXPECT_EQ(to_json(*again), to_json(*s));
}

TEST(AvroSchemaTest, RejectsMalformedSchemas) {
  for (const char* bad :
       {"", "{", "42", R"({"type":"record","name":"r"})", R"({"type":"nosuch"})",
        R"({"type":"array"})", R"({"type":"fixed","name":"f","size":-1})",
        R"(["int","int"])", R"([["int"]])",
        R"({"type":"record","name":"r","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]})",
        R"({"type":"record","name":"r","fields":[{"name":"a","type":"Unknown"}]})",
        R"({"type":"enum","name":"e","symbols":[1]})"}) {
    EXPECT_THROW(parse(bad), CorruptDataError) << bad;
  }
  EXPECT_THROW(parse(R"({"type":"record","name":"r","fields":[{"name":"a","type":["null","r"]}]})"),
               UnsupportedError);
}

TEST(AvroSchemaTest, RejectsDeepNesting) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += R"({"type":"array","items":)";
  deep += "\"int\"";
  for (int i = 0; i < 100; ++i) deep += "}";
  EXPECT_THROW(parse(deep), CorruptDataError);
  std::string very_deep(100000, '[');
  EXPECT_THROW(parse(very_deep), CorruptDataError);
  std::string ok;
  for (int i = 0; i < 30; ++i) ok += R"({"type":"array","items":)";
  ok += "\"int\"";
  for (int i = 0; i < 30; ++i) ok += "}";
  EXPECT_NO_THROW(parse(ok));
}

TEST(AvroDatumTest, PrimitiveRoundTrips) {
  auto check = [](const char* schema, const AvroValue& v) {
    auto s = parse(schema);
    EXPECT_EQ(decode(encode(v, *s), *s), v) << schema;
  };
  check(R"("null")", AvroValue());
  check(R"("boolean")", AvroValue(true));
  check(R"("boolean")", AvroValue(false));
  for (int32_t i : {0, 1, -1, 63, -64, 64, INT32_MAX, INT32_MIN}) check(R"("int")", AvroValue(i));
  for (int64_t i : {int64_t(0), int64_t(-1), INT64_MAX, INT64_MIN, int64_t(1) << 40})
    check(R"("long")", AvroValue(i));
  check(R"("float")", AvroValue(3.5f));
  check(R"("double")", AvroValue(-2.25));
  check(R"("bytes")", AvroValue(std::string("\0\xff\x01", 3)));
  check(R"("string")", AvroValue("héllo"));
  check(R"("string")", AvroValue(""));
  check(R"({"type":"fixed","name":"f","size":3})", AvroValue("abc"));
  check(R"({"type":"enum","name":"e","symbols":["A","B","C"]})", AvroValue("C"));
}

TEST(AvroDatumTest, KnownEncodings) {
  // Spec examples: zigzag varints and strings.
  EXPECT_EQ(encode(AvroValue(int64_t(-64)), *parse(R"("long")")), (Bytes{0x7f}));
  EXPECT_EQ(encode(AvroValue(int64_t(64)), *parse(R"("long")")), (Bytes{0x80, 0x01}));
  EXPECT_EQ(encode(AvroValue("foo"), *parse(R"("string")")), (Bytes{0x06, 'f', 'o', 'o'}));
  EXPECT_EQ(encode(AvroValue(AvroArray{AvroValue(int64_t(3)), AvroValue(int64_t(27))}),
                   *parse(R"({"type":"array","items":"long"})")),
            (Bytes{0x04, 0x06, 0x36, 0x00}));
  EXPECT_EQ(encode(AvroValue::make_union(1, AvroValue("a")), *parse(R"(["null","string"])")),
            (Bytes{0x02, 0x02, 'a'}));
  // A plain value takes the first union branch it fits.
  EXPECT_EQ(encode(AvroValue(), *parse(R"(["null","string"])")), (Bytes{0x00}));
}

TEST(AvroDatumTest, ComplexRoundTrips) {
  auto s = parse(kManifestEntry);
  const auto& df = s->fields[2].schema;
  const auto& part = df->fields[3].schema;
  const auto& pair = df->fields[5].schema->branches[1]->items;
  AvroArray sizes;
  for (int i = 0; i < 5; ++i)
    sizes.push_back(AvroValue::make_record(pair, {AvroValue(int32_t(i)), AvroValue(int64_t(i * 100))}));
  AvroValue data_file = AvroValue::make_record(
      df, {AvroValue(int32_t(0)), AvroValue("s3://b/x.parquet"), AvroValue("PARQUET"),
           AvroValue::make_record(part, {AvroValue::make_union(1, AvroValue(int32_t(19000)))}),
           AvroValue(int64_t(1234)), AvroValue::make_union(1, AvroValue(std::move(sizes))),
           AvroValue::make_union(0, AvroValue()), AvroValue::make_union(1, AvroValue(int32_t(7)))});
  AvroValue entry = AvroValue::make_record(
      s, {AvroValue(int32_t(1)), AvroValue::make_union(1, AvroValue(int64_t(99))), data_file});
  AvroValue back = decode(encode(entry, *s), *s);
  EXPECT_EQ(back, entry);
  EXPECT_EQ(back["data_file"]["file_path"].as_string(), "s3://b/x.parquet");
  EXPECT_EQ(back["snapshot_id"].unwrapped().as_long(), 99);
  EXPECT_EQ(back["data_file"]["column_sizes"].unwrapped().as_array().size(), 5u);

  auto m = parse(R"({"type":"map","values":["null","double"]})");
  AvroValue map(AvroMap{{"a", AvroValue::make_union(1, AvroValue(1.5))},
                        {"b", AvroValue::make_union(0, AvroValue())}});
  EXPECT_EQ(decode(encode(map, *m), *m), map);
  EXPECT_EQ(decode(encode(AvroValue(AvroMap{}), *m), *m), AvroValue(AvroMap{}));
}

TEST(AvroDatumTest, NegativeBlockCountsWithSizes) {
  auto s = parse(R"({"type":"array","items":"int"})");
  // Block of -2 items with byte size 2, then block of 1, then end.
  Bytes b = {0x03, 0x04, 0x02, 0x04, 0x02, 0x06, 0x00};
  AvroValue v = decode(b, *s);
  ASSERT_EQ(v.as_array().size(), 3u);
  EXPECT_EQ(v.as_array()[2].as_int(), 3);
}

TEST(AvroDatumTest, EncodeRejectsMismatchedValues) {
  EXPECT_THROW(encode(AvroValue("x"), *parse(R"("int")")), InvalidInputError);
  EXPECT_THROW(encode(AvroValue("Z"), *parse(R"({"type":"enum","name":"e","symbols":["A"]})")),
               InvalidInputError);
  EXPECT_THROW(encode(AvroValue("ab"), *parse(R"({"type":"fixed","name":"f","size":3})")),
               InvalidInputError);
  EXPECT_THROW(encode(AvroValue::make_union(5, AvroValue()), *parse(R"(["null","int"])")),
               InvalidInputError);
}

TEST(AvroDatumTest, MalformedDatumsThrow) {
  auto expect_corrupt = [](const char* schema, Bytes b) {
    auto s = parse(schema);
    ByteReader in(b.data(), b.size(), "test");
    EXPECT_THROW(decode_datum(in, *s), CorruptDataError) << schema;
  };
  expect_corrupt(R"("string")", {0x01});                // negative length
  expect_corrupt(R"("string")", {0x0a, 'a'});           // length beyond the end
  expect_corrupt(R"("bytes")", {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
  expect_corrupt(R"("int")", {0x80, 0x80, 0x80, 0x80, 0x80, 0x01});  // beyond int32
  expect_corrupt(R"("long")", {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
  expect_corrupt(R"("boolean")", {0x02});
  expect_corrupt(R"("double")", {0x00, 0x00});
  expect_corrupt(R"(["null","int"])", {0x04});
  expect_corrupt(R"(["null","int"])", {0x01});
  expect_corrupt(R"({"type":"enum","name":"e","symbols":["A"]})", {0x02});
  expect_corrupt(R"({"type":"array","items":"int"})", {0xfe, 0xff, 0xff, 0xff, 0x0f, 0x02});
  expect_corrupt(R"({"type":"array","items":"int"})", {0x01, 0x7e});  // -1 items, size -64
  expect_corrupt(R"({"type":"array","items":"null"})",
                 {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});  // 2^62 nulls
  expect_corrupt(R"({"type":"map","values":"int"})", {0x02, 0x02});
  expect_corrupt(R"({"type":"array","items":"int"})", {0x02, 0x02});  // no end marker
}

TEST(AvroResolutionTest, RecordFieldsByNameWithDefaults) {
  auto writer = parse(R"({"type":"record","name":"r","fields":[
    {"name":"a","type":"int"},{"name":"gone","type":{"type":"array","items":"string"}},
    {"name":"b","type":"string"},{"name":"c","type":["null","long"]}]})");
  auto reader = parse(R"({"type":"record","name":"r","fields":[
    {"name":"b","type":"string"},{"name":"a","type":"long"},
    {"name":"added","type":["null","int"],"default":null},
    {"name":"num","type":"double","default":2.5},
    {"name":"c","type":["null","long"]}]})");
  AvroValue w = AvroValue::make_record(
      writer, {AvroValue(int32_t(7)), AvroValue(AvroArray{AvroValue("x"), AvroValue("y")}),
               AvroValue("bee"), AvroValue::make_union(1, AvroValue(int64_t(5)))});
  AvroValue r = decode(encode(w, *writer), *writer, *reader);
  EXPECT_EQ(r["b"].as_string(), "bee");
  EXPECT_EQ(r["a"].as_long(), 7);
  EXPECT_TRUE(r["added"].unwrapped().is_null());
  EXPECT_EQ(r["num"].as_double(), 2.5);
  EXPECT_EQ(r["c"].unwrapped().as_long(), 5);

  auto strict = parse(R"({"type":"record","name":"r","fields":[{"name":"missing","type":"int"}]})");
  Bytes b = encode(w, *writer);
  ByteReader in(b.data(), b.size(), "test");
  EXPECT_THROW(decode_datum(in, *writer, *strict), InvalidInputError);
}

TEST(AvroResolutionTest, PromotionAndUnions) {
  auto i = parse(R"("int")");
  auto l = parse(R"("long")");
  auto f = parse(R"("float")");
  auto d = parse(R"("double")");
  Bytes b = encode(AvroValue(int32_t(-3)), *i);
  EXPECT_EQ(decode(b, *i, *l), AvroValue(int64_t(-3)));
  EXPECT_EQ(decode(b, *i, *f), AvroValue(-3.0f));
  EXPECT_EQ(decode(b, *i, *d), AvroValue(-3.0));
  EXPECT_EQ(decode(encode(AvroValue(int64_t(1) << 40), *l), *l, *d), AvroValue(double(int64_t(1) << 40)));
  EXPECT_EQ(decode(encode(AvroValue(1.5f), *f), *f, *d), AvroValue(1.5));
  // non-union writer, union reader
  auto u = parse(R"(["null","long"])");
  EXPECT_EQ(decode(b, *i, *u), AvroValue::make_union(1, AvroValue(int64_t(-3))));
  // union writer, non-union reader
  Bytes ub = encode(AvroValue::make_union(1, AvroValue(int64_t(9))), *u);
  EXPECT_EQ(decode(ub, *u, *d), AvroValue(9.0));
  Bytes nb = encode(AvroValue::make_union(0, AvroValue()), *u);
  ByteReader in(nb.data(), nb.size(), "test");
  EXPECT_THROW(decode_datum(in, *u, *l), InvalidInputError);
  // union to union with reordered branches
  auto u2 = parse(R"(["long","null"])");
  EXPECT_EQ(decode(ub, *u, *u2), AvroValue::make_union(0, AvroValue(int64_t(9))));
  // incompatible
  Bytes sb = encode(AvroValue("s"), *parse(R"("string")"));
  ByteReader in2(sb.data(), sb.size(), "test");
  EXPECT_THROW(decode_datum(in2, *parse(R"("string")"), *l), InvalidInputError);
}

AvroSchemaPtr file_schema() {
  return parse(R"({"type":"record","name":"row","fields":[
    {"name":"id","type":"long","field-id":1},
    {"name":"name","type":["null","string"],"default":null,"field-id":2},
    {"name":"tags","type":{"type":"map","values":"int"},"field-id":3}]})");
}

AvroValue file_row(const AvroSchemaPtr& s, int64_t i) {
  AvroValue name = i % 3 == 0 ? AvroValue::make_union(0, AvroValue())
                              : AvroValue::make_union(1, AvroValue("name-" + std::to_string(i)));
  return AvroValue::make_record(
      s, {AvroValue(i), name, AvroValue(AvroMap{{"k", AvroValue(int32_t(i % 100))}})});
}

TEST(AvroFileTest, RoundTripEveryCodecSeveralBlocks) {
  for (const char* codec : {"null", "deflate", "snappy", "zstandard"}) {
    auto s = file_schema();
    AvroFileWriter w(s, codec, {{"iceberg.schema-id", "3"}});
    constexpr int64_t kRows = 9500;
    for (int64_t i = 0; i < kRows; ++i) w.append(file_row(s, i));
    Buffer file = w.finish();
    EXPECT_GE(w.blocks_written(), 3u) << codec;
    AvroFileReader r(file.span(), "test.avro");
    EXPECT_EQ(r.codec(), codec);
    EXPECT_EQ(r.metadata().at("iceberg.schema-id"), "3");
    EXPECT_EQ(to_json(*r.writer_schema()), to_json(*s));
    AvroValue v;
    int64_t n = 0;
    while (r.next(v)) {
      ASSERT_EQ(v, file_row(s, n)) << codec << " row " << n;
      ++n;
    }
    EXPECT_EQ(n, kRows) << codec;
  }
}

TEST(AvroFileTest, EmptyFileAndReaderSchema) {
  auto s = file_schema();
  AvroFileWriter empty(s, "null");
  Buffer e = empty.finish();
  AvroFileReader er(e.span(), "empty.avro");
  AvroValue v;
  EXPECT_FALSE(er.next(v));

  AvroFileWriter w(s, "deflate");
  for (int64_t i = 0; i < 10; ++i) w.append(file_row(s, i));
  Buffer file = w.finish();
  AvroFileReader r(file.span(), "test.avro");
  r.set_reader_schema(parse(R"({"type":"record","name":"row","fields":[
    {"name":"name","type":["null","string"],"default":null},
    {"name":"id","type":"long"},{"name":"extra","type":"int","default":42}]})"));
  int64_t n = 0;
  while (r.next(v)) {
    EXPECT_EQ(v["id"].as_long(), n);
    EXPECT_EQ(v["extra"].as_int(), 42);
    ++n;
  }
  EXPECT_EQ(n, 10);
}

TEST(AvroFileTest, UnknownCodec) {
  EXPECT_THROW(AvroFileWriter(file_schema(), "bzip2"), UnsupportedError);
  AvroFileWriter w(file_schema(), "null");
  Buffer file = w.finish();
  // Patch the codec name "null" in the header to "xzxz".
  Bytes b(file.data(), file.data() + file.size());
  std::string text(b.begin(), b.end());
  size_t at = text.find("avro.codec");
  ASSERT_NE(at, std::string::npos);
  size_t val = text.find("null", at);
  std::memcpy(b.data() + val, "xzxz", 4);
  EXPECT_THROW(AvroFileReader(b, "x.avro"), UnsupportedError);
}

Bytes sample_file(const char* codec) {
  auto s = file_schema();
  AvroFileWriter w(s, codec);
  for (int64_t i = 0; i < 50; ++i) w.append(file_row(s, i));
  Buffer f = w.finish();
  return Bytes(f.data(), f.data() + f.size());
}

void read_all(const Bytes& b) {
  AvroFileReader r(b, "bad.avro");
  AvroValue v;
  while (r.next(v)) {
  }
}

TEST(AvroFileTest, MalformedFilesThrowCorruptData) {
  for (const char* codec : {"null", "deflate", "snappy", "zstandard"}) {
    Bytes good = sample_file(codec);
    EXPECT_NO_THROW(read_all(good));
    Bytes bad_magic = good;
    bad_magic[3] = 2;
    EXPECT_THROW(read_all(bad_magic), CorruptDataError) << codec;
    Bytes bad_sync = good;
    bad_sync.back() ^= 0xff;
    EXPECT_THROW(read_all(bad_sync), CorruptDataError) << codec;
    // Every truncation is an error, never a crash, except cutting right after the
    // header, which leaves a valid empty file.
    size_t header_size = AvroFileWriter(file_schema(), codec).finish().size();
    for (size_t n = 0; n + 1 < good.size(); n += (n < 300 ? 1 : 7)) {
      if (n == header_size) continue;
      Bytes t(good.begin(), good.begin() + long(n));
      EXPECT_THROW(read_all(t), CorruptDataError) << codec << " truncated at " << n;
    }
    // Flipped bytes: either read or a floe error, never UB.
    for (size_t i = 0; i < good.size(); i += 3) {
      Bytes f = good;
      f[i] ^= 0x5a;
      try {
        read_all(f);
      } catch (const Error&) {
      }
    }
  }
  // Snappy checksum mismatch is detected: corrupt the stored CRC (just before the sync).
  Bytes snappy = sample_file("snappy");
  snappy[snappy.size() - 17] ^= 1;
  EXPECT_THROW(read_all(snappy), CorruptDataError);
}

TEST(AvroResolutionTest, DefaultsOfEveryKind) {
  auto writer = parse(R"({"type":"record","name":"r","fields":[{"name":"a","type":"int"}]})");
  auto reader = parse(R"({"type":"record","name":"r","fields":[
    {"name":"a","type":"int"},
    {"name":"b","type":"bytes","default":"\u00ff\u0001"},
    {"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y"]},"default":"Y"},
    {"name":"arr","type":{"type":"array","items":"long"},"default":[1,2]},
    {"name":"m","type":{"type":"map","values":"string"},"default":{"k":"v"}},
    {"name":"u","type":["string","null"],"default":"s"},
    {"name":"rec","type":{"type":"record","name":"in","fields":[{"name":"x","type":"int"}]},
     "default":{"x":5}}]})");
  AvroValue r = decode(encode(AvroValue::make_record(writer, {AvroValue(int32_t(1))}), *writer), *writer,
                       *reader);
  EXPECT_EQ(r["b"].as_string(), std::string("\xff\x01", 2));
  EXPECT_EQ(r["e"].as_string(), "Y");
  EXPECT_EQ(r["arr"].as_array().size(), 2u);
  EXPECT_EQ(r["m"].as_map()[0].second.as_string(), "v");
  EXPECT_EQ(r["u"].unwrapped().as_string(), "s");
  EXPECT_EQ(r["rec"]["x"].as_int(), 5);
  auto bad = parse(R"({"type":"record","name":"r","fields":[
    {"name":"z","type":"int","default":4294967296}]})");
  Bytes b = encode(AvroValue::make_record(writer, {AvroValue(int32_t(1))}), *writer);
  ByteReader in(b.data(), b.size(), "test");
  EXPECT_THROW(decode_datum(in, *writer, *bad), InvalidInputError);
}

TEST(AvroFileTest, HugeAndNegativeLengthsInHeader) {
  Bytes b = {'O', 'b', 'j', 1};
  Bytes huge = b;
  for (uint8_t x : {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}) huge.push_back(x);
  EXPECT_THROW(AvroFileReader(huge, "h.avro"), CorruptDataError);
  Bytes neg = b;
  neg.push_back(0x02);  // one entry
  neg.push_back(0x03);  // key length -2
  EXPECT_THROW(AvroFileReader(neg, "n.avro"), CorruptDataError);
  Bytes no_schema = b;
  no_schema.push_back(0x00);
  for (int i = 0; i < 16; ++i) no_schema.push_back(uint8_t(i));
  EXPECT_THROW(AvroFileReader(no_schema, "s.avro"), CorruptDataError);
}

TEST(AvroFileTest, ReadsRawDeflateWrittenByZlib) {
  // A block compressed independently with raw deflate (windowBits -15), as Java writes.
  auto s = parse(R"("string")");
  Buffer data;
  encode_datum(AvroValue("hello avro"), *s, data);
  z_stream zs{};
  ASSERT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes comp(256);
  zs.next_in = data.data();
  zs.avail_in = uInt(data.size());
  zs.next_out = comp.data();
  zs.avail_out = uInt(comp.size());
  ASSERT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  comp.resize(zs.total_out);
  deflateEnd(&zs);

  AvroFileWriter header_only(s, "deflate");
  Buffer h = header_only.finish();
  Bytes f(h.data(), h.data() + h.size());
  Bytes sync(f.end() - 16, f.end());
  f.push_back(0x02);  // 1 object
  f.push_back(uint8_t(comp.size() * 2));
  f.insert(f.end(), comp.begin(), comp.end());
  f.insert(f.end(), sync.begin(), sync.end());
  AvroFileReader r(f, "z.avro");
  AvroValue v;
  ASSERT_TRUE(r.next(v));
  EXPECT_EQ(v.as_string(), "hello avro");
  EXPECT_FALSE(r.next(v));
}

}  // namespace
}  // namespace floe::avro
