#include "ingest/agent_checkpoints.h"

#include <chrono>
#include <filesystem>

#include "iceberg/table_metadata.h"

namespace floe::ingest {

namespace {

std::string with_folder(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  return path;
}

}  // namespace

AgentCheckpoints::AgentCheckpoints(const std::string& path, int ttl_days) : db_(with_folder(path)) {
  db_.exec(
      "CREATE TABLE IF NOT EXISTS floe_agent_checkpoints (flow TEXT PRIMARY KEY, path TEXT NOT "
      "NULL, device INTEGER NOT NULL, inode INTEGER NOT NULL, offset INTEGER NOT NULL, "
      "mtime_ns INTEGER NOT NULL, fingerprint TEXT NOT NULL, updated_ms INTEGER NOT NULL)");
  db_.prepare("DELETE FROM floe_agent_checkpoints WHERE updated_ms < ?")
      .bind(1, iceberg::now_ms() - int64_t(ttl_days) * 86400000)
      .run();
}

std::optional<TailPosition> AgentCheckpoints::load(const std::string& flow) {
  auto st = db_.prepare(
      "SELECT path, device, inode, offset, mtime_ns, fingerprint FROM floe_agent_checkpoints "
      "WHERE flow = ?");
  st.bind(1, flow);
  if (!st.step()) return std::nullopt;
  TailPosition p;
  p.path = st.text(0).value_or("");
  p.device = uint64_t(st.integer(1));
  p.inode = uint64_t(st.integer(2));
  p.offset = uint64_t(st.integer(3));
  p.mtime_ns = st.integer(4);
  p.fingerprint = st.text(5).value_or("");
  return p;
}

void AgentCheckpoints::save(const std::string& flow, const TailPosition& p) {
  db_.prepare(
         "INSERT INTO floe_agent_checkpoints (flow, path, device, inode, offset, mtime_ns, "
         "fingerprint, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(flow) DO UPDATE "
         "SET path = excluded.path, device = excluded.device, inode = excluded.inode, offset = "
         "excluded.offset, mtime_ns = excluded.mtime_ns, fingerprint = excluded.fingerprint, "
         "updated_ms = excluded.updated_ms")
      .bind(1, flow)
      .bind(2, p.path)
      .bind(3, int64_t(p.device))
      .bind(4, int64_t(p.inode))
      .bind(5, int64_t(p.offset))
      .bind(6, p.mtime_ns)
      .bind(7, p.fingerprint)
      .bind(8, iceberg::now_ms())
      .run();
}

}  // namespace floe::ingest
