#include "iceberg/table_creation.h"

#include <algorithm>

#include "base/error.h"

namespace floe::iceberg {

namespace {

// Format versions 1 and 2 have no nanosecond timestamps (timestamp_ns is v3, and readers of
// v2 tables reject it), so such columns (Parquet from pandas has them) are stored as
// microseconds, as PyIceberg does when it downcasts; appends cast the values.
columnar::DataType micros_timestamps(const columnar::DataType& t) {
  using columnar::DataType;
  using columnar::TypeId;
  switch (t.id()) {
    case TypeId::kTimestamp: return DataType::timestamp(columnar::TimeUnit::kMicro);
    case TypeId::kTimestampTz: return DataType::timestamp_tz(columnar::TimeUnit::kMicro);
    case TypeId::kStruct: {
      std::vector<columnar::Field> kids = t.children();
      for (auto& k : kids) k.type = micros_timestamps(k.type);
      return DataType::struct_of(std::move(kids));
    }
    case TypeId::kList: {
      columnar::Field e = t.children()[0];
      e.type = micros_timestamps(e.type);
      return DataType::list_of(std::move(e));
    }
    case TypeId::kMap: {
      const auto& kids = t.children().size() == 2 ? t.children() : t.children()[0].type.children();
      columnar::Field k = kids[0], v = kids[1];
      k.type = micros_timestamps(k.type);
      v.type = micros_timestamps(v.type);
      return DataType::map_of(std::move(k), std::move(v));
    }
    default: return t;
  }
}

}  // namespace

TableMetadata new_table_metadata(const columnar::Schema& columns, const NewTableOptions& o) {
  if (columns.fields.empty()) throw InvalidInputError("a table needs at least one column");
  if (o.format_version < 1 || o.format_version > 2)
    throw UnsupportedError(
        fmt::format("floe creates tables of format version 1 or 2, not {}", o.format_version));
  for (size_t i = 0; i < columns.fields.size(); ++i)
    for (size_t j = i + 1; j < columns.fields.size(); ++j)
      if (columns.fields[i].name == columns.fields[j].name)
        throw InvalidInputError(fmt::format("column {} is named twice", columns.fields[i].name));
  TableMetadata m;
  m.format_version = o.format_version;
  m.table_uuid = new_uuid();
  m.location = o.location;
  while (m.location.size() > 1 && m.location.back() == '/') m.location.pop_back();
  m.last_updated_ms = now_ms();
  columnar::Schema stored = columns;
  if (o.format_version < 3)
    for (auto& f : stored.fields) f.type = micros_timestamps(f.type);
  int32_t last_id = 0;
  auto schema = std::make_shared<TableSchema>(assign_fresh_ids(stored, &last_id));
  schema->schema_id = 0;
  m.last_column_id = last_id;
  for (const auto& name : o.identifier_columns) {
    int i = schema->find(name);
    if (i < 0) throw InvalidInputError(fmt::format("identifier field {} is not a column", name));
    const columnar::Field& f = schema->schema.fields[size_t(i)];
    if (f.nullable)
      throw InvalidInputError(fmt::format("identifier field {} must be required (NOT NULL)", name));
    columnar::TypeId t = f.type.id();
    if (t == columnar::TypeId::kFloat32 || t == columnar::TypeId::kFloat64 || f.type.is_nested())
      throw InvalidInputError(fmt::format(
          "identifier field {} has type {}; Iceberg's identifier fields are primitive and not "
          "float or double",
          name, f.type.to_string()));
    if (std::find(schema->identifier_field_ids.begin(), schema->identifier_field_ids.end(),
                  *f.field_id) != schema->identifier_field_ids.end())
      throw InvalidInputError(fmt::format("identifier field {} is named twice", name));
    schema->identifier_field_ids.push_back(*f.field_id);
  }
  m.schemas.push_back(schema);
  m.current_schema_id = 0;
  int32_t last_pid = kFirstPartitionFieldId - 1;
  PartitionSpec spec;
  if (!o.partition_clause.empty())
    spec = parse_partition_clause(o.partition_clause, *schema, &last_pid);
  spec.spec_id = 0;
  m.specs.push_back(spec);
  m.default_spec_id = 0;
  m.last_partition_id = last_pid;
  SortOrder unsorted;
  m.sort_orders.push_back(unsorted);
  m.default_sort_order_id = 0;
  if (!o.sort_clause.empty()) {
    m.sort_orders.push_back(parse_sort_clause(o.sort_clause, *schema, 1));
    m.default_sort_order_id = 1;
  }
  m.properties = o.properties;
  // Java's defaults for new tables (TableMetadata.newTableMetadata / TableProperties).
  m.properties.try_emplace("write.parquet.compression-codec", "zstd");
  return m;
}

}  // namespace floe::iceberg
