#include "sql/parser_state.h"

#include <fmt/format.h>

#include "sql/syntax_error.h"

namespace floe::sql::detail {

Parser::Parser(std::string_view source)
    : source_(source),
      tokens_(tokenize(source)),
      toks_(tokens_.data()),
      last_(tokens_.size() - 1) {}

bool Parser::at_word(std::string_view lower_word) const {
  const Token& t = peek();
  if (t.kind != TokenKind::kIdentifier || t.text.size() != lower_word.size()) return false;
  for (size_t i = 0; i < lower_word.size(); ++i) {
    char c = t.text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_word[i]) return false;
  }
  return true;
}

const Token& Parser::advance() {
  const Token& t = toks_[cur_];
  if (t.kind != TokenKind::kEnd) {
    ++cur_;
    last_end_ = t.end_offset();
  }
  return t;
}

bool Parser::accept(TokenKind kind) {
  if (!at(kind)) return false;
  advance();
  return true;
}

bool Parser::accept(Keyword k) {
  if (!at(k)) return false;
  advance();
  return true;
}

const Token& Parser::expect(TokenKind kind, std::string_view what) {
  if (!at(kind)) fail_expected(what);
  return advance();
}

const Token& Parser::expect(Keyword k) {
  if (!at(k)) fail_expected(keyword_name(k));
  return advance();
}

void Parser::expect_end_of_statement() {
  if (!at(TokenKind::kSemicolon) && !at(TokenKind::kEnd)) fail_expected("';' or end of input");
}

void Parser::fail_expected(std::string_view what) const {
  const Token& t = peek();
  std::string found = t.kind == TokenKind::kEnd ? std::string("end of input") : quote_found(t.text);
  throw_syntax_error(source_, t.pos, fmt::format("expected {}, found {}", what, found));
}

void Parser::fail_at(const Token& t, std::string_view message) const {
  throw_syntax_error(source_, t.pos, message);
}

void Parser::fail_unsupported(const Token& t, std::string_view what) const {
  throw_syntax_error(source_, t.pos, fmt::format("{} is not supported", what));
}

void Parser::fail_too_deep() const {
  fail_expected(fmt::format("at most {} levels of nesting", kMaxNestingDepth));
}

std::string Parser::name(std::string_view what) {
  if (!at_name()) fail_expected(what);
  return identifier_name(advance());
}

ObjectName Parser::object_name(std::string_view what) {
  ObjectName parts;
  parts.push_back(name(what));
  while (at(TokenKind::kDot) && is_name(peek(1))) {
    advance();
    parts.push_back(identifier_name(advance()));
  }
  return parts;
}

std::vector<std::string> Parser::name_list_in_parens(std::string_view what) {
  expect(TokenKind::kLeftParen, "'('");
  std::vector<std::string> names;
  do {
    names.push_back(name(what));
  } while (accept(TokenKind::kComma));
  expect(TokenKind::kRightParen, "',' or ')'");
  return names;
}

bool Parser::accept_if_not_exists() {
  if (!at(Keyword::kIf)) return false;
  advance();
  expect(Keyword::kNot);
  expect(Keyword::kExists);
  return true;
}

bool Parser::accept_if_exists() {
  if (!at(Keyword::kIf)) return false;
  advance();
  expect(Keyword::kExists);
  return true;
}

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

ExprPtr make_expr(ExprKind kind, SourcePos pos) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->pos = pos;
  return e;
}

ExprPtr make_binary(BinaryOp op, ExprPtr left, ExprPtr right, SourcePos pos) {
  ExprPtr e = make_expr(ExprKind::kBinary, pos);
  e->binary_op = op;
  e->args.reserve(2);
  e->args.push_back(std::move(left));
  e->args.push_back(std::move(right));
  return e;
}

ExprPtr make_unary(UnaryOp op, ExprPtr operand, SourcePos pos) {
  ExprPtr e = make_expr(ExprKind::kUnary, pos);
  e->unary_op = op;
  e->args.push_back(std::move(operand));
  return e;
}

ExprPtr make_function(std::string name, std::vector<ExprPtr> args, SourcePos pos) {
  ExprPtr e = make_expr(ExprKind::kFunction, pos);
  e->names.push_back(std::move(name));
  e->args = std::move(args);
  return e;
}

}  // namespace floe::sql::detail
