// Compiling path text into steps and following the steps through JSON text.
#include "exec/json_path.h"

#include <fmt/format.h>

#include <limits>

#include "base/error.h"
#include "exec/json_text.h"

namespace floe::exec {

namespace {

[[noreturn]] void bad_path(std::string_view fn, std::string_view text, std::string_view why) {
  throw InvalidInputError(fmt::format("{}: invalid path '{}': {}", fn, text, why));
}

// Reads a quoted key starting at text[p] (the quote); returns the position after it.
size_t quoted_key(std::string_view text, size_t p, std::string& out, std::string_view fn) {
  const char quote = text[p++];
  for (;;) {
    if (p >= text.size()) bad_path(fn, text, "unterminated quoted key");
    char c = text[p++];
    if (c == '\\' && p < text.size()) {
      out += text[p++];
    } else if (c == quote) {
      if (p < text.size() && text[p] == quote) {
        out += quote;
        ++p;
      } else {
        return p;
      }
    } else {
      out += c;
    }
  }
}

bool simple_name(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alpha = (c | 32) >= 'a' && (c | 32) <= 'z';
    if (!(alpha || c == '_' || (i > 0 && c >= '0' && c <= '9'))) return false;
  }
  return true;
}

}  // namespace

JsonPath JsonPath::parse(std::string_view text, std::string_view fn) {
  JsonPath path;
  size_t p = 0;
  bool first = true;
  while (p < text.size()) {
    JsonPathStep step;
    char c = text[p];
    if (c == '[') {
      ++p;
      while (p < text.size() && text[p] == ' ') ++p;
      if (p >= text.size()) bad_path(fn, text, "unterminated '['");
      if (text[p] == '"' || text[p] == '\'') {
        p = quoted_key(text, p, step.name, fn);
      } else {
        bool negative = text[p] == '-';
        if (negative) ++p;
        size_t digits = p;
        int64_t v = 0;
        for (; p < text.size() && text[p] >= '0' && text[p] <= '9'; ++p)
          v = v > std::numeric_limits<int64_t>::max() / 10 - 1 ? std::numeric_limits<int64_t>::max()
                                                               : v * 10 + (text[p] - '0');
        if (p == digits) bad_path(fn, text, "expected an index or a quoted key after '['");
        step.is_index = true;
        step.index = negative ? -1 : v;
      }
      while (p < text.size() && text[p] == ' ') ++p;
      if (p >= text.size() || text[p] != ']') bad_path(fn, text, "expected ']'");
      ++p;
    } else {
      if (c == '.') {
        if (first) bad_path(fn, text, "a path must not start with '.'");
        ++p;
      } else if (!first) {
        bad_path(fn, text, fmt::format("unexpected '{}'", c));
      }
      if (p < text.size() && (text[p] == '"')) {
        p = quoted_key(text, p, step.name, fn);
      } else {
        size_t start = p;
        while (p < text.size() && text[p] != '.' && text[p] != '[') ++p;
        if (p == start) bad_path(fn, text, "empty key");
        step.name.assign(text.substr(start, p - start));
      }
    }
    path.steps_.push_back(std::move(step));
    first = false;
  }
  return path;
}

std::optional<std::string_view> JsonPath::find(std::string_view json, std::string_view fn) const {
  std::string_view v = trim_json_space(json);
  for (const JsonPathStep& step : steps_) {
    JsonKind kind = json_kind(v, fn);
    std::string_view key, value;
    bool found = false;
    if (step.is_index) {
      if (kind != JsonKind::kArray || step.index < 0) return std::nullopt;
      JsonItems items(v, fn);
      for (int64_t i = 0; items.next(&key, &value); ++i)
        if (i == step.index) {
          found = true;
          break;
        }
    } else {
      if (kind != JsonKind::kObject) return std::nullopt;
      JsonItems items(v, fn);
      while (items.next(&key, &value))
        if (json_string_equals(key, step.name)) {
          found = true;  // keys are unique in VARIANT text; the first match is the one
          break;
        }
    }
    if (!found) return std::nullopt;
    v = value;
  }
  return v;
}

void JsonPath::append_step(std::string& path, const JsonPathStep& step) {
  if (step.is_index) {
    fmt::format_to(std::back_inserter(path), "[{}]", step.index);
  } else if (simple_name(step.name)) {
    if (!path.empty()) path += '.';
    path += step.name;
  } else {
    path += "['";
    for (char c : step.name) {
      if (c == '\'' || c == '\\') path += '\\';
      path += c;
    }
    path += "']";
  }
}

std::string JsonPath::to_string() const {
  std::string s;
  for (const JsonPathStep& step : steps_) append_step(s, step);
  return s;
}

}  // namespace floe::exec
