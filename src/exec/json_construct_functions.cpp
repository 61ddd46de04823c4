// Snowflake's functions that build and change VARIANT values: ARRAY_CONSTRUCT,
// OBJECT_CONSTRUCT, OBJECT_CONSTRUCT_KEEP_NULL, ARRAY_SIZE, ARRAY_CONTAINS, ARRAY_APPEND,
// ARRAY_CAT, OBJECT_KEYS, OBJECT_INSERT, OBJECT_DELETE. Their value arguments are VARIANT
// parameters (json_treat.h): VARCHAR holds VARIANT text, other types are SQL values turned
// into JSON; results are normalised VARIANT text (object keys sorted and unique).
#include <algorithm>

#include "columnar/value_text.h"
#include "exec/column_builder.h"
#include "exec/function_library.h"
#include "exec/json_text.h"
#include "exec/variant_value_arg.h"

namespace floe::exec {

using columnar::Column;
using columnar::DataType;
using columnar::TypeId;

void register_json_construct_functions(FunctionTable& t);

namespace {

std::vector<ValueArg> value_args(const ScalarArgs& a, size_t from, size_t step,
                                 std::string_view fn) {
  std::vector<ValueArg> args;
  args.reserve(a.columns.size());
  for (size_t i = from; i < a.columns.size(); i += step) args.emplace_back(a, i, fn);
  return args;
}

// The normalised VARIANT text of a row that must be of `kind` (an array or an object).
void read_container(std::string_view text, JsonKind kind, std::string& out, std::string_view fn,
                    int arg) {
  normalize_variant(text, out, fn);
  if (json_kind(out, fn) != kind)
    throw InvalidInputError(fmt::format("{}: argument {} {} is not an {}", fn, arg,
                                        shown_value(out),
                                        kind == JsonKind::kArray ? "ARRAY" : "OBJECT"));
}

// One member of an object being built: its key and the range of its JSON value in a buffer.
struct Entry {
  std::string key;
  size_t begin;
  size_t end;
};

// Writes {"key":value,...} in key order; a key given twice is an error naming `fn`.
void write_object(std::vector<Entry>& entries, std::string_view values, std::string& out,
                  std::string_view fn) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& x, const Entry& y) { return x.key < y.key; });
  out += '{';
  for (size_t k = 0; k < entries.size(); ++k) {
    if (k + 1 < entries.size() && entries[k].key == entries[k + 1].key)
      throw InvalidInputError(fmt::format("{}: duplicate key '{}'", fn, entries[k].key));
    if (k) out += ',';
    columnar::append_json_string(entries[k].key, out);
    out += ':';
    out.append(values.substr(entries[k].begin, entries[k].end - entries[k].begin));
  }
  out += '}';
}

// The members of a normalised object as entries over `object` itself.
void object_entries(std::string_view object, std::vector<Entry>& entries, std::string_view fn) {
  JsonItems items(object, fn);
  std::string_view key, value;
  while (items.next(&key, &value)) {
    Entry& e = entries.emplace_back();
    decode_json_string(key, e.key);
    e.begin = size_t(value.data() - object.data());
    e.end = e.begin + value.size();
  }
}

// ---- array_construct, object_construct ----

Column array_construct_kernel(const ScalarArgs& a, const DataType& rt) {
  auto args = value_args(a, 0, 1, "array_construct");
  StringBuilder b(rt, a.rows);
  std::string buf;
  for (int64_t i = 0; i < a.rows; ++i) {
    buf.assign("[");
    for (size_t k = 0; k < args.size(); ++k) {
      if (k) buf += ',';
      args[k].append(i, buf);
    }
    buf += ']';
    b.append(buf);
  }
  return b.finish();
}

std::optional<ScalarFunction> bind_array_construct(std::span<const DataType> args) {
  std::vector<DataType> types;
  for (const auto& t : args) types.push_back(value_arg_type(t));
  return bound(varchar_type(), std::move(types), array_construct_kernel);
}

template <bool kKeepNull>
Column object_construct_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = kKeepNull ? "object_construct_keep_null" : "object_construct";
  auto values = value_args(a, 1, 2, fn);
  StringBuilder b(rt, a.rows);
  std::vector<Entry> entries;
  std::string buf, out;
  for (int64_t i = 0; i < a.rows; ++i) {
    entries.clear();
    buf.clear();
    for (size_t k = 0; k < values.size(); ++k) {
      const Column& key = *a.columns[2 * k];
      // Snowflake omits a pair whose key is NULL, and one whose value is NULL unless asked.
      if (key.is_null(is_constant(a, 2 * k) ? 0 : i)) continue;
      if (!kKeepNull && values[k].is_null(i)) continue;
      Entry& e = entries.emplace_back();
      e.key.assign(key.string_at(is_constant(a, 2 * k) ? 0 : i));
      e.begin = buf.size();
      values[k].append(i, buf);
      e.end = buf.size();
    }
    out.clear();
    write_object(entries, buf, out, fn);
    b.append(out);
  }
  return b.finish();
}

template <bool kKeepNull>
std::optional<ScalarFunction> bind_object_construct(std::span<const DataType> args) {
  if (args.size() % 2) return std::nullopt;
  std::vector<DataType> types;
  for (size_t i = 0; i < args.size(); i += 2) {
    if (!text_or_null(args[i])) return std::nullopt;
    types.push_back(varchar_type());
    types.push_back(value_arg_type(args[i + 1]));
  }
  return bound(varchar_type(), std::move(types), object_construct_kernel<kKeepNull>);
}

// ---- array_size, array_contains ----

Column array_size_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  return map_fixed_or_null<int64_t>(a.columns, a.rows, rt, [&](int64_t i, int64_t* out) {
    std::string_view text = trim_json_space(v.string_at(i));
    if (json_kind(text, "array_size") != JsonKind::kArray) return false;
    JsonItems items(text, "array_size");
    std::string_view key, value;
    int64_t n = 0;
    while (items.next(&key, &value)) ++n;
    *out = n;
    return true;
  });
}

Column array_contains_kernel(const ScalarArgs& a, const DataType& rt) {
  ValueArg value(a, 0, "array_contains");
  const Column& arr = *a.columns[1];
  std::string want, array;
  return map_fixed<uint8_t>(a.columns, a.rows, rt, [&](int64_t i) -> uint8_t {
    want.clear();
    value.append(i, want);
    array.clear();
    read_container(arr.string_at(i), JsonKind::kArray, array, "array_contains", 2);
    JsonItems items(array, "array_contains");
    std::string_view key, element;
    while (items.next(&key, &element))
      if (json_equal(want, element)) return 1;
    return 0;
  });
}

std::optional<ScalarFunction> bind_array_contains(std::span<const DataType> args) {
  if (args.size() != 2 || !text_or_null(args[1])) return std::nullopt;
  return bound(boolean_type(), {value_arg_type(args[0]), varchar_type()}, array_contains_kernel);
}

// ---- array_append, array_cat ----

Column array_append_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& arr = *a.columns[0];
  ValueArg value(a, 1, "array_append");
  StringBuilder b(rt, a.rows);
  std::string buf;
  for (int64_t i = 0; i < a.rows; ++i) {
    if (arr.is_null(i)) {
      b.append_null();
      continue;
    }
    buf.clear();
    read_container(arr.string_at(i), JsonKind::kArray, buf, "array_append", 1);
    buf.pop_back();  // ']'
    if (buf.size() > 1) buf += ',';
    value.append(i, buf);  // SQL NULL appends JSON null, as Snowflake's undefined element reads
    buf += ']';
    b.append(buf);
  }
  return b.finish();
}

std::optional<ScalarFunction> bind_array_append(std::span<const DataType> args) {
  if (args.size() != 2 || !text_or_null(args[0])) return std::nullopt;
  return bound(varchar_type(), {varchar_type(), value_arg_type(args[1])}, array_append_kernel);
}

Column array_cat_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& x = *a.columns[0];
  const Column& y = *a.columns[1];
  std::string buf, second;
  return map_string(a.columns, a.rows, rt, string_bytes(x) + string_bytes(y),
                    [&](int64_t i, StringBuilder& b) {
                      buf.clear();
                      second.clear();
                      read_container(x.string_at(i), JsonKind::kArray, buf, "array_cat", 1);
                      read_container(y.string_at(i), JsonKind::kArray, second, "array_cat", 2);
                      buf.pop_back();
                      if (buf.size() > 1 && second.size() > 2) buf += ',';
                      buf.append(second, 1);
                      b.append(buf);
                    });
}

// ---- array_to_string ----

// Snowflake's ARRAY_TO_STRING(array, separator): the elements as text (strings without their
// quotes, other values as their JSON), a NULL element as an empty string.
Column array_to_string_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  const Column& sep = *a.columns[1];
  std::string arr, buf;
  return map_string(a.columns, a.rows, rt, string_bytes(v), [&](int64_t i, StringBuilder& b) {
    std::string_view text = trim_json_space(v.string_at(i));
    if (json_kind(text, "array_to_string") != JsonKind::kArray)
      throw InvalidInputError(fmt::format("array_to_string: {} is not an array",
                                          shown_value(text)));
    arr.clear();
    normalize_variant(text, arr, "array_to_string");
    JsonItems items(arr, "array_to_string");
    std::string_view key, value;
    buf.clear();
    bool first = true;
    while (items.next(&key, &value)) {
      if (!first) buf += sep.string_at(i);
      first = false;
      if (value == "null") continue;
      if (!value.empty() && value[0] == '"')
        decode_json_string(value, buf);
      else
        buf += value;
    }
    b.append(buf);
  });
}

// ---- object_keys, object_insert, object_delete ----

Column object_keys_kernel(const ScalarArgs& a, const DataType& rt) {
  const Column& v = *a.columns[0];
  std::string obj, buf;
  return map_string(a.columns, a.rows, rt, 0, [&](int64_t i, StringBuilder& b) {
    std::string_view text = trim_json_space(v.string_at(i));
    if (json_kind(text, "object_keys") != JsonKind::kObject) return b.append_null();
    obj.clear();
    normalize_variant(text, obj, "object_keys");
    JsonItems items(obj, "object_keys");
    std::string_view key, value;
    buf.assign("[");
    while (items.next(&key, &value)) {
      if (buf.size() > 1) buf += ',';
      buf += key;  // normalised keys are normalised JSON strings
    }
    buf += ']';
    b.append(buf);
  });
}

// OBJECT_INSERT(obj, key, value[, update]): a new key, or (with update) a replaced value. A
// NULL value inserts nothing; with update it removes the key.
Column object_insert_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = "object_insert";
  const Column& obj = *a.columns[0];
  const Column& key = *a.columns[1];
  ValueArg value(a, 2, fn);
  const Column* update = a.columns.size() > 3 ? a.columns[3] : nullptr;
  std::vector<const Column*> required = {&obj, &key};
  if (update) required.push_back(update);
  RowMask mask = valid_rows(required, a.rows);
  StringBuilder b(rt, a.rows);
  std::string object, values, out;
  std::vector<Entry> entries;
  for (int64_t i = 0; i < a.rows; ++i) {
    if (!mask.valid(i)) {
      b.append_null();
      continue;
    }
    object.clear();
    read_container(obj.string_at(i), JsonKind::kObject, object, fn, 1);
    entries.clear();
    object_entries(object, entries, fn);
    std::string_view name = key.string_at(i);
    bool replace = update && update->value<uint8_t>(i);
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const Entry& e) { return e.key == name; });
    if (it != entries.end() && !replace)
      throw InvalidInputError(fmt::format(
          "{}: key '{}' already exists; pass TRUE as the fourth argument to replace it", fn, name));
    // Members of the object and the new value share one buffer.
    values.assign(object);
    if (value.is_null(i)) {
      if (it != entries.end()) entries.erase(it);
    } else {
      size_t begin = values.size();
      value.append(i, values);
      if (it == entries.end()) it = entries.insert(entries.end(), Entry{std::string(name), 0, 0});
      it->begin = begin;
      it->end = values.size();
    }
    out.clear();
    write_object(entries, values, out, fn);
    b.append(out);
  }
  return b.finish();
}

std::optional<ScalarFunction> bind_object_insert(std::span<const DataType> args) {
  if (args.size() < 3 || args.size() > 4 || !text_or_null(args[0]) || !text_or_null(args[1]))
    return std::nullopt;
  std::vector<DataType> types = {varchar_type(), varchar_type(), value_arg_type(args[2])};
  if (args.size() == 4) {
    if (!can_implicitly_cast(args[3], boolean_type())) return std::nullopt;
    types.push_back(boolean_type());
  }
  return bound(varchar_type(), std::move(types), object_insert_kernel);
}

Column object_delete_kernel(const ScalarArgs& a, const DataType& rt) {
  const char* fn = "object_delete";
  const Column& obj = *a.columns[0];
  std::string object, out;
  std::string_view key, value;
  StringBuilder b(rt, a.rows, string_bytes(obj));
  for (int64_t i = 0; i < a.rows; ++i) {
    if (obj.is_null(i)) {
      b.append_null();
      continue;
    }
    object.clear();
    read_container(obj.string_at(i), JsonKind::kObject, object, fn, 1);
    out.assign("{");
    JsonItems items(object, fn);
    while (items.next(&key, &value)) {
      bool drop = false;
      for (size_t k = 1; k < a.columns.size() && !drop; ++k) {
        const Column& name = *a.columns[k];
        int64_t r = is_constant(a, k) ? 0 : i;
        drop = name.is_valid(r) && json_string_equals(key, name.string_at(r));
      }
      if (drop) continue;
      if (out.size() > 1) out += ',';
      out.append(key.data(), size_t(value.data() + value.size() - key.data()));
    }
    out += '}';
    b.append(out);
  }
  return b.finish();
}

std::optional<ScalarFunction> bind_object_delete(std::span<const DataType> args) {
  if (args.size() < 2) return std::nullopt;
  for (const auto& t : args)
    if (!text_or_null(t)) return std::nullopt;
  return bound(varchar_type(), std::vector<DataType>(args.size(), varchar_type()),
               object_delete_kernel);
}

}  // namespace

void register_json_construct_functions(FunctionTable& t) {
  const DataType V = varchar_type(), I = bigint_type();
  t.add("array_construct").rule("array_construct([ANY, ...])", bind_array_construct);
  t.add("object_construct")
      .rule("object_construct([VARCHAR, ANY, ...])", bind_object_construct<false>);
  t.add("object_construct_keep_null")
      .rule("object_construct_keep_null([VARCHAR, ANY, ...])", bind_object_construct<true>);
  t.add("array_size").overload({V}, I, array_size_kernel);
  t.add("array_contains").rule("array_contains(ANY, VARIANT)", bind_array_contains);
  t.add("array_append").rule("array_append(VARIANT, ANY)", bind_array_append);
  t.add("array_cat").overload({V, V}, V, array_cat_kernel);
  t.add("array_to_string").overload({V, V}, V, array_to_string_kernel);
  t.add("object_keys").overload({V}, V, object_keys_kernel);
  t.add("object_insert")
      .rule("object_insert(VARIANT, VARCHAR, ANY[, BOOLEAN])", bind_object_insert);
  t.add("object_delete").rule("object_delete(VARIANT, VARCHAR[, ...])", bind_object_delete);
}

}  // namespace floe::exec
