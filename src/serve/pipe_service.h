// PipeService: runs the pipes (Snowpipe's role) inside `floe serve`. It refreshes each pipe
// with AUTO_INGEST = TRUE that is not paused (ALTER PIPE .. REFRESH through its own SQL
// session): the files new to the pipe load, each name exactly once, since the pipe's history
// commits with the data in the catalog. A restart picks up where the history says. Local
// stage folders are watched (inotify): a refresh runs about a second after a file lands
// there. Every poll interval all pipes are refreshed anyway, which is how S3 stages are
// listed. GET /v1/pipes reports each pipe's SYSTEM$PIPE_STATUS and last outcome.
// Layer: serve.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "catalog/sql_catalog.h"
#include "serve/folder_watch.h"
#include "serve/server.h"

namespace floe::serve {

struct PipeServiceOptions {
  catalog::CatalogConfig catalog;
  int poll_ms = 5000;
};

class PipeService final : public Service {
 public:
  explicit PipeService(PipeServiceOptions options);
  ~PipeService() override;
  std::string name() const override { return "pipes"; }
  void register_routes(HttpRouter& router) override;
  void start() override;
  void stop() override;

 private:
  void run();
  void poll_once(class PipeRunner& runner);

  PipeServiceOptions options_;
  std::thread thread_;
  std::mutex mu_;
  std::atomic<bool> stopping_{false};
  FolderWatch watch_;
  std::set<std::string> local_folders_;  // the active pipes' local stage folders
  // Per pipe: the last refresh's outcome (files loaded, or the error), for /v1/pipes.
  std::map<std::string, std::string> last_outcome_;
  std::atomic<int64_t> polls_{0};
};

}  // namespace floe::serve
