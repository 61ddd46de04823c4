#include "ingest/delivery_service.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "io/file_io.h"

namespace floe::ingest {

DeliveryService::DeliveryService(DeliveryServiceOptions options) : options_(std::move(options)) {
  state_dir_ = options_.state_dir;
  if (state_dir_.empty()) {
    if (io::location_scheme(options_.catalog.warehouse) != "file")
      throw InvalidInputError(
          "the warehouse is not local: give a local folder for the delivery streams' "
          "write-ahead logs with --state-dir");
    state_dir_ = io::local_path(options_.catalog.warehouse) + "/.floe/delivery";
  }
  state_dir_ = std::filesystem::absolute(state_dir_).lexically_normal().string();
}

DeliveryService::~DeliveryService() { stop(); }

std::string DeliveryService::wal_folder(const catalog::TableIdentifier& id) const {
  return state_dir_ + "/" + id.to_string();
}

std::shared_ptr<DeliveryWorker> DeliveryService::start_worker_locked(
    const DeliveryStreamDefinition& def) {
  std::string folder = wal_folder(def.id);
  std::unique_ptr<DeliveryDestination> destination;
  if (def.destination == DestinationKind::kTable)
    destination = make_table_destination(def, options_.catalog, folder);
  else
    destination = make_location_destination(def);
  auto w = std::make_shared<DeliveryWorker>(def, std::move(destination), folder, options_.worker);
  w->start();
  std::lock_guard<std::mutex> lock(map_mu_);
  workers_[def.name()] = w;
  return w;
}

void DeliveryService::start() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (running_) return;
  catalog_ = std::make_unique<catalog::SqlCatalog>(options_.catalog);
  ensure_delivery_positions_table(catalog_->database());
  for (const auto& def : list_delivery_streams(*catalog_)) start_worker_locked(def);
  running_ = true;
  stop_refresh_ = false;
  refresh_thread_ = std::thread([this] { run_refresh(); });
}

void DeliveryService::stop() {
  {
    std::lock_guard<std::mutex> lock(lifecycle_mu_);
    if (!running_) return;
    running_ = false;
  }
  {
    std::lock_guard<std::mutex> l(refresh_mu_);
    stop_refresh_ = true;
  }
  refresh_wake_.notify_all();
  if (refresh_thread_.joinable()) refresh_thread_.join();
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  std::map<std::string, std::shared_ptr<DeliveryWorker>> workers;
  {
    std::lock_guard<std::mutex> map_lock(map_mu_);
    workers.swap(workers_);
  }
  for (auto& [name, w] : workers) w->stop();
  catalog_.reset();
}

std::shared_ptr<DeliveryWorker> DeliveryService::worker(const catalog::TableIdentifier& id,
                                                        bool load) {
  {
    std::lock_guard<std::mutex> lock(map_mu_);
    auto it = workers_.find(id.to_string());
    if (it != workers_.end()) return it->second;
  }
  if (!load) return nullptr;
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (!running_) return nullptr;
  {
    std::lock_guard<std::mutex> map_lock(map_mu_);
    auto it = workers_.find(id.to_string());
    if (it != workers_.end()) return it->second;
  }
  auto def = get_delivery_stream(*catalog_, id);
  if (!def) return nullptr;
  return start_worker_locked(*def);
}

PutResult DeliveryService::put(std::string_view stream,
                               const std::vector<std::string_view>& records) {
  auto id = parse_stream_name(stream);
  auto w = worker(id, true);
  if (!w)
    throw DeliveryStreamNotFoundError(
        fmt::format("delivery stream {} does not exist", id.to_string()));
  return w->put(records);
}

std::vector<DeliveryStreamStatus> DeliveryService::status() {
  std::vector<std::shared_ptr<DeliveryWorker>> ws;
  {
    std::lock_guard<std::mutex> lock(map_mu_);
    for (auto& [n, w] : workers_) ws.push_back(w);
  }
  std::vector<DeliveryStreamStatus> out;
  for (auto& w : ws) out.push_back(w->status());
  return out;
}

std::optional<DeliveryStreamStatus> DeliveryService::describe(std::string_view stream) {
  auto w = worker(parse_stream_name(stream), true);
  if (!w) return std::nullopt;
  return w->status();
}

bool DeliveryService::flush(std::chrono::milliseconds timeout, std::string_view stream) {
  std::vector<std::shared_ptr<DeliveryWorker>> ws;
  if (!stream.empty()) {
    auto w = worker(parse_stream_name(stream), true);
    if (!w)
      throw DeliveryStreamNotFoundError(fmt::format("delivery stream {} does not exist", stream));
    ws.push_back(w);
  } else {
    std::lock_guard<std::mutex> lock(map_mu_);
    for (auto& [n, w] : workers_) ws.push_back(w);
  }
  bool ok = true;
  for (auto& w : ws) ok = w->flush(timeout) && ok;
  return ok;
}

void DeliveryService::refresh() {
  std::lock_guard<std::mutex> lock(lifecycle_mu_);
  if (!running_) return;
  std::map<std::string, DeliveryStreamDefinition> defined;
  for (auto& def : list_delivery_streams(*catalog_)) defined.emplace(def.name(), def);
  std::map<std::string, std::shared_ptr<DeliveryWorker>> current;
  {
    std::lock_guard<std::mutex> map_lock(map_mu_);
    current = workers_;
  }
  for (auto& [name, w] : current) {
    auto it = defined.find(name);
    bool same = it != defined.end() && it->second.to_json() == w->definition().to_json();
    if (same) continue;
    {
      std::lock_guard<std::mutex> map_lock(map_mu_);
      workers_.erase(name);
    }
    w->stop();  // delivers what it holds under the definition it was accepted with
    if (it != defined.end()) start_worker_locked(it->second);
  }
  for (auto& [name, def] : defined)
    if (!current.count(name)) start_worker_locked(def);
}

void DeliveryService::run_refresh() {
  std::unique_lock<std::mutex> lock(refresh_mu_);
  while (true) {
    refresh_wake_.wait_for(lock, std::chrono::milliseconds(options_.refresh_ms),
                           [&] { return stop_refresh_; });
    if (stop_refresh_) return;
    lock.unlock();
    try {
      refresh();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "floe: delivery streams: cannot re-read definitions: %s\n", e.what());
    }
    lock.lock();
  }
}

}  // namespace floe::ingest
