// Stage: a named place files are loaded from and unloaded to (Snowflake's stages). An
// external stage has a URL (file:///…, a local path or s3://bucket/prefix/); an internal
// stage keeps its files in the warehouse under _stages/<namespace>/<name>/; every table
// has its own internal stage `@%table` under <table location>/_stage/. A stage may carry a
// FILE_FORMAT and COPY_OPTIONS used by COPY statements that name it. Layer: ingest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/sql_catalog.h"
#include "ingest/option_value.h"
#include "io/file_io.h"

namespace floe::ingest {

struct StageDefinition {
  std::string url;             // "" for an internal stage
  OptionList file_format;      // FILE_FORMAT = (...) as written; FORMAT_NAME inside names one
  OptionList copy_options;     // COPY_OPTIONS = (...)
  std::string comment;
  OptionList other;            // CREDENTIALS, STORAGE_INTEGRATION, ... (kept, not used)

  std::string to_json() const;
  static StageDefinition from_json(const std::string& json);
};

// A parsed stage reference: @name[/path], @%table[/path], @~[/path], @db.schema.name/path.
struct StageRef {
  enum class Kind { kNamed, kTable, kUser };
  Kind kind = Kind::kNamed;
  std::vector<std::string> name;  // as written (unquoted parts lower case)
  std::string path;               // after the first '/', without a leading '/'

  // Throws InvalidInputError for text that is not a stage reference.
  static StageRef parse(std::string_view text);
  std::string to_string() const;
};

// A stage resolved to storage: the location prefix (ending in '/') its files live under,
// and the options it carries.
struct ResolvedStage {
  std::string name;        // for messages: @db.name
  std::string location;    // the stage's root, ending in '/'
  std::string prefix;      // location + path: what a reference points at
  StageDefinition definition;
};

// Resolves a reference against the catalog (named stages in floe_objects, `default_ns` for
// unqualified names; table stages by the table's location). Throws CatalogError naming a
// missing stage or table.
ResolvedStage resolve_stage(catalog::SqlCatalog& catalog, const StageRef& ref,
                            const std::vector<std::string>& default_ns);

// The files under a resolved stage's prefix whose path relative to the stage root matches
// `pattern` (an RE2 regular expression that must match the whole relative path, as
// Snowflake's PATTERN does; "" = all), sorted by location. A prefix that names one file
// exactly lists that file.
std::vector<io::FileInfo> list_stage_files(const ResolvedStage& stage, const std::string& pattern);

// The path of `location` relative to the stage's root.
std::string stage_relative_path(const ResolvedStage& stage, const std::string& location);

}  // namespace floe::ingest
