// AWS Signature Version 4: the canonical request, string to sign and Authorization header
// that S3 (and S3-compatible stores) check on every request, with S3's URI-encoding rules.
// Layer: io. Pure functions over OpenSSL's SHA-256 and HMAC; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace floe::io {

// The hash S3 expects in x-amz-content-sha256 for an empty body.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// The x-amz-content-sha256 value for a body that is streamed and not hashed first.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

struct AwsCredentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // empty unless temporary credentials
};

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::span<const uint8_t> bytes);
std::string sha256_hex(std::string_view text);
// Raw (32-byte) HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);

// S3's UriEncode: every byte except A-Z a-z 0-9 - . _ ~ becomes %XY (upper-case hex);
// '/' is kept unless `encode_slash` (object key paths keep it, query values do not).
std::string uri_encode(std::string_view text, bool encode_slash);

// One request as it will be signed. `canonical_uri` is the path exactly as sent, already
// encoded with uri_encode(…, false) (S3 paths are not encoded twice nor normalised);
// `query` holds raw, unencoded names and values; `headers` the headers to sign.
struct SigV4Request {
  std::string method;
  std::string canonical_uri;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_hash;  // hex SHA-256 of the body, or kUnsignedPayload
};

// The query string as sent and as signed: encoded names and values, sorted, joined by '&'.
std::string canonical_query_string(const std::vector<std::pair<std::string, std::string>>& q);
// The canonical request of SigV4 (method, URI, query, headers, signed header names, hash).
std::string canonical_request(const SigV4Request& request);
// "20130524/us-east-1/s3/aws4_request" for amz_date "20130524T000000Z".
std::string credential_scope(std::string_view amz_date, std::string_view region,
                             std::string_view service);
std::string string_to_sign(std::string_view canonical_request, std::string_view amz_date,
                           std::string_view region, std::string_view service);

// Signs `request` at `amz_date` (ISO basic form, "YYYYMMDDTHHMMSSZ"): adds the
// x-amz-date, x-amz-content-sha256 and (for temporary credentials) x-amz-security-token
// headers to it and returns the Authorization header's value.
std::string sign_v4(SigV4Request& request, const AwsCredentials& credentials,
                    std::string_view region, std::string_view service, std::string_view amz_date);

// The current time in the form sign_v4 takes.
std::string amz_date_now();

}  // namespace floe::io
