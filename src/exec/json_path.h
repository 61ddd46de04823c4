// Paths into VARIANT values, as GET_PATH, the `:` operator and FLATTEN's PATH write them:
// `a.b[0].c`, `a["key with spaces"]`, `a['b']`, `"quoted".x`, `[2]`. A path is compiled
// once (a constant argument) and then followed through many documents. Layer: exec
// (private to the JSON functions and FLATTEN).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace floe::exec {

struct JsonPathStep {
  bool is_index = false;
  std::string name;   // a key (is_index false)
  int64_t index = 0;  // an array index (is_index true); negative never matches
};

class JsonPath {
 public:
  JsonPath() = default;  // the empty path: the whole value

  // Compiles path text. Keys are case-sensitive; an unquoted key runs to the next '.' or
  // '['; a quoted one ("..." or '...') may hold any character, with the quote doubled or
  // escaped by a backslash. The empty text is the whole value. Throws InvalidInputError
  // naming `fn` and the path when it is malformed.
  static JsonPath parse(std::string_view text, std::string_view fn);

  const std::vector<JsonPathStep>& steps() const { return steps_; }
  bool empty() const { return steps_.empty(); }

  // The value the path leads to in the JSON text `json` (a slice of it, as written there,
  // without surrounding whitespace), or nullopt when a key or index is missing or a step
  // meets a value of the wrong kind (a key into an array, an index into a string). Throws
  // InvalidInputError naming `fn` when the text it walks is not JSON.
  std::optional<std::string_view> find(std::string_view json, std::string_view fn) const;

  // The path as Snowflake's FLATTEN writes it: `a.b[0]`, `['key with spaces']`.
  std::string to_string() const;
  // Appends one step to a path text written that way (no '.' before a first key).
  static void append_step(std::string& path, const JsonPathStep& step);

 private:
  std::vector<JsonPathStep> steps_;
};

}  // namespace floe::exec
