// A SQL session: the engine's front door. It parses, binds, plans and runs statements
// against a warehouse (the Iceberg catalog on disk) or, for tests and scratch work, an
// in-memory catalog. Layer: sql. `floe sql`, the sqllogictest runner and (later) the
// servers all talk to the engine through this class.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/batch.h"

namespace floe::sql {

// Where semantics differ between dialects, which one a session follows.
enum class Dialect {
  kFloe,    // the default: Snowflake-flavoured, DuckDB-like arithmetic (INT / INT is DOUBLE)
  kSqlite,  // for the sqllogictest corpus: INT / INT truncates, x / 0 is NULL
};

struct SessionOptions {
  std::string warehouse;   // folder or s3:// location; "" with in_memory
  std::string catalog;     // catalog file ("" = <warehouse>/catalog.db)
  bool in_memory = false;  // tables live in memory only, nothing touches disk
  Dialect dialect = Dialect::kFloe;
  int threads = 0;         // 0 = one per core
  // Bytes a query's sorts, join builds and aggregations may hold; 0 = 80 % of the machine's
  // memory; negative = no limit. `SET memory_limit = '8GB'` changes it for the session.
  int64_t memory_limit = 0;
  // Folder for the files queries spill to past memory_limit ("" = the system's temporary
  // folder, $TMPDIR). `SET temp_directory = '...'` changes it for the session.
  std::string temp_directory;
};

struct StatementResult {
  bool has_rows = false;             // a query (or SHOW/DESCRIBE/EXPLAIN): schema + batches
  columnar::Schema schema;
  std::vector<columnar::Batch> batches;
  // Per column of a query's result: "VARIANT", "OBJECT" or "ARRAY" for JSON text of that
  // type (stored as VARCHAR), else "" (the schema's type); shorter when the rest are "".
  std::vector<std::string> shown_types;
  std::string status;                // e.g. "CREATE TABLE", "INSERT 3": for statements
  int64_t rows_affected = -1;        // INSERT/UPDATE/DELETE/MERGE counts, -1 otherwise
  std::string statement_text;        // the statement this result belongs to
  // EXPLAIN: one VARCHAR column of plan lines, which the table format prints as they are
  // (a plan line is wider than a table cell shows).
  bool plan_text = false;

  int64_t num_rows() const;
};

// '8GB', '512 MB', '2GiB', a number of bytes: the bytes; 'none' / '0': -1 (no limit), as
// SessionOptions::memory_limit takes them. InvalidInputError for other text.
int64_t parse_memory_size(std::string text);

class Session {
 public:
  explicit Session(SessionOptions options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs every statement of `script` in order and returns one result per statement.
  // Throws floe::Error on the first failure (statements before it keep their effects;
  // the failing one has none). Syntax errors name the line and column.
  std::vector<StatementResult> execute(std::string_view script);

  // Runs exactly one statement.
  StatementResult execute_one(std::string_view statement);

  // Called with the rows a running statement has read so far and its total when known
  // (for the shell's progress indicator). Called from worker threads; keep it cheap.
  void set_progress_callback(std::function<void(int64_t rows_done, int64_t rows_total)> cb);

  const SessionOptions& options() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace floe::sql
