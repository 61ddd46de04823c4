#include "ingest/delivery_buffer.h"

#include <algorithm>

namespace floe::ingest {

void DeliveryBuffer::add(DeliveryRecord record) {
  oldest_ms_ = records_.empty() ? record.arrival_ms : std::min(oldest_ms_, record.arrival_ms);
  bytes_ += int64_t(record.data.size());
  records_.push_back(std::move(record));
}

std::optional<int64_t> DeliveryBuffer::oldest_arrival_ms() const {
  if (records_.empty()) return std::nullopt;
  return oldest_ms_;
}

bool DeliveryBuffer::due(int64_t now_ms) const {
  if (records_.empty()) return false;
  return bytes_ >= size_hint_bytes_ || now_ms - oldest_ms_ >= interval_ms_;
}

std::optional<int64_t> DeliveryBuffer::due_at_ms() const {
  if (records_.empty()) return std::nullopt;
  return oldest_ms_ + interval_ms_;
}

std::vector<DeliveryRecord> DeliveryBuffer::take() {
  std::vector<DeliveryRecord> out = std::move(records_);
  records_.clear();
  bytes_ = 0;
  oldest_ms_ = 0;
  return out;
}

}  // namespace floe::ingest
