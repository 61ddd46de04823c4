// S3Location: an object's address, s3://bucket/key (s3a:// and s3n:// too, as Hadoop and
// Spark write them), split into its scheme, bucket and key. Layer: io.
#pragma once

#include <string>
#include <string_view>

namespace floe::io {

struct S3Location {
  std::string scheme;  // as written: "s3", "s3a" or "s3n"
  std::string bucket;
  std::string key;  // may be empty (a bucket, or a prefix at its root)

  // "s3://bucket/key", in the location's own scheme.
  std::string to_string() const;
  // The same bucket and scheme with another key.
  S3Location with_key(std::string key) const;
};

// Splits an s3://, s3a:// or s3n:// location. Throws InvalidInputError when it is not one
// or names no bucket.
S3Location parse_s3_location(std::string_view location);

}  // namespace floe::io
