#include "formats/avro/avro_value.h"

#include <limits>

#include "base/error.h"

namespace floe::avro {

namespace {

[[noreturn]] void invalid(const std::string& m) { throw InvalidInputError(m); }

void put_long(Buffer& out, int64_t v) {
  put_uvarint(out, (uint64_t(v) << 1) ^ uint64_t(v >> 63));
}

int64_t read_long(ByteReader& in) { return in.zigzag_varint(); }

int32_t read_int(ByteReader& in) {
  int64_t v = in.zigzag_varint();
  FLOE_CORRUPT_IF(v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max(),
                  "avro: int value {} out of range at offset {}", v, in.position());
  return int32_t(v);
}

size_t read_length(ByteReader& in) {
  int64_t n = in.zigzag_varint();
  FLOE_CORRUPT_IF(n < 0 || uint64_t(n) > in.remaining(),
                  "avro: length {} at offset {} is negative or exceeds the {} remaining bytes", n,
                  in.position(), in.remaining());
  return size_t(n);
}

std::string read_string(ByteReader& in) {
  size_t n = read_length(in);
  auto s = in.bytes(n);
  return std::string(reinterpret_cast<const char*>(s.data()), n);
}

// True if a datum of this schema may encode to zero bytes.
bool may_be_empty(const AvroSchema& s) {
  switch (s.type) {
    case AvroType::kNull: return true;
    case AvroType::kFixed: return s.fixed_size == 0;
    case AvroType::kRecord:
      for (const auto& f : s.fields)
        if (!may_be_empty(*f.schema)) return false;
      return true;
    default: return false;
  }
}

// Reads an array or map block header: the item count (0 ends), validated.
size_t read_block_count(ByteReader& in, const AvroSchema& item, size_t items_so_far) {
  int64_t count = in.zigzag_varint();
  if (count < 0) {
    FLOE_CORRUPT_IF(count == std::numeric_limits<int64_t>::min(), "avro: bad block count");
    count = -count;
    int64_t size = in.zigzag_varint();
    FLOE_CORRUPT_IF(size < 0 || uint64_t(size) > in.remaining(),
                    "avro: block byte size {} is negative or exceeds the {} remaining bytes", size,
                    in.remaining());
  }
  if (may_be_empty(item)) {
    constexpr uint64_t kMaxEmptyItems = 1 << 24;
    FLOE_CORRUPT_IF(uint64_t(count) + items_so_far > kMaxEmptyItems,
                    "avro: more than {} zero-size items in an array or map", kMaxEmptyItems);
  } else {
    FLOE_CORRUPT_IF(uint64_t(count) > in.remaining(),
                    "avro: block of {} items exceeds the {} remaining bytes", count, in.remaining());
  }
  return size_t(count);
}

AvroValue decode(ByteReader& in, const AvroSchema& s, const AvroSchemaPtr* self) {
  switch (s.type) {
    case AvroType::kNull: return AvroValue();
    case AvroType::kBoolean: {
      uint8_t b = in.u8();
      FLOE_CORRUPT_IF(b > 1, "avro: boolean byte {} at offset {}", b, in.position() - 1);
      return AvroValue(b == 1);
    }
    case AvroType::kInt: return AvroValue(read_int(in));
    case AvroType::kLong: return AvroValue(read_long(in));
    case AvroType::kFloat: return AvroValue(in.fixed<float>());
    case AvroType::kDouble: return AvroValue(in.fixed<double>());
    case AvroType::kBytes:
    case AvroType::kString: return AvroValue(read_string(in));
    case AvroType::kFixed: {
      auto b = in.bytes(s.fixed_size);
      return AvroValue(std::string(reinterpret_cast<const char*>(b.data()), b.size()));
    }
    case AvroType::kEnum: {
      int32_t i = read_int(in);
      FLOE_CORRUPT_IF(i < 0 || size_t(i) >= s.symbols.size(), "avro: enum index {} out of range for {}",
                      i, s.name);
      return AvroValue(s.symbols[size_t(i)]);
    }
    case AvroType::kUnion: {
      int64_t i = read_long(in);
      FLOE_CORRUPT_IF(i < 0 || uint64_t(i) >= s.branches.size(), "avro: union index {} out of range",
                      i);
      const auto& b = s.branches[size_t(i)];
      return AvroValue::make_union(size_t(i), decode(in, *b, &b));
    }
    case AvroType::kArray: {
      AvroArray items;
      while (size_t n = read_block_count(in, *s.items, items.size())) {
        for (size_t k = 0; k < n; ++k) items.push_back(decode(in, *s.items, &s.items));
      }
      return AvroValue(std::move(items));
    }
    case AvroType::kMap: {
      AvroMap entries;
      while (size_t n = read_block_count(in, *s.items, entries.size())) {
        for (size_t k = 0; k < n; ++k) {
          std::string key = read_string(in);
          entries.emplace_back(std::move(key), decode(in, *s.items, &s.items));
        }
      }
      return AvroValue(std::move(entries));
    }
    case AvroType::kRecord: {
      AvroRecord r;
      r.schema = self ? *self : s.weak_from_this().lock();
      r.fields.reserve(s.fields.size());
      for (const auto& f : s.fields) r.fields.push_back(decode(in, *f.schema, &f.schema));
      return AvroValue(std::move(r));
    }
  }
  FLOE_CHECK(false, "unknown avro type");
  return {};
}

bool is_numeric_promotion(AvroType w, AvroType r) {
  switch (w) {
    case AvroType::kInt: return r == AvroType::kLong || r == AvroType::kFloat || r == AvroType::kDouble;
    case AvroType::kLong: return r == AvroType::kFloat || r == AvroType::kDouble;
    case AvroType::kFloat: return r == AvroType::kDouble;
    case AvroType::kString: return r == AvroType::kBytes;
    case AvroType::kBytes: return r == AvroType::kString;
    default: return false;
  }
}

std::string short_name(const std::string& full) {
  auto p = full.rfind('.');
  return p == std::string::npos ? full : full.substr(p + 1);
}

bool same_kind(const AvroSchema& w, const AvroSchema& r) {
  if (w.type != r.type) return false;
  if (w.type == AvroType::kEnum || w.type == AvroType::kFixed)
    return short_name(w.name) == short_name(r.name);
  return true;
}

AvroValue promote(AvroValue v, AvroType to) {
  switch (to) {
    case AvroType::kLong: return AvroValue(int64_t(v.as_int()));
    case AvroType::kFloat:
      return v.is_int() ? AvroValue(float(v.as_int())) : AvroValue(float(v.as_long()));
    case AvroType::kDouble:
      if (v.is_int()) return AvroValue(double(v.as_int()));
      if (v.is_long()) return AvroValue(double(v.as_long()));
      return AvroValue(double(v.as_float()));
    default: return v;  // string <-> bytes: same representation
  }
}

AvroValue resolve(ByteReader& in, const AvroSchema& w, const AvroSchema& r, const AvroSchemaPtr* rself,
                  int depth) {
  FLOE_CORRUPT_IF(depth > 2 * kMaxAvroSchemaDepth + 4, "avro: schema resolution nested too deeply");
  if (w.type == AvroType::kUnion) {
    int64_t i = read_long(in);
    FLOE_CORRUPT_IF(i < 0 || uint64_t(i) >= w.branches.size(), "avro: union index {} out of range", i);
    return resolve(in, *w.branches[size_t(i)], r, rself, depth + 1);
  }
  if (r.type == AvroType::kUnion) {
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t b = 0; b < r.branches.size(); ++b) {
        const AvroSchema& rb = *r.branches[b];
        bool fits = pass == 0 ? (same_kind(w, rb) || (w.type == AvroType::kRecord && rb.type == w.type &&
                                                      short_name(w.name) == short_name(rb.name)))
                              : (is_numeric_promotion(w.type, rb.type) ||
                                 (w.type == AvroType::kRecord && rb.type == AvroType::kRecord));
        if (fits) return AvroValue::make_union(b, resolve(in, w, rb, &r.branches[b], depth + 1));
      }
    }
    invalid(fmt::format("avro: writer type {} {} matches no branch of the reader union",
                        avro_type_name(w.type), w.name));
  }
  if (w.type != r.type) {
    if (is_numeric_promotion(w.type, r.type)) return promote(decode(in, w, nullptr), r.type);
    invalid(fmt::format("avro: writer type {} cannot be read as {}", avro_type_name(w.type),
                        avro_type_name(r.type)));
  }
  switch (r.type) {
    case AvroType::kFixed:
      if (w.fixed_size != r.fixed_size)
        invalid(fmt::format("avro: fixed {} has size {} in the writer, {} in the reader", r.name,
                            w.fixed_size, r.fixed_size));
      return decode(in, w, nullptr);
    case AvroType::kEnum: {
      AvroValue v = decode(in, w, nullptr);
      for (const auto& sym : r.symbols)
        if (sym == v.as_string()) return v;
      auto d = r.attributes.find("default");
      if (d != r.attributes.end() && d->is_string()) return AvroValue(d->get<std::string>());
      invalid(fmt::format("avro: enum symbol {} is not in the reader's {}", v.as_string(), r.name));
    }
    case AvroType::kArray: {
      AvroArray items;
      while (size_t n = read_block_count(in, *w.items, items.size()))
        for (size_t k = 0; k < n; ++k) items.push_back(resolve(in, *w.items, *r.items, &r.items, depth + 1));
      return AvroValue(std::move(items));
    }
    case AvroType::kMap: {
      AvroMap entries;
      while (size_t n = read_block_count(in, *w.items, entries.size())) {
        for (size_t k = 0; k < n; ++k) {
          std::string key = read_string(in);
          entries.emplace_back(std::move(key), resolve(in, *w.items, *r.items, &r.items, depth + 1));
        }
      }
      return AvroValue(std::move(entries));
    }
    case AvroType::kRecord: {
      AvroRecord rec;
      rec.schema = rself ? *rself : r.weak_from_this().lock();
      rec.fields.resize(r.fields.size());
      std::vector<bool> set(r.fields.size(), false);
      for (const auto& wf : w.fields) {
        int ri = r.field_index(wf.name);
        if (ri < 0) {
          decode(in, *wf.schema, nullptr);  // skipped
          continue;
        }
        const auto& rf = r.fields[size_t(ri)];
        rec.fields[size_t(ri)] = resolve(in, *wf.schema, *rf.schema, &rf.schema, depth + 1);
        set[size_t(ri)] = true;
      }
      for (size_t i = 0; i < r.fields.size(); ++i) {
        if (set[i]) continue;
        const auto& rf = r.fields[i];
        if (!rf.default_value)
          invalid(fmt::format("avro: reader field {}.{} is not in the writer schema and has no default",
                              r.name, rf.name));
        rec.fields[i] = value_from_json(*rf.default_value, *rf.schema);
      }
      return AvroValue(std::move(rec));
    }
    default: return decode(in, w, nullptr);
  }
}

// Whether a (non-union) value can be encoded as schema s without error (shallow check).
bool fits(const AvroValue& v, const AvroSchema& s) {
  switch (s.type) {
    case AvroType::kNull: return v.is_null();
    case AvroType::kBoolean: return v.is_bool();
    case AvroType::kInt: return v.is_int();
    case AvroType::kLong: return v.is_long() || v.is_int();
    case AvroType::kFloat: return v.is_float();
    case AvroType::kDouble: return v.is_double();
    case AvroType::kBytes:
    case AvroType::kString: return v.is_string();
    case AvroType::kFixed: return v.is_string() && v.as_string().size() == s.fixed_size;
    case AvroType::kEnum:
      if (!v.is_string()) return false;
      for (const auto& sym : s.symbols)
        if (sym == v.as_string()) return true;
      return false;
    case AvroType::kArray: return v.is_array();
    case AvroType::kMap: return v.is_map();
    case AvroType::kRecord:
      return v.is_record() && v.as_record().fields.size() == s.fields.size() &&
             (!v.as_record().schema || v.as_record().schema->name == s.name);
    case AvroType::kUnion: return false;
  }
  return false;
}

void encode(const AvroValue& v, const AvroSchema& s, Buffer& out, int depth) {
  if (depth > 2 * kMaxAvroSchemaDepth + 4) invalid("avro: value nested too deeply");
  auto mismatch = [&]() {
    invalid(fmt::format("avro: value does not fit schema type {} {}", avro_type_name(s.type), s.name));
  };
  switch (s.type) {
    case AvroType::kNull:
      if (!v.is_null()) mismatch();
      return;
    case AvroType::kBoolean: {
      if (!v.is_bool()) mismatch();
      out.push(uint8_t(v.as_bool() ? 1 : 0));
      return;
    }
    case AvroType::kInt:
      if (!v.is_int()) mismatch();
      put_long(out, v.as_int());
      return;
    case AvroType::kLong:
      if (v.is_int()) put_long(out, v.as_int());
      else if (v.is_long()) put_long(out, v.as_long());
      else mismatch();
      return;
    case AvroType::kFloat:
      if (!v.is_float()) mismatch();
      out.push(v.as_float());
      return;
    case AvroType::kDouble:
      if (!v.is_double()) mismatch();
      out.push(v.as_double());
      return;
    case AvroType::kBytes:
    case AvroType::kString: {
      if (!v.is_string()) mismatch();
      const std::string& str = v.as_string();
      put_long(out, int64_t(str.size()));
      out.append(str.data(), str.size());
      return;
    }
    case AvroType::kFixed: {
      if (!fits(v, s)) mismatch();
      out.append(v.as_string().data(), s.fixed_size);
      return;
    }
    case AvroType::kEnum: {
      if (!v.is_string()) mismatch();
      for (size_t i = 0; i < s.symbols.size(); ++i) {
        if (s.symbols[i] == v.as_string()) {
          put_long(out, int64_t(i));
          return;
        }
      }
      invalid(fmt::format("avro: {} is not a symbol of enum {}", v.as_string(), s.name));
    }
    case AvroType::kUnion: {
      if (v.is_union()) {
        const AvroUnion& u = v.as_union();
        if (u.branch >= s.branches.size() || u.value.size() != 1)
          invalid(fmt::format("avro: union branch {} out of range", u.branch));
        put_long(out, int64_t(u.branch));
        encode(u.value[0], *s.branches[u.branch], out, depth + 1);
        return;
      }
      for (size_t i = 0; i < s.branches.size(); ++i) {
        if (fits(v, *s.branches[i])) {
          put_long(out, int64_t(i));
          encode(v, *s.branches[i], out, depth + 1);
          return;
        }
      }
      mismatch();
      return;
    }
    case AvroType::kArray: {
      if (!v.is_array()) mismatch();
      const AvroArray& a = v.as_array();
      if (!a.empty()) {
        put_long(out, int64_t(a.size()));
        for (const auto& item : a) encode(item, *s.items, out, depth + 1);
      }
      put_long(out, 0);
      return;
    }
    case AvroType::kMap: {
      if (!v.is_map()) mismatch();
      const AvroMap& m = v.as_map();
      if (!m.empty()) {
        put_long(out, int64_t(m.size()));
        for (const auto& [k, item] : m) {
          put_long(out, int64_t(k.size()));
          out.append(k.data(), k.size());
          encode(item, *s.items, out, depth + 1);
        }
      }
      put_long(out, 0);
      return;
    }
    case AvroType::kRecord: {
      if (!v.is_record() || v.as_record().fields.size() != s.fields.size()) mismatch();
      const AvroRecord& r = v.as_record();
      for (size_t i = 0; i < s.fields.size(); ++i) encode(r.fields[i], *s.fields[i].schema, out, depth + 1);
      return;
    }
  }
}

}  // namespace

const AvroValue* AvroRecord::field(std::string_view name) const {
  if (!schema) return nullptr;
  int i = schema->field_index(name);
  if (i < 0 || size_t(i) >= fields.size()) return nullptr;
  return &fields[size_t(i)];
}

AvroValue AvroValue::make_union(size_t branch, AvroValue value) {
  AvroUnion u;
  u.branch = branch;
  u.value.push_back(std::move(value));
  return AvroValue(std::move(u));
}

AvroValue AvroValue::make_record(AvroSchemaPtr schema, std::vector<AvroValue> fields) {
  AvroRecord r;
  r.schema = std::move(schema);
  r.fields = std::move(fields);
  return AvroValue(std::move(r));
}

const AvroValue& AvroValue::unwrapped() const {
  if (const AvroUnion* u = std::get_if<AvroUnion>(&v_); u && u->value.size() == 1) return u->value[0];
  return *this;
}

const AvroValue& AvroValue::operator[](std::string_view field_name) const {
  const AvroValue* f = as_record().field(field_name);
  if (!f) invalid(fmt::format("avro: record has no field {}", field_name));
  return *f;
}

void AvroValue::throw_wrong_type(const char* what) const {
  invalid(fmt::format("avro: value is not a {} (variant index {})", what, v_.index()));
}

bool operator==(const AvroRecord& a, const AvroRecord& b) { return a.fields == b.fields; }
bool operator==(const AvroUnion& a, const AvroUnion& b) {
  return a.branch == b.branch && a.value == b.value;
}
bool operator==(const AvroValue& a, const AvroValue& b) { return a.v_ == b.v_; }

AvroValue decode_datum(ByteReader& in, const AvroSchema& schema) { return decode(in, schema, nullptr); }

AvroValue decode_datum(ByteReader& in, const AvroSchema& writer, const AvroSchema& reader) {
  return resolve(in, writer, reader, nullptr, 0);
}

void encode_datum(const AvroValue& value, const AvroSchema& schema, Buffer& out) {
  encode(value, schema, out, 0);
}

AvroValue value_from_json(const nlohmann::json& j, const AvroSchema& s) {
  auto bad = [&]() -> AvroValue {
    invalid(fmt::format("avro: default {} does not fit type {}", j.dump(), avro_type_name(s.type)));
  };
  switch (s.type) {
    case AvroType::kNull: return j.is_null() ? AvroValue() : bad();
    case AvroType::kBoolean: return j.is_boolean() ? AvroValue(j.get<bool>()) : bad();
    case AvroType::kInt:
      if (j.is_number_unsigned() && j.get<uint64_t>() > uint64_t(INT32_MAX)) return bad();
      if (!j.is_number_integer() || j.get<int64_t>() < INT32_MIN || j.get<int64_t>() > INT32_MAX)
        return bad();
      return AvroValue(int32_t(j.get<int64_t>()));
    case AvroType::kLong:
      if (j.is_number_unsigned() && j.get<uint64_t>() > uint64_t(INT64_MAX)) return bad();
      return j.is_number_integer() ? AvroValue(j.get<int64_t>()) : bad();
    case AvroType::kFloat: return j.is_number() ? AvroValue(j.get<float>()) : bad();
    case AvroType::kDouble: return j.is_number() ? AvroValue(j.get<double>()) : bad();
    case AvroType::kString:
    case AvroType::kEnum: return j.is_string() ? AvroValue(j.get<std::string>()) : bad();
    case AvroType::kBytes:
    case AvroType::kFixed: {
      if (!j.is_string()) return bad();
      // JSON default of bytes: each code point 0-255 is one byte.
      std::string utf8 = j.get<std::string>(), bytes;
      for (size_t i = 0; i < utf8.size(); ++i) {
        uint8_t c = uint8_t(utf8[i]);
        if (c < 0x80) {
          bytes.push_back(char(c));
        } else if ((c & 0xE0) == 0xC0 && i + 1 < utf8.size() && c <= 0xC3) {
          bytes.push_back(char(((c & 0x1F) << 6) | (uint8_t(utf8[++i]) & 0x3F)));
        } else {
          return bad();
        }
      }
      if (s.type == AvroType::kFixed && bytes.size() != s.fixed_size) return bad();
      return AvroValue(std::move(bytes));
    }
    case AvroType::kArray: {
      if (!j.is_array()) return bad();
      AvroArray a;
      for (const auto& e : j) a.push_back(value_from_json(e, *s.items));
      return AvroValue(std::move(a));
    }
    case AvroType::kMap: {
      if (!j.is_object()) return bad();
      AvroMap m;
      for (auto it = j.begin(); it != j.end(); ++it) m.emplace_back(it.key(), value_from_json(*it, *s.items));
      return AvroValue(std::move(m));
    }
    case AvroType::kRecord: {
      if (!j.is_object()) return bad();
      AvroRecord r;
      r.schema = s.weak_from_this().lock();
      for (const auto& f : s.fields) {
        auto it = j.find(f.name);
        if (it != j.end()) r.fields.push_back(value_from_json(*it, *f.schema));
        else if (f.default_value) r.fields.push_back(value_from_json(*f.default_value, *f.schema));
        else return bad();
      }
      return AvroValue(std::move(r));
    }
    case AvroType::kUnion: {
      for (size_t i = 0; i < s.branches.size(); ++i) {
        try {
          return AvroValue::make_union(i, value_from_json(j, *s.branches[i]));
        } catch (const InvalidInputError&) {
        }
      }
      return bad();
    }
  }
  return bad();
}

}  // namespace floe::avro
