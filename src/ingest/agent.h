// Agent: `floe agent`, the Kinesis Agent's role: each flow tails its files (FileTailer),
// converts records (dataProcessingOptions), buffers them (maxBufferSizeRecords/Bytes/
// AgeMillis) and sends each buffer to its delivery stream with Firehose's PutRecordBatch,
// retrying failed records with backoff (100 ms doubling to 10 s; a full buffer stops the
// reading meanwhile). The flow's checkpoint advances only after every record of the buffer
// was acknowledged: at-least-once; a crash between the acknowledgement and the checkpoint
// write sends that one buffer again. Layer: ingest. One thread per flow.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ingest/agent_config.h"
#include "io/http_client.h"

namespace floe::ingest {

struct AgentFlowStats {
  std::string flow;
  int64_t records_sent = 0;     // acknowledged by the delivery stream
  int64_t records_dropped = 0;  // a converter could not convert them, or refused for good
  int64_t batches_sent = 0;
  int64_t send_retries = 0;
};

// Sends records to a delivery stream with PutRecordBatch. Thread-safe.
class FirehoseSender {
 public:
  explicit FirehoseSender(std::string endpoint);
  // Sends until every record is acknowledged or refused for good (a record over the size
  // limit), retrying the rest with backoff; returns false when `stop` was set (within
  // `give_up_ms` of it) before that. Counts retries into `retries` and refusals into
  // `refused`.
  bool send(const std::string& stream, const std::vector<std::string>& records,
            const std::atomic<bool>& stop, int64_t give_up_ms, int64_t* retries, int64_t* refused);

 private:
  std::string endpoint_;
  io::HttpClient http_;
};

class Agent {
 public:
  explicit Agent(AgentConfig config);
  // Runs every flow until `stop` is set; with `once`, each flow stops when it caught up
  // with its files and everything it read was acknowledged. Returns per-flow counters.
  // Throws InvalidInputError for a bad processing option or pattern.
  std::vector<AgentFlowStats> run(const std::atomic<bool>& stop, bool once);

 private:
  AgentConfig config_;
};

}  // namespace floe::ingest
