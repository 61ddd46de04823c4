// FLATTEN over VARIANT text: the value the path leads to is normalised once, and every
// KEY/VALUE/THIS afterwards is a slice of that normalised text.
#include "exec/json_flatten.h"

#include <fmt/format.h>

#include "base/error.h"
#include "exec/json_text.h"
#include "exec/type_rules.h"

namespace floe::exec {

namespace {

constexpr const char* kFn = "flatten";

bool expands(JsonKind kind, FlattenMode mode) {
  if (kind == JsonKind::kObject) return mode != FlattenMode::kArray;
  if (kind == JsonKind::kArray) return mode != FlattenMode::kObject;
  return false;
}

void outer_row(FlattenRows& out, std::string_view path, std::optional<std::string_view> self) {
  out.key.append_null();
  out.path.append_string(path);
  out.index.append_null();
  out.value.append_null();
  if (self)
    out.this_value.append_string(*self);
  else
    out.this_value.append_null();
}

// Appends the rows of the normalised container `self` (whose path is `path`).
void expand(std::string_view self, const std::string& path, bool recursive, FlattenMode mode,
            FlattenRows& out) {
  const bool object = json_kind(self, kFn) == JsonKind::kObject;
  JsonItems items(self, kFn);
  std::string_view key, value;
  std::string name, element_path;
  for (int64_t i = 0; items.next(&key, &value); ++i) {
    JsonPathStep step;
    element_path = path;
    if (object) {
      name.clear();
      decode_json_string(key, name);
      out.key.append_string(name);
      out.index.append_null();
      step.name = name;
    } else {
      out.key.append_null();
      out.index.append<int64_t>(i);
      step.is_index = true;
      step.index = i;
    }
    JsonPath::append_step(element_path, step);
    out.path.append_string(element_path);
    out.value.append_string(value);
    out.this_value.append_string(self);
    // Normalised text nests at most kMaxJsonDepth levels, which bounds this recursion.
    if (recursive && expands(json_kind(value, kFn), mode))
      expand(value, element_path, recursive, mode, out);
  }
}

}  // namespace

FlattenRows::FlattenRows()
    : key(varchar_type()),
      path(varchar_type()),
      index(bigint_type()),
      value(varchar_type()),
      this_value(varchar_type()) {}

void flatten_json(std::string_view json, const JsonPath& path, bool outer, bool recursive,
                  FlattenRows& out, FlattenMode mode) {
  const std::string path_text = path.to_string();
  std::optional<std::string_view> found = path.find(json, kFn);
  if (!found) {
    if (outer) outer_row(out, path_text, std::nullopt);
    return;
  }
  std::string self;
  normalize_variant(*found, self, kFn);
  JsonKind kind = json_kind(self, kFn);
  const int64_t before = out.size();
  if (expands(kind, mode)) expand(self, path_text, recursive, mode, out);
  // THIS shows an empty container FLATTEN could expand; NULL for a wrong kind of value.
  if (out.size() == before && outer)
    outer_row(out, path_text,
              expands(kind, mode) ? std::optional<std::string_view>(self) : std::nullopt);
}

void flatten_json(std::string_view json, const std::string& path, bool outer, bool recursive,
                  FlattenRows& out, FlattenMode mode) {
  flatten_json(json, JsonPath::parse(path, kFn), outer, recursive, out, mode);
}

void flatten_null(const JsonPath& path, bool outer, FlattenRows& out) {
  if (outer) outer_row(out, path.to_string(), std::nullopt);
}

FlattenMode parse_flatten_mode(std::string_view text) {
  std::string m;
  for (char c : text) m += char(c >= 'a' && c <= 'z' ? c - 32 : c);
  if (m == "BOTH") return FlattenMode::kBoth;
  if (m == "OBJECT") return FlattenMode::kObject;
  if (m == "ARRAY") return FlattenMode::kArray;
  throw InvalidInputError(
      fmt::format("flatten: MODE '{}' is not one of 'OBJECT', 'ARRAY', 'BOTH'", text));
}

}  // namespace floe::exec
