// S3Client: the S3 REST operations floe uses (HEAD, ranged GET, PUT, multipart upload,
// DELETE, ListObjectsV2), signed with SigV4 and retried with exponential backoff and
// jitter on connection failures, 429, 500, 502, 503, 504 and SlowDown. Layer: io.
// Thread-safe.
//
// Every failure is an IoError naming the s3:// location, the operation, the HTTP status and
// S3's own error code and message, e.g.
//   s3://b/k: GET failed: 403 SignatureDoesNotMatch: The request signature we calculated…
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/buffer.h"
#include "io/http_client.h"
#include "io/s3_location.h"
#include "io/s3_options.h"
#include "io/s3_xml.h"
#include "io/sigv4.h"

namespace floe::io {

struct S3ObjectInfo {
  uint64_t size = 0;
  int64_t modified_ms = 0;  // Last-Modified, milliseconds since the epoch (0 if absent)
  std::string etag;
};

struct S3CompletedPart {
  int part_number = 0;
  std::string etag;
};

class S3Client {
 public:
  explicit S3Client(S3Options options);

  const S3Options& options() const { return options_; }

  // HEAD: the object's size and modification time; nullopt when the object (or its bucket)
  // does not exist and `missing_ok`; throws IoError otherwise.
  std::optional<S3ObjectInfo> head_object(const S3Location& loc, bool missing_ok);
  // GET of `length` bytes at `offset` (the whole object when length is nullopt). Throws
  // IoError, also when the store returns fewer bytes than asked.
  Buffer get_object(const S3Location& loc, uint64_t offset, std::optional<uint64_t> length);
  // PUT of a whole object; returns its ETag.
  std::string put_object(const S3Location& loc, std::span<const uint8_t> body);
  // Multipart upload: create (returns the upload id), upload parts (1-based numbers,
  // returns each part's ETag), complete, abort.
  std::string create_multipart_upload(const S3Location& loc);
  std::string upload_part(const S3Location& loc, const std::string& upload_id, int part_number,
                          std::span<const uint8_t> body);
  void complete_multipart_upload(const S3Location& loc, const std::string& upload_id,
                                 const std::vector<S3CompletedPart>& parts);
  // Best effort with a single attempt: used while another failure is being reported.
  void abort_multipart_upload(const S3Location& loc, const std::string& upload_id);
  // DELETE; a missing key is not an error (S3 answers 204 either way).
  void delete_object(const S3Location& loc);
  // Every object whose key starts with loc.key, following continuation tokens.
  std::vector<S3ListedObject> list_objects(const S3Location& prefix);

 private:
  struct Call {
    Call(std::string m, const S3Location* l) : method(std::move(m)), loc(l) {}
    std::string method;
    const S3Location* loc;
    bool bucket_only = false;  // the request names the bucket, not an object
    std::vector<std::pair<std::string, std::string>> query;
    std::vector<std::pair<std::string, std::string>> headers;
    std::span<const uint8_t> body;
    std::string operation;        // for messages: "GET", "UploadPart 3", …
    int max_attempts = 0;         // 0: the options' count
    bool error_with_200 = false;  // S3 may report a failure in a 200 response's body
  };
  // Sends `call` (signed anew for each attempt), retrying what may be retried. Returns the
  // final response, whatever its status; throws IoError when no response came at all.
  HttpResponse execute(const Call& call);
  [[noreturn]] void fail(const Call& call, const HttpResponse& response);

  S3Options options_;
  AwsCredentials credentials_;
  HttpClient http_;
};

// Whether a response is worth another attempt: 429, 500, 502, 503 and 504, and S3's
// SlowDown or InternalError codes (which CompleteMultipartUpload may send with a 200).
// No other 4xx is retried.
bool s3_retryable(long status, std::string_view error_code);

}  // namespace floe::io
