#include "columnar/data_type.h"

#include <fmt/format.h>

#include "base/error.h"

namespace floe::columnar {

const std::shared_ptr<const std::vector<Field>> DataType::kNoChildren =
    std::make_shared<const std::vector<Field>>();

DataType DataType::decimal(int precision, int scale) {
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision)
    throw InvalidInputError(fmt::format("DECIMAL({},{}) is out of range: precision 1..38, "
                                        "scale 0..precision",
                                        precision, scale));
  DataType t(TypeId::kDecimal);
  t.precision_ = uint8_t(precision);
  t.scale_ = uint8_t(scale);
  return t;
}

DataType DataType::fixed_binary(int width) {
  if (width < 0) throw InvalidInputError(fmt::format("fixed binary width {} < 0", width));
  DataType t(TypeId::kFixedBinary);
  t.width_ = width;
  return t;
}

DataType DataType::time(TimeUnit unit) {
  DataType t(TypeId::kTime);
  t.unit_ = unit;
  return t;
}
DataType DataType::timestamp(TimeUnit unit) {
  DataType t(TypeId::kTimestamp);
  t.unit_ = unit;
  return t;
}
DataType DataType::timestamp_tz(TimeUnit unit) {
  DataType t(TypeId::kTimestampTz);
  t.unit_ = unit;
  return t;
}
DataType DataType::struct_of(std::vector<Field> fields) {
  DataType t(TypeId::kStruct);
  t.children_ = std::make_shared<const std::vector<Field>>(std::move(fields));
  return t;
}
DataType DataType::list_of(Field element) {
  DataType t(TypeId::kList);
  t.children_ = std::make_shared<const std::vector<Field>>(std::vector<Field>{std::move(element)});
  return t;
}
DataType DataType::map_of(Field key, Field value) {
  key.nullable = false;
  DataType entries = struct_of({std::move(key), std::move(value)});
  DataType t(TypeId::kMap);
  t.children_ = std::make_shared<const std::vector<Field>>(
      std::vector<Field>{Field("entries", std::move(entries), false)});
  return t;
}

int DataType::byte_width() const {
  switch (id_) {
    case TypeId::kBoolean:
    case TypeId::kInt8:
    case TypeId::kUInt8: return 1;
    case TypeId::kInt16:
    case TypeId::kUInt16: return 2;
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kFloat32:
    case TypeId::kDate: return 4;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return 8;
    case TypeId::kDecimal:
    case TypeId::kUuid: return 16;
    case TypeId::kFixedBinary: return width_;
    default: return 0;
  }
}

static const char* unit_suffix(TimeUnit u) {
  switch (u) {
    case TimeUnit::kMilli: return "(3)";
    case TimeUnit::kMicro: return "";
    case TimeUnit::kNano: return "(9)";
  }
  return "";
}

std::string DataType::to_string() const {
  switch (id_) {
    case TypeId::kNull: return "NULL";
    case TypeId::kBoolean: return "BOOLEAN";
    case TypeId::kInt8: return "TINYINT";
    case TypeId::kInt16: return "SMALLINT";
    case TypeId::kInt32: return "INTEGER";
    case TypeId::kInt64: return "BIGINT";
    case TypeId::kUInt8: return "UTINYINT";
    case TypeId::kUInt16: return "USMALLINT";
    case TypeId::kUInt32: return "UINTEGER";
    case TypeId::kUInt64: return "UBIGINT";
    case TypeId::kFloat32: return "FLOAT";
    case TypeId::kFloat64: return "DOUBLE";
    case TypeId::kDecimal: return fmt::format("DECIMAL({},{})", precision_, scale_);
    case TypeId::kString: return "VARCHAR";
    case TypeId::kBinary: return "BINARY";
    case TypeId::kFixedBinary: return fmt::format("BINARY({})", width_);
    case TypeId::kDate: return "DATE";
    case TypeId::kTime: return fmt::format("TIME{}", unit_suffix(unit_));
    case TypeId::kTimestamp: return fmt::format("TIMESTAMP{}", unit_suffix(unit_));
    case TypeId::kTimestampTz: return fmt::format("TIMESTAMPTZ{}", unit_suffix(unit_));
    case TypeId::kUuid: return "UUID";
    case TypeId::kStruct: {
      std::string s = "STRUCT(";
      for (size_t i = 0; i < children_->size(); ++i) {
        if (i) s += ", ";
        s += (*children_)[i].name + " " + (*children_)[i].type.to_string();
      }
      return s + ")";
    }
    case TypeId::kList: return "LIST(" + (*children_)[0].type.to_string() + ")";
    case TypeId::kMap: {
      const auto& kv = (*children_)[0].type.children();
      return "MAP(" + kv[0].type.to_string() + ", " + kv[1].type.to_string() + ")";
    }
  }
  return "?";
}

bool DataType::operator==(const DataType& o) const {
  if (id_ != o.id_ || precision_ != o.precision_ || scale_ != o.scale_ || width_ != o.width_)
    return false;
  if ((id_ == TypeId::kTime || id_ == TypeId::kTimestamp || id_ == TypeId::kTimestampTz) &&
      unit_ != o.unit_)
    return false;
  return children_ == o.children_ || *children_ == *o.children_;
}

int Schema::find(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == name) return int(i);
  return -1;
}

std::string Schema::to_string() const {
  std::string s;
  for (const auto& f : fields) {
    s += f.name + " " + f.type.to_string();
    if (!f.nullable) s += " NOT NULL";
    s += "\n";
  }
  return s;
}

}  // namespace floe::columnar
