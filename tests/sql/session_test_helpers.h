// Helpers of the SQL tests: a session over a warehouse folder of its own (its tables are
// Parquet files, where a session in memory keeps batches), removed with it; EXPLAIN's and
// EXPLAIN ANALYZE's text.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "sql/session.h"

namespace floe::sql {

struct WarehouseSession {
  std::filesystem::path dir;
  std::unique_ptr<Session> session;
  ~WarehouseSession() {
    session.reset();
    std::filesystem::remove_all(dir);
  }
};

// `name` tells the folders of tests that may run at once apart.
inline std::unique_ptr<WarehouseSession> warehouse_session(const std::string& name, int threads) {
  auto w = std::make_unique<WarehouseSession>();
  w->dir = std::filesystem::temp_directory_path() /
           ("floe-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(w->dir);
  SessionOptions o;
  o.warehouse = w->dir.string();
  o.threads = threads;
  w->session = std::make_unique<Session>(o);
  return w;
}

// The first column of a statement's rows, a line per row (EXPLAIN's plan).
inline std::string first_column_text(Session& s, const std::string& statement) {
  StatementResult r = s.execute_one(statement);
  std::string text;
  for (const auto& b : r.batches)
    for (int64_t i = 0; i < b.num_rows(); ++i)
      text += std::string(b.columns[0].string_at(i)) + "\n";
  return text;
}

inline std::string explain(Session& s, const std::string& query) {
  return first_column_text(s, "EXPLAIN " + query);
}

inline std::string explain_analyze(Session& s, const std::string& query) {
  return first_column_text(s, "EXPLAIN ANALYZE " + query);
}

}  // namespace floe::sql
