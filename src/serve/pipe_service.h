// PipeService: runs the pipes (Snowpipe's role) inside `floe serve`. Every poll interval it
// refreshes each pipe with AUTO_INGEST = TRUE that is not paused (ALTER PIPE .. REFRESH
// through its own SQL session): the files new to the pipe load, each name exactly once,
// since the pipe's history commits with the data in the catalog. A restart picks up where
// the history says. Stages are listed (local folders and S3 alike), so new files load within
// about one interval. GET /v1/pipes reports each pipe's SYSTEM$PIPE_STATUS and last outcome.
// Layer: serve.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "catalog/sql_catalog.h"
#include "serve/server.h"

namespace floe::serve {

struct PipeServiceOptions {
  catalog::CatalogConfig catalog;
  int poll_ms = 1000;
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
  std::condition_variable wake_;
  bool stopping_ = false;
  // Per pipe: the last refresh's outcome (files loaded, or the error), for /v1/pipes.
  std::map<std::string, std::string> last_outcome_;
  std::atomic<int64_t> polls_{0};
};

}  // namespace floe::serve
