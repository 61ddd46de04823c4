// ViewMetadata: the root of an Iceberg view (view spec, format version 1): the view's versions,
// each a SQL text per dialect with the schema of its output and the namespace its bare names
// resolve in, the log of which version was current when, its schemas and properties; its JSON
// form and its metadata files. Layer: iceberg. The catalog keeps the pointer to the current file.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/data_type.h"
#include "iceberg/table_schema.h"
#include "io/file_io.h"

namespace floe::iceberg {

// The dialect floe writes its own view SQL in.
inline constexpr std::string_view kFloeViewDialect = "floe";

// One representation of a version's definition (spec "Representations"). Only type "sql" has
// fields the spec defines; a representation of another type keeps its keys in `extra`.
struct ViewRepresentation {
  std::string type = "sql";
  std::string sql;
  std::string dialect;
  nlohmann::json extra = nlohmann::json::object();  // keys floe does not interpret, kept
  bool operator==(const ViewRepresentation&) const = default;
};

struct ViewVersion {
  int32_t version_id = 1;
  int64_t timestamp_ms = 0;
  int32_t schema_id = 0;
  std::map<std::string, std::string> summary;  // floe writes engine-name = floe
  std::vector<ViewRepresentation> representations;
  std::vector<std::string> default_namespace;
  std::optional<std::string> default_catalog;       // unset: the catalog holding the view
  nlohmann::json extra = nlohmann::json::object();  // e.g. a materialized view's storage-table

  // The SQL for `dialect` (case-insensitive), else the first SQL representation (as Java's
  // View.sqlFor does), else nullptr.
  const ViewRepresentation* sql_for(std::string_view dialect) const;
};

struct ViewHistoryEntry {
  int64_t timestamp_ms = 0;
  int32_t version_id = 0;
};

struct ViewMetadata {
  std::string view_uuid;
  int format_version = 1;
  std::string location;
  int32_t current_version_id = 0;
  std::vector<ViewVersion> versions;
  std::vector<ViewHistoryEntry> version_log;
  std::vector<std::shared_ptr<const TableSchema>> schemas;
  std::map<std::string, std::string> properties;
  // Top-level keys floe does not interpret, written back as read.
  nlohmann::json extra = nlohmann::json::object();

  // These throw CorruptDataError when the id is not among the versions / schemas.
  const ViewVersion& current_version() const;
  const TableSchema& current_schema() const;  // the current version's schema
  const TableSchema& schema_by_id(int32_t id) const;
  const ViewVersion* version_by_id(int32_t id) const;  // nullptr when absent
};

// The first metadata of a new view at `location` (a URI; Java's default is the table location
// rule, <warehouse>/<namespace levels>/<view>): version 1 with one SQL representation, the
// output `schema` with fresh field ids (schema 0, Iceberg storage types as for tables), and
// `default_namespace` for the names in `sql` that have none. Throws InvalidInputError for an
// empty schema, a column named twice, or empty SQL or dialect; UnsupportedError for a type
// Iceberg cannot hold.
ViewMetadata new_view_metadata(const std::string& location, const columnar::Schema& schema,
                               const std::string& sql, std::string_view dialect = kFloeViewDialect,
                               const std::vector<std::string>& default_namespace = {},
                               const std::map<std::string, std::string>& properties = {});

// CREATE OR REPLACE: `base` with a new current version (its schema reused when the same,
// else added; a version identical to an older one becomes current again under its id, as
// Java's ViewMetadata.Builder does), logged in version-log, keeping at most
// `version.history.num-entries` (10) versions. Dialects the previous current version has
// and the new one lacks are refused (InvalidInputError) unless the view property
// replace.drop-dialect.allowed is true, or kept when replace.append-dialect.allowed is true,
// as Java does. Same errors as new_view_metadata.
ViewMetadata replace_view_version(const ViewMetadata& base, const columnar::Schema& schema,
                                  const std::string& sql,
                                  std::string_view dialect = kFloeViewDialect,
                                  const std::vector<std::string>& default_namespace = {});
// The same with a whole version and its schema (its ids and timestamp are reassigned), e.g.
// the current version of metadata built by new_view_metadata.
ViewMetadata replace_view_version(const ViewMetadata& base, const ViewVersion& version,
                                  const TableSchema& schema);

// Parses view metadata JSON, keeping unknown keys. Throws CorruptDataError naming what is
// malformed, UnsupportedError for a format version other than 1.
ViewMetadata parse_view_metadata(std::string_view json_text);
nlohmann::json view_metadata_to_json(const ViewMetadata& metadata);
std::string view_metadata_to_string(const ViewMetadata& metadata);

// Writes view metadata JSON to `location` (atomically, as table metadata files); the name
// comes from new_metadata_location (<view location>/metadata/<NNNNN>-<uuid>.metadata.json).
void write_view_metadata_file(io::FileIO& io, const std::string& location,
                              const ViewMetadata& metadata);
// Reads and parses a view metadata file (gzip-compressed ones too, which Java writes by
// default); errors name the location.
ViewMetadata read_view_metadata_file(io::FileIO& io, const std::string& location);

}  // namespace floe::iceberg
