// The SQL parser: text to syntax tree (ast.h). Layer: sql. A hand-written recursive-descent
// parser over a lexer that keeps positions; errors are SyntaxError with the line and column
// of the offending token, what was expected and what was found, and an excerpt of the line
// with a caret under the position:
//
//   syntax error at line 1, column 15: expected an expression, found 'FROM'
//     SELECT a, b, FROM t
//                  ^
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sql/ast.h"

namespace floe::sql {

// Parses a script of statements separated by ';' (a trailing ';' is optional; empty
// statements are skipped). Each Statement's `text` is its own source text.
std::vector<Statement> parse_statements(std::string_view script);

// Parses exactly one statement (a trailing ';' is allowed).
Statement parse_statement(std::string_view text);

// Parses one expression (for filters given on the command line, defaults, checks).
ExprPtr parse_expression(std::string_view text);

// A dotted name with every part "double-quoted" (embedded quotes doubled), so that it reads
// back as exactly these parts: {"raw", "My Table"} -> "raw"."My Table".
std::string quoted_name(const std::vector<std::string>& parts);

// Splits a script into statement texts without parsing them: quotes ('..', "..", $$..$$),
// comments (-- .., /* .. */) and nesting are respected. `last_complete` (when given) is set
// to false when the text after the last ';' holds something other than blanks and
// comments: the interactive shell reads more lines until it is true.
std::vector<std::string> split_statements(std::string_view script, bool* last_complete = nullptr);

}  // namespace floe::sql
