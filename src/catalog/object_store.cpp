// ObjectStore: floe's catalog objects in the floe_objects table. Layer: catalog.
#include "catalog/object_store.h"

#include <fmt/format.h>

#include <chrono>

#include "base/error.h"
#include "iceberg/table_metadata.h"

namespace floe::catalog {
namespace {

std::string namespace_text(const std::vector<std::string>& ns) {
  std::string out;
  for (const auto& p : ns) out += (out.empty() ? "" : ".") + p;
  return out;
}

std::vector<std::string> split_namespace(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t dot = text.find('.', start);
    if (dot == std::string::npos) dot = text.size();
    out.push_back(text.substr(start, dot - start));
    start = dot + 1;
  }
  return out;
}

CatalogObject object_from_row(const SqliteStatement& st) {
  CatalogObject o;
  o.kind = *st.text(0);
  o.id.namespace_levels = split_namespace(*st.text(1));
  o.id.name = *st.text(2);
  o.definition = st.text(3).value_or("{}");
  o.created_ms = st.integer(4);
  o.altered_ms = st.integer(5);
  return o;
}

}  // namespace

void ensure_object_tables(SqliteDatabase& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS floe_objects ("
      "catalog_name TEXT NOT NULL, kind TEXT NOT NULL, object_namespace TEXT NOT NULL, "
      "object_name TEXT NOT NULL, definition TEXT NOT NULL, created_ms INTEGER NOT NULL, "
      "altered_ms INTEGER NOT NULL, "
      "PRIMARY KEY (catalog_name, kind, object_namespace, object_name))");
}

ObjectStore::ObjectStore(SqlCatalog& catalog) : catalog_(catalog) {
  ensure_object_tables(catalog_.database());
}

bool ObjectStore::put(const std::string& kind, const TableIdentifier& id,
                      const std::string& definition, ObjectWrite mode) {
  auto& db = catalog_.database();
  SqliteDatabase::Transaction tx(db);
  if (!catalog_.namespace_exists(id.namespace_levels))
    throw CatalogError(fmt::format("namespace {} does not exist (create it first)",
                                   namespace_text(id.namespace_levels)));
  auto existing = get(kind, id);
  std::string what = kind;
  for (auto& c : what)
    if (c == '_') c = ' ';
  if (existing && mode == ObjectWrite::kCreate)
    throw CatalogError(fmt::format("{} {} already exists", what, id.to_string()));
  if (existing && mode == ObjectWrite::kCreateIfNotExists) return false;
  if (!existing && mode == ObjectWrite::kAlter)
    throw CatalogError(fmt::format("{} {} does not exist", what, id.to_string()));
  int64_t now = iceberg::now_ms();
  int64_t created = (existing && mode == ObjectWrite::kAlter) ? existing->created_ms : now;
  db.prepare(
        "INSERT OR REPLACE INTO floe_objects (catalog_name, kind, object_namespace, "
        "object_name, definition, created_ms, altered_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(1, catalog_.name())
      .bind(2, kind)
      .bind(3, namespace_text(id.namespace_levels))
      .bind(4, id.name)
      .bind(5, definition)
      .bind(6, created)
      .bind(7, now)
      .run();
  tx.commit();
  return true;
}

std::optional<CatalogObject> ObjectStore::get(const std::string& kind, const TableIdentifier& id) {
  auto st = catalog_.database().prepare(
      "SELECT kind, object_namespace, object_name, definition, created_ms, altered_ms FROM "
      "floe_objects WHERE catalog_name = ? AND kind = ? AND object_namespace = ? AND "
      "object_name = ?");
  st.bind(1, catalog_.name()).bind(2, kind).bind(3, namespace_text(id.namespace_levels)).bind(4, id.name);
  if (!st.step()) return std::nullopt;
  return object_from_row(st);
}

std::vector<CatalogObject> ObjectStore::list(const std::string& kind,
                                             const std::optional<std::vector<std::string>>& ns) {
  std::string sql =
      "SELECT kind, object_namespace, object_name, definition, created_ms, altered_ms FROM "
      "floe_objects WHERE catalog_name = ? AND kind = ?";
  if (ns) sql += " AND object_namespace = ?";
  sql += " ORDER BY object_namespace, object_name";
  auto st = catalog_.database().prepare(sql);
  st.bind(1, catalog_.name()).bind(2, kind);
  if (ns) st.bind(3, namespace_text(*ns));
  std::vector<CatalogObject> out;
  while (st.step()) out.push_back(object_from_row(st));
  return out;
}

bool ObjectStore::remove(const std::string& kind, const TableIdentifier& id) {
  return catalog_.database()
             .prepare(
                 "DELETE FROM floe_objects WHERE catalog_name = ? AND kind = ? AND "
                 "object_namespace = ? AND object_name = ?")
             .bind(1, catalog_.name())
             .bind(2, kind)
             .bind(3, namespace_text(id.namespace_levels))
             .bind(4, id.name)
             .run() > 0;
}

}  // namespace floe::catalog
