// DeliveryWorker: one delivery stream at run time: its WAL, the buffer of its open segment,
// the sealed segments waiting for delivery, and the thread that seals a segment when the
// buffer is due and hands sealed segments, oldest first, to the destination (retrying with
// backoff until it succeeds). Layer: ingest. put(), status() and flush() are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/error.h"
#include "ingest/delivery_buffer.h"
#include "ingest/delivery_destination.h"
#include "ingest/delivery_stream.h"
#include "ingest/delivery_wal.h"

namespace floe::ingest {

// The stream cannot take records now (its unflushed data passed the bound, or it is
// stopping): the caller should retry after `retry_after_seconds`.
class DeliveryThrottledError : public Error {
 public:
  DeliveryThrottledError(const std::string& m, int retry_after_seconds)
      : Error(ErrorKind::kIo, m), retry_after_seconds_(retry_after_seconds) {}
  int retry_after_seconds() const { return retry_after_seconds_; }

 private:
  int retry_after_seconds_;
};

struct RecordResult {
  std::string record_id;   // set when accepted
  std::string error_code;  // set when refused
  std::string error_message;
};

struct PutResult {
  std::vector<RecordResult> records;  // one per record given, in order
  int64_t failed = 0;
};

struct DeliveryStreamStatus {
  DeliveryStreamDefinition definition;
  int64_t buffered_records = 0;  // accepted, not yet delivered (open and sealed segments)
  int64_t buffered_bytes = 0;
  int64_t pending_segments = 0;   // sealed, waiting for delivery
  int64_t delivered_records = 0;  // since start
  int64_t failed_records = 0;     // sent to the error prefix since start
  int64_t delivered_segments = 0;
  int64_t last_delivery_ms = 0;  // 0: none since start
  std::string last_error;        // of the last failed delivery attempt, "" after a success
};

struct DeliveryWorkerOptions {
  int backpressure_factor = 4;  // refuse records past factor × the size hint unflushed
  int stop_attempts = 3;        // delivery attempts per segment while stopping
};

class DeliveryWorker {
 public:
  DeliveryWorker(DeliveryStreamDefinition def, std::unique_ptr<DeliveryDestination> destination,
                 std::string wal_folder, DeliveryWorkerOptions options = {});
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Opens the WAL, queues the segments it recovered and starts the delivery thread.
  // Throws IoError / CorruptDataError from the WAL.
  void start();
  // Seals the open segment, delivers what is sealed (a failing destination gets
  // stop_attempts tries; what is left stays in the WAL for the next start) and joins.
  void stop();

  // Accepts records: each is written to the WAL and synced before this returns. A record
  // over kMaxRecordBytes gets an error of its own. Throws DeliveryThrottledError (nothing
  // accepted) under back-pressure or while stopping, IoError when the WAL write failed.
  PutResult put(const std::vector<std::string_view>& records);
  DeliveryStreamStatus status();
  const DeliveryStreamDefinition& definition() const { return def_; }
  // Seals the open segment and waits until every sealed segment is delivered; false on
  // timeout.
  bool flush(std::chrono::milliseconds timeout);

 private:
  void run();
  void seal_locked();

  DeliveryStreamDefinition def_;
  std::unique_ptr<DeliveryDestination> destination_;
  std::string wal_folder_;
  DeliveryWorkerOptions options_;
  std::unique_ptr<DeliveryWal> wal_;
  DeliveryBuffer buffer_;
  std::deque<std::shared_ptr<WalSegment>> sealed_;
  int64_t sealed_bytes_ = 0;
  int64_t sealed_records_ = 0;
  DeliveryStreamStatus stats_;
  bool started_ = false;
  bool stopping_ = false;
  std::mutex mu_;
  std::condition_variable wake_;       // the delivery thread
  std::condition_variable delivered_;  // flush() waiters
  std::thread thread_;
};

}  // namespace floe::ingest
