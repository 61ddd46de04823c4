// Data definition: CREATE TABLE / VIEW / SCHEMA / DATABASE / INDEX, DROP, ALTER TABLE and
// TRUNCATE. Statements other engines have that floe does not (CREATE TRIGGER, ..) are
// refused by name.
#include <fmt/format.h>

#include "sql/parser_state.h"

namespace floe::sql::detail {

void Parser::create(Statement& s) {
  const Token& create_token = advance();
  bool or_replace = false;
  if (at(Keyword::kOr)) {
    advance();
    expect(Keyword::kReplace);
    or_replace = true;
  }
  bool temporary = false;
  bool transient = false;
  if (at(Keyword::kTemp) || at(Keyword::kTemporary)) {
    advance();
    temporary = true;
  } else if (at(Keyword::kTransient)) {
    advance();
    temporary = true;
    transient = true;
  }
  bool unique = accept(Keyword::kUnique);
  const Token& what = peek();
  if (unique && what.keyword != Keyword::kIndex) fail_expected("INDEX after CREATE UNIQUE");
  switch (what.keyword) {
    case Keyword::kTable: return create_table(s, or_replace, temporary, transient);
    case Keyword::kView: return create_view(s, or_replace, temporary);
    case Keyword::kSchema: return create_namespace(s, ObjectKind::kSchema, or_replace);
    case Keyword::kDatabase: return create_namespace(s, ObjectKind::kDatabase, or_replace);
    case Keyword::kIndex: return create_index(s, unique);
    case Keyword::kTrigger:
    case Keyword::kFunction:
    case Keyword::kProcedure:
    case Keyword::kSequence:
    case Keyword::kMaterialized:
    case Keyword::kVirtual:
      fail_unsupported(create_token, fmt::format("CREATE {}", keyword_name(what.keyword)));
    default: break;
  }
  if (at_word("stage")) return create_object(s, ObjectKind::kStage, or_replace, temporary);
  if (at_word("data") && peek(1).kind == TokenKind::kIdentifier && peek(2).kind == TokenKind::kIdentifier) {
    advance();
    if (!at_word("quality")) fail_expected("QUALITY RULESET after CREATE DATA");
    advance();
    if (!at_word("ruleset")) fail_expected("RULESET after CREATE DATA QUALITY");
    return create_object(s, ObjectKind::kQualityRuleset, or_replace, temporary);
  }
  if (at_word("pipe")) return create_object(s, ObjectKind::kPipe, or_replace, temporary);
  if (at_word("file") && peek(1).kind == TokenKind::kIdentifier) {
    advance();
    if (!at_word("format")) fail_expected("FORMAT after CREATE FILE");
    return create_object(s, ObjectKind::kFileFormat, or_replace, temporary);
  }
  if (what.kind == TokenKind::kIdentifier &&
      (at_word("stream") || at_word("task") ||
       at_word("role") || at_word("user") || at_word("warehouse") || at_word("type") ||
       at_word("extension"))) {
    fail_unsupported(create_token, fmt::format("CREATE {}", upper_ascii(what.text)));
  }
  fail_expected("TABLE, VIEW, SCHEMA, DATABASE or INDEX");
}

void Parser::create_table(Statement& s, bool or_replace, bool temporary, bool transient) {
  advance();  // TABLE
  auto c = std::make_unique<CreateTable>();
  c->or_replace = or_replace;
  c->temporary = temporary;
  c->transient = transient;
  c->if_not_exists = accept_if_not_exists();
  c->name = object_name("a table name");

  bool has_body = false;
  if (at(TokenKind::kLeftParen)) {
    has_body = true;
    advance();
    do {
      const Token& t = peek();
      if (t.keyword == Keyword::kConstraint) {
        advance();
        name("a constraint name");
      }
      const Token& k = peek();
      if (k.keyword == Keyword::kPrimary && peek(1).keyword == Keyword::kKey) {
        advance();
        advance();
        c->primary_key = name_list_in_parens("a column name");
      } else if (k.keyword == Keyword::kUnique && peek(1).kind == TokenKind::kLeftParen) {
        advance();
        c->unique_keys.push_back(name_list_in_parens("a column name"));
      } else if (k.keyword == Keyword::kCheck && peek(1).kind == TokenKind::kLeftParen) {
        fail_unsupported(k, "CHECK");
      } else if (k.keyword == Keyword::kForeign && peek(1).keyword == Keyword::kKey) {
        fail_unsupported(k, "FOREIGN KEY");
      } else {
        c->columns.push_back(column_def());
      }
    } while (accept(TokenKind::kComma));
    expect(TokenKind::kRightParen, "',' or ')'");
  } else if (accept(Keyword::kLike)) {
    c->like = object_name("a table name");
    has_body = true;
  }

  // Table options, in any order.
  while (true) {
    const Token& t = peek();
    if ((t.keyword == Keyword::kPartition || t.keyword == Keyword::kPartitioned) &&
        peek(1).keyword == Keyword::kBy) {
      advance();
      advance();
      c->partition_by = partition_list();
    } else if ((t.keyword == Keyword::kCluster || t.keyword == Keyword::kOrder ||
                t.keyword == Keyword::kSort) &&
               peek(1).keyword == Keyword::kBy) {
      advance();
      advance();
      c->sort_by = sort_list();
    } else if (t.keyword == Keyword::kWith && peek(1).kind == TokenKind::kLeftParen) {
      advance();
      for (Property& p : property_list()) c->properties.push_back(std::move(p));
    } else if (t.keyword == Keyword::kTblproperties) {
      advance();
      for (Property& p : property_list()) c->properties.push_back(std::move(p));
    } else if (t.keyword == Keyword::kComment) {
      advance();
      accept(TokenKind::kEqual);
      c->comment = property_text("a comment string");
    } else if (is_name(t) && peek(1).kind == TokenKind::kEqual) {
      c->properties.push_back(property());
    } else {
      break;
    }
  }
  if (accept(Keyword::kAs)) {
    c->as_query = query();
    has_body = true;
  }
  if (!has_body) fail_expected("'(', AS or LIKE");
  s.kind = StatementKind::kCreateTable;
  s.create_table = std::move(c);
}

ColumnDef Parser::column_def() {
  ColumnDef col;
  col.pos = peek().pos;
  col.name = name("a column name");
  col.type = type_name();
  while (true) {
    const Token& t = peek();
    switch (t.keyword) {
      case Keyword::kNot:
        advance();
        expect(Keyword::kNull);
        col.not_null = true;
        continue;
      case Keyword::kNull:
        advance();
        col.not_null = false;
        col.null_declared = true;
        continue;
      case Keyword::kDefault:
        advance();
        in_column_default_ = true;
        {
          int32_t from = peek().pos.offset;
          col.default_value = expr();
          col.default_text = std::string(source_between(from, last_end_));
        }
        in_column_default_ = false;
        continue;
      case Keyword::kPrimary:
        advance();
        expect(Keyword::kKey);
        col.primary_key = true;
        if (!accept(Keyword::kAsc)) accept(Keyword::kDesc);
        if (at_word("autoincrement")) fail_unsupported(peek(), "AUTOINCREMENT");
        continue;
      case Keyword::kUnique:
        advance();
        col.unique = true;
        continue;
      case Keyword::kComment:
        advance();
        col.comment = property_text("a comment string");
        continue;
      case Keyword::kConstraint:
        advance();
        name("a constraint name");
        continue;
      case Keyword::kCheck: fail_unsupported(t, "CHECK");
      case Keyword::kReferences: fail_unsupported(t, "REFERENCES");
      case Keyword::kCollate: fail_unsupported(t, "COLLATE");
      default: break;
    }
    if (at_word("autoincrement") || at_word("identity")) {
      fail_unsupported(t, upper_ascii(t.text));
    }
    return col;
  }
}

std::vector<Property> Parser::property_list() {
  expect(TokenKind::kLeftParen, "'('");
  std::vector<Property> props;
  if (accept(TokenKind::kRightParen)) return props;
  do {
    props.push_back(property());
  } while (accept(TokenKind::kComma));
  expect(TokenKind::kRightParen, "',' or ')'");
  return props;
}

Property Parser::property() {
  Property p;
  const Token& k = peek();
  if (k.kind == TokenKind::kString) {
    p.key = string_value(source_, advance());
  } else if (k.kind == TokenKind::kIdentifier || k.kind == TokenKind::kQuotedIdentifier) {
    // Keys keep their case; a dotted key (write.format.default) is one key.
    p.key = k.kind == TokenKind::kQuotedIdentifier ? identifier_name(k) : std::string(k.text);
    advance();
    while (at(TokenKind::kDot) && peek(1).kind == TokenKind::kIdentifier) {
      advance();
      p.key += '.';
      p.key += advance().text;
    }
  } else {
    fail_expected("a property name");
  }
  expect(TokenKind::kEqual, "'='");
  p.value = property_text("a property value");
  return p;
}

std::string Parser::property_text(std::string_view what) {
  const Token& t = peek();
  switch (t.kind) {
    case TokenKind::kString:
    case TokenKind::kEscapeString:
    case TokenKind::kDollarString: return string_value(source_, advance());
    case TokenKind::kInteger:
    case TokenKind::kDecimal:
    case TokenKind::kFloat: return std::string(advance().text);
    case TokenKind::kMinus:
      if (peek(1).kind == TokenKind::kInteger || peek(1).kind == TokenKind::kDecimal) {
        advance();
        return "-" + std::string(advance().text);
      }
      break;
    case TokenKind::kIdentifier:
    case TokenKind::kQuotedIdentifier:
      if (t.kind == TokenKind::kQuotedIdentifier) return identifier_name(advance());
      return std::string(advance().text);
    default: break;
  }
  fail_expected(what);
}

std::vector<ExprPtr> Parser::partition_list() {
  if (at(TokenKind::kLeftParen) && !maybe_parenthesized_query()) {
    advance();
    std::vector<ExprPtr> list = expression_list();
    expect(TokenKind::kRightParen, "',' or ')'");
    return list;
  }
  return expression_list();
}

std::vector<OrderItem> Parser::sort_list() {
  if (at(TokenKind::kLeftParen)) {
    advance();
    std::vector<OrderItem> items = order_by_items();
    expect(TokenKind::kRightParen, "',' or ')'");
    return items;
  }
  return order_by_items();
}

void Parser::create_view(Statement& s, bool or_replace, bool temporary) {
  advance();  // VIEW
  auto v = std::make_unique<CreateView>();
  v->or_replace = or_replace;
  v->temporary = temporary;
  v->if_not_exists = accept_if_not_exists();
  v->name = object_name("a view name");
  if (at(TokenKind::kLeftParen)) v->column_aliases = name_list_in_parens("a column name");
  if (accept(Keyword::kComment)) {
    accept(TokenKind::kEqual);
    v->comment = property_text("a comment string");
  }
  expect(Keyword::kAs);
  int32_t from = peek().pos.offset;
  v->query = query();
  v->query_text = std::string(source_between(from, last_end_));
  s.kind = StatementKind::kCreateView;
  s.create_view = std::move(v);
}

void Parser::create_namespace(Statement& s, ObjectKind kind, bool or_replace) {
  advance();  // SCHEMA / DATABASE
  auto n = std::make_unique<CreateNamespace>();
  n->kind = kind;
  n->or_replace = or_replace;
  n->if_not_exists = accept_if_not_exists();
  n->name = object_name(kind == ObjectKind::kSchema ? "a schema name" : "a database name");
  while (true) {
    if (at(Keyword::kWith) && peek(1).kind == TokenKind::kLeftParen) {
      advance();
      for (Property& p : property_list()) n->properties.push_back(std::move(p));
    } else if (at(Keyword::kComment)) {
      advance();
      accept(TokenKind::kEqual);
      n->properties.push_back({"comment", property_text("a comment string")});
    } else if (at_name() && peek(1).kind == TokenKind::kEqual) {
      n->properties.push_back(property());
    } else {
      break;
    }
  }
  s.kind = StatementKind::kCreateNamespace;
  s.create_namespace = std::move(n);
}

void Parser::create_index(Statement& s, bool unique) {
  advance();  // INDEX
  auto i = std::make_unique<CreateIndex>();
  i->unique = unique;
  i->if_not_exists = accept_if_not_exists();
  i->index_name = name("an index name");
  expect(Keyword::kOn);
  i->table = object_name("a table name");
  expect(TokenKind::kLeftParen, "'('");
  do {
    i->columns.push_back(name("a column name"));
    if (!accept(Keyword::kAsc)) accept(Keyword::kDesc);
  } while (accept(TokenKind::kComma));
  expect(TokenKind::kRightParen, "',' or ')'");
  s.kind = StatementKind::kCreateIndex;
  s.create_index = std::move(i);
}

void Parser::drop(Statement& s) {
  const Token& drop_token = advance();
  auto d = std::make_unique<Drop>();
  const Token& what = peek();
  switch (what.keyword) {
    case Keyword::kTable: d->kind = ObjectKind::kTable; break;
    case Keyword::kView: d->kind = ObjectKind::kView; break;
    case Keyword::kSchema: d->kind = ObjectKind::kSchema; break;
    case Keyword::kDatabase: d->kind = ObjectKind::kDatabase; break;
    case Keyword::kIndex: d->kind = ObjectKind::kIndex; break;
    case Keyword::kSequence: d->kind = ObjectKind::kSequence; break;
    case Keyword::kFunction: d->kind = ObjectKind::kFunction; break;
    case Keyword::kTrigger:
    case Keyword::kProcedure:
    case Keyword::kMaterialized:
      fail_unsupported(drop_token, fmt::format("DROP {}", keyword_name(what.keyword)));
    default:
      if (at_word("stage")) {
        d->kind = ObjectKind::kStage;
      } else if (at_word("pipe")) {
        d->kind = ObjectKind::kPipe;
      } else if (at_word("stream")) {
        d->kind = ObjectKind::kStream;
      } else if (at_word("task")) {
        d->kind = ObjectKind::kTask;
      } else if (at_word("file") && peek(1).kind == TokenKind::kIdentifier) {
        advance();
        if (!at_word("format")) fail_expected("FORMAT after DROP FILE");
        d->kind = ObjectKind::kFileFormat;
      } else if (at_word("data") && peek(1).kind == TokenKind::kIdentifier) {
        advance();
        if (!at_word("quality")) fail_expected("QUALITY RULESET after DROP DATA");
        advance();
        if (!at_word("ruleset")) fail_expected("RULESET after DROP DATA QUALITY");
        d->kind = ObjectKind::kQualityRuleset;
      } else {
        fail_expected("TABLE, VIEW, SCHEMA, DATABASE or INDEX");
      }
  }
  advance();
  d->if_exists = accept_if_exists();
  d->name = object_name("a name");
  if (accept(Keyword::kCascade)) {
    d->cascade = true;
  } else {
    accept(Keyword::kRestrict);
  }
  d->purge = accept(Keyword::kPurge);
  s.kind = StatementKind::kDrop;
  s.drop = std::move(d);
}

void Parser::truncate(Statement& s) {
  advance();
  accept(Keyword::kTable);
  s.truncate_if_exists = accept_if_exists();
  s.truncate_table = object_name("a table name");
  s.kind = StatementKind::kTruncate;
}

void Parser::alter(Statement& s) {
  advance();  // ALTER
  if (at(Keyword::kTable)) return alter_table(s);
  if (at(Keyword::kSession)) {
    advance();
    if (at(Keyword::kSet)) return set_variable(s, false);
    if (at(Keyword::kUnset)) return set_variable(s, true);
    fail_expected("SET or UNSET after ALTER SESSION");
  }
  if (at_word("pipe")) return alter_object(s, ObjectKind::kPipe);
  if (at_word("stage")) return alter_object(s, ObjectKind::kStage);
  fail_expected("TABLE, PIPE, STAGE or SESSION after ALTER");
}

void Parser::alter_table(Statement& s) {
  advance();  // TABLE
  auto a = std::make_unique<AlterTable>();
  a->if_exists = accept_if_exists();
  a->table = object_name("a table name");
  const Token& t = peek();
  switch (t.keyword) {
    case Keyword::kAdd:
      advance();
      if (at(Keyword::kPartition) && peek(1).keyword == Keyword::kField) {
        advance();
        advance();
        a->action = AlterAction::kAddPartitionField;
        a->partition_expr = expr();
        break;
      }
      if (at(Keyword::kConstraint) || at(Keyword::kPrimary) ||
          (at(Keyword::kUnique) && peek(1).kind == TokenKind::kLeftParen)) {
        fail_unsupported(t, "ALTER TABLE .. ADD CONSTRAINT");
      }
      accept(Keyword::kColumn);
      a->action = AlterAction::kAddColumn;
      a->if_not_exists = accept_if_not_exists();
      a->column = column_def();
      break;
    case Keyword::kDrop:
      advance();
      if (at(Keyword::kPartition) && peek(1).keyword == Keyword::kField) {
        advance();
        advance();
        a->action = AlterAction::kDropPartitionField;
        a->partition_expr = expr();
        break;
      }
      accept(Keyword::kColumn);
      a->action = AlterAction::kDropColumn;
      a->column_if_exists = accept_if_exists();
      a->names.push_back(name("a column name"));
      break;
    case Keyword::kRename:
      advance();
      if (accept(Keyword::kColumn)) {
        a->action = AlterAction::kRenameColumn;
        a->names.push_back(name("a column name"));
        expect(Keyword::kTo);
        a->new_name = name("a column name");
      } else {
        expect(Keyword::kTo);
        a->action = AlterAction::kRenameTable;
        a->new_table = object_name("a table name");
      }
      break;
    case Keyword::kAlter:
    case Keyword::kModify:
      advance();
      accept(Keyword::kColumn);
      alter_column(*a);
      break;
    case Keyword::kSet:
      advance();
      if (at(Keyword::kTblproperties)) {
        advance();
        a->action = AlterAction::kSetProperties;
        a->properties = property_list();
      } else if (at(TokenKind::kLeftParen)) {
        a->action = AlterAction::kSetProperties;
        a->properties = property_list();
      } else if (at(Keyword::kComment)) {
        advance();
        accept(TokenKind::kEqual);
        a->action = AlterAction::kSetComment;
        a->comment = property_text("a comment string");
      } else if (at(Keyword::kPartition) && peek(1).keyword == Keyword::kBy) {
        advance();
        advance();
        a->action = AlterAction::kSetPartitionBy;
        a->partition_exprs = partition_list();
      } else {
        a->action = AlterAction::kSetProperties;
        do {
          a->properties.push_back(property());
        } while (accept(TokenKind::kComma));
      }
      break;
    case Keyword::kUnset:
      advance();
      a->action = AlterAction::kUnsetProperties;
      if (accept(Keyword::kTblproperties)) {
        expect(TokenKind::kLeftParen, "'('");
        do {
          a->names.push_back(property_text("a property name"));
        } while (accept(TokenKind::kComma));
        expect(TokenKind::kRightParen, "',' or ')'");
      } else {
        do {
          a->names.push_back(property_text("a property name"));
        } while (accept(TokenKind::kComma));
      }
      break;
    case Keyword::kPartition:
      if (peek(1).keyword != Keyword::kBy) fail_expected("an ALTER TABLE action");
      advance();
      advance();
      a->action = AlterAction::kSetPartitionBy;
      a->partition_exprs = partition_list();
      break;
    case Keyword::kCluster:
      advance();
      expect(Keyword::kBy);
      a->action = AlterAction::kSetSortOrder;
      a->sort_by = sort_list();
      break;
    case Keyword::kWrite:
      // WRITE ORDERED BY a, b (Iceberg's sort order); WRITE UNORDERED clears it.
      advance();
      a->action = AlterAction::kSetSortOrder;
      if (at_word("unordered")) {
        advance();
        break;
      }
      if (at_word("locally")) advance();
      expect(Keyword::kOrdered);
      expect(Keyword::kBy);
      a->sort_by = sort_list();
      break;
    case Keyword::kComment:
      advance();
      accept(TokenKind::kEqual);
      a->action = AlterAction::kSetComment;
      a->comment = property_text("a comment string");
      break;
    default: fail_expected("ADD, DROP, RENAME, ALTER, SET, UNSET, CLUSTER BY or WRITE ORDERED BY");
  }
  if (at(TokenKind::kComma)) fail_unsupported(peek(), "more than one ALTER TABLE action");
  s.kind = StatementKind::kAlterTable;
  s.alter_table = std::move(a);
}

void Parser::alter_column(AlterTable& a) {
  a.names.push_back(name("a column name"));
  const Token& t = peek();
  if (t.keyword == Keyword::kSet && peek(1).keyword == Keyword::kData) {
    advance();
    advance();
    expect(Keyword::kType);
    a.action = AlterAction::kAlterColumnType;
    a.column.name = a.names[0];
    a.column.type = type_name();
  } else if (t.keyword == Keyword::kType) {
    advance();
    a.action = AlterAction::kAlterColumnType;
    a.column.name = a.names[0];
    a.column.type = type_name();
  } else if ((t.keyword == Keyword::kSet || t.keyword == Keyword::kDrop) &&
             peek(1).keyword == Keyword::kNot) {
    advance();
    advance();
    expect(Keyword::kNull);
    a.action = t.keyword == Keyword::kSet ? AlterAction::kSetNotNull : AlterAction::kDropNotNull;
  } else if ((t.keyword == Keyword::kSet || t.keyword == Keyword::kDrop) &&
             peek(1).keyword == Keyword::kDefault) {
    fail_unsupported(t, "ALTER COLUMN .. DEFAULT");
  } else {
    fail_expected("SET DATA TYPE, TYPE, SET NOT NULL or DROP NOT NULL");
  }
}

}  // namespace floe::sql::detail
