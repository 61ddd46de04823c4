// SqlCatalog: floe's embedded catalog, one SQLite file whose tables have the layout of
// Iceberg's JDBC catalog (iceberg_tables, iceberg_namespace_properties), so PyIceberg's
// SQL catalog and Iceberg Java's JdbcCatalog open it as it is. It is the single transaction
// coordinator: one commit moves the pointers of several tables at once, or none. Iceberg
// views live in iceberg_tables too, as Java's V1 layout keeps them.
// Layer: catalog. One SqlCatalog per thread; several processes may share the file.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/sqlite_database.h"
#include "iceberg/table_operations.h"
#include "iceberg/view_metadata.h"
#include "io/file_io.h"

namespace floe::catalog {

struct TableIdentifier {
  std::vector<std::string> namespace_levels;
  std::string name;

  // "db.events" -> {["db"], "events"}; "a.b.t" -> {["a","b"], "t"}. A name without a
  // namespace is refused (InvalidInputError).
  static TableIdentifier parse(std::string_view text);
  std::string namespace_string() const;  // "a.b"
  std::string to_string() const;         // "a.b.t"
  bool operator==(const TableIdentifier&) const = default;
};

// One table's pointer move inside a multi-table commit.
struct TablePointerUpdate {
  TableIdentifier table;
  std::string expected_location;  // "" = the table must not exist (a create)
  std::string new_location;
};

struct CatalogConfig {
  std::string warehouse;      // a folder or s3:// prefix; tables live under it
  std::string catalog_path;   // the SQLite file; default <warehouse>/catalog.db (local only)
  std::string name = "floe";  // catalog_name in the JDBC layout
};

// The warehouse and catalog the user means: --warehouse, else $FLOE_WAREHOUSE, else
// ./warehouse; --catalog, else $FLOE_CATALOG, else <warehouse>/catalog.db; the catalog
// name from $FLOE_CATALOG_NAME, else "floe". Local warehouses become absolute paths.
CatalogConfig resolve_catalog_config(const std::string& warehouse_flag,
                                     const std::string& catalog_flag);

class SqlCatalog {
 public:
  // Opens the catalog, creating the warehouse folder, the database file and its tables
  // when missing. Throws IoError.
  explicit SqlCatalog(CatalogConfig config);

  const std::string& name() const { return config_.name; }
  const std::string& warehouse() const { return config_.warehouse; }
  const std::string& database_path() const { return db_.path(); }
  // The warehouse as a URI (file:///abs/path or s3://...), the prefix of table locations.
  const std::string& warehouse_location() const { return warehouse_location_; }
  std::shared_ptr<io::FileIO> file_io() const { return io_; }

  // Namespaces. A namespace exists when it has a property row (Java and PyIceberg write
  // "exists" = "true") or holds a table or view.
  void create_namespace(const std::vector<std::string>& ns,
                        const std::map<std::string, std::string>& properties,
                        bool if_not_exists = false);
  bool namespace_exists(const std::vector<std::string>& ns);
  std::vector<std::vector<std::string>> list_namespaces();
  std::map<std::string, std::string> namespace_properties(const std::vector<std::string>& ns);
  void set_namespace_properties(const std::vector<std::string>& ns,
                                const std::map<std::string, std::string>& updates,
                                const std::vector<std::string>& removals);
  // Throws CatalogError if the namespace is missing or holds tables or views.
  void drop_namespace(const std::vector<std::string>& ns);

  // Tables.
  std::vector<TableIdentifier> list_tables(const std::vector<std::string>& ns);
  std::optional<std::string> table_metadata_location(const TableIdentifier& id);
  bool table_exists(const TableIdentifier& id) { return table_metadata_location(id).has_value(); }
  // <warehouse>/<namespace levels>/<table> (Java's JdbcCatalog default; views too).
  std::string default_table_location(const TableIdentifier& id) const;
  // Operations on a table that exists (CatalogError naming it otherwise) or, with
  // `for_create`, on one about to be created. Their commits run `also` inside the catalog
  // transaction that moves the pointer (see commit()).
  std::unique_ptr<iceberg::TableOperations> table_operations(
      const TableIdentifier& id, bool for_create = false,
      std::function<void(SqliteDatabase&)> also = {});
  // Adopts an existing metadata file as a table.
  void register_table(const TableIdentifier& id, const std::string& metadata_location);
  // Removes the table from the catalog; with `purge`, deletes its files too.
  void drop_table(const TableIdentifier& id, bool purge);
  void rename_table(const TableIdentifier& from, const TableIdentifier& to);

  // Moves every pointer in one database transaction: all succeed or none does. Throws
  // CommitConflictError naming the first table that is not at its expected location, and
  // CatalogError when a table to create has the name of a view or no namespace.
  void commit(const std::vector<TablePointerUpdate>& updates);
  // The same, running `also` inside the database transaction after the pointers moved and
  // before it commits: floe's records that must move with the tables (load history, stream
  // offsets) are written there, so they commit with the data or not at all. An exception
  // from `also` rolls everything back.
  void commit(const std::vector<TablePointerUpdate>& updates,
              const std::function<void(SqliteDatabase&)>& also);

  // The catalog's database, for the catalog layer's stores of floe objects (ObjectStore,
  // LoadHistory). One connection: use it on this catalog's thread only.
  SqliteDatabase& database() { return db_; }

  // Views (Iceberg view spec), rows of type 'VIEW' in iceberg_tables: Java's V1 layout of the
  // JDBC catalog. A catalog file in the V0 layout (no iceberg_type column; what floe and Java
  // create) is migrated by adding the column when its first view is created; until then it
  // has no views. Tables and views share one name space.
  std::vector<TableIdentifier> list_views(const std::vector<std::string>& ns);
  std::optional<std::string> view_metadata_location(const TableIdentifier& id);
  bool view_exists(const TableIdentifier& id) { return view_metadata_location(id).has_value(); }
  // The view's current metadata, or nullopt when there is no view `id`. Throws IoError or
  // CorruptDataError (naming the file) when its metadata file cannot be read.
  std::optional<iceberg::ViewMetadata> load_view(const TableIdentifier& id);
  // Stores a view: writes `metadata` as its first metadata file
  // (<location>/metadata/00000-<uuid>.metadata.json) and adds the row. With `replace`, an
  // existing view instead gets the current version of `metadata` (and its schema) as a new
  // version, with `metadata`'s properties set over its own (iceberg::replace_view_version),
  // written as the next metadata file; a concurrent replace is retried. Returns the metadata
  // stored. Throws CatalogError when the namespace is missing, when a table has the name, or,
  // without `replace`, when the view exists; InvalidInputError for a bad name, a metadata
  // without location, or from replace_view_version; CommitConflictError when other writers
  // kept winning (4 attempts).
  iceberg::ViewMetadata create_view(const TableIdentifier& id,
                                    const iceberg::ViewMetadata& metadata, bool replace = false);
  // Removes the view from the catalog (its metadata files stay, as Java's JdbcCatalog leaves
  // them). Throws CatalogError when there is no view `id`.
  void drop_view(const TableIdentifier& id);

 private:
  CatalogConfig config_;
  std::string warehouse_location_;
  std::shared_ptr<io::FileIO> io_;
  SqliteDatabase db_;
};

}  // namespace floe::catalog
