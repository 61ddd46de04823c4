// The parser's entry points and the statements small enough to live beside them (SHOW,
// DESCRIBE, EXPLAIN, transactions, USE, SET). The grammar is spread over the *_parser.cpp
// files by concept; parser_state.h declares it.
#include "sql/parser.h"

#include <fmt/format.h>

#include "sql/parser_state.h"

namespace floe::sql {

using detail::Parser;

namespace detail {

std::vector<Statement> Parser::statements() {
  std::vector<Statement> out;
  while (true) {
    while (accept(TokenKind::kSemicolon)) {
    }
    if (at(TokenKind::kEnd)) break;
    statement(out.emplace_back());
    expect_end_of_statement();
  }
  return out;
}

Statement Parser::single_statement() {
  while (accept(TokenKind::kSemicolon)) {
  }
  if (at(TokenKind::kEnd)) fail_expected("a statement");
  Statement s;
  statement(s);
  while (accept(TokenKind::kSemicolon)) {
  }
  if (!at(TokenKind::kEnd)) fail_expected("end of input");
  return s;
}

ExprPtr Parser::single_expression() {
  if (at(TokenKind::kEnd)) fail_expected("an expression");
  ExprPtr e = expr();
  if (!at(TokenKind::kEnd)) fail_expected("end of the expression");
  return e;
}

void Parser::statement(Statement& s) {
  DepthGuard guard(*this);
  const Token& first = peek();
  if (depth_ == 1) parameter_count_ = 0;
  s.pos = first.pos;
  switch (first.keyword) {
    case Keyword::kSelect:
    case Keyword::kWith:
    case Keyword::kValues:
      s.kind = StatementKind::kQuery;
      s.query = query();
      break;
    case Keyword::kCreate: create(s); break;
    case Keyword::kDrop: drop(s); break;
    case Keyword::kAlter: alter(s); break;
    case Keyword::kTruncate: truncate(s); break;
    case Keyword::kInsert: insert(s, false); break;
    case Keyword::kReplace:
      if (peek(1).keyword != Keyword::kInto) fail_expected("a statement");
      insert(s, true);
      break;
    case Keyword::kUpdate: update(s); break;
    case Keyword::kDelete: delete_from(s); break;
    case Keyword::kMerge: merge(s); break;
    case Keyword::kShow: show(s); break;
    case Keyword::kDescribe:
    case Keyword::kDesc: describe(s); break;
    case Keyword::kExplain: explain(s); break;
    case Keyword::kBegin:
      advance();
      if (!accept(Keyword::kTransaction)) accept(Keyword::kWork);
      s.kind = StatementKind::kBegin;
      break;
    case Keyword::kStart:
      advance();
      expect(Keyword::kTransaction);
      s.kind = StatementKind::kBegin;
      break;
    case Keyword::kCommit:
    case Keyword::kEnd:  // SQLite's END [TRANSACTION]
      advance();
      if (!accept(Keyword::kTransaction) && first.keyword == Keyword::kCommit) {
        accept(Keyword::kWork);
      }
      s.kind = StatementKind::kCommit;
      break;
    case Keyword::kRollback:
      advance();
      if (!accept(Keyword::kTransaction)) accept(Keyword::kWork);
      if (at(Keyword::kTo)) fail_unsupported(first, "ROLLBACK TO SAVEPOINT");
      s.kind = StatementKind::kRollback;
      break;
    case Keyword::kUse: use(s); break;
    case Keyword::kSet: set_variable(s, false); break;
    case Keyword::kUnset:
    case Keyword::kReset: set_variable(s, true); break;
    case Keyword::kReindex:
    case Keyword::kVacuum:
    case Keyword::kPragma:
    case Keyword::kAttach:
    case Keyword::kDetach:
    case Keyword::kAnalyze:
    case Keyword::kGrant:
    case Keyword::kRevoke: fail_unsupported(first, keyword_name(first.keyword));
    default:
      if (at_word("copy")) return copy(s);
      if (at_word("evaluate")) return evaluate_ruleset(s);
      if (at_word("list") || at_word("ls")) return stage_command(s, StageCommandKind::kList);
      if (at_word("put")) return stage_command(s, StageCommandKind::kPut);
      if (at_word("get")) return stage_command(s, StageCommandKind::kGet);
      if (at_word("remove") || at_word("rm")) return stage_command(s, StageCommandKind::kRemove);
      if (first.kind == TokenKind::kLeftParen) {
        s.kind = StatementKind::kQuery;
        s.query = query();
        break;
      }
      fail_expected("a statement");
  }
  s.text = std::string(source_between(first.pos.offset, last_end_));
}

void Parser::show(Statement& s) {
  advance();
  auto sh = std::make_unique<Show>();
  sh->terse = accept(Keyword::kTerse);
  const Token& what = peek();
  bool needs_object = false;
  switch (what.keyword) {
    case Keyword::kTables: sh->kind = ShowKind::kTables; break;
    case Keyword::kViews: sh->kind = ShowKind::kViews; break;
    case Keyword::kSchemas: sh->kind = ShowKind::kSchemas; break;
    case Keyword::kDatabases: sh->kind = ShowKind::kDatabases; break;
    case Keyword::kFunctions: sh->kind = ShowKind::kFunctions; break;
    case Keyword::kStages: sh->kind = ShowKind::kStages; break;
    case Keyword::kPipes: sh->kind = ShowKind::kPipes; break;
    case Keyword::kData:
      advance();
      if (!at_word("quality")) fail_expected("QUALITY RULESETS after SHOW DATA");
      advance();
      if (!at_word("rulesets")) fail_expected("RULESETS after SHOW DATA QUALITY");
      sh->kind = ShowKind::kQualityRulesets;
      break;
    case Keyword::kNone:
      if (at_word("file") && peek(1).kind == TokenKind::kIdentifier) {
        advance();
        if (!at_word("formats")) fail_expected("FORMATS after SHOW FILE");
        sh->kind = ShowKind::kFileFormats;
        break;
      }
      fail_expected("TABLES, VIEWS, SCHEMAS, DATABASES, FUNCTIONS, COLUMNS, SNAPSHOTS or CREATE");
    case Keyword::kTasks: sh->kind = ShowKind::kTasks; break;
    case Keyword::kColumns:
      sh->kind = ShowKind::kColumns;
      needs_object = true;
      break;
    case Keyword::kSnapshots:
      sh->kind = ShowKind::kSnapshots;
      needs_object = true;
      break;
    case Keyword::kCreate: {
      advance();
      if (at(Keyword::kTable)) {
        sh->kind = ShowKind::kCreateTable;
      } else if (at(Keyword::kView)) {
        sh->kind = ShowKind::kCreateView;
      } else {
        fail_expected("TABLE or VIEW after SHOW CREATE");
      }
      advance();
      sh->in = object_name(sh->kind == ShowKind::kCreateTable ? "a table name" : "a view name");
      s.kind = StatementKind::kShow;
      s.show = std::move(sh);
      return;
    }
    default:
      fail_expected("TABLES, VIEWS, SCHEMAS, DATABASES, FUNCTIONS, COLUMNS, SNAPSHOTS or CREATE");
  }
  advance();
  bool have_in = false;
  while (true) {
    if (at(Keyword::kLike) && sh->like.empty()) {
      advance();
      const Token& p = peek();
      if (p.kind != TokenKind::kString) fail_expected("a pattern string");
      sh->like = string_value(source_, advance());
    } else if ((at(Keyword::kIn) || at(Keyword::kFrom)) && !have_in) {
      advance();
      if (at(Keyword::kSchema) || at(Keyword::kDatabase) || at(Keyword::kTable)) {
        if (is_name(peek(1))) advance();
      }
      sh->in = object_name("a name");
      have_in = true;
    } else {
      break;
    }
  }
  if (needs_object && !have_in) fail_expected("IN and a table name");
  s.kind = StatementKind::kShow;
  s.show = std::move(sh);
}

void Parser::describe(Statement& s) {
  advance();
  auto d = std::make_unique<Describe>();
  if (at_query_start() || at(TokenKind::kLeftParen)) {
    d->query = query();
  } else {
    if (!accept(Keyword::kTable)) accept(Keyword::kView);
    d->name = object_name("a table name or a query");
  }
  s.kind = StatementKind::kDescribe;
  s.describe = std::move(d);
}

void Parser::explain(Statement& s) {
  advance();
  auto e = std::make_unique<Explain>();
  e->analyze = accept(Keyword::kAnalyze);
  e->verbose = accept(Keyword::kVerbose);
  if (at(TokenKind::kEnd) || at(TokenKind::kSemicolon)) fail_expected("a statement to explain");
  e->statement = std::make_unique<Statement>();
  statement(*e->statement);
  s.kind = StatementKind::kExplain;
  s.explain = std::move(e);
}

void Parser::use(Statement& s) {
  advance();
  auto u = std::make_unique<Use>();
  if (at(Keyword::kDatabase) && is_name(peek(1))) {
    advance();
    u->kind = ObjectKind::kDatabase;
  } else if (at(Keyword::kSchema) && (is_name(peek(1)) || peek(1).is(Keyword::kDefault))) {
    advance();
  }
  if (at(Keyword::kDefault) && (peek(1).kind == TokenKind::kEnd || peek(1).kind == TokenKind::kSemicolon)) {
    // USE default: the namespace every warehouse starts with (DEFAULT is a keyword).
    advance();
    u->name = {"default"};
  } else {
    u->name = object_name("a schema or database name");
  }
  s.kind = StatementKind::kUse;
  s.use = std::move(u);
}

void Parser::set_variable(Statement& s, bool unset) {
  advance();  // SET / UNSET / RESET
  auto v = std::make_unique<SetVariable>();
  v->unset = unset;
  v->name = name("a setting name");
  while (at(TokenKind::kDot) && is_name(peek(1))) {  // s3.region
    advance();
    v->name += '.';
    v->name += identifier_name(advance());
  }
  if (!unset) {
    if (!accept(TokenKind::kEqual) && !accept(Keyword::kTo)) fail_expected("'=' or TO");
    v->value = expr();
  }
  s.kind = StatementKind::kSet;
  s.set = std::move(v);
}

}  // namespace detail

std::vector<Statement> parse_statements(std::string_view script) {
  return Parser(script).statements();
}

Statement parse_statement(std::string_view text) { return Parser(text).single_statement(); }

ExprPtr parse_expression(std::string_view text) { return Parser(text).single_expression(); }

std::string quoted_name(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += '.';
    out += '"';
    for (char c : p) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    out += '"';
  }
  return out;
}

}  // namespace floe::sql
