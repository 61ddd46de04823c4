#include "io/s3_location.h"

#include "base/error.h"

namespace floe::io {

std::string S3Location::to_string() const { return fmt::format("{}://{}/{}", scheme, bucket, key); }

S3Location S3Location::with_key(std::string k) const { return {scheme, bucket, std::move(k)}; }

S3Location parse_s3_location(std::string_view location) {
  size_t sep = location.find("://");
  std::string scheme(location.substr(0, sep == std::string_view::npos ? 0 : sep));
  for (char& c : scheme) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "s3" && scheme != "s3a" && scheme != "s3n")
    throw InvalidInputError(fmt::format("{}: not an s3:// location", location));
  std::string_view rest = location.substr(sep + 3);
  size_t slash = rest.find('/');
  S3Location loc;
  loc.scheme = std::string(location.substr(0, sep));
  loc.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) loc.key = std::string(rest.substr(slash + 1));
  if (loc.bucket.empty())
    throw InvalidInputError(fmt::format("{}: an s3:// location needs a bucket name", location));
  return loc;
}

}  // namespace floe::io
