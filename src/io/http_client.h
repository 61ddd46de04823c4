// HttpClient: one HTTP/1.1 exchange at a time per call over libcurl, with connection reuse
// through a small pool of easy handles and the timeouts a remote store needs (connect
// timeout, low-speed abort). Layer: io. Used by the S3 client; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/buffer.h"

namespace floe::io {

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;     // already encoded, sent as is
  std::vector<std::pair<std::string, std::string>> headers;
  std::span<const uint8_t> body;  // borrowed; must stay alive during perform()
};

struct HttpResponse {
  // Empty when the exchange completed (whatever the status); otherwise why it did not
  // (cannot connect, timed out, connection reset): the request may be retried.
  std::string transport_error;
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  Buffer body;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string_view body_text() const {
    return {reinterpret_cast<const char*>(body.data()), body.size()};
  }
};

struct HttpTimeouts {
  int connect_s = 10;
  // A transfer slower than low_speed_bytes per second for stall_s seconds is aborted.
  int stall_s = 30;
  int low_speed_bytes = 1;
};

class HttpClient {
 public:
  explicit HttpClient(HttpTimeouts timeouts);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs one exchange. Never throws for network failures (see transport_error);
  // throws InternalError if libcurl cannot be set up. Thread-safe.
  HttpResponse perform(const HttpRequest& request);

 private:
  void* acquire();
  void release(void* handle);

  HttpTimeouts timeouts_;
  std::mutex mu_;
  std::vector<void*> idle_;  // CURL* easy handles kept for their open connections
};

}  // namespace floe::io
