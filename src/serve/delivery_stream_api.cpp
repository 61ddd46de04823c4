#include "serve/delivery_stream_api.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "base/civil_time.h"
#include "ingest/delivery_encoding.h"

namespace floe::serve {

using Json = nlohmann::json;

namespace {

constexpr const char* kAmzJson = "application/x-amz-json-1.1";
constexpr std::string_view kTargetPrefix = "Firehose_20150804.";

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

HttpResponse amz(int status, const Json& body) { return {status, kAmzJson, dump(body), {}}; }

HttpResponse amz_error(int status, const std::string& type, const std::string& message) {
  HttpResponse r = amz(status, Json{{"__type", type}, {"message", message}});
  r.headers.emplace_back("x-amzn-ErrorType", type);
  return r;
}

HttpResponse throttled(const ingest::DeliveryThrottledError& e, bool firehose) {
  HttpResponse r = firehose ? amz_error(503, "ServiceUnavailableException", e.what())
                            : HttpResponse::error(503, e.what());
  r.headers.emplace_back("Retry-After", std::to_string(e.retry_after_seconds()));
  return r;
}

std::string iso_ms(int64_t ms) {
  if (ms == 0) return "";
  return format_timestamp(ms, 1000) + "Z";
}

Json status_json(const ingest::DeliveryStreamStatus& s) {
  const auto& d = s.definition;
  Json j;
  j["name"] = d.name();
  j["destination"] = d.destination == ingest::DestinationKind::kTable
                         ? Json{{"table", d.table.to_string()}}
                         : Json{{"location", d.location}, {"prefix", d.prefix}};
  j["error_prefix"] = d.error_prefix;
  j["buffer_mb"] = d.buffer_mb;
  j["buffer_seconds"] = d.buffer_seconds;
  j["version"] = d.version;
  j["buffered_records"] = s.buffered_records;
  j["buffered_bytes"] = s.buffered_bytes;
  j["pending_segments"] = s.pending_segments;
  j["delivered_records"] = s.delivered_records;
  j["failed_records"] = s.failed_records;
  j["last_delivery"] = s.last_delivery_ms ? Json(iso_ms(s.last_delivery_ms)) : Json(nullptr);
  j["last_error"] = s.last_error.empty() ? Json(nullptr) : Json(s.last_error);
  return j;
}

// The stream name in /v1/delivery-streams/<name>/<action>.
std::string stream_in_path(const std::string& path, const std::string& action) {
  constexpr std::string_view base = "/v1/delivery-streams/";
  std::string rest = path.substr(base.size());
  std::string suffix = "/" + action;
  if (rest.size() <= suffix.size() ||
      rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) != 0)
    return "";
  return rest.substr(0, rest.size() - suffix.size());
}

}  // namespace

DeliveryStreamApi::DeliveryStreamApi(ingest::DeliveryServiceOptions options, std::string api_token)
    : service_(std::make_unique<ingest::DeliveryService>(std::move(options))),
      api_token_(std::move(api_token)) {}

DeliveryStreamApi::~DeliveryStreamApi() { stop(); }

void DeliveryStreamApi::start() { service_->start(); }
void DeliveryStreamApi::stop() { service_->stop(); }

void DeliveryStreamApi::register_routes(HttpRouter& router) {
  router.add("POST", "/", [this](const HttpRequest& r) { return firehose(r); });
  auto guarded = [this](HttpResponse (DeliveryStreamApi::*fn)(const HttpRequest&)) {
    return [this, fn](const HttpRequest& r) {
      if (!api_token_.empty() && r.header("authorization") != "Bearer " + api_token_)
        return HttpResponse::error(401, "this endpoint needs Authorization: Bearer <api token>");
      return (this->*fn)(r);
    };
  };
  router.add("GET", "/v1/delivery-streams", guarded(&DeliveryStreamApi::list));
  router.add("POST", "/v1/delivery-streams/*", [this, guarded](const HttpRequest& r) {
    if (r.path.size() > 8 && r.path.compare(r.path.size() - 6, 6, "/flush") == 0)
      return guarded(&DeliveryStreamApi::flush)(r);
    return guarded(&DeliveryStreamApi::put_lines)(r);
  });
}

HttpResponse DeliveryStreamApi::firehose(const HttpRequest& request) {
  std::string target = request.header("x-amz-target");
  if (target.rfind(kTargetPrefix, 0) != 0)
    return amz_error(400, "UnknownOperationException",
                     fmt::format("expected X-Amz-Target: {}<Action>", kTargetPrefix));
  std::string action = target.substr(kTargetPrefix.size());
  Json body;
  try {
    body = request.body.empty() ? Json::object() : Json::parse(request.body);
  } catch (const Json::exception& e) {
    return amz_error(400, "SerializationException",
                     fmt::format("the body is not JSON: {}", e.what()));
  }
  if (!body.is_object())
    return amz_error(400, "SerializationException", "the body is not a JSON object");
  auto stream_name = [&]() -> std::string {
    auto it = body.find("DeliveryStreamName");
    return it != body.end() && it->is_string() ? it->get<std::string>() : "";
  };
  try {
    if (action == "PutRecord" || action == "PutRecordBatch") {
      std::string name = stream_name();
      if (name.empty())
        return amz_error(400, "InvalidArgumentException", "DeliveryStreamName is required");
      std::vector<std::string> data;
      auto decode = [&](const Json& record) -> bool {
        if (!record.is_object() || !record.contains("Data") || !record["Data"].is_string())
          return false;
        auto bytes = ingest::base64_decode(record["Data"].get<std::string>());
        if (!bytes) return false;
        data.push_back(std::move(*bytes));
        return true;
      };
      if (action == "PutRecord") {
        if (!body.contains("Record") || !decode(body["Record"]))
          return amz_error(400, "InvalidArgumentException", "Record.Data must be base64 text");
        if (data[0].size() > ingest::kMaxRecordBytes)
          return amz_error(400, "InvalidArgumentException",
                           fmt::format("the record is {} bytes; at most {}", data[0].size(),
                                       ingest::kMaxRecordBytes));
      } else {
        if (!body.contains("Records") || !body["Records"].is_array())
          return amz_error(400, "InvalidArgumentException", "Records must be a list");
        const Json& records = body["Records"];
        if (records.empty() || records.size() > ingest::kMaxBatchRecords)
          return amz_error(400, "InvalidArgumentException",
                           fmt::format("Records holds {} records; a batch holds 1 to {}",
                                       records.size(), ingest::kMaxBatchRecords));
        size_t total = 0;
        for (const auto& rec : records) {
          if (!decode(rec))
            return amz_error(400, "InvalidArgumentException",
                             "each Records[i].Data must be base64 text");
          total += data.back().size();
        }
        if (total > ingest::kMaxBatchBytes)
          return amz_error(400, "InvalidArgumentException",
                           fmt::format("the batch is {} bytes; at most {} (4 MiB)", total,
                                       ingest::kMaxBatchBytes));
      }
      std::vector<std::string_view> views(data.begin(), data.end());
      ingest::PutResult result = service_->put(name, views);
      if (action == "PutRecord") {
        const auto& r = result.records[0];
        if (!r.error_code.empty()) return amz_error(400, r.error_code, r.error_message);
        return amz(200, Json{{"RecordId", r.record_id}, {"Encrypted", false}});
      }
      Json responses = Json::array();
      for (const auto& r : result.records) {
        if (r.error_code.empty())
          responses.push_back(Json{{"RecordId", r.record_id}});
        else
          responses.push_back(Json{{"ErrorCode", r.error_code}, {"ErrorMessage", r.error_message}});
      }
      return amz(200, Json{{"FailedPutCount", result.failed},
                           {"Encrypted", false},
                           {"RequestResponses", responses}});
    }
    if (action == "DescribeDeliveryStream") {
      std::string name = stream_name();
      auto s = service_->describe(name);
      if (!s)
        return amz_error(400, "ResourceNotFoundException",
                         fmt::format("Delivery stream {} not found", name));
      const auto& d = s->definition;
      Json dest;
      dest["DestinationId"] = "destinationId-000000000001";
      Json hints{{"SizeInMBs", d.buffer_mb}, {"IntervalInSeconds", d.buffer_seconds}};
      if (d.destination == ingest::DestinationKind::kTable) {
        dest["IcebergDestinationDescription"] = {
            {"DestinationTableConfigurationList",
             Json::array({Json{{"DestinationDatabaseName", d.table.namespace_string()},
                               {"DestinationTableName", d.table.name}}})},
            {"BufferingHints", hints}};
      } else {
        dest["ExtendedS3DestinationDescription"] = {{"BucketARN", d.location},
                                                    {"Prefix", d.prefix},
                                                    {"ErrorOutputPrefix", d.error_prefix},
                                                    {"BufferingHints", hints},
                                                    {"CompressionFormat", "UNCOMPRESSED"}};
      }
      Json desc{{"DeliveryStreamName", name},
                {"DeliveryStreamARN", "arn:floe:firehose:::deliverystream/" + d.name()},
                {"DeliveryStreamStatus", "ACTIVE"},
                {"DeliveryStreamType", "DirectPut"},
                {"VersionId", std::to_string(d.version)},
                {"Destinations", Json::array({dest})},
                {"HasMoreDestinations", false}};
      return amz(200, Json{{"DeliveryStreamDescription", desc}});
    }
    if (action == "ListDeliveryStreams") {
      Json names = Json::array();
      for (const auto& s : service_->status()) names.push_back(s.definition.name());
      return amz(200, Json{{"DeliveryStreamNames", names}, {"HasMoreDeliveryStreams", false}});
    }
    return amz_error(400, "UnknownOperationException",
                     fmt::format("floe serve does not implement {}", action));
  } catch (const ingest::DeliveryStreamNotFoundError& e) {
    return amz_error(400, "ResourceNotFoundException", e.what());
  } catch (const ingest::DeliveryThrottledError& e) {
    return throttled(e, true);
  } catch (const InvalidInputError& e) {
    return amz_error(400, "InvalidArgumentException", e.what());
  } catch (const std::exception& e) {
    return amz_error(500, "ServiceUnavailableException", e.what());
  }
}

HttpResponse DeliveryStreamApi::put_lines(const HttpRequest& request) {
  std::string name = stream_in_path(request.path, "records");
  if (name.empty())
    return HttpResponse::error(404, "expected POST /v1/delivery-streams/<name>/records");
  std::vector<std::string> owned;  // only a last line without its newline
  std::vector<std::string_view> records;
  std::string_view body = request.body;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string_view::npos) {
      owned.push_back(std::string(body.substr(pos)) + "\n");
      records.push_back(owned.back());
      break;
    }
    if (nl > pos) records.push_back(body.substr(pos, nl + 1 - pos));  // blank lines skipped
    pos = nl + 1;
  }
  try {
    ingest::PutResult result = service_->put(name, records);
    Json j{{"accepted", int64_t(records.size()) - result.failed}};
    if (result.failed > 0) {
      j["failed"] = result.failed;
      Json errors = Json::array();
      for (size_t i = 0; i < result.records.size(); ++i)
        if (!result.records[i].error_code.empty())
          errors.push_back(Json{{"record", i}, {"error", result.records[i].error_message}});
      j["errors"] = errors;
    }
    return HttpResponse::json(200, dump(j));
  } catch (const ingest::DeliveryStreamNotFoundError& e) {
    return HttpResponse::error(404, e.what());
  } catch (const ingest::DeliveryThrottledError& e) {
    return throttled(e, false);
  } catch (const InvalidInputError& e) {
    return HttpResponse::error(400, e.what());
  }
}

HttpResponse DeliveryStreamApi::flush(const HttpRequest& request) {
  std::string name = stream_in_path(request.path, "flush");
  try {
    bool done = service_->flush(std::chrono::seconds(60), name);
    if (!done) return HttpResponse::error(504, "delivery did not finish within 60 s");
    auto s = service_->describe(name);
    return HttpResponse::json(200, dump(status_json(*s)));
  } catch (const ingest::DeliveryStreamNotFoundError& e) {
    return HttpResponse::error(404, e.what());
  }
}

HttpResponse DeliveryStreamApi::list(const HttpRequest&) {
  Json streams = Json::array();
  for (const auto& s : service_->status()) streams.push_back(status_json(s));
  return HttpResponse::json(200, dump(Json{{"delivery_streams", streams}}));
}

}  // namespace floe::serve
