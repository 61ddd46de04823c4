#include "iceberg/table_update.h"

#include <algorithm>
#include <functional>

#include "base/error.h"

namespace floe::iceberg {

using columnar::DataType;
using columnar::Field;
using columnar::TypeId;

namespace {

std::vector<std::string> split_path(const std::string& name) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    auto dot = name.find('.', start);
    parts.push_back(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

// Calls fn(siblings, index) with the list of fields holding the column `name` (top level or
// inside structs, "a.b") and its index there (-1 when absent), rebuilding the struct types
// on the way back up, since nested types hold their children immutably.
void edit_at(std::vector<Field>& level, const std::vector<std::string>& parts, size_t depth,
             const std::string& name, const std::function<void(std::vector<Field>&, int)>& fn) {
  if (depth + 1 == parts.size()) {
    auto it = std::find_if(level.begin(), level.end(),
                           [&](const Field& f) { return f.name == parts[depth]; });
    fn(level, it == level.end() ? -1 : int(it - level.begin()));
    return;
  }
  auto it = std::find_if(level.begin(), level.end(),
                         [&](const Field& f) { return f.name == parts[depth]; });
  if (it == level.end() || it->type.id() != TypeId::kStruct)
    throw InvalidInputError(
        fmt::format("column '{}': '{}' is not a struct column of the table", name, parts[depth]));
  std::vector<Field> kids = it->type.children();
  edit_at(kids, parts, depth + 1, name, fn);
  it->type = DataType::struct_of(std::move(kids));
}

void edit(std::vector<Field>& top, const std::string& name, bool must_exist,
          const std::function<void(std::vector<Field>&, int)>& fn) {
  edit_at(top, split_path(name), 0, name, [&](std::vector<Field>& sib, int idx) {
    if (must_exist && idx < 0)
      throw InvalidInputError(fmt::format("the table has no column '{}'", name));
    fn(sib, idx);
  });
}

bool contains_id(const Field& f, int32_t id) {
  if (f.field_id == id) return true;
  for (const auto& c : f.type.children())
    if (contains_id(c, id)) return true;
  return false;
}

}  // namespace

bool is_allowed_promotion(const DataType& from, const DataType& to, int format_version) {
  if (from == to) return true;
  if (from.id() == TypeId::kInt32 && to.id() == TypeId::kInt64) return true;
  if (from.id() == TypeId::kFloat32 && to.id() == TypeId::kFloat64) return true;
  if (from.id() == TypeId::kDecimal && to.id() == TypeId::kDecimal)
    return to.scale() == from.scale() && to.precision() >= from.precision();
  if (format_version >= 3 && from.id() == TypeId::kDate && to.id() == TypeId::kTimestamp)
    return true;
  return false;
}

TableMetadata apply_table_changes(const TableMetadata& base,
                                  const std::vector<TableChange>& changes) {
  TableMetadata next = base;
  const TableSchema& current = base.current_schema();
  std::vector<Field> fields = current.schema.fields;
  std::vector<int32_t> identifiers = current.identifier_field_ids;
  int32_t last_id = base.last_column_id;
  bool schema_changed = false;
  std::optional<std::string> new_partitioning, new_sort;

  for (const auto& c : changes) {
    switch (c.kind) {
      case TableChange::Kind::kAddColumn: {
        if (!c.nullable)
          throw InvalidInputError(fmt::format(
              "add column {}: a new column must allow NULL (existing rows have no value for it)",
              c.name));
        edit(fields, c.name, false, [&](std::vector<Field>& sib, int idx) {
          if (idx >= 0)
            throw InvalidInputError(
                fmt::format("add column: the table already has a column '{}'", c.name));
          Field f = with_fresh_ids(Field(split_path(c.name).back(), c.type, true), &last_id);
          if (c.after.empty()) {
            sib.push_back(f);
          } else if (c.after == "FIRST") {
            sib.insert(sib.begin(), f);
          } else {
            auto it = std::find_if(sib.begin(), sib.end(),
                                   [&](const Field& x) { return x.name == c.after; });
            if (it == sib.end())
              throw InvalidInputError(
                  fmt::format("add column {}: no column '{}' to put it after", c.name, c.after));
            sib.insert(it + 1, f);
          }
        });
        schema_changed = true;
        break;
      }
      case TableChange::Kind::kDropColumn: {
        bool top_level = split_path(c.name).size() == 1;
        edit(fields, c.name, true, [&](std::vector<Field>& sib, int idx) {
          const Field& f = sib[size_t(idx)];
          for (int32_t id : identifiers)
            if (contains_id(f, id))
              throw InvalidInputError(
                  fmt::format("drop column {}: it is (or holds) an identifier field", c.name));
          for (const auto& pf : base.default_spec().fields)
            if (contains_id(f, pf.source_id))
              throw InvalidInputError(fmt::format(
                  "drop column {}: the table is partitioned by it (change the partitioning "
                  "first)",
                  c.name));
          if (sib.size() == 1)
            throw InvalidInputError(fmt::format("drop column {}: it is the {} last column", c.name,
                                                top_level ? "table's" : "struct's"));
          sib.erase(sib.begin() + idx);
        });
        schema_changed = true;
        break;
      }
      case TableChange::Kind::kRenameColumn: {
        if (c.new_name.empty() || c.new_name.find('.') != std::string::npos)
          throw InvalidInputError(
              fmt::format("rename column {}: bad new name '{}'", c.name, c.new_name));
        edit(fields, c.name, true, [&](std::vector<Field>& sib, int idx) {
          for (const auto& x : sib)
            if (x.name == c.new_name)
              throw InvalidInputError(fmt::format("rename column {}: a column '{}' exists already",
                                                  c.name, c.new_name));
          sib[size_t(idx)].name = c.new_name;
        });
        schema_changed = true;
        break;
      }
      case TableChange::Kind::kWidenColumn: {
        edit(fields, c.name, true, [&](std::vector<Field>& sib, int idx) {
          Field& f = sib[size_t(idx)];
          DataType to = storage_type(c.type);
          if (!is_allowed_promotion(f.type, to, base.format_version))
            throw InvalidInputError(fmt::format(
                "change type of {}: {} cannot become {} (Iceberg allows INT to BIGINT, FLOAT to "
                "DOUBLE, and a decimal's precision to grow)",
                c.name, f.type.to_string(), to.to_string()));
          f.type = to;
        });
        schema_changed = true;
        break;
      }
      case TableChange::Kind::kDropNotNull: {
        edit(fields, c.name, true, [&](std::vector<Field>& sib, int idx) {
          const Field& f = sib[size_t(idx)];
          // The spec: identifier fields are required.
          for (int32_t id : identifiers)
            if (f.field_id == id)
              throw InvalidInputError(fmt::format(
                  "drop not null {}: it is an identifier field (a primary key column), which "
                  "must be required",
                  c.name));
          sib[size_t(idx)].nullable = true;
        });
        schema_changed = true;
        break;
      }
      case TableChange::Kind::kMoveColumn: {
        edit(fields, c.name, true, [&](std::vector<Field>& sib, int idx) {
          Field f = sib[size_t(idx)];
          sib.erase(sib.begin() + idx);
          if (c.after == "FIRST") {
            sib.insert(sib.begin(), f);
            return;
          }
          auto it = std::find_if(sib.begin(), sib.end(),
                                 [&](const Field& x) { return x.name == c.after; });
          if (it == sib.end())
            throw InvalidInputError(
                fmt::format("move column {}: no column '{}' to put it after", c.name, c.after));
          sib.insert(it + 1, f);
        });
        schema_changed = true;
        break;
      }
      case TableChange::Kind::kSetPartitioning: new_partitioning = c.clause; break;
      case TableChange::Kind::kSetSortOrder: new_sort = c.clause; break;
      case TableChange::Kind::kSetProperty: next.properties[c.name] = c.new_name; break;
      case TableChange::Kind::kRemoveProperty: next.properties.erase(c.name); break;
    }
  }

  const TableSchema* schema = &current;
  if (schema_changed) {
    auto s = std::make_shared<TableSchema>();
    s->schema.fields = fields;
    s->identifier_field_ids = identifiers;
    s->field_attributes = current.field_attributes;
    // An identical earlier schema is reused (as Java does), else a new id.
    int32_t reuse = -1, max_id = 0;
    for (const auto& old : base.schemas) {
      max_id = std::max(max_id, old->schema_id);
      if (old->schema.fields == s->schema.fields) reuse = old->schema_id;
    }
    if (reuse >= 0) {
      next.current_schema_id = reuse;
    } else {
      s->schema_id = max_id + 1;
      next.schemas.push_back(s);
      next.current_schema_id = s->schema_id;
    }
    next.last_column_id = last_id;
    schema = &next.current_schema();
  }
  if (new_partitioning) {
    int32_t last_pid = next.last_partition_id;
    PartitionSpec spec = new_partitioning->empty()
                             ? PartitionSpec{}
                             : parse_partition_clause(*new_partitioning, *schema, &last_pid);
    // Fields that existed in an earlier spec keep their ids (Java's PartitionSpec reuse).
    int32_t fresh = next.last_partition_id;
    for (auto& f : spec.fields) {
      std::optional<int32_t> reused;
      for (const auto& old : next.specs)
        for (const auto& of : old.fields)
          if (of.source_id == f.source_id && of.transform == f.transform) reused = of.field_id;
      f.field_id = reused ? *reused : ++fresh;
    }
    int32_t reuse = -1, max_id = 0;
    for (const auto& old : next.specs) {
      max_id = std::max(max_id, old.spec_id);
      bool same = old.fields.size() == spec.fields.size();
      for (size_t i = 0; same && i < spec.fields.size(); ++i)
        same = old.fields[i].field_id == spec.fields[i].field_id &&
               old.fields[i].source_id == spec.fields[i].source_id &&
               old.fields[i].transform == spec.fields[i].transform;
      if (same) reuse = old.spec_id;
    }
    if (reuse >= 0) {
      next.default_spec_id = reuse;
    } else {
      spec.spec_id = max_id + 1;
      next.specs.push_back(spec);
      next.default_spec_id = spec.spec_id;
    }
    next.last_partition_id = std::max(next.last_partition_id, fresh);
  }
  if (new_sort) {
    if (new_sort->empty()) {
      next.default_sort_order_id = 0;
    } else {
      int32_t max_id = 0;
      for (const auto& o : next.sort_orders) max_id = std::max(max_id, o.order_id);
      SortOrder order = parse_sort_clause(*new_sort, *schema, max_id + 1);
      next.sort_orders.push_back(order);
      next.default_sort_order_id = order.order_id;
    }
  }
  next.last_updated_ms = std::max(now_ms(), base.last_updated_ms);
  return next;
}

std::shared_ptr<const TableMetadata> commit_table_changes(TableOperations& ops,
                                                          const std::vector<TableChange>& changes) {
  auto base = ops.current();
  const int32_t schema_id = base->current_schema_id;
  const int32_t spec_id = base->default_spec_id;
  const int32_t order_id = base->default_sort_order_id;
  for (int attempt = 1;; ++attempt) {
    TableMetadata next = apply_table_changes(*base, changes);
    try {
      ops.commit(base.get(), next);
      return ops.current();
    } catch (const CommitConflictError& e) {
      base = ops.refresh();
      if (!base) throw CatalogError(fmt::format("table {} was dropped", ops.name()));
      if (attempt >= 5 || base->current_schema_id != schema_id ||
          base->default_spec_id != spec_id || base->default_sort_order_id != order_id)
        throw CommitConflictError(fmt::format(
            "{}: the table's schema, partitioning or sort order was changed concurrently; "
            "run the change again ({})",
            ops.name(), e.what()));
    }
  }
}

}  // namespace floe::iceberg
