// SqliteDatabase: a thin RAII layer over one SQLite connection (prepared statements with
// bound parameters, transactions, a busy timeout so that several floe processes share the
// catalog file). Layer: catalog. One connection per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace floe::catalog {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, std::string_view text);  // 1-based
  SqliteStatement& bind(int index, int64_t value);
  SqliteStatement& bind_null(int index);
  // Steps once: true while a row is available.
  bool step();
  // Runs to completion; returns the number of rows changed.
  int64_t run();
  std::optional<std::string> text(int column) const;  // nullopt for NULL
  int64_t integer(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

class SqliteDatabase {
 public:
  // Opens (creating) the database file. Throws IoError naming the path.
  explicit SqliteDatabase(const std::string& path);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  const std::string& path() const { return path_; }
  void exec(std::string_view sql);
  SqliteStatement prepare(std::string_view sql) { return SqliteStatement(db_, sql); }
  bool table_has_column(std::string_view table, std::string_view column);

  // BEGIN IMMEDIATE ... COMMIT, rolled back if the scope exits by an exception.
  class Transaction {
   public:
    explicit Transaction(SqliteDatabase& db);
    ~Transaction();
    void commit();

   private:
    SqliteDatabase& db_;
    bool done_ = false;
  };

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace floe::catalog
