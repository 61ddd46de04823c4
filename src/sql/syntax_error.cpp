#include "sql/syntax_error.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/error.h"

namespace floe::sql {
namespace {

constexpr size_t kWindowBefore = 60;  // bytes of a long line shown before the caret
constexpr size_t kWindowAfter = 60;
constexpr size_t kMaxFoundLength = 40;

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Moves `i` back to the start of the code point it is in.
size_t code_point_start(std::string_view s, size_t i) {
  while (i > 0 && i < s.size() && is_continuation(s[i])) --i;
  return i;
}

}  // namespace

std::string format_syntax_error(std::string_view source, SourcePos pos, std::string_view message) {
  std::string out =
      fmt::format("syntax error at line {}, column {}: {}", pos.line, pos.column, message);
  size_t offset = std::min(static_cast<size_t>(std::max(pos.offset, 0)), source.size());
  size_t line_start = offset == 0 ? std::string_view::npos : source.rfind('\n', offset - 1);
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  size_t line_end = source.find('\n', offset);
  if (line_end == std::string_view::npos) line_end = source.size();
  if (line_end > line_start && source[line_end - 1] == '\r') --line_end;

  size_t from = line_start;
  size_t to = line_end;
  if (offset - from > kWindowBefore) from = code_point_start(source, offset - kWindowBefore);
  if (to > offset && to - offset > kWindowAfter)
    to = code_point_start(source, offset + kWindowAfter);
  std::string_view excerpt = source.substr(from, to - from);

  out += "\n  ";
  if (from > line_start) out += "...";
  out += excerpt;
  if (to < line_end) out += "...";
  out += "\n  ";
  if (from > line_start) out += "   ";
  for (size_t i = from; i < offset && i < to; ++i) {
    char c = source[i];
    if (c == '\t') {
      out += '\t';
    } else if (!is_continuation(c)) {
      out += ' ';
    }
  }
  out += '^';
  return out;
}

void throw_syntax_error(std::string_view source, SourcePos pos, std::string_view message) {
  throw SyntaxError(format_syntax_error(source, pos, message));
}

std::string quote_found(std::string_view text) {
  if (text.size() <= kMaxFoundLength) return fmt::format("'{}'", text);
  size_t cut = code_point_start(text, kMaxFoundLength);
  return fmt::format("'{}...'", text.substr(0, cut));
}

}  // namespace floe::sql
