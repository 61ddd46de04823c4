// QualityResults: the floe_quality_results table. Layer: catalog.
#include "catalog/quality_results.h"

#include <fmt/format.h>

namespace floe::catalog {

QualityResults::QualityResults(SqliteDatabase& db) : db_(db) {
  db_.exec(
      "CREATE TABLE IF NOT EXISTS floe_quality_results (ruleset TEXT NOT NULL, table_uuid TEXT NOT NULL, "
      "table_name TEXT NOT NULL, load_id TEXT NOT NULL, rule TEXT NOT NULL, outcome TEXT NOT NULL, "
      "message TEXT, metric TEXT, evaluated_ms INTEGER NOT NULL)");
}

void QualityResults::record(const std::vector<QualityResult>& results) {
  for (const auto& r : results) {
    auto st = db_.prepare(
        "INSERT INTO floe_quality_results (ruleset, table_uuid, table_name, load_id, rule, outcome, message, "
        "metric, evaluated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, r.ruleset).bind(2, r.table_uuid).bind(3, r.table_name).bind(4, r.load_id).bind(5, r.rule);
    st.bind(6, r.outcome).bind(7, r.message);
    if (r.metric) st.bind(8, fmt::format("{:.17g}", *r.metric));
    else st.bind_null(8);
    st.bind(9, r.evaluated_ms);
    st.run();
  }
}

std::vector<QualityResult> QualityResults::all() {
  auto st = db_.prepare(
      "SELECT ruleset, table_uuid, table_name, load_id, rule, outcome, message, metric, evaluated_ms FROM "
      "floe_quality_results ORDER BY evaluated_ms DESC, rowid");
  std::vector<QualityResult> out;
  while (st.step()) {
    QualityResult r;
    r.ruleset = *st.text(0);
    r.table_uuid = *st.text(1);
    r.table_name = *st.text(2);
    r.load_id = *st.text(3);
    r.rule = *st.text(4);
    r.outcome = *st.text(5);
    r.message = st.text(6).value_or("");
    if (auto m = st.text(7)) r.metric = std::stod(*m);
    r.evaluated_ms = st.integer(8);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace floe::catalog
