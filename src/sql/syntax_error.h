// How a syntax error reads: its position, what was expected and what was found, then the
// source line and a caret under the position. Layer: sql. Shared by the lexer and parser.
#pragma once

#include <string>
#include <string_view>

#include "sql/ast.h"

namespace floe::sql {

// "syntax error at line L, column C: <message>\n  <source line>\n  <caret>". Lines longer
// than a screen are cut to a window around the position.
std::string format_syntax_error(std::string_view source, SourcePos pos, std::string_view message);

// Throws floe::SyntaxError with the message above.
[[noreturn]] void throw_syntax_error(std::string_view source, SourcePos pos,
                                     std::string_view message);

// How a piece of source is quoted after "found": 'text', cut when long.
std::string quote_found(std::string_view text);

}  // namespace floe::sql
