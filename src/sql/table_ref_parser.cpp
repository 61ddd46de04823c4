// The FROM clause: named tables with time travel and aliases, subqueries, VALUES, table
// functions, and the joins between them (left-deep, in the order written).
#include "base/error.h"
#include "sql/parser_state.h"

namespace floe::sql::detail {

std::vector<TableRefPtr> Parser::from_list() {
  std::vector<TableRefPtr> refs;
  do {
    refs.push_back(table_ref());
  } while (accept(TokenKind::kComma));
  return refs;
}

TableRefPtr Parser::table_ref() {
  DepthGuard guard(*this);
  TableRefPtr left = table_primary();
  while (true) {
    const Token& t = peek();
    bool natural = false;
    if (t.keyword == Keyword::kNatural) {
      natural = true;
      advance();
    }
    JoinType type = JoinType::kInner;
    switch (peek().keyword) {
      case Keyword::kJoin: break;
      case Keyword::kInner: advance(); break;
      case Keyword::kLeft:
        type = JoinType::kLeft;
        advance();
        accept(Keyword::kOuter);
        break;
      case Keyword::kRight:
        type = JoinType::kRight;
        advance();
        accept(Keyword::kOuter);
        break;
      case Keyword::kFull:
        type = JoinType::kFull;
        advance();
        accept(Keyword::kOuter);
        break;
      case Keyword::kCross:
        type = JoinType::kCross;
        advance();
        break;
      default:
        if (natural) fail_expected("JOIN");
        return left;
    }
    expect(Keyword::kJoin);
    auto join = std::make_unique<TableRef>();
    join->kind = TableRefKind::kJoin;
    join->pos = left->pos;
    join->join_type = type;
    join->natural = natural;
    join->left = std::move(left);
    join->right = table_primary();
    if (!natural && type != JoinType::kCross) {
      if (accept(Keyword::kOn)) {
        join->on = expr();
      } else if (at(Keyword::kUsing)) {
        advance();
        join->using_columns = name_list_in_parens("a column name");
      } else if (type != JoinType::kInner) {
        fail_expected("ON or USING");
      }
    }
    left = std::move(join);
  }
}

TableRefPtr Parser::table_primary() {
  DepthGuard guard(*this);
  const Token& first = peek();
  auto t = std::make_unique<TableRef>();
  t->pos = first.pos;
  t->lateral = accept(Keyword::kLateral);

  if (at(TokenKind::kStage)) {
    t->kind = TableRefKind::kStage;
    t->name = {std::string(advance().text)};
    if (at(TokenKind::kLeftParen) && (peek(1).kind == TokenKind::kIdentifier) && peek(2).kind == TokenKind::kFatArrow) {
      advance();
      do {
        std::string arg = name("an option name");
        expect(TokenKind::kFatArrow, "'=>'");
        push_argument(t->args, t->arg_names, expr(), arg);
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRightParen, "',' or ')'");
    }
    table_alias(*t, false);
    return t;
  }

  if (at(Keyword::kValues) && peek(1).kind == TokenKind::kLeftParen) {
    // Snowflake's FROM VALUES (..), (..) [AS t (a, b)], without parentheses around it.
    advance();
    t->kind = TableRefKind::kValues;
    t->values = values_rows();
    table_alias(*t, true);
    return t;
  }

  if (at(TokenKind::kLeftParen)) {
    advance();
    QueryPtr q;
    if (at_query_start()) {
      q = query();
      expect(TokenKind::kRightParen, "')'");
    } else if (maybe_parenthesized_query() && !failed_query_at_.count(cur_)) {
      // ((SELECT ..) UNION (..)) is a subquery; ((SELECT ..) AS s JOIN u ON ..) a join. A
      // position where that failed is remembered, so nested parentheses are not parsed
      // again for every level (which took exponential time).
      Mark m = mark();
      try {
        q = query();
        if (!at(TokenKind::kRightParen)) q.reset();
        if (q) advance();
      } catch (const SyntaxError&) {
        q.reset();
      }
      if (!q) {
        failed_query_at_.insert(m.cursor);
        reset(m);
      }
    }
    if (q) {
      if (q->kind == QueryKind::kValues && q->order_by.empty() && !q->limit && !q->offset) {
        t->kind = TableRefKind::kValues;
        t->values = std::move(q->values);
      } else {
        t->kind = TableRefKind::kSubquery;
        t->subquery = std::move(q);
      }
      table_alias(*t, true);
      return t;
    }
    if (t->lateral) fail_expected("a subquery after LATERAL");
    TableRefPtr inner = table_ref();
    expect(TokenKind::kRightParen, "')'");
    if (inner->kind != TableRefKind::kJoin && inner->alias.empty()) {
      table_alias(*inner, true);
    }
    return inner;
  }

  if (at(Keyword::kTable) && peek(1).kind == TokenKind::kLeftParen) {
    // TABLE(FLATTEN(..)) is the table function itself.
    advance();
    advance();
    t->kind = TableRefKind::kFunction;
    t->name = object_name("a table function");
    expect(TokenKind::kLeftParen, "'('");
    if (!accept(TokenKind::kRightParen)) {
      do {
        std::string arg_name;
        ExprPtr arg = argument(&arg_name);
        push_argument(t->args, t->arg_names, std::move(arg), std::move(arg_name));
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRightParen, "',' or ')'");
    }
    expect(TokenKind::kRightParen, "')'");
    table_alias(*t, true);
    return t;
  }

  t->name = object_name(t->lateral ? "a subquery or table function after LATERAL" : "a table name");
  if (at(TokenKind::kLeftParen)) {
    t->kind = TableRefKind::kFunction;
    advance();
    if (!accept(TokenKind::kRightParen)) {
      do {
        std::string arg_name;
        ExprPtr arg = argument(&arg_name);
        push_argument(t->args, t->arg_names, std::move(arg), std::move(arg_name));
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRightParen, "',' or ')'");
    }
    table_alias(*t, true);
    return t;
  }
  if (t->lateral) fail_expected("a subquery or table function after LATERAL");

  t->time_travel = time_travel();
  // SQLite's index hints: floe's tables have no indexes to choose from.
  if (at(Keyword::kNot) && peek(1).keyword == Keyword::kIndexed) {
    advance();
    advance();
  } else if (at(Keyword::kIndexed) && peek(1).keyword == Keyword::kBy) {
    advance();
    advance();
    name("an index name");
  }
  table_alias(*t, true);
  if (!t->time_travel) t->time_travel = time_travel();
  return t;
}

bool Parser::at_time_travel() const {
  const Token& t = peek();
  const Token& n = peek(1);
  if ((t.keyword == Keyword::kAt || t.keyword == Keyword::kBefore) &&
      n.kind == TokenKind::kLeftParen) {
    return true;
  }
  if (t.keyword == Keyword::kFor) return true;
  return (t.keyword == Keyword::kVersion || t.keyword == Keyword::kTimestamp) &&
         n.keyword == Keyword::kAs && peek(2).keyword == Keyword::kOf;
}

std::optional<TimeTravel> Parser::time_travel() {
  if (!at_time_travel()) return std::nullopt;
  TimeTravel tt;
  const Token& t = advance();
  if (t.keyword == Keyword::kAt || t.keyword == Keyword::kBefore) {
    // AT(SNAPSHOT => 123), BEFORE(STATEMENT => '..')
    tt.before = t.keyword == Keyword::kBefore;
    advance();
    const Token& kind = peek();
    if (kind.kind != TokenKind::kIdentifier) {
      fail_expected("SNAPSHOT, TIMESTAMP, OFFSET or STATEMENT");
    }
    tt.kind = upper_ascii(advance().text);
    expect(TokenKind::kFatArrow, "'=>'");
    tt.value = expr();
    expect(TokenKind::kRightParen, "')'");
    return tt;
  }
  // FOR SYSTEM_TIME AS OF x, FOR TIMESTAMP AS OF x, FOR VERSION AS OF x, or the same
  // without FOR.
  if (t.keyword == Keyword::kFor) {
    if (!at(Keyword::kSystemTime) && !at(Keyword::kTimestamp) && !at(Keyword::kVersion)) {
      fail_expected("SYSTEM_TIME, TIMESTAMP or VERSION after FOR");
    }
    advance();
  }
  bool version = tokens_[cur_ - 1].keyword == Keyword::kVersion;
  expect(Keyword::kAs);
  expect(Keyword::kOf);
  tt.value = expr();
  if (!version) {
    tt.kind = "TIMESTAMP";
  } else {
    // A snapshot id, or the name of a tag or branch.
    bool id =
        tt.value->kind == ExprKind::kLiteral && tt.value->literal_kind == LiteralKind::kInteger;
    tt.kind = id ? "SNAPSHOT" : "VERSION";
  }
  return tt;
}

void Parser::table_alias(TableRef& t, bool allow_column_aliases) {
  if (accept(Keyword::kAs)) {
    t.alias = name("an alias");
  } else if (at_name()) {
    const Token& a = peek();
    // Words that continue the FROM item or the statement rather than name it.
    if (a.keyword == Keyword::kSet || at_time_travel() ||
        (a.keyword == Keyword::kIndexed && peek(1).keyword == Keyword::kBy)) {
      return;
    }
    t.alias = identifier_name(advance());
  } else {
    return;
  }
  if (allow_column_aliases && at(TokenKind::kLeftParen)) {
    t.column_aliases = name_list_in_parens("a column name");
  }
}

}  // namespace floe::sql::detail
