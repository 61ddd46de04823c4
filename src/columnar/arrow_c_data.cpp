#include "columnar/arrow_c_data.h"

#include <cstring>
#include <memory>
#include <string>

namespace floe::columnar {

namespace {

const char* time_unit_code(TimeUnit u) {
  switch (u) {
    case TimeUnit::kMilli: return "m";
    case TimeUnit::kMicro: return "u";
    case TimeUnit::kNano: return "n";
  }
  return "u";
}

// Zero-length buffers still need a valid address for some consumers.
alignas(64) const uint8_t kEmpty[64] = {};

struct ExportedArray {
  Column column;
  Buffer packed_bits;  // booleans, bit-packed for Arrow
  const void* buffers[3] = {nullptr, nullptr, nullptr};
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_ptrs;
};

void release_array(ArrowArray* a) {
  if (!a->release) return;
  auto* p = static_cast<ExportedArray*>(a->private_data);
  for (auto* c : p->child_ptrs)
    if (c->release) c->release(c);
  delete p;
  a->release = nullptr;
}

const void* buffer_or_empty(const Buffer& b) { return b.empty() ? kEmpty : b.data(); }

void export_array(Column column, ArrowArray* out) {
  auto p = std::make_unique<ExportedArray>();
  TypeId id = column.type().id();
  std::vector<Column> kids = std::move(column.children());
  column.children().clear();
  p->column = std::move(column);
  Column& c = p->column;
  out->length = c.size();
  out->null_count = c.null_count();
  out->offset = 0;
  p->buffers[0] = c.null_count() > 0 ? c.validity_buffer().data() : nullptr;
  switch (id) {
    case TypeId::kNull: out->n_buffers = 0; break;
    case TypeId::kBoolean: {
      p->packed_bits.resize_zeroed(bitmap_bytes(c.size()));
      const uint8_t* v = c.values<uint8_t>();
      for (int64_t i = 0; i < c.size(); ++i)
        if (v[i]) bit_set(p->packed_bits.data(), i);
      p->buffers[1] = buffer_or_empty(p->packed_bits);
      out->n_buffers = 2;
      break;
    }
    case TypeId::kString:
    case TypeId::kBinary:
      p->buffers[1] = c.offsets_buffer().data();
      p->buffers[2] = buffer_or_empty(c.data_buffer());
      out->n_buffers = 3;
      break;
    case TypeId::kList:
    case TypeId::kMap:
      p->buffers[1] = c.offsets_buffer().data();
      out->n_buffers = 2;
      break;
    case TypeId::kStruct: out->n_buffers = 1; break;
    default:
      p->buffers[1] = buffer_or_empty(c.data_buffer());
      out->n_buffers = 2;
  }
  p->children.resize(kids.size());
  for (size_t i = 0; i < kids.size(); ++i) {
    export_array(std::move(kids[i]), &p->children[i]);
    p->child_ptrs.push_back(&p->children[i]);
  }
  out->buffers = p->buffers;
  out->n_children = int64_t(kids.size());
  out->children = p->child_ptrs.empty() ? nullptr : p->child_ptrs.data();
  out->dictionary = nullptr;
  out->release = release_array;
  out->private_data = p.release();
}

struct ExportedSchema {
  std::string format;
  std::string name;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_ptrs;
};

void release_schema(ArrowSchema* s) {
  if (!s->release) return;
  auto* p = static_cast<ExportedSchema*>(s->private_data);
  for (auto* c : p->child_ptrs)
    if (c->release) c->release(c);
  delete p;
  s->release = nullptr;
}

void export_schema(const Field& field, ArrowSchema* out) {
  auto p = std::make_unique<ExportedSchema>();
  p->format = arrow_format(field.type);
  p->name = field.name;
  const auto& kids = field.type.children();
  p->children.resize(kids.size());
  for (size_t i = 0; i < kids.size(); ++i) {
    export_schema(kids[i], &p->children[i]);
    p->child_ptrs.push_back(&p->children[i]);
  }
  out->format = p->format.c_str();
  out->name = p->name.c_str();
  out->metadata = nullptr;
  out->flags = field.nullable ? ARROW_FLAG_NULLABLE : 0;
  out->n_children = int64_t(kids.size());
  out->children = p->child_ptrs.empty() ? nullptr : p->child_ptrs.data();
  out->dictionary = nullptr;
  out->release = release_schema;
  out->private_data = p.release();
}

// ---- import ----

DataType parse_format(const ArrowSchema* s) {
  std::string_view f = s->format ? s->format : "";
  auto child_field = [&](int64_t i) { return import_field(s->children[i]); };
  if (f == "n") return DataType(TypeId::kNull);
  if (f == "b") return DataType(TypeId::kBoolean);
  if (f == "c") return DataType(TypeId::kInt8);
  if (f == "s") return DataType(TypeId::kInt16);
  if (f == "i") return DataType(TypeId::kInt32);
  if (f == "l") return DataType(TypeId::kInt64);
  if (f == "C") return DataType(TypeId::kUInt8);
  if (f == "S") return DataType(TypeId::kUInt16);
  if (f == "I") return DataType(TypeId::kUInt32);
  if (f == "L") return DataType(TypeId::kUInt64);
  if (f == "f") return DataType(TypeId::kFloat32);
  if (f == "g") return DataType(TypeId::kFloat64);
  if (f == "u") return DataType(TypeId::kString);
  if (f == "z") return DataType(TypeId::kBinary);
  if (f == "tdD") return DataType(TypeId::kDate);
  if (f == "ttu") return DataType::time(TimeUnit::kMicro);
  if (f == "ttn") return DataType::time(TimeUnit::kNano);
  if (f.starts_with("w:")) return DataType::fixed_binary(std::stoi(std::string(f.substr(2))));
  if (f.starts_with("d:")) {
    std::string rest(f.substr(2));
    int p = 0, sc = 0, bits = 128;
    if (std::sscanf(rest.c_str(), "%d,%d,%d", &p, &sc, &bits) >= 2 && bits == 128)
      return DataType::decimal(p, sc);
  }
  if (f.size() >= 4 && f.starts_with("ts")) {
    TimeUnit u = f[2] == 'm'   ? TimeUnit::kMilli
                 : f[2] == 'u' ? TimeUnit::kMicro
                 : f[2] == 'n' ? TimeUnit::kNano
                               : throw UnsupportedError("Arrow timestamp in seconds");
    return f.size() > 4 ? DataType::timestamp_tz(u) : DataType::timestamp(u);
  }
  if (f == "+s") {
    std::vector<Field> fs;
    for (int64_t i = 0; i < s->n_children; ++i) fs.push_back(child_field(i));
    return DataType::struct_of(std::move(fs));
  }
  if (f == "+l") return DataType::list_of(child_field(0));
  if (f == "+m") {
    Field entries = child_field(0);
    const auto& kv = entries.type.children();
    if (kv.size() != 2) throw CorruptDataError("Arrow map entries must have two fields");
    return DataType::map_of(kv[0], kv[1]);
  }
  throw UnsupportedError(fmt::format("Arrow format '{}' has no floe type", f));
}

void import_into(Column& out, const ArrowArray* a) {
  const DataType& t = out.type();
  int64_t n = a->length, off = a->offset;
  const auto* validity = static_cast<const uint8_t*>(a->buffers && a->n_buffers > 0 ? a->buffers[0]
                                                                                    : nullptr);
  auto valid = [&](int64_t i) { return !validity || bit_get(validity, off + i); };
  switch (t.id()) {
    case TypeId::kNull:
      for (int64_t i = 0; i < n; ++i) out.append_null();
      return;
    case TypeId::kBoolean: {
      const auto* bits = static_cast<const uint8_t*>(a->buffers[1]);
      for (int64_t i = 0; i < n; ++i)
        valid(i) ? out.append_bool(bit_get(bits, off + i)) : out.append_null();
      return;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      const auto* o = static_cast<const int32_t*>(a->buffers[1]);
      const auto* d = static_cast<const char*>(a->buffers[2]);
      for (int64_t i = 0; i < n; ++i)
        valid(i) ? out.append_string({d + o[off + i], size_t(o[off + i + 1] - o[off + i])})
                 : out.append_null();
      return;
    }
    case TypeId::kList:
    case TypeId::kMap: {
      const auto* o = static_cast<const int32_t*>(a->buffers[1]);
      Column child(out.child(0).type());
      import_into(child, a->children[0]);
      for (int64_t i = 0; i < n; ++i) {
        if (!valid(i)) {
          out.append_null();
          continue;
        }
        out.child(0).append_range(child, o[off + i], o[off + i + 1] - o[off + i]);
        out.append_list_end();
      }
      return;
    }
    case TypeId::kStruct: {
      std::vector<Column> kids;
      for (size_t c = 0; c < out.num_children(); ++c) {
        kids.emplace_back(out.child(c).type());
        import_into(kids.back(), a->children[c]);
      }
      for (int64_t i = 0; i < n; ++i) {
        if (!valid(i)) {
          out.append_null();
          continue;
        }
        for (size_t c = 0; c < kids.size(); ++c) out.child(c).append_range(kids[c], off + i, 1);
        out.append_struct_valid();
      }
      return;
    }
    default: {
      int w = t.byte_width();
      const auto* d = static_cast<const char*>(a->buffers[1]);
      for (int64_t i = 0; i < n; ++i)
        valid(i) ? out.append_fixed({d + (off + i) * w, size_t(w)}) : out.append_null();
    }
  }
}

}  // namespace

std::string arrow_format(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull: return "n";
    case TypeId::kBoolean: return "b";
    case TypeId::kInt8: return "c";
    case TypeId::kInt16: return "s";
    case TypeId::kInt32: return "i";
    case TypeId::kInt64: return "l";
    case TypeId::kUInt8: return "C";
    case TypeId::kUInt16: return "S";
    case TypeId::kUInt32: return "I";
    case TypeId::kUInt64: return "L";
    case TypeId::kFloat32: return "f";
    case TypeId::kFloat64: return "g";
    case TypeId::kDecimal: return fmt::format("d:{},{}", t.precision(), t.scale());
    case TypeId::kString: return "u";
    case TypeId::kBinary: return "z";
    case TypeId::kFixedBinary: return fmt::format("w:{}", t.width());
    case TypeId::kUuid: return "w:16";
    case TypeId::kDate: return "tdD";
    case TypeId::kTime:
      if (t.unit() == TimeUnit::kMilli)
        throw InternalError("TIME(3) is held as microseconds in floe");
      return std::string("tt") + time_unit_code(t.unit());
    case TypeId::kTimestamp: return std::string("ts") + time_unit_code(t.unit()) + ":";
    case TypeId::kTimestampTz: return std::string("ts") + time_unit_code(t.unit()) + ":UTC";
    case TypeId::kStruct: return "+s";
    case TypeId::kList: return "+l";
    case TypeId::kMap: return "+m";
  }
  return "n";
}

void export_column(Column column, const Field& field, ArrowArray* out_array,
                   ArrowSchema* out_schema) {
  export_schema(field, out_schema);
  export_array(std::move(column), out_array);
}

void export_batch(Batch batch, ArrowArray* out_array, ArrowSchema* out_schema) {
  int64_t rows = batch.num_rows();
  Column root(DataType::struct_of(batch.schema.fields));
  root.children() = std::move(batch.columns);
  root.set_size(rows, 0);
  export_column(std::move(root), Field("", DataType::struct_of(batch.schema.fields), false),
                out_array, out_schema);
}

Field import_field(const ArrowSchema* s) {
  return Field(s->name ? s->name : "", parse_format(s), (s->flags & ARROW_FLAG_NULLABLE) != 0);
}

Column import_column(const ArrowArray* array, const ArrowSchema* schema) {
  Column c(parse_format(schema));
  import_into(c, array);
  return c;
}

Batch import_batch(const ArrowArray* array, const ArrowSchema* schema) {
  Field root = import_field(schema);
  if (root.type.id() != TypeId::kStruct)
    throw InvalidInputError("an Arrow record batch must be a struct array");
  Batch b;
  b.schema.fields = root.type.children();
  for (size_t i = 0; i < b.schema.fields.size(); ++i) {
    Column c(b.schema.fields[i].type);
    // Child arrays carry the parent's offset implicitly only through their own offset.
    ArrowArray shifted = *array->children[i];
    shifted.offset += array->offset;
    shifted.length = array->length;
    import_into(c, &shifted);
    b.columns.push_back(std::move(c));
  }
  b.rows_without_columns = array->length;
  return b;
}

}  // namespace floe::columnar
