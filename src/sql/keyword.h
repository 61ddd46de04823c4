// The words of floe's SQL dialect that the parser recognises, and which of them are reserved
// (never a bare identifier). Layer: sql. The lexer tags each unquoted word with its keyword;
// an unreserved keyword is still an identifier wherever the grammar allows one.
#pragma once

#include <cstdint>
#include <string_view>

namespace floe::sql {

// X(Name, spelling, reserved), sorted by spelling (checked when compiled).
#define FLOE_SQL_KEYWORDS(X)                     \
  X(Add, "add", false)                           \
  X(All, "all", true)                            \
  X(Alter, "alter", false)                       \
  X(Analyze, "analyze", false)                   \
  X(And, "and", true)                            \
  X(Any, "any", true)                            \
  X(Array, "array", false)                       \
  X(As, "as", true)                              \
  X(Asc, "asc", true)                            \
  X(At, "at", false)                             \
  X(Attach, "attach", false)                     \
  X(Before, "before", false)                     \
  X(Begin, "begin", false)                       \
  X(Between, "between", true)                    \
  X(Both, "both", false)                         \
  X(By, "by", true)                              \
  X(Cascade, "cascade", false)                   \
  X(Case, "case", true)                          \
  X(Cast, "cast", true)                          \
  X(Character, "character", false)               \
  X(Check, "check", false)                       \
  X(Cluster, "cluster", false)                   \
  X(Collate, "collate", true)                    \
  X(Column, "column", false)                     \
  X(Columns, "columns", false)                   \
  X(Comment, "comment", false)                   \
  X(Commit, "commit", false)                     \
  X(Constraint, "constraint", false)             \
  X(Create, "create", false)                     \
  X(Cross, "cross", true)                        \
  X(Cube, "cube", false)                         \
  X(Current, "current", false)                   \
  X(CurrentDate, "current_date", true)           \
  X(CurrentTime, "current_time", true)           \
  X(CurrentTimestamp, "current_timestamp", true) \
  X(Data, "data", false)                         \
  X(Database, "database", false)                 \
  X(Databases, "databases", false)               \
  X(Date, "date", false)                         \
  X(Default, "default", true)                    \
  X(Delete, "delete", false)                     \
  X(Desc, "desc", true)                          \
  X(Describe, "describe", false)                 \
  X(Detach, "detach", false)                     \
  X(Distinct, "distinct", true)                  \
  X(Double, "double", false)                     \
  X(Drop, "drop", false)                         \
  X(Else, "else", true)                          \
  X(End, "end", true)                            \
  X(Escape, "escape", false)                     \
  X(Except, "except", true)                      \
  X(Exclude, "exclude", false)                   \
  X(Exists, "exists", true)                      \
  X(Explain, "explain", false)                   \
  X(Extract, "extract", false)                   \
  X(False, "false", true)                        \
  X(Fetch, "fetch", true)                        \
  X(Field, "field", false)                       \
  X(Filter, "filter", false)                     \
  X(First, "first", false)                       \
  X(Following, "following", false)               \
  X(For, "for", true)                            \
  X(Foreign, "foreign", false)                   \
  X(From, "from", true)                          \
  X(Full, "full", true)                          \
  X(Function, "function", false)                 \
  X(Functions, "functions", false)               \
  X(Grant, "grant", false)                       \
  X(Group, "group", true)                        \
  X(Grouping, "grouping", false)                 \
  X(Groups, "groups", false)                     \
  X(Having, "having", true)                      \
  X(If, "if", false)                             \
  X(Ignore, "ignore", false)                     \
  X(Ilike, "ilike", true)                        \
  X(In, "in", true)                              \
  X(Index, "index", false)                       \
  X(Indexed, "indexed", false)                   \
  X(Inner, "inner", true)                        \
  X(Insert, "insert", false)                     \
  X(Intersect, "intersect", true)                \
  X(Interval, "interval", false)                 \
  X(Into, "into", true)                          \
  X(Is, "is", true)                              \
  X(Join, "join", true)                          \
  X(Key, "key", false)                           \
  X(Last, "last", false)                         \
  X(Lateral, "lateral", true)                    \
  X(Leading, "leading", false)                   \
  X(Left, "left", true)                          \
  X(Like, "like", true)                          \
  X(Limit, "limit", true)                        \
  X(Localtime, "localtime", true)                \
  X(Localtimestamp, "localtimestamp", true)      \
  X(Matched, "matched", false)                   \
  X(Materialized, "materialized", false)         \
  X(Merge, "merge", false)                       \
  X(Minus, "minus", true)                        \
  X(Modify, "modify", false)                     \
  X(Name, "name", false)                         \
  X(Natural, "natural", true)                    \
  X(Next, "next", false)                         \
  X(Not, "not", true)                            \
  X(Null, "null", true)                          \
  X(Nulls, "nulls", false)                       \
  X(Of, "of", false)                             \
  X(Offset, "offset", true)                      \
  X(On, "on", true)                              \
  X(Only, "only", false)                         \
  X(Or, "or", true)                              \
  X(Order, "order", true)                        \
  X(Ordered, "ordered", false)                   \
  X(Outer, "outer", true)                        \
  X(Over, "over", false)                         \
  X(Overwrite, "overwrite", false)               \
  X(Partition, "partition", false)               \
  X(Partitioned, "partitioned", false)           \
  X(Pipes, "pipes", false)                       \
  X(Position, "position", false)                 \
  X(Pragma, "pragma", false)                     \
  X(Preceding, "preceding", false)               \
  X(Precision, "precision", false)               \
  X(Primary, "primary", false)                   \
  X(Procedure, "procedure", false)               \
  X(Purge, "purge", false)                       \
  X(Qualify, "qualify", true)                    \
  X(Range, "range", false)                       \
  X(Recursive, "recursive", false)               \
  X(References, "references", false)             \
  X(Regexp, "regexp", true)                      \
  X(Reindex, "reindex", false)                   \
  X(Rename, "rename", false)                     \
  X(Replace, "replace", false)                   \
  X(Reset, "reset", false)                       \
  X(Respect, "respect", false)                   \
  X(Restrict, "restrict", false)                 \
  X(Revoke, "revoke", false)                     \
  X(Right, "right", true)                        \
  X(Rlike, "rlike", true)                        \
  X(Rollback, "rollback", false)                 \
  X(Rollup, "rollup", false)                     \
  X(Row, "row", false)                           \
  X(Rows, "rows", false)                         \
  X(Schema, "schema", false)                     \
  X(Schemas, "schemas", false)                   \
  X(Select, "select", true)                      \
  X(Sequence, "sequence", false)                 \
  X(Session, "session", false)                   \
  X(Set, "set", false)                           \
  X(Sets, "sets", false)                         \
  X(Show, "show", false)                         \
  X(Snapshots, "snapshots", false)               \
  X(Some, "some", true)                          \
  X(Sort, "sort", false)                         \
  X(Source, "source", false)                     \
  X(Stages, "stages", false)                     \
  X(Start, "start", false)                       \
  X(Substring, "substring", false)               \
  X(SystemTime, "system_time", false)            \
  X(Table, "table", true)                        \
  X(Tables, "tables", false)                     \
  X(Target, "target", false)                     \
  X(Tasks, "tasks", false)                       \
  X(Tblproperties, "tblproperties", false)       \
  X(Temp, "temp", false)                         \
  X(Temporary, "temporary", false)               \
  X(Terse, "terse", false)                       \
  X(Then, "then", true)                          \
  X(Ties, "ties", false)                         \
  X(Time, "time", false)                         \
  X(Timestamp, "timestamp", false)               \
  X(To, "to", false)                             \
  X(Top, "top", false)                           \
  X(Trailing, "trailing", false)                 \
  X(Transaction, "transaction", false)           \
  X(Transient, "transient", false)               \
  X(Trigger, "trigger", false)                   \
  X(Trim, "trim", false)                         \
  X(True, "true", true)                          \
  X(Truncate, "truncate", false)                 \
  X(TryCast, "try_cast", true)                   \
  X(Type, "type", false)                         \
  X(Unbounded, "unbounded", false)               \
  X(Union, "union", true)                        \
  X(Unique, "unique", false)                     \
  X(Unknown, "unknown", false)                   \
  X(Unset, "unset", false)                       \
  X(Update, "update", false)                     \
  X(Use, "use", false)                           \
  X(Using, "using", true)                        \
  X(Vacuum, "vacuum", false)                     \
  X(Values, "values", true)                      \
  X(Varying, "varying", false)                   \
  X(Verbose, "verbose", false)                   \
  X(Version, "version", false)                   \
  X(View, "view", false)                         \
  X(Views, "views", false)                       \
  X(Virtual, "virtual", false)                   \
  X(When, "when", true)                          \
  X(Where, "where", true)                        \
  X(Window, "window", true)                      \
  X(With, "with", true)                          \
  X(Within, "within", false)                     \
  X(Without, "without", false)                   \
  X(Work, "work", false)                         \
  X(Write, "write", false)                       \
  X(Zone, "zone", false)

enum class Keyword : uint16_t {
  kNone,
#define FLOE_SQL_KEYWORD_ENUM(name, spelling, reserved) k##name,
  FLOE_SQL_KEYWORDS(FLOE_SQL_KEYWORD_ENUM)
#undef FLOE_SQL_KEYWORD_ENUM
};

// The keyword `word` spells, in any letter case; kNone when it is not one.
Keyword find_keyword(std::string_view word);

// Reserved keywords are never bare identifiers (column, table or alias names).
bool is_reserved(Keyword keyword);

// The keyword in upper case, as messages name it ("SELECT"); "" for kNone.
std::string_view keyword_name(Keyword keyword);

}  // namespace floe::sql
