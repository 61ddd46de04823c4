#include "iceberg/manifest_io.h"

#include <functional>
#include <set>

#include "base/error.h"
#include "base/fault_point.h"
#include "formats/avro/avro_file.h"
#include "iceberg/bound_compare.h"

namespace floe::iceberg {

using avro::AvroArray;
using avro::AvroValue;
using columnar::TypeId;
using nlohmann::json;

namespace {

int decimal_bytes(int precision) {
  // The smallest n with 2^(8n-1) > 10^precision - 1 (Java's TypeUtil.decimalRequiredBytes).
  int n = 1;
  while (n < 16) {
    double max = std::pow(2.0, 8.0 * n - 1) - 1;
    if (max >= std::pow(10.0, precision) - 1) break;
    ++n;
  }
  return n;
}

// The Avro type (as JSON) of a partition value, with Java's names for named types; a named
// type already written is referenced by name.
json partition_value_avro(const columnar::DataType& t, std::set<std::string>& named) {
  auto fixed = [&](const std::string& name, int size, json extra) -> json {
    if (named.count(name)) return name;
    named.insert(name);
    json j = {{"type", "fixed"}, {"name", name}, {"size", size}};
    j.update(extra);
    return j;
  };
  switch (t.id()) {
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt32: return "int";
    case TypeId::kInt64: return "long";
    case TypeId::kFloat32: return "float";
    case TypeId::kFloat64: return "double";
    case TypeId::kString: return "string";
    case TypeId::kBinary: return "bytes";
    case TypeId::kDate: return json{{"type", "int"}, {"logicalType", "date"}};
    case TypeId::kTime: return json{{"type", "long"}, {"logicalType", "time-micros"}};
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return json{{"type", "long"},
                  {"logicalType",
                   t.unit() == columnar::TimeUnit::kNano ? "timestamp-nanos" : "timestamp-micros"},
                  {"adjust-to-utc", t.id() == TypeId::kTimestampTz}};
    case TypeId::kUuid: return fixed("uuid_fixed", 16, {{"logicalType", "uuid"}});
    case TypeId::kFixedBinary:
      return fixed(fmt::format("fixed_{}", t.width()), t.width(), json::object());
    case TypeId::kDecimal:
      return fixed(
          fmt::format("decimal_{}_{}", t.precision(), t.scale()), decimal_bytes(t.precision()),
          {{"logicalType", "decimal"}, {"precision", t.precision()}, {"scale", t.scale()}});
    default:
      throw UnsupportedError(
          fmt::format("partition values of type {} cannot be written", t.to_string()));
  }
}

json optional_of(json type) { return json::array({"null", std::move(type)}); }

json int_map(const char* name, int id, int key_id, int value_id, const char* value_type) {
  json record = {
      {"type", "record"},
      {"name", fmt::format("k{}_v{}", key_id, value_id)},
      {"fields", json::array({{{"name", "key"}, {"type", "int"}, {"field-id", key_id}},
                              {{"name", "value"}, {"type", value_type}, {"field-id", value_id}}})}};
  json arr = {{"type", "array"}, {"items", record}, {"logicalType", "map"}};
  return {{"name", name}, {"type", optional_of(arr)}, {"default", nullptr}, {"field-id", id}};
}

json opt_field(const char* name, json type, int id) {
  return {{"name", name},
          {"type", optional_of(std::move(type))},
          {"default", nullptr},
          {"field-id", id}};
}

json req_field(const char* name, json type, int id) {
  return {{"name", name}, {"type", std::move(type)}, {"field-id", id}};
}

// Single-value bytes -> the Avro datum of a partition field (and back).
AvroValue partition_datum(const columnar::DataType& t, const std::optional<std::string>& v) {
  if (!v) return AvroValue::make_union(0, AvroValue());
  const std::string& b = *v;
  auto need = [&](size_t n) {
    if (b.size() != n)
      throw CorruptDataError(fmt::format("partition value of type {} has {} bytes, expected {}",
                                         t.to_string(), b.size(), n));
  };
  AvroValue out;
  switch (t.id()) {
    case TypeId::kBoolean:
      need(1);
      out = AvroValue(b[0] != 0);
      break;
    case TypeId::kInt32:
    case TypeId::kDate: {
      need(4);
      int32_t x;
      std::memcpy(&x, b.data(), 4);
      out = AvroValue(x);
      break;
    }
    case TypeId::kInt64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      need(8);
      int64_t x;
      std::memcpy(&x, b.data(), 8);
      out = AvroValue(x);
      break;
    }
    case TypeId::kFloat32: {
      need(4);
      float x;
      std::memcpy(&x, b.data(), 4);
      out = AvroValue(x);
      break;
    }
    case TypeId::kFloat64: {
      need(8);
      double x;
      std::memcpy(&x, b.data(), 8);
      out = AvroValue(x);
      break;
    }
    case TypeId::kDecimal: {
      // Sign-extend the minimal big-endian form to the fixed size.
      size_t size = size_t(decimal_bytes(t.precision()));
      if (b.empty() || b.size() > size)
        throw CorruptDataError(fmt::format("decimal partition value has {} bytes", b.size()));
      char fill = (static_cast<signed char>(b[0]) < 0) ? char(0xFF) : char(0);
      out = AvroValue(std::string(size - b.size(), fill) + b);
      break;
    }
    default: out = AvroValue(b); break;
  }
  return AvroValue::make_union(1, std::move(out));
}

std::string minimal_decimal(const std::string& b) {
  size_t i = 0;
  while (i + 1 < b.size()) {
    unsigned char c = static_cast<unsigned char>(b[i]);
    unsigned char next = static_cast<unsigned char>(b[i + 1]);
    if ((c == 0x00 && !(next & 0x80)) || (c == 0xFF && (next & 0x80)))
      ++i;
    else
      break;
  }
  return b.substr(i);
}

// An Avro datum of a partition field, read with the writer's schema, -> single-value bytes.
std::optional<std::string> partition_bytes(const AvroValue& raw, const avro::AvroSchema& schema) {
  const avro::AvroSchema* s = &schema;
  const AvroValue* v = &raw;
  if (schema.type == avro::AvroType::kUnion) {
    const auto& u = raw.as_union();
    s = schema.branches.at(u.branch).get();
    v = &u.value[0];
  }
  if (v->is_null()) return std::nullopt;
  std::string out;
  auto put = [&](const auto& x) { out.assign(reinterpret_cast<const char*>(&x), sizeof(x)); };
  switch (s->type) {
    case avro::AvroType::kBoolean: out.assign(1, v->as_bool() ? 1 : 0); break;
    case avro::AvroType::kInt: put(v->as_int()); break;
    case avro::AvroType::kLong: put(v->as_long()); break;
    case avro::AvroType::kFloat: put(v->as_float()); break;
    case avro::AvroType::kDouble: put(v->as_double()); break;
    case avro::AvroType::kFixed:
      out = s->logical_type == "decimal" ? minimal_decimal(v->as_string()) : v->as_string();
      break;
    case avro::AvroType::kBytes:
      out = s->logical_type == "decimal" ? minimal_decimal(v->as_string()) : v->as_string();
      break;
    case avro::AvroType::kString: out = v->as_string(); break;
    default:
      throw CorruptDataError(fmt::format("partition value of Avro type {} is not supported",
                                         avro::avro_type_name(s->type)));
  }
  return out;
}

AvroValue opt(AvroValue v) { return AvroValue::make_union(1, std::move(v)); }
AvroValue none() { return AvroValue::make_union(0, AvroValue()); }

template <typename M>
AvroValue map_datum(const M& m) {
  if (m.empty()) return none();
  AvroArray arr;
  arr.reserve(m.size());
  for (const auto& [k, v] : m) {
    AvroValue rec;
    rec = AvroValue(avro::AvroRecord{nullptr, {AvroValue(k), AvroValue(v)}});
    arr.push_back(std::move(rec));
  }
  return opt(AvroValue(std::move(arr)));
}

const AvroValue* field_of(const AvroValue& record, std::string_view name) {
  const auto& r = record.as_record();
  return r.field(name);
}

std::optional<int64_t> opt_long(const AvroValue* v) {
  if (!v) return std::nullopt;
  const AvroValue& u = v->unwrapped();
  if (u.is_null()) return std::nullopt;
  if (u.is_int()) return u.as_int();
  return u.as_long();
}

std::optional<int32_t> opt_int(const AvroValue* v) {
  auto l = opt_long(v);
  if (!l) return std::nullopt;
  return int32_t(*l);
}

std::optional<std::string> opt_bytes(const AvroValue* v) {
  if (!v) return std::nullopt;
  const AvroValue& u = v->unwrapped();
  if (u.is_null()) return std::nullopt;
  return u.as_string();
}

template <typename V>
void read_int_map(const AvroValue* v, std::map<int32_t, V>& out) {
  if (!v) return;
  const AvroValue& u = v->unwrapped();
  if (u.is_null()) return;
  if (u.is_array()) {
    for (const auto& kv : u.as_array()) {
      const auto& rec = kv.as_record();
      if (rec.fields.size() != 2) throw CorruptDataError("manifest map entry is not key/value");
      if constexpr (std::is_same_v<V, std::string>)
        out[rec.fields[0].as_int()] = rec.fields[1].unwrapped().as_string();
      else
        out[rec.fields[0].as_int()] = rec.fields[1].unwrapped().is_int()
                                          ? rec.fields[1].unwrapped().as_int()
                                          : rec.fields[1].unwrapped().as_long();
    }
  } else if (u.is_map()) {  // string-keyed Avro maps from unusual writers
    for (const auto& [k, val] : u.as_map()) {
      if constexpr (std::is_same_v<V, std::string>)
        out[std::stoi(k)] = val.unwrapped().as_string();
      else
        out[std::stoi(k)] = val.unwrapped().as_long();
    }
  }
}

// The whole file's bytes (manifests are small; they are decoded from memory).
Buffer read_all(io::FileIO& io, const std::string& location) {
  auto in = io.open_input(location);
  auto bytes = in->read_at(0, in->size());
  Buffer out;
  out.append(bytes.data(), bytes.size());
  return out;
}

}  // namespace

std::string manifest_entry_schema_json(const columnar::Schema& partition_type, int format_version) {
  std::set<std::string> named;
  json pfields = json::array();
  for (const auto& f : partition_type.fields)
    pfields.push_back({{"name", f.name},
                       {"type", optional_of(partition_value_avro(f.type, named))},
                       {"default", nullptr},
                       {"field-id", *f.field_id}});
  json partition = {{"type", "record"}, {"name", "r102"}, {"fields", pfields}};
  json df = json::array();
  df.push_back(req_field("content", "int", 134));
  df.push_back(req_field("file_path", "string", 100));
  df.push_back(req_field("file_format", "string", 101));
  df.push_back(req_field("partition", partition, 102));
  df.push_back(req_field("record_count", "long", 103));
  df.push_back(req_field("file_size_in_bytes", "long", 104));
  df.push_back(int_map("column_sizes", 108, 117, 118, "long"));
  df.push_back(int_map("value_counts", 109, 119, 120, "long"));
  df.push_back(int_map("null_value_counts", 110, 121, 122, "long"));
  df.push_back(int_map("nan_value_counts", 137, 138, 139, "long"));
  df.push_back(int_map("lower_bounds", 125, 126, 127, "bytes"));
  df.push_back(int_map("upper_bounds", 128, 129, 130, "bytes"));
  df.push_back(opt_field("key_metadata", "bytes", 131));
  df.push_back(
      opt_field("split_offsets", {{"type", "array"}, {"items", "long"}, {"element-id", 133}}, 132));
  df.push_back(
      opt_field("equality_ids", {{"type", "array"}, {"items", "int"}, {"element-id", 136}}, 135));
  df.push_back(opt_field("sort_order_id", "int", 140));
  if (format_version >= 3) df.push_back(opt_field("first_row_id", "long", 142));
  df.push_back(opt_field("referenced_data_file", "string", 143));
  if (format_version >= 3) {
    df.push_back(opt_field("content_offset", "long", 144));
    df.push_back(opt_field("content_size_in_bytes", "long", 145));
  }
  json data_file = {{"type", "record"}, {"name", "r2"}, {"fields", df}};
  json fields = json::array();
  fields.push_back(req_field("status", "int", 0));
  fields.push_back(opt_field("snapshot_id", "long", 1));
  fields.push_back(opt_field("sequence_number", "long", 3));
  fields.push_back(opt_field("file_sequence_number", "long", 4));
  fields.push_back(req_field("data_file", data_file, 2));
  return json{{"type", "record"}, {"name", "manifest_entry"}, {"fields", fields}}.dump();
}

ManifestFile write_manifest(io::FileIO& io, const std::string& location,
                            const ManifestWriteContext& ctx,
                            const std::vector<ManifestEntry>& entries) {
  FLOE_CHECK(ctx.schema && ctx.spec, "manifest context lacks schema or spec");
  columnar::Schema ptype = ctx.spec->partition_type(*ctx.schema);
  auto schema = avro::parse_avro_schema(manifest_entry_schema_json(ptype, ctx.format_version));
  bool deletes = !entries.empty() && entries[0].data_file.content != FileContent::kData;
  std::map<std::string, std::string> meta = {
      {"schema", schema_to_json(*ctx.schema).dump()},
      {"schema-id", std::to_string(ctx.schema->schema_id)},
      {"partition-spec", spec_fields_to_json(*ctx.spec).dump()},
      {"partition-spec-id", std::to_string(ctx.spec->spec_id)},
      {"format-version", std::to_string(ctx.format_version)},
      {"content", deletes ? "deletes" : "data"},
  };
  avro::AvroFileWriter writer(schema, ctx.codec, meta);

  ManifestFile mf;
  mf.manifest_path = location;
  mf.partition_spec_id = ctx.spec->spec_id;
  mf.content = deletes ? FileContent::kPositionDeletes : FileContent::kData;
  mf.added_snapshot_id = ctx.snapshot_id;
  mf.sequence_number = ctx.sequence_number;
  mf.min_sequence_number = ctx.sequence_number;
  mf.partitions.resize(ptype.fields.size());
  std::vector<bool> seen_value(ptype.fields.size(), false);
  bool any_live = false;
  const auto& r2 = schema->fields[size_t(schema->field_index("data_file"))].schema;

  for (const auto& e : entries) {
    const DataFile& f = e.data_file;
    FLOE_CHECK((f.content != FileContent::kData) == deletes,
               "manifest mixes data and delete files ({})", f.file_path);
    if (f.partition.size() != ptype.fields.size())
      throw InternalError(fmt::format("data file {} has {} partition values, spec has {}",
                                      f.file_path, f.partition.size(), ptype.fields.size()));
    std::vector<AvroValue> pvals;
    for (size_t i = 0; i < ptype.fields.size(); ++i) {
      pvals.push_back(partition_datum(ptype.fields[i].type, f.partition[i]));
      FieldSummary& s = mf.partitions[i];
      const auto& v = f.partition[i];
      if (!v) {
        s.contains_null = true;
        continue;
      }
      const auto& t = ptype.fields[i].type;
      if (t.id() == TypeId::kFloat32 || t.id() == TypeId::kFloat64) {
        double x = t.id() == TypeId::kFloat32 ? double(*reinterpret_cast<const float*>(v->data()))
                                              : *reinterpret_cast<const double*>(v->data());
        if (std::isnan(x)) {
          s.contains_nan = true;
          continue;
        }
        if (!s.contains_nan) s.contains_nan = false;
      }
      if (!seen_value[i] || compare_single_values(t, *v, *s.lower_bound) < 0) s.lower_bound = *v;
      if (!seen_value[i] || compare_single_values(t, *v, *s.upper_bound) > 0) s.upper_bound = *v;
      seen_value[i] = true;
    }
    const auto& pschema = r2->fields[size_t(r2->field_index("partition"))].schema;
    std::vector<AvroValue> df;
    df.push_back(AvroValue(int32_t(f.content)));
    df.push_back(AvroValue(f.file_path));
    df.push_back(AvroValue(f.file_format));
    df.push_back(AvroValue::make_record(pschema, std::move(pvals)));
    df.push_back(AvroValue(f.record_count));
    df.push_back(AvroValue(f.file_size_in_bytes));
    df.push_back(map_datum(f.column_sizes));
    df.push_back(map_datum(f.value_counts));
    df.push_back(map_datum(f.null_value_counts));
    df.push_back(map_datum(f.nan_value_counts));
    df.push_back(map_datum(f.lower_bounds));
    df.push_back(map_datum(f.upper_bounds));
    df.push_back(f.key_metadata ? opt(AvroValue(*f.key_metadata)) : none());
    if (f.split_offsets.empty()) {
      df.push_back(none());
    } else {
      AvroArray a;
      for (auto o : f.split_offsets) a.push_back(AvroValue(o));
      df.push_back(opt(AvroValue(std::move(a))));
    }
    if (f.equality_ids.empty()) {
      df.push_back(none());
    } else {
      AvroArray a;
      for (auto o : f.equality_ids) a.push_back(AvroValue(o));
      df.push_back(opt(AvroValue(std::move(a))));
    }
    df.push_back(f.sort_order_id ? opt(AvroValue(*f.sort_order_id)) : none());
    if (ctx.format_version >= 3)
      df.push_back(f.first_row_id ? opt(AvroValue(*f.first_row_id)) : none());
    df.push_back(f.referenced_data_file ? opt(AvroValue(*f.referenced_data_file)) : none());
    if (ctx.format_version >= 3) {
      df.push_back(f.content_offset ? opt(AvroValue(*f.content_offset)) : none());
      df.push_back(f.content_size_in_bytes ? opt(AvroValue(*f.content_size_in_bytes)) : none());
    }
    // ADDED entries inherit snapshot id and sequence numbers from the manifest list.
    bool added = e.status == EntryStatus::kAdded;
    std::vector<AvroValue> entry;
    entry.push_back(AvroValue(int32_t(e.status)));
    entry.push_back(!added && e.snapshot_id ? opt(AvroValue(*e.snapshot_id)) : none());
    entry.push_back(!added && e.sequence_number ? opt(AvroValue(*e.sequence_number)) : none());
    entry.push_back(!added && e.file_sequence_number ? opt(AvroValue(*e.file_sequence_number))
                                                     : none());
    entry.push_back(AvroValue::make_record(r2, std::move(df)));
    writer.append(AvroValue::make_record(schema, std::move(entry)));

    switch (e.status) {
      case EntryStatus::kAdded:
        ++mf.added_files_count;
        mf.added_rows_count += f.record_count;
        break;
      case EntryStatus::kExisting:
        ++mf.existing_files_count;
        mf.existing_rows_count += f.record_count;
        break;
      case EntryStatus::kDeleted:
        ++mf.deleted_files_count;
        mf.deleted_rows_count += f.record_count;
        break;
    }
    if (e.status != EntryStatus::kDeleted) {
      int64_t seq = added ? ctx.sequence_number : e.sequence_number.value_or(0);
      if (!any_live || seq < mf.min_sequence_number) mf.min_sequence_number = seq;
      any_live = true;
    }
  }
  Buffer bytes = writer.finish();
  auto out = io.create_output(location);
  out->write(bytes.data(), bytes.size());
  FLOE_FAULT_POINT("manifest.before_close");
  out->close();
  mf.manifest_length = int64_t(bytes.size());
  return mf;
}

std::vector<ManifestEntry> read_manifest(io::FileIO& io, const ManifestFile& manifest) {
  std::vector<ManifestEntry> out;
  read_manifest_entries(io, manifest, nullptr,
                        [&](ManifestEntry&& e) { out.push_back(std::move(e)); });
  return out;
}

void read_manifest_entries(io::FileIO& io, const ManifestFile& manifest,
                           const std::function<bool(const ManifestEntry&)>& keep,
                           const std::function<void(ManifestEntry&&)>& sink) {
  const std::string& location = manifest.manifest_path;
  try {
    Buffer bytes = read_all(io, location);
    avro::AvroFileReader reader({bytes.data(), bytes.size()}, location);
    const auto& ws = reader.writer_schema();
    int dfi = ws->field_index("data_file");
    if (ws->type != avro::AvroType::kRecord || dfi < 0)
      throw CorruptDataError("not an Iceberg manifest (no data_file field)");
    const auto& r2 = ws->fields[size_t(dfi)].schema;
    int pi = r2->field_index("partition");
    if (pi < 0) throw CorruptDataError("manifest data_file has no partition field");
    const auto& pschema = r2->fields[size_t(pi)].schema;
    int64_t spec_id = manifest.partition_spec_id;
    if (auto it = reader.metadata().find("partition-spec-id"); it != reader.metadata().end()) {
      try {
        spec_id = std::stoll(it->second);
      } catch (...) {
      }
    }
    AvroValue v;
    while (reader.next(v)) {
      ManifestEntry e;
      e.spec_id = int32_t(spec_id);
      e.status = EntryStatus(v["status"].as_int());
      e.snapshot_id = opt_long(field_of(v, "snapshot_id"));
      e.sequence_number = opt_long(field_of(v, "sequence_number"));
      e.file_sequence_number = opt_long(field_of(v, "file_sequence_number"));
      // Inheritance (spec "Sequence Number Inheritance"); v1 manifests read as 0.
      if (!e.snapshot_id) e.snapshot_id = manifest.added_snapshot_id;
      if (!e.sequence_number)
        e.sequence_number = e.status == EntryStatus::kAdded ? manifest.sequence_number : 0;
      if (!e.file_sequence_number)
        e.file_sequence_number = e.status == EntryStatus::kAdded ? manifest.sequence_number : 0;
      const AvroValue& d = v["data_file"];
      DataFile& f = e.data_file;
      if (const AvroValue* c = field_of(d, "content")) f.content = FileContent(c->as_int());
      f.file_path = d["file_path"].as_string();
      f.file_format = d["file_format"].as_string();
      const auto& prec = d["partition"].as_record();
      for (size_t i = 0; i < prec.fields.size(); ++i)
        f.partition.push_back(partition_bytes(prec.fields[i], *pschema->fields[i].schema));
      f.record_count = d["record_count"].as_long();
      f.file_size_in_bytes = d["file_size_in_bytes"].as_long();
      // The caller may drop the entry on what is known so far (status, sequence numbers,
      // content, path, partition, counts) before its column metrics are decoded.
      if (keep && !keep(e)) continue;
      read_int_map(field_of(d, "column_sizes"), f.column_sizes);
      read_int_map(field_of(d, "value_counts"), f.value_counts);
      read_int_map(field_of(d, "null_value_counts"), f.null_value_counts);
      read_int_map(field_of(d, "nan_value_counts"), f.nan_value_counts);
      read_int_map(field_of(d, "lower_bounds"), f.lower_bounds);
      read_int_map(field_of(d, "upper_bounds"), f.upper_bounds);
      f.key_metadata = opt_bytes(field_of(d, "key_metadata"));
      if (const AvroValue* s = field_of(d, "split_offsets"); s && s->unwrapped().is_array())
        for (const auto& o : s->unwrapped().as_array()) f.split_offsets.push_back(o.as_long());
      if (const AvroValue* s = field_of(d, "equality_ids"); s && s->unwrapped().is_array())
        for (const auto& o : s->unwrapped().as_array()) f.equality_ids.push_back(o.as_int());
      f.sort_order_id = opt_int(field_of(d, "sort_order_id"));
      f.first_row_id = opt_long(field_of(d, "first_row_id"));
      f.content_offset = opt_long(field_of(d, "content_offset"));
      f.content_size_in_bytes = opt_long(field_of(d, "content_size_in_bytes"));
      if (const AvroValue* r = field_of(d, "referenced_data_file"); r && !r->unwrapped().is_null())
        f.referenced_data_file = r->unwrapped().as_string();
      sink(std::move(e));
    }
  } catch (const Error& e) {
    if (std::string_view(e.what()).starts_with(location)) throw;
    throw with_context(e, location);
  } catch (const std::exception& e) {
    throw CorruptDataError(fmt::format("{}: malformed manifest: {}", location, e.what()));
  }
}

void write_manifest_list(io::FileIO& io, const std::string& location,
                         const ManifestListContext& ctx,
                         const std::vector<ManifestFile>& manifests) {
  json summary = {{"type", "record"},
                  {"name", "r508"},
                  {"fields", json::array({req_field("contains_null", "boolean", 509),
                                          opt_field("contains_nan", "boolean", 518),
                                          opt_field("lower_bound", "bytes", 510),
                                          opt_field("upper_bound", "bytes", 511)})}};
  json fields = json::array();
  fields.push_back(req_field("manifest_path", "string", 500));
  fields.push_back(req_field("manifest_length", "long", 501));
  fields.push_back(req_field("partition_spec_id", "int", 502));
  fields.push_back(req_field("content", "int", 517));
  fields.push_back(req_field("sequence_number", "long", 515));
  fields.push_back(req_field("min_sequence_number", "long", 516));
  fields.push_back(req_field("added_snapshot_id", "long", 503));
  fields.push_back(req_field("added_files_count", "int", 504));
  fields.push_back(req_field("existing_files_count", "int", 505));
  fields.push_back(req_field("deleted_files_count", "int", 506));
  fields.push_back(req_field("added_rows_count", "long", 512));
  fields.push_back(req_field("existing_rows_count", "long", 513));
  fields.push_back(req_field("deleted_rows_count", "long", 514));
  fields.push_back(
      opt_field("partitions", {{"type", "array"}, {"items", summary}, {"element-id", 508}}, 507));
  fields.push_back(opt_field("key_metadata", "bytes", 519));
  if (ctx.format_version >= 3) fields.push_back(opt_field("first_row_id", "long", 520));
  auto schema = avro::parse_avro_schema(
      json{{"type", "record"}, {"name", "manifest_file"}, {"fields", fields}}.dump());
  const auto& r508 =
      schema->fields[size_t(schema->field_index("partitions"))].schema->branches[1]->items;
  std::map<std::string, std::string> meta = {
      {"snapshot-id", std::to_string(ctx.snapshot_id)},
      {"parent-snapshot-id",
       ctx.parent_snapshot_id ? std::to_string(*ctx.parent_snapshot_id) : "null"},
      {"sequence-number", std::to_string(ctx.sequence_number)},
      {"format-version", std::to_string(ctx.format_version)},
  };
  if (ctx.format_version >= 3 && ctx.first_row_id)
    meta["first-row-id"] = std::to_string(*ctx.first_row_id);
  avro::AvroFileWriter writer(schema, "deflate", meta);
  for (const auto& m : manifests) {
    std::vector<AvroValue> r;
    r.push_back(AvroValue(m.manifest_path));
    r.push_back(AvroValue(m.manifest_length));
    r.push_back(AvroValue(m.partition_spec_id));
    r.push_back(AvroValue(int32_t(m.is_delete_manifest() ? 1 : 0)));
    r.push_back(AvroValue(m.sequence_number));
    r.push_back(AvroValue(m.min_sequence_number));
    r.push_back(AvroValue(m.added_snapshot_id));
    r.push_back(AvroValue(m.added_files_count));
    r.push_back(AvroValue(m.existing_files_count));
    r.push_back(AvroValue(m.deleted_files_count));
    r.push_back(AvroValue(m.added_rows_count));
    r.push_back(AvroValue(m.existing_rows_count));
    r.push_back(AvroValue(m.deleted_rows_count));
    AvroArray parts;
    for (const auto& s : m.partitions) {
      std::vector<AvroValue> sf;
      sf.push_back(AvroValue(s.contains_null));
      sf.push_back(s.contains_nan ? opt(AvroValue(*s.contains_nan)) : none());
      sf.push_back(s.lower_bound ? opt(AvroValue(*s.lower_bound)) : none());
      sf.push_back(s.upper_bound ? opt(AvroValue(*s.upper_bound)) : none());
      parts.push_back(AvroValue::make_record(r508, std::move(sf)));
    }
    r.push_back(opt(AvroValue(std::move(parts))));
    r.push_back(m.key_metadata ? opt(AvroValue(*m.key_metadata)) : none());
    if (ctx.format_version >= 3)
      r.push_back(m.first_row_id ? opt(AvroValue(*m.first_row_id)) : none());
    writer.append(AvroValue::make_record(schema, std::move(r)));
  }
  Buffer bytes = writer.finish();
  auto out = io.create_output(location);
  out->write(bytes.data(), bytes.size());
  FLOE_FAULT_POINT("manifest_list.before_close");
  out->close();
}

std::vector<ManifestFile> read_manifest_list(io::FileIO& io, const std::string& location) {
  try {
    Buffer bytes = read_all(io, location);
    avro::AvroFileReader reader({bytes.data(), bytes.size()}, location);
    std::vector<ManifestFile> out;
    AvroValue v;
    while (reader.next(v)) {
      ManifestFile m;
      m.manifest_path = v["manifest_path"].as_string();
      m.manifest_length = v["manifest_length"].as_long();
      m.partition_spec_id = v["partition_spec_id"].as_int();
      if (auto c = opt_int(field_of(v, "content"))) m.content = FileContent(*c);
      m.sequence_number = opt_long(field_of(v, "sequence_number")).value_or(0);
      m.min_sequence_number = opt_long(field_of(v, "min_sequence_number")).value_or(0);
      m.added_snapshot_id = opt_long(field_of(v, "added_snapshot_id")).value_or(0);
      auto count = [&](const char* v2, const char* v1) -> const AvroValue* {
        if (const AvroValue* x = field_of(v, v2)) return x;
        return field_of(v, v1);
      };
      m.added_files_count =
          opt_int(count("added_files_count", "added_data_files_count")).value_or(0);
      m.existing_files_count =
          opt_int(count("existing_files_count", "existing_data_files_count")).value_or(0);
      m.deleted_files_count =
          opt_int(count("deleted_files_count", "deleted_data_files_count")).value_or(0);
      m.added_rows_count = opt_long(field_of(v, "added_rows_count")).value_or(0);
      m.existing_rows_count = opt_long(field_of(v, "existing_rows_count")).value_or(0);
      m.deleted_rows_count = opt_long(field_of(v, "deleted_rows_count")).value_or(0);
      if (const AvroValue* p = field_of(v, "partitions"); p && p->unwrapped().is_array()) {
        for (const auto& s : p->unwrapped().as_array()) {
          FieldSummary fs;
          fs.contains_null = s["contains_null"].as_bool();
          if (const AvroValue* n = field_of(s, "contains_nan"); n && !n->unwrapped().is_null())
            fs.contains_nan = n->unwrapped().as_bool();
          fs.lower_bound = opt_bytes(field_of(s, "lower_bound"));
          fs.upper_bound = opt_bytes(field_of(s, "upper_bound"));
          m.partitions.push_back(std::move(fs));
        }
      }
      m.key_metadata = opt_bytes(field_of(v, "key_metadata"));
      m.first_row_id = opt_long(field_of(v, "first_row_id"));
      out.push_back(std::move(m));
    }
    return out;
  } catch (const Error& e) {
    if (std::string_view(e.what()).starts_with(location)) throw;
    throw with_context(e, location);
  } catch (const std::exception& e) {
    throw CorruptDataError(fmt::format("{}: malformed manifest: {}", location, e.what()));
  }
}

}  // namespace floe::iceberg
