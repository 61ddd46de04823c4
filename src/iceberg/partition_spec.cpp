#include "iceberg/partition_spec.h"

#include <cctype>

#include "base/error.h"
#include "formats/json/json_integer.h"

namespace floe::iceberg {

using nlohmann::json;

bool PartitionSpec::unpartitioned() const {
  for (const auto& f : fields)
    if (f.transform.kind != Transform::Kind::kVoid) return false;
  return true;
}

columnar::Schema PartitionSpec::partition_type(const TableSchema& schema) const {
  columnar::Schema out;
  for (const auto& f : fields) {
    const columnar::Field* src = schema.find_field(f.source_id);
    columnar::DataType type;
    if (f.transform.kind == Transform::Kind::kUnknown) {
      // Readers keep unknown transforms' values as opaque bytes.
      type = columnar::DataType(columnar::TypeId::kBinary);
    } else {
      if (!src)
        throw InvalidInputError(
            fmt::format("partition field {}: source column id {} is not in "
                        "the schema",
                        f.name, f.source_id));
      type = transform_result_type(f.transform, src->type);
    }
    out.fields.emplace_back(f.name, type, true, f.field_id);
  }
  return out;
}

json spec_fields_to_json(const PartitionSpec& spec) {
  json fields = json::array();
  for (const auto& f : spec.fields)
    fields.push_back(json{{"name", f.name},
                          {"transform", to_string(f.transform)},
                          {"source-id", f.source_id},
                          {"field-id", f.field_id}});
  return fields;
}

json spec_to_json(const PartitionSpec& spec) {
  return json{{"spec-id", spec.spec_id}, {"fields", spec_fields_to_json(spec)}};
}

PartitionSpec spec_from_json(const json& j, int32_t spec_id) {
  PartitionSpec spec;
  spec.spec_id = spec_id;
  const json* fields = &j;
  if (j.is_object()) {
    spec.spec_id = formats::json::integer_member<int32_t>(j, "spec-id", spec_id, "Iceberg partition spec");
    auto it = j.find("fields");
    if (it == j.end() || !it->is_array())
      throw CorruptDataError("Iceberg partition spec has no fields array");
    fields = &*it;
  } else if (!j.is_array()) {
    throw CorruptDataError("Iceberg partition spec is neither an object nor an array");
  }
  int32_t next_id = kFirstPartitionFieldId;
  for (const auto& f : *fields) {
    if (!f.is_object()) throw CorruptDataError("Iceberg partition field is not an object");
    PartitionField pf;
    pf.name = f.value("name", "");
    pf.transform = parse_transform(f.value("transform", "identity"));
    if (f.contains("source-id")) {
      pf.source_id = formats::json::integer_value<int32_t>(f["source-id"], "Iceberg partition field: 'source-id'");
    } else if (f.contains("source-ids") && f["source-ids"].is_array() && !f["source-ids"].empty()) {
      pf.source_id = formats::json::integer_value<int32_t>(f["source-ids"][0], "Iceberg partition field: 'source-ids'");
    } else {
      throw CorruptDataError(fmt::format("Iceberg partition field {} has no source-id", pf.name));
    }
    // v1 specs may omit field ids: they were assigned from 1000 in order.
    pf.field_id = formats::json::integer_member<int32_t>(f, "field-id", next_id, "Iceberg partition field");
    next_id = pf.field_id + 1;
    spec.fields.push_back(std::move(pf));
  }
  return spec;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits on commas that are not inside parentheses or brackets.
std::vector<std::string_view> split_top_level(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  if (!trim(text.substr(start)).empty() || !parts.empty())
    parts.push_back(trim(text.substr(start)));
  return parts;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const columnar::Field& source_field(const TableSchema& schema, std::string_view name,
                                    std::string_view term) {
  int idx = schema.find(name);
  if (idx < 0)
    throw InvalidInputError(fmt::format("partition term '{}': no column named '{}'", term, name));
  return schema.schema.fields[size_t(idx)];
}

}  // namespace

PartitionSpec parse_partition_clause(std::string_view text, const TableSchema& schema,
                                     int32_t* last_partition_id) {
  PartitionSpec spec;
  for (std::string_view term : split_top_level(text)) {
    if (term.empty()) throw InvalidInputError("empty term in partition clause");
    std::string transform_text;
    std::string column;
    auto open = term.find('(');
    if (open == std::string_view::npos) {
      column = std::string(term);
      transform_text = "identity";
    } else {
      if (term.back() != ')')
        throw InvalidInputError(fmt::format("partition term '{}': expected ')' at the end", term));
      std::string fn = lower(trim(term.substr(0, open)));
      std::string_view args = term.substr(open + 1, term.size() - open - 2);
      auto parts = split_top_level(args);
      if (fn.find('[') != std::string::npos) {  // bucket[16](id)
        transform_text = fn;
        if (parts.size() != 1)
          throw InvalidInputError(fmt::format("partition term '{}': expected one column", term));
        column = std::string(parts[0]);
      } else if (fn == "bucket" || fn == "truncate") {
        if (parts.size() != 2)
          throw InvalidInputError(
              fmt::format("partition term '{}': expected {}(N, column)", term, fn));
        transform_text = fmt::format("{}[{}]", fn, parts[0]);
        column = std::string(parts[1]);
      } else if (fn == "year" || fn == "month" || fn == "day" || fn == "hour" || fn == "identity" ||
                 fn == "void" || fn == "years" || fn == "months" || fn == "days" || fn == "hours") {
        if (parts.size() != 1)
          throw InvalidInputError(fmt::format("partition term '{}': expected one column", term));
        if (fn.back() == 's') fn.pop_back();  // Spark's years(ts), days(ts) spelling
        transform_text = fn;
        column = std::string(parts[0]);
      } else {
        throw InvalidInputError(fmt::format(
            "partition term '{}': unknown transform '{}' (expected identity, bucket, truncate, "
            "year, month, day, hour or void)",
            term, fn));
      }
    }
    Transform t;
    try {
      t = parse_transform(transform_text);
    } catch (const Error& e) {
      throw InvalidInputError(fmt::format("partition term '{}': {}", term, e.what()));
    }
    const columnar::Field& src = source_field(schema, trim(column), term);
    try {
      (void)transform_result_type(t, src.type);
    } catch (const Error& e) {
      throw InvalidInputError(fmt::format("partition term '{}': {}", term, e.what()));
    }
    PartitionField pf;
    pf.source_id = *src.field_id;
    pf.field_id = ++*last_partition_id;
    pf.transform = t;
    switch (t.kind) {
      case Transform::Kind::kIdentity: pf.name = src.name; break;
      case Transform::Kind::kBucket: pf.name = src.name + "_bucket"; break;
      case Transform::Kind::kTruncate: pf.name = src.name + "_trunc"; break;
      case Transform::Kind::kYear: pf.name = src.name + "_year"; break;
      case Transform::Kind::kMonth: pf.name = src.name + "_month"; break;
      case Transform::Kind::kDay: pf.name = src.name + "_day"; break;
      case Transform::Kind::kHour: pf.name = src.name + "_hour"; break;
      default: pf.name = src.name + "_null"; break;
    }
    for (const auto& other : spec.fields)
      if (other.name == pf.name)
        throw InvalidInputError(fmt::format("partition clause names '{}' twice", pf.name));
    spec.fields.push_back(std::move(pf));
  }
  return spec;
}

json sort_order_to_json(const SortOrder& order) {
  json fields = json::array();
  for (const auto& f : order.fields)
    fields.push_back(json{
        {"transform", to_string(f.transform)},
        {"source-id", f.source_id},
        {"direction", f.direction == SortDirection::kAsc ? "asc" : "desc"},
        {"null-order", f.null_order == NullOrder::kNullsFirst ? "nulls-first" : "nulls-last"}});
  return json{{"order-id", order.order_id}, {"fields", fields}};
}

SortOrder sort_order_from_json(const json& j) {
  if (!j.is_object()) throw CorruptDataError("Iceberg sort order is not an object");
  SortOrder order;
  order.order_id = formats::json::integer_member<int32_t>(j, "order-id", 0, "Iceberg sort order");
  if (j.contains("fields") && j["fields"].is_array()) {
    for (const auto& f : j["fields"]) {
      SortField sf;
      sf.transform = parse_transform(f.value("transform", "identity"));
      if (f.contains("source-id"))
        sf.source_id = formats::json::integer_value<int32_t>(f["source-id"], "Iceberg sort field: 'source-id'");
      else if (f.contains("source-ids") && f["source-ids"].is_array() && !f["source-ids"].empty())
        sf.source_id = formats::json::integer_value<int32_t>(f["source-ids"][0], "Iceberg sort field: 'source-ids'");
      sf.direction =
          f.value("direction", "asc") == "desc" ? SortDirection::kDesc : SortDirection::kAsc;
      sf.null_order = f.value("null-order", "nulls-first") == "nulls-last" ? NullOrder::kNullsLast
                                                                           : NullOrder::kNullsFirst;
      order.fields.push_back(sf);
    }
  }
  return order;
}

SortOrder parse_sort_clause(std::string_view text, const TableSchema& schema, int32_t order_id) {
  SortOrder order;
  order.order_id = order_id;
  for (std::string_view term : split_top_level(text)) {
    std::vector<std::string> words;
    size_t i = 0;
    while (i < term.size()) {
      while (i < term.size() && std::isspace(static_cast<unsigned char>(term[i]))) ++i;
      size_t s = i;
      while (i < term.size() && !std::isspace(static_cast<unsigned char>(term[i]))) ++i;
      if (i > s) words.emplace_back(term.substr(s, i - s));
    }
    if (words.empty()) throw InvalidInputError("empty term in sort clause");
    SortField sf;
    sf.transform = parse_transform("identity");
    sf.source_id = *source_field(schema, words[0], term).field_id;
    bool nulls_given = false;
    for (size_t w = 1; w < words.size(); ++w) {
      std::string k = lower(words[w]);
      if (k == "asc") {
        sf.direction = SortDirection::kAsc;
      } else if (k == "desc") {
        sf.direction = SortDirection::kDesc;
      } else if (k == "nulls" && w + 1 < words.size()) {
        std::string n = lower(words[++w]);
        if (n != "first" && n != "last")
          throw InvalidInputError(
              fmt::format("sort term '{}': expected NULLS FIRST or LAST", term));
        sf.null_order = n == "first" ? NullOrder::kNullsFirst : NullOrder::kNullsLast;
        nulls_given = true;
      } else {
        throw InvalidInputError(fmt::format("sort term '{}': unexpected '{}'", term, words[w]));
      }
    }
    // Iceberg's default: nulls first for ascending, last for descending.
    if (!nulls_given)
      sf.null_order =
          sf.direction == SortDirection::kAsc ? NullOrder::kNullsFirst : NullOrder::kNullsLast;
    order.fields.push_back(sf);
  }
  return order;
}

std::string sort_order_to_string(const SortOrder& order, const TableSchema& schema) {
  std::string out;
  for (const auto& f : order.fields) {
    if (!out.empty()) out += ", ";
    std::string col = schema.column_name(f.source_id);
    if (col.empty()) col = fmt::format("<column {}>", f.source_id);
    if (f.transform.kind != Transform::Kind::kIdentity)
      col = fmt::format("{}({})", to_string(f.transform), col);
    out += fmt::format("{} {} {}", col, f.direction == SortDirection::kAsc ? "ASC" : "DESC",
                       f.null_order == NullOrder::kNullsFirst ? "NULLS FIRST" : "NULLS LAST");
  }
  return out;
}

std::string partition_spec_to_string(const PartitionSpec& spec, const TableSchema& schema) {
  std::string out;
  for (const auto& f : spec.fields) {
    if (!out.empty()) out += ", ";
    std::string col = schema.column_name(f.source_id);
    if (col.empty()) col = fmt::format("<column {}>", f.source_id);
    if (f.transform.kind == Transform::Kind::kIdentity)
      out += col;
    else
      out += fmt::format("{}({})", to_string(f.transform), col);
  }
  return out;
}

}  // namespace floe::iceberg
