// S3Options: where an S3-compatible store is and how floe talks to it (endpoint, region,
// addressing, credentials, retries, timeouts, multipart part size), read from the
// environment and the AWS profile files the AWS CLI uses. Layer: io.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace floe::io {

struct S3Options {
  static constexpr uint64_t kMinPartSize = 5ull << 20;  // S3's floor for all but the last part
  static constexpr uint64_t kMaxPartSize = 5ull << 30;
  static constexpr uint64_t kDefaultPartSize = 8ull << 20;

  // "http://127.0.0.1:9000" for a local store; empty means AWS
  // (https://s3.<region>.amazonaws.com).
  std::string endpoint;
  std::string region = "us-east-1";
  // Path-style (endpoint/bucket/key) or virtual-hosted (bucket.endpoint/key) addressing;
  // unset means path-style when an endpoint is given, virtual-hosted on AWS.
  std::optional<bool> path_style;
  // Empty access key: requests go unsigned (public buckets).
  std::string access_key;
  std::string secret_key;
  std::string session_token;
  // Attempts per request (1 = no retry), and the first backoff, doubled each retry (with
  // full jitter) up to max_backoff_ms.
  int max_attempts = 4;
  int base_backoff_ms = 200;
  int max_backoff_ms = 5000;
  // A connection that cannot be made in connect_timeout_s, or a transfer that moves fewer
  // than low_speed_bytes per second for stall_timeout_s, fails (and is retried).
  int connect_timeout_s = 10;
  int stall_timeout_s = 30;
  int low_speed_bytes = 1;
  // Objects up to multipart_threshold bytes are written with one PUT; larger ones with a
  // multipart upload of part_size parts. Objects up to whole_read_threshold bytes are
  // fetched whole on their first read.
  uint64_t part_size = kDefaultPartSize;
  uint64_t multipart_threshold = kDefaultPartSize;
  uint64_t whole_read_threshold = 8ull << 20;
  // Keys per ListObjectsV2 page (S3's maximum and default is 1000).
  int list_page_size = 1000;
  // One line per request on stderr (FLOE_S3_TRACE=1).
  bool trace = false;

  // The endpoint actually used ("https://s3.us-east-1.amazonaws.com" when none is set).
  std::string endpoint_url() const;
  bool use_path_style() const;

  // Reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION /
  // AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, AWS_MAX_ATTEMPTS,
  // FLOE_S3_PATH_STYLE, FLOE_S3_PART_SIZE, FLOE_S3_STALL_SECONDS, FLOE_S3_LIST_PAGE_SIZE and
  // FLOE_S3_TRACE; with no key in the environment, the credentials of profile AWS_PROFILE
  // (default "default") from AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials); region,
  // endpoint_url and s3.addressing_style from AWS_CONFIG_FILE (~/.aws/config) where the
  // environment has none.
  // Throws InvalidInputError naming the variable for a malformed value.
  static S3Options from_environment();
  // The same, reading variables through `getenv` (tests).
  using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
  static S3Options from_environment(const EnvLookup& getenv);
};

// "8388608", "8MiB", "8M", "512KiB": a byte count. Throws InvalidInputError naming `what`.
uint64_t parse_byte_size(std::string_view text, std::string_view what);

}  // namespace floe::io
