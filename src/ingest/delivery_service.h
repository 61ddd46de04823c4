// DeliveryService: every delivery stream of a catalog at run time, the service `floe serve`
// runs. It starts a DeliveryWorker per stream defined in the catalog (recovering each WAL),
// starts streams created later on their first record, and follows replacements and drops
// (a replaced stream flushes under its old definition first). Layer: ingest; the HTTP
// protocols over it live in serve. Thread-safe.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "catalog/sql_catalog.h"
#include "ingest/delivery_worker.h"

namespace floe::ingest {

class DeliveryStreamNotFoundError : public CatalogError {
 public:
  explicit DeliveryStreamNotFoundError(const std::string& m) : CatalogError(m) {}
};

struct DeliveryServiceOptions {
  catalog::CatalogConfig catalog;
  // Local folder for the streams' WALs; "" = <warehouse>/.floe/delivery for a local
  // warehouse (required otherwise).
  std::string state_dir;
  int refresh_ms = 2000;  // how often definitions are re-read from the catalog
  DeliveryWorkerOptions worker;
};

class DeliveryService {
 public:
  // Throws InvalidInputError when no state folder can be chosen.
  explicit DeliveryService(DeliveryServiceOptions options);
  ~DeliveryService();

  // Starts a worker for every stream in the catalog and the refresh thread.
  void start();
  // Stops every worker (each flushes its buffer first).
  void stop();

  // Accepts records into a stream (name as parse_stream_name takes it). Throws
  // DeliveryStreamNotFoundError, DeliveryThrottledError, IoError (see DeliveryWorker::put).
  PutResult put(std::string_view stream, const std::vector<std::string_view>& records);
  std::vector<DeliveryStreamStatus> status();
  // nullopt when the stream does not exist.
  std::optional<DeliveryStreamStatus> describe(std::string_view stream);
  // Flushes every stream (or one) and waits for delivery; false on timeout.
  bool flush(std::chrono::milliseconds timeout, std::string_view stream = "");

  const std::string& state_dir() const { return state_dir_; }
  std::string wal_folder(const catalog::TableIdentifier& id) const;

 private:
  std::shared_ptr<DeliveryWorker> worker(const catalog::TableIdentifier& id, bool load);
  std::shared_ptr<DeliveryWorker> start_worker_locked(const DeliveryStreamDefinition& def);
  void refresh();
  void run_refresh();

  DeliveryServiceOptions options_;
  std::string state_dir_;
  std::mutex lifecycle_mu_;  // starting, replacing and stopping workers; the catalog
  std::unique_ptr<catalog::SqlCatalog> catalog_;
  std::mutex map_mu_;  // workers_
  std::map<std::string, std::shared_ptr<DeliveryWorker>> workers_;
  bool running_ = false;
  std::mutex refresh_mu_;
  std::condition_variable refresh_wake_;
  bool stop_refresh_ = false;  // under refresh_mu_
  std::thread refresh_thread_;
};

}  // namespace floe::ingest
