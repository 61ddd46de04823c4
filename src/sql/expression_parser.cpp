// Expressions: precedence climbing over the operators, then primaries (literals, names,
// function calls and the special forms of SQL) and their postfix casts and variant paths.
#include <fmt/format.h>

#include <charconv>

#include "base/error.h"
#include "sql/parser_state.h"
#include "sql/syntax_error.h"

namespace floe::sql::detail {
namespace {

bool is_comparison_predicate(Keyword k) {
  return k == Keyword::kIn || k == Keyword::kBetween || k == Keyword::kLike ||
         k == Keyword::kIlike || k == Keyword::kRlike || k == Keyword::kRegexp;
}

// The precedence of the binary operator or predicate that `t` starts (`next` follows it);
// 0 when `t` does not continue an expression. `not_null` allows SQLite's `x NOT NULL`.
int infix_precedence(const Token& t, const Token& next, bool not_null) {
  switch (t.kind) {
    case TokenKind::kIdentifier:
      switch (t.keyword) {
        case Keyword::kOr: return kPrecOr;
        case Keyword::kAnd: return kPrecAnd;
        case Keyword::kIs:
        case Keyword::kIn:
        case Keyword::kBetween:
        case Keyword::kLike:
        case Keyword::kIlike:
        case Keyword::kRlike:
        case Keyword::kRegexp: return kPrecComparison;
        case Keyword::kNot:
          return is_comparison_predicate(next.keyword) ||
                         (not_null && next.keyword == Keyword::kNull)
                     ? kPrecComparison
                     : 0;
        default: return 0;
      }
    case TokenKind::kEqual:
    case TokenKind::kNotEqual:
    case TokenKind::kLess:
    case TokenKind::kLessEqual:
    case TokenKind::kGreater:
    case TokenKind::kGreaterEqual: return kPrecComparison;
    case TokenKind::kBitOr: return kPrecBitOr;
    case TokenKind::kBitXor: return kPrecBitXor;
    case TokenKind::kBitAnd: return kPrecBitAnd;
    case TokenKind::kShiftLeft:
    case TokenKind::kShiftRight: return kPrecShift;
    case TokenKind::kPlus:
    case TokenKind::kMinus:
    case TokenKind::kConcat: return kPrecAdditive;
    case TokenKind::kStar:
    case TokenKind::kSlash:
    case TokenKind::kPercent: return kPrecMultiplicative;
    default: return 0;
  }
}

BinaryOp binary_op_of(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEqual: return BinaryOp::kEqual;
    case TokenKind::kNotEqual: return BinaryOp::kNotEqual;
    case TokenKind::kLess: return BinaryOp::kLess;
    case TokenKind::kLessEqual: return BinaryOp::kLessEqual;
    case TokenKind::kGreater: return BinaryOp::kGreater;
    case TokenKind::kGreaterEqual: return BinaryOp::kGreaterEqual;
    case TokenKind::kBitOr: return BinaryOp::kBitOr;
    case TokenKind::kBitXor: return BinaryOp::kBitXor;
    case TokenKind::kBitAnd: return BinaryOp::kBitAnd;
    case TokenKind::kShiftLeft: return BinaryOp::kShiftLeft;
    case TokenKind::kShiftRight: return BinaryOp::kShiftRight;
    case TokenKind::kPlus: return BinaryOp::kAdd;
    case TokenKind::kMinus: return BinaryOp::kSubtract;
    case TokenKind::kConcat: return BinaryOp::kConcat;
    case TokenKind::kStar: return BinaryOp::kMultiply;
    case TokenKind::kSlash: return BinaryOp::kDivide;
    default: return BinaryOp::kModulo;
  }
}

bool is_comparison_token(TokenKind kind) {
  return kind >= TokenKind::kEqual && kind <= TokenKind::kGreaterEqual;
}

// Interval units, singular, as written in the tree; plural spellings are accepted.
constexpr std::string_view kIntervalUnits[] = {"year",        "quarter",     "month",     "week",
                                               "day",         "hour",        "minute",    "second",
                                               "millisecond", "microsecond", "nanosecond"};

std::string interval_unit_of(const Token& t) {
  if (t.kind != TokenKind::kIdentifier) return {};
  std::string word = identifier_name(t);
  if (word.size() > 1 && word.back() == 's') word.pop_back();
  for (std::string_view unit : kIntervalUnits) {
    if (word == unit) return upper_ascii(unit);
  }
  return {};
}

// Type words that, followed by a string, make a typed literal (DATE '2024-01-01').
bool is_typed_literal_word(const Token& t) {
  if (t.kind != TokenKind::kIdentifier) return false;
  if (t.keyword == Keyword::kDate || t.keyword == Keyword::kTime ||
      t.keyword == Keyword::kTimestamp) {
    return true;
  }
  std::string word = identifier_name(t);
  return word == "timestamptz" || word == "timestamp_ntz" || word == "timestamp_ltz" ||
         word == "timestamp_tz" || word == "datetime";
}

}  // namespace

int64_t Parser::integer_value(const Token& t) {
  std::string_view digits = t.text;
  while (!digits.empty() && (digits.front() < '0' || digits.front() > '9')) {
    digits.remove_prefix(1);  // the ? or $ of a placeholder
  }
  int64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    fail_at(t,
            fmt::format("expected a number that fits in 64 bits, found {}", quote_found(t.text)));
  }
  return v;
}

// --- Operators ---------------------------------------------------------------------------

ExprPtr Parser::expr(int min_precedence) {
  DepthGuard guard(*this);
  ExprPtr left = prefix();
  while (true) {
    int p = infix_precedence(peek(), peek(1), !in_column_default_);
    if (p == 0 || p < min_precedence) break;
    left = infix(std::move(left), p);
  }
  return left;
}

ExprPtr Parser::prefix() {
  const Token& t = peek();
  if (t.keyword == Keyword::kNot) {
    advance();
    const Token& operand_start = peek();
    // SQLite reads NOT as a prefix of anything up to the next AND / OR: NOT a = b is
    // NOT (a = b), and NOT - 5 negates -5.
    ExprPtr operand = expr(kPrecNot);
    if (operand_start.keyword == Keyword::kExists && operand->kind == ExprKind::kExists &&
        operand->pos.offset == operand_start.pos.offset && !operand->negated) {
      operand->negated = true;
      operand->pos = t.pos;
      return operand;
    }
    return make_unary(UnaryOp::kNot, std::move(operand), t.pos);
  }
  if (t.kind == TokenKind::kMinus || t.kind == TokenKind::kPlus || t.kind == TokenKind::kBitNot) {
    advance();
    UnaryOp op = t.kind == TokenKind::kMinus  ? UnaryOp::kNegate
                 : t.kind == TokenKind::kPlus ? UnaryOp::kPlus
                                              : UnaryOp::kBitNot;
    ExprPtr operand = expr(kPrecUnary);
    return make_unary(op, std::move(operand), t.pos);
  }
  return postfix(primary());
}

ExprPtr Parser::infix(ExprPtr left, int precedence) {
  const Token& op = advance();
  SourcePos pos = left->pos;
  if (op.kind != TokenKind::kIdentifier) {
    if (is_comparison_token(op.kind) &&
        (at(Keyword::kAny) || at(Keyword::kSome) || at(Keyword::kAll)) &&
        peek(1).kind == TokenKind::kLeftParen) {
      ExprPtr e = make_expr(ExprKind::kQuantified, pos);
      e->binary_op = binary_op_of(op.kind);
      e->quantifier = at(Keyword::kAll) ? Quantifier::kAll : Quantifier::kAny;
      advance();
      advance();
      if (!at_query_start() && !maybe_parenthesized_query()) fail_expected("a subquery");
      e->args.push_back(std::move(left));
      int32_t from = peek().pos.offset;
      e->subquery = query();
      e->text = std::string(source_between(from, last_end_));  // re-parsed by the binder
      expect(TokenKind::kRightParen, "')'");
      return e;
    }
    ExprPtr right = expr(precedence + 1);
    return make_binary(binary_op_of(op.kind), std::move(left), std::move(right), pos);
  }

  Keyword k = op.keyword;
  bool negated = false;
  if (k == Keyword::kNot) {
    negated = true;
    k = advance().keyword;
  }
  switch (k) {
    case Keyword::kOr:
    case Keyword::kAnd: {
      ExprPtr right = expr(precedence + 1);
      return make_binary(k == Keyword::kOr ? BinaryOp::kOr : BinaryOp::kAnd, std::move(left),
                         std::move(right), pos);
    }
    case Keyword::kIs: {
      bool is_not = accept(Keyword::kNot);
      if (at(Keyword::kNull) || at(Keyword::kUnknown)) {
        advance();
        ExprPtr e = make_expr(ExprKind::kIsNull, pos);
        e->negated = is_not;
        e->args.push_back(std::move(left));
        return e;
      }
      if (at(Keyword::kTrue) || at(Keyword::kFalse)) {
        ExprPtr e = make_expr(ExprKind::kIsBool, pos);
        e->bool_value = advance().keyword == Keyword::kTrue;
        e->negated = is_not;
        e->args.push_back(std::move(left));
        return e;
      }
      // IS [NOT] DISTINCT FROM, and SQLite's `a IS b` (null-safe equality).
      bool distinct_from = false;
      if (at(Keyword::kDistinct)) {
        advance();
        expect(Keyword::kFrom);
        distinct_from = true;
      }
      ExprPtr right = expr(precedence + 1);
      bool distinct = distinct_from ? !is_not : is_not;
      return make_binary(distinct ? BinaryOp::kIsDistinctFrom : BinaryOp::kIsNotDistinctFrom,
                         std::move(left), std::move(right), pos);
    }
    case Keyword::kNull: {  // SQLite's x NOT NULL
      ExprPtr e = make_expr(ExprKind::kIsNull, pos);
      e->negated = true;
      e->args.push_back(std::move(left));
      return e;
    }
    case Keyword::kIn: return in_predicate(std::move(left), negated);
    case Keyword::kBetween: {
      ExprPtr e = make_expr(ExprKind::kBetween, pos);
      e->negated = negated;
      e->args.push_back(std::move(left));
      e->args.push_back(expr(kPrecBitOr));
      expect(Keyword::kAnd);
      e->args.push_back(expr(kPrecBitOr));
      return e;
    }
    case Keyword::kLike: return like_predicate(std::move(left), negated, false);
    case Keyword::kIlike: return like_predicate(std::move(left), negated, true);
    default: {  // RLIKE / REGEXP
      std::vector<ExprPtr> args;
      args.push_back(std::move(left));
      args.push_back(expr(kPrecBitOr));
      ExprPtr f = make_function("regexp_like", std::move(args), pos);
      if (!negated) return f;
      return make_unary(UnaryOp::kNot, std::move(f), pos);
    }
  }
}

ExprPtr Parser::in_predicate(ExprPtr left, bool negated) {
  SourcePos pos = left->pos;
  if (at(TokenKind::kLeftParen)) {
    advance();
    if (at_query_start() || maybe_parenthesized_query()) {
      Mark m = mark();
      bool committed = at_query_start();
      try {
        QueryPtr q = query();
        if (committed || at(TokenKind::kRightParen)) {
          expect(TokenKind::kRightParen, "')'");
          ExprPtr e = make_expr(ExprKind::kInSubquery, pos);
          e->negated = negated;
          e->args.push_back(std::move(left));
          e->subquery = std::move(q);
          return e;
        }
      } catch (const SyntaxError&) {
        if (committed) throw;
      }
      reset(m);  // ((SELECT 1), 2): a list that starts with a scalar subquery
    }
    ExprPtr e = make_expr(ExprKind::kInList, pos);
    e->negated = negated;
    e->args.push_back(std::move(left));
    if (!accept(TokenKind::kRightParen)) {  // SQLite allows an empty list
      do {
        e->args.push_back(expr());
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRightParen, "',' or ')'");
    }
    return e;
  }
  if (at_name()) {
    // SQLite's `x IN t`: the rows of table t, as IN (SELECT * FROM t).
    const Token& first = peek();
    auto q = std::make_unique<Query>();
    q->pos = first.pos;
    q->select = std::make_unique<Select>();
    q->select->pos = first.pos;
    SelectItem star;
    star.expr = make_expr(ExprKind::kStar, first.pos);
    q->select->items.push_back(std::move(star));
    auto table = std::make_unique<TableRef>();
    table->pos = first.pos;
    table->name = object_name("a table name");
    ExprPtr e = make_expr(ExprKind::kInSubquery, pos);
    e->names = table->name;
    q->select->from.push_back(std::move(table));
    e->negated = negated;
    e->args.push_back(std::move(left));
    e->subquery = std::move(q);
    return e;
  }
  fail_expected("'(' after IN");
}

ExprPtr Parser::like_predicate(ExprPtr left, bool negated, bool case_insensitive) {
  ExprPtr e = make_expr(ExprKind::kLike, left->pos);
  e->negated = negated;
  e->case_insensitive = case_insensitive;
  e->args.push_back(std::move(left));
  if ((at(Keyword::kAny) || at(Keyword::kSome) || at(Keyword::kAll)) &&
      peek(1).kind == TokenKind::kLeftParen) {
    e->quantifier = at(Keyword::kAll) ? Quantifier::kAll : Quantifier::kAny;
    advance();
    advance();
    do {
      e->args.push_back(expr());
    } while (accept(TokenKind::kComma));
    expect(TokenKind::kRightParen, "',' or ')'");
    if (at(Keyword::kEscape)) fail_unsupported(peek(), "ESCAPE with LIKE ANY / LIKE ALL");
    return e;
  }
  e->args.push_back(expr(kPrecBitOr));
  if (accept(Keyword::kEscape)) e->args.push_back(expr(kPrecBitOr));
  return e;
}

// --- Primaries ---------------------------------------------------------------------------

ExprPtr Parser::primary() {
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::kInteger:
    case TokenKind::kDecimal:
    case TokenKind::kFloat: {
      ExprPtr e = make_expr(ExprKind::kLiteral, t.pos);
      e->literal_kind = t.kind == TokenKind::kInteger   ? LiteralKind::kInteger
                        : t.kind == TokenKind::kDecimal ? LiteralKind::kDecimal
                                                        : LiteralKind::kFloat;
      e->text.assign(t.text.data(), t.text.size());
      advance();
      return e;
    }
    case TokenKind::kString:
    case TokenKind::kEscapeString:
    case TokenKind::kDollarString: return string_literal(advance());
    case TokenKind::kBlob: {
      ExprPtr e = make_expr(ExprKind::kLiteral, t.pos);
      e->literal_kind = LiteralKind::kBlob;
      e->text = string_value(source_, t);
      advance();
      return e;
    }
    case TokenKind::kParameter: {
      ExprPtr e = make_expr(ExprKind::kParameter, t.pos);
      e->index = t.text.size() > 1 ? integer_value(t) : ++parameter_count_;
      advance();
      return e;
    }
    case TokenKind::kPositional: {
      ExprPtr e = make_expr(ExprKind::kPositional, t.pos);
      e->index = integer_value(t);
      advance();
      return e;
    }
    case TokenKind::kColon: {
      const Token& n = peek(1);
      if (n.kind != TokenKind::kIdentifier && n.kind != TokenKind::kQuotedIdentifier) break;
      ExprPtr e = make_expr(ExprKind::kParameter, t.pos);
      advance();
      e->text = identifier_name(advance());
      return e;
    }
    case TokenKind::kLeftParen: return parenthesized();
    case TokenKind::kLeftBracket: {
      ExprPtr e = make_expr(ExprKind::kArray, t.pos);
      advance();
      if (!accept(TokenKind::kRightBracket)) {
        do {
          e->args.push_back(expr());
        } while (accept(TokenKind::kComma));
        expect(TokenKind::kRightBracket, "',' or ']'");
      }
      return e;
    }
    case TokenKind::kLeftBrace: {
      // {'a': 1, 'b': 2} is OBJECT_CONSTRUCT('a', 1, 'b', 2).
      ExprPtr e = make_function("object_construct", {}, t.pos);
      advance();
      if (!accept(TokenKind::kRightBrace)) {
        do {
          const Token& key = peek();
          if (is_string_token(key)) {
            e->args.push_back(string_literal(advance()));
          } else if (key.kind == TokenKind::kIdentifier ||
                     key.kind == TokenKind::kQuotedIdentifier) {
            ExprPtr k = make_expr(ExprKind::kLiteral, key.pos);
            k->literal_kind = LiteralKind::kString;
            k->text = identifier_name(advance());
            e->args.push_back(std::move(k));
          } else {
            fail_expected("a key");
          }
          expect(TokenKind::kColon, "':'");
          e->args.push_back(expr());
        } while (accept(TokenKind::kComma));
        expect(TokenKind::kRightBrace, "',' or '}'");
      }
      return e;
    }
    case TokenKind::kIdentifier:
    case TokenKind::kQuotedIdentifier: return name_expression();
    default: break;
  }
  fail_expected("an expression");
}

ExprPtr Parser::string_literal(const Token& t) {
  ExprPtr e = make_expr(ExprKind::kLiteral, t.pos);
  e->literal_kind = LiteralKind::kString;
  e->text = string_value(source_, t);
  return e;
}

ExprPtr Parser::parenthesized() {
  const Token& open = advance();
  if (at_lambda()) {
    bool grouped = peek(1).kind == TokenKind::kThinArrow;  // (x -> x + 1)
    ExprPtr e = lambda();
    if (grouped) expect(TokenKind::kRightParen, "')'");
    return e;
  }
  if (at_query_start() || (maybe_parenthesized_query() && !failed_query_at_.count(cur_))) {
    Mark m = mark();
    bool committed = at_query_start();
    try {
      QueryPtr q = query();
      if (committed || at(TokenKind::kRightParen)) {
        expect(TokenKind::kRightParen, "')'");
        ExprPtr e = make_expr(ExprKind::kScalarSubquery, open.pos);
        e->subquery = std::move(q);
        return e;
      }
    } catch (const SyntaxError&) {
      if (committed) throw;
    }
    failed_query_at_.insert(m.cursor);
    reset(m);  // ((SELECT 1) + 2): an expression that starts with a subquery
  }
  ExprPtr e = expr();
  expect(TokenKind::kRightParen, "')'");
  return e;
}

bool Parser::at_lambda() const {
  // (x, y) -> .. with its opening parenthesis just consumed, or x -> ..
  if (is_name(peek()) && peek(1).kind == TokenKind::kThinArrow) return true;
  if (cur_ == 0 || toks_[cur_ - 1].kind != TokenKind::kLeftParen) return false;
  size_t k = 0;
  while (is_name(peek(k))) {
    if (peek(k + 1).kind == TokenKind::kComma) {
      k += 2;
      continue;
    }
    return peek(k + 1).kind == TokenKind::kRightParen && peek(k + 2).kind == TokenKind::kThinArrow;
  }
  return false;
}

ExprPtr Parser::lambda() {
  ExprPtr e = make_expr(ExprKind::kLambda, peek().pos);
  if (peek(1).kind == TokenKind::kThinArrow) {
    e->lambda_params.push_back(identifier_name(advance()));
  } else {
    // The parameter list of (x, y) -> ..; the opening parenthesis is already consumed.
    e->pos = tokens_[cur_ - 1].pos;
    do {
      e->lambda_params.push_back(name("a lambda parameter"));
    } while (accept(TokenKind::kComma));
    expect(TokenKind::kRightParen, "')'");
  }
  expect(TokenKind::kThinArrow, "'->'");
  e->args.push_back(expr());
  return e;
}

ExprPtr Parser::name_expression() {
  const Token& t = peek();
  const Token& next = peek(1);
  if (t.kind == TokenKind::kIdentifier && t.keyword != Keyword::kNone) {
    switch (t.keyword) {
      case Keyword::kNull: {
        advance();
        return make_expr(ExprKind::kLiteral, t.pos);
      }
      case Keyword::kTrue:
      case Keyword::kFalse: {
        advance();
        ExprPtr e = make_expr(ExprKind::kLiteral, t.pos);
        e->literal_kind = LiteralKind::kBoolean;
        e->bool_value = t.keyword == Keyword::kTrue;
        e->text = t.keyword == Keyword::kTrue ? "true" : "false";
        return e;
      }
      case Keyword::kCase: return case_expression();
      case Keyword::kCast: return cast_expression(false);
      case Keyword::kTryCast: return cast_expression(true);
      case Keyword::kExists: {
        advance();
        ExprPtr e = make_expr(ExprKind::kExists, t.pos);
        expect(TokenKind::kLeftParen, "'('");
        if (!at_query_start() && !maybe_parenthesized_query()) fail_expected("a subquery");
        e->subquery = query();
        expect(TokenKind::kRightParen, "')'");
        return e;
      }
      case Keyword::kCurrentDate:
      case Keyword::kCurrentTime:
      case Keyword::kCurrentTimestamp:
      case Keyword::kLocaltime:
      case Keyword::kLocaltimestamp: {
        ExprPtr f = make_expr(ExprKind::kFunction, t.pos);
        f->names.push_back(identifier_name(advance()));
        if (at(TokenKind::kLeftParen)) return function_call(std::move(f));
        return f;
      }
      case Keyword::kInterval:
        if (is_string_token(next) || next.kind == TokenKind::kInteger ||
            next.kind == TokenKind::kDecimal ||
            ((next.kind == TokenKind::kMinus || next.kind == TokenKind::kPlus) &&
             (peek(2).kind == TokenKind::kInteger || peek(2).kind == TokenKind::kDecimal))) {
          return interval_literal();
        }
        break;
      case Keyword::kArray:
        if (next.kind == TokenKind::kLeftBracket) {
          advance();
          return primary();
        }
        break;
      case Keyword::kExtract:
      case Keyword::kPosition:
      case Keyword::kSubstring:
      case Keyword::kTrim:
        if (next.kind == TokenKind::kLeftParen) return special_function(t.keyword, t.pos);
        break;
      case Keyword::kLeft:
      case Keyword::kRight:
        if (next.kind == TokenKind::kLeftParen) {
          advance();
          ExprPtr f = make_expr(ExprKind::kFunction, t.pos);
          f->names.push_back(identifier_name(t));
          return function_call(std::move(f));
        }
        break;
      default: break;
    }
    if (is_reserved(t.keyword)) fail_expected("an expression");
  }
  if (is_string_token(next) && is_typed_literal_word(t)) {
    return typed_literal(upper_ascii(t.text));
  }
  if (next.kind == TokenKind::kThinArrow && is_name(t)) return lambda();  // x -> ..

  ExprPtr e = make_expr(ExprKind::kColumnRef, t.pos);
  e->names.push_back(identifier_name(advance()));
  while (at(TokenKind::kDot)) {
    const Token& part = peek(1);
    if (part.kind == TokenKind::kStar) {  // t.*
      advance();
      advance();
      e->kind = ExprKind::kStar;
      return e;
    }
    if (part.kind != TokenKind::kIdentifier && part.kind != TokenKind::kQuotedIdentifier) break;
    advance();
    e->names.push_back(identifier_name(advance()));
  }
  if (at(TokenKind::kLeftParen)) {
    e->kind = ExprKind::kFunction;
    return function_call(std::move(e));
  }
  return e;
}

ExprPtr Parser::case_expression() {
  ExprPtr e = make_expr(ExprKind::kCase, advance().pos);
  if (!at(Keyword::kWhen)) e->case_operand = expr();
  if (!at(Keyword::kWhen)) fail_expected("WHEN");
  while (accept(Keyword::kWhen)) {
    ExprPtr when = expr();
    expect(Keyword::kThen);
    ExprPtr then = expr();
    e->when_then.emplace_back(std::move(when), std::move(then));
  }
  if (accept(Keyword::kElse)) e->else_expr = expr();
  if (!at(Keyword::kEnd)) fail_expected(e->else_expr ? "END" : "WHEN, ELSE or END");
  advance();
  return e;
}

ExprPtr Parser::cast_expression(bool try_cast) {
  ExprPtr e = make_expr(ExprKind::kCast, advance().pos);
  e->try_cast = try_cast;
  expect(TokenKind::kLeftParen, "'('");
  e->args.push_back(expr());
  expect(Keyword::kAs);
  e->type = type_name();
  expect(TokenKind::kRightParen, "')'");
  return e;
}

ExprPtr Parser::interval_literal() {
  ExprPtr e = make_expr(ExprKind::kInterval, advance().pos);
  const Token& q = peek();
  bool quoted = is_string_token(q);
  if (quoted) {
    e->text = string_value(source_, q);
    advance();
  } else {
    if (q.kind == TokenKind::kMinus) e->text = "-";
    if (q.kind == TokenKind::kMinus || q.kind == TokenKind::kPlus) advance();
    e->text += std::string(advance().text);
  }
  e->interval_unit = interval_unit_of(peek());
  if (!e->interval_unit.empty()) {
    advance();
  } else if (!quoted) {
    fail_expected("an interval unit such as DAY");
  }
  return e;
}

ExprPtr Parser::typed_literal(std::string type) {
  const Token& t = advance();
  ExprPtr e = make_expr(ExprKind::kLiteral, t.pos);
  e->literal_kind = LiteralKind::kTyped;
  e->type.name = std::move(type);
  e->type.pos = t.pos;
  e->text = string_value(source_, advance());
  return e;
}

// --- Postfix: casts and variant paths -------------------------------------------------------

ExprPtr Parser::postfix(ExprPtr e) {
  while (true) {
    const Token& t = peek();
    if (t.kind == TokenKind::kDoubleColon) {
      advance();
      ExprPtr c = make_expr(ExprKind::kCast, e->pos);
      c->args.push_back(std::move(e));
      c->type = type_name();
      e = std::move(c);
      continue;
    }
    bool field_after_colon =
        t.kind == TokenKind::kColon &&
        (peek(1).kind == TokenKind::kIdentifier || peek(1).kind == TokenKind::kQuotedIdentifier);
    bool field_after_dot =
        t.kind == TokenKind::kDot && e->kind != ExprKind::kColumnRef &&
        e->kind != ExprKind::kStar &&
        (peek(1).kind == TokenKind::kIdentifier || peek(1).kind == TokenKind::kQuotedIdentifier);
    if (!field_after_colon && !field_after_dot && t.kind != TokenKind::kLeftBracket) {
      if (t.keyword == Keyword::kCollate) fail_unsupported(t, "COLLATE");
      return e;
    }
    if (e->kind != ExprKind::kPath) {
      ExprPtr p = make_expr(ExprKind::kPath, e->pos);
      p->args.push_back(std::move(e));
      e = std::move(p);
    }
    advance();
    PathElement step;
    if (t.kind != TokenKind::kLeftBracket) {
      // Path steps are keys of semi-structured values: their case is kept as written.
      const Token& f = advance();
      step.field =
          f.kind == TokenKind::kQuotedIdentifier ? identifier_name(f) : std::string(f.text);
    } else {
      const Token& i = peek();
      if (i.kind == TokenKind::kInteger && peek(1).kind == TokenKind::kRightBracket) {
        step.is_index = true;
        step.index = integer_value(i);
        advance();
      } else if (is_string_token(i) && peek(1).kind == TokenKind::kRightBracket) {
        step.field = string_value(source_, i);
        advance();
      } else {
        step.is_index = true;
        step.index_expr = expr();
      }
      expect(TokenKind::kRightBracket, "']'");
    }
    e->path.push_back(std::move(step));
  }
}

}  // namespace floe::sql::detail
