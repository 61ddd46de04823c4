// A sqllogictest runner (SQLite's format: statement ok|error, query <types> [sort] [label],
// hash-threshold, halt, skipif/onlyif <engine>): runs one .test file in a fresh in-memory
// sql::Session and counts the records that pass. floe names itself "floe" for skipif and
// onlyif. Layer: cli; `floe sqllogictest` (sqllogictest_command.cpp) runs many files.
//
// Beyond SQLite's format, for floe's own tests:
//   - `# dialect: floe` or `# dialect: sqlite` among the comment lines before a file's
//     first record chooses the session's dialect (else the runner's default, sqlite);
//   - an expected line may hold a whole row with its values separated by tabs;
//   - `statement error` may be followed by `----` and a line the error message must contain.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "sql/session.h"

namespace floe::cli {

// What a file's run has counted so far. Updated as records run (relaxed atomics), so that
// a parent process sharing this memory still knows the counts when the run crashed.
struct SltCounters {
  std::atomic<int64_t> passed{0};
  std::atomic<int64_t> failed{0};            // wrong results, query errors, missing errors
  std::atomic<int64_t> skipped{0};           // skipif floe / onlyif another engine
  std::atomic<int64_t> statement_errors{0};  // `statement ok` records that raised an error
  std::atomic<int64_t> internal_errors{0};   // floe's bugs (internal errors), also counted above
  std::atomic<int64_t> current_line{0};      // the line of the record being run
  std::atomic<bool> halted{false};
};

struct SltRunOptions {
  sql::Dialect default_dialect = sql::Dialect::kSqlite;
  bool verbose = false;    // report every failure (SQL, expected, actual, error)
  bool fail_fast = false;  // stop at the first failure
  // Session settings every file starts with (to re-run the corpus under stress: a tiny
  // memory limit makes sorts, aggregations and joins spill; several threads).
  int64_t memory_limit = 0;  // as SessionOptions::memory_limit
  int threads = 1;
  // Called with the text of each failure worth reporting (every failure when verbose;
  // internal errors always).
  std::function<void(std::string_view)> report;
};

// Runs the records of the .test file at `path`, counting into `counters`. Throws IoError
// when the file cannot be read; everything the engine throws is counted, not rethrown.
void run_sqllogictest_file(const std::string& path, const SltRunOptions& options,
                           SltCounters& counters);

}  // namespace floe::cli
