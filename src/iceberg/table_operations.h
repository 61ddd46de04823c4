// TableOperations: how the iceberg layer reaches a table's current metadata and commits a
// new version, without knowing which catalog holds the pointer. A commit writes the new
// metadata file, then swaps the catalog's pointer only if the table is still at the base
// version (optimistic concurrency, spec "Commit Conflict Resolution and Retry"). Layer:
// iceberg; implemented by the catalog layer.
#pragma once

#include <memory>
#include <string>

#include "base/error.h"
#include "iceberg/table_metadata.h"
#include "io/file_io.h"

namespace floe::iceberg {

// A commit lost a race: the table moved on since the base metadata was read. Retryable
// operations re-apply themselves on the new base; others surface it to the user.
class CommitConflictError : public Error {
 public:
  explicit CommitConflictError(const std::string& m) : Error(ErrorKind::kConflict, m) {}
};

// The commit's outcome is unknown (the pointer swap may or may not have happened): files
// it wrote must not be cleaned up.
class CommitStateUnknownError : public Error {
 public:
  explicit CommitStateUnknownError(const std::string& m) : Error(ErrorKind::kIo, m) {}
};

class TableOperations {
 public:
  virtual ~TableOperations() = default;
  // The table's name as the user knows it ("db.events"), for messages.
  virtual std::string name() const = 0;
  // The metadata as last loaded (loads it the first time).
  virtual std::shared_ptr<const TableMetadata> current() = 0;
  // Reloads from the catalog.
  virtual std::shared_ptr<const TableMetadata> refresh() = 0;
  // Location of the metadata file current() came from ("" before the table exists).
  virtual std::string metadata_location() = 0;
  // Writes `updated` as the next metadata file and moves the table's pointer to it if the
  // table is still at `base` (nullptr: the table must not exist yet). On success current()
  // is `updated`. Throws CommitConflictError when the table has moved on.
  virtual void commit(const TableMetadata* base, const TableMetadata& updated) = 0;
  virtual io::FileIO& io() = 0;
};

// The location of metadata version `version` of a table at `table_location`:
// <location>/metadata/<version, 5 digits>-<uuid>.metadata.json (Java's metastore naming).
std::string new_metadata_location(const std::string& table_location, int64_t version);
// The version number in a metadata file name written as above (or v<N>.metadata.json);
// -1 when the name has none.
int64_t metadata_version(const std::string& metadata_location);

// The metadata a commit writes on top of `base` (read from `base_location`; nullptr for a
// create): `updated` with the previous file in its metadata log (spec "metadata-log"),
// bounded by write.metadata.previous-versions-max as Java does, and the location of the
// next metadata file.
struct NextMetadata {
  TableMetadata metadata;
  std::string location;
};
NextMetadata next_metadata(const TableMetadata* base, const std::string& base_location,
                           const TableMetadata& updated);

// Writes metadata JSON to `location` through `io` (atomically: it appears only whole).
void write_metadata_file(io::FileIO& io, const std::string& location,
                         const TableMetadata& metadata);
// Reads and parses a metadata file (gzip-compressed ones too); errors name the location.
std::shared_ptr<const TableMetadata> read_metadata_file(io::FileIO& io,
                                                        const std::string& location);
// The JSON text of a table or view metadata file, gunzipped when it is compressed (Java's
// .gz.metadata.json). Throws IoError, CorruptDataError for bad gzip data.
std::string read_metadata_text(io::FileIO& io, const std::string& location);

}  // namespace floe::iceberg
