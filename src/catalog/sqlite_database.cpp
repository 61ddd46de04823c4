#include "catalog/sqlite_database.h"

#include <sqlite3.h>

#include "base/error.h"

namespace floe::catalog {

namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw IoError(fmt::format("catalog database {}: {}: {}",
                            db ? sqlite3_db_filename(db, "main") : "?", what,
                            db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

SqliteStatement::SqliteStatement(sqlite3* db, std::string_view sql) : db_(db), sql_(sql) {
  if (sqlite3_prepare_v2(db_, sql_.data(), int(sql_.size()), &stmt_, nullptr) != SQLITE_OK)
    fail(db_, fmt::format("preparing '{}'", sql_));
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), int(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    fail(db_, "binding a parameter");
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(db_, "binding a parameter");
  return *this;
}

SqliteStatement& SqliteStatement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail(db_, "binding a parameter");
  return *this;
}

bool SqliteStatement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, fmt::format("running '{}'", sql_));
}

int64_t SqliteStatement::run() {
  while (step()) {
  }
  return sqlite3_changes64(db_);
}

std::optional<std::string> SqliteStatement::text(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  const auto* p = sqlite3_column_text(stmt_, column);
  return std::string(reinterpret_cast<const char*>(p), size_t(sqlite3_column_bytes(stmt_, column)));
}

int64_t SqliteStatement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

SqliteDatabase::SqliteDatabase(const std::string& path) : path_(path) {
  int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw IoError(fmt::format("catalog database {}: cannot open: {}", path, msg));
  }
  // Writers from several processes wait for each other instead of failing at once.
  sqlite3_busy_timeout(db_, 30000);
  exec("PRAGMA foreign_keys = ON");
}

SqliteDatabase::~SqliteDatabase() { sqlite3_close(db_); }

void SqliteDatabase::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw IoError(fmt::format("catalog database {}: '{}' failed: {}", path_, s, msg));
  }
}

bool SqliteDatabase::table_has_column(std::string_view table, std::string_view column) {
  auto st = prepare(fmt::format("PRAGMA table_info({})", table));
  while (st.step())
    if (st.text(1) == std::string(column)) return true;
  return false;
}

SqliteDatabase::Transaction::Transaction(SqliteDatabase& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
}

SqliteDatabase::Transaction::~Transaction() {
  if (!done_) {
    char* err = nullptr;
    sqlite3_exec(db_.db_, "ROLLBACK", nullptr, nullptr, &err);
    sqlite3_free(err);
  }
}

void SqliteDatabase::Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace floe::catalog
