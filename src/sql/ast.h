// The syntax tree of floe's SQL dialect: what the parser produces and the binder reads.
// Layer: sql. Plain data, no behaviour: every node keeps the position of its first token so
// that errors from any later stage can point into the statement text.
//
// Identifiers: unquoted identifiers are folded to lower case by the parser; quoted ones
// ("Mixed Case") are kept exactly. Names of several parts (db.schema.table, t.col) keep
// their parts in order.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ingest/option_value.h"

namespace floe::sql {

// A place in the statement text: byte offset, and 1-based line and column.
struct SourcePos {
  int32_t offset = 0;
  int32_t line = 1;
  int32_t column = 1;
};

using ObjectName = std::vector<std::string>;  // db.schema.table -> {"db","schema","table"}

struct Expr;
struct Query;
struct Statement;
using ExprPtr = std::unique_ptr<Expr>;
using QueryPtr = std::unique_ptr<Query>;

// A type as written: INT, VARCHAR(20), DECIMAL(10,2), NUMBER, TIMESTAMP_NTZ(9), ARRAY,
// ARRAY(INT), OBJECT, VARIANT, STRUCT(a INT, b VARCHAR), MAP(VARCHAR, INT), LIST(INT).
// `name` is upper case, multi-word names joined by one space ("DOUBLE PRECISION",
// "TIMESTAMP WITH TIME ZONE").
struct TypeField;
struct TypeName {
  std::string name;
  std::vector<int64_t> params;   // (20), (10,2)
  std::vector<TypeField> fields; // STRUCT fields; ARRAY/LIST/MAP element types with empty names
  SourcePos pos;
};
// A named member of a nested type (first: the name, second: its type). A struct rather than
// std::pair, whose traits cannot be instantiated while TypeName is incomplete (clang).
struct TypeField {
  std::string first;
  TypeName second;
};

enum class ExprKind {
  kLiteral,       // literal_kind + text
  kColumnRef,     // names: {"col"} or {"t","col"} or {"schema","t","col"}
  kStar,          // names: {} for *, {"t"} for t.*; exclude: EXCLUDE (a, b); replace,
                  // rename: REPLACE (e AS a), RENAME (a AS b)
  kPositional,    // $1, $2 (columns of a staged file): index
  kParameter,     // ? or :name placeholders: index (1-based) or text (name)
  kUnary,         // unary_op, args[0]
  kBinary,        // binary_op, args[0], args[1]
  kFunction,      // names (function name, possibly qualified), args (+ arg_names), distinct,
                  // star_arg (COUNT(*)), order_by (WITHIN GROUP / inside ARRAY_AGG),
                  // filter (FILTER (WHERE ..)), ignore_nulls, over (window)
  kCast,          // args[0], type; try_cast for TRY_CAST; `x::type` is a kCast too
  kCase,          // case_operand (optional), when_then, else_expr (optional)
  kInList,        // args[0] IN (args[1..]); negated for NOT IN
  kInSubquery,    // args[0] IN (subquery); negated
  kExists,        // EXISTS (subquery); negated
  kScalarSubquery,// (subquery)
  kQuantified,    // args[0] <binary_op> ANY|ALL (subquery): quantifier
  kBetween,       // args[0] BETWEEN args[1] AND args[2]; negated
  kLike,          // args[0] LIKE args[1] [ESCAPE args[2]]; negated; case_insensitive (ILIKE);
                  // quantifier for LIKE ANY (...) with args[1..] the patterns
  kIsNull,        // args[0] IS [NOT] NULL; negated
  kIsBool,        // args[0] IS [NOT] TRUE|FALSE: bool_value, negated
  kPath,          // variant path: args[0] then path elements (col:a.b[0], col['a'], x.y on
                  // a variant column is still a kColumnRef; the binder decides)
  kArray,         // [a, b, c] array literal: args
  kInterval,      // INTERVAL '3 days' / INTERVAL 3 DAY: text holds the quantity text,
                  // interval_unit the unit ("" when inside the text)
  kLambda,        // x -> expr (for FILTER/TRANSFORM style functions): lambda_params, args[0]
};

enum class LiteralKind { kNull, kBoolean, kInteger, kDecimal, kFloat, kString, kTyped, kBlob };
// kInteger: digits only (text may exceed 64 bits: the binder decides);
// kDecimal: digits with a point (1.5, .5, 1.); kFloat: with exponent (1e10);
// kTyped: DATE '2024-01-01', TIMESTAMP '..', TIME '..' (type holds the type, text the string);
// kBlob: X'0A1B' (text holds the decoded bytes).

enum class UnaryOp { kNegate, kPlus, kNot, kBitNot };
enum class BinaryOp {
  kAdd, kSubtract, kMultiply, kDivide, kModulo, kConcat,         // + - * / % ||
  kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual,  // = <> != < <= > >=
  kIsDistinctFrom, kIsNotDistinctFrom,                            // IS [NOT] DISTINCT FROM
  kAnd, kOr,
  kBitAnd, kBitOr, kBitXor, kShiftLeft, kShiftRight,              // & | ^ << >>
};
enum class Quantifier { kNone, kAny, kAll };  // ANY and SOME are the same

struct OrderItem {
  ExprPtr expr;
  bool descending = false;
  std::optional<bool> nulls_first;  // unset: the dialect's default
};

enum class FrameUnit { kRows, kRange, kGroups };
enum class FrameBoundKind { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing,
                            kUnboundedFollowing };
struct FrameBound {
  FrameBoundKind kind = FrameBoundKind::kUnboundedPreceding;
  ExprPtr offset;  // for kPreceding / kFollowing
};
struct WindowFrame {
  FrameUnit unit = FrameUnit::kRange;
  FrameBound start;
  FrameBound end;  // BETWEEN .. AND ..; a frame given by its start only has end = CURRENT ROW
};
struct WindowSpec {
  std::string base_name;  // OVER w, or OVER (w ORDER BY ..): the named window it extends
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  std::optional<WindowFrame> frame;
  SourcePos pos;
};

// One step of a variant path: .name / :name / ['name'] (field) or [0] (index; index_expr
// for a non-literal subscript).
struct PathElement {
  bool is_index = false;
  std::string field;
  int64_t index = 0;
  ExprPtr index_expr;
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  SourcePos pos;

  LiteralKind literal_kind = LiteralKind::kNull;
  std::string text;  // literal text (strings unescaped), interval quantity, parameter name
  bool bool_value = false;

  std::vector<std::string> names;  // column ref parts, function name parts, star qualifier,
                                   // the table of SQLite's `x IN t`
  std::vector<std::string> exclude;  // SELECT * EXCLUDE (..)
  // SELECT * REPLACE (expr AS col, ..): the column's value; RENAME (col AS name, ..).
  std::vector<std::pair<ExprPtr, std::string>> replace;
  std::vector<std::pair<std::string, std::string>> rename;

  UnaryOp unary_op = UnaryOp::kNot;
  BinaryOp binary_op = BinaryOp::kAnd;
  Quantifier quantifier = Quantifier::kNone;

  std::vector<ExprPtr> args;
  std::vector<std::string> arg_names;  // function args: "" positional, else `name => value`;
                                       // empty vector when no argument is named
  bool distinct = false;        // COUNT(DISTINCT x)
  bool star_arg = false;        // COUNT(*)
  bool negated = false;         // NOT IN / NOT LIKE / NOT BETWEEN / IS NOT / NOT EXISTS
  bool case_insensitive = false;  // ILIKE
  bool try_cast = false;
  bool ignore_nulls = false;    // LAG(x) IGNORE NULLS, FIRST_VALUE(x IGNORE NULLS)
  std::vector<OrderItem> order_by;  // WITHIN GROUP (ORDER BY ..), ARRAY_AGG(x ORDER BY ..)
  ExprPtr filter;                   // FILTER (WHERE ..)
  std::unique_ptr<WindowSpec> over;

  TypeName type;  // kCast target, kTyped literal type

  ExprPtr case_operand;
  std::vector<std::pair<ExprPtr, ExprPtr>> when_then;
  ExprPtr else_expr;

  QueryPtr subquery;  // kInSubquery, kExists, kScalarSubquery, kQuantified

  std::vector<PathElement> path;  // kPath
  int64_t index = 0;              // kPositional ($n), kParameter (?n, 1-based)
  std::string interval_unit;      // kInterval: upper case (DAY, HOUR, ..), "" if in text
  std::vector<std::string> lambda_params;
};

// --- FROM clause ---------------------------------------------------------------------

enum class JoinType { kInner, kLeft, kRight, kFull, kCross, kSemi, kAnti };
// kSemi/kAnti are never produced by the parser; the binder uses them.

// AT(SNAPSHOT => 123) / AT(TIMESTAMP => '..'::timestamp) / AT(OFFSET => -60) /
// BEFORE(...) / FOR SYSTEM_TIME AS OF / VERSION AS OF (as AT).
struct TimeTravel {
  bool before = false;
  std::string kind;  // upper case: SNAPSHOT, TIMESTAMP, OFFSET, STATEMENT, TAG, BRANCH
  ExprPtr value;
};

enum class TableRefKind {
  kNamed,     // names, alias, time_travel
  kSubquery,  // (query) alias; lateral for LATERAL (subquery)
  kFunction,  // name(args) in FROM: read_parquet('..'), FLATTEN(input => ..),
              // TABLE(FLATTEN(..)), generate_series(..); lateral when LATERAL was written
  kJoin,      // left JOIN right ON/USING; NATURAL JOIN sets natural
  kValues,    // (VALUES (..), (..)) AS t(a, b): values rows
  kStage,     // @stage/path [(FILE_FORMAT => 'f', PATTERN => '..')]: name = {"@stage/path"}
};

struct TableRef {
  TableRefKind kind = TableRefKind::kNamed;
  SourcePos pos;
  ObjectName name;                    // kNamed; kFunction: the function name
  std::string alias;                  // "" when none
  std::vector<std::string> column_aliases;  // AS t(a, b)
  std::optional<TimeTravel> time_travel;
  QueryPtr subquery;
  bool lateral = false;
  std::vector<ExprPtr> args;          // kFunction
  std::vector<std::string> arg_names; // kFunction: as in Expr
  std::vector<std::vector<ExprPtr>> values;  // kValues
  // kJoin
  JoinType join_type = JoinType::kInner;
  bool natural = false;
  std::unique_ptr<TableRef> left, right;
  ExprPtr on;
  std::vector<std::string> using_columns;
};
using TableRefPtr = std::unique_ptr<TableRef>;

// --- Queries ---------------------------------------------------------------------------

struct SelectItem {
  ExprPtr expr;       // a kStar expression for * and t.*
  std::string alias;  // "" when none
};

enum class GroupingKind { kPlain, kRollup, kCube, kGroupingSets, kAll };
// GROUP BY a, b           -> kPlain,  sets = {{a, b}}
// GROUP BY ROLLUP (a, b)  -> kRollup, sets = {{a}, {b}} (one element per rollup item)
// GROUP BY CUBE (a, b)    -> kCube,   sets = {{a}, {b}}
// GROUP BY GROUPING SETS ((a, b), (a), ()) -> kGroupingSets, sets = {{a, b}, {a}, {}}
// GROUP BY ALL            -> kAll, sets empty
// Mixing (GROUP BY a, ROLLUP(b)) is parsed as kGroupingSets after expansion by the parser.
struct GroupBy {
  GroupingKind kind = GroupingKind::kPlain;
  std::vector<std::vector<ExprPtr>> sets;
};

struct NamedWindow {
  std::string name;
  std::unique_ptr<WindowSpec> spec;
};

struct Select {
  SourcePos pos;
  bool distinct = false;
  std::vector<ExprPtr> distinct_on;  // DISTINCT ON (..)
  std::vector<SelectItem> items;
  std::vector<TableRefPtr> from;  // FROM a, b, c: one entry per comma; joins are nested
  ExprPtr where;
  std::optional<GroupBy> group_by;
  ExprPtr having;
  std::vector<NamedWindow> windows;  // WINDOW w AS (..)
  ExprPtr qualify;
};

enum class SetOp { kUnion, kIntersect, kExcept };  // MINUS is kExcept

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> column_aliases;
  QueryPtr query;
  SourcePos pos;
};

enum class QueryKind { kSelect, kSetOperation, kValues, kNested };

// A query expression. ORDER BY / LIMIT / OFFSET belong to the query they follow: in
// `SELECT .. UNION SELECT .. ORDER BY x` they are on the kSetOperation node.
// kNested is a parenthesised query used as a set-operation operand that has its own
// ORDER BY / LIMIT / WITH: (SELECT .. ORDER BY x LIMIT 3) UNION ALL (..).
struct Query {
  QueryKind kind = QueryKind::kSelect;
  SourcePos pos;
  std::vector<CommonTableExpr> ctes;
  bool recursive = false;  // WITH RECURSIVE
  std::unique_ptr<Select> select;                 // kSelect
  SetOp set_op = SetOp::kUnion;                   // kSetOperation
  bool set_all = false;                           // UNION ALL
  bool by_name = false;                           // UNION [ALL] BY NAME
  QueryPtr left, right;                           // kSetOperation
  std::vector<std::vector<ExprPtr>> values;       // kValues
  QueryPtr nested;                                // kNested
  std::vector<OrderItem> order_by;
  ExprPtr limit;   // LIMIT n / FETCH FIRST n ROWS ONLY / TOP n
  ExprPtr offset;
};

// --- Statements ------------------------------------------------------------------------

struct ColumnDef {
  std::string name;
  TypeName type;
  bool not_null = false;
  bool null_declared = false;  // NULL written: the column is meant to allow NULL
  bool primary_key = false;  // the table's identifier field; not enforced (as in Snowflake)
  bool unique = false;       // likewise
  ExprPtr default_value;
  std::string default_text;  // the DEFAULT expression as written (kept with the table)
  std::string comment;
  SourcePos pos;
};

struct Property {
  std::string key;  // as written (quotes removed), case kept
  std::string value;
};

enum class ObjectKind { kDatabase, kSchema, kTable, kView, kIndex, kStage, kFileFormat,
                        kPipe, kStream, kTask, kSequence, kFunction, kQualityRuleset };

struct CreateTable {
  ObjectName name;
  bool or_replace = false;
  bool if_not_exists = false;
  bool temporary = false;  // TEMP / TEMPORARY / TRANSIENT (transient sets `transient`)
  bool transient = false;
  std::vector<ColumnDef> columns;
  std::vector<std::string> primary_key;  // table-level PRIMARY KEY (a, b)
  std::vector<std::vector<std::string>> unique_keys;  // table-level UNIQUE (a, b), in order
  QueryPtr as_query;                     // CREATE TABLE .. AS SELECT
  std::vector<ExprPtr> partition_by;     // PARTITION BY (day(ts), bucket(16, id), region)
  std::vector<OrderItem> sort_by;        // CLUSTER BY (..) / ORDER BY (..) / SORT BY (..)
  std::vector<Property> properties;      // WITH (k = v), TBLPROPERTIES ('k' = 'v'), k = v
  std::string comment;
  ObjectName like;                       // CREATE TABLE t LIKE other
};

struct CreateView {
  ObjectName name;
  bool or_replace = false;
  bool if_not_exists = false;
  bool temporary = false;
  std::vector<std::string> column_aliases;
  QueryPtr query;
  std::string query_text;  // the view's SELECT as written, kept in the catalog
  std::string comment;
};

struct CreateNamespace {  // CREATE DATABASE / CREATE SCHEMA
  ObjectKind kind = ObjectKind::kSchema;
  ObjectName name;
  bool or_replace = false;
  bool if_not_exists = false;
  std::vector<Property> properties;
};

struct CreateIndex {  // accepted for compatibility: Iceberg tables have no indexes
  std::string index_name;
  ObjectName table;
  std::vector<std::string> columns;
  bool unique = false;
  bool if_not_exists = false;
};

struct Drop {
  ObjectKind kind = ObjectKind::kTable;
  ObjectName name;
  bool if_exists = false;
  bool cascade = false;
  bool purge = false;
};

struct Assignment {
  std::vector<std::string> column;  // SET col = .. (or t.col)
  ExprPtr value;                    // nullptr for SET col = DEFAULT
  SourcePos pos;
};

struct Insert {
  ObjectName table;
  bool overwrite = false;             // INSERT OVERWRITE
  bool or_replace = false;            // INSERT OR REPLACE / REPLACE INTO: by the primary key
  bool or_ignore = false;             // INSERT OR IGNORE: rows whose key exists are skipped
  std::vector<std::string> columns;   // empty: all, in order
  QueryPtr query;                     // VALUES are a kValues query
  bool default_values = false;        // INSERT INTO t DEFAULT VALUES
};

struct Update {
  ObjectName table;
  std::string alias;
  std::vector<Assignment> assignments;
  std::vector<TableRefPtr> from;
  ExprPtr where;
};

struct Delete {
  ObjectName table;
  std::string alias;
  std::vector<TableRefPtr> using_tables;
  ExprPtr where;
};

enum class MergeAction { kUpdate, kDelete, kInsert };
struct MergeClause {
  bool matched = true;        // WHEN MATCHED / WHEN NOT MATCHED [BY TARGET]
  bool by_source = false;     // WHEN NOT MATCHED BY SOURCE
  ExprPtr condition;          // AND <condition>
  MergeAction action = MergeAction::kUpdate;
  std::vector<Assignment> assignments;  // UPDATE SET ..
  bool update_star = false;             // UPDATE SET * (Spark): every column from the source
  std::vector<std::string> insert_columns;
  std::vector<ExprPtr> insert_values;   // INSERT (..) VALUES (..); empty with insert_star
  bool insert_star = false;             // INSERT * (Spark) / INSERT ALL BY NAME
  SourcePos pos;
};

struct Merge {
  ObjectName target;
  std::string target_alias;
  TableRefPtr source;
  ExprPtr on;
  std::vector<MergeClause> clauses;
  // UPDATE .. FROM: when several source rows match a target row, one of them updates it
  // (Snowflake's default, ERROR_ON_NONDETERMINISTIC_UPDATE = FALSE); MERGE raises an error.
  bool any_match_updates = false;
};

enum class AlterAction {
  kAddColumn,        // column (+ if_not_exists)
  kDropColumn,       // names[0]; column_if_exists (if_exists is the table's IF EXISTS)
  kRenameColumn,     // names[0] -> new_name
  kAlterColumnType,  // names[0] SET DATA TYPE / TYPE column.type
  kDropNotNull,      // ALTER COLUMN c DROP NOT NULL
  kSetNotNull,
  kRenameTable,      // RENAME TO new_table
  kSetProperties,    // SET TBLPROPERTIES / SET (k = v) / SET k = v
  kUnsetProperties,  // UNSET TBLPROPERTIES ('k') / UNSET k: property keys in names
  kAddPartitionField,   // ADD PARTITION FIELD expr (Spark) : partition_expr
  kDropPartitionField,  // DROP PARTITION FIELD expr
  kSetPartitionBy,      // PARTITION BY (..) / SET PARTITION BY: partition_exprs
  kSetSortOrder,        // CLUSTER BY (..) / WRITE ORDERED BY ..: sort_by
  kSetComment,
};

struct AlterTable {
  ObjectName table;
  bool if_exists = false;
  AlterAction action = AlterAction::kAddColumn;
  ColumnDef column;
  bool if_not_exists = false;
  bool column_if_exists = false;  // DROP COLUMN IF EXISTS
  std::vector<std::string> names;
  std::string new_name;
  ObjectName new_table;
  std::vector<Property> properties;
  ExprPtr partition_expr;
  std::vector<ExprPtr> partition_exprs;
  std::vector<OrderItem> sort_by;
  std::string comment;  // kSetComment
};

enum class ShowKind { kTables, kViews, kSchemas, kDatabases, kColumns, kFunctions,
                      kSnapshots, kCreateTable, kCreateView, kStages, kPipes, kTasks,
                      kFileFormats, kQualityRulesets };
struct Show {
  ShowKind kind = ShowKind::kTables;
  ObjectName in;        // SHOW TABLES IN schema / SHOW COLUMNS IN t / SHOW CREATE TABLE t
  std::string like;     // LIKE 'pattern'; "" when none
  bool terse = false;
};

struct Describe {  // DESCRIBE/DESC [TABLE|VIEW] name, or DESCRIBE <query>
  ObjectName name;
  QueryPtr query;
};

struct Explain {
  bool analyze = false;
  bool verbose = false;
  std::unique_ptr<Statement> statement;
};

struct Use {
  ObjectKind kind = ObjectKind::kSchema;  // USE x / USE SCHEMA x / USE DATABASE x
  ObjectName name;
};

struct SetVariable {  // SET name = value / SET name TO value / ALTER SESSION SET name = value
  std::string name;
  ExprPtr value;
  bool unset = false;  // UNSET name / RESET name
};

// CREATE STAGE / FILE FORMAT / PIPE: floe objects kept in the catalog.
struct CreateObject {
  ObjectKind kind = ObjectKind::kStage;
  ObjectName name;
  bool or_replace = false;
  bool if_not_exists = false;
  bool temporary = false;
  ingest::OptionList options;      // URL = .., FILE_FORMAT = (..), AUTO_INGEST = TRUE, ...
  std::unique_ptr<Statement> copy; // CREATE PIPE .. AS COPY INTO ..
  std::string copy_text;           // the pipe's COPY as written
  ObjectName on_table;             // CREATE DATA QUALITY RULESET .. ON [TABLE] t
};

// COPY INTO <table> FROM <stage> | (SELECT .. FROM <stage>), or COPY INTO <stage> FROM
// <table> | (query) (unloading).
struct Copy {
  bool into_location = false;
  ObjectName table;                   // loading: the target; unloading: the source table
  std::vector<std::string> columns;   // COPY INTO t (a, b)
  std::string location;               // "@stage/path" or a quoted 'file:///..'/'s3://..' URL
  SourcePos location_pos;
  QueryPtr query;                     // the transformation (loading) or the query (unloading)
  std::string query_text;             // the query as written
  ExprPtr partition_by;               // unloading: PARTITION BY expr
  std::string partition_by_text;
  ingest::OptionList options;         // FILES, PATTERN, FILE_FORMAT, ON_ERROR, ...
};

// LIST @s, PUT file://.. @s, GET @s file://.., REMOVE @s.
enum class StageCommandKind { kList, kPut, kGet, kRemove };
struct StageCommand {
  StageCommandKind kind = StageCommandKind::kList;
  std::string stage;        // "@stage/path"
  std::string local;        // PUT's source (glob) / GET's target folder, without file://
  ingest::OptionList options;  // PATTERN, AUTO_COMPRESS, OVERWRITE, ...
};

// ALTER PIPE p SET k = v / REFRESH [PREFIX = ..] [MODIFIED_AFTER = ..];
// ALTER STAGE s SET k = v; EVALUATE DATA QUALITY RULESET r (kQualityRuleset, refresh).
struct AlterObject {
  ObjectKind kind = ObjectKind::kPipe;
  ObjectName name;
  bool if_exists = false;
  bool refresh = false;
  ingest::OptionList options;
};

enum class StatementKind {
  kQuery, kCreateTable, kCreateView, kCreateNamespace, kCreateIndex, kDrop, kInsert,
  kUpdate, kDelete, kMerge, kTruncate, kAlterTable, kShow, kDescribe, kExplain,
  kBegin, kCommit, kRollback, kUse, kSet, kCreateObject, kCopy, kStageCommand, kAlterObject,
};

struct Statement {
  StatementKind kind = StatementKind::kQuery;
  SourcePos pos;
  std::string text;  // the statement's own text (without the trailing ';')
  QueryPtr query;                                   // kQuery
  std::unique_ptr<CreateTable> create_table;
  std::unique_ptr<CreateView> create_view;
  std::unique_ptr<CreateNamespace> create_namespace;
  std::unique_ptr<CreateIndex> create_index;
  std::unique_ptr<Drop> drop;
  std::unique_ptr<Insert> insert;
  std::unique_ptr<Update> update;
  std::unique_ptr<Delete> del;
  std::unique_ptr<Merge> merge;
  ObjectName truncate_table;                        // kTruncate
  bool truncate_if_exists = false;
  std::unique_ptr<AlterTable> alter_table;
  std::unique_ptr<Show> show;
  std::unique_ptr<Describe> describe;
  std::unique_ptr<Explain> explain;
  std::unique_ptr<Use> use;
  std::unique_ptr<SetVariable> set;
  std::unique_ptr<CreateObject> create_object;
  std::unique_ptr<Copy> copy;
  std::unique_ptr<StageCommand> stage_command;
  std::unique_ptr<AlterObject> alter_object;
};

}  // namespace floe::sql
