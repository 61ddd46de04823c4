// Table metadata JSON (v1, v2, v3 as other writers produce it), manifests and manifest
// lists (round trips with inheritance), schemas with nested ids, bound truncation.
#include "iceberg/table_metadata.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "iceberg/data_file_metrics.h"
#include "iceberg/manifest_io.h"
#include "iceberg/table_creation.h"
#include "iceberg/table_operations.h"
#include "iceberg/table_update.h"

namespace floe::iceberg {
namespace {

using columnar::DataType;
using columnar::TypeId;

// As Java writes a v2 table with one snapshot (fields in Java's order, -1-free).
const char* kJavaV2 = R"({
  "format-version" : 2, "table-uuid" : "9c12d441-03fe-4693-9a96-a0705ddf69c1",
  "location" : "s3://bucket/test/location", "last-sequence-number" : 34,
  "last-updated-ms" : 1602638573590, "last-column-id" : 5, "current-schema-id" : 1,
  "schemas" : [ {"type" : "struct", "schema-id" : 0, "fields" : [ {"id" : 1, "name" : "x", "required" : true, "type" : "long"} ]},
    {"type" : "struct", "schema-id" : 1, "identifier-field-ids" : [ 1, 2 ], "fields" : [
      {"id" : 1, "name" : "x", "required" : true, "type" : "long"},
      {"id" : 2, "name" : "y", "required" : true, "type" : "long", "doc" : "comment"},
      {"id" : 3, "name" : "z", "required" : true, "type" : "long"},
      {"id" : 4, "name" : "tags", "required" : false, "type" : {"type" : "list", "element-id" : 5, "element" : "string", "element-required" : false}} ]} ],
  "default-spec-id" : 0,
  "partition-specs" : [ {"spec-id" : 0, "fields" : [ {"name" : "x", "transform" : "identity", "source-id" : 1, "field-id" : 1000} ]} ],
  "last-partition-id" : 1000, "default-sort-order-id" : 3,
  "sort-orders" : [ {"order-id" : 3, "fields" : [ {"transform" : "identity", "source-id" : 2, "direction" : "asc", "null-order" : "nulls-first"},
      {"transform" : "bucket[4]", "source-id" : 3, "direction" : "desc", "null-order" : "nulls-last"} ]} ],
  "properties" : { "read.split.target.size" : "134217728" },
  "current-snapshot-id" : 3055729675574597004,
  "refs" : { "main" : { "snapshot-id" : 3055729675574597004, "type" : "branch" },
             "v1" : { "snapshot-id" : 3051729675574597004, "type" : "tag", "max-ref-age-ms" : 86400000 } },
  "snapshots" : [ {"snapshot-id" : 3051729675574597004, "timestamp-ms" : 1515100955770, "sequence-number" : 0,
      "summary" : {"operation" : "append"}, "manifest-list" : "s3://a/b/1.avro"},
    {"snapshot-id" : 3055729675574597004, "parent-snapshot-id" : 3051729675574597004, "timestamp-ms" : 1555100955770,
      "sequence-number" : 1, "summary" : {"operation" : "append"}, "manifest-list" : "s3://a/b/2.avro", "schema-id" : 1} ],
  "statistics" : [ ], "partition-statistics" : [ ],
  "snapshot-log" : [ {"timestamp-ms" : 1515100955770, "snapshot-id" : 3051729675574597004},
    {"timestamp-ms" : 1555100955770, "snapshot-id" : 3055729675574597004} ],
  "metadata-log" : [ {"timestamp-ms" : 1515100, "metadata-file" : "s3://bucket/.../v1.json"} ]
})";

TEST(TableMetadata, ReadsJavaV2AndRoundTrips) {
  TableMetadata m = parse_table_metadata(kJavaV2);
  EXPECT_EQ(m.format_version, 2);
  EXPECT_EQ(m.last_sequence_number, 34);
  EXPECT_EQ(m.current_schema().schema.fields.size(), 4u);
  EXPECT_EQ(m.current_schema().identifier_field_ids, (std::vector<int32_t>{1, 2}));
  const auto& tags = m.current_schema().schema.fields[3];
  EXPECT_EQ(tags.type.id(), TypeId::kList);
  EXPECT_EQ(*tags.type.children()[0].field_id, 5);
  EXPECT_EQ(m.default_spec().fields[0].field_id, 1000);
  ASSERT_NE(m.sort_order_by_id(3), nullptr);
  EXPECT_EQ(m.sort_order_by_id(3)->fields[1].transform.kind, Transform::Kind::kBucket);
  EXPECT_EQ(m.refs.at("v1").type, "tag");
  EXPECT_EQ(*m.refs.at("v1").max_ref_age_ms, 86400000);
  EXPECT_EQ(m.current_snapshot()->parent_snapshot_id, 3051729675574597004);
  EXPECT_EQ(m.snapshot_as_of(1515100955770 + 5)->snapshot_id, 3051729675574597004);
  EXPECT_EQ(m.snapshot_as_of(1515100955770 - 1), nullptr);
  EXPECT_EQ(m.schema_for(m.snapshot_by_id(3051729675574597004)).schema_id, 1);
  // Writing and reading again gives the same metadata.
  TableMetadata again = parse_table_metadata(table_metadata_to_string(m));
  EXPECT_EQ(table_metadata_to_json(again), table_metadata_to_json(m));
}

TEST(TableMetadata, ReadsV1AndV3) {
  TableMetadata v1 = parse_table_metadata(R"({"format-version": 1, "location": "/t",
    "last-updated-ms": 1, "last-column-id": 2,
    "schema": {"type": "struct", "fields": [{"id": 1, "name": "a", "required": false, "type": "int"},
                                           {"id": 2, "name": "b", "required": false, "type": "timestamptz"}]},
    "partition-spec": [{"name": "b_day", "transform": "day", "source-id": 2}],
    "current-snapshot-id": -1, "properties": {}})");
  EXPECT_EQ(v1.current_snapshot(), nullptr);
  EXPECT_EQ(v1.default_spec().fields[0].field_id, 1000);
  EXPECT_EQ(v1.last_partition_id, 1000);
  EXPECT_EQ(v1.current_schema().schema.fields[1].type, DataType::timestamp_tz());
  TableMetadata v3 = parse_table_metadata(R"({"format-version": 3, "table-uuid": "u",
    "location": "/t", "last-sequence-number": 0, "last-updated-ms": 1, "last-column-id": 1,
    "next-row-id": 42, "current-schema-id": 0, "current-snapshot-id": null,
    "schemas": [{"type": "struct", "schema-id": 0, "fields": [{"id": 1, "name": "a", "required": true, "type": "timestamp_ns"}]}],
    "partition-specs": [{"spec-id": 0, "fields": [{"name": "z", "transform": "zorder", "source-ids": [1], "field-id": 1000}]}],
    "default-spec-id": 0, "last-partition-id": 1000, "sort-orders": [{"order-id": 0, "fields": []}],
    "default-sort-order-id": 0})");
  EXPECT_EQ(*v3.next_row_id, 42);
  EXPECT_EQ(v3.default_spec().fields[0].transform.kind, Transform::Kind::kUnknown);
  EXPECT_EQ(v3.current_schema().schema.fields[0].type,
            DataType::timestamp(columnar::TimeUnit::kNano));
}

TEST(TableMetadata, MalformedIsAClearError) {
  EXPECT_THROW(parse_table_metadata("{"), CorruptDataError);
  EXPECT_THROW(parse_table_metadata(R"({"format-version": 9})"), UnsupportedError);
  try {
    parse_table_metadata(R"({"format-version": 2, "table-uuid": "u", "location": "/t",
      "last-updated-ms": 1, "last-column-id": 1, "schemas": [{"type": "struct", "fields": [
      {"id": 1, "name": "a", "required": true, "type": "lng"}]}]})");
    FAIL();
  } catch (const CorruptDataError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown type 'lng'"), std::string::npos) << e.what();
  }
}

// A number where an integer belongs (too large, or with a fraction) is named, never cast.
TEST(TableMetadata, NonIntegerNumbersAreClearErrors) {
  const std::string good = kJavaV2;
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"\"format-version\" : 2", "format-version"},
      {"\"last-sequence-number\" : 34", "last-sequence-number"},
      {"\"last-column-id\" : 5", "last-column-id"},
      {"\"current-schema-id\" : 1", "current-schema-id"},
      {"\"schema-id\" : 0", "schema-id"},
      {"\"identifier-field-ids\" : [ 1", "identifier-field-ids"},
      {"\"id\" : 3", "id"},
      {"\"element-id\" : 5", "element-id"},
      {"\"default-spec-id\" : 0", "default-spec-id"},
      {"\"spec-id\" : 0", "spec-id"},
      {"\"source-id\" : 1", "source-id"},
      {"\"field-id\" : 1000", "field-id"},
      {"\"last-partition-id\" : 1000", "last-partition-id"},
      {"\"default-sort-order-id\" : 3", "default-sort-order-id"},
      {"\"order-id\" : 3", "order-id"},
      {"\"current-snapshot-id\" : 3055729675574597004", "current-snapshot-id"},
      {"\"sequence-number\" : 1", "sequence-number"},
      {"\"timestamp-ms\" : 1515100,", "timestamp-ms"},
  };
  for (const auto& [text, key] : fields) {
    size_t at = good.find(text);
    ASSERT_NE(at, std::string::npos) << text;
    size_t start = at + text.find_last_of(' ') + 1;  // the integer ends the text
    size_t end = good.find_first_not_of("0123456789", start);
    for (std::string number : {"3.91162e+19", "1.5", "-9.3e18"}) {
      std::string doc = good.substr(0, start) + number + good.substr(end);
      try {
        parse_table_metadata(doc);
        ADD_FAILURE() << key << " = " << number << " was accepted";
      } catch (const CorruptDataError& e) {
        EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
      }
    }
  }
  // Integers beyond 32 bits where Iceberg keeps an int are out of range, not truncated.
  std::string doc = good;
  doc.replace(doc.find("\"last-column-id\" : 5"), 20, "\"last-column-id\" : 4294967301");
  EXPECT_THROW(parse_table_metadata(doc), CorruptDataError);
}

TEST(Manifests, RoundTripWithInheritance) {
  auto dir = std::filesystem::temp_directory_path() / ("floe-manifest-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  auto io = io::local_file_io();
  TableSchema schema;
  schema.schema.fields = {columnar::Field("id", DataType(TypeId::kInt64), true, 1),
                          columnar::Field("ts", DataType::timestamp(), true, 2),
                          columnar::Field("price", DataType::decimal(10, 2), true, 3),
                          columnar::Field("s", DataType(TypeId::kString), true, 4)};
  int32_t last = 999;
  PartitionSpec spec = parse_partition_clause("day(ts), bucket(8, id), price, s", schema, &last);
  DataFile f;
  f.file_path = "file:///x/a.parquet";
  f.record_count = 10;
  f.file_size_in_bytes = 1234;
  int32_t day = 19000, bucket = 3;
  f.partition = {std::string(reinterpret_cast<char*>(&day), 4),
                 std::string(reinterpret_cast<char*>(&bucket), 4),
                 std::string("\x85", 1),  // -1.23: unscaled -123, one byte
                 std::nullopt};
  f.value_counts = {{1, 10}, {2, 10}};
  f.null_value_counts = {{1, 0}};
  f.lower_bounds = {{1, std::string(8, '\0')}};
  f.upper_bounds = {{1, std::string(8, '\x01')}};
  f.split_offsets = {4};
  ManifestEntry added;
  added.data_file = f;
  ManifestEntry existing;
  existing.status = EntryStatus::kExisting;
  existing.snapshot_id = 7;
  existing.sequence_number = 3;
  existing.file_sequence_number = 3;
  existing.data_file = f;
  existing.data_file.file_path = "file:///x/b.parquet";
  ManifestWriteContext ctx{2, &schema, &spec, 99, 5, "deflate"};
  std::string loc = (dir / "m.avro").string();
  ManifestFile mf = write_manifest(*io, loc, ctx, {added, existing});
  EXPECT_EQ(mf.added_files_count, 1);
  EXPECT_EQ(mf.existing_files_count, 1);
  EXPECT_EQ(mf.min_sequence_number, 3);
  ASSERT_EQ(mf.partitions.size(), 4u);
  EXPECT_TRUE(mf.partitions[3].contains_null);
  EXPECT_FALSE(mf.partitions[3].lower_bound.has_value());
  EXPECT_EQ(*mf.partitions[2].lower_bound, std::string("\x85", 1));
  std::string list = (dir / "snap.avro").string();
  write_manifest_list(*io, list, {2, 99, std::nullopt, 5, std::nullopt}, {mf});
  auto lists = read_manifest_list(*io, list);
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].sequence_number, 5);
  EXPECT_EQ(lists[0].added_snapshot_id, 99);
  auto entries = read_manifest(*io, lists[0]);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(*entries[0].snapshot_id, 99);     // inherited
  EXPECT_EQ(*entries[0].sequence_number, 5);  // inherited
  EXPECT_EQ(*entries[1].sequence_number, 3);  // kept
  EXPECT_EQ(entries[0].data_file.partition, f.partition);
  EXPECT_EQ(entries[0].data_file.lower_bounds, f.lower_bounds);
  EXPECT_EQ(entries[0].data_file.split_offsets, f.split_offsets);
  std::filesystem::remove_all(dir);
}

TEST(Bounds, TruncationKeepsThemBounds) {
  EXPECT_EQ(truncate_lower_bound("abcdefghijklmnopqrstuvwxyz", 16, true), "abcdefghijklmnop");
  EXPECT_EQ(*truncate_upper_bound("abcdefghijklmnopqrstuvwxyz", 16, true), "abcdefghijklmnoq");
  EXPECT_EQ(*truncate_upper_bound("short", 16, true), "short");
  // Code points, not bytes: 17 two-byte characters keep 16.
  std::string s;
  for (int i = 0; i < 17; ++i) s += "\xc3\xa9";
  EXPECT_EQ(truncate_lower_bound(s, 16, true).size(), 32u);
  EXPECT_EQ(*truncate_upper_bound(std::string(20, '\xff'), 16, false) == std::string(16, '\xff'),
            false);
  EXPECT_FALSE(truncate_upper_bound(std::string(20, '\xff'), 16, false).has_value());
}

TEST(MetadataFiles, VersionsInNames) {
  EXPECT_EQ(metadata_version("file:///t/metadata/00012-2f1c.metadata.json"), 12);
  EXPECT_EQ(metadata_version("/t/metadata/v3.metadata.json"), 3);
  EXPECT_EQ(metadata_version("/t/metadata/abc.metadata.json"), -1);
}

}  // namespace
}  // namespace floe::iceberg

namespace floe::iceberg {
namespace {

TEST(TableMetadata, KeepsWhatItDoesNotInterpret) {
  TableMetadata m = parse_table_metadata(R"({"format-version": 2, "table-uuid": "u",
    "location": "/t", "last-sequence-number": 0, "last-updated-ms": 1, "last-column-id": 2,
    "current-schema-id": 0, "encryption-keys": [{"key-id": "k1"}],
    "schemas": [{"type": "struct", "schema-id": 0, "fields": [
      {"id": 1, "name": "a", "required": false, "type": "int", "doc": "the a column"},
      {"id": 2, "name": "b", "required": false, "type": "string", "initial-default": "x",
       "write-default": "y"}]}],
    "snapshots": [{"snapshot-id": 5, "timestamp-ms": 1, "manifest-list": "/l.avro",
                   "summary": {"operation": "append"}, "key-id": "k1"}],
    "current-snapshot-id": 5})");
  auto j = table_metadata_to_json(m);
  EXPECT_EQ(j["encryption-keys"][0]["key-id"], "k1");
  EXPECT_EQ(j["schemas"][0]["fields"][0]["doc"], "the a column");
  EXPECT_EQ(j["schemas"][0]["fields"][1]["initial-default"], "x");
  EXPECT_EQ(j["schemas"][0]["fields"][1]["write-default"], "y");
  EXPECT_EQ(j["snapshots"][0]["key-id"], "k1");
}

TEST(TableMetadata, IdentifierFieldsOfANewTable) {
  columnar::Schema columns;
  columns.fields.emplace_back("region", DataType(TypeId::kString), false);
  columns.fields.emplace_back("v", DataType(TypeId::kFloat64), true);
  columns.fields.emplace_back("id", DataType(TypeId::kInt64), false);
  columns.fields.emplace_back("w", DataType(TypeId::kFloat64), false);
  NewTableOptions o;
  o.location = "/t";
  o.identifier_columns = {"id", "region"};
  TableMetadata m = new_table_metadata(columns, o);
  // Ids in the order the key names them.
  EXPECT_EQ(m.current_schema().identifier_field_ids, (std::vector<int32_t>{3, 1}));
  auto j = table_metadata_to_json(m);
  EXPECT_EQ(j["schemas"][0]["identifier-field-ids"], nlohmann::json::array({3, 1}));
  TableMetadata again = parse_table_metadata(table_metadata_to_string(m));
  EXPECT_EQ(again.current_schema().identifier_field_ids, (std::vector<int32_t>{3, 1}));
  // Schema changes keep them; an identifier field cannot become optional or be dropped.
  TableChange add{TableChange::Kind::kAddColumn, "extra", "", DataType(TypeId::kInt32), true, "", ""};
  EXPECT_EQ(apply_table_changes(m, {add}).current_schema().identifier_field_ids,
            (std::vector<int32_t>{3, 1}));
  TableChange drop_not_null{TableChange::Kind::kDropNotNull, "id", "", {}, true, "", ""};
  EXPECT_THROW(apply_table_changes(m, {drop_not_null}), InvalidInputError);
  TableChange drop{TableChange::Kind::kDropColumn, "region", "", {}, true, "", ""};
  EXPECT_THROW(apply_table_changes(m, {drop}), InvalidInputError);
  // What the spec does not allow as an identifier field.
  for (const char* bad : {"v", "w", "missing"}) {
    o.identifier_columns = {bad};
    EXPECT_THROW(new_table_metadata(columns, o), InvalidInputError) << bad;
  }
  o.identifier_columns = {"id", "id"};
  EXPECT_THROW(new_table_metadata(columns, o), InvalidInputError);
}

}  // namespace
}  // namespace floe::iceberg
