// DeliveryBuffer: the records a delivery stream holds for its open WAL segment, and the
// Firehose buffering rule: flush when the buffered bytes reach the size hint or the oldest
// record has waited the interval, whichever comes first (interval 0: at once). Layer:
// ingest. Time is passed in, so the rule is tested without waiting. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ingest/delivery_wal.h"

namespace floe::ingest {

class DeliveryBuffer {
 public:
  DeliveryBuffer(int64_t size_hint_bytes, int64_t interval_ms)
      : size_hint_bytes_(size_hint_bytes), interval_ms_(interval_ms) {}

  void add(DeliveryRecord record);
  bool empty() const { return records_.empty(); }
  size_t record_count() const { return records_.size(); }
  int64_t bytes() const { return bytes_; }
  // Arrival of the oldest record (nullopt when empty).
  std::optional<int64_t> oldest_arrival_ms() const;
  // Whether the buffer should be flushed at `now_ms`.
  bool due(int64_t now_ms) const;
  // When it will be due by age alone (nullopt when empty).
  std::optional<int64_t> due_at_ms() const;
  // Hands over the records and empties the buffer.
  std::vector<DeliveryRecord> take();

 private:
  int64_t size_hint_bytes_;
  int64_t interval_ms_;
  std::vector<DeliveryRecord> records_;
  int64_t bytes_ = 0;
  int64_t oldest_ms_ = 0;
};

}  // namespace floe::ingest
