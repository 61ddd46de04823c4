// Data-quality rules on a table (AWS Glue Data Quality's role), written in DQDL:
//   Rules = [ IsComplete "id", IsUnique "id", ColumnValues "qty" between 1 and 100,
//             ColumnValues "status" in ["new", "paid"], ColumnValues "email" matches "[^@]+@.+",
//             ColumnLength "code" = 3, Completeness "email" > 0.9, RowCount > 0,
//             Mean "qty" < 50, CustomSql "SELECT count(*) FROM primary WHERE qty < 0" = 0 ]
// Each rule becomes one SQL query over the table ("primary") that yields a metric, and an
// outcome: PASS, FAIL (with Glue's message) or ERROR (the query failed). Layer: ingest.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace floe::ingest {

struct QualityRule {
  std::string text;       // as written, for results
  std::string metric_sql; // SELECT <one value> FROM {table} ...: "{table}" stands for the table
  // The check on the metric: PASS when it holds. A NULL metric fails.
  std::function<bool(double)> holds;
  std::string constraint;  // for messages: "between 1 and 100", "= 0", ...
};

// Parses a DQDL ruleset ("Rules = [ r1, r2, ... ]"). Throws InvalidInputError naming the
// rule and what was expected; UnsupportedError for rule types floe does not evaluate.
std::vector<QualityRule> parse_quality_rules(const std::string& dqdl);

struct RuleOutcome {
  std::string rule;
  std::string outcome;  // PASS, FAIL, ERROR
  std::string message;
  std::optional<double> metric;
};

// Evaluates every rule with `metric` (runs a query, returns its single value; nullopt for
// NULL; throws on failure). `table_sql` is the table as SQL names it.
std::vector<RuleOutcome> evaluate_quality_rules(
    const std::vector<QualityRule>& rules, const std::string& table_sql,
    const std::function<std::optional<double>(const std::string& sql)>& metric);

}  // namespace floe::ingest
