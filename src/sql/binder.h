// The binder: syntax tree to physical plan. Names are resolved against the catalog and the
// FROM clause, types are checked and casts inserted, aggregates, windows and subqueries
// are given their operators, and filters are placed as low as they can go (into the
// scans of Iceberg tables, where they prune). Layer: sql.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/plan.h"
#include "sql/ast.h"
#include "sql/session.h"

namespace floe::sql {

// What the binder needs from the session: tables and views by name.
class BindCatalog {
 public:
  virtual ~BindCatalog() = default;
  // A table's scan source, or nullptr when there is no such table.
  virtual std::shared_ptr<exec::TableSource> open_table(const ObjectName& name,
                                                        const TimeTravel* time_travel) = 0;
  // A view's query text, or nullopt.
  virtual std::optional<std::string> view_query(const ObjectName& name) = 0;
  // While a view's query binds, unqualified names mean its default namespace.
  virtual void enter_view(const ObjectName& name) {}
  virtual void leave_view() {}
  // A SYSTEM$ function's value (SYSTEM$PIPE_STATUS), or nullopt when there is none of
  // that name.
  virtual std::optional<std::string> system_function(const std::string& name,
                                                     const std::vector<std::string>& args) {
    return std::nullopt;
  }
};

// Which of Snowflake's semi-structured types a column's text has: all three are JSON text
// in a VARCHAR column, and the name is what DESCRIBE, CREATE TABLE AS and result headers
// show (kNone: the column's own type).
enum class JsonType : uint8_t { kNone, kVariant, kObject, kArray };
// "VARIANT", "OBJECT", "ARRAY", or "" for kNone.
const char* json_type_name(JsonType t);
// The type a declared name means ("VARIANT", "OBJECT", "ARRAY"; any other: kNone).
JsonType json_type_of_name(std::string_view name);

struct BoundQuery {
  exec::PlanPtr plan;
  std::vector<std::string> names;  // output column names
  // Per output column: whether its text is VARIANT, OBJECT or ARRAY (a column declared so,
  // or an expression yielding one); shorter than `names` when the rest are not.
  std::vector<JsonType> variant;
  bool is_variant(size_t column) const { return variant_type(column) != JsonType::kNone; }
  JsonType variant_type(size_t column) const {
    return column < variant.size() ? variant[column] : JsonType::kNone;
  }
};

// MERGE bound against its target: expressions read [target columns, source columns].
struct BoundMergeClause {
  bool matched = true;
  bool by_source = false;  // WHEN NOT MATCHED BY SOURCE
  exec::ExpressionPtr condition;  // nullptr: always
  MergeAction action = MergeAction::kUpdate;
  std::vector<std::pair<int, exec::ExpressionPtr>> sets;  // target column, value
  std::vector<exec::ExpressionPtr> insert_values;          // one per target column (NULLs filled)
};
struct BoundMerge {
  exec::PlanPtr source;
  size_t source_width = 0;
  exec::ExpressionPtr on;
  std::vector<BoundMergeClause> clauses;
  bool any_match_updates = false;  // see Merge::any_match_updates
};

struct BindOptions {
  Dialect dialect = Dialect::kFloe;
  int threads = 1;
  // For the WITH queries the plan computes once (their rows spill past half of it).
  int64_t memory_limit = 0;  // 0: none
  std::string temp_directory;
};

class Binder {
 public:
  Binder(BindCatalog& catalog, BindOptions options);
  ~Binder();
  BoundQuery bind_query(const Query& query);
  // A standalone expression over `schema` (UPDATE SET values, DELETE filters), whose
  // columns may also be named `table.column` (the statement's table name or alias, also
  // from its subqueries).
  exec::ExpressionPtr bind_expression(const Expr& expr, const columnar::Schema& schema,
                                      const std::string& table = "");
  BoundMerge bind_merge(const Merge& merge, const columnar::Schema& target);
  // The floe type a written type means (INT -> BIGINT? no: INT -> INT, NUMBER -> DECIMAL(38,0)).
  static columnar::DataType resolve_type(const TypeName& type);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The part of `condition` (over columns of `schema`) a scan can use to skip files, row
// groups and pages: its conjuncts of the form column <op> constant. A superset filter.
formats::ScanPredicate pushdown_predicate(const exec::Expression& condition,
                                          const columnar::Schema& schema);

// Folds and evaluates a constant expression (LIMIT counts, VALUES rows, defaults).
columnar::Column evaluate_constant_expr(Binder& binder, const Expr& expr);

}  // namespace floe::sql
