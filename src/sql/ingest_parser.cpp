// The grammar of loading and stages: CREATE STAGE / FILE FORMAT / PIPE, ALTER PIPE / STAGE,
// COPY INTO (loading and unloading), LIST, PUT, GET and REMOVE, and the `KEY = value`
// options they take. Layer: sql (parser).
#include <fmt/format.h>

#include "sql/parser_state.h"

namespace floe::sql::detail {

bool Parser::at_option() const {
  const Token& t = peek();
  return (t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier) &&
         peek(1).kind == TokenKind::kEqual;
}

ingest::OptionValue Parser::option_value() {
  using Kind = ingest::OptionValue::Kind;
  ingest::OptionValue v;
  const Token& t = peek();
  if (is_string_token(t)) {
    v.kind = Kind::kString;
    v.text = string_value(source_, t);
    advance();
    return v;
  }
  if (t.kind == TokenKind::kInteger || t.kind == TokenKind::kDecimal || t.kind == TokenKind::kFloat) {
    v.kind = Kind::kNumber;
    v.text = std::string(t.text);
    advance();
    return v;
  }
  if (t.kind == TokenKind::kMinus && (peek(1).kind == TokenKind::kInteger || peek(1).kind == TokenKind::kDecimal)) {
    advance();
    v.kind = Kind::kNumber;
    v.text = "-" + std::string(advance().text);
    return v;
  }
  if (t.kind == TokenKind::kLeftParen) {
    advance();
    if (at_option()) {
      v.kind = Kind::kGroup;
      v.group = options();
    } else {
      v.kind = Kind::kList;
      while (!at(TokenKind::kRightParen)) {
        v.items.push_back(option_value());
        if (!accept(TokenKind::kComma)) break;
      }
    }
    expect(TokenKind::kRightParen, "')' to close the option's value");
    return v;
  }
  if (t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier) {
    v.kind = Kind::kWord;
    v.text = t.kind == TokenKind::kIdentifier ? upper_ascii(t.text) : identifier_name(t);
    advance();
    while (at(TokenKind::kDot) && (peek(1).kind == TokenKind::kIdentifier || peek(1).kind == TokenKind::kQuotedIdentifier)) {
      advance();
      const Token& n = advance();
      v.text += "." + (n.kind == TokenKind::kIdentifier ? upper_ascii(n.text) : identifier_name(n));
    }
    return v;
  }
  fail_expected("an option value (a string, a number, a word or a parenthesised list)");
}

ingest::OptionList Parser::options() {
  ingest::OptionList out;
  while (at_option()) {
    const Token& k = advance();
    std::string key = k.kind == TokenKind::kIdentifier ? upper_ascii(k.text) : upper_ascii(identifier_name(k));
    advance();  // =
    out.push_back({key, option_value()});
    accept(TokenKind::kComma);
  }
  return out;
}

std::string Parser::stage_or_location(std::string_view what, SourcePos* pos) {
  const Token& t = peek();
  if (pos) *pos = t.pos;
  if (t.kind == TokenKind::kStage) return std::string(advance().text);
  if (is_string_token(t)) {
    std::string v = string_value(source_, t);
    advance();
    return v;
  }
  fail_expected(what);
}

std::string Parser::local_path_text() {
  const Token& t = peek();
  std::string text;
  if (is_string_token(t)) {
    text = string_value(source_, t);
    advance();
  } else if (t.kind == TokenKind::kFileUri) {
    text = std::string(advance().text);
  } else {
    fail_expected("a local file (file:///path or 'file:///path')");
  }
  if (text.rfind("file://", 0) == 0) text = text.substr(7);
  else if (text.rfind("file:", 0) == 0) text = text.substr(5);
  else fail_at(t, "a local file must start with file:// (file:///path/to/file)");
  return text;
}

void Parser::create_object(Statement& s, ObjectKind kind, bool or_replace, bool temporary) {
  advance();  // STAGE / FORMAT / PIPE
  auto c = std::make_unique<CreateObject>();
  c->kind = kind;
  c->or_replace = or_replace;
  c->temporary = temporary;
  c->if_not_exists = accept_if_not_exists();
  c->name = object_name(kind == ObjectKind::kStage            ? "a stage name"
                        : kind == ObjectKind::kPipe           ? "a pipe name"
                        : kind == ObjectKind::kQualityRuleset ? "a ruleset name"
                                                              : "a file format name");
  if (kind == ObjectKind::kQualityRuleset) {
    expect(Keyword::kOn);
    accept(Keyword::kTable);
    c->on_table = object_name("a table name");
  }
  c->options = options();
  if (kind == ObjectKind::kPipe) {
    expect(Keyword::kAs);
    if (!at_word("copy")) fail_expected("COPY INTO after CREATE PIPE .. AS");
    int32_t from = peek().pos.offset;
    c->copy = std::make_unique<Statement>();
    c->copy->pos = peek().pos;
    copy(*c->copy);
    c->copy_text = std::string(source_between(from, last_end_));
    c->copy->text = c->copy_text;
    if (c->copy->copy->into_location) fail_at(peek(), "a pipe loads a table: COPY INTO <table> FROM @stage");
  }
  s.kind = StatementKind::kCreateObject;
  s.create_object = std::move(c);
}

void Parser::evaluate_ruleset(Statement& s) {
  advance();  // EVALUATE
  if (!at_word("data")) fail_expected("DATA QUALITY RULESET after EVALUATE");
  advance();
  if (!at_word("quality")) fail_expected("QUALITY RULESET after EVALUATE DATA");
  advance();
  if (!at_word("ruleset")) fail_expected("RULESET after EVALUATE DATA QUALITY");
  advance();
  auto a = std::make_unique<AlterObject>();
  a->kind = ObjectKind::kQualityRuleset;
  a->refresh = true;
  a->name = object_name("a ruleset name");
  s.kind = StatementKind::kAlterObject;
  s.alter_object = std::move(a);
}

void Parser::alter_object(Statement& s, ObjectKind kind) {
  advance();  // PIPE / STAGE
  auto a = std::make_unique<AlterObject>();
  a->kind = kind;
  a->if_exists = accept_if_exists();
  a->name = object_name(kind == ObjectKind::kPipe ? "a pipe name" : "a stage name");
  if (kind == ObjectKind::kPipe && at_word("refresh")) {
    advance();
    a->refresh = true;
    a->options = options();
  } else if (accept(Keyword::kSet)) {
    a->options = options();
    if (a->options.empty()) fail_expected("an option (KEY = value) after SET");
  } else {
    fail_expected(kind == ObjectKind::kPipe ? "SET or REFRESH" : "SET");
  }
  s.kind = StatementKind::kAlterObject;
  s.alter_object = std::move(a);
}

void Parser::copy(Statement& s) {
  advance();  // COPY
  expect(Keyword::kInto);
  auto c = std::make_unique<Copy>();
  if (at(TokenKind::kStage) || is_string_token(peek())) {
    c->into_location = true;
    c->location = stage_or_location("a stage or location", &c->location_pos);
  } else {
    c->table = object_name("a table name, a stage (@name) or a location");
    if (at(TokenKind::kLeftParen)) c->columns = name_list_in_parens("a column name");
  }
  expect(Keyword::kFrom);
  if (c->into_location) {
    if (at(TokenKind::kLeftParen)) {
      advance();
      int32_t from = peek().pos.offset;
      c->query = query();
      c->query_text = std::string(source_between(from, last_end_));
      expect(TokenKind::kRightParen, "')' to close the query");
    } else {
      c->table = object_name("a table name or a (query)");
    }
  } else if (at(TokenKind::kLeftParen)) {
    advance();
    int32_t from = peek().pos.offset;
    c->query = query();
    c->query_text = std::string(source_between(from, last_end_));
    expect(TokenKind::kRightParen, "')' to close the COPY's SELECT");
  } else {
    c->location = stage_or_location("a stage (@name/path), a location or a (SELECT ..)", &c->location_pos);
  }
  for (;;) {
    if (at_option()) {
      for (auto& o : options()) c->options.push_back(std::move(o));
      continue;
    }
    if (c->into_location && at(Keyword::kPartition) && peek(1).is(Keyword::kBy)) {
      advance();
      advance();
      int32_t from = peek().pos.offset;
      c->partition_by = expr();
      c->partition_by_text = std::string(source_between(from, last_end_));
      continue;
    }
    break;
  }
  s.kind = StatementKind::kCopy;
  s.copy = std::move(c);
}

void Parser::stage_command(Statement& s, StageCommandKind kind) {
  advance();  // LIST / PUT / GET / REMOVE
  auto c = std::make_unique<StageCommand>();
  c->kind = kind;
  if (kind == StageCommandKind::kPut) {
    c->local = local_path_text();
    c->stage = stage_or_location("a stage (@name/path)");
  } else {
    c->stage = stage_or_location("a stage (@name/path)");
    if (kind == StageCommandKind::kGet) c->local = local_path_text();
  }
  if (c->stage.empty() || c->stage[0] != '@') fail_expected("a stage (@name/path)");
  c->options = options();
  s.kind = StatementKind::kStageCommand;
  s.stage_command = std::move(c);
}

}  // namespace floe::sql::detail
