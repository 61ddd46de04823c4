// split_statements: cuts a script at the semicolons that end statements, without parsing.
// Quotes, comments and parentheses are respected; malformed text is never an error here
// (the parser reports it), an unterminated quote or comment only makes the script incomplete.
#include <cstddef>

#include <cctype>

#include "sql/parser.h"

namespace floe::sql {
namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

// The end of the quoted text that starts at `i` (just past its closing quote), or npos.
size_t skip_quoted(std::string_view s, size_t i, bool backslash_escapes) {
  char quote = s[i];
  for (size_t k = i + 1; k < s.size(); ++k) {
    if (backslash_escapes && s[k] == '\\') {
      ++k;
    } else if (s[k] == quote) {
      if (k + 1 < s.size() && s[k + 1] == quote) {
        ++k;
      } else {
        return k + 1;
      }
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<std::string> split_statements(std::string_view script, bool* last_complete) {
  std::vector<std::string> out;
  constexpr size_t kNone = std::string_view::npos;
  size_t first = kNone;  // first byte of the current statement's first token
  size_t last_end = 0;   // end of its last token so far
  int depth = 0;
  bool open_quote_or_comment = false;
  auto token = [&](size_t from, size_t to) {
    if (first == kNone) first = from;
    last_end = to;
  };

  size_t i = 0;
  while (i < script.size()) {
    char c = script[i];
    char n = i + 1 < script.size() ? script[i + 1] : '\0';
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
    } else if ((c == 'f' || c == 'F') && (script.substr(i, 7) == "file://" || script.substr(i, 7) == "FILE://") &&
               (i == 0 || !(std::isalnum(static_cast<unsigned char>(script[i - 1])) || script[i - 1] == '_'))) {
      // An unquoted file:///path/*.csv (PUT, GET) up to the next blank: its /* is no comment.
      size_t from = i;
      while (i < script.size() && !std::isspace(static_cast<unsigned char>(script[i])) && script[i] != ';') ++i;
      token(from, i);
    } else if (c == '-' && n == '-') {
      size_t nl = script.find('\n', i);
      i = nl == kNone ? script.size() : nl;
    } else if (c == '/' && n == '*') {
      size_t close = script.find("*/", i + 2);
      if (close == kNone) {
        open_quote_or_comment = true;
        i = script.size();
      } else {
        i = close + 2;
      }
    } else if (c == '\'' || c == '"' || c == '`') {
      size_t end = skip_quoted(script, i, false);
      if (end == kNone) {
        open_quote_or_comment = true;
        end = script.size();
      }
      token(i, end);
      i = end;
    } else if (c == '$' && !(n >= '0' && n <= '9')) {
      // $$ .. $$ or $tag$ .. $tag$; a lone $ is just a character.
      size_t k = i + 1;
      while (k < script.size() && script[k] != '$' && is_word_char(script[k])) ++k;
      if (k < script.size() && script[k] == '$') {
        std::string_view tag = script.substr(i, k + 1 - i);
        size_t close = script.find(tag, k + 1);
        size_t end = close == kNone ? script.size() : close + tag.size();
        if (close == kNone) open_quote_or_comment = true;
        token(i, end);
        i = end;
      } else {
        token(i, i + 1);
        ++i;
      }
    } else if (is_word_char(c)) {
      size_t k = i;
      while (k < script.size() && is_word_char(script[k])) ++k;
      if (k - i == 1 && k < script.size() && script[k] == '\'' &&
          (c == 'e' || c == 'E' || c == 'x' || c == 'X')) {
        size_t end = skip_quoted(script, k, c == 'e' || c == 'E');
        if (end == kNone) {
          open_quote_or_comment = true;
          end = script.size();
        }
        k = end;
      }
      token(i, k);
      i = k;
    } else if (c == ';' && depth == 0) {
      if (first != kNone) out.emplace_back(script.substr(first, last_end - first));
      first = kNone;
      ++i;
    } else {
      if (c == '(') ++depth;
      if (c == ')' && depth > 0) --depth;
      token(i, i + 1);
      ++i;
    }
  }
  bool complete = first == kNone && !open_quote_or_comment;
  if (first != kNone) out.emplace_back(script.substr(first, last_end - first));
  if (last_complete) *last_complete = complete;
  return out;
}

}  // namespace floe::sql
