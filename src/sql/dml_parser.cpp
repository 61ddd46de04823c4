// Data manipulation: INSERT (and SQLite's REPLACE INTO), UPDATE, DELETE and MERGE.
#include "sql/parser_state.h"

namespace floe::sql::detail {
namespace {

// The alias of a target table: [AS] name, where a bare word must not be the clause after it.
std::string target_alias(Parser& p) {
  if (p.accept(Keyword::kAs)) return p.name("an alias");
  if (p.at_name() && !p.at(Keyword::kSet)) return identifier_name(p.advance());
  return {};
}

}  // namespace

void Parser::insert(Statement& s, bool replace_into) {
  const Token& first = advance();  // INSERT / REPLACE
  auto i = std::make_unique<Insert>();
  i->or_replace = replace_into;
  if (!replace_into && at(Keyword::kOr)) {
    advance();
    if (accept(Keyword::kReplace)) {
      i->or_replace = true;
    } else if (accept(Keyword::kIgnore)) {
      i->or_ignore = true;
    } else {
      const Token& what = peek();
      if (at_word("abort") || at_word("fail") || at_word("rollback"))
        fail_unsupported(first, "INSERT OR " + upper_ascii(what.text));
      fail_expected("REPLACE or IGNORE after INSERT OR");
    }
  }
  if (!replace_into && accept(Keyword::kOverwrite)) {
    i->overwrite = true;
    if (!accept(Keyword::kInto)) accept(Keyword::kTable);
  } else {
    expect(Keyword::kInto);
  }
  i->table = object_name("a table name");
  if (at(TokenKind::kLeftParen) && !maybe_parenthesized_query()) {
    i->columns = name_list_in_parens("a column name");
  }
  if (at(Keyword::kDefault)) {
    advance();
    expect(Keyword::kValues);
    i->default_values = true;
  } else if (at_query_start() || at(Keyword::kValues) || at(TokenKind::kLeftParen)) {
    i->query = query();
  } else {
    fail_expected("VALUES, SELECT or DEFAULT VALUES");
  }
  s.kind = StatementKind::kInsert;
  s.insert = std::move(i);
}

std::vector<Assignment> Parser::assignments() {
  std::vector<Assignment> list;
  do {
    Assignment a;
    a.pos = peek().pos;
    a.column = object_name("a column name");
    expect(TokenKind::kEqual, "'='");
    if (!accept(Keyword::kDefault)) a.value = expr();
    list.push_back(std::move(a));
  } while (accept(TokenKind::kComma));
  return list;
}

void Parser::update(Statement& s) {
  advance();
  auto u = std::make_unique<Update>();
  u->table = object_name("a table name");
  u->alias = target_alias(*this);
  expect(Keyword::kSet);
  u->assignments = assignments();
  if (accept(Keyword::kFrom)) u->from = from_list();
  if (accept(Keyword::kWhere)) u->where = expr();
  s.kind = StatementKind::kUpdate;
  s.update = std::move(u);
}

void Parser::delete_from(Statement& s) {
  advance();
  expect(Keyword::kFrom);
  auto d = std::make_unique<Delete>();
  d->table = object_name("a table name");
  d->alias = target_alias(*this);
  if (accept(Keyword::kUsing)) d->using_tables = from_list();
  if (accept(Keyword::kWhere)) d->where = expr();
  s.kind = StatementKind::kDelete;
  s.del = std::move(d);
}

void Parser::merge(Statement& s) {
  advance();
  expect(Keyword::kInto);
  auto m = std::make_unique<Merge>();
  m->target = object_name("a table name");
  m->target_alias = target_alias(*this);
  expect(Keyword::kUsing);
  m->source = table_primary();
  expect(Keyword::kOn);
  m->on = expr();
  if (!at(Keyword::kWhen)) fail_expected("WHEN");
  while (at(Keyword::kWhen)) m->clauses.push_back(merge_clause());
  s.kind = StatementKind::kMerge;
  s.merge = std::move(m);
}

MergeClause Parser::merge_clause() {
  MergeClause c;
  c.pos = advance().pos;  // WHEN
  if (accept(Keyword::kNot)) {
    c.matched = false;
    expect(Keyword::kMatched);
    if (accept(Keyword::kBy)) {
      if (accept(Keyword::kSource)) {
        c.by_source = true;
      } else if (!accept(Keyword::kTarget)) {
        fail_expected("SOURCE or TARGET");
      }
    }
  } else {
    expect(Keyword::kMatched);
  }
  if (accept(Keyword::kAnd)) c.condition = expr();
  expect(Keyword::kThen);
  bool inserting = !c.matched && !c.by_source;
  const Token& action = peek();
  if (inserting) {
    if (!at(Keyword::kInsert)) fail_expected("INSERT");
    advance();
    c.action = MergeAction::kInsert;
    if (accept(TokenKind::kStar)) {
      c.insert_star = true;
    } else if (at(Keyword::kAll) || at(Keyword::kBy)) {
      accept(Keyword::kAll);  // INSERT [ALL] BY NAME
      expect(Keyword::kBy);
      expect(Keyword::kName);
      c.insert_star = true;
    } else {
      if (at(TokenKind::kLeftParen)) c.insert_columns = name_list_in_parens("a column name");
      expect(Keyword::kValues);
      expect(TokenKind::kLeftParen, "'('");
      c.insert_values = expression_list();
      expect(TokenKind::kRightParen, "',' or ')'");
    }
    return c;
  }
  if (action.keyword == Keyword::kUpdate) {
    advance();
    expect(Keyword::kSet);
    c.action = MergeAction::kUpdate;
    if (accept(TokenKind::kStar)) {
      c.update_star = true;
    } else {
      c.assignments = assignments();
    }
  } else if (action.keyword == Keyword::kDelete) {
    advance();
    c.action = MergeAction::kDelete;
  } else {
    fail_expected("UPDATE or DELETE");
  }
  return c;
}

}  // namespace floe::sql::detail
