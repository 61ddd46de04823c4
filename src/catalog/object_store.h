// ObjectStore: floe's own catalog objects (stages, file formats, pipes, delivery streams)
// kept beside the Iceberg tables in the catalog's SQLite file, in floe_objects. Each object
// is a kind, a namespace, a name and a definition (JSON text the owning layer writes and
// reads); the catalog stores it and does not interpret it. Layer: catalog.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/sql_catalog.h"

namespace floe::catalog {

struct CatalogObject {
  std::string kind;  // "stage", "file_format", "pipe", "delivery_stream", ...
  TableIdentifier id;
  std::string definition;  // JSON text
  int64_t created_ms = 0;
  int64_t altered_ms = 0;
};

enum class ObjectWrite { kCreate, kCreateIfNotExists, kReplace, kAlter };

class ObjectStore {
 public:
  explicit ObjectStore(SqlCatalog& catalog);

  // Stores an object. kCreate throws CatalogError when one of that kind and name exists;
  // kCreateIfNotExists leaves an existing one as it is (returns false); kReplace overwrites
  // (keeping nothing of the old one, as CREATE OR REPLACE does); kAlter requires it to
  // exist (CatalogError otherwise) and keeps its creation time. Throws CatalogError when the
  // namespace does not exist. Returns true when something was written.
  bool put(const std::string& kind, const TableIdentifier& id, const std::string& definition,
           ObjectWrite mode);
  std::optional<CatalogObject> get(const std::string& kind, const TableIdentifier& id);
  // Objects of a kind in one namespace (or in all when `ns` is nullopt), by name.
  std::vector<CatalogObject> list(const std::string& kind,
                                  const std::optional<std::vector<std::string>>& ns);
  // Returns false when there was none.
  bool remove(const std::string& kind, const TableIdentifier& id);

 private:
  SqlCatalog& catalog_;
};

// Creates floe_objects when missing (idempotent).
void ensure_object_tables(SqliteDatabase& db);

}  // namespace floe::catalog
