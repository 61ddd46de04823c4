#include "formats/json/json_columns.h"

#include "base/civil_time.h"
#include "base/error.h"

namespace floe::formats::json {

using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::TimeUnit;
using columnar::TypeId;

namespace {

constexpr size_t kMaxTextInMessage = 80;

}  // namespace

std::string shorten(std::string s) {
  if (s.size() > kMaxTextInMessage) {
    s.resize(kMaxTextInMessage);
    s += "...";
  }
  return s;
}

void check_supported(const DataType& t, const std::string& name) {
  switch (t.id()) {
    case TypeId::kNull:
    case TypeId::kDecimal:
    case TypeId::kFixedBinary:
    case TypeId::kUuid:
      throw UnsupportedError(
          fmt::format("JSON column '{}' of type {}: not readable from JSON yet", name,
                      t.to_string()));
    case TypeId::kMap:
      if (t.children()[0].type.children()[0].type.id() != TypeId::kString)
        throw UnsupportedError(fmt::format(
            "JSON column '{}' of type {}: map keys from JSON must be VARCHAR", name,
            t.to_string()));
      break;
    default: break;
  }
  for (const auto& f : t.children()) check_supported(f.type, name + "." + f.name);
}


namespace {

// ---------------------------------------------------------------------------------------
// Conversion: JSON values appended to column vectors.


// Where and why a value does not fit its column.
[[noreturn]] void fail(const FieldPath& at, const Json& v, const DataType& t) {
  const FieldPath* top = &at;
  while (top->parent) top = top->parent;
  throw JsonMisfit{std::string(top->name), shorten(v.dump()),
                   fmt::format("field '{}': cannot convert {} to {}", at.to_string(),
                               shorten(v.dump()), t.to_string())};
}

int64_t scale_micros(int64_t micros, TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMilli: return micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000);
    case TimeUnit::kMicro: return micros;
    case TimeUnit::kNano: return micros * 1000;
  }
  return micros;
}

bool json_integer(const Json& v, int64_t* out) {
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > uint64_t(INT64_MAX)) return false;
    *out = int64_t(u);
    return true;
  }
  if (v.is_number_integer()) {
    *out = v.get<int64_t>();
    return true;
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d >= -9.2e18 && d <= 9.2e18 && d == double(int64_t(d))) {
      *out = int64_t(d);
      return true;
    }
  }
  return false;
}

void append_value(Column& col, const Json& v, const FieldPath& at);
void check_value(const DataType& t, const Json& v, const FieldPath& at);

}  // namespace


// Appends one object's members to the columns of `fields` (each of size `row` before);
// members not in `fields` are ignored, fields without a member get NULL.
void append_members(std::vector<Column>& cols, const std::vector<Field>& fields, const Json& obj,
                    int64_t row, const FieldPath* parent) {
  size_t hint = 0;
  const size_t n = fields.size();
  for (const auto& [key, value] : obj.items()) {
    // Rows usually repeat the same key order: try the next field first.
    size_t idx = n;
    for (size_t k = 0; k < n; ++k) {
      size_t i = hint + k < n ? hint + k : hint + k - n;
      if (fields[i].name == key) {
        idx = i;
        break;
      }
    }
    if (idx == n) continue;
    hint = idx + 1 < n ? idx + 1 : 0;
    if (cols[idx].size() > row) continue;  // a repeated key: the first one counts
    FieldPath here{fields[idx].name, parent};
    append_value(cols[idx], value, here);
  }
  for (auto& c : cols)
    if (c.size() == row) c.append_null();
}

namespace {

void append_value(Column& col, const Json& v, const FieldPath& at) {
  if (v.is_null()) {
    col.append_null();
    return;
  }
  const DataType& t = col.type();
  switch (t.id()) {
    case TypeId::kBoolean:
      if (!v.is_boolean()) fail(at, v, t);
      col.append_bool(v.get<bool>());
      return;
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32: {
      int64_t i;
      if (!json_integer(v, &i)) fail(at, v, t);
      switch (t.id()) {
        case TypeId::kInt8:
          if (i < INT8_MIN || i > INT8_MAX) fail(at, v, t);
          col.append<int8_t>(int8_t(i));
          return;
        case TypeId::kInt16:
          if (i < INT16_MIN || i > INT16_MAX) fail(at, v, t);
          col.append<int16_t>(int16_t(i));
          return;
        case TypeId::kInt32:
          if (i < INT32_MIN || i > INT32_MAX) fail(at, v, t);
          col.append<int32_t>(int32_t(i));
          return;
        case TypeId::kUInt8:
          if (i < 0 || i > UINT8_MAX) fail(at, v, t);
          col.append<uint8_t>(uint8_t(i));
          return;
        case TypeId::kUInt16:
          if (i < 0 || i > UINT16_MAX) fail(at, v, t);
          col.append<uint16_t>(uint16_t(i));
          return;
        case TypeId::kUInt32:
          if (i < 0 || i > int64_t(UINT32_MAX)) fail(at, v, t);
          col.append<uint32_t>(uint32_t(i));
          return;
        default: col.append<int64_t>(i); return;
      }
    }
    case TypeId::kUInt64:
      if (v.is_number_unsigned()) {
        col.append<uint64_t>(v.get<uint64_t>());
        return;
      }
      if (v.is_number_integer() && v.get<int64_t>() >= 0) {
        col.append<uint64_t>(uint64_t(v.get<int64_t>()));
        return;
      }
      fail(at, v, t);
    case TypeId::kFloat32:
      if (!v.is_number()) fail(at, v, t);
      col.append<float>(v.get<float>());
      return;
    case TypeId::kFloat64:
      if (!v.is_number()) fail(at, v, t);
      col.append<double>(v.get<double>());
      return;
    case TypeId::kString:
      if (v.is_string())
        col.append_string(v.get_ref<const std::string&>());
      else
        col.append_string(v.dump());
      return;
    case TypeId::kBinary:
      if (!v.is_string()) fail(at, v, t);
      col.append_string(v.get_ref<const std::string&>());
      return;
    case TypeId::kDate: {
      if (!v.is_string()) fail(at, v, t);
      auto d = parse_date(v.get_ref<const std::string&>());
      if (!d) fail(at, v, t);
      col.append<int32_t>(*d);
      return;
    }
    case TypeId::kTime: {
      if (!v.is_string()) fail(at, v, t);
      auto m = parse_time_micros(v.get_ref<const std::string&>());
      if (!m) fail(at, v, t);
      col.append<int64_t>(scale_micros(*m, t.unit()));
      return;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      if (!v.is_string()) fail(at, v, t);
      auto m = parse_timestamp_micros(v.get_ref<const std::string&>());
      if (!m) fail(at, v, t);
      col.append<int64_t>(scale_micros(*m, t.unit()));
      return;
    }
    case TypeId::kStruct: {
      if (!v.is_object()) fail(at, v, t);
      int64_t row = col.size();
      append_members(col.children(), t.children(), v, row, &at);
      col.append_struct_valid();
      return;
    }
    case TypeId::kList: {
      if (!v.is_array()) fail(at, v, t);
      FieldPath elem{"[]", &at};
      for (const auto& e : v) append_value(col.child(0), e, elem);
      col.append_list_end();
      return;
    }
    case TypeId::kMap: {
      if (!v.is_object()) fail(at, v, t);
      Column& entries = col.child(0);
      for (const auto& [key, value] : v.items()) {
        FieldPath here{key, &at};
        entries.child(0).append_string(key);
        append_value(entries.child(1), value, here);
        entries.append_struct_valid();
      }
      col.append_list_end();
      return;
    }
    default: fail(at, v, t);
  }
}


}  // namespace

void check_members(const std::vector<Field>& fields, const Json& obj, const FieldPath* parent) {
  for (const auto& [key, value] : obj.items()) {
    for (const auto& f : fields) {
      if (f.name != key) continue;
      FieldPath here{f.name, parent};
      check_value(f.type, value, here);
      break;
    }
  }
}

namespace {

void check_value(const DataType& t, const Json& v, const FieldPath& at) {
  if (v.is_null()) return;
  int64_t i;
  switch (t.id()) {
    case TypeId::kBoolean:
      if (!v.is_boolean()) fail(at, v, t);
      return;
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32: {
      if (!json_integer(v, &i)) fail(at, v, t);
      bool ok = true;
      switch (t.id()) {
        case TypeId::kInt8: ok = i >= INT8_MIN && i <= INT8_MAX; break;
        case TypeId::kInt16: ok = i >= INT16_MIN && i <= INT16_MAX; break;
        case TypeId::kInt32: ok = i >= INT32_MIN && i <= INT32_MAX; break;
        case TypeId::kUInt8: ok = i >= 0 && i <= UINT8_MAX; break;
        case TypeId::kUInt16: ok = i >= 0 && i <= UINT16_MAX; break;
        case TypeId::kUInt32: ok = i >= 0 && i <= int64_t(UINT32_MAX); break;
        default: break;
      }
      if (!ok) fail(at, v, t);
      return;
    }
    case TypeId::kUInt64:
      if (v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0)) return;
      fail(at, v, t);
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      if (!v.is_number()) fail(at, v, t);
      return;
    case TypeId::kString: return;
    case TypeId::kBinary:
      if (!v.is_string()) fail(at, v, t);
      return;
    case TypeId::kDate:
      if (!v.is_string() || !parse_date(v.get_ref<const std::string&>())) fail(at, v, t);
      return;
    case TypeId::kTime:
      if (!v.is_string() || !parse_time_micros(v.get_ref<const std::string&>())) fail(at, v, t);
      return;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      if (!v.is_string() || !parse_timestamp_micros(v.get_ref<const std::string&>()))
        fail(at, v, t);
      return;
    case TypeId::kStruct:
      if (!v.is_object()) fail(at, v, t);
      check_members(t.children(), v, &at);
      return;
    case TypeId::kList: {
      if (!v.is_array()) fail(at, v, t);
      FieldPath elem{"[]", &at};
      for (const auto& e : v) check_value(t.children()[0].type, e, elem);
      return;
    }
    case TypeId::kMap: {
      if (!v.is_object()) fail(at, v, t);
      const DataType& value_type = t.children()[0].type.children()[1].type;
      for (const auto& [key, value] : v.items()) {
        FieldPath here{key, &at};
        check_value(value_type, value, here);
      }
      return;
    }
    default: fail(at, v, t);
  }
}

}  // namespace

}  // namespace floe::formats::json
