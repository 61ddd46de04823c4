// Query expressions: WITH, set operations (INTERSECT binds tighter than UNION and EXCEPT),
// SELECT with its clauses, VALUES, and the ORDER BY / LIMIT that belong to a query.
#include <fmt/format.h>

#include "base/error.h"
#include "sql/parser_state.h"

namespace floe::sql::detail {
namespace {

constexpr size_t kMaxCubeItems = 12;  // CUBE of n items is 2^n grouping sets
constexpr size_t kMaxGroupingSets = 4096;

bool has_own_clauses(const Query& q) {
  return !q.order_by.empty() || q.limit || q.offset || !q.ctes.empty();
}

QueryPtr nest(QueryPtr inner, SourcePos pos) {
  auto q = std::make_unique<Query>();
  q->kind = QueryKind::kNested;
  q->pos = pos;
  q->nested = std::move(inner);
  return q;
}

}  // namespace

bool Parser::at_query_start() const {
  return at(Keyword::kSelect) || at(Keyword::kWith) ||
         (at(Keyword::kValues) && peek(1).kind == TokenKind::kLeftParen);
}

bool Parser::maybe_parenthesized_query() const {
  size_t k = 0;
  while (peek(k).kind == TokenKind::kLeftParen) ++k;
  if (k == 0) return false;
  const Token& t = peek(k);
  return t.keyword == Keyword::kSelect || t.keyword == Keyword::kWith ||
         (t.keyword == Keyword::kValues && peek(k + 1).kind == TokenKind::kLeftParen);
}

QueryPtr Parser::query() {
  DepthGuard guard(*this);
  SourcePos pos = peek().pos;
  Query head;  // holds the WITH clause until the body exists
  if (at(Keyword::kWith)) with_clause(head);

  QueryPtr body = query_body(0);
  bool has_top = body->kind == QueryKind::kSelect && body->limit;
  if (at(Keyword::kOrder) || at(Keyword::kLimit) || at(Keyword::kOffset) || at(Keyword::kFetch)) {
    limit_clauses(*body, has_top);
  }
  if (!head.ctes.empty()) {
    body->ctes = std::move(head.ctes);
    body->recursive = head.recursive;
    body->pos = pos;
  }
  // A parenthesised query that nothing was added to needs no wrapper.
  if (body->kind == QueryKind::kNested && !has_own_clauses(*body)) {
    return std::move(body->nested);
  }
  return body;
}

void Parser::with_clause(Query& q) {
  advance();
  q.recursive = accept(Keyword::kRecursive);
  do {
    CommonTableExpr cte;
    cte.pos = peek().pos;
    cte.name = name("a name for the WITH query");
    if (at(TokenKind::kLeftParen)) cte.column_aliases = name_list_in_parens("a column name");
    expect(Keyword::kAs);
    expect(TokenKind::kLeftParen, "'('");
    cte.query = query();
    expect(TokenKind::kRightParen, "')'");
    q.ctes.push_back(std::move(cte));
  } while (accept(TokenKind::kComma));
}

QueryPtr Parser::query_body(int min_precedence) {
  QueryPtr left = query_term();
  while (true) {
    int precedence;
    SetOp op;
    if (at(Keyword::kUnion)) {
      op = SetOp::kUnion;
      precedence = 1;
    } else if (at(Keyword::kExcept) || at(Keyword::kMinus)) {
      op = SetOp::kExcept;
      precedence = 1;
    } else if (at(Keyword::kIntersect)) {
      op = SetOp::kIntersect;
      precedence = 2;
    } else {
      break;
    }
    if (precedence < min_precedence) break;
    advance();
    auto node = std::make_unique<Query>();
    node->kind = QueryKind::kSetOperation;
    node->pos = left->pos;
    node->set_op = op;
    if (accept(Keyword::kAll)) {
      node->set_all = true;
    } else {
      accept(Keyword::kDistinct);
    }
    if (at(Keyword::kBy) && peek(1).keyword == Keyword::kName) {
      advance();
      advance();
      node->by_name = true;
    }
    node->left = std::move(left);
    node->right = query_body(precedence + 1);
    left = std::move(node);
  }
  return left;
}

QueryPtr Parser::query_term() {
  const Token& t = peek();
  if (t.keyword == Keyword::kSelect) {
    auto q = std::make_unique<Query>();
    q->pos = t.pos;
    q->select = select(*q);
    return q;
  }
  if (t.keyword == Keyword::kValues) {
    auto q = std::make_unique<Query>();
    q->kind = QueryKind::kValues;
    q->pos = t.pos;
    advance();
    q->values = values_rows();
    return q;
  }
  if (t.kind == TokenKind::kLeftParen) {
    advance();
    QueryPtr inner = query();
    expect(TokenKind::kRightParen, "')'");
    if (has_own_clauses(*inner)) return nest(std::move(inner), t.pos);
    return inner;
  }
  fail_expected("SELECT, VALUES or '('");
}

std::vector<std::vector<ExprPtr>> Parser::values_rows() {
  std::vector<std::vector<ExprPtr>> rows;
  do {
    expect(TokenKind::kLeftParen, "'('");
    rows.push_back(expression_list());
    expect(TokenKind::kRightParen, "',' or ')'");
  } while (accept(TokenKind::kComma));
  return rows;
}

std::unique_ptr<Select> Parser::select(Query& q) {
  auto s = std::make_unique<Select>();
  s->pos = advance().pos;
  bool has_top = false;
  auto top = [&] {
    if (has_top || !at(Keyword::kTop)) return;
    const Token& n = peek(1);
    if (n.kind != TokenKind::kInteger && n.kind != TokenKind::kLeftParen) return;
    advance();
    q.limit = n.kind == TokenKind::kInteger ? primary() : parenthesized();
    has_top = true;
  };
  top();
  if (accept(Keyword::kDistinct)) {
    s->distinct = true;
    if (at(Keyword::kOn) && peek(1).kind == TokenKind::kLeftParen) {
      advance();
      advance();
      s->distinct_on = expression_list();
      expect(TokenKind::kRightParen, "',' or ')'");
    }
  } else {
    accept(Keyword::kAll);
  }
  top();
  do {
    s->items.push_back(select_item());
  } while (accept(TokenKind::kComma));
  if (at(Keyword::kInto)) fail_unsupported(peek(), "SELECT INTO");
  if (accept(Keyword::kFrom)) s->from = from_list();
  if (accept(Keyword::kWhere)) s->where = expr();
  if (at(Keyword::kGroup)) {
    advance();
    expect(Keyword::kBy);
    s->group_by = group_by();
  }
  if (accept(Keyword::kHaving)) s->having = expr();
  if (at(Keyword::kWindow)) s->windows = window_clause();
  if (accept(Keyword::kQualify)) s->qualify = expr();
  if (at(Keyword::kWindow) && s->windows.empty()) s->windows = window_clause();
  return s;
}

SelectItem Parser::select_item() {
  SelectItem item;
  if (at(TokenKind::kStar)) {
    item.expr = make_expr(ExprKind::kStar, advance().pos);
  } else {
    item.expr = expr();
  }
  if (item.expr->kind == ExprKind::kStar) {
    if (accept(Keyword::kExclude)) {
      if (at(TokenKind::kLeftParen)) {
        item.expr->exclude = name_list_in_parens("a column name");
      } else {
        item.expr->exclude.push_back(name("a column name"));
      }
    }
    // Snowflake's REPLACE (expr AS col, ..) and RENAME (col AS name, ..) / RENAME col AS name.
    if (accept(Keyword::kReplace)) {
      expect(TokenKind::kLeftParen, "'('");
      do {
        ExprPtr value = expr();
        expect(Keyword::kAs);
        item.expr->replace.emplace_back(std::move(value), name("a column name"));
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRightParen, "',' or ')'");
    }
    if (accept(Keyword::kRename)) {
      const bool parens = accept(TokenKind::kLeftParen);
      do {
        std::string from = name("a column name");
        expect(Keyword::kAs);
        item.expr->rename.emplace_back(std::move(from), name("a new column name"));
      } while (parens && accept(TokenKind::kComma));
      if (parens) expect(TokenKind::kRightParen, "',' or ')'");
    }
    return item;
  }
  if (accept(Keyword::kAs)) {
    const Token& t = peek();
    if (t.kind == TokenKind::kString) {
      item.alias = string_value(source_, advance());
    } else {
      item.alias = name("an alias");
    }
  } else if (at_name()) {
    item.alias = identifier_name(advance());
  }
  return item;
}

std::vector<NamedWindow> Parser::window_clause() {
  advance();
  std::vector<NamedWindow> windows;
  do {
    NamedWindow w;
    w.name = name("a window name");
    expect(Keyword::kAs);
    w.spec = window_spec();
    windows.push_back(std::move(w));
  } while (accept(TokenKind::kComma));
  return windows;
}

void Parser::limit_clauses(Query& q, bool has_top) {
  if (at(Keyword::kOrder)) {
    advance();
    expect(Keyword::kBy);
    if (at(Keyword::kAll)) {
      // ORDER BY ALL [ASC|DESC] [NULLS ..]: every output column in turn, kept as one item
      // whose expression is a star (the binder expands it).
      OrderItem all;
      all.expr = make_expr(ExprKind::kStar, advance().pos);
      if (accept(Keyword::kDesc)) all.descending = true;
      else accept(Keyword::kAsc);
      if (at(Keyword::kNulls) &&
          (peek(1).keyword == Keyword::kFirst || peek(1).keyword == Keyword::kLast)) {
        advance();
        all.nulls_first = advance().keyword == Keyword::kFirst;
      }
      q.order_by.push_back(std::move(all));
    } else {
      q.order_by = order_by_items();
    }
  }
  bool limit_seen = has_top;
  bool offset_seen = false;
  while (true) {
    const Token& t = peek();
    if (t.keyword == Keyword::kLimit) {
      if (limit_seen) fail_at(t, "expected one of LIMIT, FETCH and TOP, found several");
      advance();
      limit_seen = true;
      if (accept(Keyword::kAll)) continue;
      ExprPtr first = expr();
      if (accept(TokenKind::kComma)) {  // LIMIT offset, count
        if (offset_seen) fail_at(t, "expected one OFFSET, found a second");
        q.offset = std::move(first);
        offset_seen = true;
        q.limit = expr();
      } else {
        q.limit = std::move(first);
      }
    } else if (t.keyword == Keyword::kOffset) {
      if (offset_seen) fail_at(t, "expected one OFFSET, found a second");
      advance();
      offset_seen = true;
      q.offset = expr();
      if (!accept(Keyword::kRows)) accept(Keyword::kRow);
    } else if (t.keyword == Keyword::kFetch) {
      if (limit_seen) fail_at(t, "expected one of LIMIT, FETCH and TOP, found several");
      advance();
      limit_seen = true;
      if (!accept(Keyword::kFirst) && !accept(Keyword::kNext)) fail_expected("FIRST or NEXT");
      if (!at(Keyword::kRow) && !at(Keyword::kRows)) {
        q.limit = expr();
      } else {
        ExprPtr one = make_expr(ExprKind::kLiteral, peek().pos);
        one->literal_kind = LiteralKind::kInteger;
        one->text.assign(1, '1');  // (not = "1": g++ 12 warns falsely at -O2)
        q.limit = std::move(one);
      }
      if (!accept(Keyword::kRows) && !accept(Keyword::kRow)) fail_expected("ROWS");
      if (at(Keyword::kWith) && peek(1).keyword == Keyword::kTies) {
        fail_unsupported(peek(), "FETCH .. WITH TIES");
      }
      expect(Keyword::kOnly);
    } else {
      break;
    }
  }
}

// --- GROUP BY ------------------------------------------------------------------------------

namespace {

// One element of a GROUP BY list, as the grouping sets it stands for. Each expression
// is kept with the place it was read from, so that the expansion of a mixed list
// (GROUP BY a, ROLLUP (b, c)) can read it again where it needs a second copy.
struct GroupingElement {
  GroupingKind kind = GroupingKind::kPlain;
  std::vector<std::vector<Parser::Mark>> sets;
  std::vector<std::vector<ExprPtr>> exprs;  // parallel to sets
};

}  // namespace

ExprPtr Parser::reparse(const Mark& at) {
  Mark here = mark();
  reset(at);
  ExprPtr e = expr();
  reset(here);
  return e;
}

GroupBy Parser::group_by() {
  GroupBy g;
  if (at(Keyword::kAll) && peek(1).kind != TokenKind::kLeftParen) {
    advance();
    g.kind = GroupingKind::kAll;
    return g;
  }

  std::vector<GroupingElement> elements;
  // A list of expressions in parentheses, (a, b) or (); or a single expression.
  auto grouping_set = [&](std::vector<Mark>& marks, std::vector<ExprPtr>& exprs) {
    if (at(TokenKind::kLeftParen)) {
      Mark m = mark();
      advance();
      if (accept(TokenKind::kRightParen)) return;
      std::vector<Mark> list_marks;
      std::vector<ExprPtr> list;
      do {
        list_marks.push_back(mark());
        list.push_back(expr());
      } while (accept(TokenKind::kComma));
      if (accept(TokenKind::kRightParen) &&
          (at(TokenKind::kComma) || at(TokenKind::kRightParen) || list.size() > 1)) {
        marks = std::move(list_marks);
        exprs = std::move(list);
        return;
      }
      reset(m);  // (a + b) * 2: an expression that starts with a parenthesis
    }
    marks.push_back(mark());
    exprs.push_back(expr());
  };

  do {
    GroupingElement el;
    bool rollup = at(Keyword::kRollup) && peek(1).kind == TokenKind::kLeftParen;
    bool cube = at(Keyword::kCube) && peek(1).kind == TokenKind::kLeftParen;
    bool sets = at(Keyword::kGrouping) && peek(1).keyword == Keyword::kSets;
    if (rollup || cube || sets) {
      const Token& first = advance();
      if (sets) advance();
      el.kind = rollup ? GroupingKind::kRollup
                : cube ? GroupingKind::kCube
                       : GroupingKind::kGroupingSets;
      expect(TokenKind::kLeftParen, "'('");
      do {
        el.sets.emplace_back();
        el.exprs.emplace_back();
        grouping_set(el.sets.back(), el.exprs.back());
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRightParen, "',' or ')'");
      if (cube && el.sets.size() > kMaxCubeItems) {
        fail_at(first, fmt::format("expected at most {} items in CUBE, found {}", kMaxCubeItems,
                                   el.sets.size()));
      }
    } else if (at(TokenKind::kLeftParen) && peek(1).kind == TokenKind::kRightParen) {
      advance();
      advance();
      el.kind = GroupingKind::kGroupingSets;  // () is the empty grouping set
      el.sets.emplace_back();
      el.exprs.emplace_back();
    } else {
      el.sets.emplace_back();
      el.exprs.emplace_back();
      el.sets.back().push_back(mark());
      el.exprs.back().push_back(expr());
    }
    elements.push_back(std::move(el));
  } while (accept(TokenKind::kComma));

  bool all_plain = true;
  for (const GroupingElement& el : elements) all_plain &= el.kind == GroupingKind::kPlain;
  if (all_plain) {
    g.kind = GroupingKind::kPlain;
    g.sets.emplace_back();
    for (GroupingElement& el : elements) g.sets.back().push_back(std::move(el.exprs[0][0]));
    return g;
  }
  if (elements.size() == 1) {
    g.kind = elements[0].kind;
    g.sets = std::move(elements[0].exprs);
    return g;
  }

  // A mixed list is the cross product of its elements' grouping sets.
  std::vector<std::vector<Mark>> product(1);
  for (const GroupingElement& el : elements) {
    std::vector<std::vector<Mark>> options;
    size_t n = el.sets.size();
    switch (el.kind) {
      case GroupingKind::kRollup:
        for (size_t keep = n + 1; keep-- > 0;) {
          options.emplace_back();
          for (size_t i = 0; i < keep; ++i) {
            options.back().insert(options.back().end(), el.sets[i].begin(), el.sets[i].end());
          }
        }
        break;
      case GroupingKind::kCube:
        for (size_t bits = (size_t{1} << n); bits-- > 0;) {
          options.emplace_back();
          for (size_t i = 0; i < n; ++i) {
            if (bits & (size_t{1} << (n - 1 - i))) {
              options.back().insert(options.back().end(), el.sets[i].begin(), el.sets[i].end());
            }
          }
        }
        break;
      default: options = el.sets; break;
    }
    if (product.size() * options.size() > kMaxGroupingSets) {
      fail_at(tokens_[cur_ - 1], fmt::format("expected at most {} grouping sets, found {}",
                                             kMaxGroupingSets, product.size() * options.size()));
    }
    std::vector<std::vector<Mark>> next;
    for (const auto& left : product) {
      for (const auto& right : options) {
        next.push_back(left);
        next.back().insert(next.back().end(), right.begin(), right.end());
      }
    }
    product = std::move(next);
  }
  g.kind = GroupingKind::kGroupingSets;
  for (const auto& set : product) {
    g.sets.emplace_back();
    for (const Mark& m : set) g.sets.back().push_back(reparse(m));
  }
  return g;
}

}  // namespace floe::sql::detail
