#include "ingest/agent.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/error.h"
#include "ingest/agent_checkpoints.h"
#include "ingest/agent_record_processing.h"
#include "ingest/delivery_encoding.h"
#include "ingest/delivery_stream.h"
#include "ingest/file_tailer.h"

namespace floe::ingest {

using Json = nlohmann::json;

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Sleeps up to `ms`, waking early when `stop` is set (unless `ignore_stop`).
void pause(int64_t ms, const std::atomic<bool>& stop, bool ignore_stop = false) {
  int64_t until = now_ms() + ms;
  while (now_ms() < until && (ignore_stop || !stop.load()))
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(20, until - now_ms())));
}

}  // namespace

FirehoseSender::FirehoseSender(std::string endpoint)
    : endpoint_(std::move(endpoint)), http_(io::HttpTimeouts{5, 30, 1}) {}

bool FirehoseSender::send(const std::string& stream, const std::vector<std::string>& records,
                          const std::atomic<bool>& stop, int64_t give_up_ms, int64_t* retries,
                          int64_t* refused) {
  std::vector<size_t> left(records.size());
  for (size_t i = 0; i < left.size(); ++i) left[i] = i;
  int64_t backoff = 100;
  int64_t stop_seen_ms = 0;
  while (!left.empty()) {
    if (stop.load()) {
      if (stop_seen_ms == 0) stop_seen_ms = now_ms();
      if (now_ms() - stop_seen_ms > give_up_ms) return false;
    }
    Json body;
    body["DeliveryStreamName"] = stream;
    Json list = Json::array();
    for (size_t i : left) list.push_back(Json{{"Data", base64_encode(records[i])}});
    body["Records"] = std::move(list);
    std::string text = body.dump();
    io::HttpRequest req;
    req.method = "POST";
    req.url = endpoint_ + "/";
    req.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                   {"X-Amz-Target", "Firehose_20150804.PutRecordBatch"}};
    req.body = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
    io::HttpResponse resp = http_.perform(req);
    std::string problem;
    if (!resp.transport_error.empty()) {
      problem = resp.transport_error;
    } else if (resp.status == 200) {
      try {
        Json answer = Json::parse(resp.body_text());
        const Json& responses = answer.at("RequestResponses");
        if (responses.size() != left.size())
          throw InvalidInputError("RequestResponses does not match the records sent");
        std::vector<size_t> again;
        for (size_t k = 0; k < left.size(); ++k) {
          const Json& r = responses[k];
          if (!r.contains("ErrorCode")) continue;
          std::string code = r["ErrorCode"].get<std::string>();
          if (code == "InvalidArgumentException") {  // can never be accepted: drop it
            ++*refused;
            std::fprintf(stderr, "floe agent: %s: record refused: %s\n", stream.c_str(),
                         r.value("ErrorMessage", "").c_str());
            continue;
          }
          again.push_back(left[k]);
        }
        left.swap(again);
        if (left.empty()) return true;
        problem = fmt::format("{} record(s) not accepted", left.size());
      } catch (const std::exception& e) {
        problem = fmt::format("unexpected answer: {}", e.what());
      }
    } else {
      problem = fmt::format("HTTP {}: {}", resp.status, resp.body_text().substr(0, 300));
    }
    ++*retries;
    if (backoff >= 1600)
      std::fprintf(stderr, "floe agent: %s: %s; retrying in %lld ms\n", stream.c_str(),
                   problem.c_str(), static_cast<long long>(backoff));
    pause(backoff, stop, /*ignore_stop=*/true);
    backoff = std::min<int64_t>(backoff * 2, 10000);
  }
  return true;
}

Agent::Agent(AgentConfig config) : config_(std::move(config)) {}

std::vector<AgentFlowStats> Agent::run(const std::atomic<bool>& stop, bool once) {
  std::vector<AgentFlowStats> stats(config_.flows.size());
  std::vector<std::thread> threads;
  std::mutex error_mu;
  std::string first_error;
  // Checked before any thread starts, so that a bad option fails the command at once.
  for (const auto& flow : config_.flows)
    for (const auto& o : flow.processing) (void)make_record_converter(o);

  for (size_t f = 0; f < config_.flows.size(); ++f) {
    threads.emplace_back([&, f] {
      const AgentFlow& flow = config_.flows[f];
      AgentFlowStats& st = stats[f];
      st.flow = flow.id();
      try {
        AgentCheckpoints checkpoints(config_.checkpoint_file, config_.checkpoint_ttl_days);
        std::vector<std::unique_ptr<RecordConverter>> converters;
        for (const auto& o : flow.processing) converters.push_back(make_record_converter(o));
        FileTailerOptions to;
        to.pattern = flow.file_pattern;
        to.initial_position = flow.initial_position;
        to.skip_header_lines = flow.skip_header_lines;
        to.multi_line_start_pattern = flow.multi_line_start_pattern;
        to.truncated_record_terminator = flow.truncated_record_terminator;
        to.max_record_bytes = kMaxRecordBytes;
        FileTailer tailer(to, checkpoints.load(flow.id()));
        FirehoseSender sender(config_.endpoint);
        std::vector<std::string> batch;
        size_t batch_bytes = 0;
        int64_t batch_started = 0;
        std::optional<TailPosition> batch_position;  // after the batch's last record
        std::optional<TailPosition> saved;
        auto same = [](const std::optional<TailPosition>& a, const std::optional<TailPosition>& b) {
          return a && b && a->device == b->device && a->inode == b->inode && a->offset == b->offset;
        };
        auto send_batch = [&]() -> bool {
          if (!batch.empty()) {
            if (!sender.send(flow.delivery_stream, batch, stop, config_.shutdown_timeout_ms,
                             &st.send_retries, &st.records_dropped))
              return false;
            st.records_sent += int64_t(batch.size());
            st.batches_sent += 1;
          }
          if (batch_position && !same(batch_position, saved)) {
            checkpoints.save(flow.id(), *batch_position);
            saved = batch_position;
          }
          batch.clear();
          batch_bytes = 0;
          return true;
        };
        while (true) {
          if (stop.load()) {
            send_batch();
            break;
          }
          size_t room_records = size_t(flow.max_buffer_size_records) - batch.size();
          size_t room_bytes = size_t(flow.max_buffer_size_bytes) - batch_bytes;
          std::vector<TailedRecord> got;
          if (room_records > 0 && room_bytes > 0) got = tailer.poll(room_records, room_bytes);
          for (auto& r : got) {
            auto converted = process_record(converters, r.data);
            batch_position = r.position;
            if (!converted) {
              ++st.records_dropped;
              continue;
            }
            if (batch.empty()) batch_started = now_ms();
            batch_bytes += converted->size();
            batch.push_back(std::move(*converted));
          }
          if (got.empty() && !batch_position) batch_position = tailer.position();
          bool full = batch.size() >= size_t(flow.max_buffer_size_records) ||
                      batch_bytes >= size_t(flow.max_buffer_size_bytes);
          bool aged = !batch.empty() && now_ms() - batch_started >= flow.max_buffer_age_ms;
          bool idle = tailer.caught_up();
          if (full || aged || (once && idle)) {
            if (!send_batch()) break;
            if (once && idle && tailer.caught_up()) break;
            continue;
          }
          if (got.empty()) pause(flow.min_time_between_file_polls_ms, stop);
        }
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (first_error.empty()) first_error = fmt::format("flow {}: {}", flow.id(), e.what());
      }
    });
  }
  for (auto& t : threads) t.join();
  if (!first_error.empty()) throw IoError(first_error);
  return stats;
}

}  // namespace floe::ingest
