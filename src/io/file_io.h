// FileIO: the storage a table lives on, addressed by location (a URI such as
// file:///wh/db/t/data/a.parquet or s3://bucket/wh/db/t/data/a.parquet, or a plain local
// path). Layer: io. The iceberg and catalog layers speak only to this interface, so a
// warehouse moves between a local folder and an S3-compatible store without other changes.
// Implementations are thread-safe: several threads may open, create, list and remove at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/file.h"

namespace floe::io {

struct FileInfo {
  std::string location;  // full location, in the same scheme as the listed prefix
  uint64_t size = 0;
  int64_t modified_ms = 0;  // last modification, milliseconds since the epoch (0 if unknown)
};

class FileIO {
 public:
  virtual ~FileIO() = default;
  // Opens a file for random-access reads. Throws IoError naming the location when it is
  // missing or unreadable.
  virtual std::unique_ptr<InputFile> open_input(const std::string& location) = 0;
  // Creates (or replaces) a file; its bytes appear at `location` only when close()
  // succeeds, so a writer that dies or fails leaves nothing there. Parent folders are
  // created as needed. Throws IoError.
  virtual std::unique_ptr<OutputFile> create_output(const std::string& location) = 0;
  virtual bool exists(const std::string& location) = 0;
  // Removes a file; removing a missing file is not an error. Throws IoError otherwise.
  virtual void remove(const std::string& location) = 0;
  // Every file under `prefix` (recursively; a folder-like prefix should end in '/'),
  // in no particular order. A missing prefix lists nothing.
  virtual std::vector<FileInfo> list(const std::string& prefix) = 0;
};

// The scheme of a location: "file" for file: URIs and plain paths, "s3" for s3:// and
// s3a:// (s3n:// too), otherwise the text before "://". Lower case.
std::string location_scheme(std::string_view location);

// The local path a file: location (file:///a/b, file:/a/b) or plain path names.
std::string local_path(std::string_view location);

// Joins a location and a relative path with exactly one '/' between them.
std::string join_location(std::string_view base, std::string_view relative);

// Removes files that a failed operation wrote and nothing references; a failure to remove
// one is ignored (it stays as an orphan for Iceberg's orphan-file removal).
void remove_quietly(FileIO& io, const std::vector<std::string>& locations);

// The local filesystem. Locations it returns from list() are file:// URIs when the prefix
// was one, plain paths otherwise.
std::shared_ptr<FileIO> local_file_io();

}  // namespace floe::io

namespace floe::io {

// The FileIO for a location's scheme: the local filesystem for file: and plain paths,
// S3 for s3:// (configured from the environment, see s3_file_io.h). Throws
// UnsupportedError for other schemes.
std::shared_ptr<FileIO> file_io_for(std::string_view location);

}  // namespace floe::io
