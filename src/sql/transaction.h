// A transaction over several tables (BEGIN ... COMMIT): each table's commits inside it are
// staged (metadata files are written, the catalog pointer is not moved), reads in the
// transaction see the staged state, and COMMIT moves every changed table's pointer in one
// catalog transaction, so other readers see all of the changes or none. A table another
// writer changed since the transaction first read it makes COMMIT fail with a conflict and
// nothing is applied. ROLLBACK drops the staged state. Layer: sql.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "catalog/sql_catalog.h"
#include "iceberg/table_operations.h"

namespace floe::sql {

class Transaction {
 public:
  explicit Transaction(catalog::SqlCatalog& catalog) : catalog_(catalog) {}

  // Operations on `id` that stage their commits in this transaction.
  std::unique_ptr<iceberg::TableOperations> table_operations(const catalog::TableIdentifier& id);

  // Moves every changed table's pointer at once; throws CommitConflictError (and leaves
  // the tables as they were) when one of them moved since the transaction read it.
  void commit();
  // Forgets the staged changes and removes the metadata files written for them.
  void rollback();
  size_t tables_changed() const;
  // Writes that must commit with the tables (a COPY's load history): run inside the catalog
  // transaction of COMMIT, in the order added. An exception from one aborts the commit.
  void on_commit(std::function<void(catalog::SqliteDatabase&)> write);
  // Data files written for the transaction: removed by ROLLBACK (and a failed COMMIT).
  void add_written(const std::vector<std::string>& locations);

 private:
  friend class StagedTableOperations;
  struct Staged {
    std::string original_location;  // where the table was when first read
    std::string location;           // the staged metadata file
    std::shared_ptr<const iceberg::TableMetadata> metadata;
  };
  catalog::SqlCatalog& catalog_;
  std::map<std::string, Staged> tables_;
  std::map<std::string, catalog::TableIdentifier> ids_;
  std::vector<std::string> written_;
  std::vector<std::function<void(catalog::SqliteDatabase&)>> on_commit_;
};

}  // namespace floe::sql
