#include "formats/avro/avro_schema.h"

#include <map>
#include <set>

#include "base/error.h"

namespace floe::avro {

using nlohmann::json;

std::string_view avro_type_name(AvroType type) {
  switch (type) {
    case AvroType::kNull: return "null";
    case AvroType::kBoolean: return "boolean";
    case AvroType::kInt: return "int";
    case AvroType::kLong: return "long";
    case AvroType::kFloat: return "float";
    case AvroType::kDouble: return "double";
    case AvroType::kBytes: return "bytes";
    case AvroType::kString: return "string";
    case AvroType::kRecord: return "record";
    case AvroType::kEnum: return "enum";
    case AvroType::kArray: return "array";
    case AvroType::kMap: return "map";
    case AvroType::kUnion: return "union";
    case AvroType::kFixed: return "fixed";
  }
  return "?";
}

int AvroSchema::field_index(std::string_view field_name) const {
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == field_name) return int(i);
  return -1;
}

namespace {

std::optional<AvroType> primitive_type(std::string_view s) {
  if (s == "null") return AvroType::kNull;
  if (s == "boolean") return AvroType::kBoolean;
  if (s == "int") return AvroType::kInt;
  if (s == "long") return AvroType::kLong;
  if (s == "float") return AvroType::kFloat;
  if (s == "double") return AvroType::kDouble;
  if (s == "bytes") return AvroType::kBytes;
  if (s == "string") return AvroType::kString;
  return std::nullopt;
}

class SchemaParser {
 public:
  AvroSchemaPtr parse(const json& j, const std::string& ns, int depth) {
    FLOE_CORRUPT_IF(depth > kMaxAvroSchemaDepth, "avro schema: nesting deeper than {}",
                    kMaxAvroSchemaDepth);
    if (j.is_string()) return parse_name(j.get<std::string>(), ns);
    if (j.is_array()) return parse_union(j, ns, depth);
    FLOE_CORRUPT_IF(!j.is_object(), "avro schema: expected a string, array or object, got {}",
                    j.type_name());
    auto it = j.find("type");
    FLOE_CORRUPT_IF(it == j.end(), "avro schema: object without \"type\"");
    if (!it->is_string()) {
      // {"type": {...}} or {"type": [...]}: the wrapper adds nothing we keep but logicalType.
      return parse(*it, ns, depth + 1);
    }
    std::string type = it->get<std::string>();
    if (auto p = primitive_type(type)) {
      auto s = std::make_shared<AvroSchema>();
      s->type = *p;
      copy_attributes(j, *s, {"type"});
      return s;
    }
    if (type == "record" || type == "error") return parse_record(j, ns, depth);
    if (type == "enum") return parse_enum(j, ns);
    if (type == "fixed") return parse_fixed(j, ns);
    if (type == "array" || type == "map") {
      auto s = std::make_shared<AvroSchema>();
      s->type = type == "array" ? AvroType::kArray : AvroType::kMap;
      const char* key = type == "array" ? "items" : "values";
      auto items = j.find(key);
      FLOE_CORRUPT_IF(items == j.end(), "avro schema: {} without \"{}\"", type, key);
      s->items = parse(*items, ns, depth + 1);
      copy_attributes(j, *s, {"type", key});
      return s;
    }
    return parse_name(type, ns);
  }

 private:
  static void copy_attributes(const json& j, AvroSchema& s, std::initializer_list<const char*> skip) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool skipped = false;
      for (const char* k : skip) skipped |= it.key() == k;
      if (skipped) continue;
      if (it.key() == "logicalType") {
        FLOE_CORRUPT_IF(!it->is_string(), "avro schema: logicalType must be a string");
        s.logical_type = it->get<std::string>();
        continue;
      }
      s.attributes[it.key()] = *it;
    }
  }

  AvroSchemaPtr parse_name(const std::string& name, const std::string& ns) {
    if (auto p = primitive_type(name)) {
      auto s = std::make_shared<AvroSchema>();
      s->type = *p;
      return s;
    }
    std::string full = name.find('.') == std::string::npos && !ns.empty() ? ns + "." + name : name;
    auto it = named_.find(full);
    if (it == named_.end()) it = named_.find(name);
    FLOE_CORRUPT_IF(it == named_.end(), "avro schema: unknown type \"{}\"", name);
    if (!it->second)
      throw UnsupportedError(fmt::format("avro schema: recursive type \"{}\" is not supported", name));
    return it->second;
  }

  AvroSchemaPtr parse_union(const json& j, const std::string& ns, int depth) {
    auto s = std::make_shared<AvroSchema>();
    s->type = AvroType::kUnion;
    for (const json& b : j) {
      AvroSchemaPtr branch = parse(b, ns, depth + 1);
      FLOE_CORRUPT_IF(branch->type == AvroType::kUnion, "avro schema: union directly inside a union");
      for (const auto& other : s->branches) {
        bool same = other->type == branch->type &&
                    (!branch->is_named() || other->name == branch->name);
        FLOE_CORRUPT_IF(same, "avro schema: union has two branches of type {}",
                        avro_type_name(branch->type));
      }
      s->branches.push_back(std::move(branch));
    }
    return s;
  }

  // Full name and namespace of a named type; registers it as in progress.
  std::pair<std::string, std::string> declare(const json& j, const std::string& ns) {
    auto n = j.find("name");
    FLOE_CORRUPT_IF(n == j.end() || !n->is_string() || n->get<std::string>().empty(),
                    "avro schema: named type without a name");
    std::string name = n->get<std::string>();
    std::string space = ns;
    auto nsit = j.find("namespace");
    if (nsit != j.end() && nsit->is_string()) space = nsit->get<std::string>();
    std::string full;
    if (name.find('.') != std::string::npos) {
      full = name;
      space = name.substr(0, name.rfind('.'));
    } else {
      full = space.empty() ? name : space + "." + name;
    }
    FLOE_CORRUPT_IF(named_.count(full) || primitive_type(full), "avro schema: type \"{}\" defined twice",
                    full);
    named_[full] = nullptr;
    return {full, space};
  }

  AvroSchemaPtr parse_record(const json& j, const std::string& ns, int depth) {
    auto [full, space] = declare(j, ns);
    auto s = std::make_shared<AvroSchema>();
    s->type = AvroType::kRecord;
    s->name = full;
    auto fields = j.find("fields");
    FLOE_CORRUPT_IF(fields == j.end() || !fields->is_array(), "avro schema: record {} without fields",
                    full);
    for (const json& f : *fields) {
      FLOE_CORRUPT_IF(!f.is_object(), "avro schema: field of {} is not an object", full);
      auto fname = f.find("name");
      auto ftype = f.find("type");
      FLOE_CORRUPT_IF(fname == f.end() || !fname->is_string() || ftype == f.end(),
                      "avro schema: field of {} without name or type", full);
      AvroField field;
      field.name = fname->get<std::string>();
      FLOE_CORRUPT_IF(s->field_index(field.name) >= 0, "avro schema: record {} has two fields {}",
                      full, field.name);
      field.schema = parse(*ftype, space, depth + 1);
      for (auto it = f.begin(); it != f.end(); ++it) {
        if (it.key() == "name" || it.key() == "type") continue;
        if (it.key() == "default")
          field.default_value = *it;
        else
          field.attributes[it.key()] = *it;
      }
      s->fields.push_back(std::move(field));
    }
    copy_attributes(j, *s, {"type", "name", "namespace", "fields"});
    named_[full] = s;
    return s;
  }

  AvroSchemaPtr parse_enum(const json& j, const std::string& ns) {
    auto [full, space] = declare(j, ns);
    auto s = std::make_shared<AvroSchema>();
    s->type = AvroType::kEnum;
    s->name = full;
    auto symbols = j.find("symbols");
    FLOE_CORRUPT_IF(symbols == j.end() || !symbols->is_array(), "avro schema: enum {} without symbols",
                    full);
    for (const json& sym : *symbols) {
      FLOE_CORRUPT_IF(!sym.is_string(), "avro schema: enum {} has a non-string symbol", full);
      s->symbols.push_back(sym.get<std::string>());
    }
    copy_attributes(j, *s, {"type", "name", "namespace", "symbols"});
    named_[full] = s;
    return s;
  }

  AvroSchemaPtr parse_fixed(const json& j, const std::string& ns) {
    auto [full, space] = declare(j, ns);
    auto s = std::make_shared<AvroSchema>();
    s->type = AvroType::kFixed;
    s->name = full;
    auto size = j.find("size");
    FLOE_CORRUPT_IF(size == j.end() || !size->is_number_unsigned() || size->get<uint64_t>() > (1u << 30),
                    "avro schema: fixed {} without a valid size", full);
    s->fixed_size = size->get<size_t>();
    copy_attributes(j, *s, {"type", "name", "namespace", "size"});
    named_[full] = s;
    return s;
  }

  std::map<std::string, AvroSchemaPtr> named_;
};

json print(const AvroSchema& s, std::set<std::string>& done) {
  json j;
  auto add_attributes = [&](json& out) {
    if (!s.logical_type.empty()) out["logicalType"] = s.logical_type;
    for (auto it = s.attributes.begin(); it != s.attributes.end(); ++it) out[it.key()] = *it;
  };
  switch (s.type) {
    case AvroType::kUnion: {
      j = json::array();
      for (const auto& b : s.branches) j.push_back(print(*b, done));
      return j;
    }
    case AvroType::kArray:
    case AvroType::kMap: {
      j["type"] = avro_type_name(s.type);
      j[s.type == AvroType::kArray ? "items" : "values"] = print(*s.items, done);
      add_attributes(j);
      return j;
    }
    case AvroType::kRecord:
    case AvroType::kEnum:
    case AvroType::kFixed: {
      if (done.count(s.name)) return s.name;
      done.insert(s.name);
      j["type"] = avro_type_name(s.type);
      j["name"] = s.name;
      if (s.type == AvroType::kRecord) {
        json fields = json::array();
        for (const auto& f : s.fields) {
          json jf;
          jf["name"] = f.name;
          jf["type"] = print(*f.schema, done);
          if (f.default_value) jf["default"] = *f.default_value;
          for (auto it = f.attributes.begin(); it != f.attributes.end(); ++it) jf[it.key()] = *it;
          fields.push_back(std::move(jf));
        }
        j["fields"] = std::move(fields);
      } else if (s.type == AvroType::kEnum) {
        j["symbols"] = s.symbols;
      } else {
        j["size"] = s.fixed_size;
      }
      add_attributes(j);
      return j;
    }
    default:
      if (s.logical_type.empty() && s.attributes.empty()) return avro_type_name(s.type);
      j["type"] = avro_type_name(s.type);
      add_attributes(j);
      return j;
  }
}

// Rejects JSON nested so deeply that a schema of kMaxAvroSchemaDepth could not need it,
// before nlohmann parses (and later destroys) it recursively.
void check_json_depth(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      FLOE_CORRUPT_IF(++depth > 4 * kMaxAvroSchemaDepth + 8, "avro schema: JSON nested too deeply");
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

}  // namespace

AvroSchemaPtr parse_avro_schema(std::string_view text) {
  check_json_depth(text);
  json j;
  try {
    j = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    throw CorruptDataError(fmt::format("avro schema: invalid JSON: {}", e.what()));
  }
  try {
    SchemaParser parser;
    return parser.parse(j, "", 0);
  } catch (const json::exception& e) {
    throw CorruptDataError(fmt::format("avro schema: {}", e.what()));
  }
}

std::string to_json(const AvroSchema& schema) {
  std::set<std::string> done;
  return print(schema, done).dump();
}

}  // namespace floe::avro
