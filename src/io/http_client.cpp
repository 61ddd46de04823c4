#include "io/http_client.h"

#include "io/curl_library.h"

#include <algorithm>
#include <cstring>

#include "base/error.h"

namespace floe::io {

namespace {

constexpr size_t kMaxIdleHandles = 16;

struct Exchange {
  HttpResponse* response;
  std::span<const uint8_t> body;
  size_t sent = 0;
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::string_view line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    // A new status line (after "100 Continue" or a redirect): earlier headers do not count.
    ex->response->headers.clear();
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  if (name == "content-length") {
    // Sized once, so a ranged GET fills its buffer without regrowing.
    uint64_t len = std::strtoull(std::string(value).c_str(), nullptr, 10);
    if (len > 0 && len < (uint64_t(1) << 34)) ex->response->body.reserve(size_t(len));
  }
  ex->response->headers[name] = std::string(value);
  return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  ex->response->body.append(data, size * n);
  return size * n;
}

size_t on_upload(char* buffer, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t k = std::min(size * n, ex->body.size() - ex->sent);
  if (k) std::memcpy(buffer, ex->body.data() + ex->sent, k);
  ex->sent += k;
  return k;
}

int on_seek(void* user, curl_off_t offset, int origin) {
  // Lets libcurl rewind the body when it must resend it (e.g. after a redirect).
  auto* ex = static_cast<Exchange*>(user);
  if (origin != SEEK_SET || offset < 0 || size_t(offset) > ex->body.size())
    return CURL_SEEKFUNC_CANTSEEK;
  ex->sent = size_t(offset);
  return CURL_SEEKFUNC_OK;
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_library().global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw InternalError("curl_global_init failed");
  });
}

}  // namespace

HttpClient::HttpClient(HttpTimeouts timeouts) : timeouts_(timeouts) { init_curl_once(); }

HttpClient::~HttpClient() {
  for (void* h : idle_) curl_library().easy_cleanup(static_cast<CURL*>(h));
}

void* HttpClient::acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  CURL* h = curl_library().easy_init();
  if (!h) throw InternalError("curl_easy_init failed");
  return h;
}

void HttpClient::release(void* handle) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdleHandles) {
    idle_.push_back(handle);
    return;
  }
  curl_library().easy_cleanup(static_cast<CURL*>(handle));
}

HttpResponse HttpClient::perform(const HttpRequest& request) {
  HttpResponse response;
  Exchange ex{&response, request.body};
  auto* curl = static_cast<CURL*>(acquire());
  // Options are set afresh for each request; the handle keeps its open connections.
  curl_library().easy_reset(curl);
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers)
    headers = curl_library().slist_append(headers, fmt::format("{}: {}", k, v).c_str());
  // No "Expect: 100-continue" round trip before bodies; S3 answers errors after the body.
  headers = curl_library().slist_append(headers, "Expect:");

  curl_library().easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_library().easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_library().easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);  // keys may hold "./" and "../"
  curl_library().easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_library().easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, long(timeouts_.connect_s));
  curl_library().easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, long(timeouts_.low_speed_bytes));
  curl_library().easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, long(timeouts_.stall_s));
  curl_library().easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_library().easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_library().easy_setopt(curl, CURLOPT_HEADERDATA, &ex);
  curl_library().easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_library().easy_setopt(curl, CURLOPT_WRITEDATA, &ex);
  if (request.method == "HEAD") {
    curl_library().easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET") {
    curl_library().easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "PUT") {
    curl_library().easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_library().easy_setopt(curl, CURLOPT_READFUNCTION, on_upload);
    curl_library().easy_setopt(curl, CURLOPT_READDATA, &ex);
    curl_library().easy_setopt(curl, CURLOPT_SEEKFUNCTION, on_seek);
    curl_library().easy_setopt(curl, CURLOPT_SEEKDATA, &ex);
    curl_library().easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(request.body.size()));
  } else if (request.method == "POST") {
    curl_library().easy_setopt(curl, CURLOPT_POST, 1L);
    curl_library().easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_library().easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
  } else {
    curl_library().easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  CURLcode rc = curl_library().easy_perform(curl);
  if (rc == CURLE_OK) {
    curl_library().easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  } else {
    response.transport_error = errbuf[0] ? fmt::format("{} ({})", curl_library().easy_strerror(rc), errbuf)
                                         : std::string(curl_library().easy_strerror(rc));
    while (!response.transport_error.empty() && response.transport_error.back() == '\n')
      response.transport_error.pop_back();
  }
  curl_library().easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_library().easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_library().slist_free_all(headers);
  release(curl);
  return response;
}

}  // namespace floe::io
