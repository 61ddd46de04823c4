#include "base/error.h"
#include "io/file_io.h"
#include "io/s3_file_io.h"
#include "io/s3_options.h"

namespace floe::io {

std::shared_ptr<FileIO> file_io_for(std::string_view location) {
  std::string scheme = location_scheme(location);
  if (scheme == "file") return local_file_io();
  if (scheme == "s3") {
    // One client (and its pool of connections) per process, configured once from the
    // environment; a static's initialisation is thread-safe, and is tried again if it threw.
    static std::shared_ptr<FileIO> s3 = std::make_shared<S3FileIO>(S3Options::from_environment());
    return s3;
  }
  throw UnsupportedError(
      fmt::format("{}: storage scheme '{}' is not supported (use a local "
                  "path, file:// or s3://)",
                  location, scheme));
}

}  // namespace floe::io
