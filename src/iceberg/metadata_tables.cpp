#include "iceberg/metadata_tables.h"

#include <map>
#include <set>

#include "base/error.h"
#include "columnar/value_text.h"
#include "iceberg/manifest_io.h"
#include "iceberg/single_value.h"
#include "iceberg/snapshot_update.h"
#include "iceberg/transform.h"

namespace floe::iceberg {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::TypeId;

namespace {

class Builder {
 public:
  Builder& col(std::string name, DataType type) {
    batch_.schema.fields.emplace_back(std::move(name), type);
    batch_.columns.emplace_back(type);
    return *this;
  }
  Column& operator[](size_t i) { return batch_.columns[i]; }
  Batch take() { return std::move(batch_); }

 private:
  Batch batch_;
};

void put_opt_long(Column& c, std::optional<int64_t> v) {
  if (v)
    c.append<int64_t>(*v);
  else
    c.append_null();
}

std::string summary_json(const std::map<std::string, std::string>& s) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : s) j[k] = v;
  return j.dump();
}

std::string bounds_json(const TableSchema& schema, const std::map<int32_t, std::string>& b) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [id, bytes] : b) {
    const Field* f = schema.find_field(id);
    std::string name = f ? schema.column_name(id) : std::to_string(id);
    if (!f) continue;
    try {
      Column c = from_single_value_bytes(f->type, bytes);
      std::string text;
      columnar::append_value_text(c, 0, text);
      j[name] = text;
    } catch (const Error&) {
      j[name] = nullptr;
    }
  }
  return j.dump();
}

std::string counts_json(const TableSchema& schema, const std::map<int32_t, int64_t>& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [id, v] : m) {
    std::string name = schema.column_name(id);
    j[name.empty() ? std::to_string(id) : name] = v;
  }
  return j.dump();
}

const char* content_name(FileContent c) {
  switch (c) {
    case FileContent::kData: return "data";
    case FileContent::kPositionDeletes: return "position_deletes";
    case FileContent::kEqualityDeletes: return "equality_deletes";
  }
  return "?";
}

DataType ts_type() { return DataType::timestamp_tz(columnar::TimeUnit::kMilli); }

}  // namespace

std::string partition_text(const TableMetadata& m, int32_t spec_id,
                           const std::vector<std::optional<std::string>>& values) {
  const PartitionSpec& spec = m.spec_by_id(spec_id);
  columnar::Schema ptype;
  try {
    ptype = spec.partition_type(m.current_schema());
  } catch (const Error&) {
    return "?";
  }
  std::string out;
  for (size_t i = 0; i < spec.fields.size() && i < values.size(); ++i) {
    if (i) out += '/';
    std::string v = "null";
    if (values[i]) {
      Column c = from_single_value_bytes(ptype.fields[i].type, *values[i]);
      v = partition_value_to_path(spec.fields[i].transform, c, 0);
    }
    out += spec.fields[i].name + "=" + v;
  }
  return out;
}

Batch snapshots_table(const TableMetadata& m) {
  Builder b;
  b.col("committed_at", ts_type())
      .col("snapshot_id", DataType(TypeId::kInt64))
      .col("parent_id", DataType(TypeId::kInt64))
      .col("sequence_number", DataType(TypeId::kInt64))
      .col("operation", DataType(TypeId::kString))
      .col("manifest_list", DataType(TypeId::kString))
      .col("summary", DataType(TypeId::kString));
  for (const auto& s : m.snapshots) {
    b[0].append<int64_t>(s.timestamp_ms);
    b[1].append<int64_t>(s.snapshot_id);
    put_opt_long(b[2], s.parent_snapshot_id);
    b[3].append<int64_t>(s.sequence_number);
    b[4].append_string(s.operation());
    b[5].append_string(s.manifest_list);
    b[6].append_string(summary_json(s.summary));
  }
  return b.take();
}

Batch history_table(const TableMetadata& m) {
  std::set<int64_t> ancestors;
  for (const Snapshot* s = m.current_snapshot(); s;
       s = s->parent_snapshot_id ? m.snapshot_by_id(*s->parent_snapshot_id) : nullptr)
    ancestors.insert(s->snapshot_id);
  Builder b;
  b.col("made_current_at", ts_type())
      .col("snapshot_id", DataType(TypeId::kInt64))
      .col("parent_id", DataType(TypeId::kInt64))
      .col("is_current_ancestor", DataType(TypeId::kBoolean));
  for (const auto& e : m.snapshot_log) {
    const Snapshot* s = m.snapshot_by_id(e.snapshot_id);
    b[0].append<int64_t>(e.timestamp_ms);
    b[1].append<int64_t>(e.snapshot_id);
    put_opt_long(b[2], s ? s->parent_snapshot_id : std::nullopt);
    b[3].append_bool(ancestors.count(e.snapshot_id) > 0);
  }
  return b.take();
}

Batch refs_table(const TableMetadata& m) {
  Builder b;
  b.col("name", DataType(TypeId::kString))
      .col("type", DataType(TypeId::kString))
      .col("snapshot_id", DataType(TypeId::kInt64))
      .col("max_reference_age_in_ms", DataType(TypeId::kInt64))
      .col("min_snapshots_to_keep", DataType(TypeId::kInt64))
      .col("max_snapshot_age_in_ms", DataType(TypeId::kInt64));
  for (const auto& [name, r] : m.refs) {
    b[0].append_string(name);
    b[1].append_string(r.type == "tag" ? "TAG" : "BRANCH");
    b[2].append<int64_t>(r.snapshot_id);
    put_opt_long(b[3], r.max_ref_age_ms);
    put_opt_long(b[4], r.min_snapshots_to_keep ? std::optional<int64_t>(*r.min_snapshots_to_keep)
                                               : std::nullopt);
    put_opt_long(b[5], r.max_snapshot_age_ms);
  }
  return b.take();
}

Batch files_table(io::FileIO& io, const TableMetadata& m, const Snapshot* snapshot) {
  Builder b;
  b.col("content", DataType(TypeId::kString))
      .col("file_path", DataType(TypeId::kString))
      .col("file_format", DataType(TypeId::kString))
      .col("spec_id", DataType(TypeId::kInt32))
      .col("partition", DataType(TypeId::kString))
      .col("record_count", DataType(TypeId::kInt64))
      .col("file_size_in_bytes", DataType(TypeId::kInt64))
      .col("null_value_counts", DataType(TypeId::kString))
      .col("lower_bounds", DataType(TypeId::kString))
      .col("upper_bounds", DataType(TypeId::kString));
  if (!snapshot) return b.take();
  const TableSchema& schema = m.current_schema();
  for (const auto& e : live_entries(io, *snapshot)) {
    const DataFile& f = e.data_file;
    b[0].append_string(content_name(f.content));
    b[1].append_string(f.file_path);
    b[2].append_string(f.file_format);
    b[3].append<int32_t>(e.spec_id);
    b[4].append_string(partition_text(m, e.spec_id, f.partition));
    b[5].append<int64_t>(f.record_count);
    b[6].append<int64_t>(f.file_size_in_bytes);
    b[7].append_string(counts_json(schema, f.null_value_counts));
    b[8].append_string(bounds_json(schema, f.lower_bounds));
    b[9].append_string(bounds_json(schema, f.upper_bounds));
  }
  return b.take();
}

Batch manifests_table(io::FileIO& io, const TableMetadata& m, const Snapshot* snapshot) {
  Builder b;
  b.col("content", DataType(TypeId::kString))
      .col("path", DataType(TypeId::kString))
      .col("length", DataType(TypeId::kInt64))
      .col("partition_spec_id", DataType(TypeId::kInt32))
      .col("added_snapshot_id", DataType(TypeId::kInt64))
      .col("added_files_count", DataType(TypeId::kInt32))
      .col("existing_files_count", DataType(TypeId::kInt32))
      .col("deleted_files_count", DataType(TypeId::kInt32))
      .col("added_rows_count", DataType(TypeId::kInt64))
      .col("existing_rows_count", DataType(TypeId::kInt64))
      .col("deleted_rows_count", DataType(TypeId::kInt64));
  if (!snapshot) return b.take();
  for (const auto& mf : read_manifest_list(io, snapshot->manifest_list)) {
    b[0].append_string(mf.is_delete_manifest() ? "deletes" : "data");
    b[1].append_string(mf.manifest_path);
    b[2].append<int64_t>(mf.manifest_length);
    b[3].append<int32_t>(mf.partition_spec_id);
    b[4].append<int64_t>(mf.added_snapshot_id);
    b[5].append<int32_t>(mf.added_files_count);
    b[6].append<int32_t>(mf.existing_files_count);
    b[7].append<int32_t>(mf.deleted_files_count);
    b[8].append<int64_t>(mf.added_rows_count);
    b[9].append<int64_t>(mf.existing_rows_count);
    b[10].append<int64_t>(mf.deleted_rows_count);
  }
  return b.take();
}

Batch partitions_table(io::FileIO& io, const TableMetadata& m, const Snapshot* snapshot) {
  struct Acc {
    int32_t spec_id;
    int64_t records = 0, files = 0, bytes = 0, delete_files = 0;
  };
  std::map<std::string, Acc> acc;
  if (snapshot) {
    for (const auto& e : live_entries(io, *snapshot)) {
      std::string key = partition_text(m, e.spec_id, e.data_file.partition);
      auto [it, fresh] = acc.try_emplace(key, Acc{e.spec_id});
      if (e.data_file.content == FileContent::kData) {
        it->second.records += e.data_file.record_count;
        it->second.files += 1;
        it->second.bytes += e.data_file.file_size_in_bytes;
      } else {
        it->second.delete_files += 1;
      }
    }
  }
  Builder b;
  b.col("partition", DataType(TypeId::kString))
      .col("spec_id", DataType(TypeId::kInt32))
      .col("record_count", DataType(TypeId::kInt64))
      .col("file_count", DataType(TypeId::kInt64))
      .col("total_data_file_size_in_bytes", DataType(TypeId::kInt64))
      .col("position_delete_file_count", DataType(TypeId::kInt64));
  for (const auto& [k, a] : acc) {
    b[0].append_string(k);
    b[1].append<int32_t>(a.spec_id);
    b[2].append<int64_t>(a.records);
    b[3].append<int64_t>(a.files);
    b[4].append<int64_t>(a.bytes);
    b[5].append<int64_t>(a.delete_files);
  }
  return b.take();
}

}  // namespace floe::iceberg
