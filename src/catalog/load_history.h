// LoadHistory: which files were loaded into which table, with what outcome, and the records
// each load rejected. Rows are written inside the catalog transaction that moves the table's
// pointer (SqlCatalog::commit's `also`), so a file is recorded as loaded exactly when its rows
// are in the table: a crash between the two cannot happen. Tables are identified by their
// Iceberg table-uuid, so a dropped and re-created table starts with no history, as
// Snowflake's does. Layer: catalog.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "catalog/sqlite_database.h"

namespace floe::catalog {

// One file's outcome in one load (a COPY statement or a pipe's batch).
struct LoadHistoryEntry {
  std::string load_id;      // the statement's id (a UUID), shared by the files of one COPY
  std::string table_uuid;
  std::string table_name;   // "db.t", as it was named at load time
  std::string file;         // full location
  std::string checksum;     // content hash (or the object's ETag)
  int64_t file_size = 0;
  int64_t file_modified_ms = 0;
  std::string status;       // LOADED, LOAD_FAILED, PARTIALLY_LOADED
  int64_t rows_parsed = 0;
  int64_t rows_loaded = 0;
  int64_t error_limit = 0;
  int64_t errors_seen = 0;
  std::string first_error;
  int64_t first_error_line = 0;
  int64_t first_error_character = 0;
  std::string first_error_column;
  int64_t load_time_ms = 0;
  std::string pipe;         // "" for a COPY statement, else "db.pipe"
  int64_t snapshot_id = 0;  // the snapshot that added its rows (0 when none)
};

// One record a load did not take, kept so that users can see why.
struct RejectedRecord {
  std::string load_id;
  std::string table_uuid;
  std::string file;
  int64_t line = 0;
  int64_t character = 0;
  std::string column;
  std::string error;
  std::string record;  // the raw text of the record
};

class LoadHistory {
 public:
  // Creates the history tables when missing.
  explicit LoadHistory(SqliteDatabase& db);

  // (file, checksum) pairs loaded into the table whose rows it kept (LOADED or
  // PARTIALLY_LOADED); a LOAD_FAILED file stays eligible.
  std::set<std::pair<std::string, std::string>> loaded_files(const std::string& table_uuid);
  // Files a pipe has loaded or failed on, by location (a pipe loads a name once).
  std::set<std::string> pipe_files(const std::string& pipe);

  // Writes the rows; call inside the transaction of the commit they belong to.
  void record(const std::vector<LoadHistoryEntry>& entries,
              const std::vector<RejectedRecord>& rejected);

  // Newest first; filters are optional.
  std::vector<LoadHistoryEntry> entries(const std::optional<std::string>& table_uuid,
                                        const std::optional<std::string>& pipe,
                                        int64_t since_ms = 0);
  std::vector<RejectedRecord> rejected(const std::string& load_id);
  // The id of the newest load into the table, or "" when none.
  std::string last_load_id(const std::string& table_uuid);

 private:
  SqliteDatabase& db_;
};

}  // namespace floe::catalog
