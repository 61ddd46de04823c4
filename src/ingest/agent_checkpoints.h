// AgentCheckpoints: `floe agent`'s checkpoint file, a SQLite database (as the Kinesis
// Agent's) holding for each flow the tailed file's identity and the offset up to which the
// delivery stream acknowledged its records. Rows older than the time to live are removed
// when the file is opened. Layer: ingest. One instance per thread.
#pragma once

#include <optional>
#include <string>

#include "catalog/sqlite_database.h"
#include "ingest/file_tailer.h"

namespace floe::ingest {

class AgentCheckpoints {
 public:
  // Opens (creating, with its folder) the checkpoint file. Throws IoError.
  AgentCheckpoints(const std::string& path, int ttl_days);

  std::optional<TailPosition> load(const std::string& flow);
  // Stores the flow's position (committed when this returns).
  void save(const std::string& flow, const TailPosition& position);

 private:
  catalog::SqliteDatabase db_;
};

}  // namespace floe::ingest
