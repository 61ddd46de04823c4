#include "iceberg/view_metadata.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "base/error.h"
#include "formats/json/json_integer.h"
#include "iceberg/table_metadata.h"
#include "iceberg/table_operations.h"

namespace floe::iceberg {

using nlohmann::json;

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw CorruptDataError(fmt::format("Iceberg view metadata: {}", what));
}

const json& required(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) bad(fmt::format("'{}' is missing", key));
  return *it;
}

template <typename T>
T required_as(const json& j, const char* key) {
  const json& v = required(j, key);
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
    return formats::json::integer_value<T>(v, fmt::format("Iceberg view metadata: '{}'", key));
  try {
    return v.get<T>();
  } catch (const json::exception&) {
    bad(fmt::format("'{}' has the wrong type", key));
  }
}

std::map<std::string, std::string> string_map(const json& j, const char* key) {
  std::map<std::string, std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_object()) bad(fmt::format("'{}' is not an object", key));
  for (const auto& [k, v] : it->items()) out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool property_true(const std::map<std::string, std::string>& props, const char* key) {
  auto it = props.find(key);
  return it != props.end() && lower(it->second) == "true";
}

void keep_unknown(const json& from, json& extra, const std::set<std::string>& known) {
  for (const auto& [k, v] : from.items())
    if (!known.count(k)) extra[k] = v;
}

ViewRepresentation representation_from_json(const json& j) {
  if (!j.is_object()) bad("a representation is not an object");
  ViewRepresentation r;
  r.type = required_as<std::string>(j, "type");
  if (r.type == "sql") {
    r.sql = required_as<std::string>(j, "sql");
    r.dialect = required_as<std::string>(j, "dialect");
    keep_unknown(j, r.extra, {"type", "sql", "dialect"});
  } else {
    keep_unknown(j, r.extra, {"type"});
  }
  return r;
}

json representation_to_json(const ViewRepresentation& r) {
  json j = json::object();
  j["type"] = r.type;
  if (r.type == "sql") {
    j["sql"] = r.sql;
    j["dialect"] = r.dialect;
  }
  for (const auto& [k, v] : r.extra.items()) j[k] = v;
  return j;
}

ViewVersion version_from_json(const json& j) {
  if (!j.is_object()) bad("a version is not an object");
  ViewVersion v;
  v.version_id = required_as<int32_t>(j, "version-id");
  v.timestamp_ms = required_as<int64_t>(j, "timestamp-ms");
  v.schema_id = required_as<int32_t>(j, "schema-id");
  v.summary = string_map(j, "summary");
  const json& reps = required(j, "representations");
  if (!reps.is_array())
    bad(fmt::format("version {}: 'representations' is not a list", v.version_id));
  for (const auto& r : reps) v.representations.push_back(representation_from_json(r));
  // Required by the spec; an absent one reads as the empty namespace.
  if (auto it = j.find("default-namespace"); it != j.end() && !it->is_null()) {
    if (!it->is_array())
      bad(fmt::format("version {}: 'default-namespace' is not a list", v.version_id));
    for (const auto& level : *it) {
      if (!level.is_string())
        bad(fmt::format("version {}: a namespace level is not a string", v.version_id));
      v.default_namespace.push_back(level.get<std::string>());
    }
  }
  if (auto it = j.find("default-catalog"); it != j.end() && it->is_string())
    v.default_catalog = it->get<std::string>();
  keep_unknown(j, v.extra,
               {"version-id", "timestamp-ms", "schema-id", "summary", "representations",
                "default-namespace", "default-catalog"});
  return v;
}

json version_to_json(const ViewVersion& v) {
  json j = json::object();
  j["version-id"] = v.version_id;
  j["timestamp-ms"] = v.timestamp_ms;
  j["schema-id"] = v.schema_id;
  json summary = json::object();
  for (const auto& [k, val] : v.summary) summary[k] = val;
  j["summary"] = summary;
  json reps = json::array();
  for (const auto& r : v.representations) reps.push_back(representation_to_json(r));
  j["representations"] = reps;
  j["default-namespace"] = v.default_namespace;
  if (v.default_catalog) j["default-catalog"] = *v.default_catalog;
  for (const auto& [k, val] : v.extra.items()) j[k] = val;
  return j;
}

ViewMetadata parse_view_metadata_json(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    bad(fmt::format("not valid JSON: {}", e.what()));
  }
  if (!j.is_object()) bad("not a JSON object");
  ViewMetadata m;
  m.format_version = required_as<int>(j, "format-version");
  if (m.format_version != 1)
    throw UnsupportedError(
        fmt::format("Iceberg view format version {} is not supported (floe reads version 1)",
                    m.format_version));
  m.view_uuid = required_as<std::string>(j, "view-uuid");
  m.location = required_as<std::string>(j, "location");
  m.current_version_id = required_as<int32_t>(j, "current-version-id");
  const json& schemas = required(j, "schemas");
  if (!schemas.is_array()) bad("'schemas' is not a list");
  for (const auto& s : schemas)
    m.schemas.push_back(std::make_shared<const TableSchema>(schema_from_json(s)));
  const json& versions = required(j, "versions");
  if (!versions.is_array()) bad("'versions' is not a list");
  for (const auto& v : versions) m.versions.push_back(version_from_json(v));
  if (auto it = j.find("version-log"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) bad("'version-log' is not a list");
    for (const auto& e : *it) {
      if (!e.is_object()) bad("a version-log entry is not an object");
      m.version_log.push_back(
          {required_as<int64_t>(e, "timestamp-ms"), required_as<int32_t>(e, "version-id")});
    }
  }
  m.properties = string_map(j, "properties");
  keep_unknown(j, m.extra,
               {"format-version", "view-uuid", "location", "current-version-id", "schemas",
                "versions", "version-log", "properties"});
  (void)m.current_schema();  // the current version and its schema must be there
  return m;
}

// Schemas equal but for their ids (Java's Schema.sameSchema).
bool same_schema(const TableSchema& a, const TableSchema& b) {
  json x = schema_to_json(a), y = schema_to_json(b);
  x.erase("schema-id");
  y.erase("schema-id");
  return x == y;
}

// Java's sameViewVersion: ignores the id and the timestamp.
bool same_version(const ViewVersion& a, const ViewVersion& b) {
  return a.summary == b.summary && a.representations == b.representations &&
         a.default_catalog == b.default_catalog && a.default_namespace == b.default_namespace &&
         a.schema_id == b.schema_id && a.extra == b.extra;
}

std::set<std::string> sql_dialects(const ViewVersion& v) {
  std::set<std::string> out;
  for (const auto& r : v.representations)
    if (r.type == "sql") out.insert(lower(r.dialect));
  return out;
}

void check_definition(const columnar::Schema& schema, const std::string& sql,
                      std::string_view dialect) {
  if (schema.fields.empty()) throw InvalidInputError("a view needs at least one column");
  for (size_t i = 0; i < schema.fields.size(); ++i)
    for (size_t k = i + 1; k < schema.fields.size(); ++k)
      if (schema.fields[i].name == schema.fields[k].name)
        throw InvalidInputError(
            fmt::format("view column {} is named twice: give the columns distinct names (AS ...)",
                        schema.fields[i].name));
  if (sql.find_first_not_of(" \t\r\n") == std::string::npos)
    throw InvalidInputError("a view needs the SQL of its query");
  if (dialect.empty()) throw InvalidInputError("a view's SQL needs a dialect");
}

// The schema of a view's output as stored: Iceberg types, field ids from 1.
TableSchema view_schema(const columnar::Schema& schema) {
  int32_t last_id = 0;
  TableSchema s = assign_fresh_ids(schema, &last_id);
  s.schema_id = 0;
  return s;
}

ViewVersion sql_version(const std::string& sql, std::string_view dialect,
                        const std::vector<std::string>& default_namespace) {
  ViewVersion v;
  v.timestamp_ms = now_ms();
  v.summary["engine-name"] = "floe";
  v.representations.push_back(ViewRepresentation{"sql", sql, std::string(dialect), json::object()});
  v.default_namespace = default_namespace;
  return v;
}

}  // namespace

const ViewRepresentation* ViewVersion::sql_for(std::string_view dialect) const {
  const ViewRepresentation* first = nullptr;
  std::string want = lower(dialect);
  for (const auto& r : representations) {
    if (r.type != "sql") continue;
    if (lower(r.dialect) == want) return &r;
    if (!first) first = &r;
  }
  return first;
}

const ViewVersion* ViewMetadata::version_by_id(int32_t id) const {
  for (const auto& v : versions)
    if (v.version_id == id) return &v;
  return nullptr;
}

const ViewVersion& ViewMetadata::current_version() const {
  if (const ViewVersion* v = version_by_id(current_version_id)) return *v;
  throw CorruptDataError(fmt::format(
      "Iceberg view metadata: current version {} is not among the versions", current_version_id));
}

const TableSchema& ViewMetadata::schema_by_id(int32_t id) const {
  for (const auto& s : schemas)
    if (s->schema_id == id) return *s;
  throw CorruptDataError(fmt::format("Iceberg view metadata has no schema with id {}", id));
}

const TableSchema& ViewMetadata::current_schema() const {
  return schema_by_id(current_version().schema_id);
}

ViewMetadata new_view_metadata(const std::string& location, const columnar::Schema& schema,
                               const std::string& sql, std::string_view dialect,
                               const std::vector<std::string>& default_namespace,
                               const std::map<std::string, std::string>& properties) {
  check_definition(schema, sql, dialect);
  ViewMetadata m;
  m.view_uuid = new_uuid();
  m.location = location;
  while (m.location.size() > 1 && m.location.back() == '/') m.location.pop_back();
  m.schemas.push_back(std::make_shared<const TableSchema>(view_schema(schema)));
  ViewVersion v = sql_version(sql, dialect, default_namespace);
  v.version_id = 1;
  v.schema_id = 0;
  m.current_version_id = 1;
  m.version_log.push_back({v.timestamp_ms, v.version_id});
  m.versions.push_back(std::move(v));
  m.properties = properties;
  return m;
}

ViewMetadata replace_view_version(const ViewMetadata& base, const columnar::Schema& schema,
                                  const std::string& sql, std::string_view dialect,
                                  const std::vector<std::string>& default_namespace) {
  check_definition(schema, sql, dialect);
  return replace_view_version(base, sql_version(sql, dialect, default_namespace),
                              view_schema(schema));
}

ViewMetadata replace_view_version(const ViewMetadata& base, const ViewVersion& version,
                                  const TableSchema& schema) {
  if (version.representations.empty())
    throw InvalidInputError("a view version needs at least one representation");
  const ViewVersion& previous = base.current_version();
  bool drop_allowed = property_true(base.properties, "replace.drop-dialect.allowed");
  bool append_allowed = property_true(base.properties, "replace.append-dialect.allowed");
  if (drop_allowed && append_allowed)
    throw InvalidInputError(
        "view properties replace.drop-dialect.allowed and replace.append-dialect.allowed cannot "
        "both be true");

  ViewMetadata m = base;

  int32_t schema_id = -1, next_schema_id = 0;
  for (const auto& s : m.schemas) {
    if (same_schema(*s, schema)) {
      schema_id = s->schema_id;
      break;
    }
    next_schema_id = std::max(next_schema_id, s->schema_id + 1);
  }
  if (schema_id < 0) {
    auto added = std::make_shared<TableSchema>(schema);
    added->schema_id = schema_id = next_schema_id;
    m.schemas.push_back(std::move(added));
  }

  ViewVersion next = version;
  next.schema_id = schema_id;
  next.timestamp_ms = now_ms();
  std::set<std::string> dialects;
  for (const auto& r : next.representations)
    if (r.type == "sql" && !dialects.insert(lower(r.dialect)).second)
      throw InvalidInputError(
          fmt::format("a view version has two queries for dialect {}", lower(r.dialect)));
  if (append_allowed)
    for (const auto& r : previous.representations)
      if (r.type == "sql" && !dialects.count(lower(r.dialect))) next.representations.push_back(r);
  if (!drop_allowed) {
    auto now = sql_dialects(next);
    std::vector<std::string> lost;
    for (const auto& d : sql_dialects(previous))
      if (!now.count(d)) lost.push_back(d);
    if (!lost.empty())
      throw InvalidInputError(fmt::format(
          "replacing the view would drop its SQL for dialect {} (written by another engine); "
          "replace it from that engine, or set the view property "
          "replace.drop-dialect.allowed=true",
          fmt::join(lost, ", ")));
  }

  // An identical older version becomes current again under its id.
  int32_t version_id = -1, next_version_id = 1;
  for (const auto& v : m.versions) {
    if (same_version(v, next)) {
      version_id = v.version_id;
      break;
    }
    next_version_id = std::max(next_version_id, v.version_id + 1);
  }
  bool added = version_id < 0;
  if (added) {
    next.version_id = version_id = next_version_id;
    m.versions.push_back(next);
  }
  if (version_id == m.current_version_id) return m;
  m.current_version_id = version_id;
  m.version_log.push_back({added ? next.timestamp_ms : now_ms(), version_id});

  // Keep the newest versions by id (and always the current one), as Java does; the log is
  // cut where it reaches a version no longer kept.
  int64_t keep = 10;
  if (auto it = m.properties.find("version.history.num-entries"); it != m.properties.end()) {
    try {
      keep = std::stoll(it->second);
    } catch (...) {
      keep = 0;
    }
    if (keep <= 0)
      throw InvalidInputError(
          fmt::format("view property version.history.num-entries = '{}' must be a positive integer",
                      it->second));
  }
  if (int64_t(m.versions.size()) > keep) {
    std::vector<int32_t> ids;
    for (const auto& v : m.versions) ids.push_back(v.version_id);
    std::sort(ids.rbegin(), ids.rend());
    std::set<int32_t> kept{m.current_version_id};
    for (int32_t id : ids) {
      if (int64_t(kept.size()) >= keep) break;
      kept.insert(id);
    }
    std::erase_if(m.versions, [&](const ViewVersion& v) { return !kept.count(v.version_id); });
    std::vector<ViewHistoryEntry> log;
    for (const auto& e : m.version_log) {
      if (kept.count(e.version_id))
        log.push_back(e);
      else
        log.clear();
    }
    m.version_log = std::move(log);
  }
  return m;
}

ViewMetadata parse_view_metadata(std::string_view text) {
  try {
    return parse_view_metadata_json(text);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    bad(fmt::format("a value has the wrong type or range: {}", e.what()));
  }
}

json view_metadata_to_json(const ViewMetadata& m) {
  json j = json::object();
  j["view-uuid"] = m.view_uuid;
  j["format-version"] = m.format_version;
  j["location"] = m.location;
  j["current-version-id"] = m.current_version_id;
  json props = json::object();
  for (const auto& [k, v] : m.properties) props[k] = v;
  j["properties"] = props;
  json versions = json::array();
  for (const auto& v : m.versions) versions.push_back(version_to_json(v));
  j["versions"] = versions;
  json log = json::array();
  for (const auto& e : m.version_log)
    log.push_back({{"timestamp-ms", e.timestamp_ms}, {"version-id", e.version_id}});
  j["version-log"] = log;
  json schemas = json::array();
  for (const auto& s : m.schemas) schemas.push_back(schema_to_json(*s));
  j["schemas"] = schemas;
  for (const auto& [k, v] : m.extra.items()) j[k] = v;
  return j;
}

std::string view_metadata_to_string(const ViewMetadata& m) {
  return view_metadata_to_json(m).dump(2);
}

void write_view_metadata_file(io::FileIO& io, const std::string& location,
                              const ViewMetadata& metadata) {
  std::string text = view_metadata_to_string(metadata);
  auto out = io.create_output(location);
  out->write(text.data(), text.size());
  out->close();
}

ViewMetadata read_view_metadata_file(io::FileIO& io, const std::string& location) {
  try {
    return parse_view_metadata(read_metadata_text(io, location));
  } catch (const Error& e) {
    if (std::string_view(e.what()).starts_with(location)) throw;
    throw with_context(e, location);
  }
}

}  // namespace floe::iceberg
