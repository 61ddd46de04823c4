#include "io/s3_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "base/error.h"
#include "io/sigv4.h"

namespace floe::io {

namespace {

struct Endpoint {
  std::string scheme;     // "http" or "https"
  std::string authority;  // host[:port]
  std::string base_path;  // "" or "/prefix", without a trailing '/'
};

Endpoint parse_endpoint(const std::string& url) {
  Endpoint e;
  size_t sep = url.find("://");
  if (sep == std::string::npos)
    throw InvalidInputError(
        fmt::format("S3 endpoint '{}' needs a scheme (http:// or https://)", url));
  e.scheme = url.substr(0, sep);
  std::string rest = url.substr(sep + 3);
  size_t slash = rest.find('/');
  e.authority = rest.substr(0, slash);
  if (slash != std::string::npos) e.base_path = rest.substr(slash);
  while (!e.base_path.empty() && e.base_path.back() == '/') e.base_path.pop_back();
  if (e.authority.empty())
    throw InvalidInputError(fmt::format("S3 endpoint '{}' has no host", url));
  return e;
}

std::string_view reason_phrase(long status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

// A random backoff for attempt n (1-based): half the exponential step plus up to the
// other half at random, so that clients that failed together do not retry together.
std::chrono::milliseconds backoff(const S3Options& o, int attempt) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  int64_t step = int64_t(o.base_backoff_ms) << std::min(attempt - 1, 20);
  step = std::min<int64_t>(step, o.max_backoff_ms);
  std::uniform_int_distribution<int64_t> jitter(0, step / 2);
  return std::chrono::milliseconds(step - step / 2 + jitter(rng));
}

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

bool s3_retryable(long status, std::string_view code) {
  if (status == 429 || status == 500 || status == 502 || status == 503 || status == 504)
    return true;
  if (status >= 400 && status < 500) return false;
  return code == "SlowDown" || code == "InternalError";
}

S3Client::S3Client(S3Options options)
    : options_(std::move(options)),
      credentials_{options_.access_key, options_.secret_key, options_.session_token},
      http_(HttpTimeouts{options_.connect_timeout_s, options_.stall_timeout_s,
                         options_.low_speed_bytes}) {
  parse_endpoint(options_.endpoint_url());  // a malformed endpoint fails here, once
}

HttpResponse S3Client::execute(const Call& call) {
  Endpoint ep = parse_endpoint(options_.endpoint_url());
  // Virtual-hosted addressing puts the bucket in the host name; names with dots would not
  // match a wildcard certificate, so they keep the path form.
  bool path_style = options_.use_path_style() || call.loc->bucket.find('.') != std::string::npos;
  std::string host = path_style ? ep.authority : call.loc->bucket + "." + ep.authority;
  std::string path = ep.base_path;
  if (path_style) path += "/" + call.loc->bucket;
  if (!call.bucket_only) path += "/" + uri_encode(call.loc->key, false);
  if (path.empty()) path = "/";
  std::string query = canonical_query_string(call.query);
  std::string url =
      fmt::format("{}://{}{}{}{}", ep.scheme, host, path, query.empty() ? "" : "?", query);
  std::string payload_hash =
      call.body.empty() ? std::string(kEmptyPayloadSha256) : sha256_hex(call.body);
  int attempts = call.max_attempts > 0 ? call.max_attempts : options_.max_attempts;

  for (int attempt = 1;; ++attempt) {
    HttpRequest req;
    req.method = call.method;
    req.url = url;
    req.body = call.body;
    req.headers = call.headers;
    req.headers.emplace_back("Host", host);
    if (!credentials_.access_key.empty()) {
      // Signed anew each attempt: the date is part of the signature.
      SigV4Request sig;
      sig.method = call.method;
      sig.canonical_uri = path;
      sig.query = call.query;
      sig.headers = req.headers;
      sig.payload_hash = payload_hash;
      std::string authorization = sign_v4(sig, credentials_, options_.region, "s3", amz_date_now());
      req.headers = std::move(sig.headers);
      req.headers.emplace_back("Authorization", std::move(authorization));
    }
    auto t0 = std::chrono::steady_clock::now();
    HttpResponse resp = http_.perform(req);
    std::string code;
    if (resp.transport_error.empty() && (resp.status >= 300 || call.error_with_200))
      code = parse_s3_error(resp.body_text()).code;
    if (options_.trace) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - t0)
                    .count();
      std::string range;
      for (const auto& [k, v] : call.headers)
        if (k == "Range") range = " " + v;
      fmt::print(stderr, "s3: {} {}{} -> {} {}B {}ms\n", call.operation, url, range,
                 resp.transport_error.empty()
                     ? fmt::format("{}{}", resp.status, code.empty() ? "" : " " + code)
                     : resp.transport_error,
                 resp.body.size(), ms);
    }
    bool retry = resp.transport_error.empty() ? s3_retryable(resp.status, code) : true;
    if (!retry || attempt >= attempts) {
      if (!resp.transport_error.empty())
        throw IoError(fmt::format("{}: {} failed: {} (endpoint {}, {} attempt{})",
                                  call.loc->to_string(), call.operation, resp.transport_error,
                                  options_.endpoint_url(), attempt, attempt == 1 ? "" : "s"));
      return resp;
    }
    std::this_thread::sleep_for(backoff(options_, attempt));
  }
}

void S3Client::fail(const Call& call, const HttpResponse& resp) {
  S3ErrorBody err = parse_s3_error(resp.body_text());
  std::string what = err.code.empty() ? std::string(reason_phrase(resp.status)) : err.code;
  if (!err.message.empty()) what += ": " + err.message;
  throw IoError(fmt::format("{}: {} failed: {}{}{}", call.loc->to_string(), call.operation,
                            resp.status, what.empty() ? "" : " ", what));
}

std::optional<S3ObjectInfo> S3Client::head_object(const S3Location& loc, bool missing_ok) {
  Call call{"HEAD", &loc};
  call.operation = "HEAD";
  HttpResponse resp = execute(call);
  if (resp.status == 200) {
    S3ObjectInfo info;
    std::string len = resp.header("content-length");
    info.size = std::strtoull(len.c_str(), nullptr, 10);
    if (auto ms = parse_http_date_ms(resp.header("last-modified"))) info.modified_ms = *ms;
    info.etag = resp.header("etag");
    return info;
  }
  // A HEAD answer has no body, so no error code: ask again with a one-byte GET, whose
  // answer says which of the bucket, the key or the credentials is wrong.
  if (resp.status >= 400 && resp.status < 500) {
    Call probe{"GET", &loc};
    probe.operation = "GET";
    probe.headers.emplace_back("Range", "bytes=0-0");
    probe.max_attempts = 1;
    HttpResponse detail = execute(probe);
    if (detail.status >= 400 && !parse_s3_error(detail.body_text()).code.empty()) {
      std::string code = parse_s3_error(detail.body_text()).code;
      if (missing_ok && detail.status == 404 && code == "NoSuchKey") return std::nullopt;
      detail.status = resp.status;
      fail(call, detail);
    }
  }
  if (missing_ok && resp.status == 404) return std::nullopt;
  fail(call, resp);
}

Buffer S3Client::get_object(const S3Location& loc, uint64_t offset,
                            std::optional<uint64_t> length) {
  if (length && *length == 0) return Buffer();
  Call call{"GET", &loc};
  call.operation = "GET";
  if (length) {
    call.headers.emplace_back("Range", fmt::format("bytes={}-{}", offset, offset + *length - 1));
  } else if (offset > 0) {
    call.headers.emplace_back("Range", fmt::format("bytes={}-", offset));
  }
  HttpResponse resp = execute(call);
  if (resp.status != 200 && resp.status != 206) fail(call, resp);
  if (resp.status == 200 && (length || offset > 0)) {
    // The store ignored the Range header and sent the whole object: keep the part asked for.
    uint64_t want = length ? *length : (resp.body.size() > offset ? resp.body.size() - offset : 0);
    if (offset + want > resp.body.size())
      throw IoError(fmt::format("{}: GET returned {} bytes, fewer than the {} asked at offset {}",
                                loc.to_string(), resp.body.size(), want, offset));
    Buffer part;
    part.append(resp.body.data() + offset, size_t(want));
    return part;
  }
  if (length && resp.body.size() != *length)
    throw IoError(fmt::format("{}: GET of {} bytes at offset {} returned {} bytes", loc.to_string(),
                              *length, offset, resp.body.size()));
  return std::move(resp.body);
}

std::string S3Client::put_object(const S3Location& loc, std::span<const uint8_t> body) {
  Call call{"PUT", &loc};
  call.operation = "PUT";
  call.headers.emplace_back("Content-Type", "application/octet-stream");
  call.body = body;
  HttpResponse resp = execute(call);
  if (resp.status != 200) fail(call, resp);
  return resp.header("etag");
}

std::string S3Client::create_multipart_upload(const S3Location& loc) {
  Call call{"POST", &loc};
  call.operation = "CreateMultipartUpload";
  call.query = {{"uploads", ""}};
  call.headers.emplace_back("Content-Type", "application/octet-stream");
  HttpResponse resp = execute(call);
  if (resp.status != 200) fail(call, resp);
  std::string id = parse_upload_id(resp.body_text());
  if (id.empty())
    throw IoError(fmt::format("{}: CreateMultipartUpload returned no UploadId", loc.to_string()));
  return id;
}

std::string S3Client::upload_part(const S3Location& loc, const std::string& upload_id,
                                  int part_number, std::span<const uint8_t> body) {
  Call call{"PUT", &loc};
  call.operation = fmt::format("UploadPart {}", part_number);
  call.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}};
  call.body = body;
  HttpResponse resp = execute(call);
  if (resp.status != 200) fail(call, resp);
  std::string etag = resp.header("etag");
  if (etag.empty())
    throw IoError(fmt::format("{}: UploadPart {} returned no ETag", loc.to_string(), part_number));
  return etag;
}

void S3Client::complete_multipart_upload(const S3Location& loc, const std::string& upload_id,
                                         const std::vector<S3CompletedPart>& parts) {
  std::string xml = "<CompleteMultipartUpload>";
  for (const auto& p : parts)
    xml += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", p.part_number,
                       xml_escape(p.etag));
  xml += "</CompleteMultipartUpload>";
  Call call{"POST", &loc};
  call.operation = "CompleteMultipartUpload";
  call.query = {{"uploadId", upload_id}};
  call.headers.emplace_back("Content-Type", "application/xml");
  call.body = as_bytes(xml);
  call.error_with_200 = true;
  HttpResponse resp = execute(call);
  if (resp.status != 200 || !parse_s3_error(resp.body_text()).code.empty()) fail(call, resp);
}

void S3Client::abort_multipart_upload(const S3Location& loc, const std::string& upload_id) {
  Call call{"DELETE", &loc};
  call.operation = "AbortMultipartUpload";
  call.query = {{"uploadId", upload_id}};
  call.max_attempts = 1;
  try {
    execute(call);
  } catch (const Error&) {
    // The store is unreachable: the upload stays until the bucket's lifecycle rule (or a
    // later abort) removes it; it never becomes an object.
  }
}

void S3Client::delete_object(const S3Location& loc) {
  Call call{"DELETE", &loc};
  call.operation = "DELETE";
  HttpResponse resp = execute(call);
  if (resp.status == 200 || resp.status == 204) return;
  if (resp.status == 404 && parse_s3_error(resp.body_text()).code != "NoSuchBucket") return;
  fail(call, resp);
}

std::vector<S3ListedObject> S3Client::list_objects(const S3Location& prefix) {
  std::vector<S3ListedObject> out;
  std::string token;
  for (;;) {
    Call call{"GET", &prefix};
    call.bucket_only = true;
    call.operation = "ListObjectsV2";
    call.query = {{"list-type", "2"}, {"prefix", prefix.key}};
    if (options_.list_page_size != 1000)
      call.query.emplace_back("max-keys", std::to_string(options_.list_page_size));
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    HttpResponse resp = execute(call);
    if (resp.status != 200) fail(call, resp);
    S3ListPage page = parse_list_objects_v2(resp.body_text());
    for (auto& o : page.objects) out.push_back(std::move(o));
    if (!page.is_truncated) return out;
    // A truncated page must hand on a new token, or the listing would never end.
    if (page.next_continuation_token.empty() || page.next_continuation_token == token)
      throw IoError(
          fmt::format("{}: ListObjectsV2 page is truncated but gives no new "
                      "continuation token",
                      prefix.to_string()));
    token = std::move(page.next_continuation_token);
  }
}

}  // namespace floe::io
