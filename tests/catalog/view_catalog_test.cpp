// Iceberg views in the embedded catalog: view metadata as the view spec writes it (versions,
// version log, schemas, unknown keys kept), CREATE / CREATE OR REPLACE / load / list / drop
// through SqlCatalog, the one name space tables and views share, and the migration of a
// catalog file from the JDBC catalog's V0 layout to V1 when its first view is created.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "catalog/sql_catalog.h"
#include "iceberg/table_creation.h"
#include "iceberg/view_metadata.h"

namespace floe {
namespace {

using catalog::SqlCatalog;
using catalog::TableIdentifier;
using columnar::DataType;
using columnar::Field;
using columnar::TypeId;
using nlohmann::json;

columnar::Schema columns(std::vector<std::string> names) {
  columnar::Schema s;
  for (size_t i = 0; i < names.size(); ++i)
    s.fields.emplace_back(names[i], DataType(i % 2 ? TypeId::kString : TypeId::kInt64));
  return s;
}

// The view spec's example (Appendix A), as Spark writes it, with keys floe does not know at
// every level: the file's top level, a version, a representation, a field, and a
// representation of a type the spec does not define.
const char* kSparkView = R"({
  "view-uuid": "fa6506c3-7681-40c8-86dc-e36561f83385",
  "format-version": 1,
  "location": "s3://bucket/warehouse/default.db/event_agg",
  "current-version-id": 1,
  "properties": {"comment": "Daily event counts"},
  "versions": [{
    "version-id": 1,
    "timestamp-ms": 1573518431292,
    "schema-id": 1,
    "default-catalog": "prod",
    "default-namespace": ["default"],
    "summary": {"engine-name": "Spark", "engine-version": "3.3.2"},
    "representations": [
      {"type": "sql", "sql": "SELECT\n    COUNT(1), CAST(event_ts AS DATE)\nFROM events\nGROUP BY 2",
       "dialect": "spark", "x-origin": "notebook"},
      {"type": "substrait", "plan": "AAEC"}
    ],
    "x-version-note": {"a": [1, 2]}
  }],
  "schemas": [{
    "schema-id": 1,
    "type": "struct",
    "fields": [
      {"id": 1, "name": "event_count", "required": false, "type": "int", "doc": "Count of events"},
      {"id": 2, "name": "event_date", "required": false, "type": "date"}
    ]
  }],
  "version-log": [{"timestamp-ms": 1573518431292, "version-id": 1}],
  "x-engine-state": {"kept": true}
})";

std::string gzip(const std::string& text) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  EXPECT_EQ(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&zs, uLong(text.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = uInt(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = uInt(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// --- view metadata -------------------------------------------------------------------------

TEST(ViewMetadata, NewViewFollowsTheSpec) {
  auto m = iceberg::new_view_metadata("file:///w/db/v/", columns({"id", "name"}),
                                      "SELECT id, name FROM t", "floe", {"db"}, {{"comment", "c"}});
  EXPECT_EQ(m.format_version, 1);
  EXPECT_EQ(m.view_uuid.size(), 36u);
  EXPECT_EQ(m.location, "file:///w/db/v");
  EXPECT_EQ(m.current_version_id, 1);
  ASSERT_EQ(m.versions.size(), 1u);
  const auto& v = m.current_version();
  EXPECT_EQ(v.schema_id, 0);
  EXPECT_GT(v.timestamp_ms, 0);
  EXPECT_EQ(v.summary.at("engine-name"), "floe");
  EXPECT_EQ(v.default_namespace, std::vector<std::string>{"db"});
  EXPECT_FALSE(v.default_catalog);
  ASSERT_EQ(v.representations.size(), 1u);
  EXPECT_EQ(v.representations[0].type, "sql");
  EXPECT_EQ(v.representations[0].sql, "SELECT id, name FROM t");
  EXPECT_EQ(v.representations[0].dialect, "floe");
  ASSERT_EQ(m.version_log.size(), 1u);
  EXPECT_EQ(m.version_log[0].version_id, 1);
  EXPECT_EQ(m.version_log[0].timestamp_ms, v.timestamp_ms);
  const auto& s = m.current_schema();
  ASSERT_EQ(s.schema.fields.size(), 2u);
  EXPECT_EQ(s.schema.fields[0].field_id, 1);
  EXPECT_EQ(s.schema.fields[1].field_id, 2);
  EXPECT_EQ(m.properties.at("comment"), "c");

  json j = iceberg::view_metadata_to_json(m);
  for (const char* key : {"view-uuid", "format-version", "location", "current-version-id",
                          "versions", "version-log", "schemas", "properties"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["versions"][0]["representations"][0],
            json({{"type", "sql"}, {"sql", "SELECT id, name FROM t"}, {"dialect", "floe"}}));
  EXPECT_EQ(j["schemas"][0]["fields"][1],
            json({{"id", 2}, {"name", "name"}, {"required", false}, {"type", "string"}}));

  EXPECT_THROW(iceberg::new_view_metadata("file:///w/v", columnar::Schema{}, "SELECT 1"),
               InvalidInputError);
  EXPECT_THROW(iceberg::new_view_metadata("file:///w/v", columns({"a", "a"}), "SELECT 1, 2"),
               InvalidInputError);
  EXPECT_THROW(iceberg::new_view_metadata("file:///w/v", columns({"a"}), "  \n"),
               InvalidInputError);
  EXPECT_THROW(iceberg::new_view_metadata("file:///w/v", columns({"a"}), "SELECT 1", ""),
               InvalidInputError);
}

TEST(ViewMetadata, JsonRoundTripKeepsUnknownKeys) {
  auto m = iceberg::parse_view_metadata(kSparkView);
  EXPECT_EQ(m.view_uuid, "fa6506c3-7681-40c8-86dc-e36561f83385");
  EXPECT_EQ(m.location, "s3://bucket/warehouse/default.db/event_agg");
  const auto& v = m.current_version();
  EXPECT_EQ(v.default_catalog, "prod");
  EXPECT_EQ(v.default_namespace, std::vector<std::string>{"default"});
  EXPECT_EQ(v.summary.at("engine-version"), "3.3.2");
  ASSERT_EQ(v.representations.size(), 2u);
  EXPECT_EQ(v.representations[1].type, "substrait");
  EXPECT_EQ(m.current_schema().schema.fields[0].name, "event_count");
  EXPECT_EQ(m.current_schema().schema.fields[1].type.id(), TypeId::kDate);
  EXPECT_EQ(m.extra["x-engine-state"], json({{"kept", true}}));
  // Java's sqlFor: the dialect asked for, else the first SQL representation.
  EXPECT_EQ(v.sql_for("SPARK")->dialect, "spark");
  EXPECT_EQ(v.sql_for("floe")->dialect, "spark");

  // Written back key for key, unknown keys included, and read again the same.
  json written = iceberg::view_metadata_to_json(m);
  EXPECT_EQ(written, json::parse(kSparkView)) << written.dump(2);
  auto again = iceberg::parse_view_metadata(iceberg::view_metadata_to_string(m));
  EXPECT_EQ(iceberg::view_metadata_to_json(again), written);
}

TEST(ViewMetadata, MalformedMetadataIsRefused) {
  auto with = [](const std::function<void(json&)>& change) {
    json j = json::parse(kSparkView);
    change(j);
    return j.dump();
  };
  EXPECT_THROW(iceberg::parse_view_metadata("{"), CorruptDataError);
  EXPECT_THROW(iceberg::parse_view_metadata("[]"), CorruptDataError);
  EXPECT_THROW(iceberg::parse_view_metadata(with([](json& j) { j["format-version"] = 2; })),
               UnsupportedError);
  EXPECT_THROW(iceberg::parse_view_metadata(with([](json& j) { j.erase("view-uuid"); })),
               CorruptDataError);
  EXPECT_THROW(iceberg::parse_view_metadata(with([](json& j) { j["current-version-id"] = 7; })),
               CorruptDataError);
  EXPECT_THROW(
      iceberg::parse_view_metadata(with([](json& j) { j["versions"][0]["schema-id"] = 5; })),
      CorruptDataError);
  EXPECT_THROW(iceberg::parse_view_metadata(with([](json& j) { j["versions"] = "x"; })),
               CorruptDataError);
  EXPECT_THROW(iceberg::parse_view_metadata(
                   with([](json& j) { j["versions"][0]["representations"][0].erase("sql"); })),
               CorruptDataError);
  EXPECT_THROW(iceberg::parse_view_metadata(
                   with([](json& j) { j["versions"][0]["default-namespace"] = {1}; })),
               CorruptDataError);
  EXPECT_THROW(
      iceberg::parse_view_metadata(with([](json& j) { j["version-log"][0]["version-id"] = "a"; })),
      CorruptDataError);
}

TEST(ViewMetadata, ReplaceAddsVersionsAndReusesSchemasAndVersions) {
  auto m = iceberg::new_view_metadata("file:///w/db/v", columns({"id", "name"}), "SELECT 1", "floe",
                                      {"db"});
  auto m2 = iceberg::replace_view_version(m, columns({"id", "name"}), "SELECT 2", "floe", {"db"});
  EXPECT_EQ(m2.view_uuid, m.view_uuid);
  EXPECT_EQ(m2.current_version_id, 2);
  EXPECT_EQ(m2.versions.size(), 2u);
  EXPECT_EQ(m2.schemas.size(), 1u);  // the same columns: schema 0 again
  EXPECT_EQ(m2.current_version().schema_id, 0);
  EXPECT_EQ(m2.current_version().sql_for("floe")->sql, "SELECT 2");
  ASSERT_EQ(m2.version_log.size(), 2u);
  EXPECT_EQ(m2.version_log[1].version_id, 2);

  auto m3 = iceberg::replace_view_version(m2, columns({"k"}), "SELECT 3 AS k", "floe", {"db"});
  EXPECT_EQ(m3.current_version_id, 3);
  ASSERT_EQ(m3.schemas.size(), 2u);
  EXPECT_EQ(m3.current_version().schema_id, 1);
  EXPECT_EQ(m3.current_schema().schema.fields[0].name, "k");

  // The first definition again is version 1 again, logged as current once more.
  auto m4 = iceberg::replace_view_version(m3, columns({"id", "name"}), "SELECT 1", "floe", {"db"});
  EXPECT_EQ(m4.current_version_id, 1);
  EXPECT_EQ(m4.versions.size(), 3u);
  ASSERT_EQ(m4.version_log.size(), 4u);
  EXPECT_EQ(m4.version_log[3].version_id, 1);
  // The current definition again changes nothing.
  auto m5 = iceberg::replace_view_version(m4, columns({"id", "name"}), "SELECT 1", "floe", {"db"});
  EXPECT_EQ(iceberg::view_metadata_to_json(m5), iceberg::view_metadata_to_json(m4));
  // Another default namespace is another version.
  auto m6 = iceberg::replace_view_version(m4, columns({"id", "name"}), "SELECT 1", "floe", {"x"});
  EXPECT_EQ(m6.current_version_id, 4);
}

TEST(ViewMetadata, ReplaceKeepsAtMostTheHistorySize) {
  auto m = iceberg::new_view_metadata("file:///w/db/v", columns({"id"}), "SELECT 0", "floe", {},
                                      {{"version.history.num-entries", "3"}});
  for (int i = 1; i <= 5; ++i)
    m = iceberg::replace_view_version(m, columns({"id"}), fmt::format("SELECT {}", i));
  EXPECT_EQ(m.current_version_id, 6);
  std::vector<int32_t> ids;
  for (const auto& v : m.versions) ids.push_back(v.version_id);
  EXPECT_EQ(ids, (std::vector<int32_t>{4, 5, 6}));
  std::vector<int32_t> logged;
  for (const auto& e : m.version_log) logged.push_back(e.version_id);
  EXPECT_EQ(logged, (std::vector<int32_t>{4, 5, 6}));
  m.properties["version.history.num-entries"] = "0";
  EXPECT_THROW(iceberg::replace_view_version(m, columns({"id"}), "SELECT 9"), InvalidInputError);
}

TEST(ViewMetadata, ReplaceKeepsOtherEnginesDialects) {
  auto spark = iceberg::parse_view_metadata(kSparkView);
  columnar::Schema cols;
  cols.fields = {Field("event_count", DataType(TypeId::kInt32)),
                 Field("event_date", DataType(TypeId::kDate))};
  // Java refuses a replace that loses a dialect, and so does floe.
  try {
    iceberg::replace_view_version(spark, cols, "SELECT 1, 2");
    FAIL() << "expected an error";
  } catch (const InvalidInputError& e) {
    EXPECT_NE(std::string(e.what()).find("dialect spark"), std::string::npos) << e.what();
  }
  auto appended = spark;
  appended.properties["replace.append-dialect.allowed"] = "true";
  auto m = iceberg::replace_view_version(appended, cols, "SELECT 1, 2");
  ASSERT_EQ(m.current_version().representations.size(), 2u);
  EXPECT_EQ(m.current_version().representations[0].dialect, "floe");  // the new SQL first
  EXPECT_EQ(m.current_version().representations[1].dialect, "spark");
  auto dropped = spark;
  dropped.properties["replace.drop-dialect.allowed"] = "TRUE";
  m = iceberg::replace_view_version(dropped, cols, "SELECT 1, 2");
  ASSERT_EQ(m.current_version().representations.size(), 1u);
  EXPECT_EQ(m.current_version().representations[0].dialect, "floe");
  // The same columns without Spark's doc are another schema (Java's sameSchema compares docs
  // too), numbered after Spark's schema 1.
  EXPECT_EQ(m.current_version().schema_id, 2);
  EXPECT_EQ(m.schemas.size(), 2u);
  // With the doc, they are Spark's schema.
  auto documented =
      iceberg::replace_view_version(dropped, spark.current_version(), spark.current_schema());
  EXPECT_EQ(documented.current_version_id, 1);  // Spark's version itself
  EXPECT_EQ(documented.schemas.size(), 1u);
  dropped.properties["replace.append-dialect.allowed"] = "true";
  EXPECT_THROW(iceberg::replace_view_version(dropped, cols, "SELECT 1, 2"), InvalidInputError);
}

// --- views in the catalog -----------------------------------------------------------------

class ViewCatalog : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("floe-view-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    config_.warehouse = dir_.string();
    config_.catalog_path = (dir_ / "catalog.db").string();
    cat_ = std::make_unique<SqlCatalog>(config_);
    cat_->create_namespace({"db"}, {});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  iceberg::ViewMetadata view(const TableIdentifier& id, const std::string& sql,
                             std::vector<std::string> names = {"id", "name"}) {
    return iceberg::new_view_metadata(cat_->default_table_location(id), columns(names), sql, "floe",
                                      id.namespace_levels);
  }

  void create_table(const TableIdentifier& id) {
    iceberg::NewTableOptions o;
    o.location = cat_->default_table_location(id);
    cat_->table_operations(id, true)->commit(
        nullptr, iceberg::new_table_metadata(columns({"id", "name"}), o));
  }

  bool v1_layout() {
    catalog::SqliteDatabase db(config_.catalog_path);
    return db.table_has_column("iceberg_tables", "iceberg_type");
  }

  std::optional<std::string> row_type(const TableIdentifier& id) {
    catalog::SqliteDatabase db(config_.catalog_path);
    auto st = db.prepare("SELECT iceberg_type FROM iceberg_tables WHERE table_name = ?");
    st.bind(1, id.name);
    EXPECT_TRUE(st.step());
    return st.text(0);
  }

  // The files in a view's or table's metadata folder.
  std::vector<std::string> metadata_files(const TableIdentifier& id) {
    std::vector<std::string> out;
    auto folder =
        std::filesystem::path(io::local_path(cat_->default_table_location(id))) / "metadata";
    if (std::filesystem::exists(folder))
      for (const auto& e : std::filesystem::directory_iterator(folder))
        out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  static std::string message_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const CatalogError& e) {
      return e.what();
    }
    return "(no CatalogError)";
  }

  std::filesystem::path dir_;
  catalog::CatalogConfig config_;
  std::unique_ptr<SqlCatalog> cat_;
};

TEST_F(ViewCatalog, CreateLoadListReplaceDrop) {
  TableIdentifier v{{"db"}, "v"};
  // A new catalog has the V0 layout (as Java's JdbcCatalog creates it) and no views.
  EXPECT_FALSE(v1_layout());
  EXPECT_TRUE(cat_->list_views({"db"}).empty());
  EXPECT_FALSE(cat_->view_exists(v));
  EXPECT_FALSE(cat_->load_view(v));
  EXPECT_THROW(cat_->drop_view(v), CatalogError);

  auto created = cat_->create_view(v, view(v, "SELECT id, name FROM db.t"));
  EXPECT_TRUE(v1_layout());
  EXPECT_EQ(row_type(v), "VIEW");
  EXPECT_TRUE(cat_->view_exists(v));
  EXPECT_EQ(cat_->list_views({"db"}), std::vector<TableIdentifier>{v});
  EXPECT_TRUE(cat_->list_views({"other"}).empty());
  auto location = cat_->view_metadata_location(v);
  ASSERT_TRUE(location);
  EXPECT_EQ(iceberg::metadata_version(*location), 0);
  EXPECT_TRUE(location->starts_with(cat_->default_table_location(v) + "/metadata/00000-"))
      << *location;
  EXPECT_TRUE(location->ends_with(".metadata.json"));
  auto loaded = cat_->load_view(v);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(iceberg::view_metadata_to_json(*loaded), iceberg::view_metadata_to_json(created));
  // Table functions do not see it.
  EXPECT_TRUE(cat_->list_tables({"db"}).empty());
  EXPECT_FALSE(cat_->table_exists(v));
  EXPECT_THROW(cat_->table_operations(v), CatalogError);
  EXPECT_THROW(cat_->drop_table(v, false), CatalogError);
  EXPECT_TRUE(cat_->namespace_exists({"db"}));

  EXPECT_EQ(message_of([&] { cat_->create_view(v, view(v, "SELECT 2 AS id, 'x' AS name")); }),
            "view db.v already exists");
  auto replaced = cat_->create_view(v, view(v, "SELECT 2 AS id, 'x' AS name"), true);
  EXPECT_EQ(replaced.view_uuid, created.view_uuid);
  EXPECT_EQ(replaced.current_version_id, 2);
  EXPECT_EQ(replaced.versions.size(), 2u);
  auto second = cat_->view_metadata_location(v);
  EXPECT_EQ(iceberg::metadata_version(*second), 1);
  {
    catalog::SqliteDatabase db(config_.catalog_path);
    auto st = db.prepare("SELECT previous_metadata_location FROM iceberg_tables");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.text(0), *location);
  }
  loaded = cat_->load_view(v);
  EXPECT_EQ(loaded->current_version().sql_for("floe")->sql, "SELECT 2 AS id, 'x' AS name");
  // The same definition again writes nothing.
  cat_->create_view(v, view(v, "SELECT 2 AS id, 'x' AS name"), true);
  EXPECT_EQ(cat_->view_metadata_location(v), second);
  EXPECT_EQ(metadata_files(v).size(), 2u);
  // Properties given with a replace are set over the view's own.
  auto with_comment = view(v, "SELECT 3 AS id, 'y' AS name");
  with_comment.properties["comment"] = "third";
  EXPECT_EQ(cat_->create_view(v, with_comment, true).properties.at("comment"), "third");

  cat_->drop_view(v);
  EXPECT_FALSE(cat_->view_exists(v));
  EXPECT_FALSE(cat_->load_view(v));
  EXPECT_TRUE(cat_->list_views({"db"}).empty());
  EXPECT_EQ(metadata_files(v).size(), 3u);  // kept, as Java's JdbcCatalog keeps them
  EXPECT_EQ(message_of([&] { cat_->drop_view(v); }), "view db.v does not exist");
  // CREATE OR REPLACE of a view that does not exist creates it.
  auto again = cat_->create_view(v, view(v, "SELECT 4 AS id, 'z' AS name"), true);
  EXPECT_EQ(again.current_version_id, 1);
  EXPECT_NE(again.view_uuid, created.view_uuid);
  EXPECT_EQ(iceberg::metadata_version(*cat_->view_metadata_location(v)), 0);
}

TEST_F(ViewCatalog, TablesAndViewsShareOneNameSpace) {
  TableIdentifier t{{"db"}, "t"}, v{{"db"}, "v"};
  create_table(t);
  for (bool replace : {false, true})
    EXPECT_EQ(
        message_of([&] { cat_->create_view(t, view(t, "SELECT 1 AS id, 'a' AS name"), replace); }),
        "table db.t already exists");
  EXPECT_EQ(metadata_files(t).size(), 1u);  // the table's own file only
  EXPECT_TRUE(cat_->table_exists(t));

  cat_->create_view(v, view(v, "SELECT id, name FROM db.t"));
  EXPECT_EQ(message_of([&] { create_table(v); }), "view db.v already exists");
  EXPECT_EQ(metadata_files(v).size(), 1u);  // the table's metadata file was removed
  EXPECT_EQ(message_of([&] { cat_->rename_table(t, v); }), "view db.v already exists");
  EXPECT_EQ(message_of([&] { cat_->drop_view(t); }), "view db.t does not exist");
  EXPECT_TRUE(cat_->table_exists(t));
  EXPECT_EQ(cat_->list_tables({"db"}), std::vector<TableIdentifier>{t});
  EXPECT_EQ(cat_->list_views({"db"}), std::vector<TableIdentifier>{v});
  EXPECT_EQ(row_type(t), std::nullopt);  // a row from before the migration is a table
  // The table still commits in the migrated layout.
  auto ops = cat_->table_operations(t);
  auto m = ops->current();
  auto next = *m;
  next.properties["k"] = "v";
  ops->commit(m.get(), next);
  EXPECT_EQ(cat_->table_operations(t)->current()->properties.at("k"), "v");
  // A table created now is typed, as Java types it.
  TableIdentifier n{{"db"}, "n"};
  create_table(n);
  EXPECT_EQ(row_type(n), "TABLE");
}

TEST_F(ViewCatalog, NamespacesAndViews) {
  TableIdentifier missing{{"nope"}, "v"}, v{{"db"}, "v"};
  EXPECT_EQ(
      message_of([&] { cat_->create_view(missing, view(missing, "SELECT 1 AS id, 'a' AS name")); }),
      "namespace nope does not exist (create it first)");
  EXPECT_FALSE(v1_layout());  // nothing created, nothing migrated
  EXPECT_TRUE(metadata_files(missing).empty());

  cat_->create_view(v, view(v, "SELECT 1 AS id, 'a' AS name"));
  EXPECT_EQ(message_of([&] { cat_->drop_namespace({"db"}); }),
            "namespace db is not empty: drop its views first");
  cat_->drop_view(v);
  cat_->drop_namespace({"db"});
  EXPECT_FALSE(cat_->namespace_exists({"db"}));

  // Nested namespaces, and names checked as table names are.
  cat_->create_namespace({"a", "b"}, {});
  TableIdentifier nested{{"a", "b"}, "v"};
  cat_->create_view(nested, view(nested, "SELECT 1 AS id, 'a' AS name"));
  EXPECT_EQ(cat_->list_views({"a", "b"}), std::vector<TableIdentifier>{nested});
  EXPECT_TRUE(cat_->list_views({"a"}).empty());
  auto nowhere = view(nested, "SELECT 2 AS id, 'b' AS name");
  nowhere.location.clear();
  EXPECT_THROW(cat_->create_view(nested, nowhere, true), InvalidInputError);
  TableIdentifier bad{{"a", "b"}, "x/y"};
  EXPECT_THROW(cat_->create_view(bad, view(nested, "SELECT 1 AS id, 'a' AS name")),
               InvalidInputError);
}

// A catalog file that another writer (Java's or PyIceberg's SQL catalog in V0 mode, or floe
// before views) made: tables with no iceberg_type column. Its first view adds the column;
// every table in it stays a table.
TEST_F(ViewCatalog, V0CatalogIsMigratedByItsFirstView) {
  cat_.reset();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  {
    catalog::SqliteDatabase db(config_.catalog_path);
    db.exec(
        "CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, table_namespace "
        "VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL, metadata_location "
        "VARCHAR(1000), previous_metadata_location VARCHAR(1000), PRIMARY KEY (catalog_name, "
        "table_namespace, table_name))");
    db.exec(
        "CREATE TABLE iceberg_namespace_properties (catalog_name VARCHAR(255) NOT NULL, "
        "namespace VARCHAR(255) NOT NULL, property_key VARCHAR(255) NOT NULL, property_value "
        "VARCHAR(1000), PRIMARY KEY (catalog_name, namespace, property_key))");
    db.exec("INSERT INTO iceberg_namespace_properties VALUES ('floe', 'db', 'exists', 'true')");
  }
  cat_ = std::make_unique<SqlCatalog>(config_);
  TableIdentifier t{{"db"}, "t"}, v{{"db"}, "v"};
  create_table(t);
  // A second process that opened the file before the migration sees the view after it.
  SqlCatalog other(config_);
  EXPECT_TRUE(other.list_views({"db"}).empty());
  EXPECT_FALSE(v1_layout());

  // A view that cannot be created (its name is a table's) leaves the layout alone.
  EXPECT_THROW(cat_->create_view(t, view(t, "SELECT 1 AS id, 'a' AS name")), CatalogError);
  EXPECT_FALSE(v1_layout());

  cat_->create_view(v, view(v, "SELECT id, name FROM db.t"));
  EXPECT_TRUE(v1_layout());
  {
    catalog::SqliteDatabase db(config_.catalog_path);
    auto st = db.prepare("SELECT table_name, iceberg_type FROM iceberg_tables ORDER BY table_name");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.text(0), "t");
    EXPECT_EQ(st.text(1), std::nullopt);
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.text(0), "v");
    EXPECT_EQ(st.text(1), "VIEW");
  }
  EXPECT_EQ(other.list_views({"db"}), std::vector<TableIdentifier>{v});
  EXPECT_EQ(other.list_tables({"db"}), std::vector<TableIdentifier>{t});
  EXPECT_TRUE(other.view_exists(v));
  EXPECT_FALSE(other.table_exists(v));
  EXPECT_TRUE(other.table_exists(t));
  EXPECT_NO_THROW(other.table_operations(t)->current());
}

// Two writers replacing one view: the second replaces what the first stored, so no version
// is lost.
TEST_F(ViewCatalog, ReplaceBuildsOnTheLatestVersion) {
  TableIdentifier v{{"db"}, "v"};
  cat_->create_view(v, view(v, "SELECT 1 AS id, 'a' AS name"));
  SqlCatalog other(config_);
  auto stale = other.load_view(v);  // read before the next replace
  cat_->create_view(v, view(v, "SELECT 2 AS id, 'b' AS name"), true);
  auto stored = other.create_view(
      v,
      iceberg::replace_view_version(*stale, columns({"id", "name"}), "SELECT 3 AS id, 'c' AS name"),
      true);
  EXPECT_EQ(stored.current_version_id, 3);
  ASSERT_EQ(stored.versions.size(), 3u);
  EXPECT_EQ(stored.versions[1].sql_for("floe")->sql, "SELECT 2 AS id, 'b' AS name");
  EXPECT_EQ(iceberg::metadata_version(*cat_->view_metadata_location(v)), 2);
  EXPECT_EQ(cat_->load_view(v)->current_version_id, 3);
}

// A view Spark wrote into a V1 catalog (gzip-compressed metadata, as Java writes by default):
// floe lists and loads it, and will not replace it in a way that loses Spark's SQL.
TEST_F(ViewCatalog, ViewsOtherEnginesWrote) {
  TableIdentifier v{{"db"}, "event_agg"};
  auto folder = std::filesystem::path(io::local_path(cat_->default_table_location(v))) / "metadata";
  std::filesystem::create_directories(folder);
  auto file = folder / "00001-2b4a5e42-6b2c-4f63-9b4e-0d1f2f6a7e01.gz.metadata.json";
  std::ofstream(file, std::ios::binary) << gzip(kSparkView);
  std::string location = "file://" + file.string();
  {
    catalog::SqliteDatabase db(config_.catalog_path);
    db.exec("ALTER TABLE iceberg_tables ADD COLUMN iceberg_type VARCHAR(5)");
    db.prepare("INSERT INTO iceberg_tables VALUES ('floe', 'db', 'event_agg', ?, NULL, 'VIEW')")
        .bind(1, location)
        .run();
  }
  EXPECT_EQ(cat_->list_views({"db"}), std::vector<TableIdentifier>{v});
  auto m = cat_->load_view(v);
  ASSERT_TRUE(m);
  EXPECT_EQ(iceberg::view_metadata_to_json(*m), json::parse(kSparkView));
  EXPECT_THROW(
      cat_->create_view(v,
                        iceberg::new_view_metadata(
                            m->location, columns({"event_count", "event_date"}), "SELECT 1, 2"),
                        true),
      InvalidInputError);
  EXPECT_EQ(cat_->view_metadata_location(v), location);

  // A metadata file that is not there is an error naming it.
  {
    catalog::SqliteDatabase db(config_.catalog_path);
    db.exec(
        "UPDATE iceberg_tables SET metadata_location = 'file:///nowhere/00000-x.metadata.json'");
  }
  try {
    cat_->load_view(v);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nowhere/00000-x.metadata.json"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace floe
