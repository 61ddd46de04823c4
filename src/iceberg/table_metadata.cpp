#include "iceberg/table_metadata.h"

#include <chrono>
#include <random>
#include <set>

#include "base/error.h"
#include "formats/json/json_integer.h"

namespace floe::iceberg {

using formats::json::integer_member;
using formats::json::integer_value;
using nlohmann::json;

namespace {

constexpr const char* kWhat = "Iceberg table metadata";

[[noreturn]] void bad(const std::string& what) {
  throw CorruptDataError(fmt::format("Iceberg table metadata: {}", what));
}

template <typename T>
T required(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) bad(fmt::format("'{}' is missing", key));
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
    return integer_value<T>(*it, fmt::format("{}: '{}'", kWhat, key));
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    bad(fmt::format("'{}' has the wrong type", key));
  }
}

// Java writes a missing parent as absent, null or (in manifest lists) the string "null".
std::optional<int64_t> optional_long(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (it->is_number_integer()) return integer_value<int64_t>(*it, fmt::format("{}: '{}'", kWhat, key));
  if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    if (s == "null" || s.empty()) return std::nullopt;
    try {
      return std::stoll(s);
    } catch (...) {
    }
  }
  bad(fmt::format("'{}' is not a number", key));
}

std::mt19937_64& rng() {
  thread_local std::mt19937_64 gen([] {
    std::random_device rd;
    uint64_t seed = (uint64_t(rd()) << 32) ^ rd();
    seed ^= uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());
    return seed;
  }());
  return gen;
}

Snapshot snapshot_from_json(const json& j) {
  Snapshot s;
  s.snapshot_id = required<int64_t>(j, "snapshot-id");
  s.parent_snapshot_id = optional_long(j, "parent-snapshot-id");
  s.sequence_number = integer_member<int64_t>(j, "sequence-number", 0, kWhat);
  s.timestamp_ms = required<int64_t>(j, "timestamp-ms");
  if (j.contains("manifest-list") && j["manifest-list"].is_string()) {
    s.manifest_list = j["manifest-list"].get<std::string>();
  } else if (j.contains("manifests")) {
    throw UnsupportedError(
        "Iceberg v1 snapshots with an embedded 'manifests' list (no manifest "
        "list file) are not supported");
  } else {
    bad(fmt::format("snapshot {} has no manifest-list", s.snapshot_id));
  }
  if (j.contains("summary") && j["summary"].is_object())
    for (const auto& [k, v] : j["summary"].items())
      s.summary[k] = v.is_string() ? v.get<std::string>() : v.dump();
  if (!s.summary.count("operation")) s.summary["operation"] = "append";  // v1 may omit it
  if (j.contains("schema-id") && j["schema-id"].is_number_integer())
    s.schema_id = integer_value<int32_t>(j["schema-id"], "Iceberg snapshot: 'schema-id'");
  s.first_row_id = optional_long(j, "first-row-id");
  s.added_rows = optional_long(j, "added-rows");
  static const std::set<std::string> known = {
      "snapshot-id", "parent-snapshot-id", "sequence-number", "timestamp-ms", "manifest-list",
      "summary",     "schema-id",          "first-row-id",    "added-rows"};
  for (const auto& [k, v] : j.items())
    if (!known.count(k)) s.extra[k] = v;
  return s;
}

json snapshot_to_json(const Snapshot& s) {
  json j = json::object();
  j["snapshot-id"] = s.snapshot_id;
  if (s.parent_snapshot_id) j["parent-snapshot-id"] = *s.parent_snapshot_id;
  j["sequence-number"] = s.sequence_number;
  j["timestamp-ms"] = s.timestamp_ms;
  j["manifest-list"] = s.manifest_list;
  json summary = json::object();
  for (const auto& [k, v] : s.summary) summary[k] = v;
  j["summary"] = summary;
  if (s.schema_id) j["schema-id"] = *s.schema_id;
  if (s.first_row_id) j["first-row-id"] = *s.first_row_id;
  if (s.added_rows) j["added-rows"] = *s.added_rows;
  for (const auto& [k, v] : s.extra.items()) j[k] = v;
  return j;
}

}  // namespace

std::string Snapshot::operation() const {
  auto it = summary.find("operation");
  return it == summary.end() ? "append" : it->second;
}

const TableSchema& TableMetadata::current_schema() const { return schema_by_id(current_schema_id); }

const TableSchema& TableMetadata::schema_by_id(int32_t id) const {
  for (const auto& s : schemas)
    if (s->schema_id == id) return *s;
  throw CorruptDataError(fmt::format("Iceberg table metadata has no schema with id {}", id));
}

const PartitionSpec& TableMetadata::default_spec() const { return spec_by_id(default_spec_id); }

const PartitionSpec& TableMetadata::spec_by_id(int32_t id) const {
  for (const auto& s : specs)
    if (s.spec_id == id) return s;
  throw CorruptDataError(fmt::format("Iceberg table metadata has no partition spec {}", id));
}

const SortOrder* TableMetadata::sort_order_by_id(int32_t id) const {
  for (const auto& s : sort_orders)
    if (s.order_id == id) return &s;
  return nullptr;
}

const Snapshot* TableMetadata::current_snapshot() const {
  return current_snapshot_id ? snapshot_by_id(*current_snapshot_id) : nullptr;
}

const Snapshot* TableMetadata::snapshot_by_id(int64_t id) const {
  for (const auto& s : snapshots)
    if (s.snapshot_id == id) return &s;
  return nullptr;
}

const Snapshot* TableMetadata::snapshot_as_of(int64_t timestamp_ms) const {
  const Snapshot* found = nullptr;
  for (const auto& e : snapshot_log) {
    if (e.timestamp_ms > timestamp_ms) break;
    if (const Snapshot* s = snapshot_by_id(e.snapshot_id)) found = s;
  }
  if (!found && snapshot_log.empty()) {
    // Tables written without a snapshot log: walk snapshots by time.
    for (const auto& s : snapshots)
      if (s.timestamp_ms <= timestamp_ms && (!found || s.timestamp_ms >= found->timestamp_ms))
        found = &s;
  }
  return found;
}

const TableSchema& TableMetadata::schema_for(const Snapshot* snapshot) const {
  if (snapshot && snapshot->schema_id) {
    for (const auto& s : schemas)
      if (s->schema_id == *snapshot->schema_id) return *s;
  }
  return current_schema();
}

std::string TableMetadata::property(const std::string& key, const std::string& fallback) const {
  auto it = properties.find(key);
  return it == properties.end() ? fallback : it->second;
}

int64_t TableMetadata::property_int(const std::string& key, int64_t fallback) const {
  auto it = properties.find(key);
  if (it == properties.end()) return fallback;
  try {
    return std::stoll(it->second);
  } catch (...) {
    throw InvalidInputError(
        fmt::format("table property {} = '{}' is not an integer", key, it->second));
  }
}

namespace {
TableMetadata parse_table_metadata_json(std::string_view text);
}  // namespace

TableMetadata parse_table_metadata(std::string_view text) {
  // Values of an unexpected JSON kind deep inside (a string where a number belongs) surface
  // from the JSON library; they are malformed metadata like any other.
  try {
    return parse_table_metadata_json(text);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    bad(fmt::format("a value has the wrong type or range: {}", e.what()));
  }
}

namespace {
TableMetadata parse_table_metadata_json(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    bad(fmt::format("not valid JSON: {}", e.what()));
  }
  if (!j.is_object()) bad("not a JSON object");
  TableMetadata m;
  m.format_version = required<int>(j, "format-version");
  if (m.format_version < 1 || m.format_version > 3)
    throw UnsupportedError(fmt::format(
        "Iceberg format version {} is not supported (floe reads 1 to 3)", m.format_version));
  m.table_uuid = j.value("table-uuid", "");
  if (m.format_version >= 2 && m.table_uuid.empty()) bad("'table-uuid' is missing");
  m.location = required<std::string>(j, "location");
  m.last_sequence_number = integer_member<int64_t>(j, "last-sequence-number", 0, kWhat);
  m.last_updated_ms = required<int64_t>(j, "last-updated-ms");
  m.last_column_id = required<int32_t>(j, "last-column-id");

  if (j.contains("schemas") && j["schemas"].is_array() && !j["schemas"].empty()) {
    for (const auto& s : j["schemas"])
      m.schemas.push_back(std::make_shared<const TableSchema>(schema_from_json(s)));
    m.current_schema_id = integer_member<int32_t>(j, "current-schema-id", m.schemas.front()->schema_id, kWhat);
  } else if (j.contains("schema")) {
    auto s = schema_from_json(j["schema"]);
    m.current_schema_id = s.schema_id;
    m.schemas.push_back(std::make_shared<const TableSchema>(std::move(s)));
  } else {
    bad("no 'schemas'");
  }
  (void)m.current_schema();

  if (j.contains("partition-specs") && j["partition-specs"].is_array() &&
      !j["partition-specs"].empty()) {
    for (const auto& s : j["partition-specs"]) m.specs.push_back(spec_from_json(s));
    m.default_spec_id = integer_member<int32_t>(j, "default-spec-id", m.specs.front().spec_id, kWhat);
  } else if (j.contains("partition-spec")) {
    m.specs.push_back(spec_from_json(j["partition-spec"], 0));
    m.default_spec_id = 0;
  } else {
    m.specs.push_back(PartitionSpec{});
  }
  (void)m.default_spec();
  int32_t last_pid = kFirstPartitionFieldId - 1;
  for (const auto& s : m.specs)
    for (const auto& f : s.fields) last_pid = std::max(last_pid, f.field_id);
  m.last_partition_id = integer_member<int32_t>(j, "last-partition-id", last_pid, kWhat);

  if (j.contains("properties") && j["properties"].is_object())
    for (const auto& [k, v] : j["properties"].items())
      m.properties[k] = v.is_string() ? v.get<std::string>() : v.dump();

  auto current = optional_long(j, "current-snapshot-id");
  if (current && *current != -1) m.current_snapshot_id = current;
  if (j.contains("snapshots") && j["snapshots"].is_array())
    for (const auto& s : j["snapshots"]) m.snapshots.push_back(snapshot_from_json(s));
  if (j.contains("snapshot-log") && j["snapshot-log"].is_array())
    for (const auto& e : j["snapshot-log"])
      m.snapshot_log.push_back(
          {required<int64_t>(e, "timestamp-ms"), required<int64_t>(e, "snapshot-id")});
  if (j.contains("metadata-log") && j["metadata-log"].is_array())
    for (const auto& e : j["metadata-log"])
      m.metadata_log.push_back(
          {required<int64_t>(e, "timestamp-ms"), required<std::string>(e, "metadata-file")});
  if (j.contains("sort-orders") && j["sort-orders"].is_array())
    for (const auto& s : j["sort-orders"]) m.sort_orders.push_back(sort_order_from_json(s));
  if (m.sort_orders.empty()) m.sort_orders.push_back(SortOrder{});
  m.default_sort_order_id = integer_member<int32_t>(j, "default-sort-order-id", 0, kWhat);
  if (j.contains("refs") && j["refs"].is_object()) {
    for (const auto& [name, r] : j["refs"].items()) {
      SnapshotRef ref;
      ref.snapshot_id = required<int64_t>(r, "snapshot-id");
      ref.type = r.value("type", "branch");
      if (r.contains("min-snapshots-to-keep") && r["min-snapshots-to-keep"].is_number())
        ref.min_snapshots_to_keep =
            integer_value<int32_t>(r["min-snapshots-to-keep"], "Iceberg ref: 'min-snapshots-to-keep'");
      ref.max_snapshot_age_ms = optional_long(r, "max-snapshot-age-ms");
      ref.max_ref_age_ms = optional_long(r, "max-ref-age-ms");
      m.refs[name] = ref;
    }
  }
  // Tables from before refs existed: main is the current snapshot.
  if (m.current_snapshot_id && !m.refs.count("main"))
    m.refs["main"] = SnapshotRef{*m.current_snapshot_id, "branch", {}, {}, {}};
  if (m.current_snapshot_id && !m.snapshot_by_id(*m.current_snapshot_id))
    bad(fmt::format("current snapshot {} is not among the snapshots", *m.current_snapshot_id));
  m.next_row_id = optional_long(j, "next-row-id");
  if (j.contains("statistics") && j["statistics"].is_array()) m.statistics = j["statistics"];
  if (j.contains("partition-statistics") && j["partition-statistics"].is_array())
    m.partition_statistics = j["partition-statistics"];
  static const std::set<std::string> known = {"format-version",
                                              "table-uuid",
                                              "location",
                                              "last-sequence-number",
                                              "last-updated-ms",
                                              "last-column-id",
                                              "schemas",
                                              "current-schema-id",
                                              "schema",
                                              "partition-specs",
                                              "default-spec-id",
                                              "partition-spec",
                                              "last-partition-id",
                                              "properties",
                                              "current-snapshot-id",
                                              "snapshots",
                                              "snapshot-log",
                                              "metadata-log",
                                              "sort-orders",
                                              "default-sort-order-id",
                                              "refs",
                                              "next-row-id",
                                              "statistics",
                                              "partition-statistics"};
  for (const auto& [k, v] : j.items())
    if (!known.count(k)) m.extra[k] = v;
  return m;
}
}  // namespace

json table_metadata_to_json(const TableMetadata& m) {
  json j = json::object();
  j["format-version"] = m.format_version;
  j["table-uuid"] = m.table_uuid;
  j["location"] = m.location;
  j["last-sequence-number"] = m.last_sequence_number;
  j["last-updated-ms"] = m.last_updated_ms;
  j["last-column-id"] = m.last_column_id;
  if (m.format_version >= 3 && m.next_row_id) j["next-row-id"] = *m.next_row_id;
  json schemas = json::array();
  for (const auto& s : m.schemas) schemas.push_back(schema_to_json(*s));
  j["current-schema-id"] = m.current_schema_id;
  j["schemas"] = schemas;
  if (m.format_version == 1) {
    j["schema"] = schema_to_json(m.current_schema());
    j["partition-spec"] = spec_fields_to_json(m.default_spec());
  }
  json specs = json::array();
  for (const auto& s : m.specs) specs.push_back(spec_to_json(s));
  j["default-spec-id"] = m.default_spec_id;
  j["partition-specs"] = specs;
  j["last-partition-id"] = m.last_partition_id;
  j["default-sort-order-id"] = m.default_sort_order_id;
  json orders = json::array();
  for (const auto& o : m.sort_orders) orders.push_back(sort_order_to_json(o));
  j["sort-orders"] = orders;
  json props = json::object();
  for (const auto& [k, v] : m.properties) props[k] = v;
  j["properties"] = props;
  if (m.current_snapshot_id)
    j["current-snapshot-id"] = *m.current_snapshot_id;
  else if (m.format_version >= 3)
    j["current-snapshot-id"] = nullptr;
  else
    j["current-snapshot-id"] = -1;
  json refs = json::object();
  for (const auto& [name, r] : m.refs) {
    json rj = {{"snapshot-id", r.snapshot_id}, {"type", r.type}};
    if (r.min_snapshots_to_keep) rj["min-snapshots-to-keep"] = *r.min_snapshots_to_keep;
    if (r.max_snapshot_age_ms) rj["max-snapshot-age-ms"] = *r.max_snapshot_age_ms;
    if (r.max_ref_age_ms) rj["max-ref-age-ms"] = *r.max_ref_age_ms;
    refs[name] = rj;
  }
  j["refs"] = refs;
  json snaps = json::array();
  for (const auto& s : m.snapshots) snaps.push_back(snapshot_to_json(s));
  j["snapshots"] = snaps;
  j["statistics"] = m.statistics;
  j["partition-statistics"] = m.partition_statistics;
  json slog = json::array();
  for (const auto& e : m.snapshot_log)
    slog.push_back({{"timestamp-ms", e.timestamp_ms}, {"snapshot-id", e.snapshot_id}});
  j["snapshot-log"] = slog;
  json mlog = json::array();
  for (const auto& e : m.metadata_log)
    mlog.push_back({{"timestamp-ms", e.timestamp_ms}, {"metadata-file", e.metadata_file}});
  j["metadata-log"] = mlog;
  for (const auto& [k, v] : m.extra.items()) j[k] = v;
  return j;
}

std::string table_metadata_to_string(const TableMetadata& m) {
  return table_metadata_to_json(m).dump(2);
}

std::string new_uuid() {
  uint64_t hi = rng()();
  uint64_t lo = rng()();
  hi = (hi & ~uint64_t(0xF000)) | 0x4000;                      // version 4
  lo = (lo & ~(uint64_t(0xC) << 60)) | (uint64_t(0x8) << 60);  // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", uint32_t(hi >> 32),
                     uint32_t((hi >> 16) & 0xFFFF), uint32_t(hi & 0xFFFF), uint32_t(lo >> 48),
                     lo & 0xFFFFFFFFFFFFull);
}

int64_t new_snapshot_id() {
  uint64_t v = rng()() ^ rng()();
  int64_t id = int64_t(v & 0x7FFFFFFFFFFFFFFFull);
  return id == 0 ? 1 : id;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace floe::iceberg
