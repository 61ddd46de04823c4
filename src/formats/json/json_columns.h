// JSON values into column vectors: the schema a sample of documents implies (Shape), and
// appending an object's members to the columns of a schema. Layer: formats (json), used by
// the NDJSON reader.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "columnar/column.h"
#include "columnar/data_type.h"

namespace floe::formats::json {

using Json = nlohmann::ordered_json;  // keeps keys in document order

// Schema inference: a shape per field, widened as the sample is read.
struct Shape {
  enum Kind { kNull, kBool, kInt, kDouble, kString, kObject, kArray, kJson } kind = kNull;
  // kObject, first-seen order. Names and shapes are kept apart: a pair holding the
  // still-incomplete Shape is not allowed by every standard library.
  std::vector<std::string> field_names;
  std::vector<Shape> field_shapes;
  std::unordered_map<std::string, size_t> index;       // field name -> position
  std::vector<Shape> element;                          // kArray: exactly one

  void unify(const Json& v) {
    Kind k;
    switch (v.type()) {
      case Json::value_t::null:
      case Json::value_t::discarded: return;
      case Json::value_t::boolean: k = kBool; break;
      case Json::value_t::number_integer: k = kInt; break;
      case Json::value_t::number_unsigned:
        k = v.get<uint64_t>() > uint64_t(INT64_MAX) ? kDouble : kInt;
        break;
      case Json::value_t::number_float: k = kDouble; break;
      case Json::value_t::string: k = kString; break;
      case Json::value_t::object: k = kObject; break;
      case Json::value_t::array: k = kArray; break;
      default: k = kJson; break;  // binary values never come from text
    }
    if (kind == kJson) return;
    if (kind == kNull) {
      kind = k;
      if (k == kArray) element.resize(1);
    } else if (kind != k) {
      if ((kind == kInt && k == kDouble) || (kind == kDouble && k == kInt)) {
        kind = kDouble;
      } else {
        kind = kJson;
        field_names.clear();
        field_shapes.clear();
        index.clear();
        element.clear();
      }
      return;
    }
    if (k == kObject) {
      for (const auto& [key, value] : v.items()) {
        auto it = index.find(key);
        size_t i;
        if (it == index.end()) {
          i = field_names.size();
          index.emplace(key, i);
          field_names.push_back(key);
          field_shapes.emplace_back();
        } else {
          i = it->second;
        }
        field_shapes[i].unify(value);
      }
    } else if (k == kArray) {
      for (const auto& e : v) element[0].unify(e);
    }
  }

  columnar::DataType type() const {
    switch (kind) {
      case kBool: return columnar::DataType(columnar::TypeId::kBoolean);
      case kInt: return columnar::DataType(columnar::TypeId::kInt64);
      case kDouble: return columnar::DataType(columnar::TypeId::kFloat64);
      case kObject: {
        if (field_names.empty()) return columnar::DataType(columnar::TypeId::kString);
        std::vector<columnar::Field> children;
        for (size_t f = 0; f < field_names.size(); ++f)
          children.emplace_back(field_names[f], field_shapes[f].type(), true);
        return columnar::DataType::struct_of(std::move(children));
      }
      case kArray:
        return columnar::DataType::list_of(columnar::Field("element", element[0].type(), true));
      case kNull:
      case kString:
      case kJson: return columnar::DataType(columnar::TypeId::kString);
    }
    return columnar::DataType(columnar::TypeId::kString);
  }
};

// Throws UnsupportedError for a column type JSON cannot be read into.
void check_supported(const columnar::DataType& t, const std::string& name);

// A field path for error messages, built only when an error is reported.
struct FieldPath {
  std::string_view name;
  const FieldPath* parent;
  std::string to_string() const {
    std::string s = parent ? parent->to_string() : "";
    if (!s.empty() && !name.empty() && name[0] != '[') s += '.';
    s += name;
    return s;
  }
};

// Thrown where a value does not fit its column.
struct JsonMisfit {
  std::string column;  // the top-level field
  std::string text;    // the value's JSON text, shortened
  std::string what;    // "field 'a.n': cannot convert "x" to BIGINT"
};

// Appends one object's members to the columns of `fields` (each of size `row` before);
// members not in `fields` are ignored, fields without a member get NULL. Throws JsonMisfit,
// leaving the columns partly appended.
void append_members(std::vector<columnar::Column>& cols, const std::vector<columnar::Field>& fields,
                    const Json& obj, int64_t row, const FieldPath* parent);

// Throws JsonMisfit exactly where append_members would, appending nothing: a row can be
// checked before any of it is appended.
void check_members(const std::vector<columnar::Field>& fields, const Json& obj,
                   const FieldPath* parent);

// The text cut to a length fit for an error message.
std::string shorten(std::string s);

}  // namespace floe::formats::json
