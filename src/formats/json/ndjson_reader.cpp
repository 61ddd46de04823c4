#include "formats/json/ndjson_reader.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <deque>
#include <unordered_map>
#include <vector>

#include "base/civil_time.h"
#include "base/error.h"

namespace floe::formats {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::Schema;
using columnar::TimeUnit;
using columnar::TypeId;
using Json = nlohmann::ordered_json;  // keeps keys in document order

namespace {

constexpr size_t kChunkBytes = size_t(4) << 20;
constexpr size_t kMaxTextInMessage = 80;

std::string shorten(std::string s) {
  if (s.size() > kMaxTextInMessage) {
    s.resize(kMaxTextInMessage);
    s += "...";
  }
  return s;
}

// ---------------------------------------------------------------------------------------
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

  DataType type() const {
    switch (kind) {
      case kBool: return DataType(TypeId::kBoolean);
      case kInt: return DataType(TypeId::kInt64);
      case kDouble: return DataType(TypeId::kFloat64);
      case kObject: {
        if (field_names.empty()) return DataType(TypeId::kString);
        std::vector<Field> children;
        for (size_t f = 0; f < field_names.size(); ++f)
          children.emplace_back(field_names[f], field_shapes[f].type(), true);
        return DataType::struct_of(std::move(children));
      }
      case kArray: return DataType::list_of(Field("element", element[0].type(), true));
      case kNull:
      case kString:
      case kJson: return DataType(TypeId::kString);
    }
    return DataType(TypeId::kString);
  }
};

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

// ---------------------------------------------------------------------------------------
// Conversion: JSON values appended to column vectors.

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

struct Where {
  const std::string* path;
  int64_t position;  // line, or 0-based element of a top-level array
  bool array_mode;
  std::string prefix() const {
    return array_mode ? fmt::format("{}: element {}", *path, position)
                      : fmt::format("{}:{}", *path, position);
  }
};

[[noreturn]] void fail(const Where& w, const FieldPath& at, const Json& v, const DataType& t) {
  throw InvalidInputError(fmt::format("{}: field '{}': cannot convert {} to {}", w.prefix(),
                                      at.to_string(), shorten(v.dump()), t.to_string()));
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

void append_value(Column& col, const Json& v, const Where& w, const FieldPath& at);

// Appends one object's members to the columns of `fields` (each of size `row` before);
// members not in `fields` are ignored, fields without a member get NULL.
void append_members(std::vector<Column>& cols, const std::vector<Field>& fields, const Json& obj,
                    int64_t row, const Where& w, const FieldPath* parent) {
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
    append_value(cols[idx], value, w, here);
  }
  for (auto& c : cols)
    if (c.size() == row) c.append_null();
}

void append_value(Column& col, const Json& v, const Where& w, const FieldPath& at) {
  if (v.is_null()) {
    col.append_null();
    return;
  }
  const DataType& t = col.type();
  switch (t.id()) {
    case TypeId::kBoolean:
      if (!v.is_boolean()) fail(w, at, v, t);
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
      if (!json_integer(v, &i)) fail(w, at, v, t);
      switch (t.id()) {
        case TypeId::kInt8:
          if (i < INT8_MIN || i > INT8_MAX) fail(w, at, v, t);
          col.append<int8_t>(int8_t(i));
          return;
        case TypeId::kInt16:
          if (i < INT16_MIN || i > INT16_MAX) fail(w, at, v, t);
          col.append<int16_t>(int16_t(i));
          return;
        case TypeId::kInt32:
          if (i < INT32_MIN || i > INT32_MAX) fail(w, at, v, t);
          col.append<int32_t>(int32_t(i));
          return;
        case TypeId::kUInt8:
          if (i < 0 || i > UINT8_MAX) fail(w, at, v, t);
          col.append<uint8_t>(uint8_t(i));
          return;
        case TypeId::kUInt16:
          if (i < 0 || i > UINT16_MAX) fail(w, at, v, t);
          col.append<uint16_t>(uint16_t(i));
          return;
        case TypeId::kUInt32:
          if (i < 0 || i > int64_t(UINT32_MAX)) fail(w, at, v, t);
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
      fail(w, at, v, t);
    case TypeId::kFloat32:
      if (!v.is_number()) fail(w, at, v, t);
      col.append<float>(v.get<float>());
      return;
    case TypeId::kFloat64:
      if (!v.is_number()) fail(w, at, v, t);
      col.append<double>(v.get<double>());
      return;
    case TypeId::kString:
      if (v.is_string())
        col.append_string(v.get_ref<const std::string&>());
      else
        col.append_string(v.dump());
      return;
    case TypeId::kBinary:
      if (!v.is_string()) fail(w, at, v, t);
      col.append_string(v.get_ref<const std::string&>());
      return;
    case TypeId::kDate: {
      if (!v.is_string()) fail(w, at, v, t);
      auto d = parse_date(v.get_ref<const std::string&>());
      if (!d) fail(w, at, v, t);
      col.append<int32_t>(*d);
      return;
    }
    case TypeId::kTime: {
      if (!v.is_string()) fail(w, at, v, t);
      auto m = parse_time_micros(v.get_ref<const std::string&>());
      if (!m) fail(w, at, v, t);
      col.append<int64_t>(scale_micros(*m, t.unit()));
      return;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      if (!v.is_string()) fail(w, at, v, t);
      auto m = parse_timestamp_micros(v.get_ref<const std::string&>());
      if (!m) fail(w, at, v, t);
      col.append<int64_t>(scale_micros(*m, t.unit()));
      return;
    }
    case TypeId::kStruct: {
      if (!v.is_object()) fail(w, at, v, t);
      int64_t row = col.size();
      append_members(col.children(), t.children(), v, row, w, &at);
      col.append_struct_valid();
      return;
    }
    case TypeId::kList: {
      if (!v.is_array()) fail(w, at, v, t);
      FieldPath elem{"[]", &at};
      for (const auto& e : v) append_value(col.child(0), e, w, elem);
      col.append_list_end();
      return;
    }
    case TypeId::kMap: {
      if (!v.is_object()) fail(w, at, v, t);
      Column& entries = col.child(0);
      for (const auto& [key, value] : v.items()) {
        FieldPath here{key, &at};
        entries.child(0).append_string(key);
        append_value(entries.child(1), value, w, here);
        entries.append_struct_valid();
      }
      col.append_list_end();
      return;
    }
    default: fail(w, at, v, t);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------

class NdjsonReader::Impl {
 public:
  Impl(std::string path, NdjsonReadOptions options);
  bool next(Batch& out);

  std::string path_;
  NdjsonReadOptions opt_;
  CompressedFileReader file_;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  int64_t line_ = 0;  // line number of the last line returned
  bool array_mode_ = false;
  Json array_;
  size_t array_next_ = 0;
  struct Record {
    Json value;
    int64_t position;
  };
  std::deque<Record> pending_;  // the sample, returned before reading on
  Schema schema_;
  int64_t rows_read_ = 0;

 private:
  void refill();
  bool next_line(std::string_view* line);
  bool next_record(Json* value, int64_t* position);
  void read_array();
};

NdjsonReader::Impl::Impl(std::string path, NdjsonReadOptions options)
    : path_(std::move(path)), opt_(std::move(options)), file_(path_, opt_.compression) {
  if (opt_.batch_rows <= 0)
    throw InvalidInputError(fmt::format("{}: batch_rows must be positive", path_));
  buf_.resize(kChunkBytes);
  refill();
  if (end_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;  // UTF-8 BOM
  // A file whose first non-blank character is '[' is one JSON array of objects.
  size_t p = pos_;
  while (p < end_ && (buf_[p] == ' ' || buf_[p] == '\t' || buf_[p] == '\n' || buf_[p] == '\r'))
    ++p;
  if (p < end_ && buf_[p] == '[') read_array();

  if (opt_.schema) {
    schema_ = *opt_.schema;
  } else {
    Shape top;
    top.kind = Shape::kObject;
    Json v;
    int64_t position;
    while (int64_t(pending_.size()) < opt_.sample_rows && next_record(&v, &position)) {
      top.unify(v);
      pending_.push_back({std::move(v), position});
    }
    for (size_t f = 0; f < top.field_names.size(); ++f)
      schema_.fields.emplace_back(top.field_names[f], top.field_shapes[f].type());
  }
  for (const auto& f : schema_.fields) check_supported(f.type, f.name);
}

void NdjsonReader::Impl::refill() {
  size_t keep = end_ - pos_;
  if (pos_ > 0 && keep > 0) std::memmove(buf_.data(), buf_.data() + pos_, keep);
  pos_ = 0;
  end_ = keep;
  if (buf_.size() - end_ < kChunkBytes / 2) buf_.resize(std::max(buf_.size() * 2, end_ + kChunkBytes));
  while (!eof_ && end_ < buf_.size()) {
    size_t got = file_.read(buf_.data() + end_, buf_.size() - end_);
    if (got == 0) eof_ = true;
    end_ += got;
  }
}

bool NdjsonReader::Impl::next_line(std::string_view* line) {
  while (true) {
    const void* nl = std::memchr(buf_.data() + pos_, '\n', end_ - pos_);
    size_t stop;
    if (nl) {
      stop = size_t(static_cast<const char*>(nl) - buf_.data());
    } else if (eof_) {
      if (pos_ >= end_) return false;
      stop = end_;
    } else {
      refill();
      continue;
    }
    size_t len = stop - pos_;
    if (len > 0 && buf_[stop - 1] == '\r') --len;
    *line = std::string_view(buf_.data() + pos_, len);
    pos_ = stop < end_ ? stop + 1 : end_;
    ++line_;
    return true;
  }
}

void NdjsonReader::Impl::read_array() {
  array_mode_ = true;
  std::string text(buf_.data() + pos_, end_ - pos_);
  pos_ = end_;
  std::vector<char> chunk(kChunkBytes);
  while (!eof_) {
    size_t got = file_.read(chunk.data(), chunk.size());
    if (got == 0) eof_ = true;
    text.append(chunk.data(), got);
  }
  try {
    array_ = Json::parse(text);
  } catch (const Json::parse_error& e) {
    int64_t line = 1 + std::count(text.begin(), text.begin() + std::min(e.byte, text.size()), '\n');
    throw InvalidInputError(fmt::format("{}:{}: invalid JSON: {}", path_, line, e.what()));
  }
  if (!array_.is_array())
    throw InvalidInputError(fmt::format("{}: expected a JSON array of objects", path_));
}

bool NdjsonReader::Impl::next_record(Json* value, int64_t* position) {
  if (array_mode_) {
    if (array_next_ >= array_.size()) return false;
    *position = int64_t(array_next_);
    *value = std::move(array_[array_next_++]);
    if (!value->is_object())
      throw InvalidInputError(fmt::format("{}: element {}: expected a JSON object, found {}",
                                          path_, *position, shorten(value->dump())));
    return true;
  }
  std::string_view line;
  while (next_line(&line)) {
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) continue;  // blank line
    *position = line_;
    try {
      *value = Json::parse(line);
    } catch (const Json::parse_error& e) {
      throw InvalidInputError(fmt::format("{}:{}: invalid JSON: {}", path_, line_, e.what()));
    }
    if (!value->is_object())
      throw InvalidInputError(fmt::format("{}:{}: expected a JSON object, found {}", path_, line_,
                                          shorten(value->dump())));
    return true;
  }
  return false;
}

bool NdjsonReader::Impl::next(Batch& out) {
  out = Batch::empty_of(schema_);
  int64_t n = 0;
  Json v;
  int64_t position = 0;
  while (n < opt_.batch_rows) {
    if (!pending_.empty()) {
      v = std::move(pending_.front().value);
      position = pending_.front().position;
      pending_.pop_front();
    } else if (!next_record(&v, &position)) {
      break;
    }
    Where w{&path_, position, array_mode_};
    append_members(out.columns, schema_.fields, v, n, w, nullptr);
    ++n;
  }
  out.rows_without_columns = n;
  rows_read_ += n;
  return n > 0;
}

// ---------------------------------------------------------------------------------------

NdjsonReader::NdjsonReader(std::string path, NdjsonReadOptions options)
    : impl_(std::make_unique<Impl>(std::move(path), std::move(options))) {}
NdjsonReader::~NdjsonReader() = default;
NdjsonReader::NdjsonReader(NdjsonReader&&) noexcept = default;
NdjsonReader& NdjsonReader::operator=(NdjsonReader&&) noexcept = default;

const Schema& NdjsonReader::schema() const { return impl_->schema_; }
bool NdjsonReader::next(Batch& out) { return impl_->next(out); }
int64_t NdjsonReader::rows_read() const { return impl_->rows_read_; }

}  // namespace floe::formats
