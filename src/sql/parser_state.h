// The recursive-descent parser's state and grammar, shared by the files that implement it
// (parser.cpp: entry points and small statements; ddl_parser.cpp, dml_parser.cpp,
// query_parser.cpp, table_ref_parser.cpp, expression_parser.cpp, function_call_parser.cpp,
// type_parser.cpp).
// Layer: sql. Private to the parser: other code includes sql/parser.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "sql/ast.h"
#include "sql/lexer.h"

namespace floe::sql::detail {

// Deeper nesting than this (parentheses, subqueries, unary operators, nested types) is a
// syntax error instead of a stack overflow.
constexpr int kMaxNestingDepth = 1000;

// Binding strength of operators, weakest first (see Parser::expr).
enum Precedence : int {
  kPrecLowest = 0,
  kPrecOr,
  kPrecAnd,
  kPrecNot,
  kPrecComparison,  // = <> < > IS IN BETWEEN LIKE
  kPrecBitOr,
  kPrecBitXor,
  kPrecBitAnd,
  kPrecShift,
  kPrecAdditive,        // + - ||
  kPrecMultiplicative,  // * / %
  kPrecUnary,           // - + ~
};

class Parser {
 public:
  explicit Parser(std::string_view source);

  // Entry points (parser.cpp).
  std::vector<Statement> statements();
  Statement single_statement();
  ExprPtr single_expression();

  // --- Statements -----------------------------------------------------------------------
  void statement(Statement& s);  // parser.cpp: dispatches on the first word
  void show(Statement& s);
  void describe(Statement& s);
  void explain(Statement& s);
  void use(Statement& s);
  void set_variable(Statement& s, bool unset);

  // ddl_parser.cpp
  void create(Statement& s);
  void create_table(Statement& s, bool or_replace, bool temporary, bool transient);
  void create_view(Statement& s, bool or_replace, bool temporary);
  void create_namespace(Statement& s, ObjectKind kind, bool or_replace);
  void create_index(Statement& s, bool unique);
  void drop(Statement& s);
  void alter(Statement& s);
  void alter_table(Statement& s);
  void alter_column(AlterTable& a);
  void truncate(Statement& s);
  ColumnDef column_def();
  std::vector<Property> property_list();  // ( k = v, ... )
  Property property();                    // k = v
  std::string property_text(std::string_view what);
  std::vector<ExprPtr> partition_list();  // (a, day(ts)) or a, day(ts)
  std::vector<OrderItem> sort_list();     // (a DESC, b) or a DESC, b

  // ingest_parser.cpp: stages, file formats, pipes, COPY, LIST/PUT/GET/REMOVE
  void create_object(Statement& s, ObjectKind kind, bool or_replace, bool temporary);
  void copy(Statement& s);
  void stage_command(Statement& s, StageCommandKind kind);
  void alter_object(Statement& s, ObjectKind kind);
  void evaluate_ruleset(Statement& s);  // EVALUATE DATA QUALITY RULESET r
  bool at_option() const;  // KEY = here
  ingest::OptionList options();
  ingest::OptionValue option_value();
  std::string stage_or_location(std::string_view what, SourcePos* pos = nullptr);
  std::string local_path_text();  // file:///a/b*.csv or 'file:///..' (PUT / GET)

  // dml_parser.cpp
  void insert(Statement& s, bool replace_into);
  void update(Statement& s);
  void delete_from(Statement& s);
  void merge(Statement& s);
  std::vector<Assignment> assignments();
  MergeClause merge_clause();

  // --- Queries (query_parser.cpp) --------------------------------------------------------
  QueryPtr query();  // [WITH ..] body [ORDER BY ..] [LIMIT ..]
  QueryPtr query_body(int min_precedence);
  QueryPtr query_term();  // SELECT .. | VALUES .. | ( query )
  std::unique_ptr<Select> select(Query& q);
  SelectItem select_item();
  void with_clause(Query& q);
  GroupBy group_by();
  std::vector<std::vector<ExprPtr>> values_rows();
  std::vector<OrderItem> order_by_items();
  OrderItem order_item();
  void limit_clauses(Query& q, bool has_top);
  std::vector<NamedWindow> window_clause();
  bool at_query_start() const;             // SELECT / WITH / VALUES ( here
  bool maybe_parenthesized_query() const;  // ( ( .. SELECT here

  // --- FROM (table_ref_parser.cpp) -------------------------------------------------------
  std::vector<TableRefPtr> from_list();
  TableRefPtr table_ref();      // a table primary and its joins
  TableRefPtr table_primary();  // one table, subquery, function or parenthesised join
  // `t` followed by PIVOT (..) / UNPIVOT (..), as the subquery that says the same.
  TableRefPtr pivoted(TableRefPtr t);
  void table_alias(TableRef& t, bool allow_column_aliases);
  std::optional<TimeTravel> time_travel();
  bool at_time_travel() const;

  // --- Expressions (expression_parser.cpp) -----------------------------------------------
  ExprPtr expr(int min_precedence = kPrecLowest);
  ExprPtr prefix();
  ExprPtr primary();
  ExprPtr postfix(ExprPtr e);
  ExprPtr infix(ExprPtr left, int precedence);
  ExprPtr parenthesized();
  ExprPtr name_expression();         // column reference, t.*, function call, lambda
  ExprPtr function_call(ExprPtr f);  // f: a kFunction with its name; reads ( args ) and after
  ExprPtr special_function(Keyword k, SourcePos pos);  // EXTRACT, POSITION, SUBSTRING, TRIM
  ExprPtr function_tail(ExprPtr f);                    // WITHIN GROUP, FILTER, IGNORE NULLS, OVER
  ExprPtr argument(std::string* name);                 // [name =>] expr, or a lambda
  ExprPtr case_expression();
  ExprPtr cast_expression(bool try_cast);
  ExprPtr interval_literal();
  ExprPtr typed_literal(std::string type_name);
  ExprPtr lambda();
  bool at_lambda() const;
  std::unique_ptr<WindowSpec> window_spec();  // ( [base] [PARTITION BY] [ORDER BY] [frame] )
  FrameBound frame_bound();
  std::vector<ExprPtr> expression_list();  // e, e, ...
  ExprPtr string_literal(const Token& t);
  ExprPtr in_predicate(ExprPtr left, bool negated);
  ExprPtr like_predicate(ExprPtr left, bool negated, bool case_insensitive);
  int64_t integer_value(const Token& t);  // digits of a number, ?n or $n

  // --- Types (type_parser.cpp) -----------------------------------------------------------
  TypeName type_name();

  // --- Tokens and shared pieces (parser_state.cpp) ---------------------------------------
  // Tokens are read through a plain pointer and these are always inlined: Debug builds
  // parse the whole sqllogictest corpus.
  [[gnu::always_inline]] const Token& peek(size_t ahead = 0) const {
    size_t i = cur_ + ahead;
    return toks_[i < last_ ? i : last_];
  }
  [[gnu::always_inline]] bool at(TokenKind kind) const { return toks_[cur_].kind == kind; }
  [[gnu::always_inline]] bool at(Keyword k) const { return toks_[cur_].keyword == k; }
  bool at_word(std::string_view lower_word) const;  // an identifier spelt so, any case
  const Token& advance();
  bool accept(TokenKind kind);
  bool accept(Keyword k);
  const Token& expect(TokenKind kind, std::string_view what);
  const Token& expect(Keyword k);
  void expect_end_of_statement();

  // "expected <what>, found '<current token>'" at the current token.
  [[noreturn]] void fail_expected(std::string_view what) const;
  [[noreturn]] void fail_at(const Token& t, std::string_view message) const;
  // "<what> is not supported" at `t`.
  [[noreturn]] void fail_unsupported(const Token& t, std::string_view what) const;

  static bool is_name(const Token& t) {  // usable as a bare name
    return t.kind == TokenKind::kQuotedIdentifier ||
           (t.kind == TokenKind::kIdentifier && !is_reserved(t.keyword));
  }
  bool at_name() const { return is_name(peek()); }
  std::string name(std::string_view what);        // one identifier
  ObjectName object_name(std::string_view what);  // a.b.c
  std::vector<std::string> name_list_in_parens(std::string_view what);
  bool accept_if_not_exists();
  bool accept_if_exists();
  std::string_view source_between(int32_t from, int32_t to) const {
    return source_.substr(static_cast<size_t>(from), static_cast<size_t>(to - from));
  }

  class DepthGuard {
   public:
    [[gnu::always_inline]] explicit DepthGuard(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxNestingDepth) p_.fail_too_deep();
    }
    [[gnu::always_inline]] ~DepthGuard() { --p_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Parser& p_;
  };
  [[noreturn]] void fail_too_deep() const;

  // Where speculative parsing rewinds to.
  struct Mark {
    size_t cursor;
    int parameters;
    int32_t last_end;
  };
  Mark mark() const { return {cur_, parameter_count_, last_end_}; }
  void reset(const Mark& m) {
    cur_ = m.cursor;
    parameter_count_ = m.parameters;
    last_end_ = m.last_end;
  }
  ExprPtr reparse(const Mark& at);  // the expression at `at` once more: a copy of it

  std::string_view source_;
  std::vector<Token> tokens_;
  const Token* toks_;  // tokens_.data()
  size_t last_;        // index of the kEnd token
  size_t cur_ = 0;
  // Token positions where a parenthesised query was tried and failed: trying again there
  // would fail the same way (and nested parentheses would make it exponential).
  std::unordered_set<size_t> failed_query_at_;
  int depth_ = 0;
  int parameter_count_ = 0;         // `?` placeholders seen in the current statement
  bool in_column_default_ = false;  // DEFAULT 0 NOT NULL: NOT NULL is the column's
  int32_t last_end_ = 0;            // end offset of the last token consumed
};

std::string upper_ascii(std::string_view s);

inline bool is_string_token(const Token& t) {
  return t.kind == TokenKind::kString || t.kind == TokenKind::kEscapeString ||
         t.kind == TokenKind::kDollarString;
}

// Node constructors shared by the grammar files.
ExprPtr make_expr(ExprKind kind, SourcePos pos);
ExprPtr make_binary(BinaryOp op, ExprPtr left, ExprPtr right, SourcePos pos);
ExprPtr make_unary(UnaryOp op, ExprPtr operand, SourcePos pos);
ExprPtr make_function(std::string name, std::vector<ExprPtr> args, SourcePos pos);
// Appends a call argument; `arg_names` stays empty until some argument is named.
void push_argument(std::vector<ExprPtr>& args, std::vector<std::string>& arg_names, ExprPtr arg,
                   std::string name);

}  // namespace floe::sql::detail
