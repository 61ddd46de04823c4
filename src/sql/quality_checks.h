// Data-quality rulesets as a session runs them: CREATE/DROP/SHOW, EVALUATE on demand, and the
// check of every load (COPY and pipes) into a table that has rulesets: the rules run on the
// table as the load would leave it (reading through the load's own transaction), their
// results commit with the load, and a failing ruleset with ON_FAILURE = ABORT stops the load
// (its results are kept all the same). Layer: sql. Private to the session.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "catalog/quality_results.h"
#include "sql/ingest_statements.h"

namespace floe::sql {

StatementResult create_quality_ruleset(IngestContext& ctx, const CreateObject& c);
StatementResult evaluate_quality_ruleset(IngestContext& ctx, const catalog::TableIdentifier& ruleset);
StatementResult show_quality_rulesets(IngestContext& ctx, const Show& s);

struct LoadQualityCheck {
  std::vector<catalog::QualityResult> results;
  std::vector<std::string> aborting;  // rulesets with ON_FAILURE = ABORT that did not pass
};

// Evaluates the rulesets on `table` as `txn` stages it (nothing when it has none).
LoadQualityCheck check_quality_on_load(IngestContext& ctx, const catalog::TableIdentifier& table,
                                       const std::string& table_uuid, const std::string& load_id,
                                       Transaction& txn);

// INFORMATION_SCHEMA.DATA_QUALITY_RESULTS.
std::shared_ptr<exec::TableSource> quality_results_table(catalog::SqlCatalog& catalog);

}  // namespace floe::sql
