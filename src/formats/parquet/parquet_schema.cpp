#include "formats/parquet/parquet_schema.h"

#include <fmt/format.h>

#include "base/error.h"

namespace floe::parquet {

using columnar::DataType;
using columnar::Field;
using Unit = columnar::TimeUnit;
using columnar::TypeId;
using LK = LogicalType::Kind;

int SchemaNode::first_leaf() const {
  return kind == Kind::kPrimitive ? leaf_index : children.front().first_leaf();
}

int SchemaNode::num_leaves() const {
  if (kind == Kind::kPrimitive) return 1;
  int n = 0;
  for (const auto& c : children) n += c.num_leaves();
  return n;
}

namespace {

bool is_annotated(const SchemaElement& e, LK logical, ConvertedType converted) {
  if (e.logical_type && e.logical_type->kind == logical) return true;
  return e.converted_type && *e.converted_type == converted;
}

Unit to_unit(parquet::TimeUnit u) {
  switch (u) {
    case parquet::TimeUnit::kMillis: return Unit::kMilli;
    case parquet::TimeUnit::kMicros: return Unit::kMicro;
    case parquet::TimeUnit::kNanos: return Unit::kNano;
  }
  return Unit::kMicro;
}

DataType decimal_type(const SchemaElement& e) {
  int precision = e.logical_type && e.logical_type->kind == LK::kDecimal
                      ? e.logical_type->precision
                      : e.precision.value_or(0);
  int scale = e.logical_type && e.logical_type->kind == LK::kDecimal ? e.logical_type->scale
                                                                       : e.scale.value_or(0);
  if (precision > 38)
    throw UnsupportedError(fmt::format("column '{}': DECIMAL({},{}) is wider than 38 digits",
                                       e.name, precision, scale));
  if (precision < 1 || scale < 0 || scale > precision)
    throw CorruptDataError(
        fmt::format("column '{}': invalid DECIMAL({},{})", e.name, precision, scale));
  return DataType::decimal(precision, scale);
}

DataType integer_type(int bits, bool is_signed) {
  switch (bits) {
    case 8: return DataType(is_signed ? TypeId::kInt8 : TypeId::kUInt8);
    case 16: return DataType(is_signed ? TypeId::kInt16 : TypeId::kUInt16);
    case 32: return DataType(is_signed ? TypeId::kInt32 : TypeId::kUInt32);
    case 64: return DataType(is_signed ? TypeId::kInt64 : TypeId::kUInt64);
  }
  throw CorruptDataError(fmt::format("INTEGER logical type with bit width {}", bits));
}

}  // namespace

DataType primitive_floe_type(const SchemaElement& e) {
  if (!e.type) throw CorruptDataError(fmt::format("column '{}' has no physical type", e.name));
  const LogicalType* lt = e.logical_type ? &*e.logical_type : nullptr;
  std::optional<ConvertedType> ct = e.converted_type;
  LK kind = lt ? lt->kind : LK::kUnrecognized;
  if (kind == LK::kUnknown) return DataType(TypeId::kNull);
  bool is_decimal = kind == LK::kDecimal || (!lt && ct == ConvertedType::kDecimal);
  switch (*e.type) {
    case Type::kBoolean: return DataType(TypeId::kBoolean);
    case Type::kInt32:
      if (is_decimal) return decimal_type(e);
      if (kind == LK::kInteger) return integer_type(lt->bit_width, lt->is_signed);
      if (kind == LK::kDate || (!lt && ct == ConvertedType::kDate)) return DataType(TypeId::kDate);
      if (kind == LK::kTime || (!lt && ct == ConvertedType::kTimeMillis))
        return DataType::time(Unit::kMicro);  // TIME(MILLIS) is widened to micros
      if (!lt && ct) {
        switch (*ct) {
          case ConvertedType::kInt8: return DataType(TypeId::kInt8);
          case ConvertedType::kInt16: return DataType(TypeId::kInt16);
          case ConvertedType::kUint8: return DataType(TypeId::kUInt8);
          case ConvertedType::kUint16: return DataType(TypeId::kUInt16);
          case ConvertedType::kUint32: return DataType(TypeId::kUInt32);
          default: break;
        }
      }
      return DataType(TypeId::kInt32);
    case Type::kInt64:
      if (is_decimal) return decimal_type(e);
      if (kind == LK::kInteger) return integer_type(lt->bit_width, lt->is_signed);
      if (kind == LK::kTime) return DataType::time(to_unit(lt->unit) == Unit::kNano
                                                       ? Unit::kNano
                                                       : Unit::kMicro);
      if (!lt && ct == ConvertedType::kTimeMicros) return DataType::time(Unit::kMicro);
      if (kind == LK::kTimestamp)
        return lt->is_adjusted_to_utc ? DataType::timestamp_tz(to_unit(lt->unit))
                                      : DataType::timestamp(to_unit(lt->unit));
      if (!lt && ct == ConvertedType::kTimestampMillis)
        return DataType::timestamp_tz(Unit::kMilli);
      if (!lt && ct == ConvertedType::kTimestampMicros)
        return DataType::timestamp_tz(Unit::kMicro);
      if (!lt && ct == ConvertedType::kUint64) return DataType(TypeId::kUInt64);
      if (!lt && ct == ConvertedType::kUint32) return DataType(TypeId::kUInt32);
      return DataType(TypeId::kInt64);
    case Type::kInt96: return DataType::timestamp(Unit::kMicro);  // as Spark reads it
    case Type::kFloat: return DataType(TypeId::kFloat32);
    case Type::kDouble: return DataType(TypeId::kFloat64);
    case Type::kByteArray:
      if (is_decimal) return decimal_type(e);
      if (kind == LK::kString || kind == LK::kEnum || kind == LK::kJson ||
          (!lt && (ct == ConvertedType::kUtf8 || ct == ConvertedType::kEnum ||
                   ct == ConvertedType::kJson)))
        return DataType(TypeId::kString);
      return DataType(TypeId::kBinary);
    case Type::kFixedLenByteArray: {
      int width = e.type_length.value_or(-1);
      if (width < 0)
        throw CorruptDataError(
            fmt::format("FIXED_LEN_BYTE_ARRAY column '{}' has no valid type_length", e.name));
      if (is_decimal) return decimal_type(e);
      if (kind == LK::kUuid) {
        if (width != 16)
          throw CorruptDataError(fmt::format("UUID column '{}' has width {}", e.name, width));
        return DataType(TypeId::kUuid);
      }
      if (kind == LK::kFloat16) {
        if (width != 2)
          throw CorruptDataError(fmt::format("FLOAT16 column '{}' has width {}", e.name, width));
        return DataType(TypeId::kFloat32);  // widened on read
      }
      return DataType::fixed_binary(width);
    }
  }
  throw CorruptDataError(fmt::format("column '{}' has an unknown physical type", e.name));
}

namespace {

class TreeBuilder {
 public:
  TreeBuilder(const std::vector<SchemaElement>& elements, std::vector<LeafInfo>& leaves)
      : elements_(elements), leaves_(leaves) {}

  // Parses the element at pos_ (and its subtree) as a field whose parent is non-null at
  // parent_def and has parent_rep repeated ancestors. `as_required` treats the element as
  // REQUIRED (a repeated element that is itself a list's element).
  SchemaNode parse(int16_t parent_def, int16_t parent_rep, bool as_required, int depth,
                   const std::string& prefix) {
    FLOE_CORRUPT_IF(depth > 64, "Parquet schema is nested more than 64 levels deep");
    FLOE_CORRUPT_IF(pos_ >= elements_.size(), "Parquet schema ends early: {} elements",
                    elements_.size());
    size_t my_index = pos_++;
    const SchemaElement& e = elements_[my_index];
    FieldRepetitionType rep = e.repetition_type.value_or(FieldRepetitionType::kOptional);
    if (rep == FieldRepetitionType::kVector)
      throw UnsupportedError(fmt::format("column '{}': VECTOR repetition", e.name));
    std::string path = prefix.empty() ? e.name : prefix + "." + e.name;

    if (rep == FieldRepetitionType::kRepeated && !as_required) {
      // A repeated field outside a LIST/MAP annotation is a required list of required
      // elements (LogicalTypes.md, "unannotated repeated").
      SchemaNode list;
      list.kind = SchemaNode::Kind::kList;
      list.nullable = false;
      list.def_level = parent_def;
      list.rep_level = parent_rep;
      list.element_def_level = int16_t(parent_def + 1);
      list.element_rep_level = int16_t(parent_rep + 1);
      --pos_;
      SchemaNode element =
          parse(list.element_def_level, list.element_rep_level, true, depth + 1, prefix);
      list.field = Field(e.name, DataType::list_of(element.field), false, e.field_id);
      list.children.push_back(std::move(element));
      return list;
    }

    bool optional = rep == FieldRepetitionType::kOptional && !as_required;
    int16_t def = int16_t(parent_def + (optional ? 1 : 0));
    int16_t rep_level = parent_rep;

    if (!e.num_children || (e.type && *e.num_children == 0)) {
      SchemaNode leaf;
      leaf.kind = SchemaNode::Kind::kPrimitive;
      leaf.nullable = optional;
      leaf.def_level = def;
      leaf.rep_level = rep_level;
      leaf.element = &e;
      leaf.leaf_index = int(leaves_.size());
      DataType t = primitive_floe_type(e);
      leaf.field = Field(e.name, t, optional, e.field_id);
      leaves_.push_back(LeafInfo{&e, def, rep_level, t, path});
      return leaf;
    }

    int32_t nchildren = *e.num_children;
    FLOE_CORRUPT_IF(nchildren < 0 || size_t(nchildren) > elements_.size() - pos_,
                    "Parquet schema: group '{}' claims {} children, {} elements remain", e.name,
                    nchildren, elements_.size() - pos_);

    bool is_list = is_annotated(e, LK::kList, ConvertedType::kList);
    bool is_map = is_annotated(e, LK::kMap, ConvertedType::kMap) ||
                  is_annotated(e, LK::kMap, ConvertedType::kMapKeyValue);
    if ((is_list || is_map) && nchildren == 1) {
      const SchemaElement& r = elements_[pos_];
      if (r.repetition_type == FieldRepetitionType::kRepeated) {
        return is_list ? parse_list(e, optional, def, rep_level, depth, path)
                       : parse_map(e, optional, def, rep_level, depth, path);
      }
    }

    SchemaNode st;
    st.kind = SchemaNode::Kind::kStruct;
    st.nullable = optional;
    st.def_level = def;
    st.rep_level = rep_level;
    std::vector<Field> fields;
    for (int32_t i = 0; i < nchildren; ++i) {
      st.children.push_back(parse(def, rep_level, false, depth + 1, path));
      fields.push_back(st.children.back().field);
    }
    FLOE_CORRUPT_IF(fields.empty(), "Parquet schema: group '{}' has no fields", e.name);
    st.field = Field(e.name, DataType::struct_of(std::move(fields)), optional, e.field_id);
    return st;
  }

 private:
  SchemaNode parse_list(const SchemaElement& e, bool optional, int16_t def, int16_t rep,
                        int depth, const std::string& path) {
    SchemaNode list;
    list.kind = SchemaNode::Kind::kList;
    list.nullable = optional;
    list.def_level = def;
    list.rep_level = rep;
    list.element_def_level = int16_t(def + 1);
    list.element_rep_level = int16_t(rep + 1);
    const SchemaElement& r = elements_[pos_];
    bool r_is_group = r.num_children.has_value() && !r.type;
    bool two_level = !r_is_group || *r.num_children != 1 || r.name == "array" ||
                     r.name == e.name + "_tuple";
    SchemaNode element;
    if (two_level) {
      // The repeated field is the element itself.
      element = parse(list.element_def_level, list.element_rep_level, true, depth + 1, path);
    } else {
      ++pos_;  // the repeated wrapper group
      element = parse(list.element_def_level, list.element_rep_level, false, depth + 1, path);
    }
    list.field = Field(e.name, DataType::list_of(element.field), optional, e.field_id);
    list.children.push_back(std::move(element));
    return list;
  }

  SchemaNode parse_map(const SchemaElement& e, bool optional, int16_t def, int16_t rep, int depth,
                       const std::string& path) {
    SchemaNode map;
    map.kind = SchemaNode::Kind::kMap;
    map.nullable = optional;
    map.def_level = def;
    map.rep_level = rep;
    map.element_def_level = int16_t(def + 1);
    map.element_rep_level = int16_t(rep + 1);
    const SchemaElement& kv = elements_[pos_++];
    FLOE_CORRUPT_IF(!kv.num_children || kv.type, "map '{}': key_value is not a group", e.name);
    int32_t n = *kv.num_children;
    if (n == 1) {
      // A map without values reads as the list of its keys (as Arrow reads it).
      SchemaNode list;
      list.kind = SchemaNode::Kind::kList;
      list.nullable = optional;
      list.def_level = def;
      list.rep_level = rep;
      list.element_def_level = map.element_def_level;
      list.element_rep_level = map.element_rep_level;
      SchemaNode key =
          parse(map.element_def_level, map.element_rep_level, false, depth + 1, path);
      list.field = Field(e.name, DataType::list_of(key.field), optional, e.field_id);
      list.children.push_back(std::move(key));
      return list;
    }
    if (n != 2)
      throw UnsupportedError(fmt::format(
          "map '{}': its key_value group has {} fields; floe reads maps with a key and a value",
          path, n));
    SchemaNode key = parse(map.element_def_level, map.element_rep_level, false, depth + 1, path);
    SchemaNode value =
        parse(map.element_def_level, map.element_rep_level, false, depth + 1, path);
    FLOE_CORRUPT_IF(key.nullable && key.kind == SchemaNode::Kind::kPrimitive &&
                        key.element->repetition_type != FieldRepetitionType::kRequired,
                    "map '{}': keys must be required", path);
    map.field = Field(e.name, DataType::map_of(key.field, value.field), optional, e.field_id);
    map.children.push_back(std::move(key));
    map.children.push_back(std::move(value));
    return map;
  }

 public:
  size_t pos_ = 0;

 private:
  const std::vector<SchemaElement>& elements_;
  std::vector<LeafInfo>& leaves_;
};

}  // namespace

ParquetSchema::ParquetSchema(const std::vector<SchemaElement>& elements) {
  FLOE_CORRUPT_IF(elements.empty(), "Parquet schema is empty");
  const SchemaElement& root = elements[0];
  FLOE_CORRUPT_IF(!root.num_children, "Parquet schema root '{}' is not a group", root.name);
  int32_t n = *root.num_children;
  FLOE_CORRUPT_IF(n < 0 || size_t(n) >= elements.size() + (n == 0 ? 1 : 0),
                  "Parquet schema root claims {} children but the schema has {} elements", n,
                  elements.size());
  TreeBuilder b(elements, leaves_);
  b.pos_ = 1;
  for (int32_t i = 0; i < n; ++i) fields_.push_back(b.parse(0, 0, false, 0, ""));
  FLOE_CORRUPT_IF(b.pos_ != elements.size(),
                  "Parquet schema has {} elements but its groups account for {}", elements.size(),
                  b.pos_);
}

columnar::Schema ParquetSchema::to_floe_schema() const {
  columnar::Schema s;
  for (const auto& f : fields_) s.fields.push_back(f.field);
  return s;
}

// ---- writing ----

namespace {

void append_field(const Field& f, std::vector<SchemaElement>& out,
                  FieldRepetitionType rep_override = FieldRepetitionType::kOptional,
                  bool use_override = false) {
  SchemaElement e;
  e.name = f.name;
  e.field_id = f.field_id;
  e.repetition_type = use_override ? rep_override
                      : f.nullable ? FieldRepetitionType::kOptional
                                   : FieldRepetitionType::kRequired;
  const DataType& t = f.type;
  auto set_logical = [&](LogicalType lt) { e.logical_type = lt; };
  switch (t.id()) {
    case TypeId::kNull:
      e.type = Type::kInt32;
      set_logical(LogicalType::of(LK::kUnknown));
      break;
    case TypeId::kBoolean: e.type = Type::kBoolean; break;
    case TypeId::kInt8:
      e.type = Type::kInt32;
      set_logical(LogicalType::integer(8, true));
      e.converted_type = ConvertedType::kInt8;
      break;
    case TypeId::kInt16:
      e.type = Type::kInt32;
      set_logical(LogicalType::integer(16, true));
      e.converted_type = ConvertedType::kInt16;
      break;
    case TypeId::kInt32: e.type = Type::kInt32; break;
    case TypeId::kInt64: e.type = Type::kInt64; break;
    case TypeId::kUInt8:
      e.type = Type::kInt32;
      set_logical(LogicalType::integer(8, false));
      e.converted_type = ConvertedType::kUint8;
      break;
    case TypeId::kUInt16:
      e.type = Type::kInt32;
      set_logical(LogicalType::integer(16, false));
      e.converted_type = ConvertedType::kUint16;
      break;
    case TypeId::kUInt32:
      e.type = Type::kInt32;
      set_logical(LogicalType::integer(32, false));
      e.converted_type = ConvertedType::kUint32;
      break;
    case TypeId::kUInt64:
      e.type = Type::kInt64;
      set_logical(LogicalType::integer(64, false));
      e.converted_type = ConvertedType::kUint64;
      break;
    case TypeId::kFloat32: e.type = Type::kFloat; break;
    case TypeId::kFloat64: e.type = Type::kDouble; break;
    case TypeId::kDecimal:
      // The spec's recommended physical types by precision.
      if (t.precision() <= 9) {
        e.type = Type::kInt32;
      } else if (t.precision() <= 18) {
        e.type = Type::kInt64;
      } else {
        e.type = Type::kFixedLenByteArray;
        e.type_length = 16;
      }
      set_logical(LogicalType::decimal(t.scale(), t.precision()));
      e.converted_type = ConvertedType::kDecimal;
      e.scale = t.scale();
      e.precision = t.precision();
      break;
    case TypeId::kString:
      e.type = Type::kByteArray;
      set_logical(LogicalType::of(LK::kString));
      e.converted_type = ConvertedType::kUtf8;
      break;
    case TypeId::kBinary: e.type = Type::kByteArray; break;
    case TypeId::kFixedBinary:
      e.type = Type::kFixedLenByteArray;
      e.type_length = t.width();
      break;
    case TypeId::kUuid:
      e.type = Type::kFixedLenByteArray;
      e.type_length = 16;
      set_logical(LogicalType::of(LK::kUuid));
      break;
    case TypeId::kDate:
      e.type = Type::kInt32;
      set_logical(LogicalType::of(LK::kDate));
      e.converted_type = ConvertedType::kDate;
      break;
    case TypeId::kTime:
      e.type = Type::kInt64;
      set_logical(LogicalType::time(
          false, t.unit() == Unit::kNano ? parquet::TimeUnit::kNanos : parquet::TimeUnit::kMicros));
      if (t.unit() == Unit::kMicro) e.converted_type = ConvertedType::kTimeMicros;
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      e.type = Type::kInt64;
      bool utc = t.id() == TypeId::kTimestampTz;
      parquet::TimeUnit u = t.unit() == Unit::kMilli   ? parquet::TimeUnit::kMillis
                            : t.unit() == Unit::kMicro ? parquet::TimeUnit::kMicros
                                                           : parquet::TimeUnit::kNanos;
      set_logical(LogicalType::timestamp(utc, u));
      // Converted types describe UTC-adjusted timestamps only.
      if (utc && t.unit() == Unit::kMilli) e.converted_type = ConvertedType::kTimestampMillis;
      if (utc && t.unit() == Unit::kMicro) e.converted_type = ConvertedType::kTimestampMicros;
      break;
    }
    case TypeId::kStruct: {
      e.num_children = int32_t(t.children().size());
      out.push_back(e);
      for (const auto& c : t.children()) append_field(c, out);
      return;
    }
    case TypeId::kList: {
      e.num_children = 1;
      set_logical(LogicalType::of(LK::kList));
      e.converted_type = ConvertedType::kList;
      out.push_back(e);
      SchemaElement rep;
      rep.name = "list";
      rep.repetition_type = FieldRepetitionType::kRepeated;
      rep.num_children = 1;
      out.push_back(rep);
      Field element = t.children()[0];
      element.name = "element";
      append_field(element, out);
      return;
    }
    case TypeId::kMap: {
      e.num_children = 1;
      set_logical(LogicalType::of(LK::kMap));
      e.converted_type = ConvertedType::kMap;
      out.push_back(e);
      SchemaElement kv;
      kv.name = "key_value";
      kv.repetition_type = FieldRepetitionType::kRepeated;
      kv.num_children = 2;
      out.push_back(kv);
      const auto& entries = t.children()[0].type.children();
      Field key = entries[0];
      key.name = "key";
      append_field(key, out, FieldRepetitionType::kRequired, true);
      Field value = entries[1];
      value.name = "value";
      append_field(value, out);
      return;
    }
  }
  out.push_back(e);
}

}  // namespace

std::vector<SchemaElement> to_parquet_schema(const columnar::Schema& schema) {
  std::vector<SchemaElement> out;
  SchemaElement root;
  root.name = "schema";
  root.num_children = int32_t(schema.fields.size());
  out.push_back(root);
  for (const auto& f : schema.fields) append_field(f, out);
  return out;
}

}  // namespace floe::parquet
