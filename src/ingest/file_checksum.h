// Checksums of staged files: the content checksum the load history keys files by, and the
// MD5 that LIST shows (what S3 reports as the ETag of a single-part upload). Layer: ingest.
#pragma once

#include <string>

namespace floe::ingest {

// XXH3-128 of the file's bytes, as 32 hex digits. Throws IoError naming the file.
std::string file_checksum(const std::string& location);
// MD5 of the file's bytes, as 32 hex digits.
std::string file_md5(const std::string& location);

}  // namespace floe::ingest
