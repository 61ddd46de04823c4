// The statements of loading and stages as a session runs them: CREATE/DROP/ALTER/SHOW of
// stages, file formats and pipes; LIST, PUT, GET, REMOVE; COPY INTO a table (its data and
// load history committed in one catalog transaction) and COPY INTO a stage (unloading); and
// the load history as INFORMATION_SCHEMA tables. Layer: sql. Private to the session.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "catalog/sql_catalog.h"
#include "exec/table_sources.h"
#include "sql/ast.h"
#include "sql/binder.h"
#include "sql/session.h"
#include "sql/transaction.h"

namespace floe::sql {

struct IngestContext {
  catalog::SqlCatalog& catalog;
  std::vector<std::string> current_namespace;
  Transaction* transaction = nullptr;  // an open BEGIN .. COMMIT, or nullptr
  BindCatalog& bind_catalog;
  BindOptions bind_options;
  int threads = 1;
  // Runs a query (for unloading) and returns its rows.
  std::function<StatementResult(const std::string& sql)> run_query;
  // Makes run_query read tables as `txn` stages them (nullptr: as committed).
  std::function<void(Transaction* txn)> read_through;
};

StatementResult run_ingest_statement(IngestContext& ctx, Statement& st);

// A name in the session's current namespace unless it has its own.
catalog::TableIdentifier qualify(const IngestContext& ctx, const ObjectName& name);
// The table as the statement sees it (staged in an open transaction, else committed).
std::shared_ptr<const iceberg::TableMetadata> table_metadata(IngestContext& ctx, const catalog::TableIdentifier& id);
// DROP STAGE / FILE FORMAT / PIPE.
StatementResult drop_ingest_object(IngestContext& ctx, const Drop& d);
// SHOW STAGES / FILE FORMATS / PIPES.
StatementResult show_ingest_objects(IngestContext& ctx, const Show& s);

// SYSTEM$PIPE_STATUS('pipe'): the pipe's state as JSON (executionState, pendingFileCount,
// lastIngestedTimestamp, lastIngestedFilePath), or nullopt for other functions.
std::optional<std::string> ingest_system_function(IngestContext& ctx, const std::string& name,
                                                  const std::vector<std::string>& args);

// INFORMATION_SCHEMA.LOAD_HISTORY and INFORMATION_SCHEMA.REJECTED_RECORDS, or nullptr for
// other names.
std::shared_ptr<exec::TableSource> open_ingest_system_table(catalog::SqlCatalog& catalog,
                                                            const ObjectName& name);

}  // namespace floe::sql
