// LoadHistory: the floe_load_history and floe_rejected_records tables. Layer: catalog.
#include "catalog/load_history.h"

namespace floe::catalog {
namespace {

constexpr const char* kEntryColumns =
    "load_id, table_uuid, table_name, file, checksum, file_size, file_modified_ms, status, "
    "rows_parsed, rows_loaded, error_limit, errors_seen, first_error, first_error_line, "
    "first_error_character, first_error_column, load_time_ms, pipe, snapshot_id";

LoadHistoryEntry entry_from_row(const SqliteStatement& st) {
  LoadHistoryEntry e;
  int c = 0;
  e.load_id = st.text(c++).value_or("");
  e.table_uuid = st.text(c++).value_or("");
  e.table_name = st.text(c++).value_or("");
  e.file = st.text(c++).value_or("");
  e.checksum = st.text(c++).value_or("");
  e.file_size = st.integer(c++);
  e.file_modified_ms = st.integer(c++);
  e.status = st.text(c++).value_or("");
  e.rows_parsed = st.integer(c++);
  e.rows_loaded = st.integer(c++);
  e.error_limit = st.integer(c++);
  e.errors_seen = st.integer(c++);
  e.first_error = st.text(c++).value_or("");
  e.first_error_line = st.integer(c++);
  e.first_error_character = st.integer(c++);
  e.first_error_column = st.text(c++).value_or("");
  e.load_time_ms = st.integer(c++);
  e.pipe = st.text(c++).value_or("");
  e.snapshot_id = st.integer(c++);
  return e;
}

}  // namespace

LoadHistory::LoadHistory(SqliteDatabase& db) : db_(db) {
  db_.exec(std::string("CREATE TABLE IF NOT EXISTS floe_load_history (") +
           "load_id TEXT NOT NULL, table_uuid TEXT NOT NULL, table_name TEXT NOT NULL, "
           "file TEXT NOT NULL, checksum TEXT NOT NULL, file_size INTEGER, "
           "file_modified_ms INTEGER, status TEXT NOT NULL, rows_parsed INTEGER, "
           "rows_loaded INTEGER, error_limit INTEGER, errors_seen INTEGER, first_error TEXT, "
           "first_error_line INTEGER, first_error_character INTEGER, first_error_column TEXT, "
           "load_time_ms INTEGER NOT NULL, pipe TEXT NOT NULL, snapshot_id INTEGER)");
  db_.exec(
      "CREATE INDEX IF NOT EXISTS floe_load_history_by_table ON floe_load_history "
      "(table_uuid, file)");
  db_.exec(
      "CREATE TABLE IF NOT EXISTS floe_rejected_records (load_id TEXT NOT NULL, "
      "table_uuid TEXT NOT NULL, file TEXT NOT NULL, line INTEGER, character INTEGER, "
      "column_name TEXT, error TEXT NOT NULL, record TEXT)");
  db_.exec(
      "CREATE INDEX IF NOT EXISTS floe_rejected_records_by_load ON floe_rejected_records "
      "(load_id)");
}

std::set<std::pair<std::string, std::string>> LoadHistory::loaded_files(
    const std::string& table_uuid) {
  std::set<std::pair<std::string, std::string>> out;
  auto st = db_.prepare(
      "SELECT file, checksum FROM floe_load_history WHERE table_uuid = ? AND status IN "
      "('LOADED', 'PARTIALLY_LOADED')");
  st.bind(1, table_uuid);
  while (st.step()) out.emplace(*st.text(0), *st.text(1));
  return out;
}

std::set<std::string> LoadHistory::pipe_files(const std::string& pipe) {
  std::set<std::string> out;
  auto st = db_.prepare("SELECT file FROM floe_load_history WHERE pipe = ?");
  st.bind(1, pipe);
  while (st.step()) out.insert(*st.text(0));
  return out;
}

void LoadHistory::record(const std::vector<LoadHistoryEntry>& entries,
                         const std::vector<RejectedRecord>& rejected) {
  for (const auto& e : entries) {
    auto st = db_.prepare(std::string("INSERT INTO floe_load_history (") + kEntryColumns +
                          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, e.load_id).bind(2, e.table_uuid).bind(3, e.table_name).bind(4, e.file);
    st.bind(5, e.checksum).bind(6, e.file_size).bind(7, e.file_modified_ms);
    st.bind(8, e.status).bind(9, e.rows_parsed).bind(10, e.rows_loaded);
    st.bind(11, e.error_limit).bind(12, e.errors_seen).bind(13, e.first_error);
    st.bind(14, e.first_error_line).bind(15, e.first_error_character);
    st.bind(16, e.first_error_column).bind(17, e.load_time_ms).bind(18, e.pipe);
    st.bind(19, e.snapshot_id);
    st.run();
  }
  for (const auto& r : rejected) {
    db_.prepare(
          "INSERT INTO floe_rejected_records (load_id, table_uuid, file, line, character, "
          "column_name, error, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, r.load_id)
        .bind(2, r.table_uuid)
        .bind(3, r.file)
        .bind(4, r.line)
        .bind(5, r.character)
        .bind(6, r.column)
        .bind(7, r.error)
        .bind(8, r.record)
        .run();
  }
}

std::vector<LoadHistoryEntry> LoadHistory::entries(const std::optional<std::string>& table_uuid,
                                                   const std::optional<std::string>& pipe,
                                                   int64_t since_ms) {
  std::string sql = std::string("SELECT ") + kEntryColumns +
                    " FROM floe_load_history WHERE load_time_ms >= ?";
  if (table_uuid) sql += " AND table_uuid = ?";
  if (pipe) sql += " AND pipe = ?";
  sql += " ORDER BY load_time_ms DESC, rowid DESC";
  auto st = db_.prepare(sql);
  st.bind(1, since_ms);
  int next = 2;
  if (table_uuid) st.bind(next++, *table_uuid);
  if (pipe) st.bind(next, *pipe);
  std::vector<LoadHistoryEntry> out;
  while (st.step()) out.push_back(entry_from_row(st));
  return out;
}

std::vector<RejectedRecord> LoadHistory::rejected(const std::string& load_id) {
  auto st = db_.prepare(
      "SELECT load_id, table_uuid, file, line, character, column_name, error, record FROM "
      "floe_rejected_records WHERE load_id = ? ORDER BY rowid");
  st.bind(1, load_id);
  std::vector<RejectedRecord> out;
  while (st.step()) {
    RejectedRecord r;
    r.load_id = *st.text(0);
    r.table_uuid = *st.text(1);
    r.file = *st.text(2);
    r.line = st.integer(3);
    r.character = st.integer(4);
    r.column = st.text(5).value_or("");
    r.error = *st.text(6);
    r.record = st.text(7).value_or("");
    out.push_back(std::move(r));
  }
  return out;
}

std::string LoadHistory::last_load_id(const std::string& table_uuid) {
  auto st = db_.prepare(
      "SELECT load_id FROM floe_load_history WHERE table_uuid = ? ORDER BY load_time_ms DESC, "
      "rowid DESC LIMIT 1");
  st.bind(1, table_uuid);
  return st.step() ? st.text(0).value_or("") : "";
}

}  // namespace floe::catalog
