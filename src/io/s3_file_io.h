// S3FileIO: the FileIO of an S3-compatible object store, for s3://bucket/key locations
// (s3a:// and s3n:// too). Layer: io. Thread-safe; one instance serves a whole process.
//
// Reads: the size comes from HEAD; small objects (up to whole_read_threshold) are fetched
// whole on the first read, larger ones range by range with GET Range, and every fetched
// range stays cached while the InputFile lives, so spans returned by read_at stay valid.
// Writes: bytes are buffered; close() publishes the object with one PUT when it is small,
// otherwise the parts of a multipart upload go out as they fill (one in flight while the
// next fills, so memory stays near two parts) and close() completes the upload. An
// OutputFile destroyed without close(), or any failed part, aborts the upload: the
// object appears only when close() succeeds.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "io/file_io.h"
#include "io/s3_client.h"
#include "io/s3_options.h"

namespace floe::io {

class S3FileIO final : public FileIO {
 public:
  explicit S3FileIO(S3Options options);

  // Throws IoError naming the location (e.g. "…: HEAD failed: 404 NoSuchKey: …").
  std::unique_ptr<InputFile> open_input(const std::string& location) override;
  std::unique_ptr<OutputFile> create_output(const std::string& location) override;
  // False for a missing key; throws IoError for a missing bucket or refused credentials.
  bool exists(const std::string& location) override;
  void remove(const std::string& location) override;
  // Objects whose keys start with the prefix's key, as locations in the prefix's scheme;
  // "folder" marker keys ending in '/' are left out.
  std::vector<FileInfo> list(const std::string& prefix) override;

  const S3Options& options() const { return client_->options(); }

 private:
  std::shared_ptr<S3Client> client_;
};

}  // namespace floe::io
