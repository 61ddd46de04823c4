// Type names as written in casts and column definitions: one or several words, integer
// parameters, nested element and field types.
#include "sql/parser_state.h"

namespace floe::sql::detail {
namespace {

bool takes_element_types(std::string_view name) {
  return name == "ARRAY" || name == "LIST" || name == "MAP";
}

bool takes_fields(std::string_view name) {
  return name == "STRUCT" || name == "OBJECT" || name == "ROW";
}

}  // namespace

TypeName Parser::type_name() {
  DepthGuard guard(*this);
  const Token& first = peek();
  bool word = (first.kind == TokenKind::kIdentifier && !is_reserved(first.keyword)) ||
              first.kind == TokenKind::kQuotedIdentifier;
  if (!word) fail_expected("a type");
  TypeName t;
  t.pos = first.pos;
  t.name = first.kind == TokenKind::kQuotedIdentifier ? upper_ascii(identifier_name(first))
                                                      : upper_ascii(first.text);
  advance();

  // Names of several words.
  if (t.name == "DOUBLE" && accept(Keyword::kPrecision)) {
    t.name = "DOUBLE PRECISION";
  } else if ((t.name == "CHARACTER" || t.name == "CHAR") && accept(Keyword::kVarying)) {
    t.name += " VARYING";
  } else if ((t.name == "SIGNED" || t.name == "UNSIGNED") &&
             (at_word("integer") || at_word("int") || at_word("bigint"))) {
    t.name += " " + upper_ascii(advance().text);
  }

  if (at(TokenKind::kLeftParen)) {
    advance();
    if (takes_element_types(t.name)) {
      do {
        t.fields.push_back({std::string(), type_name()});
      } while (accept(TokenKind::kComma));
    } else if (takes_fields(t.name)) {
      do {
        std::string field = name("a field name");
        t.fields.push_back({std::move(field), type_name()});
      } while (accept(TokenKind::kComma));
    } else {
      do {
        if (!at(TokenKind::kInteger)) fail_expected("an integer type parameter");
        t.params.push_back(integer_value(advance()));
      } while (accept(TokenKind::kComma));
    }
    expect(TokenKind::kRightParen, "',' or ')'");
  }

  if ((t.name == "TIMESTAMP" || t.name == "TIME") &&
      (at(Keyword::kWith) || at(Keyword::kWithout)) && peek(1).keyword == Keyword::kTime) {
    bool with = advance().keyword == Keyword::kWith;
    advance();
    expect(Keyword::kZone);
    t.name += with ? " WITH TIME ZONE" : " WITHOUT TIME ZONE";
  }

  // INT[] is an array of INT.
  while (at(TokenKind::kLeftBracket) && peek(1).kind == TokenKind::kRightBracket) {
    advance();
    advance();
    TypeName array;
    array.name = "ARRAY";
    array.pos = t.pos;
    array.fields.push_back({std::string(), std::move(t)});
    t = std::move(array);
  }
  return t;
}

}  // namespace floe::sql::detail
