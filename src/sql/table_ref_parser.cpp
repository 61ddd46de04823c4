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
  TableRefPtr left = pivoted(table_primary());
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
    join->right = pivoted(table_primary());
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

namespace {

ExprPtr column_named(const std::string& name, SourcePos pos) {
  ExprPtr c = make_expr(ExprKind::kColumnRef, pos);
  c->names = {name};
  return c;
}

ExprPtr integer_literal(int64_t v, SourcePos pos) {
  ExprPtr e = make_expr(ExprKind::kLiteral, pos);
  e->literal_kind = LiteralKind::kInteger;
  e->text = std::to_string(v);
  return e;
}

// The simple column names `e` reads (those a PIVOT's aggregate consumes).
void column_names(const Expr& e, std::vector<std::string>& out) {
  if (e.kind == ExprKind::kColumnRef && !e.names.empty()) out.push_back(e.names.back());
  for (const auto& a : e.args) column_names(*a, out);
}

// A one-item FROM subquery around `select`, named `alias`.
TableRefPtr subquery_of(std::unique_ptr<Select> select, std::string alias, SourcePos pos) {
  auto q = std::make_unique<Query>();
  q->kind = QueryKind::kSelect;
  q->pos = pos;
  q->select = std::move(select);
  auto t = std::make_unique<TableRef>();
  t->kind = TableRefKind::kSubquery;
  t->pos = pos;
  t->subquery = std::move(q);
  t->alias = std::move(alias);
  return t;
}

}  // namespace

// Snowflake's PIVOT and UNPIVOT, written out as the query each stands for:
//   t PIVOT (agg(v) FOR k IN (a, b))  ->  SELECT * EXCLUDE (k, v), agg(v) FILTER (WHERE k = a)
//                                          AS "a", .. FROM t GROUP BY ALL
//     (a string value's column is named with its quotes, 'a', as Snowflake names it);
//   t UNPIVOT (val FOR col IN (x, y))  ->  SELECT * FROM (SELECT * EXCLUDE (x, y, n),
//                                          CASE n WHEN 1 THEN 'x' .. END AS col, CASE n WHEN 1
//                                          THEN x .. END AS val FROM t, (VALUES (1), (2)) (n))
//                                          WHERE val IS NOT NULL.
TableRefPtr Parser::pivoted(TableRefPtr t) {
  const bool pivot = at_word("pivot") && peek(1).kind == TokenKind::kLeftParen;
  const bool unpivot = at_word("unpivot") && peek(1).kind == TokenKind::kLeftParen;
  if (!pivot && !unpivot) return t;
  const SourcePos pos = advance().pos;
  advance();  // (
  auto select = std::make_unique<Select>();
  select->pos = pos;
  SelectItem star;
  star.expr = make_expr(ExprKind::kStar, pos);
  if (pivot) {
    // The aggregate is parsed once per value (each gets its own FILTER).
    const Mark aggregate_at = mark();
    ExprPtr first = expr();
    if (first->kind != ExprKind::kFunction || first->over)
      fail_at(peek(), "PIVOT takes one aggregate call, such as sum(amount), before FOR");
    std::vector<std::string> consumed;
    column_names(*first, consumed);
    expect(Keyword::kFor);
    const std::string key = name("the pivot column");
    expect(Keyword::kIn);
    expect(TokenKind::kLeftParen, "'('");
    std::vector<ExprPtr> values = expression_list();
    std::vector<std::string> value_names;
    for (const auto& v : values) {
      if (v->kind != ExprKind::kLiteral) fail_at(peek(), "PIVOT .. IN takes constants");
      value_names.push_back(v->literal_kind == LiteralKind::kString ? "'" + v->text + "'"
                                                                     : v->text);
    }
    expect(TokenKind::kRightParen, "',' or ')'");
    expect(TokenKind::kRightParen, "')'");
    const Mark after = mark();
    star.expr->exclude.push_back(key);
    for (auto& c : consumed) star.expr->exclude.push_back(c);
    select->items.push_back(std::move(star));
    for (size_t i = 0; i < values.size(); ++i) {
      reset(aggregate_at);
      SelectItem item;
      item.expr = expr();
      ExprPtr test = make_expr(ExprKind::kBinary, values[i]->pos);
      test->binary_op = BinaryOp::kEqual;
      test->args.push_back(column_named(key, values[i]->pos));
      test->args.push_back(std::move(values[i]));
      if (item.expr->filter) fail_at(peek(), "PIVOT's aggregate cannot have a FILTER of its own");
      item.expr->filter = std::move(test);
      item.alias = value_names[i];
      select->items.push_back(std::move(item));
    }
    reset(after);
    select->from.push_back(std::move(t));
    select->group_by.emplace();
    select->group_by->kind = GroupingKind::kAll;
    TableRefPtr out = subquery_of(std::move(select), "", pos);
    table_alias(*out, true);
    return out;
  }
  const std::string value = name("the value column");
  expect(Keyword::kFor);
  const std::string label = name("the name column");
  expect(Keyword::kIn);
  std::vector<std::string> columns = name_list_in_parens("a column name");
  expect(TokenKind::kRightParen, "')'");
  const std::string n = "__floe_unpivot";
  for (const auto& c : columns) star.expr->exclude.push_back(c);
  star.expr->exclude.push_back(n);
  select->items.push_back(std::move(star));
  ExprPtr labels = make_expr(ExprKind::kCase, pos);
  ExprPtr values = make_expr(ExprKind::kCase, pos);
  labels->case_operand = column_named(n, pos);
  values->case_operand = column_named(n, pos);
  auto numbers = std::make_unique<TableRef>();
  numbers->kind = TableRefKind::kValues;
  numbers->pos = pos;
  numbers->alias = n;
  numbers->column_aliases = {n};
  for (size_t i = 0; i < columns.size(); ++i) {
    ExprPtr text = make_expr(ExprKind::kLiteral, pos);
    text->literal_kind = LiteralKind::kString;
    text->text = columns[i];
    labels->when_then.emplace_back(integer_literal(int64_t(i + 1), pos), std::move(text));
    values->when_then.emplace_back(integer_literal(int64_t(i + 1), pos),
                                   column_named(columns[i], pos));
    std::vector<ExprPtr> row;
    row.push_back(integer_literal(int64_t(i + 1), pos));
    numbers->values.push_back(std::move(row));
  }
  select->items.push_back(SelectItem{std::move(labels), label});
  select->items.push_back(SelectItem{std::move(values), value});
  select->from.push_back(std::move(t));
  select->from.push_back(std::move(numbers));
  // Rows whose value is NULL are left out, as Snowflake does.
  auto outer = std::make_unique<Select>();
  outer->pos = pos;
  SelectItem all;
  all.expr = make_expr(ExprKind::kStar, pos);
  outer->items.push_back(std::move(all));
  outer->from.push_back(subquery_of(std::move(select), "__floe_unpivoted", pos));
  outer->where = make_expr(ExprKind::kIsNull, pos);
  outer->where->negated = true;
  outer->where->args.push_back(column_named(value, pos));
  TableRefPtr out = subquery_of(std::move(outer), "", pos);
  table_alias(*out, true);
  return out;
}

void Parser::table_alias(TableRef& t, bool allow_column_aliases) {
  if (accept(Keyword::kAs)) {
    t.alias = name("an alias");
  } else if (at_name()) {
    const Token& a = peek();
    // Words that continue the FROM item or the statement rather than name it.
    if (a.keyword == Keyword::kSet || at_time_travel() ||
        ((at_word("pivot") || at_word("unpivot")) && peek(1).kind == TokenKind::kLeftParen) ||
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
