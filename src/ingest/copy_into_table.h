// COPY INTO <table>: loads staged files into an Iceberg table's new data files, one file at
// a time, with Snowflake's ON_ERROR outcomes, VALIDATION_MODE, MATCH_BY_COLUMN_NAME and
// transformations, and reports every file's fate (rows parsed and loaded, errors, the first
// error's line, character and column) and every rejected record. It writes data files but
// commits nothing: the caller commits them together with the load history (one catalog
// transaction), so a file is either loaded and recorded or neither. Layer: ingest.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "catalog/load_history.h"
#include "columnar/batch.h"
#include "exec/expression.h"
#include "iceberg/data_file.h"
#include "iceberg/table_metadata.h"
#include "ingest/file_format.h"
#include "io/file_io.h"

namespace floe::ingest {

enum class OnError { kAbortStatement, kContinue, kSkipFile };

struct ErrorPolicy {
  OnError mode = OnError::kAbortStatement;
  int64_t skip_file_errors = 1;      // SKIP_FILE_<n>: skip once this many rows failed
  double skip_file_percent = -1;     // 'SKIP_FILE_<n>%': skip once the failed share reaches n %

  // ABORT_STATEMENT, CONTINUE, SKIP_FILE, SKIP_FILE_<n>, 'SKIP_FILE_<n>%' (any case).
  static ErrorPolicy parse(const std::string& text);
};

enum class ValidationMode { kNone, kReturnErrors, kReturnAllErrors, kReturnRows };
enum class MatchByColumnName { kNone, kCaseSensitive, kCaseInsensitive };

// A COPY transformation: one expression per target column over the raw columns of a file,
// named "$1".."$<raw_columns>" (VARCHAR; for JSON and Parquet "$1" is each record as JSON
// text), followed by the metadata columns of copy_raw_schema().
struct CopyTransform {
  std::vector<exec::ExpressionPtr> columns;
  int raw_columns = 1;
  // Made by floe for a plain COPY (DATE_FORMAT and the like): the file's fields still map
  // to the columns one to one, so ERROR_ON_COLUMN_COUNT_MISMATCH applies as without it.
  bool one_field_per_column = false;
};

// The schema transformations are bound against.
columnar::Schema copy_raw_schema(int raw_columns);

struct CopyIntoTableRequest {
  std::shared_ptr<const iceberg::TableMetadata> table;
  std::string table_name;            // for messages and the history ("db.t")
  std::vector<std::string> columns;  // target columns in file order; empty = all, in order
  FileFormat format;
  std::vector<io::FileInfo> files;
  ErrorPolicy on_error;
  ValidationMode validation = ValidationMode::kNone;
  int64_t validation_rows = 0;       // RETURN_<n>_ROWS
  MatchByColumnName match = MatchByColumnName::kNone;
  const CopyTransform* transform = nullptr;
  // Table columns the COPY gives no value, filled by their DEFAULT (bound without columns):
  // table column name and expression.
  std::vector<std::pair<std::string, exec::ExpressionPtr>> defaults;
  // Files already loaded into the table (location, checksum): skipped unless `force`.
  std::set<std::pair<std::string, std::string>> loaded;
  bool force = false;
  std::string load_id;
  std::string pipe;
  int threads = 1;
  int64_t size_limit = -1;  // SIZE_LIMIT: stop taking files once this many bytes were loaded
};

struct FileOutcome {
  catalog::LoadHistoryEntry entry;
  std::vector<catalog::RejectedRecord> rejected;
};

struct CopyIntoTableResult {
  std::vector<FileOutcome> files;             // files processed, in location order
  int64_t files_skipped_as_loaded = 0;        // already in the load history
  std::vector<iceberg::DataFile> data_files;  // to commit (none in validation mode)
  std::vector<std::string> written;           // every data file written (for clean-up)
  int64_t rows_loaded = 0;
  // VALIDATION_MODE: the rows (RETURN_n_ROWS, target schema) or the errors.
  columnar::Schema validation_schema;
  std::vector<columnar::Batch> validation_batches;
};

// Loads the request's files. ABORT_STATEMENT errors throw InvalidInputError naming the file,
// line and column (after removing what was written); the other modes record the errors.
CopyIntoTableResult copy_into_table(io::FileIO& table_io, const CopyIntoTableRequest& request);

}  // namespace floe::ingest
