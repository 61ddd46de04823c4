// Function calls and what can follow them (WITHIN GROUP, FILTER, IGNORE NULLS, OVER),
// the special call syntaxes of SQL (EXTRACT, POSITION, SUBSTRING, TRIM), window
// specifications and ORDER BY items.
#include "sql/parser_state.h"

namespace floe::sql::detail {

void push_argument(std::vector<ExprPtr>& args, std::vector<std::string>& arg_names, ExprPtr arg,
                   std::string name) {
  bool named = !name.empty() || !arg_names.empty();
  if (named) arg_names.resize(args.size());
  args.push_back(std::move(arg));
  if (named) arg_names.push_back(std::move(name));
}

ExprPtr Parser::function_call(ExprPtr f) {
  expect(TokenKind::kLeftParen, "'('");
  if (accept(TokenKind::kRightParen)) return function_tail(std::move(f));
  if (at(TokenKind::kStar) && peek(1).kind == TokenKind::kRightParen) {
    advance();
    advance();
    f->star_arg = true;
    return function_tail(std::move(f));
  }
  if (accept(Keyword::kDistinct)) {
    f->distinct = true;
  } else {
    accept(Keyword::kAll);
  }
  do {
    std::string arg_name;
    ExprPtr arg = argument(&arg_name);
    push_argument(f->args, f->arg_names, std::move(arg), std::move(arg_name));
  } while (accept(TokenKind::kComma));
  if (at(Keyword::kOrder)) {  // ARRAY_AGG(x ORDER BY y)
    advance();
    expect(Keyword::kBy);
    f->order_by = order_by_items();
  }
  if ((at(Keyword::kIgnore) || at(Keyword::kRespect)) && peek(1).keyword == Keyword::kNulls) {
    f->ignore_nulls = at(Keyword::kIgnore);  // FIRST_VALUE(x IGNORE NULLS)
    advance();
    advance();
  }
  expect(TokenKind::kRightParen, "',' or ')'");
  return function_tail(std::move(f));
}

ExprPtr Parser::argument(std::string* arg_name) {
  const Token& t = peek();
  if ((t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier) &&
      peek(1).kind == TokenKind::kFatArrow) {
    *arg_name = identifier_name(t);
    advance();
    advance();
  }
  return expr();
}

ExprPtr Parser::function_tail(ExprPtr f) {
  if (at(Keyword::kWithin) && peek(1).keyword == Keyword::kGroup) {
    advance();
    advance();
    expect(TokenKind::kLeftParen, "'('");
    expect(Keyword::kOrder);
    expect(Keyword::kBy);
    f->order_by = order_by_items();
    expect(TokenKind::kRightParen, "',' or ')'");
  }
  if (at(Keyword::kFilter) && peek(1).kind == TokenKind::kLeftParen) {
    advance();
    advance();
    expect(Keyword::kWhere);
    f->filter = expr();
    expect(TokenKind::kRightParen, "')'");
  }
  if ((at(Keyword::kIgnore) || at(Keyword::kRespect)) && peek(1).keyword == Keyword::kNulls) {
    f->ignore_nulls = at(Keyword::kIgnore);
    advance();
    advance();
  }
  if (at(Keyword::kOver) && (peek(1).kind == TokenKind::kLeftParen || is_name(peek(1)))) {
    advance();
    if (at(TokenKind::kLeftParen)) {
      f->over = window_spec();
    } else {
      f->over = std::make_unique<WindowSpec>();
      f->over->pos = peek().pos;
      f->over->base_name = name("a window name");
    }
  }
  return f;
}

ExprPtr Parser::special_function(Keyword k, SourcePos pos) {
  advance();
  expect(TokenKind::kLeftParen, "'('");
  std::vector<ExprPtr> args;
  std::string fn = k == Keyword::kExtract     ? "date_part"
                   : k == Keyword::kPosition  ? "position"
                   : k == Keyword::kSubstring ? "substring"
                                              : "trim";
  auto rest_of_list = [&] {
    while (accept(TokenKind::kComma)) args.push_back(expr());
  };
  switch (k) {
    case Keyword::kExtract: {
      // EXTRACT(part FROM x) is DATE_PART('part', x).
      const Token& part = peek();
      ExprPtr p = make_expr(ExprKind::kLiteral, part.pos);
      p->literal_kind = LiteralKind::kString;
      if (is_string_token(part)) {
        p->text = string_value(source_, part);
      } else if (part.kind == TokenKind::kIdentifier || part.kind == TokenKind::kQuotedIdentifier) {
        p->text = identifier_name(part);
      } else {
        fail_expected("a date or time part such as YEAR");
      }
      advance();
      expect(Keyword::kFrom);
      args.push_back(std::move(p));
      args.push_back(expr());
      break;
    }
    case Keyword::kPosition: {
      // POSITION(a IN b), or POSITION(a, b [, start]).
      args.push_back(expr(kPrecBitOr));
      if (accept(Keyword::kIn)) {
        args.push_back(expr());
      } else {
        rest_of_list();
      }
      break;
    }
    case Keyword::kSubstring: {
      // SUBSTRING(x FROM a [FOR b]), SUBSTRING(x FOR b), or SUBSTRING(x, a [, b]).
      args.push_back(expr());
      if (accept(Keyword::kFrom)) {
        args.push_back(expr());
        if (accept(Keyword::kFor)) args.push_back(expr());
      } else if (at(Keyword::kFor)) {
        const Token& for_token = advance();
        ExprPtr one = make_expr(ExprKind::kLiteral, for_token.pos);
        one->literal_kind = LiteralKind::kInteger;
        one->text = "1";
        args.push_back(std::move(one));
        args.push_back(expr());
      } else {
        rest_of_list();
      }
      break;
    }
    default: {
      // TRIM([LEADING|TRAILING|BOTH] [chars] FROM x) is TRIM / LTRIM / RTRIM(x [, chars]);
      // TRIM(x [, chars]) is a plain call.
      bool spec = (at(Keyword::kLeading) || at(Keyword::kTrailing) || at(Keyword::kBoth)) &&
                  peek(1).kind != TokenKind::kComma && peek(1).kind != TokenKind::kRightParen;
      if (spec) {
        Keyword side = advance().keyword;
        if (side == Keyword::kLeading) fn = "ltrim";
        if (side == Keyword::kTrailing) fn = "rtrim";
        ExprPtr chars;
        if (!accept(Keyword::kFrom)) {
          chars = expr();
          expect(Keyword::kFrom);
        }
        args.push_back(expr());
        if (chars) args.push_back(std::move(chars));
        break;
      }
      ExprPtr first = expr();
      if (accept(Keyword::kFrom)) {
        args.push_back(expr());
        args.push_back(std::move(first));
      } else {
        args.push_back(std::move(first));
        rest_of_list();
      }
      break;
    }
  }
  expect(TokenKind::kRightParen, "')'");
  return function_tail(make_function(std::move(fn), std::move(args), pos));
}

// --- Windows -----------------------------------------------------------------------------

std::unique_ptr<WindowSpec> Parser::window_spec() {
  auto w = std::make_unique<WindowSpec>();
  w->pos = expect(TokenKind::kLeftParen, "'('").pos;
  if (at_name() && !at(Keyword::kPartition) && !at(Keyword::kRows) && !at(Keyword::kRange) &&
      !at(Keyword::kGroups)) {
    w->base_name = name("a window name");
  }
  if (at(Keyword::kPartition)) {
    advance();
    expect(Keyword::kBy);
    w->partition_by = expression_list();
  }
  if (at(Keyword::kOrder)) {
    advance();
    expect(Keyword::kBy);
    w->order_by = order_by_items();
  }
  if (at(Keyword::kRows) || at(Keyword::kRange) || at(Keyword::kGroups)) {
    WindowFrame frame;
    Keyword unit = advance().keyword;
    frame.unit = unit == Keyword::kRows    ? FrameUnit::kRows
                 : unit == Keyword::kRange ? FrameUnit::kRange
                                           : FrameUnit::kGroups;
    if (accept(Keyword::kBetween)) {
      frame.start = frame_bound();
      expect(Keyword::kAnd);
      frame.end = frame_bound();
    } else {
      frame.start = frame_bound();
      frame.end.kind = FrameBoundKind::kCurrentRow;
    }
    if (at(Keyword::kExclude)) fail_unsupported(peek(), "EXCLUDE in a window frame");
    w->frame = std::move(frame);
  }
  expect(TokenKind::kRightParen, "')'");
  return w;
}

FrameBound Parser::frame_bound() {
  FrameBound b;
  if (at(Keyword::kUnbounded)) {
    advance();
    if (accept(Keyword::kPreceding)) {
      b.kind = FrameBoundKind::kUnboundedPreceding;
    } else if (accept(Keyword::kFollowing)) {
      b.kind = FrameBoundKind::kUnboundedFollowing;
    } else {
      fail_expected("PRECEDING or FOLLOWING");
    }
    return b;
  }
  if (at(Keyword::kCurrent) && peek(1).keyword == Keyword::kRow) {
    advance();
    advance();
    b.kind = FrameBoundKind::kCurrentRow;
    return b;
  }
  b.offset = expr(kPrecBitOr);
  if (accept(Keyword::kPreceding)) {
    b.kind = FrameBoundKind::kPreceding;
  } else if (accept(Keyword::kFollowing)) {
    b.kind = FrameBoundKind::kFollowing;
  } else {
    fail_expected("PRECEDING or FOLLOWING");
  }
  return b;
}

std::vector<ExprPtr> Parser::expression_list() {
  std::vector<ExprPtr> list;
  do {
    list.push_back(expr());
  } while (accept(TokenKind::kComma));
  return list;
}

std::vector<OrderItem> Parser::order_by_items() {
  std::vector<OrderItem> items;
  do {
    items.push_back(order_item());
  } while (accept(TokenKind::kComma));
  return items;
}

OrderItem Parser::order_item() {
  OrderItem item;
  item.expr = expr();
  if (accept(Keyword::kDesc)) {
    item.descending = true;
  } else {
    accept(Keyword::kAsc);
  }
  if (at(Keyword::kNulls) &&
      (peek(1).keyword == Keyword::kFirst || peek(1).keyword == Keyword::kLast)) {
    advance();
    item.nulls_first = advance().keyword == Keyword::kFirst;
  }
  return item;
}

}  // namespace floe::sql::detail
