#include "ingest/delivery_worker.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "iceberg/table_metadata.h"

namespace floe::ingest {

DeliveryWorker::DeliveryWorker(DeliveryStreamDefinition def,
                               std::unique_ptr<DeliveryDestination> destination,
                               std::string wal_folder, DeliveryWorkerOptions options)
    : def_(std::move(def)),
      destination_(std::move(destination)),
      wal_folder_(std::move(wal_folder)),
      options_(options),
      buffer_(def_.buffer_bytes(), int64_t(def_.buffer_seconds) * 1000) {
  stats_.definition = def_;
}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return;
  wal_ = std::make_unique<DeliveryWal>(wal_folder_);
  wal_->reserve_through(destination_->delivered_through());
  for (auto& s : wal_->take_recovered()) {
    sealed_bytes_ += s.data_bytes;
    sealed_records_ += int64_t(s.records.size());
    sealed_.push_back(std::make_shared<WalSegment>(std::move(s)));
  }
  started_ = true;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void DeliveryWorker::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!started_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  started_ = false;
  wal_.reset();
}

void DeliveryWorker::seal_locked() {
  if (buffer_.empty()) return;
  auto segment = std::make_shared<WalSegment>();
  segment->end_offset = wal_->open_bytes();
  segment->data_bytes = buffer_.bytes();
  auto sequence = wal_->seal();
  segment->sequence = sequence.value_or(0);
  segment->records = buffer_.take();
  sealed_bytes_ += segment->data_bytes;
  sealed_records_ += int64_t(segment->records.size());
  sealed_.push_back(std::move(segment));
}

PutResult DeliveryWorker::put(const std::vector<std::string_view>& records) {
  PutResult result;
  result.records.resize(records.size());
  std::vector<std::string_view> accepted;
  std::vector<size_t> index;
  int64_t bytes = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].size() > kMaxRecordBytes) {
      result.records[i].error_code = "InvalidArgumentException";
      result.records[i].error_message =
          fmt::format("record is {} bytes; a record is at most {} bytes (1,000 KiB)",
                      records[i].size(), kMaxRecordBytes);
      ++result.failed;
      continue;
    }
    accepted.push_back(records[i]);
    index.push_back(i);
    bytes += int64_t(records[i].size());
  }
  std::unique_lock<std::mutex> lock(mu_);
  if (!started_ || stopping_)
    throw DeliveryThrottledError(fmt::format("delivery stream {} is stopping", def_.name()), 1);
  if (accepted.empty()) return result;
  int64_t unflushed = buffer_.bytes() + sealed_bytes_;
  int64_t bound = int64_t(options_.backpressure_factor) * def_.buffer_bytes();
  if (unflushed > 0 && unflushed + bytes > bound)
    throw DeliveryThrottledError(
        fmt::format("delivery stream {} has {} bytes waiting for delivery (bound {}); slow down",
                    def_.name(), unflushed, bound),
        1);
  int64_t arrival = iceberg::now_ms();
  std::vector<WalPosition> positions = wal_->append(accepted, arrival);
  for (size_t k = 0; k < accepted.size(); ++k) {
    buffer_.add({arrival, std::string(accepted[k])});
    result.records[index[k]].record_id =
        fmt::format("{:016x}{:016x}", positions[k].sequence, positions[k].offset);
  }
  if (buffer_.due(arrival)) seal_locked();
  lock.unlock();
  wake_.notify_all();
  return result;
}

DeliveryStreamStatus DeliveryWorker::status() {
  std::lock_guard<std::mutex> lock(mu_);
  DeliveryStreamStatus s = stats_;
  s.buffered_records = int64_t(buffer_.record_count()) + sealed_records_;
  s.buffered_bytes = buffer_.bytes() + sealed_bytes_;
  s.pending_segments = int64_t(sealed_.size());
  return s;
}

bool DeliveryWorker::flush(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!started_) return sealed_.empty() && buffer_.empty();
  seal_locked();
  wake_.notify_all();
  return delivered_.wait_for(lock, timeout, [&] { return sealed_.empty(); });
}

void DeliveryWorker::run() {
  std::chrono::milliseconds backoff(100);
  int attempts_while_stopping = 0;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (stopping_) seal_locked();
    if (sealed_.empty()) {
      if (stopping_) break;
      if (buffer_.due(iceberg::now_ms())) {
        seal_locked();
        continue;
      }
      auto due = buffer_.due_at_ms();
      if (due) {
        wake_.wait_until(lock,
                         std::chrono::system_clock::time_point(std::chrono::milliseconds(*due)));
      } else {
        wake_.wait(lock);
      }
      continue;
    }
    std::shared_ptr<WalSegment> segment = sealed_.front();
    lock.unlock();
    DeliveryReport report;
    std::string error;
    try {
      report = destination_->deliver(*segment);
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (error.empty()) {
      try {
        wal_->remove(segment->sequence);
      } catch (const std::exception& e) {
        // Delivered; a file left behind is delivered again (idempotently) on restart.
        std::fprintf(stderr, "floe: delivery stream %s: %s\n", def_.name().c_str(), e.what());
      }
    }
    lock.lock();
    if (error.empty()) {
      sealed_.pop_front();
      sealed_bytes_ -= segment->data_bytes;
      sealed_records_ -= int64_t(segment->records.size());
      stats_.delivered_records += report.records_delivered;
      stats_.failed_records += report.records_failed;
      stats_.delivered_segments += 1;
      stats_.last_delivery_ms = iceberg::now_ms();
      stats_.last_error.clear();
      backoff = std::chrono::milliseconds(100);
      attempts_while_stopping = 0;
      delivered_.notify_all();
      continue;
    }
    stats_.last_error = error;
    std::fprintf(stderr, "floe: delivery stream %s: segment %llu not delivered (retrying): %s\n",
                 def_.name().c_str(), static_cast<unsigned long long>(segment->sequence),
                 error.c_str());
    if (stopping_ && ++attempts_while_stopping >= options_.stop_attempts) {
      std::fprintf(stderr,
                   "floe: delivery stream %s: %zu segment(s) stay in the WAL for the next start\n",
                   def_.name().c_str(), sealed_.size());
      break;
    }
    wake_.wait_for(lock, backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
  }
  delivered_.notify_all();
}

}  // namespace floe::ingest
