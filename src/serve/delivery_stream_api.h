// DeliveryStreamApi: the delivery streams' HTTP surface in `floe serve`, a Service over
// ingest::DeliveryService. Two protocols reach the same streams:
//  - Firehose's JSON protocol (POST / with X-Amz-Target: Firehose_20150804.<Action>), so
//    AWS SDKs and the Kinesis Agent work with endpoint_url pointing at floe: PutRecord,
//    PutRecordBatch, DescribeDeliveryStream, ListDeliveryStreams. Signatures are not
//    verified (floe serve binds to localhost unless told otherwise).
//  - plain endpoints: POST /v1/delivery-streams/<name>/records (newline-delimited records),
//    POST /v1/delivery-streams/<name>/flush, GET /v1/delivery-streams.
// Layer: serve. Translates requests and errors; the DeliveryService decides.
#pragma once

#include <memory>
#include <string>

#include "ingest/delivery_service.h"
#include "serve/server.h"

namespace floe::serve {

class DeliveryStreamApi final : public Service {
 public:
  // `api_token`: when non-empty, required as a bearer token on the plain endpoints.
  DeliveryStreamApi(ingest::DeliveryServiceOptions options, std::string api_token);
  ~DeliveryStreamApi() override;

  std::string name() const override { return "delivery-streams"; }
  void register_routes(HttpRouter& router) override;
  void start() override;
  void stop() override;
  ingest::DeliveryService& service() { return *service_; }

 private:
  HttpResponse firehose(const HttpRequest& request);
  HttpResponse put_lines(const HttpRequest& request);
  HttpResponse flush(const HttpRequest& request);
  HttpResponse list(const HttpRequest& request);

  std::unique_ptr<ingest::DeliveryService> service_;
  std::string api_token_;
};

}  // namespace floe::serve
