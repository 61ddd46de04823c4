#include "iceberg/table_schema.h"

#include <functional>

#include "base/error.h"
#include "formats/json/json_integer.h"

namespace floe::iceberg {

using columnar::DataType;
using columnar::Field;
using columnar::TimeUnit;
using columnar::TypeId;
using nlohmann::json;

namespace {

void max_id(const Field& f, int32_t& best) {
  if (f.field_id) best = std::max(best, *f.field_id);
  for (const auto& c : f.type.children()) max_id(c, best);
}

const Field* find_in(const Field& f, int32_t id) {
  if (f.field_id == id) return &f;
  for (const auto& c : f.type.children())
    if (const Field* r = find_in(c, id)) return r;
  return nullptr;
}

bool path_to(const Field& f, int32_t id, std::string& path) {
  if (f.field_id == id) {
    path = f.name;
    return true;
  }
  for (const auto& c : f.type.children()) {
    std::string sub;
    if (path_to(c, id, sub)) {
      path = f.name + "." + sub;
      return true;
    }
  }
  return false;
}

json type_to_json(const Field& field);

thread_local const std::map<int32_t, json>* g_attributes = nullptr;  // while writing a schema

json field_to_json(const Field& f) {
  FLOE_CHECK(f.field_id.has_value(), "field {} has no id", f.name);
  json j = json::object();
  j["id"] = *f.field_id;
  j["name"] = f.name;
  j["required"] = !f.nullable;
  j["type"] = type_to_json(f);
  if (g_attributes) {
    auto it = g_attributes->find(*f.field_id);
    if (it != g_attributes->end())
      for (const auto& [k, v] : it->second.items()) j[k] = v;
  }
  return j;
}

json type_to_json(const Field& field) {
  const DataType& t = field.type;
  switch (t.id()) {
    case TypeId::kStruct: {
      json fields = json::array();
      for (const auto& c : t.children()) fields.push_back(field_to_json(c));
      return json{{"type", "struct"}, {"fields", fields}};
    }
    case TypeId::kList: {
      const Field& e = t.children()[0];
      FLOE_CHECK(e.field_id.has_value(), "list element of {} has no id", field.name);
      return json{{"type", "list"},
                  {"element-id", *e.field_id},
                  {"element", type_to_json(e)},
                  {"element-required", !e.nullable}};
    }
    case TypeId::kMap: {
      // A columnar map is list<struct<key, value>>, or holds key and value directly.
      const auto& kids = t.children();
      const Field* k = nullptr;
      const Field* v = nullptr;
      if (kids.size() == 2) {
        k = &kids[0];
        v = &kids[1];
      } else if (kids.size() == 1 && kids[0].type.id() == TypeId::kStruct &&
                 kids[0].type.children().size() == 2) {
        k = &kids[0].type.children()[0];
        v = &kids[0].type.children()[1];
      }
      FLOE_CHECK(k && v, "map {} has an unexpected shape", field.name);
      FLOE_CHECK(k->field_id && v->field_id, "map {} key or value has no id", field.name);
      return json{{"type", "map"},
                  {"key-id", *k->field_id},
                  {"key", type_to_json(*k)},
                  {"value-id", *v->field_id},
                  {"value", type_to_json(*v)},
                  {"value-required", !v->nullable}};
    }
    default: return iceberg_type_name(t);
  }
}

[[noreturn]] void bad(const std::string& what) {
  throw CorruptDataError(fmt::format("Iceberg schema: {}", what));
}

int32_t get_int(const json& j, const char* key, const char* what) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer())
    bad(fmt::format("{} has no integer '{}'", what, key));
  return formats::json::integer_value<int32_t>(*it, fmt::format("Iceberg schema: {} '{}'", what, key));
}

DataType primitive_from_name(const std::string& s) {
  if (s == "boolean") return DataType(TypeId::kBoolean);
  if (s == "int") return DataType(TypeId::kInt32);
  if (s == "long") return DataType(TypeId::kInt64);
  if (s == "float") return DataType(TypeId::kFloat32);
  if (s == "double") return DataType(TypeId::kFloat64);
  if (s == "date") return DataType(TypeId::kDate);
  if (s == "time") return DataType::time(TimeUnit::kMicro);
  if (s == "timestamp") return DataType::timestamp(TimeUnit::kMicro);
  if (s == "timestamptz") return DataType::timestamp_tz(TimeUnit::kMicro);
  if (s == "timestamp_ns") return DataType::timestamp(TimeUnit::kNano);
  if (s == "timestamptz_ns") return DataType::timestamp_tz(TimeUnit::kNano);
  if (s == "string") return DataType(TypeId::kString);
  if (s == "uuid") return DataType(TypeId::kUuid);
  if (s == "binary") return DataType(TypeId::kBinary);
  if (s.starts_with("fixed[") && s.ends_with("]")) {
    int width = 0;
    try {
      width = std::stoi(s.substr(6, s.size() - 7));
    } catch (...) {
      bad(fmt::format("bad type '{}'", s));
    }
    if (width <= 0) bad(fmt::format("bad type '{}'", s));
    return DataType::fixed_binary(width);
  }
  if (s.starts_with("decimal(") && s.ends_with(")")) {
    int p = 0, sc = 0;
    if (std::sscanf(s.c_str(), "decimal(%d ,%d)", &p, &sc) != 2 &&
        std::sscanf(s.c_str(), "decimal(%d, %d)", &p, &sc) != 2)
      bad(fmt::format("bad type '{}'", s));
    if (p < 1 || p > 38 || sc < 0 || sc > p) {
      if (p > 38) throw UnsupportedError(fmt::format("Iceberg type {} (precision over 38)", s));
      bad(fmt::format("bad type '{}'", s));
    }
    return DataType::decimal(p, sc);
  }
  if (s == "variant" || s == "unknown" || s.starts_with("geometry") || s.starts_with("geography"))
    throw UnsupportedError(fmt::format("Iceberg type '{}' is not supported yet", s));
  bad(fmt::format("unknown type '{}'", s));
}

constexpr int kMaxDepth = 64;

DataType type_from_json(const json& j, int depth);

thread_local std::map<int32_t, json>* g_read_attributes = nullptr;  // while reading a schema

Field field_from_json(const json& j, int depth) {
  if (!j.is_object()) bad("a field is not an object");
  Field f;
  f.field_id = get_int(j, "id", "a field");
  if (g_read_attributes) {
    json extra = json::object();
    for (const char* key : {"doc", "initial-default", "write-default"})
      if (j.contains(key)) extra[key] = j[key];
    if (!extra.empty()) (*g_read_attributes)[*f.field_id] = extra;
  }
  auto name = j.find("name");
  if (name == j.end() || !name->is_string()) bad(fmt::format("field {} has no name", *f.field_id));
  f.name = name->get<std::string>();
  auto req = j.find("required");
  f.nullable = !(req != j.end() && req->is_boolean() && req->get<bool>());
  auto type = j.find("type");
  if (type == j.end()) bad(fmt::format("field {} has no type", f.name));
  f.type = type_from_json(*type, depth + 1);
  return f;
}

DataType type_from_json(const json& j, int depth) {
  if (depth > kMaxDepth) bad("types nested too deeply");
  if (j.is_string()) return primitive_from_name(j.get<std::string>());
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) bad("a type is malformed");
  const std::string kind = j["type"].get<std::string>();
  if (kind == "struct") {
    std::vector<Field> fields;
    if (!j.contains("fields") || !j["fields"].is_array()) bad("a struct has no fields array");
    for (const auto& f : j["fields"]) fields.push_back(field_from_json(f, depth));
    return DataType::struct_of(std::move(fields));
  }
  if (kind == "list") {
    Field e("element", type_from_json(j.value("element", json()), depth + 1));
    e.field_id = get_int(j, "element-id", "a list");
    e.nullable = !j.value("element-required", false);
    return DataType::list_of(std::move(e));
  }
  if (kind == "map") {
    Field k("key", type_from_json(j.value("key", json()), depth + 1), false);
    k.field_id = get_int(j, "key-id", "a map");
    Field v("value", type_from_json(j.value("value", json()), depth + 1));
    v.field_id = get_int(j, "value-id", "a map");
    v.nullable = !j.value("value-required", false);
    return DataType::map_of(std::move(k), std::move(v));
  }
  bad(fmt::format("unknown type '{}'", kind));
}

void assign_ids(std::vector<Field>& fields, int32_t* last);

void assign_children(Field& f, int32_t* last) {
  DataType& t = f.type;
  if (t.id() == TypeId::kStruct) {
    std::vector<Field> kids = t.children();
    assign_ids(kids, last);
    t = DataType::struct_of(std::move(kids));
  } else if (t.id() == TypeId::kList) {
    Field e = t.children()[0];
    e.type = storage_type(e.type);
    e.field_id = ++*last;
    assign_children(e, last);
    t = DataType::list_of(std::move(e));
  } else if (t.id() == TypeId::kMap) {
    const auto& kids = t.children();
    Field k, v;
    if (kids.size() == 2) {
      k = kids[0];
      v = kids[1];
    } else {
      k = kids[0].type.children()[0];
      v = kids[0].type.children()[1];
    }
    k.type = storage_type(k.type);
    v.type = storage_type(v.type);
    k.nullable = false;
    k.field_id = ++*last;
    v.field_id = ++*last;
    assign_children(k, last);
    assign_children(v, last);
    t = DataType::map_of(std::move(k), std::move(v));
  }
}

// Java's AssignFreshIds: a struct's own fields first, then each field's children.
void assign_ids(std::vector<Field>& fields, int32_t* last) {
  for (auto& f : fields) {
    f.type = storage_type(f.type);
    f.field_id = ++*last;
  }
  for (auto& f : fields) assign_children(f, last);
}

}  // namespace

int32_t TableSchema::highest_field_id() const {
  int32_t best = 0;
  for (const auto& f : schema.fields) max_id(f, best);
  return best;
}

const Field* TableSchema::find_field(int32_t id) const {
  for (const auto& f : schema.fields)
    if (const Field* r = find_in(f, id)) return r;
  return nullptr;
}

int TableSchema::top_level_index(int32_t id) const {
  for (size_t i = 0; i < schema.fields.size(); ++i)
    if (schema.fields[i].field_id == id) return int(i);
  return -1;
}

std::string TableSchema::column_name(int32_t id) const {
  for (const auto& f : schema.fields) {
    std::string p;
    if (path_to(f, id, p)) return p;
  }
  return "";
}

std::string iceberg_type_name(const DataType& t) {
  switch (t.id()) {
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kUInt8:
    case TypeId::kUInt16: return "int";
    case TypeId::kInt64:
    case TypeId::kUInt32: return "long";
    case TypeId::kFloat32: return "float";
    case TypeId::kFloat64: return "double";
    case TypeId::kDecimal: return fmt::format("decimal({}, {})", t.precision(), t.scale());
    case TypeId::kString: return "string";
    case TypeId::kBinary: return "binary";
    case TypeId::kFixedBinary: return fmt::format("fixed[{}]", t.width());
    case TypeId::kDate: return "date";
    case TypeId::kTime: return "time";
    case TypeId::kTimestamp: return t.unit() == TimeUnit::kNano ? "timestamp_ns" : "timestamp";
    case TypeId::kTimestampTz:
      return t.unit() == TimeUnit::kNano ? "timestamptz_ns" : "timestamptz";
    case TypeId::kUuid: return "uuid";
    default:
      throw UnsupportedError(fmt::format("type {} has no Iceberg equivalent", t.to_string()));
  }
}

DataType storage_type(const DataType& t) {
  switch (t.id()) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kUInt8:
    case TypeId::kUInt16: return DataType(TypeId::kInt32);
    case TypeId::kUInt32: return DataType(TypeId::kInt64);
    case TypeId::kUInt64:
      throw UnsupportedError(
          "UBIGINT (unsigned 64-bit) has no Iceberg equivalent; cast it to "
          "BIGINT or DECIMAL(20,0)");
    case TypeId::kNull: throw UnsupportedError("a column of type NULL has no Iceberg equivalent");
    case TypeId::kTime: return DataType::time(TimeUnit::kMicro);
    case TypeId::kTimestamp:
      return DataType::timestamp(t.unit() == TimeUnit::kNano ? TimeUnit::kNano : TimeUnit::kMicro);
    case TypeId::kTimestampTz:
      return DataType::timestamp_tz(t.unit() == TimeUnit::kNano ? TimeUnit::kNano
                                                                : TimeUnit::kMicro);
    default: return t;
  }
}

json schema_to_json(const TableSchema& s) {
  json fields = json::array();
  struct Scope {
    explicit Scope(const std::map<int32_t, json>* a) { g_attributes = a; }
    ~Scope() { g_attributes = nullptr; }
  } scope(&s.field_attributes);
  for (const auto& f : s.schema.fields) fields.push_back(field_to_json(f));
  json j = json::object();
  j["type"] = "struct";
  j["schema-id"] = s.schema_id;
  if (!s.identifier_field_ids.empty()) j["identifier-field-ids"] = s.identifier_field_ids;
  j["fields"] = fields;
  return j;
}

TableSchema schema_from_json(const json& j) {
  if (!j.is_object()) bad("not an object");
  TableSchema s;
  s.schema_id = formats::json::integer_member<int32_t>(j, "schema-id", 0, "Iceberg schema");
  auto ids = j.find("identifier-field-ids");
  if (ids != j.end() && ids->is_array())
    for (const auto& id : *ids) s.identifier_field_ids.push_back(
          formats::json::integer_value<int32_t>(id, "Iceberg schema: 'identifier-field-ids'"));
  auto fields = j.find("fields");
  if (fields == j.end() || !fields->is_array()) bad("no fields array");
  struct Scope {
    explicit Scope(std::map<int32_t, json>* a) { g_read_attributes = a; }
    ~Scope() { g_read_attributes = nullptr; }
  } scope(&s.field_attributes);
  for (const auto& f : *fields) s.schema.fields.push_back(field_from_json(f, 0));
  return s;
}

TableSchema assign_fresh_ids(const columnar::Schema& fields, int32_t* last_column_id) {
  TableSchema s;
  s.schema.fields = fields.fields;
  assign_ids(s.schema.fields, last_column_id);
  return s;
}

Field with_fresh_ids(const Field& field, int32_t* last_column_id) {
  std::vector<Field> one{field};
  assign_ids(one, last_column_id);
  return one[0];
}

bool same_shape(const DataType& a, const DataType& b) {
  if (a.id() != b.id()) return false;
  if (!a.is_nested()) return a == b;
  const auto& x = a.children();
  const auto& y = b.children();
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (!same_shape(x[i].type, y[i].type)) return false;
  return true;
}

}  // namespace floe::iceberg
