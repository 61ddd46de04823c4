// The SQL lexer: statement text to tokens that borrow the text and know their position.
// Layer: sql. One pass over a string_view, no allocation per character; comments and blanks
// are dropped. Malformed input (an unterminated string or comment, a bad number, a stray
// character) is a SyntaxError pointing at it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sql/ast.h"
#include "sql/keyword.h"

namespace floe::sql {

enum class TokenKind : uint8_t {
  kEnd,               // end of input; positioned just after the last token
  kIdentifier,        // unquoted word; `keyword` is set when it spells one
  kQuotedIdentifier,  // "..." or `...`; text keeps the quotes
  kInteger,           // 123
  kDecimal,           // 1.5, .5, 1.
  kFloat,             // 1e10, 1.5E-3
  kString,            // '...'; text keeps the quotes ('' inside stands for ')
  kEscapeString,      // E'...' with backslash escapes
  kDollarString,      // $$...$$ or $tag$...$tag$
  kBlob,              // X'0A1B'
  kParameter,         // ? or ?3
  kPositional,        // $1
  kFileUri,           // file:///path/name*.csv, unquoted (PUT and GET)
  kStage,             // @stage/path, @%table, @~ (a stage reference, up to a blank or ( ) , ;)
  kLeftParen,
  kRightParen,
  kLeftBracket,
  kRightBracket,
  kLeftBrace,
  kRightBrace,
  kComma,
  kSemicolon,
  kDot,
  kColon,
  kDoubleColon,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kConcat,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kBitOr,
  kBitAnd,
  kBitXor,
  kBitNot,
  kShiftLeft,
  kShiftRight,
  kFatArrow,   // =>
  kThinArrow,  // ->
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  Keyword keyword = Keyword::kNone;  // only for kIdentifier
  std::string_view text;             // as written
  SourcePos pos;                     // of the first character

  int32_t end_offset() const { return pos.offset + static_cast<int32_t>(text.size()); }
  bool is(Keyword k) const { return keyword == k; }
};

// All tokens of `source`, ending with one kEnd token. Columns count code points.
// Throws SyntaxError for malformed input.
std::vector<Token> tokenize(std::string_view source);

// The name an identifier token stands for: unquoted words folded to lower case, quoted ones
// without their quotes and with doubled quotes undone.
std::string identifier_name(const Token& token);

// The value of a string token (kString, kEscapeString, kDollarString) or the bytes of a
// kBlob. `source` is the whole input, for error messages about bad escapes.
std::string string_value(std::string_view source, const Token& token);

}  // namespace floe::sql
