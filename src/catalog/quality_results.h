// QualityResults: the outcomes of data-quality rulesets, one row per rule and evaluation,
// kept in the catalog file (floe_quality_results). A COPY's evaluation is written in the
// catalog transaction of its load; an evaluation on demand, or of a load that its ruleset
// aborted, in a transaction of its own. Layer: catalog.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/sqlite_database.h"

namespace floe::catalog {

struct QualityResult {
  std::string ruleset;     // "db.rules"
  std::string table_uuid;
  std::string table_name;  // "db.t"
  std::string load_id;     // the COPY's load id, "" for an evaluation on demand
  std::string rule;        // as written
  std::string outcome;     // PASS, FAIL, ERROR
  std::string message;
  std::optional<double> metric;
  int64_t evaluated_ms = 0;
};

class QualityResults {
 public:
  explicit QualityResults(SqliteDatabase& db);  // creates the table when missing
  void record(const std::vector<QualityResult>& results);
  std::vector<QualityResult> all();  // newest first

 private:
  SqliteDatabase& db_;
};

}  // namespace floe::catalog
