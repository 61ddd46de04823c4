#include "catalog/sql_catalog.h"

#include <cstdlib>
#include <filesystem>

#include "base/error.h"
#include "base/fault_point.h"

namespace floe::catalog {

namespace {

std::string join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::vector<std::string> split_namespace(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    out.emplace_back(s.substr(start, dot == std::string_view::npos ? s.npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

void check_name(std::string_view part, std::string_view whole) {
  if (part.empty()) throw InvalidInputError(fmt::format("'{}': empty name part", whole));
  for (char c : part)
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
      throw InvalidInputError(
          fmt::format("'{}': names may not contain '/', '\\' or control characters", whole));
}

// Java's V1 layout (an iceberg_type column) keeps views in iceberg_tables too: tables are the
// rows of type 'TABLE', or NULL (rows from before the migration, or from V0 writers).
constexpr const char* kTableFilter = " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)";

bool v1_layout(SqliteDatabase& db) { return db.table_has_column("iceberg_tables", "iceberg_type"); }

// The condition that picks table rows (not views) in this catalog's layout.
std::string table_filter(SqliteDatabase& db) { return v1_layout(db) ? kTableFilter : ""; }

constexpr const char* kViewFilter = " AND iceberg_type = 'VIEW'";

// Java's JdbcUtil.V1_UPDATE_CATALOG_SQL: what JdbcCatalog runs with jdbc.schema-version=V1.
void migrate_to_v1_layout(SqliteDatabase& db) {
  if (!v1_layout(db)) db.exec("ALTER TABLE iceberg_tables ADD COLUMN iceberg_type VARCHAR(5)");
}

// Attempts of a view replace that loses races to other writers (Java's commit.retry default).
constexpr int kViewCommitAttempts = 4;

// What holds the name `id`: "table", "view" (V1 layout), or nothing.
std::optional<std::string> name_holder(SqliteDatabase& db, const std::string& catalog,
                                       const TableIdentifier& id) {
  bool v1 = v1_layout(db);
  auto st = db.prepare(fmt::format(
      "SELECT {} FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND "
      "table_name = ?",
      v1 ? "iceberg_type" : "NULL"));
  st.bind(1, catalog).bind(2, id.namespace_string()).bind(3, id.name);
  if (!st.step()) return std::nullopt;
  auto type = st.text(0);
  return type && *type == "VIEW" ? "view" : "table";
}

class CatalogTableOperations final : public iceberg::TableOperations {
 public:
  CatalogTableOperations(SqlCatalog& catalog, TableIdentifier id,
                         std::function<void(SqliteDatabase&)> also)
      : catalog_(catalog), id_(std::move(id)), also_(std::move(also)) {}

  std::string name() const override { return id_.to_string(); }

  std::shared_ptr<const iceberg::TableMetadata> current() override {
    if (!metadata_) refresh();
    if (!metadata_) throw CatalogError(fmt::format("table {} does not exist", name()));
    return metadata_;
  }

  std::shared_ptr<const iceberg::TableMetadata> refresh() override {
    auto location = catalog_.table_metadata_location(id_);
    if (!location) {
      metadata_.reset();
      location_.clear();
      return nullptr;
    }
    if (*location != location_ || !metadata_) {
      metadata_ = iceberg::read_metadata_file(*catalog_.file_io(), *location);
      location_ = *location;
    }
    return metadata_;
  }

  std::string metadata_location() override { return location_; }

  void commit(const iceberg::TableMetadata* base, const iceberg::TableMetadata& updated) override {
    std::string base_location = base ? location_ : "";
    auto [next, new_location] = iceberg::next_metadata(base, base_location, updated);
    iceberg::write_metadata_file(*catalog_.file_io(), new_location, next);
    FLOE_FAULT_POINT("commit.after_metadata_write");
    try {
      catalog_.commit({TablePointerUpdate{id_, base_location, new_location}}, also_);
    } catch (const iceberg::CommitConflictError&) {
      remove_unreferenced(new_location);
      throw;
    } catch (const CatalogError&) {  // e.g. a view took the name
      remove_unreferenced(new_location);
      throw;
    }
    try {
      FLOE_FAULT_POINT("commit.after_pointer_swap");
    } catch (const Error& e) {
      throw iceberg::CommitStateUnknownError(
          fmt::format("{}: committed, but then: {}", name(), e.what()));
    }
    metadata_ = std::make_shared<const iceberg::TableMetadata>(std::move(next));
    location_ = new_location;
  }

  io::FileIO& io() override { return *catalog_.file_io(); }

 private:
  // After a failed pointer move nobody points at the file just written.
  void remove_unreferenced(const std::string& location) {
    try {
      catalog_.file_io()->remove(location);
    } catch (const Error&) {
    }
  }

  SqlCatalog& catalog_;
  TableIdentifier id_;
  std::function<void(SqliteDatabase&)> also_;
  std::shared_ptr<const iceberg::TableMetadata> metadata_;
  std::string location_;
};

}  // namespace

TableIdentifier TableIdentifier::parse(std::string_view text) {
  auto parts = split_namespace(text);
  if (parts.size() < 2)
    throw InvalidInputError(fmt::format(
        "table name '{}' has no namespace: write namespace.table, e.g. db.{}", text, text));
  for (const auto& p : parts) check_name(p, text);
  TableIdentifier id;
  id.name = parts.back();
  parts.pop_back();
  id.namespace_levels = std::move(parts);
  return id;
}

std::string TableIdentifier::namespace_string() const { return join(namespace_levels, '.'); }
std::string TableIdentifier::to_string() const { return namespace_string() + "." + name; }

CatalogConfig resolve_catalog_config(const std::string& warehouse_flag,
                                     const std::string& catalog_flag) {
  CatalogConfig c;
  c.warehouse = warehouse_flag;
  if (c.warehouse.empty()) {
    const char* env = std::getenv("FLOE_WAREHOUSE");
    c.warehouse = env && *env ? env : "warehouse";
  }
  if (io::location_scheme(c.warehouse) == "file")
    c.warehouse = std::filesystem::absolute(io::local_path(c.warehouse)).lexically_normal();
  while (c.warehouse.size() > 1 && c.warehouse.back() == '/') c.warehouse.pop_back();
  c.catalog_path = catalog_flag;
  if (c.catalog_path.empty()) {
    const char* env = std::getenv("FLOE_CATALOG");
    if (env && *env) c.catalog_path = env;
  }
  if (c.catalog_path.empty()) {
    if (io::location_scheme(c.warehouse) != "file")
      throw InvalidInputError(fmt::format(
          "warehouse {} is not a local folder: say where the SQLite catalog file lives with "
          "--catalog PATH or FLOE_CATALOG",
          c.warehouse));
    c.catalog_path = c.warehouse + "/catalog.db";
  }
  if (const char* name = std::getenv("FLOE_CATALOG_NAME"); name && *name) c.name = name;
  return c;
}

static SqliteDatabase open_database(const CatalogConfig& config) {
  std::filesystem::path p(config.catalog_path);
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec)
      throw IoError(fmt::format("cannot create folder {} for the catalog: {}",
                                p.parent_path().string(), ec.message()));
  }
  return SqliteDatabase(config.catalog_path);
}

SqlCatalog::SqlCatalog(CatalogConfig config)
    : config_(std::move(config)), db_(open_database(config_)) {
  if (io::location_scheme(config_.warehouse) == "file") {
    warehouse_location_ = "file://" + io::local_path(config_.warehouse);
    std::error_code ec;
    std::filesystem::create_directories(io::local_path(config_.warehouse), ec);
  } else {
    warehouse_location_ = config_.warehouse;
  }
  io_ = io::file_io_for(warehouse_location_);
  // The JDBC catalog's layout (Java's JdbcUtil, PyIceberg's SqlCatalog).
  db_.exec(
      "CREATE TABLE IF NOT EXISTS iceberg_tables ("
      "catalog_name VARCHAR(255) NOT NULL, table_namespace VARCHAR(255) NOT NULL, "
      "table_name VARCHAR(255) NOT NULL, metadata_location VARCHAR(1000), "
      "previous_metadata_location VARCHAR(1000), "
      "PRIMARY KEY (catalog_name, table_namespace, table_name))");
  db_.exec(
      "CREATE TABLE IF NOT EXISTS iceberg_namespace_properties ("
      "catalog_name VARCHAR(255) NOT NULL, namespace VARCHAR(255) NOT NULL, "
      "property_key VARCHAR(255) NOT NULL, property_value VARCHAR(1000), "
      "PRIMARY KEY (catalog_name, namespace, property_key))");
}

void SqlCatalog::create_namespace(const std::vector<std::string>& ns,
                                  const std::map<std::string, std::string>& properties,
                                  bool if_not_exists) {
  std::string name = join(ns, '.');
  for (const auto& p : ns) check_name(p, name);
  SqliteDatabase::Transaction tx(db_);
  if (namespace_exists(ns)) {
    if (if_not_exists) return;
    throw CatalogError(fmt::format("namespace {} already exists", name));
  }
  auto props = properties;
  props["exists"] = "true";
  for (const auto& [k, v] : props)
    db_.prepare("INSERT INTO iceberg_namespace_properties VALUES (?, ?, ?, ?)")
        .bind(1, config_.name)
        .bind(2, name)
        .bind(3, k)
        .bind(4, v)
        .run();
  tx.commit();
}

bool SqlCatalog::namespace_exists(const std::vector<std::string>& ns) {
  std::string name = join(ns, '.');
  auto st = db_.prepare(
      "SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ? AND "
      "(namespace = ? OR namespace LIKE ? ESCAPE '!') LIMIT 1");
  std::string like;
  for (char c : name) {
    if (c == '%' || c == '_' || c == '!') like += '!';
    like += c;
  }
  st.bind(1, config_.name).bind(2, name).bind(3, like + ".%");
  if (st.step()) return true;
  auto t = db_.prepare(
      "SELECT 1 FROM iceberg_tables WHERE catalog_name = ? AND "
      "(table_namespace = ? OR table_namespace LIKE ? ESCAPE '!') LIMIT 1");
  t.bind(1, config_.name).bind(2, name).bind(3, like + ".%");
  return t.step();
}

std::vector<std::vector<std::string>> SqlCatalog::list_namespaces() {
  std::vector<std::vector<std::string>> out;
  auto st = db_.prepare(
      "SELECT namespace FROM iceberg_namespace_properties WHERE catalog_name = ? UNION "
      "SELECT table_namespace FROM iceberg_tables WHERE catalog_name = ? ORDER BY 1");
  st.bind(1, config_.name).bind(2, config_.name);
  while (st.step()) out.push_back(split_namespace(*st.text(0)));
  return out;
}

std::map<std::string, std::string> SqlCatalog::namespace_properties(
    const std::vector<std::string>& ns) {
  if (!namespace_exists(ns))
    throw CatalogError(fmt::format("namespace {} does not exist", join(ns, '.')));
  std::map<std::string, std::string> out;
  auto st = db_.prepare(
      "SELECT property_key, property_value FROM iceberg_namespace_properties WHERE "
      "catalog_name = ? AND namespace = ?");
  st.bind(1, config_.name).bind(2, join(ns, '.'));
  while (st.step()) out[*st.text(0)] = st.text(1).value_or("");
  return out;
}

void SqlCatalog::set_namespace_properties(const std::vector<std::string>& ns,
                                          const std::map<std::string, std::string>& updates,
                                          const std::vector<std::string>& removals) {
  SqliteDatabase::Transaction tx(db_);
  if (!namespace_exists(ns))
    throw CatalogError(fmt::format("namespace {} does not exist", join(ns, '.')));
  for (const auto& k : removals)
    db_.prepare(
           "DELETE FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ? "
           "AND property_key = ?")
        .bind(1, config_.name)
        .bind(2, join(ns, '.'))
        .bind(3, k)
        .run();
  for (const auto& [k, v] : updates)
    db_.prepare("INSERT OR REPLACE INTO iceberg_namespace_properties VALUES (?, ?, ?, ?)")
        .bind(1, config_.name)
        .bind(2, join(ns, '.'))
        .bind(3, k)
        .bind(4, v)
        .run();
  tx.commit();
}

void SqlCatalog::drop_namespace(const std::vector<std::string>& ns) {
  std::string name = join(ns, '.');
  SqliteDatabase::Transaction tx(db_);
  if (!namespace_exists(ns)) throw CatalogError(fmt::format("namespace {} does not exist", name));
  if (!list_tables(ns).empty())
    throw CatalogError(fmt::format("namespace {} is not empty: drop its tables first", name));
  auto views = db_.prepare(
      "SELECT 1 FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? LIMIT 1");
  views.bind(1, config_.name).bind(2, name);
  if (views.step())
    throw CatalogError(fmt::format("namespace {} is not empty: drop its views first", name));
  db_.prepare("DELETE FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ?")
      .bind(1, config_.name)
      .bind(2, name)
      .run();
  tx.commit();
}

std::vector<TableIdentifier> SqlCatalog::list_tables(const std::vector<std::string>& ns) {
  std::vector<TableIdentifier> out;
  auto st = db_.prepare(
      "SELECT table_name FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ?" +
      table_filter(db_) + " ORDER BY table_name");
  st.bind(1, config_.name).bind(2, join(ns, '.'));
  while (st.step()) out.push_back(TableIdentifier{ns, *st.text(0)});
  return out;
}

std::optional<std::string> SqlCatalog::table_metadata_location(const TableIdentifier& id) {
  auto st = db_.prepare(
      "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND "
      "table_namespace = ? AND table_name = ?" +
      table_filter(db_));
  st.bind(1, config_.name).bind(2, id.namespace_string()).bind(3, id.name);
  if (!st.step()) return std::nullopt;
  return st.text(0).value_or("");
}

std::string SqlCatalog::default_table_location(const TableIdentifier& id) const {
  std::string loc = warehouse_location_;
  for (const auto& level : id.namespace_levels) loc = io::join_location(loc, level);
  return io::join_location(loc, id.name);
}

std::unique_ptr<iceberg::TableOperations> SqlCatalog::table_operations(
    const TableIdentifier& id, bool for_create, std::function<void(SqliteDatabase&)> also) {
  auto ops = std::make_unique<CatalogTableOperations>(*this, id, std::move(also));
  if (!for_create && !ops->refresh())
    throw CatalogError(fmt::format("table {} does not exist", id.to_string()));
  return ops;
}

void SqlCatalog::register_table(const TableIdentifier& id, const std::string& metadata_location) {
  (void)iceberg::read_metadata_file(*io_, metadata_location);  // must be a readable table
  commit({TablePointerUpdate{id, "", metadata_location}});
}

void SqlCatalog::drop_table(const TableIdentifier& id, bool purge) {
  std::shared_ptr<const iceberg::TableMetadata> metadata;
  if (purge) metadata = table_operations(id)->current();
  SqliteDatabase::Transaction tx(db_);
  int64_t n = db_.prepare(
                     "DELETE FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? "
                     "AND table_name = ?" +
                     table_filter(db_))
                  .bind(1, config_.name)
                  .bind(2, id.namespace_string())
                  .bind(3, id.name)
                  .run();
  if (n == 0) throw CatalogError(fmt::format("table {} does not exist", id.to_string()));
  tx.commit();
  if (purge && metadata) {
    for (const auto& f : io_->list(io::join_location(metadata->location, "")))
      io_->remove(f.location);
  }
}

void SqlCatalog::rename_table(const TableIdentifier& from, const TableIdentifier& to) {
  SqliteDatabase::Transaction tx(db_);
  if (auto holder = name_holder(db_, config_.name, to))
    throw CatalogError(fmt::format("{} {} already exists", *holder, to.to_string()));
  if (!namespace_exists(to.namespace_levels))
    throw CatalogError(fmt::format("namespace {} does not exist", to.namespace_string()));
  int64_t n = db_.prepare(
                     "UPDATE iceberg_tables SET table_namespace = ?, table_name = ? WHERE "
                     "catalog_name = ? AND table_namespace = ? AND table_name = ?" +
                     table_filter(db_))
                  .bind(1, to.namespace_string())
                  .bind(2, to.name)
                  .bind(3, config_.name)
                  .bind(4, from.namespace_string())
                  .bind(5, from.name)
                  .run();
  if (n == 0) throw CatalogError(fmt::format("table {} does not exist", from.to_string()));
  tx.commit();
}

void SqlCatalog::commit(const std::vector<TablePointerUpdate>& updates) {
  commit(updates, {});
}

void SqlCatalog::commit(const std::vector<TablePointerUpdate>& updates,
                        const std::function<void(SqliteDatabase&)>& also) {
  SqliteDatabase::Transaction tx(db_);
  for (const auto& u : updates) {
    if (u.expected_location.empty()) {
      if (!namespace_exists(u.table.namespace_levels))
        throw CatalogError(fmt::format("namespace {} does not exist (create it first)",
                                       u.table.namespace_string()));
      if (auto holder = name_holder(db_, config_.name, u.table)) {
        std::string message = fmt::format("{} {} already exists", *holder, u.table.to_string());
        // Another table of that name is a lost create race; a view is not.
        if (*holder == "view") throw CatalogError(message);
        throw iceberg::CommitConflictError(message);
      }
      // The V1 layout types each row, as Java's JdbcCatalog does.
      db_.prepare(v1_layout(db_)
                      ? "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
                        "metadata_location, previous_metadata_location, iceberg_type) VALUES "
                        "(?, ?, ?, ?, NULL, 'TABLE')"
                      : "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
                        "metadata_location, previous_metadata_location) VALUES (?, ?, ?, ?, NULL)")
          .bind(1, config_.name)
          .bind(2, u.table.namespace_string())
          .bind(3, u.table.name)
          .bind(4, u.new_location)
          .run();
    } else {
      int64_t n = db_.prepare(
                         "UPDATE iceberg_tables SET metadata_location = ?, "
                         "previous_metadata_location = ? WHERE catalog_name = ? AND "
                         "table_namespace = ? AND table_name = ? AND metadata_location = ?" +
                         table_filter(db_))
                      .bind(1, u.new_location)
                      .bind(2, u.expected_location)
                      .bind(3, config_.name)
                      .bind(4, u.table.namespace_string())
                      .bind(5, u.table.name)
                      .bind(6, u.expected_location)
                      .run();
      if (n == 0) {
        if (!table_exists(u.table))
          throw CatalogError(fmt::format("table {} does not exist", u.table.to_string()));
        throw iceberg::CommitConflictError(fmt::format(
            "table {} was changed by another writer since it was read (expected metadata {})",
            u.table.to_string(), u.expected_location));
      }
    }
  }
  if (also) also(db_);
  FLOE_FAULT_POINT("catalog.before_commit");
  tx.commit();
  FLOE_FAULT_POINT("catalog.after_commit");
}

std::vector<TableIdentifier> SqlCatalog::list_views(const std::vector<std::string>& ns) {
  std::vector<TableIdentifier> out;
  if (!v1_layout(db_)) return out;
  auto st =
      db_.prepare(std::string("SELECT table_name FROM iceberg_tables WHERE catalog_name = ? AND "
                              "table_namespace = ?") +
                  kViewFilter + " ORDER BY table_name");
  st.bind(1, config_.name).bind(2, join(ns, '.'));
  while (st.step()) out.push_back(TableIdentifier{ns, *st.text(0)});
  return out;
}

std::optional<std::string> SqlCatalog::view_metadata_location(const TableIdentifier& id) {
  if (!v1_layout(db_)) return std::nullopt;
  auto st = db_.prepare(
      std::string("SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND "
                  "table_namespace = ? AND table_name = ?") +
      kViewFilter);
  st.bind(1, config_.name).bind(2, id.namespace_string()).bind(3, id.name);
  if (!st.step()) return std::nullopt;
  return st.text(0).value_or("");
}

std::optional<iceberg::ViewMetadata> SqlCatalog::load_view(const TableIdentifier& id) {
  auto location = view_metadata_location(id);
  if (!location) return std::nullopt;
  return iceberg::read_view_metadata_file(*io_, *location);
}

iceberg::ViewMetadata SqlCatalog::create_view(const TableIdentifier& id,
                                              const iceberg::ViewMetadata& metadata, bool replace) {
  for (const auto& p : id.namespace_levels) check_name(p, id.to_string());
  check_name(id.name, id.to_string());
  (void)metadata.current_schema();  // the version to store and its schema must be there
  if (metadata.location.empty())
    throw InvalidInputError(fmt::format("view {} has no location", id.to_string()));
  auto remove_unreferenced = [&](const std::string& location) {
    try {
      io_->remove(location);
    } catch (const Error&) {
    }
  };
  for (int attempt = 1;; ++attempt) {
    auto base_location = view_metadata_location(id);
    if (!base_location) {
      // A new view. Refuse what the transaction would refuse before writing a file.
      if (!namespace_exists(id.namespace_levels))
        throw CatalogError(
            fmt::format("namespace {} does not exist (create it first)", id.namespace_string()));
      if (auto holder = name_holder(db_, config_.name, id))
        throw CatalogError(fmt::format("{} {} already exists", *holder, id.to_string()));
      std::string location = iceberg::new_metadata_location(metadata.location, 0);
      iceberg::write_view_metadata_file(*io_, location, metadata);
      bool lost_race = false;
      try {
        SqliteDatabase::Transaction tx(db_);
        if (!namespace_exists(id.namespace_levels))
          throw CatalogError(
              fmt::format("namespace {} does not exist (create it first)", id.namespace_string()));
        if (auto holder = name_holder(db_, config_.name, id)) {
          if (*holder != "view" || !replace)
            throw CatalogError(fmt::format("{} {} already exists", *holder, id.to_string()));
          lost_race = true;  // another writer created it meanwhile: replace that one
        } else {
          migrate_to_v1_layout(db_);
          db_.prepare(
                 "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
                 "metadata_location, previous_metadata_location, iceberg_type) VALUES "
                 "(?, ?, ?, ?, NULL, 'VIEW')")
              .bind(1, config_.name)
              .bind(2, id.namespace_string())
              .bind(3, id.name)
              .bind(4, location)
              .run();
          tx.commit();
        }
      } catch (...) {
        remove_unreferenced(location);
        throw;
      }
      if (!lost_race) return metadata;
      remove_unreferenced(location);
      continue;
    }
    if (!replace) throw CatalogError(fmt::format("view {} already exists", id.to_string()));
    iceberg::ViewMetadata stored = iceberg::read_view_metadata_file(*io_, *base_location);
    iceberg::ViewMetadata base = stored;
    // Properties first, so that replace.*-dialect.allowed set by this statement apply.
    for (const auto& [k, v] : metadata.properties) base.properties[k] = v;
    iceberg::ViewMetadata next =
        iceberg::replace_view_version(base, metadata.current_version(), metadata.current_schema());
    if (iceberg::view_metadata_to_json(next) == iceberg::view_metadata_to_json(stored))
      return stored;  // the same definition again: nothing to commit
    int64_t version = std::max<int64_t>(iceberg::metadata_version(*base_location) + 1, 0);
    std::string location = iceberg::new_metadata_location(next.location, version);
    iceberg::write_view_metadata_file(*io_, location, next);
    int64_t n = 0;
    try {
      SqliteDatabase::Transaction tx(db_);
      n = db_.prepare(std::string("UPDATE iceberg_tables SET metadata_location = ?, "
                                  "previous_metadata_location = ? WHERE catalog_name = ? AND "
                                  "table_namespace = ? AND table_name = ? AND "
                                  "metadata_location = ?") +
                      kViewFilter)
              .bind(1, location)
              .bind(2, *base_location)
              .bind(3, config_.name)
              .bind(4, id.namespace_string())
              .bind(5, id.name)
              .bind(6, *base_location)
              .run();
      if (n == 1) tx.commit();
    } catch (...) {
      remove_unreferenced(location);
      throw;
    }
    if (n == 1) return next;
    remove_unreferenced(location);
    if (attempt >= kViewCommitAttempts)
      throw iceberg::CommitConflictError(
          fmt::format("view {} was changed by other writers {} times while it was being replaced",
                      id.to_string(), attempt));
  }
}

void SqlCatalog::drop_view(const TableIdentifier& id) {
  int64_t n = 0;
  if (v1_layout(db_)) {
    SqliteDatabase::Transaction tx(db_);
    n = db_.prepare(std::string("DELETE FROM iceberg_tables WHERE catalog_name = ? AND "
                                "table_namespace = ? AND table_name = ?") +
                    kViewFilter)
            .bind(1, config_.name)
            .bind(2, id.namespace_string())
            .bind(3, id.name)
            .run();
    tx.commit();
  }
  if (n == 0) throw CatalogError(fmt::format("view {} does not exist", id.to_string()));
}

}  // namespace floe::catalog
